/**
 * Messages between the page and the import worker. The page sends the file's
 * bytes (transferred, not copied) and later the mapping with the registry's rows
 * for matching and the settings' tiers and categories (the choices a cell may
 * name); the worker answers with progress, then the result or an error. One
 * request at a time per worker; `id` ties answers to requests.
 */
import type { TextEncoding } from '$lib/domain/encoding';
import type { Mapping } from '$lib/domain/import';
import type { ExistingRow, PlannedRow } from './check';
import type { ParsedFile } from './parse';
import type { SettingsChoices } from './prepare';

export type ToWorker =
	| { type: 'read'; id: number; name: string; bytes: ArrayBuffer; encoding?: TextEncoding }
	| {
			type: 'plan';
			id: number;
			mapping: Mapping;
			existing: ExistingRow[];
			choices: SettingsChoices;
	  };

export type FromWorker =
	| { type: 'progress'; id: number; phase: 'read' | 'plan'; done: number; total: number }
	| { type: 'read'; id: number; file: ParsedFile }
	| { type: 'plan'; id: number; rows: PlannedRow[] }
	| { type: 'error'; id: number; code: string; params: Record<string, string | number> };

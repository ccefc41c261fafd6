/**
 * What the import page needs besides the worker: the remembered mapping per file
 * shape (device settings in dexie), the server calls that record an import, and
 * the CSV of rejected rows.
 */
import { z } from 'zod';
import { toCsv } from '$lib/domain/csv';
import { IMPORTABLE_FIELDS, shapeKey, type ImportableField } from '$lib/domain/headers';
import {
	importFields,
	type ImportRecord,
	type ImportStart,
	type Mapping
} from '$lib/domain/import';
import { getSetting, setSetting } from '$lib/local/db';
import type { PlannedRow } from './check';

const storedMapping = z.array(z.enum(IMPORTABLE_FIELDS).nullable());
const mappingKey = (headers: readonly string[]) => `import.mapping:${shapeKey(headers)}`;

export async function rememberedMapping(headers: readonly string[]): Promise<Mapping | null> {
	const m = await getSetting(mappingKey(headers), storedMapping).catch(() => undefined);
	return m && m.length === headers.length ? m : null;
}

export async function rememberMapping(headers: readonly string[], mapping: Mapping): Promise<void> {
	await setSetting(mappingKey(headers), mapping).catch(() => undefined);
}

export class ImportApiError extends Error {
	readonly name = 'ImportApiError';
	constructor(
		readonly code: 'network' | 'http',
		message: string,
		/** The server's error code and HTTP status, for the UI to word the refusal. */
		readonly serverCode?: string,
		readonly status = 0
	) {
		super(message);
	}
}

async function post(url: string, body?: unknown): Promise<unknown> {
	let r: Response;
	try {
		r = await fetch(url, {
			method: 'POST',
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body)
		});
	} catch {
		throw new ImportApiError('network', '');
	}
	const json = (await r.json().catch(() => null)) as {
		error?: { code?: string; message?: string };
	} | null;
	if (!r.ok) {
		throw new ImportApiError(
			'http',
			json?.error?.message ?? `HTTP ${r.status}`,
			json?.error?.code,
			r.status
		);
	}
	return json;
}

const registered = z.object({
	import: z.object(importFields).partial().extend({ id: z.string() })
});

/** Register an import; the server's record of it (who, when), as the page lists it. */
export async function registerImport(org: string, body: ImportStart): Promise<ImportRecord> {
	const r = registered.safeParse(await post(`/api/${encodeURIComponent(org)}/imports`, body));
	return r.success ? r.data.import : { id: body.id, fileName: body.fileName };
}

export const markImport = (org: string, id: string, what: 'done' | 'undone') =>
	post(`/api/${encodeURIComponent(org)}/imports/${encodeURIComponent(id)}/${what}`);

/**
 * The rejected rows as they were in the file (with any corrections made on the
 * page), plus a last column with the reasons, in UTF-8 with BOM.
 */
export function rejectsCsv(opts: {
	headers: readonly string[];
	rows: readonly PlannedRow[];
	reasonHeader: string;
	reason: (row: PlannedRow) => string;
}): string {
	const out: string[][] = [[...opts.headers, opts.reasonHeader]];
	for (const r of opts.rows) {
		if (r.errors.length === 0) continue;
		const cells = opts.headers.map((_, i) => r.cells[i] ?? '');
		out.push([...cells, opts.reason(r)]);
	}
	return toCsv(out, { bom: true });
}

export const isImportable = (f: string): f is ImportableField =>
	(IMPORTABLE_FIELDS as readonly string[]).includes(f);

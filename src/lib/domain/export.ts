/**
 * Export of a grid view, the pure part: which columns, in which order, with which
 * headers, and the cell values, plus the entry that goes to the server's export
 * log. Member data is confidential (seed 001, art. 1): every export is logged
 * with who, when, which view and how many rows before the file is handed over.
 */
import { z } from 'zod';
import type { FieldKind } from './fields';

export const EXPORT_FORMAT = { csv: 'csv', xlsx: 'xlsx' } as const;
export type ExportFormat = (typeof EXPORT_FORMAT)[keyof typeof EXPORT_FORMAT];
/** Ticked registry rows copied to the clipboard, as tab-separated text ([IE1]: an export too). */
export const COPY_FORMAT = 'tsv';

export interface ExportColumn {
	key: string;
	header: string;
	kind: FieldKind;
}

export type ExportCell = string | number | null;

/**
 * One array per row, in column order. `cell` turns a stored value into what the
 * file shows (option labels in the reader's language, numbers as numbers).
 */
export function exportMatrix<R extends Record<string, unknown>>(opts: {
	columns: readonly ExportColumn[];
	rows: Iterable<R>;
	cell: (column: ExportColumn, value: unknown, row: R) => ExportCell;
}): ExportCell[][] {
	const out: ExportCell[][] = [opts.columns.map((c) => c.header)];
	for (const r of opts.rows) {
		out.push(
			opts.columns.map((c) => {
				const v = r[c.key];
				return v === undefined || v === null || v === '' ? null : opts.cell(c, v, r);
			})
		);
	}
	return out;
}

/** `members-2026-12-01.xlsx`: ASCII, no characters a file system could refuse. */
export function exportFileName(base: string, at: Date, format: ExportFormat): string {
	const safe = base.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'export';
	return `${safe}-${at.toISOString().slice(0, 10)}.${format}`;
}

/** What the client says about an export (the server adds who and when). */
export const exportLogInput = z.object({
	/** Which grid: `members` for now. */
	view: z.string().trim().min(1).max(100),
	format: z.enum([EXPORT_FORMAT.csv, EXPORT_FORMAT.xlsx, COPY_FORMAT]),
	rows: z.number().int().min(0).max(10_000_000),
	/** Column keys in file order. */
	columns: z.array(z.string().max(100)).max(100),
	/** The quick search and filter model as shown, for the audit trail (JSON, capped). */
	filters: z.string().max(4000).default(''),
	/** The sort as `field:asc` items. */
	sort: z.array(z.string().max(110)).max(100).default([])
});
export type ExportLogInput = z.infer<typeof exportLogInput>;

export interface ExportLogEntry extends ExportLogInput {
	id: number;
	org: string;
	userId: number;
	userName: string;
	/** ISO 8601. */
	at: string;
}

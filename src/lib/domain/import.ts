/**
 * Import of member lists, the pure part: from a file's rows (already decoded and
 * split into cells) and a column mapping to validated member values, a plan per
 * row (add, update a matched record, skip) and the record of the import.
 *
 * The parts that touch a Y.Doc (applying in chunks, undo) live in src/lib/import/.
 *
 * Stored layout (registry doc), beside `members`:
 *  - `imports`: importId → one row per import: file name, who, when, counts,
 *    status. Written only by the server (POST /api/<org>/imports), so who and
 *    when cannot be forged.
 *  - `importParts`: `<importId>-<n>` → one row per chunk transaction, written in
 *    the same transaction as that chunk's members: which rows it added, the
 *    previous values of the rows it updated, and the Yjs client and clock range
 *    of the transaction. Undo reads these; "nobody edited since" is checked per
 *    row against that clock range.
 */
import { z } from 'zod';
import { member, ROW_ID_PATTERN } from './member';
import { IMPORTABLE_FIELDS, type ImportableField } from './headers';
import { foldForms } from './normalize';
import { approvedFieldFixed } from './lifecycle';

/** Rows per Y transaction: 5,000 rows of 20 fields are about 3 MB, well under the 8 MiB message limit. */
export const IMPORT_CHUNK_ROWS = 5000;
/** Files larger than this are refused before they are read (about 200k rows). */
export const IMPORT_MAX_BYTES = 50 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 100_000;

export type CellValue = string;

export interface SourceRow {
	/** Row number in the file as a spreadsheet shows it (header is row 1). */
	line: number;
	cells: CellValue[];
}

export type Mapping = (ImportableField | null)[];

export interface FieldError {
	field: ImportableField | 'row';
	/** Column index in the file, -1 for a row-level problem. */
	column: number;
	value: string;
	/** i18n key saying what is expected (`expect.*` or `import.reason.*`). */
	reason: string;
}

export type MemberValues = Partial<Record<ImportableField, string | number>>;

export interface CheckedRow {
	line: number;
	cells: CellValue[];
	values: MemberValues;
	errors: FieldError[];
}

/** Turns one cell into a stored value, or says what is expected. Injected by the caller. */
export type PrepareCell = (
	field: ImportableField,
	raw: string
) => { ok: true; value: string | number | null } | { ok: false; expectKey: string };

const importRecord = member.pick(
	Object.fromEntries(IMPORTABLE_FIELDS.map((f) => [f, true])) as Record<ImportableField, true>
);

/**
 * Check one row: every mapped cell through `prepare`, then the whole record with
 * the member schema. A row needs a name; a row with no mapped value at all is
 * reported as empty.
 */
export function checkRow(row: SourceRow, mapping: Mapping, prepare: PrepareCell): CheckedRow {
	const values: MemberValues = {};
	const errors: FieldError[] = [];
	mapping.forEach((field, col) => {
		if (!field) return;
		const raw = row.cells[col] ?? '';
		if (raw.trim() === '') return;
		if (values[field] !== undefined) return;
		const r = prepare(field, raw);
		if (!r.ok) errors.push({ field, column: col, value: raw, reason: r.expectKey });
		else if (r.value !== null) values[field] = r.value;
	});
	if (errors.length === 0) {
		const parsed = importRecord.safeParse(values);
		if (!parsed.success) {
			for (const issue of parsed.error.issues) {
				const field = issue.path[0] as ImportableField;
				errors.push({
					field,
					column: mapping.indexOf(field),
					value: String(values[field] ?? ''),
					reason: 'import.reason.invalid'
				});
			}
		}
	}
	const nameColumn = mapping.indexOf('name');
	if (values.name === undefined && !errors.some((e) => e.field === 'name')) {
		errors.push({
			field: 'name',
			column: nameColumn,
			value: '',
			reason: nameColumn < 0 ? 'import.reason.noNameColumn' : 'import.reason.nameRequired'
		});
	}
	return { line: row.line, cells: row.cells, values, errors };
}

/** A field the import would change on a matched record. */
export interface FieldChangePreview {
	field: ImportableField;
	from: string | number | undefined;
	to: string | number;
}

/**
 * What updating `existing` with `incoming` changes: every imported field with a
 * value that differs by more than letter forms (normalize.ts `foldForms`: «شركت»
 * is «شرکت»). An empty cell never clears a stored value, and the status of an
 * existing record is never changed by a file (pipeline moves are server commands;
 * the guard would put it back), nor an approved member's tier, category or join date
 * (the approver's, [J2]: the guard would put them back too).
 */
export function changesFor(
	existing: Readonly<Record<string, unknown>>,
	incoming: MemberValues
): FieldChangePreview[] {
	const out: FieldChangePreview[] = [];
	for (const f of IMPORTABLE_FIELDS) {
		if (f === 'status' || approvedFieldFixed(existing, f)) continue;
		const to = incoming[f];
		if (to === undefined) continue;
		const from = existing[f];
		if (from === to) continue;
		// The same text in other letter forms (ك for ک, a full-width letter) is no change.
		if (typeof from === 'string' && typeof to === 'string' && foldForms(from) === foldForms(to))
			continue;
		out.push({
			field: f,
			from: typeof from === 'string' || typeof from === 'number' ? from : undefined,
			to
		});
	}
	return out;
}

export const ROW_ACTION = { add: 'add', update: 'update', skip: 'skip' } as const;
export type RowAction = (typeof ROW_ACTION)[keyof typeof ROW_ACTION];

export interface PlanCounts {
	add: number;
	update: number;
	skip: number;
	rejected: number;
}

export function countPlan(actions: readonly RowAction[], rejected: number): PlanCounts {
	const c: PlanCounts = { add: 0, update: 0, skip: 0, rejected };
	for (const a of actions) c[a]++;
	return c;
}

/** Split into chunks of at most `size`. */
export function chunk<T>(xs: readonly T[], size = IMPORT_CHUNK_ROWS): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
	return out;
}

// ---- the import record --------------------------------------------------------

export const IMPORTS_TABLE = 'imports';
export const IMPORT_PARTS_TABLE = 'importParts';

export const IMPORT_STATUS = {
	/** Registered with the server; parts are being written. */
	open: 'open',
	done: 'done',
	undone: 'undone'
} as const;
export type ImportStatus = (typeof IMPORT_STATUS)[keyof typeof IMPORT_STATUS];

const count = z.number().int().min(0).max(10_000_000);
const ids = (s: string) => {
	try {
		const v: unknown = JSON.parse(s);
		return Array.isArray(v) && v.every((x) => typeof x === 'string' && ROW_ID_PATTERN.test(x));
	} catch {
		return false;
	}
};

/** Previous values of updated rows: memberId → field → value (null: was empty). */
export const beforeValues = z.record(
	z.string().regex(ROW_ID_PATTERN),
	z.record(z.string(), z.union([z.string(), z.number(), z.null()]))
);
export type BeforeValues = z.infer<typeof beforeValues>;

const jsonOf = <T extends z.ZodType>(schema: T) =>
	z.string().refine((s) => {
		try {
			return schema.safeParse(JSON.parse(s)).success;
		} catch {
			return false;
		}
	});

/** One `imports` row (server-owned, every field). */
export const importFields = {
	fileName: z.string().min(1).max(300),
	byId: z.number().int().min(1),
	byName: z.string().min(1).max(200),
	at: z.iso.datetime(),
	status: z.enum([IMPORT_STATUS.open, IMPORT_STATUS.done, IMPORT_STATUS.undone]),
	parts: count,
	added: count,
	updated: count,
	skipped: count,
	rejected: count,
	undoneAt: z.iso.datetime(),
	undoneById: z.number().int().min(1),
	undoneByName: z.string().min(1).max(200)
} as const;

/** One `importParts` row (written by the importing client with its chunk). */
export const importPartFields = {
	importId: z.string().regex(ROW_ID_PATTERN),
	part: z.number().int().min(0).max(10_000),
	/** JSON array of the member ids this chunk added. */
	added: z.string().max(2_000_000).refine(ids),
	/** JSON array of the member ids this chunk updated. */
	updated: z.string().max(2_000_000).refine(ids),
	/** JSON BeforeValues of the updated rows. */
	before: z.string().max(20_000_000).pipe(jsonOf(beforeValues)),
	/** The Yjs client id and clock range [clockStart, clockEnd) of the chunk's writes. */
	client: z.number().int().min(0),
	clockStart: z.number().int().min(0),
	clockEnd: z.number().int().min(0)
} as const;

export type ImportRecord = { id: string } & {
	[K in keyof typeof importFields]?: z.infer<(typeof importFields)[K]>;
};

export interface ImportPart {
	importId: string;
	part: number;
	added: string[];
	updated: string[];
	before: BeforeValues;
	client: number;
	clockStart: number;
	clockEnd: number;
}

/** Read a stored part; null when anything is malformed (it is then not undoable). */
export function readImportPart(raw: Readonly<Record<string, unknown>>): ImportPart | null {
	const shape = z.object(importPartFields);
	const r = shape.safeParse(raw);
	if (!r.success) return null;
	return {
		importId: r.data.importId,
		part: r.data.part,
		added: JSON.parse(r.data.added) as string[],
		updated: JSON.parse(r.data.updated) as string[],
		before: beforeValues.parse(JSON.parse(r.data.before)),
		client: r.data.client,
		clockStart: r.data.clockStart,
		clockEnd: r.data.clockEnd
	};
}

/** POST /api/<org>/imports: register an import before its rows are written. */
export const importStart = z.object({
	id: z.string().regex(ROW_ID_PATTERN),
	fileName: z.string().trim().min(1).max(300),
	parts: count,
	added: count,
	updated: count,
	skipped: count,
	rejected: count
});
export type ImportStart = z.infer<typeof importStart>;

/** Fields an import may write: every importable field. */
export const isImportableField = (k: string): k is ImportableField =>
	(IMPORTABLE_FIELDS as readonly string[]).includes(k);

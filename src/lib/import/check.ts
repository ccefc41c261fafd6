/**
 * Checking a parsed file against a mapping: each row validated (domain/import.ts)
 * and matched against the registry by normalised name, phone and email (the
 * duplicate detection of domain/normalize.ts). Runs in the worker; pure enough to
 * test in Node.
 */
import {
	checkRow,
	changesFor,
	ROW_ACTION,
	type CheckedRow,
	type FieldChangePreview,
	type Mapping,
	type PrepareCell,
	type RowAction,
	type SourceRow
} from '$lib/domain/import';
import {
	buildMatchIndex,
	type DuplicateMatch,
	type MatchIndex,
	type MatchRow
} from '$lib/domain/normalize';
import { cellPreparer, prepareCell, type SettingsChoices } from './prepare';

export interface PlannedRow extends CheckedRow {
	/** The best match in the registry, if any. */
	match: DuplicateMatch | null;
	/** Fields an update of the match would change. */
	changes: FieldChangePreview[];
	/** What happens to the row (valid rows only). */
	action: RowAction;
	/** An earlier row of the same file that looks like the same company (skipped by default). */
	duplicateOfLine?: number;
}

export type ExistingRow = MatchRow & Record<string, unknown>;

/** Default per row: a match is updated when that changes something, else skipped. */
export function defaultAction(
	match: DuplicateMatch | null,
	changes: readonly unknown[]
): RowAction {
	if (!match) return ROW_ACTION.add;
	return changes.length > 0 ? ROW_ACTION.update : ROW_ACTION.skip;
}

export function planRow(
	row: SourceRow,
	mapping: Mapping,
	index: MatchIndex,
	existing: ReadonlyMap<string, Readonly<Record<string, unknown>>>,
	prepare: PrepareCell = prepareCell
): PlannedRow {
	const checked = checkRow(row, mapping, prepare);
	let match: DuplicateMatch | null = null;
	let changes: FieldChangePreview[] = [];
	if (checked.errors.length === 0) {
		const v = checked.values;
		match = index.find({ name: v.name, phone: v.phone, email: v.email })[0] ?? null;
		const current = match ? existing.get(match.id) : undefined;
		if (match && current) changes = changesFor(current, v);
	}
	return { ...checked, match, changes, action: defaultAction(match, changes) };
}

export function planRows(opts: {
	rows: readonly SourceRow[];
	mapping: Mapping;
	existing: readonly ExistingRow[];
	/** The organisation's tiers and categories (settings); without them the built-in sets. */
	choices?: SettingsChoices;
	onProgress?: (done: number, total: number) => void;
}): PlannedRow[] {
	const prepare = cellPreparer(opts.choices);
	const index = buildMatchIndex(opts.existing);
	const byId = new Map(opts.existing.map((r) => [r.id, r]));
	// Rows of this file that will be added, to catch the same company listed twice
	// (an exhibitor on the visitor list too): the later row is skipped by default.
	const inFile = buildMatchIndex();
	const out: PlannedRow[] = [];
	opts.rows.forEach((r, i) => {
		const p = planRow(r, opts.mapping, index, byId, prepare);
		if (p.errors.length === 0 && !p.match) {
			const v = p.values;
			const twin = inFile.find({ name: v.name, phone: v.phone, email: v.email })[0];
			if (twin) {
				p.duplicateOfLine = Number(twin.id.slice(1));
				p.action = ROW_ACTION.skip;
			} else inFile.set({ id: `L${p.line}`, name: v.name, phone: v.phone, email: v.email });
		}
		out.push(p);
		if ((i + 1) % 1000 === 0) opts.onProgress?.(i + 1, opts.rows.length);
	});
	opts.onProgress?.(opts.rows.length, opts.rows.length);
	return out;
}

/**
 * Pasting a range into the member grid (ag-grid community has no clipboard range paste).
 *
 * Spreadsheet semantics: the pasted range's top-left cell lands on the focused cell,
 * its columns on the displayed columns to the right in display order, its rows on the
 * displayed rows below (after sort and filter). A pasted column that lands on a
 * column nobody may edit (server-owned, `createdAt`) writes nothing there: it is not
 * moved onto the next column, so a range copied from this grid pastes back in place.
 * What falls past the last column is counted, not written. Rows below the last row are
 * planned as new members ([C31]): written only when the person says so (the notice's
 * "Add … as new members"), in the same columns.
 */
import { OPTION_SETS, type OptionSet } from '$lib/domain/fields';
import type { ImportableField } from '$lib/domain/headers';
import type { MemberField } from '$lib/domain/member';
import { parseDateInput } from '$lib/i18n/index.svelte';
import { cellPreparer } from '$lib/import/prepare';
import { FIELD_SPEC, prepareFieldInput, type FieldInput } from '$lib/state/member-input';
import { settingsOptions } from './option-sets.svelte';

export interface PasteTarget {
	id: string;
	field: MemberField;
	raw: string;
	/** Index of the cell in the pasted range, for the notice. */
	row: number;
}

/** A cell of a pasted row below the last row: a field of a new member. */
export type NewRowCell = Omit<PasteTarget, 'id'>;

export interface PastePlan {
	cells: PasteTarget[];
	/** Pasted cells that landed on columns nobody may edit. */
	readOnly: number;
	/** Pasted rows below the last displayed row. */
	beyondRows: number;
	/** Those rows as new members: their cells on the columns this user may edit. */
	newRows: NewRowCell[][];
	/** Cells of those rows on columns nobody may edit (written nowhere if added). */
	newRowsReadOnly: number;
	/** Pasted columns right of the last displayed column. */
	beyondColumns: number;
}

/** What a paste did, already localised (one line each), for the page's notice. */
export interface PasteReport {
	lines: string[];
	changed: number;
	/** Something was not written: the notice stays until dismissed. */
	problems: boolean;
	/** The rows below the last row, offered as new members [C31]; `add` reports anew. */
	newRows?: { count: number; add: () => PasteReport };
	/** The search and filters were cleared so that the members just added show [C31]. */
	filtersCleared?: boolean;
}

/**
 * Where each pasted cell goes. `rowIds`: the displayed rows from the focused one down
 * (as many as there are, or as the range needs); `columns`: the displayed columns from
 * the focused one on, with whether this user may edit them.
 */
export function planPaste(opts: {
	values: readonly (readonly string[])[];
	rowIds: readonly string[];
	columns: readonly { field: string; editable: boolean }[];
}): PastePlan {
	const { values, rowIds, columns } = opts;
	const width = Math.max(0, ...values.map((r) => r.length));
	const plan: PastePlan = {
		cells: [],
		readOnly: 0,
		beyondRows: Math.max(0, values.length - rowIds.length),
		beyondColumns: Math.max(0, width - columns.length),
		newRows: [],
		newRowsReadOnly: 0
	};
	values.forEach((cells, r) => {
		const id = rowIds[r];
		const newRow: NewRowCell[] = [];
		cells.slice(0, columns.length).forEach((raw, c) => {
			const col = columns[c];
			const field = col.field as MemberField;
			if (!col.editable) {
				if (id === undefined) plan.newRowsReadOnly++;
				else plan.readOnly++;
			} else if (id === undefined) newRow.push({ field, raw, row: r });
			else plan.cells.push({ id, field, raw, row: r });
		});
		if (id === undefined) plan.newRows.push(newRow);
	});
	return plan;
}

/**
 * A pasted cell as the grid takes a typed one (member-input.ts), plus what the import
 * accepts of a spreadsheet's cells (import/prepare.ts): choices by their id or their
 * label in any of our languages, web addresses without a scheme. Dates are read in the
 * reader's calendar, as the date editor reads them (ISO always accepted). A blank cell
 * clears the field, as Delete does.
 */
export function pastePreparer(): (field: MemberField, raw: string) => FieldInput {
	const rows = settingsOptions.rows;
	const choices = Object.fromEntries(
		(Object.keys(OPTION_SETS) as OptionSet[]).flatMap((s) => (rows[s] ? [[s, rows[s]]] : []))
	);
	const prepare = cellPreparer(choices);
	return (field, raw) => {
		if (raw.trim() === '') return prepareFieldInput(field, null);
		if (FIELD_SPEC.get(field)?.kind === 'date') {
			return prepareFieldInput(field, parseDateInput(raw) ?? raw);
		}
		return prepare(field as ImportableField, raw);
	};
}

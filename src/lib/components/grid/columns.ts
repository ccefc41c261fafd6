/**
 * Member grid columns, built from MEMBER_FIELD_SPECS: header, editor, formatter,
 * filter, sort and quick-search text per field kind. Rebuilt when the locale
 * changes (the grid is recreated then) or the access does; not when the settings'
 * tiers and categories do: what shows them (labels, the select editor's values, the
 * option filters) reads them when it runs (MemberGrid's `refreshOptions`).
 */
import type { ColDef, ValueFormatterParams } from 'ag-grid-community';
import { MEMBER_FIELD_SPECS, type FieldSpec } from '$lib/domain/fields';
import { optionValues } from './option-sets.svelte';
import type { MemberRow } from '$lib/domain/member';
import { fieldLabel } from '$lib/i18n/fields';
import { MemberCellRenderer } from './cells';
import { DateEditor, FieldTextEditor } from './editors';
import {
	collator,
	foldForSearch,
	formatField,
	memberNoSearchText,
	memberNoText,
	optionLabel,
	searchText
} from './format';
import { OptionFilter } from './option-filter';
import { NameCellRenderer } from './file-link';

let measure: CanvasRenderingContext2D | null = null;
function textWidth(text: string, weight: number): number {
	if (typeof document === 'undefined') return 0;
	measure ??= document.createElement('canvas').getContext('2d');
	if (!measure) return 0;
	measure.font = `${weight} 14px ${getComputedStyle(document.body).fontFamily}`;
	return measure.measureText(text).width;
}

/**
 * A starting width that shows the whole header (with its sort and filter icons)
 * and, for closed sets, the longest option, in the current language: "Member no."
 * fits in 110px, "شماره عضویت" does not. A width the user set wins (saved view).
 */
function columnWidth(spec: FieldSpec): number {
	const header = textWidth(fieldLabel(spec.key), 600) + 64;
	const options = spec.options
		? Math.max(
				...optionValues(spec.options).map((o) => textWidth(optionLabel(spec.options!, o), 400))
			) + 32
		: 0;
	return Math.ceil(Math.max(spec.width, header, options));
}

/** ISO date (or date-time) against the date filter's local-midnight Date. */
function compareIsoToFilterDate(filterDate: Date, cell: unknown): number {
	if (typeof cell !== 'string' || cell.length < 10) return -1;
	const [y, m, d] = cell.slice(0, 10).split('-').map(Number);
	const a = Date.UTC(y, m - 1, d);
	const b = Date.UTC(filterDate.getFullYear(), filterDate.getMonth(), filterDate.getDate());
	return a === b ? 0 : a < b ? -1 : 1;
}

function editorFor(
	spec: FieldSpec
): Pick<ColDef<MemberRow>, 'cellEditor' | 'cellEditorParams' | 'cellEditorPopup'> {
	switch (spec.kind) {
		case 'select':
			return {
				cellEditor: 'agSelectCellEditor',
				// Read when an editor opens: the settings' tiers and categories may have
				// changed since the columns were made (no new column definitions for that).
				cellEditorParams: () => ({
					values: [...optionValues(spec.options!)],
					valueListMaxHeight: 320
				})
			};
		case 'date':
			return { cellEditor: DateEditor, cellEditorParams: { spec }, cellEditorPopup: true };
		default:
			return { cellEditor: FieldTextEditor, cellEditorParams: { spec }, cellEditorPopup: true };
	}
}

function filterFor(spec: FieldSpec): Pick<ColDef<MemberRow>, 'filter' | 'filterParams'> {
	switch (spec.kind) {
		case 'select':
			return {
				filter: OptionFilter,
				filterParams: { optionSet: spec.options, field: spec.key }
			};
		case 'date':
		case 'datetime':
			return {
				filter: 'agDateColumnFilter',
				filterParams: { comparator: compareIsoToFilterDate, buttons: ['reset'] }
			};
		case 'integer':
			return { filter: 'agNumberColumnFilter', filterParams: { buttons: ['reset'] } };
		default:
			return {
				filter: 'agTextColumnFilter',
				filterParams: {
					buttons: ['reset'],
					textFormatter: (s: string | null) => (s == null ? null : foldForSearch(s))
				}
			};
	}
}

export function memberColumns(opts: { readOnly: boolean }): ColDef<MemberRow>[] {
	return MEMBER_FIELD_SPECS.map((spec): ColDef<MemberRow> => {
		const editable = !opts.readOnly && !spec.serverOwned && spec.key !== 'createdAt';
		return {
			colId: spec.key,
			field: spec.key,
			headerName: fieldLabel(spec.key),
			headerTooltip: fieldLabel(spec.key),
			width: columnWidth(spec),
			minWidth: 70,
			hide: !spec.visible,
			editable,
			// The member number reads as printed on the certificate and is found by that or by
			// the bare number; it stays a number for sorting and the number filter.
			valueFormatter:
				spec.key === 'memberNo'
					? (p: ValueFormatterParams<MemberRow>) => (p.data ? memberNoText(p.data) : '')
					: (p: ValueFormatterParams<MemberRow>) => formatField(spec, p.value),
			getQuickFilterText:
				spec.key === 'memberNo'
					? (p) => (p.data ? memberNoSearchText(p.data) : '')
					: (p) => searchText(spec, p.value),
			// The name cell also links to the member file.
			cellRenderer: spec.key === 'name' ? NameCellRenderer : MemberCellRenderer,
			cellRendererParams: { kind: spec.kind },
			cellClass: spec.serverOwned || spec.key === 'createdAt' ? 'gh-cell-readonly' : undefined,
			comparator:
				spec.kind === 'select'
					? (a: unknown, b: unknown) =>
							collator().compare(
								a ? optionLabel(spec.options!, String(a)) : '',
								b ? optionLabel(spec.options!, String(b)) : ''
							)
					: spec.kind === 'integer' || spec.kind === 'date' || spec.kind === 'datetime'
						? undefined
						: (a: unknown, b: unknown) =>
								collator().compare(a ? String(a) : '', b ? String(b) : ''),
			...(editable ? editorFor(spec) : {}),
			...filterFor(spec)
		};
	});
}

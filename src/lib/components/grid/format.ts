/**
 * How member values read in the current locale: option labels, dates in the
 * reader's calendar, numbers in the reader's digits. Also the text the quick search
 * matches, so a Persian date or an option label can be found as shown.
 */
import type { FieldSpec } from '$lib/domain/fields';
import { foldForms } from '$lib/domain/normalize';
import { normalizeDigits } from '$lib/domain/text';
import { printedMemberNo } from '$lib/domain/settings';
import { settingsOptionLabel, settingsOptions } from './option-sets.svelte';
import {
	formatDate,
	formatDateTime,
	formatNumber,
	hasMessage,
	localDigits,
	i18n,
	meta,
	t
} from '$lib/i18n/index.svelte';

export function optionLabel(set: string, value: string): string {
	const fromSettings = settingsOptionLabel(set, value, i18n.locale);
	if (fromSettings !== null) return fromSettings;
	const key = `option.${set}.${value}`;
	return hasMessage(key) ? t(key) : value;
}

export function formatField(spec: FieldSpec, value: unknown): string {
	if (value === null || value === undefined || value === '') return '';
	switch (spec.kind) {
		case 'select':
			return spec.options ? optionLabel(spec.options, String(value)) : String(value);
		case 'date':
			return formatDate(String(value));
		case 'datetime':
			return formatDateTime(String(value));
		case 'integer':
			return typeof value === 'number' ? formatNumber(value) : String(value);
		default:
			// The certificate number is the member number as printed (GH-۰۰۰۴۲ in Persian).
			return spec.key === 'certificateNo' ? localDigits(String(value)) : String(value);
	}
}

/**
 * The member number as printed on the certificate (GH-00042; the admin's format for a
 * number approved before certificates were stored), in the reader's digits.
 */
export function memberNoText(row: { memberNo?: unknown; certificateNo?: unknown }): string {
	return localDigits(printedMemberNo(row, settingsOptions.memberNoFormat));
}

/** What finds a member by number: the bare number and the printed one (00042, GH-00042). */
export function memberNoSearchText(row: { memberNo?: unknown; certificateNo?: unknown }): string {
	if (typeof row.memberNo !== 'number') return '';
	return foldForSearch(`${row.memberNo} ${printedMemberNo(row, settingsOptions.memberNoFormat)}`);
}

/**
 * Fold what differs between how people type and how text is stored: full-width and
 * other compatibility forms, so "(中国)" finds "（中国）" (foldForms: what the
 * duplicate finder starts from), case, Arabic vs Persian forms of yeh and kaf,
 * Persian/Arabic digits, zero-width non-joiners.
 */
export function foldForSearch(s: string): string {
	return normalizeDigits(foldForms(s))
		.toLowerCase()
		.replace(/\u200c/g, ' ');
}

/**
 * What a grid's quick search matches a cell's value in: text folded as the query is
 * (DataGrid's quickFilterParser), so a member label in Persian digits is found by
 * typed Latin digits and back.
 */
export function quickFilterText(value: unknown): string {
	return value === null || value === undefined ? '' : foldForSearch(String(value));
}

/** Raw and shown forms together, folded, so either matches. */
export function searchText(spec: FieldSpec, value: unknown): string {
	if (value === null || value === undefined || value === '') return '';
	const shown = formatField(spec, value);
	return foldForSearch(shown === String(value) ? shown : `${value} ${shown}`);
}

const collators = new Map<string, Intl.Collator>();
export function collator(): Intl.Collator {
	const l = meta().bcp47;
	let c = collators.get(l);
	if (!c) collators.set(l, (c = new Intl.Collator(l, { numeric: true, sensitivity: 'base' })));
	return c;
}

/**
 * How the member file names things in the reader's language: field labels and
 * values of members, contacts, activities and notes, and one line per history entry.
 */
import type { HistoryEntryView } from '$lib/domain/history';
import { clip } from '$lib/domain/text';
import { formatField, optionLabel } from '$lib/components/grid/format';
import { formatDate, formatDateTime, formatNumber, hasMessage, t } from '$lib/i18n/index.svelte';
import { FIELD_SPEC } from '$lib/state/member-input';

/** The current name of a row: a member's name, a contact's name, an activity's title. */
export type NameOf = (table: string, rowId: string) => string;

const PREFIX: Record<string, string> = {
	contacts: 'contact',
	activities: 'activity',
	notes: 'note'
};

export function fieldLabelOf(table: string, field: string): string {
	const key = table === 'members' ? `field.${field}` : `${PREFIX[table] ?? table}.field.${field}`;
	return hasMessage(key) ? t(key) : field;
}

export function childOptionLabel(table: string, field: string, value: string): string {
	const key =
		table === 'contacts' && field === 'channel'
			? `contact.channel.${value}`
			: table === 'activities' && field === 'kind'
				? `activity.kind.${value}`
				: '';
	return key && hasMessage(key) ? t(key) : value;
}

export function describeValue(
	table: string,
	field: string | null,
	v: unknown,
	nameOf: NameOf
): string {
	if (v === null || v === undefined || v === '') return t('history.none');
	if (typeof v === 'object') return '';
	if (field === 'mergedInto' || field === 'memberId') return nameOf('members', String(v));
	if (table === 'members' && field) {
		const spec = FIELD_SPEC.get(field);
		if (spec) return formatField(spec, v);
		if (field === 'mergedAt') return formatDateTime(String(v));
		return String(v);
	}
	if (field === 'date') return formatDate(String(v));
	if (field === 'channel' || field === 'kind') return childOptionLabel(table, field, String(v));
	if (typeof v === 'number') return formatNumber(v);
	return String(v);
}

const valueIn = (v: HistoryEntryView['to'], key: string): string => {
	if (!v || typeof v !== 'object') return '';
	const x = (v as Record<string, unknown>)[key];
	return typeof x === 'string' ? x : '';
};

const titleKey: Record<string, string> = { contacts: 'name', activities: 'title', notes: 'text' };

export function entryTitle(e: HistoryEntryView, nameOf: NameOf): string {
	const child = PREFIX[e.table];
	if (e.table === 'members') {
		if (e.kind === 'create') return t('history.created');
		if (e.kind === 'delete') return t('history.deleted');
		if (e.field === 'mergedInto') return t('history.mergedInto');
		return fieldLabelOf('members', e.field ?? '');
	}
	if (!child) return e.table;
	const snapshot = e.kind === 'delete' ? e.from : e.to;
	const name =
		e.kind === 'set'
			? nameOf(e.table, e.rowId)
			: clip(valueIn(snapshot, titleKey[e.table]), 80) || nameOf(e.table, e.rowId);
	if (e.kind === 'create') return t(`history.${child}Added` as 'history.contactAdded', { name });
	if (e.kind === 'delete')
		return t(`history.${child}Removed` as 'history.contactRemoved', { name });
	if (e.field === 'memberId') return t(`history.${child}Moved` as 'history.contactMoved', { name });
	return t(`history.${child}Field` as 'history.contactField', {
		name,
		field: fieldLabelOf(e.table, e.field ?? '')
	});
}

export { optionLabel };

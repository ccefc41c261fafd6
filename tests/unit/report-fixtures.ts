/** Shared pieces of the reports' unit tests' fixed data sets. */
import type { HistoryEvent } from '../../src/lib/domain/report';

/** A change of a `members` field as the update log reports it, by user 2. */
export const ev = (
	rowId: string,
	field: string,
	at: string,
	value: HistoryEvent['value'],
	old: HistoryEvent['old'] = null,
	created = false
): HistoryEvent => ({
	table: 'members',
	rowId,
	field,
	at: Date.parse(at),
	value,
	old,
	userId: 2,
	created
});

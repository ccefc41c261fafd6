/** [C27] What a device holds that the server lacks, found against the server's state vector. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { editsByMember, hasUnsent, unsentRows } from '../../src/lib/sync/refused';
import { advanceClock } from '../../src/lib/sync/pending';

function row(doc: Y.Doc, table: string, id: string, values: Record<string, unknown>) {
	doc.transact(() => {
		const r = new Y.Map<unknown>();
		doc.getMap(table).set(id, r);
		for (const [k, v] of Object.entries(values)) r.set(k, v);
	});
}

describe('[C27] changes the server refused', () => {
	it('lists the rows added or changed since the server state, not the ones it has', () => {
		const server = new Y.Doc();
		row(server, 'entries', 'chargeAlpha00001', { kind: 'charge', amount: 900000 });
		row(server, 'entries', 'chargeBeta000001', { kind: 'charge', amount: 500000 });
		const device = new Y.Doc();
		Y.applyUpdate(device, Y.encodeStateAsUpdate(server));
		const sv = Y.decodeStateVector(Y.encodeStateVector(server));
		expect(hasUnsent(device, sv)).toBe(false);
		expect(unsentRows(device, sv)).toEqual([]);

		// Offline: a payment, a change to one charge, and a clock no-op on the root map.
		row(device, 'entries', 'paymentOffline01', { kind: 'payment', amount: 777777 });
		(device.getMap('entries').get('chargeBeta000001') as Y.Map<unknown>).set('note', 'typed');
		advanceClock(device, [device.getMap('entries')]);

		expect(hasUnsent(device, sv)).toBe(true);
		expect(unsentRows(device, sv)).toEqual([
			{
				table: 'entries',
				id: 'chargeBeta000001',
				values: { kind: 'charge', amount: 500000, note: 'typed' }
			},
			{ table: 'entries', id: 'paymentOffline01', values: { kind: 'payment', amount: 777777 } }
		]);

		// Once the server has them, nothing is left unsent.
		Y.applyUpdate(server, Y.encodeStateAsUpdate(device));
		const after = Y.decodeStateVector(Y.encodeStateVector(server));
		expect(hasUnsent(device, after)).toBe(false);
		expect(unsentRows(device, after)).toEqual([]);
	});
});

describe('[C29] registry edits the new roles may not send, for the notice', () => {
	it('groups the fields written out of step by member, each field once, in the order met', () => {
		expect(
			editsByMember([
				{ rowId: 'kashiMeybod00001', name: 'کاشی میبد', field: 'legalRep' },
				{ rowId: 'charmTabriz00001', name: 'چرم تبریز', field: 'phone' },
				{ rowId: 'kashiMeybod00001', name: 'کاشی میبد', field: 'email' },
				{ rowId: 'kashiMeybod00001', name: 'کاشی میبد', field: 'legalRep' }
			])
		).toEqual([
			{ name: 'کاشی میبد', fields: ['legalRep', 'email'] },
			{ name: 'چرم تبریز', fields: ['phone'] }
		]);
		expect(editsByMember([])).toEqual([]);
	});
});

/**
 * The ledger's guard on a bare Y.Doc, with fixed client ids so that the order in
 * which Yjs deletes a row's fields is the one that used to break `before`.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyGuardedUpdate } from '../../server/guard';
import { DOC_GUARDS } from '../../server/doc-guards';

const ID = 'd_2026_memberAAAAAAAAAA';
const ROW = {
	memberId: 'memberAAAAAAAAAA',
	kind: 'charge',
	amount: 1200,
	date: '2026-01-10',
	year: 2026,
	posted: true
};

function setup(ids: { server: number; f: number; ad: number }) {
	const guard = DOC_GUARDS.ledger!;
	const server = new Y.Doc();
	const f = new Y.Doc();
	const ad = new Y.Doc();
	server.clientID = ids.server;
	f.clientID = ids.f;
	ad.clientID = ids.ad;
	const sync = () => {
		for (const d of [f, ad])
			Y.applyUpdate(d, Y.encodeStateAsUpdate(server, Y.encodeStateVector(d)));
	};
	const change = (d: Y.Doc, fn: () => void) => {
		const sv = Y.encodeStateVector(d);
		d.transact(fn);
		return Y.encodeStateAsUpdate(d, sv);
	};
	const send = (u: Uint8Array) =>
		applyGuardedUpdate({ doc: server, update: u, origin: 'c', guard });
	const row = (d: Y.Doc) => d.getMap('entries').get(ID) as Y.Map<unknown>;
	return { server, f, ad, sync, change, send, row };
}

describe('ledger guard on a doc', () => {
	for (const ids of [
		{ server: 1, f: 2, ad: 3 },
		{ server: 3, f: 2, ad: 1 },
		{ server: 2, f: 3, ad: 1 }
	]) {
		it(`[L1] a frozen row deleted after restored fields is restored whole (client ids ${JSON.stringify(ids)})`, () => {
			const { server, f, ad, sync, change, send, row } = setup(ids);
			send(
				change(f, () => {
					const r = new Y.Map<unknown>();
					f.getMap('entries').set(ID, r);
					for (const [k, v] of Object.entries(ROW)) r.set(k, v);
				})
			);
			sync();
			// Two concurrent forbidden edits, each reverted by the server.
			const u1 = change(ad, () => row(ad).set('posted', false));
			const u2 = change(ad, () => row(ad).delete('year'));
			expect(send(u1).corrections).toBeGreaterThan(0);
			expect(send(u2).corrections).toBeGreaterThan(0);
			sync();
			expect(server.getMap('entries').toJSON()[ID]).toEqual(ROW);
			// Deleting the row deletes its fields in key order, not clock order.
			send(change(f, () => f.getMap('entries').delete(ID)));
			sync();
			expect(server.getMap('entries').toJSON()[ID]).toEqual(ROW);
			expect(f.getMap('entries').toJSON()[ID]).toEqual(ROW);
		});
	}
});

describe('fiscal years through the server guards', () => {
	/** One client's change through the doc's guard; the server's doc after it. */
	function through(docName: 'ledger' | 'settings', fn: (d: Y.Doc) => void) {
		const server = new Y.Doc();
		const c = new Y.Doc();
		const sv = Y.encodeStateVector(c);
		c.transact(() => fn(c));
		applyGuardedUpdate({
			doc: server,
			update: Y.encodeStateAsUpdate(c, sv),
			origin: 'c',
			guard: DOC_GUARDS[docName]!
		});
		return server;
	}
	const charge = (year: number) => (d: Y.Doc) => {
		const r = new Y.Map<unknown>();
		d.getMap('entries').set(`d_${year}_memberAAAAAAAAAA`, r);
		for (const [k, v] of Object.entries({ ...ROW, date: '2026-03-21', year })) r.set(k, v);
	};

	it('[L3] a Solar Hijri dues year (1405) is stored as written', () => {
		const server = through('ledger', charge(1405));
		expect(server.getMap('entries').toJSON()['d_1405_memberAAAAAAAAAA'].year).toBe(1405);
	});

	it('[L3] a year of neither calendar’s range (1700) does not reach the doc', () => {
		const server = through('ledger', charge(1700));
		expect(server.getMap('entries').toJSON()['d_1700_memberAAAAAAAAAA']?.year).toBeUndefined();
	});

	it('[J5] the settings keep a fiscal calendar name and refuse anything else', () => {
		const ok = through('settings', (d) => d.getMap('config').set('fiscalCalendar', 'persian'));
		expect(ok.getMap('config').get('fiscalCalendar')).toBe('persian');
		const bad = through('settings', (d) => d.getMap('config').set('fiscalCalendar', 'islamic'));
		expect(bad.getMap('config').get('fiscalCalendar')).toBeUndefined();
	});
});

/**
 * The ledger doc's guard: posted entries are append-only for every client [L1],
 * posted entries are complete [L2]. Real server, real y-websocket clients, and a
 * raw client sending a forged update.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import { MESSAGE } from '../../src/lib/domain/protocol';
import { duesEntryId, memberBalances, readEntry, type EntryRow } from '../../src/lib/domain/ledger';
import {
	canonical,
	connect,
	createUser,
	loginAdmin,
	messageType,
	openRaw,
	removeDir,
	startTestServer,
	syncMessage,
	waitFor,
	type Client,
	type TestServer,
	type TestUser
} from './helpers';

const LEDGER = 'default/ledger';
const MEMBER = 'memberAAAAAAAAAA';

let server: TestServer;
let adminCookie: string;
let finance: TestUser;
let f: Client; // finance
let ad: Client; // admin
let staff: Client; // view only
let seenByStaff: string[] = [];

const serverDoc = () => server.app.rooms.get(LEDGER)!.doc;
const entries = (doc: Y.Doc) => doc.getMap('entries') as Y.Map<Y.Map<unknown>>;
const json = (doc: Y.Doc) =>
	canonical({
		entries: doc.getMap('entries').toJSON(),
		allocations: doc.getMap('allocations').toJSON()
	});

async function settle(...clients: Client[]) {
	await waitFor(() => clients.every((c) => json(c.doc) === json(serverDoc())), {
		what: 'clients and server to agree'
	});
	return serverDoc().getMap('entries').toJSON() as Record<string, Record<string, unknown>>;
}

function put(doc: Y.Doc, id: string, fields: Record<string, unknown>) {
	doc.transact(() => {
		const row = new Y.Map<unknown>();
		entries(doc).set(id, row);
		for (const [k, v] of Object.entries(fields)) row.set(k, v);
	});
}

const posted = (amount: number, extra: Record<string, unknown> = {}) => ({
	memberId: MEMBER,
	kind: 'charge',
	amount,
	date: '2026-01-10',
	year: 2026,
	posted: true,
	...extra
});

beforeAll(async () => {
	server = await startTestServer();
	adminCookie = await loginAdmin(server);
	finance = await createUser(server, adminCookie, ['finance']);
	const staffUser = await createUser(server, adminCookie, ['staff']);
	f = await connect(server, finance.cookie, { room: LEDGER });
	ad = await connect(server, adminCookie, { room: LEDGER });
	staff = await connect(server, staffUser.cookie, { room: LEDGER });
	staff.doc.on('afterTransaction', () => seenByStaff.push(json(staff.doc)));
});

afterAll(async () => {
	for (const c of [f, ad, staff]) c.destroy();
	await server.close();
	removeDir(server.dataDir);
});

describe('ledger guard', () => {
	it('[L1] a posted entry cannot be changed by finance or admin; no peer sees the change', async () => {
		put(f.doc, 'd_2026_' + MEMBER, posted(1200));
		await settle(f, ad, staff);
		seenByStaff = [];
		entries(f.doc)
			.get('d_2026_' + MEMBER)!
			.set('amount', 1);
		entries(ad.doc)
			.get('d_2026_' + MEMBER)!
			.set('posted', false);
		ad.doc.transact(() =>
			entries(ad.doc)
				.get('d_2026_' + MEMBER)!
				.delete('year')
		);
		const e = await settle(f, ad, staff);
		expect(e['d_2026_' + MEMBER]).toEqual(posted(1200));
		expect(seenByStaff.some((s) => s.includes('"amount":1,'))).toBe(false);
		expect(seenByStaff.some((s) => s.includes('"posted":false'))).toBe(false);
	});

	it('[L1] a posted entry cannot be deleted or replaced by any client', async () => {
		put(f.doc, 'payment1AAAAAAAA', posted(500, { kind: 'payment', method: 'cash' }));
		await settle(f, ad, staff);
		entries(ad.doc).delete('payment1AAAAAAAA');
		expect(entries(ad.doc).has('payment1AAAAAAAA')).toBe(false);
		let e = await settle(f, ad, staff);
		expect(e.payment1AAAAAAAA).toEqual(posted(500, { kind: 'payment', method: 'cash' }));
		put(f.doc, 'payment1AAAAAAAA', posted(1, { kind: 'payment', method: 'card' }));
		e = await settle(f, ad, staff);
		expect(e.payment1AAAAAAAA).toEqual(posted(500, { kind: 'payment', method: 'cash' }));
		// clearing the whole map is many deletions: all restored
		f.doc.transact(() => {
			for (const k of [...entries(f.doc).keys()]) entries(f.doc).delete(k);
		});
		e = await settle(f, ad, staff);
		expect(Object.keys(e).sort()).toEqual(['d_2026_' + MEMBER, 'payment1AAAAAAAA']);
	});

	it('[L1] a forged update from a raw client (finance) is reverted too', async () => {
		const forger = new Y.Doc();
		Y.applyUpdate(forger, Y.encodeStateAsUpdate(serverDoc()));
		const sv = Y.encodeStateVector(forger);
		forger.transact(() => {
			const row = entries(forger).get('d_2026_' + MEMBER)!;
			row.set('amount', 2);
			row.set('posted', false);
			entries(forger).delete('payment1AAAAAAAA');
		});
		const update = Y.encodeStateAsUpdate(forger, sv);
		const raw = await openRaw(server, finance.cookie, { room: LEDGER });
		raw.send(syncMessage(syncProtocol.messageYjsUpdate, update));
		// The server acknowledges once the update (and its corrections) is stored.
		await raw.next((m) => messageType(m) === MESSAGE.ack);
		const e = await settle(f, ad, staff);
		expect(e['d_2026_' + MEMBER]).toEqual(posted(1200));
		expect(e.payment1AAAAAAAA.amount).toBe(500);
		raw.ws.close();
		forger.destroy();
	});

	it('drafts can be edited and deleted, then posted and frozen', async () => {
		put(f.doc, 'draftAAAAAAAAAA1', posted(300, { kind: 'credit', posted: false }));
		await settle(f, ad);
		entries(f.doc).get('draftAAAAAAAAAA1')!.set('amount', 250);
		let e = await settle(f, ad);
		expect(e.draftAAAAAAAAAA1.amount).toBe(250);
		entries(ad.doc).get('draftAAAAAAAAAA1')!.set('posted', true);
		await settle(f, ad);
		entries(f.doc).get('draftAAAAAAAAAA1')!.set('amount', 9);
		e = await settle(f, ad);
		expect(e.draftAAAAAAAAAA1.amount).toBe(250);
		put(f.doc, 'draftAAAAAAAAAA2', posted(1, { posted: false }));
		await settle(f, ad);
		entries(f.doc).delete('draftAAAAAAAAAA2');
		e = await settle(f, ad);
		expect(e.draftAAAAAAAAAA2).toBeUndefined();
	});

	it('[L2] an incomplete entry cannot be posted; invalid fields are removed', async () => {
		put(f.doc, 'incompleteAAAAA1', {
			kind: 'payment',
			amount: 5,
			date: '2026-02-01',
			memberId: MEMBER,
			posted: true
		});
		put(f.doc, 'badAmountAAAAAA1', posted(1.5, { posted: false, evil: 'x' }));
		const e = await settle(f, ad);
		expect(e.incompleteAAAAA1.posted).toBe(false);
		expect(e.badAmountAAAAAA1).toEqual({
			memberId: MEMBER,
			kind: 'charge',
			date: '2026-01-10',
			year: 2026,
			posted: false
		});
	});

	it('view-only roles (staff) cannot write the ledger', async () => {
		put(staff.doc, 'staffWriteAAAAA1', posted(10));
		await waitFor(() => staff.denied.length > 0);
		expect(serverDoc().getMap('entries').has('staffWriteAAAAA1')).toBe(false);
	});

	it('two offline devices generating the same dues charge once; an offline payment counts once', async () => {
		const id = duesEntryId(2027, MEMBER);
		const d1 = new Y.Doc();
		const d2 = new Y.Doc();
		Y.applyUpdate(d1, Y.encodeStateAsUpdate(serverDoc()));
		Y.applyUpdate(d2, Y.encodeStateAsUpdate(serverDoc()));
		put(d1, id, posted(1300, { year: 2027, date: '2027-01-01' }));
		put(d2, id, posted(1400, { year: 2027, date: '2027-01-01' }));
		put(
			d2,
			'offlinePaymentA1',
			posted(700, { kind: 'payment', method: 'cash', date: '2027-02-01' })
		);
		const c1 = await connect(server, finance.cookie, { room: LEDGER, doc: d1 });
		await settle(c1, f);
		const c2 = await connect(server, finance.cookie, { room: LEDGER, doc: d2 });
		// The same offline update arrives a second time (a retry from another tab).
		const again = await connect(server, adminCookie, {
			room: LEDGER,
			doc: (() => {
				const d = new Y.Doc();
				Y.applyUpdate(d, Y.encodeStateAsUpdate(d2));
				return d;
			})()
		});
		const e = await settle(c1, c2, again, f);
		expect(e[id].amount).toBe(1300);
		const rows: EntryRow[] = Object.entries(e)
			.map(([k, v]) => readEntry(k, v))
			.filter((x): x is EntryRow => x !== null);
		expect(rows.filter((r) => r.id === 'offlinePaymentA1')).toHaveLength(1);
		const bal = memberBalances(rows).get(MEMBER)!;
		expect(bal.paid).toBe(500 + 700);
		for (const c of [c1, c2, again]) c.destroy();
	});
	it('[L8] a refund posted with a method is kept and frozen, without one it stays a draft; its reversal counts', async () => {
		const refund = {
			memberId: MEMBER,
			kind: 'refund',
			amount: 300,
			date: '2026-03-01',
			posted: true,
			method: 'bankTransfer',
			receiptNo: 'TR-1'
		};
		const { method: _, ...noMethod } = refund;
		put(f.doc, 'refundAAAAAAAAA1', refund);
		put(f.doc, 'refundAAAAAAAAA2', noMethod);
		put(f.doc, 'refundAAAAAAAAA3', { ...refund, amount: 0, posted: false });
		let e = await settle(f, ad);
		expect(e.refundAAAAAAAAA1).toEqual(refund);
		expect(e.refundAAAAAAAAA2).toEqual({ ...noMethod, posted: false });
		// Amounts are positive: a zero is removed (the row stays a draft to correct).
		expect(e.refundAAAAAAAAA3).toEqual({ ...refund, posted: false, amount: undefined });
		const rows = () =>
			Object.entries(e)
				.map(([k, v]) => readEntry(k, v))
				.filter((x): x is EntryRow => x !== null);
		const before = memberBalances(rows()).get(MEMBER)!;
		expect(before.refunded).toBe(300);

		entries(ad.doc).get('refundAAAAAAAAA1')!.set('amount', 30);
		entries(f.doc).delete('refundAAAAAAAAA1');
		e = await settle(f, ad);
		expect(e.refundAAAAAAAAA1).toEqual(refund);

		put(f.doc, 'r_refundAAAAAAAAA1', {
			memberId: MEMBER,
			kind: 'reversal',
			amount: 300,
			date: '2026-03-02',
			posted: true,
			reversalOf: 'refundAAAAAAAAA1'
		});
		e = await settle(f, ad);
		const after = memberBalances(rows()).get(MEMBER)!;
		expect(after.refunded).toBe(0);
		expect(after.balance).toBe(before.balance - 300);
	});
});

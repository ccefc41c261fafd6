import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	cachedMemberRow,
	MembersStore,
	type MemberBatch
} from '../../src/lib/state/members.svelte';
import { prepareFieldInput, prepareFields } from '../../src/lib/state/member-input';

/** Two docs wired to each other, as if through a server. */
function pair() {
	const a = new Y.Doc();
	const b = new Y.Doc();
	const remote = { name: 'remote' };
	a.on(
		'update',
		(u: Uint8Array, origin: unknown) => origin !== remote && Y.applyUpdate(b, u, remote)
	);
	b.on(
		'update',
		(u: Uint8Array, origin: unknown) => origin !== remote && Y.applyUpdate(a, u, remote)
	);
	return { a: new MembersStore({ doc: a }), b: new MembersStore({ doc: b }) };
}

describe('member input', () => {
	it('normalises digits and accepts ISO or slashed Gregorian dates', () => {
		expect(prepareFieldInput('phone', '۰۲۱ ۸۸۸۸ ۱۲۳۴')).toEqual({
			ok: true,
			value: '021 8888 1234'
		});
		expect(prepareFieldInput('joinDate', '2026/11/22')).toEqual({ ok: true, value: '2026-11-22' });
		expect(prepareFieldInput('joinDate', '۲۰۲۶-۱۱-۲۲')).toEqual({ ok: true, value: '2026-11-22' });
	});
	it('keeps Persian digits in names and trims', () => {
		expect(prepareFieldInput('name', '  شرکت ۲۰۰۰ ')).toEqual({ ok: true, value: 'شرکت ۲۰۰۰' });
	});
	it('refuses invalid values with what is expected', () => {
		expect(prepareFieldInput('email', 'not-an-email')).toEqual({
			ok: false,
			expectKey: 'expect.email'
		});
		expect(prepareFieldInput('status', 'boss')).toEqual({ ok: false, expectKey: 'expect.select' });
		expect(prepareFieldInput('joinDate', '2026-02-30')).toEqual({
			ok: false,
			expectKey: 'expect.date'
		});
	});
	it("a text too long is refused with that field's own limit", () => {
		// The owner holds 64 characters, an address 500, the notes 5,000: each hint says so.
		expect(prepareFieldInput('owner', 'x'.repeat(65))).toEqual({
			ok: false,
			expectKey: 'expect.chars64'
		});
		expect(prepareFieldInput('address', 'x'.repeat(501))).toEqual({
			ok: false,
			expectKey: 'expect.chars500'
		});
		expect(prepareFieldInput('notes', 'x'.repeat(5001))).toEqual({
			ok: false,
			expectKey: 'expect.chars5000'
		});
		expect(prepareFieldInput('address', 'x'.repeat(500))).toEqual({
			ok: true,
			value: 'x'.repeat(500)
		});
	});
	it('treats empty input as clearing', () => {
		expect(prepareFieldInput('email', '  ')).toEqual({ ok: true, value: null });
	});
	it('checks a whole form: every invalid field with what to type, nothing to write', () => {
		// The inquiry form with a bad phone and email: refused as a whole, not saved without them.
		expect(
			prepareFields({ name: 'Silk Road', status: 'inquiry', phone: 'abc', email: 'a@b', notes: '' })
		).toEqual({
			ok: false,
			invalid: [
				{ field: 'phone', expectKey: 'expect.phone' },
				{ field: 'email', expectKey: 'expect.email' }
			]
		});
		expect(
			prepareFields({ name: ' Silk Road ', phone: '۰۲۱ ۸۸۸۸ ۱۲۳۴', email: 'a@b.ir', notes: '  ' })
		).toEqual({
			ok: true,
			values: { name: 'Silk Road', phone: '021 8888 1234', email: 'a@b.ir' }
		});
	});
});

describe('MembersStore', () => {
	it('adds a member with createdAt and status prospect', () => {
		const s = new MembersStore({ doc: new Y.Doc() });
		const id = s.addMember({ name: 'Acme', memberNo: 7 })!;
		const row = s.get(id)!;
		expect(row.name).toBe('Acme');
		expect(row.status).toBe('prospect');
		expect(row.memberNo).toBeUndefined();
		expect(typeof row.createdAt).toBe('string');
		expect(s.count).toBe(1);
	});

	it('[C5] refuses invalid values and server-owned fields without writing', () => {
		const s = new MembersStore({ doc: new Y.Doc() });
		const id = s.addMember()!;
		const before = Y.encodeStateVector(s.doc);
		expect(s.setField(id, 'email', 'nope')).toEqual({
			ok: false,
			reason: 'invalid',
			expectKey: 'expect.email'
		});
		expect(s.setField(id, 'memberNo', 5)).toEqual({ ok: false, reason: 'serverOwned' });
		expect(Y.encodeStateVector(s.doc)).toEqual(before);
	});

	it("[J2] refuses an approved member's tier, category and join date; an applicant's are set", () => {
		const doc = new Y.Doc();
		const row = new Y.Map<unknown>();
		doc.getMap('members').set('numbered02', row);
		row.set('memberNo', 3);
		row.set('tier', 'regular');
		const s = new MembersStore({ doc });
		const before = Y.encodeStateVector(doc);
		for (const [f, v] of [
			['tier', 'honorary'],
			['category', 'trade'],
			['joinDate', '2020-01-01']
		] as const) {
			expect(s.setField('numbered02', f, v)).toEqual({ ok: false, reason: 'approved' });
		}
		expect(Y.encodeStateVector(doc)).toEqual(before);
		expect(s.setField('numbered02', 'region', 'Tehran')).toEqual({ ok: true, changed: true });
		const applicant = s.addMember({ name: 'Not yet' })!;
		expect(s.setField(applicant, 'tier', 'honorary')).toEqual({ ok: true, changed: true });
	});

	it('clearing a field deletes the key', () => {
		const s = new MembersStore({ doc: new Y.Doc() });
		const id = s.addMember({ region: 'Tehran' })!;
		expect(s.setField(id, 'region', '')).toEqual({ ok: true, changed: true });
		expect(s.members.get(id)!.has('region')).toBe(false);
	});

	it('[C9] hands out one batch per transaction with only the touched rows', () => {
		const { a, b } = pair();
		const ids = [a.addMember({ name: 'One' })!, a.addMember({ name: 'Two' })!];
		const batches: MemberBatch[] = [];
		b.subscribe((x) => batches.push(x));
		a.setField(ids[1], 'region', 'Shanghai');
		expect(batches).toHaveLength(1);
		expect(batches[0].update.map((r) => r.id)).toEqual([ids[1]]);
		expect(batches[0].update[0].region).toBe('Shanghai');
		expect(batches[0].origin).toBe('other');
		a.deleteMembers([ids[0]]);
		expect(batches[1].remove).toEqual([ids[0]]);
	});

	it("a batch of this user's own edit names the fields written (for edits lost to a deletion)", () => {
		const { a, b } = pair();
		const id = a.addMember({ name: 'Acme' })!;
		const mine: MemberBatch[] = [];
		const theirs: MemberBatch[] = [];
		a.subscribe((x) => mine.push(x));
		b.subscribe((x) => theirs.push(x));
		a.setField(id, 'legalRep', 'Chen Wei');
		expect(mine[0].fields).toEqual(new Map([[id, ['legalRep']]]));
		expect(theirs[0].fields).toBeUndefined();
	});

	it('keeps both edits when two people change different fields of one member', () => {
		const { a, b } = pair();
		const id = a.addMember({ name: 'Acme' })!;
		// Concurrent: apply both without exchanging in between.
		const da = new Y.Doc();
		const db = new Y.Doc();
		Y.applyUpdate(da, Y.encodeStateAsUpdate(a.doc));
		Y.applyUpdate(db, Y.encodeStateAsUpdate(a.doc));
		const sa = new MembersStore({ doc: da });
		const sb = new MembersStore({ doc: db });
		sa.setField(id, 'region', 'Tabriz');
		sb.setField(id, 'status', 'active');
		Y.applyUpdate(da, Y.encodeStateAsUpdate(db));
		Y.applyUpdate(db, Y.encodeStateAsUpdate(da));
		for (const s of [sa, sb]) {
			expect(s.get(id)).toMatchObject({ region: 'Tabriz', status: 'active', name: 'Acme' });
		}
		expect(b.get(id)?.name).toBe('Acme');
	});

	it('[C4] undo only undoes this user’s edits', () => {
		const { a, b } = pair();
		const id = a.addMember({ name: 'Acme' })!;
		a.setField(id, 'region', 'Tehran');
		b.setField(id, 'category', 'Textiles');
		expect(a.undo()).toBe(true);
		expect(a.get(id)).toMatchObject({ name: 'Acme', category: 'Textiles' });
		expect(a.get(id)?.region).toBeUndefined();
		expect(b.get(id)?.region).toBeUndefined();
		expect(a.redo()).toBe(true);
		expect(b.get(id)?.region).toBe('Tehran');
	});

	it('undo restores deleted rows with their fields', () => {
		const s = new MembersStore({ doc: new Y.Doc() });
		const id = s.addMember({ name: 'Acme', region: 'Xi’an' })!;
		s.deleteMembers([id]);
		expect(s.get(id)).toBeUndefined();
		s.undo();
		expect(s.get(id)).toMatchObject({ name: 'Acme', region: 'Xi’an' });
	});

	it('keeps members that have a member number', () => {
		const doc = new Y.Doc();
		const row = new Y.Map<unknown>();
		doc.getMap('members').set('numbered01', row);
		row.set('memberNo', 12);
		const s = new MembersStore({ doc });
		const other = s.addMember({ name: 'New' })!;
		expect(s.deleteMembers(['numbered01', other])).toEqual({ deleted: 1, kept: 1 });
		expect(s.get('numbered01')).toBeDefined();
	});

	it('[C6] a view-only store never writes', () => {
		const doc = new Y.Doc();
		const s = new MembersStore({ doc, readOnly: true });
		let updates = 0;
		doc.on('update', () => updates++);
		expect(s.addMember({ name: 'X' })).toBeNull();
		expect(s.deleteMembers(['whatever1'])).toEqual({ deleted: 0, kept: 0 });
		expect(updates).toBe(0);
	});

	it('ignores unknown keys and non-primitive values from peers', () => {
		const doc = new Y.Doc();
		const row = new Y.Map<unknown>();
		doc.getMap('members').set('abcdefgh12', row);
		row.set('name', 'Acme');
		row.set('__proto__', 'x');
		row.set('region', { evil: true });
		const s = new MembersStore({ doc });
		expect(s.get('abcdefgh12')).toEqual({ id: 'abcdefgh12', name: 'Acme' });
	});
});

describe('MembersStore and merged records', () => {
	/** Two members, `gone` then merged into `keep` as the server's merge command does. */
	function merged() {
		const doc = new Y.Doc();
		const s = new MembersStore({ doc });
		const keep = s.addMember({ name: '北京华宇机械有限公司' })!;
		const gone = s.addMember({ name: '北京华宇机械' })!;
		const batches: MemberBatch[] = [];
		s.subscribe((b) => batches.push(b));
		doc.transact(() => {
			const row = s.members.get(gone)!;
			row.set('mergedInto', keep);
			row.set('mergedAt', '2026-12-04T20:00:00.000Z');
		}, 'server');
		return { doc, s, keep, gone, batches };
	}

	it('a record merged into another leaves the rows, the count and the batches', () => {
		const { s, keep, gone, batches } = merged();
		expect(s.rows().map((r) => r.id)).toEqual([keep]);
		expect(s.count).toBe(1);
		expect(batches).toEqual([{ add: [], update: [], remove: [gone], origin: 'other' }]);
		// Read afresh from the doc (a reload): left out as well.
		const again = new MembersStore({ doc: s.doc });
		expect(again.rows().map((r) => r.id)).toEqual([keep]);
		expect(again.count).toBe(1);
	});

	it('its file still finds it by id, and what was merged into the survivor', () => {
		const { s, keep, gone } = merged();
		expect(s.get(gone)).toMatchObject({ id: gone, name: '北京华宇机械', mergedInto: keep });
		expect(s.mergedRecords(keep).map((r) => r.id)).toEqual([gone]);
		expect(s.mergedRecords(gone)).toEqual([]);
	});

	it('refuses to edit or delete it (the server keeps it frozen)', () => {
		const { s, gone } = merged();
		expect(s.setField(gone, 'legalRep', '张三')).toEqual({ ok: false, reason: 'merged' });
		expect(s.members.get(gone)!.get('legalRep')).toBeUndefined();
		expect(s.deleteMembers([gone])).toEqual({ deleted: 0, kept: 1 });
		expect(s.members.has(gone)).toBe(true);
	});

	it('[L4] tells the ledger where each merged record went, also for a record that arrives merged', () => {
		const { doc, s, keep, gone } = merged();
		expect([...s.mergedInto()]).toEqual([[gone, keep]]);
		expect(s.mergesVersion).toBe(1);
		// A record this device never had live (the registry syncing after the merge): no
		// row batch, but the ledger must read its entries under the survivor.
		const batches: MemberBatch[] = [];
		s.subscribe((b) => batches.push(b));
		doc.transact(() => {
			const row = new Y.Map<unknown>();
			s.members.set('lateMerged000001', row);
			row.set('name', 'Huayu');
			row.set('mergedInto', keep);
		}, 'server');
		expect(batches).toEqual([]);
		expect(s.mergesVersion).toBe(2);
		expect(s.mergedInto().get('lateMerged000001')).toBe(keep);
		// An edit of a live member changes no merge.
		s.setField(keep, 'legalRep', '张三');
		expect(s.mergesVersion).toBe(2);
		// A store whose rows came from a fresh cache reads the marks from the doc when asked.
		const cached = new MembersStore({ doc, cached: { rows: s.rows(), fresh: true } });
		expect(Object.fromEntries(cached.mergedInto())).toEqual({
			[gone]: keep,
			lateMerged000001: keep
		});
	});

	it('is left out of cached rows, fresh or not, and of the row cache it writes', () => {
		const { doc, keep, gone } = merged();
		const old = [
			{ id: keep, name: '北京华宇机械有限公司' },
			{ id: gone, name: '北京华宇机械', mergedInto: keep }
		];
		expect(cachedMemberRow(old[1])).toBeNull();
		expect(cachedMemberRow(old[0])).toEqual(old[0]);
		for (const fresh of [true, false]) {
			const s = new MembersStore({ doc, cached: { rows: old, fresh } });
			expect(s.rows().map((r) => r.id)).toEqual([keep]);
			expect(s.count).toBe(1);
		}
	});
});

describe('MembersStore under a seeded fuzz', () => {
	/** mulberry32: a small seeded PRNG, so a failure can be replayed. */
	const rng = (seed: number) => () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
		return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
	};

	for (const seed of [1, 2, 3, 42]) {
		it(`replicas converge and rows match the doc (seed ${seed})`, () => {
			const rand = rng(seed);
			const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
			const stores = Array.from({ length: 4 }, () => new MembersStore({ doc: new Y.Doc() }));
			// Updates wait in per-replica inboxes and are delivered in random batches.
			const inbox: Uint8Array[][] = stores.map(() => []);
			stores.forEach((s, i) =>
				s.doc.on('update', (u: Uint8Array, origin: unknown) => {
					if (origin === 'net') return;
					stores.forEach((_, j) => j !== i && inbox[j].push(u));
				})
			);
			const deliver = (j: number) => {
				const batch = inbox[j].splice(0, inbox[j].length);
				for (const u of batch) Y.applyUpdate(stores[j].doc, u, 'net');
			};
			for (let step = 0; step < 400; step++) {
				const s = pick(stores);
				const ids = [...s.members.keys()];
				const r = rand();
				if (r < 0.2 || ids.length === 0) s.addMember({ name: `n${step}` });
				else if (r < 0.6)
					s.setField(
						pick(ids),
						pick(['name', 'region', 'status', 'email'] as const),
						pick(['', 'Tehran', 'active', 'a@b.example', `v${step}`])
					);
				else if (r < 0.7) s.deleteMembers([pick(ids)]);
				else if (r < 0.8) s.undo();
				else if (r < 0.85) s.redo();
				else deliver(Math.floor(rand() * stores.length));
			}
			stores.forEach((_, j) => deliver(j));
			stores.forEach((_, j) => deliver(j));
			const snapshot = (s: MembersStore) =>
				JSON.stringify(s.rows().sort((a, b) => a.id.localeCompare(b.id)));
			const fresh = (s: MembersStore) => snapshot(new MembersStore({ doc: s.doc }));
			for (const s of stores) {
				expect(snapshot(s)).toBe(snapshot(stores[0]));
				// The incrementally kept rows equal rows read afresh from the doc.
				expect(snapshot(s)).toBe(fresh(s));
			}
		});
	}
});

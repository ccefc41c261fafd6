import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	ACTIVITIES_TABLE,
	CONTACTS_TABLE,
	ChildRows,
	DuplicateIndex,
	prepareChildInput
} from '../../src/lib/state/member-file.svelte';
import { MembersStore } from '../../src/lib/state/members.svelte';

describe('member file input', () => {
	it('normalises digits, reads Persian dates and quarter hours, refuses what the schema refuses', () => {
		expect(prepareChildInput(CONTACTS_TABLE, 'phone', '۰۹۱۲ ۳۴۵ ۶۷۸۹', 'gregory')).toEqual({
			ok: true,
			value: '0912 345 6789'
		});
		expect(prepareChildInput(CONTACTS_TABLE, 'email', 'nope', 'gregory')).toEqual({ ok: false });
		expect(prepareChildInput(CONTACTS_TABLE, 'channel', 'pigeon', 'gregory')).toEqual({
			ok: false
		});
		expect(prepareChildInput(ACTIVITIES_TABLE, 'date', '۱۴۰۵/۰۹/۱۰', 'persian')).toEqual({
			ok: true,
			value: '2026-12-01'
		});
		expect(prepareChildInput(ACTIVITIES_TABLE, 'hours', '۱٫۵', 'gregory')).toEqual({
			ok: true,
			value: 1.5
		});
		expect(prepareChildInput(ACTIVITIES_TABLE, 'hours', '1.1', 'gregory')).toEqual({ ok: false });
		expect(prepareChildInput(ACTIVITIES_TABLE, 'title', '  ', 'gregory')).toEqual({
			ok: true,
			value: null
		});
		expect(prepareChildInput(CONTACTS_TABLE, 'memberId', 'x', 'gregory')).toEqual({ ok: false });
	});
});

describe('ChildRows', () => {
	it("keeps one member's rows live and never touches another member's", () => {
		const doc = new Y.Doc();
		const mine = new ChildRows(doc, CONTACTS_TABLE, 'member0001', () => false);
		const theirs = new ChildRows(doc, CONTACTS_TABLE, 'member0002', () => false);
		const id = mine.add({ name: 'Sara', email: 'bad' }, 'gregory')!;
		expect(mine.rows).toHaveLength(1);
		expect(mine.rows[0]).toMatchObject({ id, name: 'Sara', memberId: 'member0001' });
		expect(mine.rows[0].email).toBeUndefined();
		expect(theirs.rows).toHaveLength(0);

		expect(mine.set(id, 'phone', '021 8888 1234', 'gregory')).toBe(true);
		expect(mine.set(id, 'email', 'not an email', 'gregory')).toBe(false);
		expect(theirs.set(id, 'name', 'Hijack', 'gregory')).toBe(false);
		expect(mine.rows[0]).toMatchObject({ phone: '021 8888 1234', name: 'Sara' });

		// A row moved to the other member (the merge command) leaves one list for the other.
		(doc.getMap('contacts').get(id) as Y.Map<unknown>).set('memberId', 'member0002');
		expect(mine.rows).toHaveLength(0);
		expect(theirs.rows.map((r) => r.id)).toEqual([id]);
		theirs.remove(id);
		expect(theirs.rows).toHaveLength(0);

		const ro = new ChildRows(doc, CONTACTS_TABLE, 'member0003', () => true);
		expect(ro.add({ name: 'No' }, 'gregory')).toBeNull();
		for (const c of [mine, theirs, ro]) c.destroy();
	});
});

describe('DuplicateIndex', () => {
	it('follows the store: a new look-alike is found, a renamed or merged one no longer', () => {
		const store = new MembersStore({ doc: new Y.Doc() });
		const a = store.addMember({ name: 'Acme Co., Ltd.', phone: '021 8888 1234' })!;
		const dups = new DuplicateIndex(store);
		const b = store.addMember({ name: 'ACME' })!;
		expect(dups.find(store.get(b)!)).toEqual([{ id: a, reasons: ['name'] }]);
		store.setField(a, 'name', 'Other');
		expect(dups.find(store.get(b)!)).toEqual([]);
		expect(dups.find({ id: b, phone: '+98 21 8888 1234' })).toEqual([
			{ id: a, reasons: ['phone'] }
		]);
		(store.members.get(a) as Y.Map<unknown>).set('mergedInto', b);
		expect(dups.find({ id: b, phone: '02188881234' })).toEqual([]);
		dups.destroy();
		store.destroy();
	});
});

/**
 * [C21] Which of this user's offline edits the page tells them about once in step:
 * the fields they wrote (with their last value), compared with what stayed, and who
 * wrote the value that stayed, from the server's history.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MembersStore, type MemberBatch } from '../../src/lib/state/members.svelte';
import {
	checkOwnEdits,
	conflictsToTell,
	lastWriteOf,
	ownEdits,
	type OwnEdit,
	type Overwritten
} from '../../src/lib/state/offline-edits';
import type { HistoryEntryView } from '../../src/lib/domain/history';
import type { MemberRow } from '../../src/lib/domain/member';

/** A store on its own doc with a chosen Yjs client id (the higher wins a tie, [C1]). */
function device(clientID: number, from?: Y.Doc) {
	const doc = new Y.Doc();
	doc.clientID = clientID;
	if (from) Y.applyUpdate(doc, Y.encodeStateAsUpdate(from));
	const store = new MembersStore({ doc });
	const edits: OwnEdit[] = [];
	store.subscribe((b) => edits.push(...ownEdits(b)));
	return { doc, store, edits };
}

const exchange = (a: Y.Doc, b: Y.Doc) => {
	Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
	Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
};

const rows = (list: MemberRow[]) => (id: string) => list.find((r) => r.id === id);

describe('[C21] offline edits: which ones to tell', () => {
	it("records the fields of this user's own batches with the value they hold after it, undo included", () => {
		const a = device(10);
		const id = a.store.addMember({ name: 'Acme', phone: '021 1111' })!;
		expect(a.edits).toEqual([]); // a new row: nobody else can have written it
		a.store.setField(id, 'phone', '021 2222');
		a.store.setField(id, 'region', 'Tabriz');
		a.store.setField(id, 'region', '');
		a.store.undo();
		expect(a.edits).toEqual([
			{ rowId: id, field: 'phone', name: 'Acme', mine: '021 2222' },
			{ rowId: id, field: 'region', name: 'Acme', mine: 'Tabriz' },
			{ rowId: id, field: 'region', name: 'Acme', mine: null },
			{ rowId: id, field: 'region', name: 'Acme', mine: 'Tabriz' }
		]);
		// Someone else's change is not an edit of this user.
		const theirs: MemberBatch[] = [];
		const b = device(20, a.doc);
		a.store.subscribe((x) => theirs.push(x));
		b.store.setField(id, 'legalRep', 'Chen Wei');
		Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(b.doc));
		expect(theirs).toHaveLength(1);
		expect(ownEdits(theirs[0])).toEqual([]);
	});

	it('a field this user wrote offline and someone else wrote meanwhile: told only on the side that lost', () => {
		for (const [mineId, theirsId] of [
			[10, 20],
			[20, 10]
		]) {
			const a = device(mineId);
			const id = a.store.addMember({ name: 'Acme', phone: '021 1111' })!;
			const b = device(theirsId, a.doc);
			// A offline; B online: both write the phone without seeing each other.
			a.store.setField(id, 'phone', '021 2222');
			a.store.setField(id, 'region', 'Tabriz'); // nobody else writes this one
			b.store.setField(id, 'phone', '021 3333');
			b.store.setField(id, 'legalRep', 'Chen Wei'); // A never touched it
			exchange(a.doc, b.doc);
			const phone = a.store.get(id)?.phone;
			expect(phone).toBe(b.store.get(id)?.phone);
			const found = checkOwnEdits(a.edits, (x) => a.store.get(x));
			expect(found.gone).toEqual([]);
			if (mineId > theirsId) {
				expect(phone).toBe('021 2222');
				expect(found.overwritten).toEqual([]);
			} else {
				expect(phone).toBe('021 3333');
				expect(found.overwritten).toEqual([
					{ rowId: id, field: 'phone', name: 'Acme', mine: '021 2222', theirs: '021 3333' }
				]);
			}
		}
	});

	it('only the last value written counts, and a field set back to it is no conflict', () => {
		const edits: OwnEdit[] = [{ rowId: 'r1', field: 'phone', name: 'Acme', mine: '021 2' }];
		expect(checkOwnEdits(edits, rows([{ id: 'r1', name: 'Acme', phone: '021 2' }]))).toEqual({
			gone: [],
			overwritten: []
		});
		// A clear that stayed, and a clear that someone else's value replaced.
		const cleared: OwnEdit[] = [{ rowId: 'r1', field: 'email', name: 'Acme', mine: null }];
		expect(checkOwnEdits(cleared, rows([{ id: 'r1', name: 'Acme' }])).overwritten).toEqual([]);
		expect(
			checkOwnEdits(cleared, rows([{ id: 'r1', name: 'Acme Co', email: 'a@b.cn' }])).overwritten
		).toEqual([{ rowId: 'r1', field: 'email', name: 'Acme Co', mine: null, theirs: 'a@b.cn' }]);
	});

	it('a member that is no longer there is gone, not overwritten', () => {
		const edits: OwnEdit[] = [
			{ rowId: 'r1', field: 'phone', name: 'Acme', mine: '021 2' },
			{ rowId: 'r1', field: 'region', name: 'Acme', mine: 'Tabriz' }
		];
		expect(checkOwnEdits(edits, () => undefined)).toEqual({ gone: edits, overwritten: [] });
	});
});

const entry = (e: Partial<HistoryEntryView> & Pick<HistoryEntryView, 'seq'>): HistoryEntryView => ({
	at: `2026-05-0${e.seq}T10:00:00.000Z`,
	user: { id: 2, name: '李明' },
	memberId: 'r1',
	table: 'members',
	rowId: 'r1',
	kind: 'set',
	field: 'phone',
	from: null,
	to: null,
	...e
});

describe('[C21] who wrote the value that stayed', () => {
	// Newest first, as the API answers.
	const history = [
		entry({ seq: 5, table: 'contacts', rowId: 'c1', field: 'phone', to: '999' }),
		entry({ seq: 4, field: 'region', to: 'Harbin', user: { id: 3, name: 'رضا' } }),
		entry({ seq: 3, field: 'phone', from: '021 1', to: '021 3' }),
		entry({ seq: 2, field: 'phone', from: null, to: '021 1', user: { id: 1, name: 'Sara' } }),
		entry({ seq: 1, kind: 'create', field: null, to: { name: 'Acme', email: 'a@b.cn' } })
	];

	it("finds the field's newest write when it wrote the value there now", () => {
		expect(lastWriteOf(history, 'r1', 'phone', '021 3')).toEqual({
			userId: 2,
			who: '李明',
			at: '2026-05-03T10:00:00.000Z'
		});
		expect(lastWriteOf(history, 'r1', 'email', 'a@b.cn')).toMatchObject({ who: '李明' });
		// The history does not know this value yet (or at all): it cannot say who.
		expect(lastWriteOf(history, 'r1', 'phone', '021 1')).toBeNull();
		expect(lastWriteOf(history, 'r1', 'legalRep', 'Chen')).toBeNull();
		expect(lastWriteOf([entry({ seq: 1, to: '1', user: null })], 'r1', 'phone', '1')).toEqual({
			userId: null,
			who: null,
			at: '2026-05-01T10:00:00.000Z'
		});
	});

	it('a value this same user wrote (another tab or device) is not told; unknown authors are', () => {
		const o = (field: string, theirs: string): Overwritten => ({
			rowId: 'r1',
			field: field as Overwritten['field'],
			name: 'Acme',
			mine: 'x',
			theirs
		});
		const list = [o('phone', '021 3'), o('region', 'Harbin'), o('legalRep', 'Chen')];
		const told = conflictsToTell(list, (x) => lastWriteOf(history, 'r1', x.field, x.theirs), 3);
		expect(told.map((x) => [x.field, x.by?.who ?? null])).toEqual([
			['phone', '李明'],
			['legalRep', null]
		]);
	});
});

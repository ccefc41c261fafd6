import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { parseTsvRange } from '../../src/lib/domain/csv';
import { pastePreparer, planPaste } from '../../src/lib/components/grid/paste';
import { i18n } from '../../src/lib/i18n/index.svelte';
import { MembersStore } from '../../src/lib/state/members.svelte';

describe('a range copied from a spreadsheet', () => {
	it('reads CRLF and LF rows, quoted cells with tabs and line breaks, blank rows', () => {
		expect(parseTsvRange('a\tb\r\nc\td\r\n')).toEqual([
			['a', 'b'],
			['c', 'd']
		]);
		expect(parseTsvRange('"two\nlines"\t"tab\there"\n"say ""hi"""\t\n\t\nlast\tx')).toEqual([
			['two\nlines', 'tab\there'],
			['say "hi"', ''],
			['', ''],
			['last', 'x']
		]);
		// One column with a blank cell: the blank stays a row, so nothing moves up.
		expect(parseTsvRange('one\n\nthree\n')).toEqual([['one'], [''], ['three']]);
		expect(parseTsvRange('single')).toEqual([['single']]);
	});
});

describe('planPaste', () => {
	const columns = [
		{ field: 'name', editable: true },
		{ field: 'status', editable: false },
		{ field: 'tier', editable: true }
	];

	it('fills from the focused cell right and down, skipping columns nobody may edit', () => {
		const plan = planPaste({
			values: [
				['A', 'x', 'gold'],
				['B', 'y', 'silver']
			],
			rowIds: ['r1', 'r2'],
			columns
		});
		expect(plan.cells).toEqual([
			{ id: 'r1', field: 'name', raw: 'A', row: 0 },
			{ id: 'r1', field: 'tier', raw: 'gold', row: 0 },
			{ id: 'r2', field: 'name', raw: 'B', row: 1 },
			{ id: 'r2', field: 'tier', raw: 'silver', row: 1 }
		]);
		expect(plan).toMatchObject({ readOnly: 2, beyondRows: 0, beyondColumns: 0 });
	});

	it('counts the rows below the last row and the columns past the last column', () => {
		const values = Array.from({ length: 500 }, (_, i) => [`Co ${i}`, 'r', 'p', 'e@x.example']);
		const plan = planPaste({ values, rowIds: ['r1', 'r2', 'r3'], columns });
		expect(plan.beyondRows).toBe(497);
		expect(plan.beyondColumns).toBe(1);
		expect(plan.cells.map((c) => c.id)).toEqual(['r1', 'r1', 'r2', 'r2', 'r3', 'r3']);
	});

	it('[C31] plans the rows below the last row as new members, in the same columns', () => {
		const values = Array.from({ length: 500 }, (_, i) => [`Co ${i}`, 'r', 'p', 'e@x.example']);
		const plan = planPaste({ values, rowIds: ['r1', 'r2', 'r3'], columns });
		expect(plan.newRows).toHaveLength(497);
		expect(plan.newRows[0]).toEqual([
			{ field: 'name', raw: 'Co 3', row: 3 },
			{ field: 'tier', raw: 'p', row: 3 }
		]);
		expect(plan.newRowsReadOnly).toBe(497);
		expect(plan.readOnly).toBe(3);
	});
});

describe('pastePreparer', () => {
	it('takes choices by label in any language and dates in the reader’s calendar', () => {
		const was = i18n.locale;
		try {
			i18n.locale = 'fa';
			const prepare = pastePreparer();
			expect(prepare('joinDate', '۱۴۰۳/۰۱/۱۵')).toEqual({ ok: true, value: '2024-04-03' });
			expect(prepare('size', 'Small')).toEqual({ ok: true, value: 'small' });
			expect(prepare('phone', '۰۹۱۲ ۱۲۳ ۴۵۶۷')).toEqual({ ok: true, value: '0912 123 4567' });
			expect(prepare('tier', 'no such tier')).toEqual({ ok: false, expectKey: 'expect.select' });
			expect(prepare('name', '   ')).toEqual({ ok: true, value: null });
			i18n.locale = 'en';
			expect(pastePreparer()('joinDate', '2024/04/03')).toEqual({ ok: true, value: '2024-04-03' });
			expect(pastePreparer()('joinDate', '15/01/2024')).toEqual({
				ok: false,
				expectKey: 'expect.date'
			});
		} finally {
			i18n.locale = was;
		}
	});
});

describe('MembersStore.setFields', () => {
	it('writes a pasted range in one undo step and refuses what setField would refuse', () => {
		const s = new MembersStore({ doc: new Y.Doc() });
		const a = s.addMember({ name: 'A' })!;
		const b = s.addMember({ name: 'B', region: 'Old' })!;
		let batches = 0;
		s.subscribe(() => batches++);
		const r = s.setFields([
			{ id: a, field: 'region', raw: 'Tehran' },
			{ id: b, field: 'region', raw: '' },
			{ id: b, field: 'email', raw: 'not an email' },
			{ id: b, field: 'memberNo', raw: '12' },
			{ id: 'nosuchrow1', field: 'name', raw: 'X' }
		]);
		expect(r.changed).toBe(2);
		expect(r.refused.map((x) => [x.index, x.result.reason])).toEqual([
			[2, 'invalid'],
			[3, 'serverOwned'],
			[4, 'noSuchRow']
		]);
		expect(batches).toBe(1);
		expect(s.get(a)?.region).toBe('Tehran');
		expect(s.get(b)?.region).toBeUndefined();
		expect(s.get(b)?.email).toBeUndefined();
		expect(s.undo()).toBe(true);
		expect(s.get(a)?.region).toBeUndefined();
		expect(s.get(b)?.region).toBe('Old');
		expect(s.get(a)?.name).toBe('A');
	});

	it('[C6] a view-only store writes nothing', () => {
		const doc = new Y.Doc();
		const s = new MembersStore({ doc, readOnly: true });
		let updates = 0;
		doc.on('update', () => updates++);
		const r = s.setFields([{ id: 'abcdefgh12', field: 'name', raw: 'X' }]);
		expect(r).toEqual({
			changed: 0,
			refused: [{ index: 0, result: { ok: false, reason: 'readOnly' } }]
		});
		expect(updates).toBe(0);
	});
});

describe('MembersStore.addMembers', () => {
	it('[C31] adds pasted rows as new members, joining the paste’s undo step', () => {
		const s = new MembersStore({ doc: new Y.Doc() });
		const a = s.addMember({ name: 'A' })!;
		s.setFields([{ id: a, field: 'region', raw: 'Tehran' }]);
		const paste = s.lastStep();
		const r = s.addMembers(
			[
				[
					{ field: 'name', raw: 'New Co' },
					{ field: 'email', raw: 'not an email' }
				],
				[{ field: 'name', raw: 'Other Co' }]
			],
			{ joinStep: paste }
		);
		expect(r.ids).toHaveLength(2);
		expect(r.refused).toEqual([
			{ row: 0, cell: 1, result: { ok: false, reason: 'invalid', expectKey: 'expect.email' } }
		]);
		expect(s.get(r.ids[0])).toMatchObject({ name: 'New Co', status: 'prospect' });
		expect(s.get(r.ids[0])?.email).toBeUndefined();
		expect(s.get(r.ids[1])?.name).toBe('Other Co');
		// One step: the paste and the new members go back together; the member before stays.
		expect(s.undo()).toBe(true);
		expect(s.get(r.ids[0])).toBeUndefined();
		expect(s.get(r.ids[1])).toBeUndefined();
		expect(s.get(a)).toMatchObject({ name: 'A' });
		expect(s.get(a)?.region).toBeUndefined();
	});

	it('[C31] is its own undo step when the paste is no longer the last one', () => {
		const s = new MembersStore({ doc: new Y.Doc() });
		const a = s.addMember({ name: 'A' })!;
		s.setFields([{ id: a, field: 'region', raw: 'Tehran' }]);
		const paste = s.lastStep();
		expect(s.setField(a, 'phone', '021 5555 0000')).toEqual({ ok: true, changed: true });
		const r = s.addMembers([[{ field: 'name', raw: 'New Co' }]], { joinStep: paste });
		expect(s.undo()).toBe(true);
		expect(s.get(r.ids[0])).toBeUndefined();
		expect(s.get(a)).toMatchObject({ region: 'Tehran', phone: '021 5555 0000' });
	});
});

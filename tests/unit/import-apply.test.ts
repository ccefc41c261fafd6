/**
 * Import, writing and undoing (issue 8): chunked transactions tagged with one
 * import id, parts that describe each chunk, and an undo that leaves rows edited
 * since the import alone.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { IMPORT_PARTS_TABLE, type Mapping } from '../../src/lib/domain/import';
import { applyImport, importParts, previewUndo, undoImport } from '../../src/lib/import/apply';
import { planRows } from '../../src/lib/import/check';
import { MembersStore } from '../../src/lib/state/members.svelte';

const IMPORT_ID = 'imp-test-0001';

function registry(existing: Record<string, Record<string, string>> = {}) {
	const doc = new Y.Doc();
	const members = doc.getMap<Y.Map<unknown>>('members');
	doc.transact(() => {
		for (const [id, fields] of Object.entries(existing)) {
			const row = new Y.Map<unknown>();
			members.set(id, row);
			for (const [k, v] of Object.entries(fields)) row.set(k, v);
		}
	});
	return { doc, members };
}

function plan(
	rows: string[][],
	existing: { id: string; [k: string]: string }[] = [],
	mapping: Mapping = ['name', 'phone', 'region']
) {
	return planRows({
		rows: rows.map((cells, i) => ({ line: i + 2, cells })),
		mapping,
		existing
	});
}

describe('apply', () => {
	it('adds and updates in chunks, each chunk one transaction with its part', async () => {
		const { doc, members } = registry({ 'existing-1': { name: 'Alpha Co', region: 'Tehran' } });
		const rows = plan(
			[
				['Alpha Co', '', 'Isfahan'],
				['Beta Co', '021 5555 1234', 'Qom'],
				['Gamma Co', '', ''],
				['Delta Co', '', '']
			],
			[{ id: 'existing-1', name: 'Alpha Co', region: 'Tehran' }]
		);
		let transactions = 0;
		doc.on('afterTransaction', () => transactions++);
		const progress: number[] = [];
		const r = await applyImport({
			doc,
			importId: IMPORT_ID,
			rows,
			chunkRows: 2,
			onProgress: (d) => progress.push(d)
		});
		expect(r).toEqual({ added: 3, updated: 1, parts: 2 });
		expect(transactions).toBe(2);
		expect(progress).toEqual([0, 2, 4]);
		expect(members.get('existing-1')?.get('region')).toBe('Isfahan');
		const names = [...members.values()].map((m) => m.get('name')).sort();
		expect(names).toEqual(['Alpha Co', 'Beta Co', 'Delta Co', 'Gamma Co']);
		const parts = importParts(doc, IMPORT_ID);
		expect(parts.map((p) => [p.added.length, p.updated])).toEqual([
			[1, ['existing-1']],
			[2, []]
		]);
		expect(parts[0].before).toEqual({ 'existing-1': { region: 'Tehran' } });
		expect(doc.getMap(IMPORT_PARTS_TABLE).size).toBe(2);
	});

	it('skipped and rejected rows are not written', async () => {
		const { doc, members } = registry();
		const rows = plan([
			['', '021 1234 567', 'x'],
			['Kept', '', '']
		]);
		rows[1].action = 'skip';
		const r = await applyImport({ doc, importId: IMPORT_ID, rows });
		expect(r).toEqual({ added: 0, updated: 0, parts: 0 });
		expect(members.size).toBe(0);
	});

	it('is not a step of the grid undo stack', async () => {
		const { doc } = registry();
		const store = new MembersStore({ doc });
		await applyImport({ doc, importId: IMPORT_ID, rows: plan([['One', '', '']]) });
		expect(store.count).toBe(1);
		expect(store.canUndo).toBe(false);
		store.destroy();
	});
});

describe('undo', () => {
	it('[J1] keeps added rows that are members (a roster of active members): never deleted', async () => {
		const { doc, members } = registry({});
		const rows = plan(
			[
				['Alpha Co', 'active'],
				['Beta Co', 'prospect']
			],
			[],
			['name', 'status']
		);
		await applyImport({ doc, importId: IMPORT_ID, rows });
		const r = await undoImport({ doc, importId: IMPORT_ID });
		expect(r).toEqual({ undoable: 1, edited: 0, gone: 0, members: 1 });
		expect([...members.values()].map((m) => m.get('name'))).toEqual(['Alpha Co']);
	});

	it('counts rows approved since the import as members, not as edited rows', async () => {
		const { doc, members } = registry({});
		await applyImport({
			doc,
			importId: IMPORT_ID,
			rows: plan([
				['A Co', '', ''],
				['B Co', '', ''],
				['C Co', '', ''],
				['D Co', '', '']
			])
		});
		const ids = importParts(doc, IMPORT_ID)[0].added;
		// The server's approval writes the status, the number and its stamps (another client).
		const server = new Y.Doc();
		Y.applyUpdate(server, Y.encodeStateAsUpdate(doc));
		server.transact(() => {
			ids.slice(0, 3).forEach((id, n) => {
				const row = server.getMap<Y.Map<unknown>>('members').get(id)!;
				row.set('status', 'active');
				row.set('memberNo', n + 1);
			});
		});
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(server, Y.encodeStateVector(doc)));
		const expected = { undoable: 1, edited: 0, gone: 0, members: 3 };
		expect(previewUndo(doc, IMPORT_ID)).toEqual(expected);
		expect(await undoImport({ doc, importId: IMPORT_ID })).toEqual(expected);
		expect([...members.keys()].sort()).toEqual(ids.slice(0, 3).sort());
	});

	it('removes added rows and puts updated fields back', async () => {
		const { doc, members } = registry({ 'existing-1': { name: 'Alpha Co', region: 'Tehran' } });
		const rows = plan(
			[
				['Alpha Co', '021 5555 1234', ''],
				['Beta Co', '', '']
			],
			[{ id: 'existing-1', name: 'Alpha Co', region: 'Tehran' }]
		);
		await applyImport({ doc, importId: IMPORT_ID, rows });
		expect(previewUndo(doc, IMPORT_ID)).toEqual({ undoable: 2, edited: 0, gone: 0, members: 0 });
		const r = await undoImport({ doc, importId: IMPORT_ID });
		expect(r).toEqual({ undoable: 2, edited: 0, gone: 0, members: 0 });
		expect([...members.keys()]).toEqual(['existing-1']);
		expect(members.get('existing-1')?.toJSON()).toEqual({ name: 'Alpha Co', region: 'Tehran' });
	});

	it('keeps rows someone edited since, on this or another device', async () => {
		const { doc, members } = registry();
		await applyImport({
			doc,
			importId: IMPORT_ID,
			rows: plan([
				['A Co', '', ''],
				['B Co', '', ''],
				['C Co', '', '']
			])
		});
		const ids = importParts(doc, IMPORT_ID)[0].added;
		// Another person edits B on their device; the same user edits C later.
		const other = new Y.Doc();
		Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
		other.transact(() => other.getMap<Y.Map<unknown>>('members').get(ids[1])!.set('region', 'Qom'));
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(other, Y.encodeStateVector(doc)));
		members.get(ids[2])!.delete('status');
		const r = await undoImport({ doc, importId: IMPORT_ID });
		expect(r).toEqual({ undoable: 1, edited: 2, gone: 0, members: 0 });
		expect([...members.keys()].sort()).toEqual([ids[1], ids[2]].sort());
	});

	it('an updated row whose imported field was changed since is kept', async () => {
		const { doc, members } = registry({ 'existing-1': { name: 'Alpha Co', region: 'Tehran' } });
		await applyImport({
			doc,
			importId: IMPORT_ID,
			rows: plan(
				[['Alpha Co', '', 'Isfahan']],
				[{ id: 'existing-1', name: 'Alpha Co', region: 'Tehran' }]
			)
		});
		members.get('existing-1')!.set('region', 'Shiraz');
		expect(await undoImport({ doc, importId: IMPORT_ID })).toEqual({
			undoable: 0,
			edited: 1,
			gone: 0,
			members: 0
		});
		expect(members.get('existing-1')!.get('region')).toBe('Shiraz');
	});
});

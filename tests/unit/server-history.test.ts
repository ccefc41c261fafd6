/**
 * The history index over a long log (server/history.ts): built in steps within a
 * time budget, resumable from a saved replica without duplicates, one `create`
 * entry per imported row rather than one per field.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { HistoryIndex } from '../../server/history';
import { SqliteStore } from '../../server/store/sqlite';
import { removeDir, tempDir } from '../server/helpers';

const ROOM = 'default/registry';
const dirs: string[] = [];
const stores: SqliteStore[] = [];

afterEach(async () => {
	for (const s of stores.splice(0)) await s.close();
	for (const d of dirs.splice(0)) removeDir(d);
});

function open(dir = tempDir()) {
	if (!dirs.includes(dir)) dirs.push(dir);
	const store = new SqliteStore({ dataDir: dir });
	stores.push(store);
	return { store, dir };
}

/** Users 1 and 2, who the log rows are attributed to. */
async function users(store: SqliteStore) {
	await store.ensureOrg('default');
	for (const username of ['one', 'two']) {
		await store.createUser({ org: 'default', username, passwordHash: 'x', roles: ['staff'] });
	}
}

const id = (i: number) => `member-${String(i).padStart(6, '0')}`;

/** A doc whose every transaction is appended to the store's log (user 1 or 2). */
function logged(store: SqliteStore) {
	const doc = new Y.Doc();
	const pending: Promise<number>[] = [];
	let user = 1;
	doc.on('update', (u: Uint8Array) => {
		pending.push(store.appendUpdate({ room: ROOM, update: u, userId: user, at: 1000 }));
	});
	return {
		doc,
		as(u: number) {
			user = u;
		},
		flush: () => Promise.all(pending.splice(0))
	};
}

describe('HistoryIndex', () => {
	it('indexes an import and many edits in steps, and answers per member', async () => {
		const { store } = open();
		await users(store);
		const log = logged(store);
		const members = log.doc.getMap<Y.Map<unknown>>('members');
		log.doc.transact(() => {
			for (let i = 0; i < 20_000; i++) {
				const row = new Y.Map<unknown>();
				members.set(id(i), row);
				row.set('name', `Company ${i}`);
				row.set('status', 'prospect');
				row.set('region', 'North');
			}
		});
		for (let k = 0; k < 1500; k++) {
			log.as(k % 2 === 0 ? 1 : 2);
			members.get(id(k % 10))!.set('region', `R${k}`);
		}
		await log.flush();

		const index = new HistoryIndex(store, { batch: 100, budgetMs: 0, idleMs: 60_000 });
		const first = await index.catchUp(ROOM);
		expect(first.complete).toBe(false);
		expect(first.indexedSeq).toBe(100);
		let steps = 1;
		let p = first;
		while (!p.complete) {
			p = await index.catchUp(ROOM);
			steps++;
		}
		expect(steps).toBeGreaterThan(10);
		expect(p.indexedSeq).toBe(1501);

		const h = await store.history.list(ROOM, [id(3)], { limit: 1000 });
		expect(h[h.length - 1]).toMatchObject({
			kind: 'create',
			to: { name: 'Company 3', status: 'prospect', region: 'North' },
			userId: 1
		});
		const changes = h.filter((e) => e.kind === 'set');
		expect(changes).toHaveLength(150);
		// Newest first; each change starts where the previous one ended.
		expect(changes[0]).toMatchObject({ field: 'region', from: 'R1483', to: 'R1493', userId: 2 });
		expect(changes[changes.length - 1]).toMatchObject({ from: 'North', to: 'R3' });
		// One create entry per imported member, not one per field.
		expect(await store.history.list(ROOM, [id(19_999)], { limit: 10 })).toHaveLength(1);
		await index.close();
	});

	it('resumes from the saved replica without duplicating or losing entries', async () => {
		const { store, dir } = open();
		await users(store);
		const log = logged(store);
		const members = log.doc.getMap<Y.Map<unknown>>('members');
		log.doc.transact(() => members.set(id(1), new Y.Map<unknown>([['name', 'A']])));
		for (let k = 0; k < 30; k++) members.get(id(1))!.set('region', `R${k}`);
		await log.flush();

		// Saved at row 10, entries written up to row 31: a crash between the two.
		const a = new HistoryIndex(store, { batch: 10, budgetMs: 0, saveEvery: 10 });
		await a.catchUp(ROOM);
		expect((await store.history.progress(ROOM))?.stateSeq).toBe(10);
		await a.catchUp(ROOM);
		await a.catchUp(ROOM);
		await a.catchUp(ROOM);
		const before = await store.history.list(ROOM, [id(1)], { limit: 100 });
		expect(before).toHaveLength(31);
		expect((await store.history.progress(ROOM))?.upToSeq).toBe(31);

		await store.close();
		const { store: again } = open(dir);
		const b = new HistoryIndex(again, { batch: 10, budgetMs: 1000 });
		const log2 = logged(again);
		Y.applyUpdate(log2.doc, Y.encodeStateAsUpdate(log.doc));
		await log2.flush();
		log2.doc.getMap<Y.Map<unknown>>('members').get(id(1))!.set('region', 'Last');
		await log2.flush();
		expect((await b.catchUp(ROOM)).complete).toBe(true);
		const after = await again.history.list(ROOM, [id(1)], { limit: 100 });
		expect(after[0]).toMatchObject({ from: 'R29', to: 'Last' });
		expect(after.slice(1).map((e) => [e.seq, e.field, e.to])).toEqual(
			before.map((e) => [e.seq, e.field, e.to])
		);
		await b.close();
	});
});

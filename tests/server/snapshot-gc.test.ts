/**
 * [R6] A room unloaded after many deletions gets a snapshot without the deleted content:
 * the store's background thread builds it as a Y.Doc (which garbage-collects) instead
 * of merging the updates (which keeps every deleted value). Real SqliteStore in a temp
 * dir, real Rooms, a peer that records nothing.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Room, Rooms, type Peer } from '../../server/rooms';
import { DB_FILE, SqliteStore } from '../../server/store/sqlite';
import { newRowId } from '../../src/lib/domain/text';
import { canonical, REGISTRY, removeDir, tempDir, waitFor } from './helpers';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
	for (const f of cleanup.splice(0).reverse()) await f();
});

const TUNING = { snapshotEvery: 500, idleMs: 30, retryMs: 50 };

async function setup(opts: { gcSnapshotMaxBytes?: number } = {}) {
	const dir = tempDir();
	const store = new SqliteStore({ dataDir: dir, gcSnapshotMaxBytes: opts.gcSnapshotMaxBytes });
	await store.ensureOrg('default');
	const user = await store.createUser({
		org: 'default',
		username: 'editor',
		passwordHash: 'x',
		roles: ['staff']
	});
	const rooms = new Rooms(store, TUNING);
	cleanup.push(() => removeDir(dir));
	cleanup.push(async () => {
		await rooms.close();
		await store.close();
	});
	const peer: Peer = { kind: 'peer', userId: user.id, send: () => {} };
	return { dir, store, rooms, peer };
}

/** The stored snapshot's bytes (all parts) and the seq it covers. */
function storedSnapshot(dir: string) {
	const db = new Database(path.join(dir, DB_FILE), { readonly: true });
	try {
		const s = db
			.prepare('SELECT state, parts, up_to_seq FROM room_snapshots WHERE room = ?')
			.get(REGISTRY) as { state: Buffer; parts: number; up_to_seq: number } | undefined;
		if (!s) return null;
		const parts =
			s.parts > 0
				? (db
						.prepare('SELECT data FROM room_snapshot_parts WHERE room = ? ORDER BY n')
						.pluck()
						.all(REGISTRY) as Buffer[])
				: [s.state];
		const lastSeq = db
			.prepare('SELECT max(seq) FROM room_updates WHERE room = ?')
			.pluck()
			.get(REGISTRY) as number;
		return {
			bytes: parts.reduce((n, p) => n + p.byteLength, 0),
			parts: parts.map((p) => new Uint8Array(p)),
			upToSeq: s.up_to_seq,
			lastSeq
		};
	} finally {
		db.close();
	}
}

/** A session of a staff member: 400 members added, their notes edited twice, 350 deleted. */
async function editAndLeave(rooms: Rooms, peer: Peer): Promise<Record<string, unknown>> {
	const room = await rooms.acquire(REGISTRY);
	room.addPeer(peer);
	const doc = new Y.Doc();
	const updates: Uint8Array[] = [];
	doc.on('update', (u: Uint8Array) => updates.push(u));
	const ids: string[] = [];
	doc.transact(() => {
		for (let i = 0; i < 400; i++) {
			const row = new Y.Map<unknown>();
			row.set('name', `Member ${i} Trading Company`);
			row.set('region', i % 2 ? 'north' : 'south');
			row.set('address', `${i} Industrial Park Road, Building ${i % 7}, Unit ${i % 13}`);
			row.set('legalRep', `Representative of member ${i}`);
			row.set('products', `Valves, pumps and fittings made by member ${i}. `.repeat(3));
			row.set('interests', 'Exports, trade fairs, training');
			row.set('notes', `Met at the fair; call back about the membership of ${i}. `.repeat(4));
			const id = newRowId();
			ids.push(id);
			doc.getMap('members').set(id, row);
		}
	});
	// The notes are edited twice (each edit overwrites the value), then most rows go.
	for (const round of [1, 2]) {
		doc.transact(() => {
			for (const id of ids) {
				(doc.getMap('members').get(id) as Y.Map<unknown>).set('notes', `Call ${round}: agreed.`);
			}
		});
	}
	doc.transact(() => {
		for (const id of ids.slice(50)) doc.getMap('members').delete(id);
	});
	for (const u of updates) room.applyPeerUpdate(peer, u);
	await room.flush();
	const expected = room.doc.getMap('members').toJSON();
	expect(Object.keys(expected)).toHaveLength(50);
	room.removePeer(peer);
	rooms.release(room);
	return expected;
}

const logRows = (store: SqliteStore) =>
	store.listUpdates(REGISTRY).then((rows) => rows.map((r) => r.update));

describe('[R6] garbage-collected snapshots', () => {
	it('[R6] a room unloaded after many deletions gets a smaller snapshot that reloads to the same content', async () => {
		const { dir, store, rooms, peer } = await setup();
		const expected = await editAndLeave(rooms, peer);
		// What merging (the snapshot every 500 updates and when the last peer leaves) keeps.
		const merged = Y.mergeUpdates(await logRows(store)).byteLength;
		await waitFor(() => rooms.get(REGISTRY) === undefined, { what: 'unload' });
		const snap = storedSnapshot(dir)!;
		expect(snap.upToSeq).toBe(snap.lastSeq);
		// Measured: 289,576 bytes merged → 34,444 collected (8.4x smaller).
		expect(snap.bytes).toBeLessThan(merged / 4);

		// Reloaded (snapshot only, no log row after it): the same members.
		const room = await Room.load({ name: REGISTRY, store, tuning: TUNING });
		try {
			expect(canonical(room.doc.getMap('members').toJSON())).toBe(canonical(expected));
		} finally {
			room.destroy();
		}
		// The snapshot alone is a whole valid state: a fresh doc from it equals the log's.
		const fromSnapshot = new Y.Doc();
		for (const p of snap.parts) Y.applyUpdate(fromSnapshot, p);
		const fromLog = new Y.Doc();
		for (const u of await logRows(store)) Y.applyUpdate(fromLog, u);
		expect(canonical(fromSnapshot.getMap('members').toJSON())).toBe(
			canonical(fromLog.getMap('members').toJSON())
		);
		expect(Y.encodeStateVector(fromSnapshot)).toEqual(Y.encodeStateVector(fromLog));

		// A later session appends to it as usual.
		const again = await rooms.acquire(REGISTRY);
		again.transactAsServer((d) => d.getMap('meta').set('note', 'after gc'));
		await again.flush();
		rooms.release(again);
		await waitFor(() => rooms.get(REGISTRY) === undefined, { what: 'second unload' });
		const reloaded = await Room.load({ name: REGISTRY, store, tuning: TUNING });
		try {
			expect(reloaded.doc.getMap('meta').get('note')).toBe('after gc');
			expect(Object.keys(reloaded.doc.getMap('members').toJSON())).toHaveLength(50);
		} finally {
			reloaded.destroy();
		}
	});

	it('[R6] a room bigger than the limit is merged as before (no Y.Doc in the background thread)', async () => {
		const { dir, store, rooms, peer } = await setup({ gcSnapshotMaxBytes: 1024 });
		await editAndLeave(rooms, peer);
		const merged = Y.mergeUpdates(await logRows(store)).byteLength;
		await waitFor(() => rooms.get(REGISTRY) === undefined, { what: 'unload' });
		const snap = storedSnapshot(dir)!;
		expect(snap.upToSeq).toBe(snap.lastSeq);
		expect(snap.bytes).toBe(merged);
	});
});

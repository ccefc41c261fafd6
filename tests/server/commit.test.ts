/**
 * Group commit, durability of ACKs, snapshots merged off the event loop, and the
 * answer to a new device from stored bytes: a real SqliteStore in a temp dir, real
 * Rooms, and peers that record what the room sends them (the Peer interface the
 * transport's connections implement), plus real WebSocket clients where the wire matters.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { Rooms, type Peer, type Room } from '../../server/rooms';
import {
	DB_FILE,
	JOURNAL_FILE,
	SqliteStore,
	STORE_SCHEMA_VERSION
} from '../../server/store/sqlite';
import { MESSAGE } from '../../src/lib/domain/protocol';
import { newRowId } from '../../src/lib/domain/text';
import {
	addRow,
	canonical,
	connect,
	loginAdmin,
	membersJson,
	openRaw,
	readLog,
	REGISTRY,
	removeDir,
	startTestServer,
	syncMessage,
	tempDir,
	waitFor,
	type TestServer
} from './helpers';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
	for (const f of cleanup.splice(0).reverse()) await f();
});

type Event = { what: 'commit'; seqs: number[] } | { what: 'send'; peer: number; type: number };

async function setup(opts: { snapshotEvery?: number } = {}) {
	const dir = tempDir();
	const store = new SqliteStore({ dataDir: dir });
	await store.ensureOrg('default');
	const user = await store.createUser({
		org: 'default',
		username: 'editor',
		passwordHash: 'x',
		roles: ['staff']
	});
	const events: Event[] = [];
	const batches: number[] = [];
	const append = store.appendUpdates.bind(store);
	store.appendUpdates = async (us) => {
		batches.push(us.length);
		const seqs = await append(us);
		events.push({ what: 'commit', seqs });
		return seqs;
	};
	const rooms = new Rooms(store, {
		snapshotEvery: opts.snapshotEvery ?? 500,
		idleMs: 60_000,
		retryMs: 50
	});
	let closed = false;
	const close = async () => {
		if (closed) return;
		closed = true;
		await rooms.close();
		await store.close();
	};
	cleanup.push(() => removeDir(dir));
	cleanup.push(close);
	const peer = (n: number) => {
		const received: Uint8Array[] = [];
		const p: Peer & { received: Uint8Array[] } = {
			kind: 'peer',
			userId: user.id,
			received,
			send(m) {
				received.push(m);
				events.push({ what: 'send', peer: n, type: m[0] });
			}
		};
		return p;
	};
	return { dir, store, rooms, events, batches, peer, close, userId: user.id };
}

const jsonOf = (doc: Y.Doc) => ({
	members: doc.getMap('members').toJSON(),
	meta: doc.getMap('meta').toJSON()
});

/** Updates of a client doc, one per transaction. */
function clientEdits(n: number, doc = new Y.Doc()) {
	const updates: Uint8Array[] = [];
	const on = (u: Uint8Array) => updates.push(u);
	doc.on('update', on);
	const ids: string[] = [];
	for (let i = 0; i < n; i++) ids.push(addRow(doc, newRowId(), { name: `Member ${i}` }));
	doc.off('update', on);
	return { doc, updates, ids };
}

/** A registry of `n` rows with long texts (~3 MB for 6000), as one client update. */
function bigRegistry(n: number) {
	const doc = new Y.Doc();
	const updates: Uint8Array[] = [];
	doc.on('update', (u: Uint8Array) => updates.push(u));
	doc.transact(() => {
		const m = doc.getMap('members');
		for (let i = 0; i < n; i++) {
			const row = new Y.Map<unknown>();
			row.set('name', `Member ${i} ${'شرکت صنایع غذایی پارس — 华东机械有限公司 '.repeat(4)}`);
			row.set('region', `R${i % 9}`);
			m.set(newRowId(), row);
		}
	});
	return { doc, update: updates[0] };
}

/** The doc a device with nothing builds from sync messages (updates and step 2s). */
function fromMessages(messages: Uint8Array[]) {
	const doc = new Y.Doc();
	for (const m of messages) {
		const d = decoding.createDecoder(m);
		decoding.readVarUint(d);
		decoding.readVarUint(d);
		Y.applyUpdate(doc, decoding.readVarUint8Array(d));
	}
	return doc;
}

/** Same content and state vector. */
function same(a: Y.Doc, b: Y.Doc) {
	expect(canonical(jsonOf(a))).toBe(canonical(jsonOf(b)));
	expect(Y.decodeStateVector(Y.encodeStateVector(a))).toEqual(
		Y.decodeStateVector(Y.encodeStateVector(b))
	);
}

const acksOf = (p: { received: Uint8Array[] }) =>
	p.received
		.filter((m) => m[0] === MESSAGE.ack)
		.map((m) => {
			const d = decoding.createDecoder(m);
			decoding.readVarUint(d);
			return Y.decodeStateVector(decoding.readVarUint8Array(d));
		});

const logRows = (dir: string) => readLog({ dataDir: dir });

describe('group commit and durable ACKs', () => {
	it('[P4] changes of one event-loop turn are stored in one transaction, then broadcast and ACKed in order', async () => {
		const { rooms, events, batches, peer } = await setup();
		const room = await rooms.acquire(REGISTRY);
		await room.flush(); // the schema write of a new registry
		batches.length = 0;
		events.length = 0;
		const a = peer(1);
		const b = peer(2);
		room.addPeer(a);
		room.addPeer(b);
		events.length = 0;
		const { doc, updates } = clientEdits(10);
		for (const u of updates) room.applyPeerUpdate(a, u);
		// Nothing left the room yet: not stored, so neither broadcast nor ACKed [P1][K1].
		expect(events).toEqual([]);
		await waitFor(() => acksOf(a).length === 10, { what: 'ACKs' });
		expect(batches).toEqual([10]);
		const commit = events.findIndex((e) => e.what === 'commit');
		expect(commit).toBe(0);
		const sends = events.slice(1) as Extract<Event, { what: 'send' }>[];
		expect(sends.filter((e) => e.peer === 2 && e.type === MESSAGE.sync)).toHaveLength(10);
		// Each ACK covers the sender's client up to its own update, in order.
		expect(acksOf(a).map((sv) => sv.get(doc.clientID))).toEqual(
			Array.from({ length: 10 }, (_, i) => 2 * (i + 1))
		);
		// The peer received the updates in the order they were applied.
		const peerDoc = new Y.Doc();
		for (const m of b.received.filter((m) => m[0] === MESSAGE.sync).slice(1)) {
			const d = decoding.createDecoder(m);
			decoding.readVarUint(d);
			decoding.readVarUint(d);
			Y.applyUpdate(peerDoc, decoding.readVarUint8Array(d));
		}
		expect(canonical(membersJson(peerDoc))).toBe(canonical(membersJson(doc)));
		rooms.release(room);
	});

	it('[K1] an ACK is sent only once its update is committed: the on-disk files at that moment hold it', async () => {
		const { dir, rooms, peer } = await setup();
		const room = await rooms.acquire(REGISTRY);
		const crashImages: string[] = [];
		const a = peer(1);
		const send = a.send.bind(a);
		a.send = (m) => {
			if (m[0] === MESSAGE.ack) {
				// What a crash of the process right now would leave on disk: the database
				// file and its WAL as they are (the WAL is written before the commit returns).
				const image = tempDir('guildhall-crash-');
				cleanup.push(() => removeDir(image));
				for (const f of [DB_FILE, `${DB_FILE}-wal`, JOURNAL_FILE]) {
					const from = path.join(dir, f);
					if (fs.existsSync(from)) fs.copyFileSync(from, path.join(image, f));
				}
				crashImages.push(image);
			}
			send(m);
		};
		room.addPeer(a);
		const { doc, updates, ids } = clientEdits(5);
		for (const u of updates) room.applyPeerUpdate(a, u);
		await waitFor(() => crashImages.length === 5, { what: 'ACKs' });
		// The last ACK's image, reopened like a restarted server, has all five rows.
		const reopened = new SqliteStore({ dataDir: crashImages[4] });
		cleanup.push(() => reopened.close());
		const loaded = await reopened.loadRoom(REGISTRY);
		const rebuilt = new Y.Doc();
		for (const u of loaded.updates) Y.applyUpdate(rebuilt, u.update);
		for (const id of ids) expect(rebuilt.getMap('members').has(id)).toBe(true);
		expect(canonical(membersJson(rebuilt))).toBe(canonical(membersJson(doc)));
		rooms.release(room);
	});

	it('[K1][P2] when the commit fails nothing of the batch is stored or ACKed; the retry stores it all', async () => {
		const { dir, rooms, store, peer } = await setup();
		const room = await rooms.acquire(REGISTRY);
		await room.flush();
		const before = logRows(dir).length;
		const errors: unknown[] = [];
		const origError = console.error;
		console.error = (...args: unknown[]) => errors.push(args);
		cleanup.push(() => (console.error = origError));
		const append = store.appendUpdates;
		let fail = true;
		store.appendUpdates = async (us) => {
			if (fail) throw new Error('disk full');
			return append(us);
		};
		const a = peer(1);
		room.addPeer(a);
		const { updates } = clientEdits(3);
		for (const u of updates) room.applyPeerUpdate(a, u);
		await waitFor(() => errors.length > 0, { what: 'the failure' });
		expect(acksOf(a)).toHaveLength(0);
		expect(logRows(dir).length).toBe(before);
		expect(room.pending).toBe(3);
		fail = false;
		await waitFor(() => acksOf(a).length === 3, { what: 'ACKs after the retry' });
		expect(logRows(dir).length).toBe(before + 3);
		rooms.release(room);
	});

	it('[K1] a resent update that changes nothing is still ACKed with the server clocks', async () => {
		const { rooms, peer } = await setup();
		const room = await rooms.acquire(REGISTRY);
		const a = peer(1);
		room.addPeer(a);
		const { doc, updates } = clientEdits(2);
		for (const u of updates) room.applyPeerUpdate(a, u);
		await waitFor(() => acksOf(a).length === 2);
		room.applyPeerUpdate(a, Y.encodeStateAsUpdate(doc));
		await waitFor(() => acksOf(a).length === 3);
		expect(acksOf(a)[2].get(doc.clientID)).toBe(Y.getState(doc.store, doc.clientID));
		rooms.release(room);
	});
});

describe('snapshots off the event loop', () => {
	it('[R3] the background thread merges the stored snapshot and log rows into a snapshot equal to the doc, with its state vector', async () => {
		const { dir, rooms, store, peer } = await setup({ snapshotEvery: 7 });
		const room = await rooms.acquire(REGISTRY);
		const a = peer(1);
		room.addPeer(a);
		const client = new Y.Doc();
		const { updates } = clientEdits(20, client);
		// Some overwrites and deletes too, so the merge sees more than inserts.
		const more: Uint8Array[] = [];
		client.on('update', (u: Uint8Array) => more.push(u));
		const members = client.getMap('members') as Y.Map<Y.Map<unknown>>;
		const keys = [...members.keys()];
		for (const k of keys.slice(0, 5)) members.get(k)!.set('name', `Renamed ${k}`);
		for (const k of keys.slice(5, 8)) members.delete(k);
		for (const u of [...updates, ...more]) {
			room.applyPeerUpdate(a, u);
			await new Promise((r) => setImmediate(r));
		}
		await room.snapshot();
		const stored = (await store.loadRoom(REGISTRY)).snapshot!;
		expect(stored.upToSeq).toBe(logRows(dir).at(-1)!.seq);
		const fromSnapshot = new Y.Doc();
		for (const p of stored.parts) Y.applyUpdate(fromSnapshot, p);
		expect(canonical(jsonOf(fromSnapshot))).toBe(canonical(jsonOf(room.doc)));
		expect(stored.sv).not.toBeNull();
		expect(Y.decodeStateVector(stored.sv!)).toEqual(
			Y.decodeStateVector(Y.encodeStateVector(room.doc))
		);
		rooms.release(room);
	});

	it('[R3] a merged snapshot holds exactly the rows up to its seq and is never replaced by an older one', async () => {
		const { store } = await setup();
		const doc = new Y.Doc();
		const updates: Uint8Array[] = [];
		doc.on('update', (u: Uint8Array) => updates.push(u));
		for (let i = 0; i < 30; i++) doc.getMap('members').set(`k${i}`, i);
		const seqs = await store.appendUpdates(
			updates.map((update) => ({ room: REGISTRY, update, userId: null, at: 1 }))
		);
		const stored = async () => {
			const doc = new Y.Doc();
			for (const p of (await store.loadRoom(REGISTRY)).snapshot!.parts) Y.applyUpdate(doc, p);
			return doc;
		};
		const first = await store.snapshotFromLog(REGISTRY, seqs[9]);
		expect(first?.upToSeq).toBe(seqs[9]);
		const partial = await stored();
		expect(partial.getMap('members').size).toBe(10);
		expect((await store.snapshotFromLog(REGISTRY, seqs[29]))?.upToSeq).toBe(seqs[29]);
		const whole = await stored();
		expect(whole.getMap('members').toJSON()).toEqual(doc.getMap('members').toJSON());
		expect(await store.snapshotFromLog(REGISTRY, seqs[9])).toBeNull();
		expect((await store.loadRoom(REGISTRY)).snapshot?.upToSeq).toBe(seqs[29]);
	});
});

describe('schema migration', () => {
	it('moves a schema-1 database (AUTOINCREMENT log) to schema 2 keeping every row and seq', async () => {
		const dir = tempDir();
		cleanup.push(() => removeDir(dir));
		const old = new Database(path.join(dir, DB_FILE));
		old.pragma('journal_mode = WAL');
		old.exec(`
			CREATE TABLE orgs (name TEXT PRIMARY KEY, created_at TEXT NOT NULL);
			CREATE TABLE users (id INTEGER PRIMARY KEY, org TEXT NOT NULL REFERENCES orgs(name),
				username TEXT NOT NULL UNIQUE COLLATE NOCASE, display_name TEXT, password_hash TEXT NOT NULL,
				roles TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
			CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
				created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
			CREATE INDEX sessions_user ON sessions(user_id);
			CREATE INDEX sessions_expires ON sessions(expires_at);
			CREATE TABLE room_updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, room TEXT NOT NULL, data BLOB NOT NULL,
				user_id INTEGER REFERENCES users(id), at INTEGER NOT NULL);
			CREATE INDEX room_updates_room_seq ON room_updates(room, seq);
			CREATE TABLE room_snapshots (room TEXT PRIMARY KEY, state BLOB NOT NULL, up_to_seq INTEGER NOT NULL, at INTEGER NOT NULL);
			CREATE TABLE member_numbers (org TEXT PRIMARY KEY REFERENCES orgs(name), last_no INTEGER NOT NULL);
			PRAGMA user_version = 1;
		`);
		const doc = new Y.Doc();
		const updates: Uint8Array[] = [];
		doc.on('update', (u: Uint8Array) => updates.push(u));
		for (let i = 0; i < 12; i++) doc.getMap('members').set(`k${i}`, i);
		const insert = old.prepare(
			'INSERT INTO room_updates (room, data, user_id, at) VALUES (?, ?, NULL, ?)'
		);
		for (const u of updates) insert.run(REGISTRY, Buffer.from(u), 5);
		// Gaps in seq must survive: the snapshot's up_to_seq refers to them.
		old.prepare('UPDATE room_updates SET seq = seq + 100 WHERE seq > 6').run();
		const snap = new Y.Doc();
		for (const u of updates.slice(0, 6)) Y.applyUpdate(snap, u);
		old
			.prepare('INSERT INTO room_snapshots (room, state, up_to_seq, at) VALUES (?, ?, 6, 1)')
			.run(REGISTRY, Buffer.from(Y.encodeStateAsUpdate(snap)));
		old.close();

		const store = new SqliteStore({ dataDir: dir });
		cleanup.push(() => store.close());
		const loaded = await store.loadRoom(REGISTRY);
		expect(loaded.snapshot?.upToSeq).toBe(6);
		expect(loaded.snapshot?.sv).toBeNull();
		expect(loaded.updates.map((u) => u.seq)).toEqual([107, 108, 109, 110, 111, 112]);
		const rebuilt = new Y.Doc();
		for (const p of loaded.snapshot!.parts) Y.applyUpdate(rebuilt, p);
		for (const u of loaded.updates) Y.applyUpdate(rebuilt, u.update);
		expect(rebuilt.getMap('members').toJSON()).toEqual(doc.getMap('members').toJSON());
		const [next] = await store.appendUpdates([
			{ room: REGISTRY, update: updates[0], userId: null, at: 6 }
		]);
		expect(next).toBe(113);
		const db = new Database(path.join(dir, DB_FILE), { readonly: true });
		expect(db.pragma('user_version', { simple: true })).toBe(STORE_SCHEMA_VERSION);
		const sql = db
			.prepare("SELECT sql FROM sqlite_master WHERE name = 'room_updates'")
			.pluck()
			.get();
		expect(String(sql)).not.toMatch(/AUTOINCREMENT/);
		db.close();
	});
});

describe('first sync of a new device', () => {
	let s: TestServer | null = null;
	afterEach(async () => {
		await s?.close();
		if (s) removeDir(s.dataDir);
		s = null;
	});

	/** Everything a raw client with an empty state receives up to the step 2, applied. */
	async function firstSync(server: TestServer, cookie: string) {
		const raw = await openRaw(server, cookie, {
			onOpen: (ws) =>
				ws.send(syncMessage(syncProtocol.messageYjsSyncStep1, Y.encodeStateVector(new Y.Doc())))
		});
		await raw.next((m) => m[0] === MESSAGE.sync && m[1] === syncProtocol.messageYjsSyncStep2);
		const doc = new Y.Doc();
		const kinds: number[] = [];
		for (const m of raw.messages) {
			if (m[0] !== MESSAGE.sync || m[1] === syncProtocol.messageYjsSyncStep1) continue;
			kinds.push(m[1]);
			const d = decoding.createDecoder(m);
			decoding.readVarUint(d);
			decoding.readVarUint(d);
			Y.applyUpdate(doc, decoding.readVarUint8Array(d));
			if (m[1] === syncProtocol.messageYjsSyncStep2) break;
		}
		raw.ws.close();
		return { doc, kinds };
	}

	const sameState = (a: Y.Doc, room: Room) => {
		same(a, room.doc);
		// Same delete set too.
		expect(Y.equalSnapshots(Y.snapshot(a), Y.snapshot(room.doc))).toBe(true);
	};

	it('[R4] a device with an empty state gets the stored snapshot and the updates after it: the full state', async () => {
		s = await startTestServer({ tuning: { snapshotEvery: 10, roomIdleMs: 100 } });
		const admin = await loginAdmin(s);
		const a = await connect(s, admin);
		for (let i = 0; i < 25; i++) addRow(a.doc, newRowId(), { name: `Row ${i}` });
		const members = a.doc.getMap('members') as Y.Map<Y.Map<unknown>>;
		const keys = [...members.keys()];
		members.delete(keys[0]);
		members.get(keys[1])!.set('name', 'Renamed');
		await waitFor(() => readLog(s!).length >= 28);
		const room = s.app.rooms.get(REGISTRY)!;
		await waitFor(() => room.pending === 0);
		await room.snapshot();
		addRow(a.doc, newRowId(), { name: 'After the snapshot' });
		await waitFor(() => room.doc.getMap('members').size === 25);
		await waitFor(() => room.pending === 0);
		// Loaded room: the snapshot written in the background + the tail since.
		const first = await firstSync(s, admin);
		expect(first.kinds[0]).toBe(syncProtocol.messageYjsUpdate);
		sameState(first.doc, room);

		// Cold: unload, reload from the store, ask again.
		a.destroy();
		await waitFor(() => s!.app.rooms.get(REGISTRY) === undefined, { what: 'unload' });
		const b = await connect(s, admin);
		addRow(b.doc, newRowId(), { name: 'After reload' });
		const reloaded = s.app.rooms.get(REGISTRY)!;
		await waitFor(() => reloaded.pending === 0 && readLog(s!).length >= 29);
		const second = await firstSync(s, admin);
		sameState(second.doc, reloaded);
		b.destroy();
	});
});

describe('[R4] a new device is answered from what the store holds when it asks', () => {
	it('the snapshot written in the background, the rows after it, and the changes the store has not taken yet', async () => {
		const { rooms, store, peer } = await setup();
		const room = await rooms.acquire(REGISTRY);
		const a = peer(1);
		room.addPeer(a);
		const client = new Y.Doc();
		const first = clientEdits(4, client);
		for (const u of first.updates) room.applyPeerUpdate(a, u);
		await waitFor(() => room.pending === 0);
		await room.snapshot();
		expect((await store.loadRoom(REGISTRY)).snapshot).not.toBeNull();
		same(fromMessages(room.storedStateMessages()!), room.doc);
		// Rows after the snapshot, then changes the store refuses (kept in the outbox [P2]).
		for (const u of clientEdits(2, client).updates) room.applyPeerUpdate(a, u);
		await waitFor(() => room.pending === 0);
		const origError = console.error;
		console.error = () => {};
		cleanup.push(() => (console.error = origError));
		const append = store.appendUpdates;
		store.appendUpdates = async () => {
			throw new Error('disk full');
		};
		for (const u of clientEdits(3, client).updates) room.applyPeerUpdate(a, u);
		await waitFor(() => room.pending === 3);
		const answered = fromMessages(room.storedStateMessages()!);
		same(answered, room.doc);
		expect(answered.getMap('members').size).toBe(9);
		store.appendUpdates = append;
		await waitFor(() => room.pending === 0);
		rooms.release(room);
	});

	it('the room keeps no copy of its stored bytes: they are read again when a new device asks', async () => {
		// V8 counts buffers as external memory, and each 64 MiB more of it starts a full
		// collection that marks the heap in steps on the event loop (docs/BENCHMARKS.md).
		v8.setFlagsFromString('--expose-gc');
		const collect = vm.runInNewContext('gc') as () => void;
		// Buffers are freed by a sweep that runs after the collection, on another thread.
		const arrayBuffers = async () => {
			for (let i = 0; i < 3; i++) {
				collect();
				await new Promise((r) => setTimeout(r, 20));
			}
			return process.memoryUsage().arrayBuffers;
		};
		const { store } = await setup();
		const { update } = bigRegistry(6000);
		const [seq] = await store.appendUpdates([{ room: REGISTRY, update, userId: null, at: 1 }]);
		const merged = await store.snapshotFromLog(REGISTRY, seq);
		expect(merged!.bytes).toBeGreaterThan(1_500_000);
		const { Room } = await import('../../server/rooms');
		const before = await arrayBuffers();
		const room = await Room.load({
			name: REGISTRY,
			store,
			tuning: { snapshotEvery: 500, idleMs: 60_000, retryMs: 50 }
		});
		cleanup.push(() => room.destroy());
		expect((await arrayBuffers()) - before).toBeLessThan(merged!.bytes / 4);
		same(fromMessages(room.storedStateMessages()!), room.doc);
	});
});

describe('cold load in parts', () => {
	it('[R5] a snapshot is stored in parts; a room is built a part per event-loop turn and greets peers from the stored bytes meanwhile', async () => {
		const { store, peer } = await setup();
		const { doc, update } = bigRegistry(6000);
		const [seq] = await store.appendUpdates([{ room: REGISTRY, update, userId: null, at: 1 }]);
		const merged = await store.snapshotFromLog(REGISTRY, seq);
		const { parts } = (await store.loadRoom(REGISTRY)).snapshot!;
		expect(merged!.parts).toBe(parts.length);
		expect(merged!.bytes).toBe(parts.reduce((n, p) => n + p.byteLength, 0));
		expect(parts.length).toBeGreaterThan(2);
		for (const p of parts) expect(p.byteLength).toBeLessThan(1024 * 1024 + 4096);

		const { Room } = await import('../../server/rooms');
		const room = await Room.open({
			name: REGISTRY,
			store,
			tuning: { snapshotEvery: 500, idleMs: 60_000, retryMs: 50 }
		});
		cleanup.push(() => room.destroy());
		expect(room.built).toBe(false);
		let turns = 0;
		const tick = () => {
			if (room.built) return;
			turns++;
			setImmediate(tick);
		};
		setImmediate(tick);
		// Greeted before the doc is built: step 1 with the stored state vector [R1].
		const a = peer(1);
		expect(room.greetEarly(a)).toBe(true);
		const d = decoding.createDecoder(a.received[0]);
		expect(decoding.readVarUint(d)).toBe(MESSAGE.sync);
		expect(decoding.readVarUint(d)).toBe(syncProtocol.messageYjsSyncStep1);
		expect(Y.decodeStateVector(decoding.readVarUint8Array(d))).toEqual(
			Y.decodeStateVector(Y.encodeStateVector(doc))
		);
		// ...and a new device gets the whole stored state without the doc.
		const fresh = fromMessages(room.storedStateMessages()!);
		expect(fresh.getMap('members').toJSON()).toEqual(doc.getMap('members').toJSON());
		await room.whenBuilt;
		// Other work ran between the parts: the event loop was not held for the whole build.
		expect(turns).toBeGreaterThanOrEqual(parts.length - 1);
		expect(room.doc.getMap('members').toJSON()).toEqual(doc.getMap('members').toJSON());
	});

	it('[R5][R1] over the wire: a cold room answers a new device at once and applies its early update after the build', async () => {
		const dataDir = tempDir();
		cleanup.push(() => removeDir(dataDir));
		const first = await startTestServer({ dataDir });
		const admin = await loginAdmin(first);
		const a = await connect(first, admin);
		const { doc: big } = bigRegistry(6000);
		Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(big));
		await waitFor(() => a.acks.some((k) => (k.get(big.clientID) ?? 0) > 0), { timeout: 20_000 });
		a.destroy();
		await first.close(); // the last peer left: a snapshot in parts was written
		const second = await startTestServer({ dataDir });
		cleanup.push(() => second.close());
		const cookie = await loginAdmin(second);
		const mine = new Y.Doc();
		const id = addRow(new Y.Doc(), newRowId());
		mine.transact(() => {
			const row = new Y.Map<unknown>();
			row.set('name', 'Sent before the build');
			mine.getMap('members').set(id, row);
		});
		const raw = await openRaw(second, cookie, {
			onOpen: (ws) => {
				ws.send(syncMessage(syncProtocol.messageYjsSyncStep1, Y.encodeStateVector(new Y.Doc())));
				ws.send(syncMessage(syncProtocol.messageYjsUpdate, Y.encodeStateAsUpdate(mine)));
			}
		});
		cleanup.push(() => raw.ws.close());
		await raw.next((m) => m[0] === MESSAGE.ack, 20_000);
		const kinds = raw.messages.filter((m) => m[0] === MESSAGE.sync).map((m) => m[1]);
		expect(kinds[0]).toBe(syncProtocol.messageYjsSyncStep1);
		expect(kinds.filter((k) => k === syncProtocol.messageYjsUpdate).length).toBeGreaterThan(2);
		const room = second.app.rooms.get(REGISTRY)!;
		expect((room.doc.getMap('members').get(id) as Y.Map<unknown>).get('name')).toBe(
			'Sent before the build'
		);
		expect(room.doc.getMap('members').size).toBe(6001);
	});
});

describe("the store's background thread", () => {
	/** The nice value of each thread of this process (Linux: /proc/self/task/<tid>/stat). */
	function threadNice(): Map<number, number> {
		const out = new Map<number, number>();
		for (const tid of fs.readdirSync('/proc/self/task')) {
			let stat: string;
			try {
				stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
			} catch {
				continue; // the thread has ended since the listing
			}
			// After "pid (comm) ": state is field 3; nice is field 19.
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			out.set(Number(tid), Number(fields[16]));
		}
		return out;
	}

	it.skipIf(process.platform !== 'linux')(
		'runs at the lowest CPU priority, so its jobs never take the CPU from the event loop',
		async () => {
			const before = new Set(threadNice().keys());
			const { store } = await setup();
			await store.checkpoint(); // a job: the thread has started and set its priority
			const started = [...threadNice()].filter(([tid]) => !before.has(tid));
			expect(started.filter(([, nice]) => nice === 19).length).toBeGreaterThanOrEqual(1);
			// Only that thread: the event loop's stays where it was.
			expect(threadNice().get(process.pid)).toBe(os.getPriority(0));
		}
	);
});

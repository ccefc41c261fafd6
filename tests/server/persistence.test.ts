import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { MESSAGE } from '../../src/lib/domain/protocol';
import { newRowId } from '../../src/lib/domain/text';
import { DB_FILE, JOURNAL_FILE } from '../../server/store/sqlite';
import { readJournal } from '../../server/store/journal';
import {
	addRow,
	canonical,
	connect,
	createUser,
	docFromLog,
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
	type Client,
	type TestServer
} from './helpers';

const cleanup: (() => Promise<void> | void)[] = [];

afterEach(async () => {
	for (const fn of cleanup.splice(0).reverse()) await fn();
	vi.restoreAllMocks();
});

async function server(opts: Parameters<typeof startTestServer>[0] = {}) {
	const s = await startTestServer(opts);
	cleanup.push(() => s.close());
	return s;
}

function track(c: Client): Client {
	cleanup.push(() => c.destroy());
	return c;
}

function snapshotRow(s: TestServer) {
	const db = new Database(path.join(s.dataDir, DB_FILE), { readonly: true });
	try {
		return db
			.prepare('SELECT up_to_seq AS upToSeq, state FROM room_snapshots WHERE room = ?')
			.get(REGISTRY) as { upToSeq: number; state: Buffer } | undefined;
	} finally {
		db.close();
	}
}

describe('persistence', () => {
	it('[P3] data survives a restart on the same data directory', async () => {
		const dataDir = tempDir();
		cleanup.push(() => removeDir(dataDir));
		const first = await startTestServer({ dataDir });
		const admin = await loginAdmin(first);
		const staff = await createUser(first, admin, ['staff'], 'persist-staff');
		const a = await connect(first, staff.cookie);
		const id = addRow(a.doc, newRowId(), { name: 'Survivor', status: 'active' });
		await waitFor(() => first.app.rooms.get(REGISTRY)?.doc.getMap('members').has(id));
		await first.app.rooms.withRoom(REGISTRY, (room) =>
			room.transactAsServer((doc) =>
				(doc.getMap('members').get(id) as Y.Map<unknown>).set('memberNo', 1)
			)
		);
		await waitFor(() => a.acks.length > 0 && a.members().get(id)?.get('memberNo') === 1);
		const before = canonical(membersJson(a.doc));
		a.destroy();
		await first.close();

		const second = await server({ dataDir });
		const cookie = await loginAdmin(second);
		const fresh = track(await connect(second, cookie));
		expect(canonical(membersJson(fresh.doc))).toBe(before);
		// Users and sessions survive too.
		expect(
			(await fetch(second.url + '/api/session', { headers: { cookie: staff.cookie } })).status
		).toBe(200);
	});

	it('[R1] the room is loaded before the first sync message; early messages wait', async () => {
		const dataDir = tempDir();
		cleanup.push(() => removeDir(dataDir));
		const first = await startTestServer({ dataDir });
		const admin = await loginAdmin(first);
		const a = await connect(first, admin);
		const ids = Array.from({ length: 20 }, () => addRow(a.doc, newRowId(), { name: 'Loaded' }));
		await waitFor(() => readLog(first).length >= 21);
		a.destroy();
		await first.close();

		const second = await server({ dataDir });
		const cookie = await loginAdmin(second);
		expect(second.app.rooms.get(REGISTRY)).toBeUndefined();
		// Ask for everything the moment the socket opens, before the room can be loaded.
		const raw = await openRaw(second, cookie, {
			onOpen: (ws) =>
				ws.send(syncMessage(syncProtocol.messageYjsSyncStep1, Y.encodeStateVector(new Y.Doc())))
		});
		const first2 = await raw.next(() => true);
		const dec = decoding.createDecoder(first2);
		expect(decoding.readVarUint(dec)).toBe(MESSAGE.sync);
		expect(decoding.readVarUint(dec)).toBe(syncProtocol.messageYjsSyncStep1);
		expect(Y.decodeStateVector(decoding.readVarUint8Array(dec)).size).toBeGreaterThan(0);
		await raw.next((m) => m[0] === MESSAGE.sync && m[1] === syncProtocol.messageYjsSyncStep2);
		// The stored state may come as updates before the step 2 [R4]: apply all of them.
		const doc = new Y.Doc();
		for (const m of raw.messages) {
			if (m[0] !== MESSAGE.sync || m[1] === syncProtocol.messageYjsSyncStep1) continue;
			const d2 = decoding.createDecoder(m);
			decoding.readVarUint(d2);
			decoding.readVarUint(d2);
			Y.applyUpdate(doc, decoding.readVarUint8Array(d2));
		}
		for (const id of ids) expect(doc.getMap('members').has(id)).toBe(true);
		raw.ws.close();
	});

	it('[R3] snapshots every N updates and when the last peer leaves; the log is kept; idle rooms unload', async () => {
		const s = await server({ tuning: { snapshotEvery: 5, roomIdleMs: 150 } });
		const admin = await loginAdmin(s);
		const a = await connect(s, admin);
		for (let i = 0; i < 12; i++) addRow(a.doc, newRowId(), { name: `Row ${i}` });
		await waitFor(() => readLog(s).length >= 13);
		await waitFor(() => (snapshotRow(s)?.upToSeq ?? 0) >= 5);
		const state = canonical(membersJson(a.doc));
		a.destroy();
		await waitFor(() => snapshotRow(s)?.upToSeq === readLog(s).at(-1)!.seq, {
			what: 'snapshot on leave'
		});
		// The snapshot did not delete any log rows: the log alone still rebuilds everything.
		expect(readLog(s).length).toBeGreaterThanOrEqual(13);
		expect(canonical(membersJson(docFromLog(s)))).toBe(state);
		await waitFor(() => s.app.rooms.get(REGISTRY) === undefined, { what: 'unload' });
		// Snapshot + later rows reload to the same state.
		const b = track(await connect(s, admin));
		expect(canonical(membersJson(b.doc))).toBe(state);
	});

	it('[P2] a failing store keeps the change in memory, broadcasts it, and stores and ACKs it later', async () => {
		const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
		const s = await server({ tuning: { storeRetryMs: 50 } });
		const admin = await loginAdmin(s);
		const staff = await createUser(s, admin, ['staff']);
		const a = track(await connect(s, admin));
		const b = track(await connect(s, staff.cookie));
		await waitFor(() => a.acks.length > 0);

		// The disk is full: the update journal, where a change is stored first, is
		// /dev/full (every write fails with ENOSPC). The store keeps the journal open and
		// opens it afresh once it finds another file at its path, after emptying it into
		// the database: the change made meanwhile still goes into the old file.
		const journal = path.join(s.dataDir, JOURNAL_FILE);
		await waitFor(() => fs.statSync(journal).size === 0, { what: 'the journal emptied' });
		fs.rmSync(journal);
		fs.symlinkSync('/dev/full', journal);
		cleanup.push(() => fs.rmSync(journal, { force: true }));
		const stored = readLog(s).length;
		const first = addRow(a.doc, newRowId(), { name: 'Before the disk filled' });
		await waitFor(() => readLog(s).length > stored, { what: 'moved into the table' });
		expect(b.members().has(first)).toBe(true);
		const logBefore = readLog(s).length;
		const acksBefore = a.acks.length;
		const id = addRow(a.doc, newRowId(), { name: 'Kept in memory' });
		await waitFor(() => b.members().has(id), { what: 'broadcast despite the failure' });
		await waitFor(() => errors.mock.calls.length > 0);
		expect(String(errors.mock.calls[0][0])).toMatch(/could not store/);
		expect(String(errors.mock.calls[0][1])).toMatch(/ENOSPC/);
		const room = s.app.rooms.get(REGISTRY)!;
		expect(room.pending).toBeGreaterThan(0);
		expect(room.doc.getMap('members').has(id)).toBe(true);
		expect(a.acks.length).toBe(acksBefore);
		// A second change while the store is down waits behind the first.
		a.members().get(id)!.set('region', 'Queued');
		await waitFor(() => b.members().get(id)?.get('region') === 'Queued');
		expect(readLog(s).length).toBe(logBefore);

		fs.rmSync(journal);
		await waitFor(() => room.pending === 0, { what: 'retry' });
		await waitFor(() => a.acks.length > acksBefore, { what: 'late ACK' });
		const ack = a.acks.at(-1)!;
		expect(ack.get(a.doc.clientID)).toBe(Y.getState(a.doc.store, a.doc.clientID));
		expect(readLog(s).length).toBe(logBefore + 2);
		const fromLog = docFromLog(s).getMap('members').get(id) as Y.Map<unknown>;
		expect(fromLog.toJSON()).toEqual({ name: 'Kept in memory', region: 'Queued' });
		// The server is still healthy.
		expect((await fetch(s.url + '/healthz')).status).toBe(200);
	});

	it('[P1][P4] a locked database does not hold up an edit: stored in the journal and ACKed, it moves into the table once the lock is gone', async () => {
		const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
		const s = await server({ tuning: { sqliteBusyTimeoutMs: 0 } });
		const admin = await loginAdmin(s);
		const staff = await createUser(s, admin, ['staff']);
		const a = track(await connect(s, admin));
		const b = track(await connect(s, staff.cookie));
		await waitFor(() => a.acks.length > 0);

		// Another connection holds the database's write lock.
		const locker = new Database(path.join(s.dataDir, DB_FILE));
		locker.exec('BEGIN IMMEDIATE');
		cleanup.push(() => {
			if (locker.inTransaction) locker.exec('ROLLBACK');
			locker.close();
		});
		const tableRows = () =>
			locker
				.prepare('SELECT count(*) FROM room_updates WHERE room = ?')
				.pluck()
				.get(REGISTRY) as number;
		const inTable = tableRows();
		const acksBefore = a.acks.length;
		const id = addRow(a.doc, newRowId(), { name: 'In the journal' });
		await waitFor(() => b.members().has(id), { what: 'broadcast' });
		await waitFor(() => a.acks.length > acksBefore, { what: 'ACK' });
		expect(s.app.rooms.get(REGISTRY)!.pending).toBe(0);
		// Moving it into the table failed and is retried; it is on disk all the while.
		await waitFor(() => errors.mock.calls.length > 0, { what: 'the failed move' });
		expect(String(errors.mock.calls[0][0])).toMatch(/safe there and retried/);
		expect(tableRows()).toBe(inTable);
		const journaled = readJournal(path.join(s.dataDir, JOURNAL_FILE)).records;
		expect(journaled.length).toBeGreaterThan(0);
		expect(journaled.every((r) => r.room === REGISTRY)).toBe(true);

		locker.exec('COMMIT');
		await waitFor(() => tableRows() === inTable + journaled.length, {
			what: 'the journal moved into the table',
			timeout: 5000
		});
		const seqs = new Set(locker.prepare('SELECT seq FROM room_updates').pluck().all() as number[]);
		expect(journaled.every((r) => seqs.has(r.seq))).toBe(true);
		const fromLog = docFromLog(s).getMap('members').get(id) as Y.Map<unknown>;
		expect(fromLog.toJSON()).toEqual({ name: 'In the journal' });
	});
});

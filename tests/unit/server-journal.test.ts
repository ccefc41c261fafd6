/**
 * The update journal in front of the log table ([P1], [P4]; server/store/journal.ts): a
 * real SqliteStore in a temp dir. A "crash" is a copy of the data directory's files taken
 * while the store runs, opened as a restarted server would open them.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import {
	decodeRecords,
	encodeRecords,
	readJournal,
	type JournalRecord
} from '../../server/store/journal';
import { DataDirInUseError, LOCK_FILE } from '../../server/store/lock';
import { DB_FILE, JOURNAL_FILE, SqliteStore } from '../../server/store/sqlite';
import { crashImage as crashImageOf, removeDir, tempDir } from '../server/helpers';

const dirs: string[] = [];
const stores: SqliteStore[] = [];

function open(dir: string, opts: { journalMs?: number; busyTimeoutMs?: number } = {}) {
	if (!dirs.includes(dir)) dirs.push(dir);
	const s = new SqliteStore({ dataDir: dir, ...opts });
	stores.push(s);
	return s;
}

/** A new store with users 1 and 2 (the log's user ids refer to them). */
async function fresh(opts: { journalMs?: number; busyTimeoutMs?: number } = {}) {
	const dir = tempDir();
	const store = open(dir, opts);
	await store.ensureOrg('default');
	for (const username of ['ava', 'bahram']) {
		await store.createUser({ org: 'default', username, passwordHash: 'x', roles: ['staff'] });
	}
	return { dir, store };
}

afterEach(async () => {
	for (const s of stores.splice(0)) await s.close();
	for (const d of dirs.splice(0)) removeDir(d);
	vi.restoreAllMocks();
});

const ROOM = 'default/registry';

/** Updates of a doc, one per change. */
function edits(n: number, doc = new Y.Doc(), from = 0) {
	const updates: Uint8Array[] = [];
	doc.on('update', (u: Uint8Array) => updates.push(u));
	for (let i = from; i < from + n; i++) doc.getMap('members').set(`row-${i}`, `名 ${i} نام`);
	return { doc, updates };
}

/** A crash image (tests/server/helpers.ts), removed after the test. */
function crashImage(dir: string): string {
	const image = crashImageOf(dir);
	dirs.push(image);
	return image;
}

function tableSeqs(dir: string): number[] {
	const db = new Database(path.join(dir, DB_FILE), { readonly: true });
	try {
		return db.prepare('SELECT seq FROM room_updates ORDER BY seq').pluck().all() as number[];
	} finally {
		db.close();
	}
}

/** A command whose doc change is `update`, as the server records an approval. */
const command = (update: Uint8Array, at: number) => ({
	org: 'default',
	id: 'c1',
	type: 't',
	userId: 1,
	body: '{}',
	at,
	result: () => ({}),
	updates: () => [{ room: ROOM, update, userId: null, at }]
});

/** `updates` as one append's log rows. */
const rows = (updates: Uint8Array[], userId: number | null = 1, at = 5) =>
	updates.map((update) => ({ room: ROOM, update, userId, at }));

const record = (seq: number, over: Partial<JournalRecord> = {}): JournalRecord => ({
	seq,
	room: ROOM,
	update: new Uint8Array([seq, 1, 2, 3]),
	userId: 7,
	at: 1_700_000_000_000 + seq,
	...over
});

describe('update journal records', () => {
	it('read back as written, the server (no user) and rooms of any name included', () => {
		const rs = [
			record(1),
			record(2, { userId: null, room: 'انجمن/registry' }),
			record(3, { update: new Uint8Array(70_000).fill(9) })
		];
		const { records, validBytes } = decodeRecords(encodeRecords(rs));
		expect(records).toEqual(rs);
		expect(validBytes).toBe(encodeRecords(rs).length);
	});

	it('stop at a batch cut short or damaged: the batches before it are kept, a batch is never kept in part', () => {
		const first = encodeRecords([record(1), record(2)]);
		const second = encodeRecords([record(3), record(4)]);
		const whole = Buffer.concat([first, second]);
		expect(decodeRecords(whole).records.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
		// Cut in its last record: the whole second batch goes, with its whole first record.
		const cut = decodeRecords(whole.subarray(0, whole.length - 3));
		expect(cut.records.map((r) => r.seq)).toEqual([1, 2]);
		expect(cut.validBytes).toBe(first.length);
		const damaged = Buffer.from(whole);
		damaged[first.length + 20] ^= 0xff;
		expect(decodeRecords(damaged).records.map((r) => r.seq)).toEqual([1, 2]);
		// Nothing but zeros (a file extended and never written): no record.
		expect(decodeRecords(Buffer.alloc(64)).records).toEqual([]);
	});
});

describe('SqliteStore with its update journal', () => {
	it('[P1] a stored change is in the journal when append returns, and moves into the table in one batch', async () => {
		const { dir, store } = await fresh({ journalMs: 60_000 });
		const { updates } = edits(5);
		const seqs = [];
		for (const u of updates) seqs.push(...(await store.appendUpdates(rows([u]))));
		expect(seqs).toEqual([1, 2, 3, 4, 5]);
		expect(readJournal(path.join(dir, JOURNAL_FILE)).records.map((r) => r.seq)).toEqual(seqs);
		expect(tableSeqs(dir)).toEqual([]);
		// A read brings the table up to date first, and empties the journal.
		const loaded = await store.loadRoom(ROOM);
		expect(loaded.updates.map((u) => u.seq)).toEqual(seqs);
		expect(tableSeqs(dir)).toEqual(seqs);
		expect(fs.statSync(path.join(dir, JOURNAL_FILE)).size).toBe(0);
	});

	it('[P3] after a crash, the restarted store moves what the journal held into the table, once', async () => {
		const { dir, store } = await fresh({ journalMs: 60_000 });
		const doc = new Y.Doc();
		const { updates } = edits(6, doc);
		await store.appendUpdates(rows(updates.slice(0, 3)));
		await store.loadRoom(ROOM); // the first three in the table
		await store.appendUpdates(rows(updates.slice(3), null, 6));
		const image = crashImage(dir);
		expect(tableSeqs(image)).toEqual([1, 2, 3]);

		const restarted = open(image);
		const loaded = await restarted.loadRoom(ROOM);
		expect(loaded.updates.map((u) => [u.seq, u.userId, u.at])).toEqual([
			[1, 1, 5],
			[2, 1, 5],
			[3, 1, 5],
			[4, null, 6],
			[5, null, 6],
			[6, null, 6]
		]);
		const rebuilt = new Y.Doc();
		for (const u of loaded.updates) Y.applyUpdate(rebuilt, u.update);
		expect(rebuilt.getMap('members').toJSON()).toEqual(doc.getMap('members').toJSON());
		expect(fs.statSync(path.join(image, JOURNAL_FILE)).size).toBe(0);
		// The next change follows them.
		expect(await restarted.appendUpdates(rows([updates[0]], 1, 7))).toEqual([7]);
	});

	it('[P3] a journal left whole after its changes reached the table (a crash between the two) inserts nothing twice', async () => {
		const { dir, store } = await fresh({ journalMs: 60_000 });
		const { updates } = edits(4);
		await store.appendUpdates(rows(updates));
		const journal = fs.readFileSync(path.join(dir, JOURNAL_FILE));
		await store.loadRoom(ROOM);
		const image = crashImage(dir);
		fs.writeFileSync(path.join(image, JOURNAL_FILE), journal);
		const restarted = open(image);
		expect((await restarted.loadRoom(ROOM)).updates.map((u) => u.seq)).toEqual([1, 2, 3, 4]);
		expect(tableSeqs(image)).toEqual([1, 2, 3, 4]);
	});

	it('[P3] an append cut off in the middle of its write is dropped with a warning; the ones before it are kept', async () => {
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
		const { dir, store } = await fresh({ journalMs: 60_000 });
		const { updates } = edits(3);
		// Two appends: the second one's write is cut off.
		await store.appendUpdates(rows(updates.slice(0, 2)));
		await store.appendUpdates(rows([updates[2]]));
		const image = crashImage(dir);
		const file = path.join(image, JOURNAL_FILE);
		fs.truncateSync(file, fs.statSync(file).size - 2);
		const restarted = open(image);
		expect((await restarted.loadRoom(ROOM)).updates.map((u) => u.seq)).toEqual([1, 2]);
		expect(String(warn.mock.calls[0][0])).toMatch(/never acknowledged/);
		expect(await restarted.appendUpdates(rows([updates[2]], 1, 6))).toEqual([3]);
	});

	it('[P2] while the table is locked, reads still see the journaled changes; they move in once the lock is gone', async () => {
		const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
		const { dir, store } = await fresh({ journalMs: 10, busyTimeoutMs: 0 });
		const { updates } = edits(4);
		await store.appendUpdates(rows([updates[0]]));
		await store.loadRoom(ROOM);
		const locker = new Database(path.join(dir, DB_FILE));
		locker.exec('BEGIN IMMEDIATE');
		try {
			await store.appendUpdates(rows(updates.slice(1), 2, 6));
			await vi.waitFor(() => expect(errors).toHaveBeenCalled());
			expect(String(errors.mock.calls[0][0])).toMatch(/safe there and retried/);
			expect((await store.loadRoom(ROOM)).updates.map((u) => u.seq)).toEqual([1, 2, 3, 4]);
			expect((await store.listUpdates(ROOM, { afterSeq: 1, limit: 2 })).map((u) => u.seq)).toEqual([
				2, 3
			]);
			expect(await store.history.lastLogSeq(ROOM)).toBe(4);
			expect(await store.history.lastLogSeq('other/registry')).toBe(0);
			// A command must write the table itself: it fails, and takes no seq.
			await expect(store.recordCommand(command(updates[0], 7))).rejects.toThrow();
		} finally {
			locker.exec('ROLLBACK');
			locker.close();
		}
		// The retry (1 s after the first failure) moves them.
		await vi.waitFor(() => expect(tableSeqs(dir)).toEqual([1, 2, 3, 4]), { timeout: 5000 });
		const cmd = await store.recordCommand(command(updates[0], 7));
		expect(cmd.seqs).toEqual([5]);
	});

	it('[P1] many waiting changes move into the table at once, not on the timer', async () => {
		const { dir, store } = await fresh({ journalMs: 60_000 });
		const { updates } = edits(600);
		await store.appendUpdates(rows(updates));
		await vi.waitFor(() => expect(tableSeqs(dir)).toHaveLength(600));
		expect(fs.statSync(path.join(dir, JOURNAL_FILE)).size).toBe(0);
	});

	it('[P4] a command after journaled changes keeps the table in seq order', async () => {
		const { dir, store } = await fresh({ journalMs: 60_000 });
		const { updates } = edits(3);
		await store.appendUpdates(rows(updates.slice(0, 2)));
		const cmd = await store.recordCommand(command(updates[2], 6));
		expect(cmd.seqs).toEqual([3]);
		expect(tableSeqs(dir)).toEqual([1, 2, 3]);
		expect(await store.appendUpdates(rows([updates[0]], 1, 7))).toEqual([4]);
	});

	it('[P3] a clean close leaves nothing in the journal', async () => {
		const { dir, store } = await fresh({ journalMs: 60_000 });
		const { updates } = edits(2);
		await store.appendUpdates(rows(updates));
		await store.close();
		stores.splice(stores.indexOf(store), 1);
		expect(fs.statSync(path.join(dir, JOURNAL_FILE)).size).toBe(0);
		expect(tableSeqs(dir)).toEqual([1, 2]);
	});
});

describe('one server process per data directory', () => {
	const lockOf = (dir: string) => path.join(dir, LOCK_FILE);

	it('a second store on a directory in use is refused, saying what to do; the first goes on', async () => {
		const { dir, store } = await fresh();
		const { updates } = edits(3);
		await store.appendUpdates(rows(updates.slice(0, 2)));
		expect(fs.readFileSync(lockOf(dir), 'utf8').trim()).toBe(String(process.pid));
		let refused: unknown = null;
		try {
			open(dir);
		} catch (e) {
			refused = e;
		}
		expect(refused).toBeInstanceOf(DataDirInUseError);
		const message = (refused as Error).message;
		expect(message).toContain(dir);
		expect(message).toContain(`process ${process.pid}`);
		expect(message).toMatch(/Stop that server first, or set DATA_DIR/);
		expect(message).toContain(lockOf(dir));
		// The refused one touched nothing: the first still appends, in seq order.
		expect(await store.appendUpdates(rows(updates.slice(2)))).toEqual([3]);
		await store.close();
		stores.splice(stores.indexOf(store), 1);
		expect(fs.existsSync(lockOf(dir))).toBe(false);
		// Closed: the directory is free again, and holds everything.
		const again = open(dir);
		expect((await again.loadRoom(ROOM)).updates.map((u) => u.seq)).toEqual([1, 2, 3]);
	});

	it('a lock held by another running process is refused; once that process is gone it is taken over', async () => {
		const dir = tempDir();
		dirs.push(dir);
		const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {
			stdio: 'ignore'
		});
		try {
			fs.writeFileSync(lockOf(dir), `${other.pid}\n`);
			expect(() => open(dir)).toThrow(`process ${other.pid}`);
		} finally {
			other.kill();
			await new Promise((r) => other.once('exit', r));
		}
		const store = open(dir);
		await store.ensureOrg('default');
		expect(fs.readFileSync(lockOf(dir), 'utf8').trim()).toBe(String(process.pid));
	});

	it('a lock cut short (the process died while writing it) is taken over', async () => {
		const dir = tempDir();
		dirs.push(dir);
		fs.writeFileSync(lockOf(dir), '');
		open(dir);
		expect(fs.readFileSync(lockOf(dir), 'utf8').trim()).toBe(String(process.pid));
	});
});

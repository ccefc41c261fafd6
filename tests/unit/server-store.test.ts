import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DB_FILE, SqliteStore, STORE_SCHEMA_VERSION } from '../../server/store/sqlite';
import { UsernameTakenError } from '../../server/store/types';
import { removeDir, tempDir } from '../server/helpers';

const dirs: string[] = [];
const stores: SqliteStore[] = [];

function open(dir = tempDir()) {
	if (!dirs.includes(dir)) dirs.push(dir);
	const s = new SqliteStore({ dataDir: dir });
	stores.push(s);
	return { store: s, dir };
}

afterEach(async () => {
	for (const s of stores.splice(0)) await s.close();
	for (const d of dirs.splice(0)) removeDir(d);
});

/** Updates of a doc, one per change, as the server would log them. */
function edits(n: number, doc = new Y.Doc()) {
	const updates: Uint8Array[] = [];
	doc.on('update', (u: Uint8Array) => updates.push(u));
	for (let i = 0; i < n; i++) doc.getMap('members').set(`row-${String(i).padStart(4, '0')}`, i);
	return { doc, updates };
}

function rebuild(loaded: {
	snapshot: { parts: Uint8Array[] } | null;
	updates: { update: Uint8Array }[];
}) {
	const doc = new Y.Doc();
	for (const p of loaded.snapshot?.parts ?? []) Y.applyUpdate(doc, p);
	for (const u of loaded.updates) Y.applyUpdate(doc, u.update);
	return doc;
}

describe('SqliteStore: room log and snapshots', () => {
	it('creates the data dir and the schema (user_version), with WAL', async () => {
		const dir = path.join(tempDir(), 'nested', 'data');
		dirs.push(path.dirname(path.dirname(dir)));
		const { store } = open(dir);
		await store.ping();
		const db = new Database(path.join(dir, DB_FILE), { readonly: true });
		expect(db.pragma('user_version', { simple: true })).toBe(STORE_SCHEMA_VERSION);
		expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
		db.close();
	});

	it('appends updates with increasing seq and loads them in order', async () => {
		const { store } = open();
		const { doc, updates } = edits(5);
		const seqs = [];
		for (const u of updates)
			seqs.push(
				await store.appendUpdate({ room: 'default/registry', update: u, userId: null, at: 1 })
			);
		await store.appendUpdate({ room: 'default/ledger', update: updates[0], userId: null, at: 1 });
		expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
		const loaded = await store.loadRoom('default/registry');
		expect(loaded.snapshot).toBeNull();
		expect(loaded.updates.map((u) => u.seq)).toEqual(seqs);
		expect(rebuild(loaded).getMap('members').toJSON()).toEqual(doc.getMap('members').toJSON());
		expect((await store.loadRoom('default/nothing')).updates).toEqual([]);
	});

	it('snapshot + later updates reload to the same state, and the log is kept', async () => {
		const { store, dir } = open();
		const { doc, updates } = edits(30);
		const room = 'default/registry';
		let seq = 0;
		for (const u of updates.slice(0, 20))
			seq = await store.appendUpdate({ room, update: u, userId: null, at: 1 });
		const partial = new Y.Doc();
		for (const u of updates.slice(0, 20)) Y.applyUpdate(partial, u);
		await store.writeSnapshot({ room, state: Y.encodeStateAsUpdate(partial), upToSeq: seq });
		for (const u of updates.slice(20))
			await store.appendUpdate({ room, update: u, userId: null, at: 2 });

		const loaded = await store.loadRoom(room);
		expect(loaded.snapshot?.upToSeq).toBe(seq);
		expect(loaded.updates).toHaveLength(10);
		expect(rebuild(loaded).getMap('members').toJSON()).toEqual(doc.getMap('members').toJSON());
		expect(await store.listUpdates(room)).toHaveLength(30);

		// Same after reopening the file.
		await store.close();
		const again = open(dir).store;
		expect(
			rebuild(await again.loadRoom(room))
				.getMap('members')
				.toJSON()
		).toEqual(doc.getMap('members').toJSON());
		expect(await again.listUpdates(room)).toHaveLength(30);
	});

	it('never replaces a snapshot with an older one', async () => {
		const { store } = open();
		const room = 'default/registry';
		await store.writeSnapshot({ room, state: new Uint8Array([0, 0]), upToSeq: 10 });
		await store.writeSnapshot({ room, state: new Uint8Array([0, 0]), upToSeq: 5 });
		expect((await store.loadRoom(room)).snapshot?.upToSeq).toBe(10);
	});
});

describe('SqliteStore: users, sessions, orgs, member numbers', () => {
	it('creates users with unique case-insensitive names and updates them', async () => {
		const { store } = open();
		await store.ensureOrg('default');
		await store.ensureOrg('default');
		expect(await store.listOrgs()).toEqual(['default']);
		const u = await store.createUser({
			org: 'default',
			username: 'Alice',
			passwordHash: 'h',
			roles: ['staff']
		});
		expect(u).toMatchObject({
			username: 'Alice',
			displayName: null,
			roles: ['staff'],
			disabled: false
		});
		await expect(
			store.createUser({ org: 'default', username: 'alice', passwordHash: 'h', roles: ['staff'] })
		).rejects.toBeInstanceOf(UsernameTakenError);
		expect((await store.getUserByName('ALICE'))?.id).toBe(u.id);
		const updated = await store.updateUser(u.id, {
			roles: ['board', 'finance'],
			disabled: true,
			displayName: 'A.'
		});
		expect(updated).toMatchObject({
			roles: ['board', 'finance'],
			disabled: true,
			displayName: 'A.'
		});
		expect(await store.updateUser(9999, { disabled: true })).toBeNull();
		expect(await store.countUsers()).toBe(1);
		expect((await store.listUsers('default')).map((x) => x.username)).toEqual(['Alice']);
	});

	it('keeps sessions by token hash with expiry', async () => {
		const { store } = open();
		await store.ensureOrg('default');
		const u = await store.createUser({
			org: 'default',
			username: 'bob',
			passwordHash: 'h',
			roles: ['staff']
		});
		await store.createSession({
			tokenHash: 'a'.repeat(64),
			userId: u.id,
			createdAt: 0,
			expiresAt: 1000
		});
		await store.createSession({
			tokenHash: 'b'.repeat(64),
			userId: u.id,
			createdAt: 0,
			expiresAt: 5000
		});
		expect(await store.getValidSession('a'.repeat(64), 999)).not.toBeNull();
		expect(await store.getValidSession('a'.repeat(64), 1000)).toBeNull();
		expect(await store.deleteExpiredSessions(1000)).toBe(1);
		await store.deleteUserSessions(u.id, 'b'.repeat(64));
		expect(await store.getValidSession('b'.repeat(64), 0)).not.toBeNull();
		await store.deleteUserSessions(u.id);
		expect(await store.getValidSession('b'.repeat(64), 0)).toBeNull();
	});

	it('hands out member numbers 1, 2, 3 per organisation, never reused', async () => {
		const { store, dir } = open();
		await store.ensureOrg('default');
		await store.ensureOrg('other');
		expect([await store.nextMemberNo('default'), await store.nextMemberNo('default')]).toEqual([
			1, 2
		]);
		expect(await store.nextMemberNo('other')).toBe(1);
		await store.close();
		expect(await open(dir).store.nextMemberNo('default')).toBe(3);
	});

	it('[CMD4] records a command with its member number in one transaction, once per id', async () => {
		const { store } = open();
		await store.ensureOrg('default');
		const u = await store.createUser({
			org: 'default',
			username: 'ap',
			passwordHash: 'x',
			roles: ['approver']
		});
		const base = { org: 'default', type: 'approve', userId: u.id, body: '{}', at: 1 };
		const make = (n: number | null) => ({ memberNo: `TA-${n}` });
		// Many at once: every id gets its own number, no number twice.
		const recs = await Promise.all(
			Array.from({ length: 20 }, (_, i) =>
				store.recordCommand({ ...base, id: `c${i}`, result: make }, { allocateMemberNo: true })
			)
		);
		const numbers = recs.map((r) => r.memberNo);
		expect(new Set(numbers).size).toBe(20);
		expect(Math.max(...(numbers as number[]))).toBe(20);
		// A retry of a stored id answers the stored record and allocates nothing.
		const again = await store.recordCommand(
			{ ...base, id: 'c3', result: make },
			{ allocateMemberNo: true }
		);
		expect(again).toEqual(recs[3]);
		expect(await store.nextMemberNo('default')).toBe(21);
		expect((await store.getCommand('default', 'c3'))?.result).toEqual({
			memberNo: `TA-${recs[3].memberNo}`
		});
		expect(await store.getCommand('default', 'nope')).toBeNull();
		// A failing result maker rolls the number back.
		await expect(
			store.recordCommand(
				{
					...base,
					id: 'bad',
					result: () => {
						throw new Error('no');
					}
				},
				{ allocateMemberNo: true }
			)
		).rejects.toThrow('no');
		expect(await store.getCommand('default', 'bad')).toBeNull();
		expect(await store.nextMemberNo('default')).toBe(22);
	});
});

describe('SqliteStore: replaced survey links [SV4]', () => {
	const link = (tokenHash: string, createdAt: number) => ({
		tokenHash,
		org: 'default',
		campaignId: 'campaign00000001',
		memberId: 'member0000000001',
		language: 'en',
		createdAt,
		createdBy: null,
		revokedAt: null,
		usedAt: null
	});

	it('keeps a replaced link until its expiry; one from before expiries were kept stays', async () => {
		const first = open();
		await first.store.close();
		// The table as a server before expiries made it, with a link replaced then.
		const db = new Database(path.join(first.dir, DB_FILE));
		db.exec(`DROP TABLE survey_links_replaced;
			CREATE TABLE survey_links_replaced (token_hash TEXT PRIMARY KEY, replaced_at INTEGER NOT NULL);
			INSERT INTO survey_links_replaced VALUES ('older', 1);`);
		db.close();
		const { store } = open(first.dir);
		await store.putSurveyLinks([link('first', 10)]);
		await store.putSurveyLinks([link('second', 20)], 1000);
		await store.putSurveyLinks([link('third', 30)], 2000);
		expect(await store.deleteExpiredReplacedLinks(999)).toBe(0);
		expect(await store.deleteExpiredReplacedLinks(1000)).toBe(1);
		expect(await store.surveyLinkReplacedAt('first')).toBeNull();
		expect(await store.surveyLinkReplacedAt('second')).toBe(30);
		expect(await store.surveyLinkReplacedAt('older')).toBe(1);
		expect(await store.deleteExpiredReplacedLinks(Number.MAX_SAFE_INTEGER)).toBe(1);
		expect(await store.surveyLinkReplacedAt('older')).toBe(1);
		expect((await store.getSurveyLink('third'))?.createdAt).toBe(30);
	});
});

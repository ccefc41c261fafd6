/**
 * [CMD4] A command's member number, its doc change (the log row) and its record are
 * committed in ONE SQLite transaction, and the room's outbox knows that row is stored
 * [P5]. Real server on port 0, real SQLite in a temp dir; the store's group commit is
 * made to fail to stand for a server that stops before it runs, and a SQLite trigger
 * makes the command's transaction fail after the doc change.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Room, type Peer } from '../../server/rooms';
import { DB_FILE, SqliteStore } from '../../server/store/sqlite';
import { MESSAGE } from '../../src/lib/domain/protocol';
import { newRowId } from '../../src/lib/domain/text';
import {
	addRow,
	api,
	canonical,
	connect,
	crashImage,
	createUser,
	docFromLog,
	loginAdmin,
	readLog,
	REGISTRY,
	removeDir,
	startTestServer,
	tempDir,
	waitFor,
	type Client,
	type TestServer,
	type TestUser
} from './helpers';

let server: TestServer;
let staff: TestUser;
let approver: TestUser;
let client: Client;
let store: SqliteStore;
const realAppend = () => SqliteStore.prototype.appendUpdates;

const registry = () => server.app.rooms.get(REGISTRY)!.doc;
const command = (user: { cookie: string }, body: Record<string, unknown>) =>
	api(server, 'POST', '/api/default/commands', { cookie: user.cookie, body });

function sql<T>(fn: (db: Database.Database) => T): T {
	const db = new Database(path.join(server.dataDir, DB_FILE));
	try {
		return fn(db);
	} finally {
		db.close();
	}
}
const lastNo = () =>
	sql(
		(db) =>
			(db.prepare("SELECT last_no FROM member_numbers WHERE org = 'default'").pluck().get() as
				number | undefined) ?? 0
	);
const commandRow = (id: string) =>
	sql((db) => db.prepare('SELECT member_no, result FROM commands WHERE id = ?').get(id)) as
		{ member_no: number | null; result: string } | undefined;

/** A verified applicant, made by the staff client and moved with commands. */
async function verified(name: string): Promise<string> {
	const id = addRow(client.doc, newRowId(), { name, status: 'inquiry', language: 'en' });
	await waitFor(() => registry().getMap('members').has(id), { what: 'row on server' });
	for (const body of [
		{ type: 'move', rowId: id, to: 'applicant' },
		{
			type: 'verify',
			rowId: id,
			met: ['statutes', 'industry', 'registration', 'form'],
			note: 'licence seen'
		}
	]) {
		const r = await command(staff, { id: randomUUID(), ...body });
		expect(r.status, JSON.stringify(r.body)).toBe(200);
	}
	// Everything so far is in the log (the client's row came by the group commit).
	await waitFor(() => server.app.rooms.get(REGISTRY)!.pending === 0, { what: 'stored' });
	return id;
}

beforeAll(async () => {
	server = await startTestServer();
	store = server.app.store as SqliteStore;
	const admin = await loginAdmin(server);
	staff = await createUser(server, admin, ['staff']);
	approver = await createUser(server, admin, ['approver']);
	client = await connect(server, staff.cookie);
});

afterEach(() => {
	store.appendUpdates = realAppend();
});

afterAll(async () => {
	client.destroy();
	await server.close();
	removeDir(server.dataDir);
});

describe('a command and its doc change in one SQLite transaction', () => {
	it('[CMD4][J2] the approval is in the log when the answer comes, without the group commit', async () => {
		const id = await verified('Durable Approval Co');
		// From here the group commit fails: as if the server stopped before it ran.
		store.appendUpdates = async () => {
			throw new Error('the server stopped before its group commit (test)');
		};
		const cmd = {
			id: randomUUID(),
			type: 'approve',
			rowId: id,
			tier: 'regular',
			category: 'supplier'
		};
		const r = await command(approver, cmd);
		expect(r.status, JSON.stringify(r.body)).toBe(200);
		expect(commandRow(cmd.id)?.member_no).toBe(Number(r.body.memberNo));

		// The files as a crash now would leave them, opened as the restarted server would.
		const image = crashImage(server.dataDir);
		const reopened = new SqliteStore({ dataDir: image });
		try {
			const room = await Room.load({
				name: REGISTRY,
				store: reopened,
				tuning: { snapshotEvery: 500, idleMs: 60_000, retryMs: 50 }
			});
			const m = (room.doc.getMap('members').get(id) as Y.Map<unknown>).toJSON();
			expect(m).toMatchObject({
				status: 'active',
				memberNo: Number(r.body.memberNo),
				certificateNo: r.body.memberNo,
				approvedBy: approver.username,
				tier: 'regular',
				category: 'supplier'
			});
			expect((room.doc.getMap('moves').get(cmd.id) as Y.Map<unknown>).get('to')).toBe('active');
			room.destroy();
		} finally {
			await reopened.close();
			removeDir(image);
		}
		// The approval's row is stored once: the outbox does not hold it any more.
		expect(server.app.rooms.get(REGISTRY)!.pending).toBe(0);
		store.appendUpdates = realAppend();
		await server.app.rooms.get(REGISTRY)!.flush();
		const rows = readLog(server).filter((row) =>
			Buffer.from(row.update).includes(Buffer.from(approver.username))
		);
		expect(rows).toHaveLength(1);
		expect(rows[0].userId).toBe(approver.id);
		// The connected client got it (broadcast after the commit).
		await waitFor(() => client.members().get(id)?.get('memberNo') === Number(r.body.memberNo));
	});

	it('[CMD4][CMD6] a failing transaction leaves neither the number nor the approval fields', async () => {
		const id = await verified('Rolled Back Ltd');
		const seen: unknown[] = [];
		const watch = () => {
			const v = client.members().get(id)?.get('memberNo');
			if (v !== undefined) seen.push(v);
		};
		client.doc.on('afterTransaction', watch);
		const before = { lastNo: lastNo(), log: readLog(server).length };
		const memberBefore = (registry().getMap('members').get(id) as Y.Map<unknown>).toJSON();
		// A real SQLite failure after the doc change and its log row: the command row.
		sql((db) =>
			db.exec(`CREATE TRIGGER fail_commands BEFORE INSERT ON commands
				BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END`)
		);
		const cmd = {
			id: randomUUID(),
			type: 'approve',
			rowId: id,
			tier: 'regular',
			category: 'supplier'
		};
		try {
			const r = await command(approver, cmd);
			expect(r.status).toBe(503);
			expect(r.body.error.code).toBe('store_failed');
			expect(r.body.error.message).toMatch(/nothing was changed/);
		} finally {
			sql((db) => db.exec('DROP TRIGGER fail_commands'));
		}
		expect(lastNo()).toBe(before.lastNo);
		expect(commandRow(cmd.id)).toBeUndefined();
		// In memory: the fields and the move are gone again.
		expect((registry().getMap('members').get(id) as Y.Map<unknown>).toJSON()).toEqual(memberBefore);
		expect(registry().getMap('moves').has(cmd.id)).toBe(false);
		// What the outbox stores and sends for it changes nothing and holds none of its values.
		const room = server.app.rooms.get(REGISTRY)!;
		await room.flush();
		expect(room.pending).toBe(0);
		const after = readLog(server).slice(before.log);
		for (const row of after) {
			expect(Buffer.from(row.update).includes(Buffer.from(approver.username))).toBe(false);
		}
		const rebuilt = docFromLog(server);
		expect((rebuilt.getMap('members').get(id) as Y.Map<unknown>).toJSON()).toEqual(memberBefore);
		await waitFor(
			() =>
				Y.encodeStateVector(client.doc).toString() === Y.encodeStateVector(registry()).toString(),
			{ what: 'client caught up' }
		);
		expect(seen).toEqual([]);
		client.doc.off('afterTransaction', watch);

		// The same id again, once the store works: the number that was not used.
		const again = await command(approver, cmd);
		expect(again.status, JSON.stringify(again.body)).toBe(200);
		expect(again.headers.get('idempotent-replay')).toBeNull();
		expect(Number(again.body.memberNo)).toBe(before.lastNo + 1);
		expect((registry().getMap('members').get(id) as Y.Map<unknown>).get('memberNo')).toBe(
			before.lastNo + 1
		);
	});

	it('[CMD4] move, verify and reject are stored with their doc change as well', async () => {
		const id = addRow(client.doc, newRowId(), { name: 'Quick Refusal', status: 'inquiry' });
		await waitFor(() => registry().getMap('members').has(id), { what: 'row on server' });
		await waitFor(() => server.app.rooms.get(REGISTRY)!.pending === 0, { what: 'stored' });
		store.appendUpdates = async () => {
			throw new Error('the server stopped before its group commit (test)');
		};
		const move = { id: randomUUID(), type: 'move', rowId: id, to: 'applicant' };
		expect((await command(staff, move)).status).toBe(200);
		const reject = { id: randomUUID(), type: 'reject', rowId: id, reason: 'not an enterprise' };
		expect((await command(staff, reject)).status).toBe(200);
		const stored = docFromLog(server);
		expect((stored.getMap('members').get(id) as Y.Map<unknown>).toJSON()).toMatchObject({
			status: 'rejected',
			rejectReason: 'not an enterprise'
		});
		expect(stored.getMap('moves').has(move.id)).toBe(true);
		expect(stored.getMap('moves').has(reject.id)).toBe(true);
	});

	it('[P5] a merge is answered once its change is stored; a failing store answers 503 and undoes it', async () => {
		const keep = addRow(client.doc, newRowId(), { name: 'Merge Keep Co' });
		const gone = addRow(client.doc, newRowId(), { name: 'Merge Keep Company', region: 'north' });
		await waitFor(() => registry().getMap('members').has(gone), { what: 'rows on server' });
		await waitFor(() => server.app.rooms.get(REGISTRY)!.pending === 0, { what: 'stored' });
		const before = canonical(registry().getMap('members').toJSON());
		const body = { survivorId: keep, mergedId: gone, choose: { region: 'merged' } };
		const merge = () =>
			api(server, 'POST', '/api/default/members/merge', { cookie: staff.cookie, body });
		store.appendUpdates = async () => {
			throw new Error('disk full (test)');
		};
		const failed = await merge();
		expect(failed.status).toBe(503);
		expect(failed.body.error.code).toBe('store_failed');
		expect(canonical(registry().getMap('members').toJSON())).toBe(before);

		store.appendUpdates = realAppend();
		const r = await merge();
		expect(r.status, JSON.stringify(r.body)).toBe(200);
		expect(r.body.done).toBe(false);
		// In the log when the answer came (not left to the group commit).
		const stored = docFromLog(server);
		expect((stored.getMap('members').get(keep) as Y.Map<unknown>).get('region')).toBe('north');
		expect((stored.getMap('members').get(gone) as Y.Map<unknown>).get('mergedInto')).toBe(keep);
	});

	it('[CMD5][J3] concurrent approvals of one applicant still yield one number and one move', async () => {
		const id = await verified('Two Approvers Inc');
		const approver2 = await createUser(server, await loginAdmin(server), ['approver']);
		const body = { type: 'approve', rowId: id, tier: 'regular', category: 'manufacturer' };
		const [a, b] = await Promise.all([
			command(approver, { id: randomUUID(), ...body }),
			command(approver2, { id: randomUUID(), ...body })
		]);
		expect([a.status, b.status]).toEqual([200, 200]);
		expect(a.body.memberNo).toBe(b.body.memberNo);
		const stored = docFromLog(server);
		const moves = [...stored.getMap('moves').values()].map((m) => (m as Y.Map<unknown>).toJSON());
		expect(moves.filter((m) => m.memberId === id && m.to === 'active')).toHaveLength(1);
	});
});

describe('the outbox and a change stored by its caller', () => {
	it('[P5][P4][K1] changes waiting in the outbox are stored first in the same transaction, once, then broadcast and ACKed in order', async () => {
		const dir = tempDir();
		const own = new SqliteStore({ dataDir: dir });
		await own.ensureOrg('default');
		const user = await own.createUser({
			org: 'default',
			username: 'editor',
			passwordHash: 'x',
			roles: ['staff']
		});
		const room = await Room.load({
			name: REGISTRY,
			store: own,
			tuning: { snapshotEvery: 500, idleMs: 60_000, retryMs: 50 }
		});
		try {
			await room.flush();
			const batches: number[] = [];
			const append = own.appendUpdates.bind(own);
			own.appendUpdates = async (us) => {
				batches.push(us.length);
				return append(us);
			};
			const events: string[] = [];
			const peer = (name: string): Peer => ({
				kind: 'peer',
				userId: user.id,
				send: (m) => events.push(`${name}:${m[0] === MESSAGE.ack ? 'ack' : 'update'}`)
			});
			const editor = peer('editor');
			const other = peer('other');
			room.peers.add(editor);
			room.peers.add(other);
			const edit = new Y.Doc();
			const updates: Uint8Array[] = [];
			edit.on('update', (u: Uint8Array) => updates.push(u));
			addRow(edit, 'aaaaaaaaaaaa', { name: 'Waiting Row' });
			// The peer's change waits for the group commit (next turn); the server's change is
			// stored now, with it, in one transaction.
			room.applyPeerUpdate(editor, updates[0]);
			expect(room.pending).toBe(1);
			const value = await room.transactAsServerStored((doc) => {
				(doc.getMap('members').get('aaaaaaaaaaaa') as Y.Map<unknown>).set('region', 'north');
				return 'done';
			});
			expect(value).toBe('done');
			expect(batches).toEqual([2]);
			expect(room.pending).toBe(0);
			expect(events).toEqual(['other:update', 'editor:ack', 'editor:update', 'other:update']);
			await room.flush();
			expect(batches).toEqual([2]);
			const rows = await own.listUpdates(REGISTRY);
			const fresh = new Y.Doc();
			for (const r of rows) Y.applyUpdate(fresh, r.update);
			expect(fresh.getMap('members').toJSON()).toEqual({
				aaaaaaaaaaaa: { name: 'Waiting Row', region: 'north' }
			});
		} finally {
			room.destroy();
			await own.close();
			removeDir(dir);
		}
	});
});

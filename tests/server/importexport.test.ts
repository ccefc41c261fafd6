/**
 * Import and export on a real server (issue 8): the export log (who, when, which
 * view, how many rows; admins read it), the import record written by the server
 * only, import parts that never change once written, and a 20,000-row import in
 * chunk transactions reaching another client whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { IMPORT_PARTS_TABLE, IMPORTS_TABLE } from '../../src/lib/domain/import';
import {
	api,
	connect,
	createUser,
	loginAdmin,
	removeDir,
	startTestServer,
	waitFor,
	type TestServer,
	type TestUser
} from './helpers';

let server: TestServer;
let admin: string;
let staff: TestUser;
let board: TestUser;

beforeAll(async () => {
	server = await startTestServer();
	admin = await loginAdmin(server);
	staff = await createUser(server, admin, ['staff'], 'export-staff');
	board = await createUser(server, admin, ['board'], 'export-board');
});

afterAll(async () => {
	await server.close();
	removeDir(server.dataDir);
});

const entry = {
	view: 'members',
	format: 'xlsx',
	rows: 42,
	columns: ['name', 'status', 'region'],
	filters: '{"quickFilter":"tehran"}',
	sort: ['name:asc']
};

describe('export log', () => {
	it('[IE1] records who and when from the session, not from the body', async () => {
		const r = await api(server, 'POST', '/api/default/exports', {
			cookie: staff.cookie,
			body: { ...entry, userId: 1, userName: 'someone else', at: '2000-01-01T00:00:00Z' }
		});
		expect(r.status).toBe(201);
		expect(r.body.entry).toMatchObject({
			...entry,
			org: 'default',
			userId: staff.id,
			userName: staff.username
		});
		expect(Date.now() - Date.parse(r.body.entry.at)).toBeLessThan(60_000);
	});

	it('[IE1] viewers of the registry may export (and are logged); others and strangers may not', async () => {
		// The board sees reports, not the registry: it cannot export member data.
		expect(
			(await api(server, 'POST', '/api/default/exports', { cookie: board.cookie, body: entry }))
				.status
		).toBe(403);
		const finance = await createUser(server, admin, ['finance'], 'export-finance');
		expect(
			(await api(server, 'POST', '/api/default/exports', { cookie: finance.cookie, body: entry }))
				.status
		).toBe(201);
		expect((await api(server, 'POST', '/api/default/exports', { body: entry })).status).toBe(401);
		expect(
			(await api(server, 'POST', '/api/other-org/exports', { cookie: staff.cookie, body: entry }))
				.status
		).toBe(404);
	});

	it('[IE1] refuses a malformed entry with a reason', async () => {
		const r = await api(server, 'POST', '/api/default/exports', {
			cookie: staff.cookie,
			body: { ...entry, format: 'pdf', rows: -1 }
		});
		expect(r.status).toBe(400);
		expect(r.body.error.message).toMatch(/format/);
	});

	it('[IE1] only admins read the log, newest first, paged', async () => {
		expect(
			(await api(server, 'GET', '/api/default/exports', { cookie: staff.cookie })).status
		).toBe(403);
		const all = await api(server, 'GET', '/api/default/exports', { cookie: admin });
		expect(all.status).toBe(200);
		const ids = all.body.entries.map((e: { id: number }) => e.id);
		expect(ids).toEqual([...ids].sort((a, b) => b - a));
		expect(all.body.entries.map((e: { userName: string }) => e.userName)).toEqual([
			'export-finance',
			'export-staff'
		]);
		const page = await api(server, 'GET', `/api/default/exports?limit=1&before=${ids[0]}`, {
			cookie: admin
		});
		expect(page.body.entries.map((e: { id: number }) => e.id)).toEqual([ids[1]]);
	});

	it('[IE1] survives a restart', async () => {
		await server.close();
		server = await startTestServer({ dataDir: server.dataDir });
		admin = await loginAdmin(server);
		const all = await api(server, 'GET', '/api/default/exports', { cookie: admin });
		expect(all.body.entries).toHaveLength(2);
		staff.cookie = (await createUser(server, admin, ['staff'], 'export-staff-2')).cookie;
	});
});

describe('import record', () => {
	it('[IE2] the server writes the import row; a client cannot write it', async () => {
		const r = await api(server, 'POST', '/api/default/imports', {
			cookie: staff.cookie,
			body: {
				id: 'import-record-01',
				fileName: 'visitors.csv',
				parts: 1,
				added: 2,
				updated: 0,
				skipped: 1,
				rejected: 0
			}
		});
		expect(r.status).toBe(201);
		expect(r.body.import).toMatchObject({ byName: 'export-staff-2', status: 'open', added: 2 });
		const boardTry = await api(server, 'POST', '/api/default/imports', {
			cookie: board.cookie,
			body: {
				id: 'import-record-02',
				fileName: 'x.csv',
				parts: 0,
				added: 0,
				updated: 0,
				skipped: 0,
				rejected: 0
			}
		});
		expect(boardTry.status).toBe(403);

		const c = await connect(server, staff.cookie);
		const imports = c.doc.getMap<Y.Map<unknown>>(IMPORTS_TABLE);
		await waitFor(() => imports.get('import-record-01'));
		c.doc.transact(() => imports.get('import-record-01')!.set('byName', 'forged'));
		await waitFor(() => imports.get('import-record-01')!.get('byName') === 'export-staff-2', {
			what: 'the forged name put back'
		});
		const done = await api(server, 'POST', '/api/default/imports/import-record-01/done', {
			cookie: staff.cookie
		});
		expect(done.body.import.status).toBe('done');
		await waitFor(() => imports.get('import-record-01')!.get('status') === 'done');
		c.destroy();
	});

	it('[IE3] import parts are kept as written: a later change is reverted', async () => {
		const c = await connect(server, staff.cookie);
		const parts = c.doc.getMap<Y.Map<unknown>>(IMPORT_PARTS_TABLE);
		c.doc.transact(() => {
			const p = new Y.Map<unknown>();
			parts.set('import-record-01-0', p);
			p.set('importId', 'import-record-01');
			p.set('part', 0);
			p.set('added', '[]');
			p.set('updated', '[]');
			p.set('before', '{}');
			p.set('client', c.doc.clientID);
			p.set('clockStart', 0);
			p.set('clockEnd', 0);
			p.set('junk', 'x');
		});
		await waitFor(() => parts.get('import-record-01-0')?.get('junk') === undefined);
		c.doc.transact(() => parts.get('import-record-01-0')!.set('added', '["abcdefgh1"]'));
		await waitFor(() => parts.get('import-record-01-0')!.get('added') === '[]', {
			what: 'the part put back'
		});
		expect(parts.get('import-record-01-0')!.toJSON()).toMatchObject({
			importId: 'import-record-01'
		});
		c.destroy();
	});
});

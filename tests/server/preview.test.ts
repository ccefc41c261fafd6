/**
 * [R7] A new device's first look at the registry: `GET /api/<org>/members` answers the
 * member rows as plain JSON, from the server's row cache (no Y.Doc built), the same
 * rows the room's doc holds; only for people who may read the registry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newRowId } from '../../src/lib/domain/text';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PREVIEW_SLICE_ROWS, streamRows } from '../../server/api/preview';
import { ReportsService } from '../../server/reports';
import { readRowsJson } from '../../src/lib/domain/rows-json';
import {
	api,
	canonical,
	connect,
	createUser,
	login,
	loginAdmin,
	membersJson,
	PASSWORD,
	removeDir,
	startTestServer,
	waitFor,
	type Client,
	type TestServer,
	type TestUser
} from './helpers';

let server: TestServer;
let admin: string;
let staff: TestUser;
let board: TestUser;
let finance: TestUser;
const clients: Client[] = [];

async function preview(cookie?: string, org = 'default') {
	const r = await api(server, 'GET', `/api/${org}/members`, { cookie });
	return { ...r, rows: r.status === 200 ? readRowsJson(r.body)! : [] };
}

/** The rows by id, as the doc's members would be in JSON. */
const byId = (rows: Record<string, unknown>[]) =>
	Object.fromEntries(rows.map(({ id, ...fields }) => [id as string, fields]));

async function start(dataDir?: string) {
	server = await startTestServer({ dataDir });
	await waitFor(() => server.app.reports.org('default')?.historyReady, { what: 'history read' });
}

beforeAll(async () => {
	await start();
	admin = await loginAdmin(server);
	staff = await createUser(server, admin, ['staff']);
	board = await createUser(server, admin, ['board']);
	finance = await createUser(server, admin, ['finance']);
});

afterAll(async () => {
	for (const c of clients) c.destroy();
	await server.close();
	removeDir(server.dataDir);
});

describe('[R7] GET /api/<org>/members', () => {
	it('answers the rows the doc holds, in slices, with later edits of free text and deletions', async () => {
		const c = await connect(server, staff.cookie);
		clients.push(c);
		const names = ['Tehran Tile Co.', 'شرکت کاشی تهران', '上海丝绸贸易有限公司'];
		const ids: string[] = [];
		// More rows than one slice of the body, so slices are joined.
		const n = PREVIEW_SLICE_ROWS * 2 + 17;
		c.doc.transact(() => {
			for (let i = 0; i < n; i++) {
				const id = newRowId();
				ids.push(id);
				const row = new Y.Map<unknown>();
				row.set('name', `${names[i % 3]} ${i}`);
				row.set('status', 'prospect');
				row.set('region', `R${i % 7}`);
				c.members().set(id, row);
			}
		});
		// Free text the reports do not read (UNREPORTED_FIELDS), and a deletion.
		c.members().get(ids[5])!.set('notes', 'یادداشت: 第一次 contact');
		c.members().delete(ids[6]);
		await waitFor(async () => (await preview(staff.cookie)).rows.length === n - 1, {
			what: 'the rows in the preview'
		});
		const r = await preview(staff.cookie);
		expect(r.status).toBe(200);
		expect(r.headers.get('cache-control')).toBe('no-store');
		expect(r.headers.get('content-type')).toContain('application/json');
		const got = byId(r.rows);
		expect(got[ids[5]].notes).toBe('یادداشت: 第一次 contact');
		expect(got[ids[6]]).toBeUndefined();
		expect(canonical(got)).toBe(canonical(membersJson(c.doc)));
	});

	it('answers whoever may read the registry, and no one else', async () => {
		expect((await preview(finance.cookie)).status).toBe(200);
		const b = await preview(board.cookie);
		expect(b.status).toBe(403);
		expect(b.body.error.message).toMatch(/ask an administrator/);
		expect((await preview(undefined)).status).toBe(401);
		expect((await preview(staff.cookie, 'another-org')).status).toBe(403);
		const post = await api(server, 'POST', '/api/default/members', { cookie: staff.cookie });
		expect(post.status).toBe(405);
	});

	it('is null until the registry has been read, then the stored rows (the room not loaded)', async () => {
		const expected = byId((await preview(staff.cookie)).rows);
		for (const c of clients.splice(0)) c.destroy();
		const reports = new ReportsService({ rooms: server.app.rooms, store: server.app.store });
		try {
			expect(reports.registryRows('default', 'members')).toBeNull();
			await reports.startOrg('default');
			expect(canonical(byId(reports.registryRows('default', 'members')!))).toBe(
				canonical(expected)
			);
		} finally {
			await reports.stop();
		}
		// After a restart the server reads the rows from the store.
		await server.close();
		await start(server.dataDir);
		const again = await preview(await login(server, staff.username, PASSWORD));
		expect(again.status).toBe(200);
		expect(canonical(byId(again.rows))).toBe(canonical(expected));
	});
});

describe('[R7] the body, written in slices', () => {
	it('waits for a full socket without leaving listeners behind, and says the same rows', async () => {
		// Many slices, each far over the socket's buffer: every one waits for 'drain'.
		const rows = Array.from({ length: PREVIEW_SLICE_ROWS * 15 + 3 }, (_, i) => ({
			id: `row-${i}`,
			name: `${['شرکت', '公司', 'Company'][i % 3]} ${i} ${'x'.repeat(40)}`,
			memberNo: i + 1
		}));
		let before = { drain: 0, close: 0 };
		let after = { drain: -1, close: -1 };
		const warnings: string[] = [];
		const onWarning = (w: Error) => warnings.push(w.name);
		process.on('warning', onWarning);
		const http = createServer((_req, r) => {
			before = { drain: r.listenerCount('drain'), close: r.listenerCount('close') };
			void streamRows(r, rows).then(() => {
				after = { drain: r.listenerCount('drain'), close: r.listenerCount('close') };
			});
		});
		await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
		try {
			const port = (http.address() as AddressInfo).port;
			const body = await (await fetch(`http://127.0.0.1:${port}/`)).json();
			expect(readRowsJson(body)).toEqual(rows);
			await waitFor(() => after.close >= 0, { what: 'the stream to end' });
			expect(after.drain).toBeLessThanOrEqual(before.drain);
			expect(after.close).toBeLessThanOrEqual(before.close);
			expect(warnings).not.toContain('MaxListenersExceededWarning');
		} finally {
			process.off('warning', onWarning);
			await new Promise((r) => http.close(r));
		}
	});
});

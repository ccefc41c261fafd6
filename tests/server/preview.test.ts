/**
 * [R7] A new device's first look at the registry: `GET /api/<org>/members` answers the
 * member rows as plain JSON, from the server's row cache (no Y.Doc built), the same
 * rows the room's doc holds; only for people who may read the registry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newRowId } from '../../src/lib/domain/text';
import { createServer, get, type ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import {
	pickEncoding,
	PREVIEW_SLICE_ROWS,
	streamRows,
	type BodyEncoding
} from '../../server/api/preview';
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
		// fetch takes gzip (and brotli): the route compresses.
		expect(['gzip', 'br']).toContain(r.headers.get('content-encoding'));
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

/** GET `url` with `accept-encoding`; the body decoded as the server says it is encoded. */
function getRaw(url: string, accept?: string): Promise<{ encoding: string; json: unknown }> {
	return new Promise((resolve, reject) => {
		get(url, { headers: accept ? { 'accept-encoding': accept } : {} }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('error', reject);
			res.on('end', () => {
				const raw = Buffer.concat(chunks);
				const encoding = res.headers['content-encoding'] ?? 'identity';
				const body =
					encoding === 'br'
						? zlib.brotliDecompressSync(raw)
						: encoding === 'gzip'
							? zlib.gunzipSync(raw)
							: raw;
				resolve({ encoding, json: JSON.parse(body.toString('utf8')) });
			});
		}).on('error', reject);
	});
}

describe('[R7] the body, written in slices', () => {
	it.each<[BodyEncoding, string | undefined]>([
		['identity', undefined],
		['gzip', 'gzip, deflate'],
		['br', 'gzip, deflate, br']
	])(
		'%s: waits for a full stream without leaving listeners behind, and says the same rows',
		async (encoding, accept) => {
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
			const http = createServer((req, r) => {
				before = { drain: r.listenerCount('drain'), close: r.listenerCount('close') };
				void streamRows(r, rows, pickEncoding(req.headers['accept-encoding'])).then(() => {
					after = { drain: r.listenerCount('drain'), close: r.listenerCount('close') };
				});
			});
			await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
			try {
				const port = (http.address() as AddressInfo).port;
				const got = await getRaw(`http://127.0.0.1:${port}/`, accept);
				expect(got.encoding).toBe(encoding);
				expect(readRowsJson(got.json)).toEqual(rows);
				await waitFor(() => after.close >= 0, { what: 'the stream to end' });
				if (encoding === 'identity') {
					expect(after.drain).toBeLessThanOrEqual(before.drain);
					expect(after.close).toBeLessThanOrEqual(before.close);
				}
				expect(warnings).not.toContain('MaxListenersExceededWarning');
			} finally {
				process.off('warning', onWarning);
				await new Promise((r) => http.close(r));
			}
		}
	);

	it('stops compressing when the client goes away', async () => {
		// Hardly compressible: megabytes of output, so the stream waits on the socket.
		const rows = Array.from({ length: PREVIEW_SLICE_ROWS * 30 }, (_, i) => ({
			id: `row-${i}`,
			name: Array.from({ length: 12 }, () => Math.random().toString(36)).join(' ')
		}));
		let served: { res: ServerResponse; ended: Promise<void> } | null = null;
		const http = createServer((_req, res) => {
			served = { res, ended: streamRows(res, rows, 'gzip') };
		});
		await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
		try {
			const port = (http.address() as AddressInfo).port;
			await new Promise<void>((resolve) => {
				const req = get(`http://127.0.0.1:${port}/`, (res) => {
					res.once('data', () => {
						req.destroy();
						resolve();
					});
				});
				req.on('error', () => {});
			});
			await waitFor(() => served, { what: 'the answer to start' });
			// Resolves (the compressor was destroyed with the response) instead of waiting
			// forever, without ever finishing the body.
			await served!.ended;
			expect(served!.res.destroyed).toBe(true);
			expect(served!.res.writableFinished).toBe(false);
		} finally {
			await new Promise((r) => http.close(r));
		}
	});

	it('compresses with what the client takes', () => {
		expect(pickEncoding(undefined)).toBe('identity');
		expect(pickEncoding('')).toBe('identity');
		expect(pickEncoding('identity')).toBe('identity');
		expect(pickEncoding('gzip, deflate')).toBe('gzip');
		expect(pickEncoding('gzip, deflate, br, zstd')).toBe('br');
		expect(pickEncoding('BR;q=1.0, gzip;q=0.5')).toBe('br');
		expect(pickEncoding('br;q=0, gzip')).toBe('gzip');
		expect(pickEncoding('gzip;q=0.0')).toBe('identity');
		expect(pickEncoding('*')).toBe('gzip');
	});
});

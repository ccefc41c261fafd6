/**
 * Helpers for server integration tests: a real server on port 0 with SQLite in a
 * temp dir, real HTTP requests, real y-websocket providers over `ws`. No mocks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebsocketProvider } from 'y-websocket';
import { startServer, type RunningServer, type Tuning } from '../../server/app';
import { DB_FILE, JOURNAL_FILE } from '../../server/store/sqlite';
import { LOCK_FILE } from '../../server/store/lock';
import { readJournal } from '../../server/store/journal';
import type { Role } from '../../src/lib/domain/access';
import { MESSAGE, PROTOCOL_VERSION } from '../../src/lib/domain/protocol';

// Every provider adds a process 'exit' listener; many clients per test file is normal here.
process.setMaxListeners(Math.max(process.getMaxListeners(), 200));

export const ADMIN_PASSWORD = 'admin-password-1';
export const PASSWORD = 'correct-horse-1';
export const REGISTRY = 'default/registry';

/** Fast room life cycle for tests; each test can override. */
export const TEST_TUNING: Partial<Tuning> = { roomIdleMs: 200, storeRetryMs: 50 };

export interface TestServer extends RunningServer {
	dataDir: string;
	/** The app's origin as the server sees it (`http://<Host>`). */
	origin: string;
	/** `ws://host:port/sync`, the y-websocket server URL. */
	syncUrl: string;
}

export function tempDir(prefix = 'guildhall-test-'): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Start a server; pass the `dataDir` of a stopped one to restart on the same data. */
export async function startTestServer(
	opts: { dataDir?: string; tuning?: Partial<Tuning>; origin?: string; trustProxy?: string[] } = {}
): Promise<TestServer> {
	const dataDir = opts.dataDir ?? tempDir();
	const running = await startServer({
		config: {
			port: 0,
			host: '127.0.0.1',
			dataDir,
			adminPassword: ADMIN_PASSWORD,
			org: 'default',
			origin: opts.origin,
			trustProxy: opts.trustProxy
		},
		tuning: { ...TEST_TUNING, ...opts.tuning }
	});
	return {
		...running,
		dataDir,
		origin: opts.origin ?? running.url,
		syncUrl: running.url.replace(/^http/, 'ws') + '/sync'
	};
}

/**
 * The data directory's files as a crash of the server now would leave them, in a new
 * directory: the database, its WAL, the update journal and the lock (whose process is
 * gone for the copy), to open as the restarted server would.
 */
export function crashImage(dataDir: string): string {
	const image = tempDir('guildhall-crash-');
	for (const f of [DB_FILE, `${DB_FILE}-wal`, JOURNAL_FILE, LOCK_FILE]) {
		const from = path.join(dataDir, f);
		if (fs.existsSync(from)) fs.copyFileSync(from, path.join(image, f));
	}
	return image;
}

export function removeDir(dir: string): void {
	fs.rmSync(dir, { recursive: true, force: true });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by the tests
export interface ApiResponse<T = any> {
	status: number;
	body: T;
	headers: Headers;
}

/** A JSON request with the app's own Origin unless told otherwise (`origin: null` omits it). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
export async function api<T = any>(
	server: TestServer,
	method: string,
	urlPath: string,
	opts: {
		cookie?: string;
		body?: unknown;
		origin?: string | null;
		rawBody?: string;
		headers?: Record<string, string>;
	} = {}
): Promise<ApiResponse<T>> {
	const headers: Record<string, string> = { ...opts.headers };
	if (opts.cookie) headers.cookie = opts.cookie;
	const origin = opts.origin === undefined ? server.origin : opts.origin;
	if (origin !== null) headers.origin = origin;
	let body: string | undefined = opts.rawBody;
	if (opts.body !== undefined) {
		headers['content-type'] = 'application/json';
		body = JSON.stringify(opts.body);
	}
	const r = await fetch(server.url + urlPath, { method, headers, body });
	const text = await r.text();
	let parsed: unknown = text;
	try {
		parsed = text ? JSON.parse(text) : undefined;
	} catch {
		// not JSON (e.g. /healthz)
	}
	return { status: r.status, body: parsed as T, headers: r.headers };
}

export function cookieFrom(res: ApiResponse): string {
	const setCookie = res.headers.get('set-cookie') ?? '';
	return setCookie.split(';')[0];
}

export async function login(
	server: TestServer,
	username: string,
	password: string
): Promise<string> {
	const r = await api(server, 'POST', '/api/session', { body: { username, password } });
	if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
	return cookieFrom(r);
}

export const loginAdmin = (server: TestServer) => login(server, 'admin', ADMIN_PASSWORD);

export interface TestUser {
	id: number;
	username: string;
	cookie: string;
}

let userCounter = 0;

/** Create a user with `roles` (as admin) and sign in as them. */
export async function createUser(
	server: TestServer,
	adminCookie: string,
	roles: Role[],
	username = `user${++userCounter}-${roles.join('-')}`
): Promise<TestUser> {
	const r = await api(server, 'POST', '/api/users', {
		cookie: adminCookie,
		body: { username, password: PASSWORD, roles }
	});
	if (r.status !== 201)
		throw new Error(`create ${username}: ${r.status} ${JSON.stringify(r.body)}`);
	return { id: r.body.user.id, username, cookie: await login(server, username, PASSWORD) };
}

/** A `ws` WebSocket class that sends the session cookie and an Origin header. */
export function socketClass(
	headers: { cookie?: string; origin?: string },
	options: WebSocket.ClientOptions = {}
) {
	return class TestSocket extends WebSocket {
		constructor(url: string | URL, protocols?: string | string[]) {
			super(url, protocols, {
				...options,
				headers: Object.fromEntries(Object.entries(headers).filter(([, v]) => v))
			});
		}
	};
}

export interface Client {
	doc: Y.Doc;
	provider: WebsocketProvider;
	/** ACK state vectors received, in order. */
	acks: Map<number, number>[];
	/** Permission-denied reasons received. */
	denied: string[];
	/** Close codes received from the server. */
	closes: number[];
	/** Close reasons received from the server, in the same order. */
	closeReasons: string[];
	members(): Y.Map<Y.Map<unknown>>;
	synced(): Promise<void>;
	destroy(): void;
}

/** A y-websocket client for `room` with the user's cookie; resolves once synced. */
export async function connect(
	server: TestServer,
	cookie: string,
	opts: { room?: string; doc?: Y.Doc; waitForSync?: boolean; origin?: string } = {}
): Promise<Client> {
	const doc = opts.doc ?? new Y.Doc();
	const provider = new WebsocketProvider(server.syncUrl, opts.room ?? REGISTRY, doc, {
		connect: false,
		disableBc: true,
		params: { v: String(PROTOCOL_VERSION) },
		maxBackoffTime: 200,
		WebSocketPolyfill: socketClass({ cookie, origin: opts.origin ?? server.origin }) as never
	});
	const client: Client = {
		doc,
		provider,
		acks: [],
		denied: [],
		closes: [],
		closeReasons: [],
		members: () => doc.getMap('members') as Y.Map<Y.Map<unknown>>,
		synced: () =>
			provider.synced
				? Promise.resolve()
				: new Promise((resolve) => {
						const on = (s: boolean) => {
							if (!s) return;
							provider.off('sync', on);
							resolve();
						};
						provider.on('sync', on);
					}),
		destroy: () => {
			provider.destroy();
			doc.destroy();
		}
	};
	provider.messageHandlers[MESSAGE.ack] = (_enc, dec) => {
		client.acks.push(Y.decodeStateVector(decoding.readVarUint8Array(dec)));
	};
	provider.messageHandlers[MESSAGE.auth] = (_enc, dec) => {
		decoding.readVarUint(dec);
		client.denied.push(decoding.readVarString(dec));
	};
	provider.on('connection-close', (event) => {
		if (!event) return;
		client.closes.push(event.code);
		client.closeReasons.push(event.reason);
	});
	provider.connect();
	if (opts.waitForSync !== false) await withTimeout(client.synced(), 5000, 'sync');
	return client;
}

export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	try {
		return await Promise.race([
			p,
			new Promise<never>((_, reject) => {
				timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
			})
		]);
	} finally {
		clearTimeout(timer);
	}
}

/** Poll until `check` returns a truthy value (or throws no more); returns it. */
export async function waitFor<T>(
	check: () => T | Promise<T>,
	opts: { timeout?: number; what?: string } = {}
): Promise<T> {
	const deadline = Date.now() + (opts.timeout ?? 5000);
	let lastError: unknown = null;
	for (;;) {
		try {
			const v = await check();
			if (v) return v;
		} catch (e) {
			lastError = e;
		}
		if (Date.now() > deadline) {
			throw new Error(
				`timed out waiting for ${opts.what ?? 'condition'}${lastError ? `: ${lastError}` : ''}`
			);
		}
		await sleep(10);
	}
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The HTTP status of an upgrade attempt: 101 when it became a WebSocket. */
export function upgradeStatus(
	server: TestServer,
	opts: { cookie?: string; origin?: string | null; path?: string; v?: string }
): Promise<number> {
	const origin = opts.origin === undefined ? server.origin : (opts.origin ?? undefined);
	const url = `${server.syncUrl.replace(/\/sync$/, '')}${opts.path ?? `/sync/${REGISTRY}`}?v=${opts.v ?? PROTOCOL_VERSION}`;
	return new Promise((resolve, reject) => {
		const ws = new (socketClass({ cookie: opts.cookie, origin }))(url);
		ws.on('unexpected-response', (_req, res) => {
			resolve(res.statusCode ?? 0);
			res.resume();
			ws.terminate();
		});
		ws.on('open', () => {
			resolve(101);
			ws.terminate();
		});
		ws.on('error', (e) => reject(e));
	});
}

/** A raw protocol client, for hand-crafted messages. */
export interface RawClient {
	ws: WebSocket;
	messages: Uint8Array[];
	closed: Promise<{ code: number; reason: string }>;
	/** Resolves with the first message (already received or future) matching `pred`. */
	next(pred: (m: Uint8Array) => boolean, timeout?: number): Promise<Uint8Array>;
	send(bytes: Uint8Array): void;
}

export async function openRaw(
	server: TestServer,
	cookie: string,
	opts: {
		room?: string;
		v?: string;
		onOpen?: (ws: WebSocket) => void;
		wsOptions?: WebSocket.ClientOptions;
	} = {}
): Promise<RawClient> {
	const url = `${server.syncUrl}/${opts.room ?? REGISTRY}?v=${opts.v ?? PROTOCOL_VERSION}`;
	const ws = new (socketClass({ cookie, origin: server.origin }, opts.wsOptions))(url);
	ws.binaryType = 'nodebuffer';
	const messages: Uint8Array[] = [];
	const waiters: { pred: (m: Uint8Array) => boolean; resolve: (m: Uint8Array) => void }[] = [];
	ws.on('message', (data: Buffer) => {
		const m = new Uint8Array(data);
		messages.push(m);
		for (const w of [...waiters]) {
			if (w.pred(m)) {
				waiters.splice(waiters.indexOf(w), 1);
				w.resolve(m);
			}
		}
	});
	const closed = new Promise<{ code: number; reason: string }>((resolve) =>
		ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))
	);
	ws.on('error', () => {});
	await new Promise<void>((resolve, reject) => {
		ws.once('open', () => {
			opts.onOpen?.(ws);
			resolve();
		});
		ws.once('unexpected-response', (_req, res) =>
			reject(new Error(`upgrade refused: ${res.statusCode}`))
		);
	});
	return {
		ws,
		messages,
		closed,
		send: (bytes) => ws.send(bytes),
		next: (pred, timeout = 5000) => {
			const found = messages.find(pred);
			if (found) return Promise.resolve(found);
			return withTimeout(
				new Promise<Uint8Array>((resolve) => waiters.push({ pred, resolve })),
				timeout,
				'message'
			);
		}
	};
}

export const messageType = (m: Uint8Array): number =>
	decoding.readVarUint(decoding.createDecoder(m));

/** `[MESSAGE.sync, syncType, varUint8Array(payload)]`. */
export function syncMessage(syncType: number, payload: Uint8Array): Uint8Array {
	const enc = encoding.createEncoder();
	encoding.writeVarUint(enc, MESSAGE.sync);
	encoding.writeVarUint(enc, syncType);
	encoding.writeVarUint8Array(enc, payload);
	return encoding.toUint8Array(enc);
}

/**
 * The room's update log as it is on disk: the SQLite file's rows (a second connection)
 * and the changes still in the update journal beside it (store/journal.ts), by seq.
 */
export function readLog(server: { dataDir: string }, room = REGISTRY) {
	const db = new Database(path.join(server.dataDir, DB_FILE), {
		readonly: true,
		fileMustExist: true
	});
	try {
		const rows = (
			db
				.prepare('SELECT seq, data, user_id, at FROM room_updates WHERE room = ? ORDER BY seq')
				.all(room) as {
				seq: number;
				data: Buffer;
				user_id: number | null;
				at: number;
			}[]
		).map((r) => ({ seq: r.seq, update: new Uint8Array(r.data), userId: r.user_id, at: r.at }));
		const inTable = new Set(rows.map((r) => r.seq));
		for (const r of readJournal(path.join(server.dataDir, JOURNAL_FILE)).records) {
			if (r.room === room && !inTable.has(r.seq))
				rows.push({ ...r, update: new Uint8Array(r.update) });
		}
		return rows.sort((a, b) => a.seq - b.seq);
	} finally {
		db.close();
	}
}

/** The doc the room's log alone (no snapshot) rebuilds. */
export function docFromLog(server: { dataDir: string }, room = REGISTRY): Y.Doc {
	const doc = new Y.Doc();
	for (const row of readLog(server, room)) Y.applyUpdate(doc, row.update);
	return doc;
}

/** Add a row to `members` with the given fields; returns the row id. */
export function addRow(doc: Y.Doc, id: string, fields: Record<string, unknown> = {}): string {
	doc.transact(() => {
		const row = new Y.Map<unknown>();
		for (const [k, v] of Object.entries(fields)) row.set(k, v);
		doc.getMap('members').set(id, row);
	});
	return id;
}

export const membersJson = (doc: Y.Doc) =>
	doc.getMap('members').toJSON() as Record<string, Record<string, unknown>>;

/** JSON with object keys sorted, for comparing docs whose maps iterate in different orders. */
export function canonical(value: unknown): string {
	return JSON.stringify(value, (_k, v) =>
		v && typeof v === 'object' && !Array.isArray(v)
			? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
			: v
	);
}

/** An awareness message as a client sends it, for hand-crafted entries. */
export function awarenessMessage(
	entries: { clientId: number; clock: number; state: unknown }[]
): Uint8Array {
	const inner = encoding.createEncoder();
	encoding.writeVarUint(inner, entries.length);
	for (const e of entries) {
		encoding.writeVarUint(inner, e.clientId);
		encoding.writeVarUint(inner, e.clock);
		encoding.writeVarString(inner, JSON.stringify(e.state));
	}
	const enc = encoding.createEncoder();
	encoding.writeVarUint(enc, MESSAGE.awareness);
	encoding.writeVarUint8Array(enc, encoding.toUint8Array(inner));
	return encoding.toUint8Array(enc);
}

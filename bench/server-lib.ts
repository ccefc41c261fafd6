/**
 * Shared pieces of the server benchmark (bench/server*.ts):
 *
 *  - `Host`: a server in a child process (bench/server-host.ts → dist/bench-host.js),
 *    either ours (`startServer`, SQLite, auth, guard) or the reference
 *    (`@y/websocket-server` 0.1.1). The server gets its own process, so on this 2-core
 *    machine it runs on one core while the clients run on the other, as they would on
 *    separate machines; the clients' own CPU does not delay the server's.
 *  - `SyncClient`: a raw y-protocols client over `ws` (no y-websocket provider: no
 *    awareness, no timers, nothing but the sync protocol), the same code against both
 *    servers. It answers the server's sync step 1, optionally asks for the server's
 *    state (sync step 1 of its own), applies incoming updates to its Y.Doc and counts
 *    our ACKs (MESSAGE.ack).
 *  - Seeds: registries from bench/generate.ts built by a fixed client id, so that a
 *    client can hold only the first K members (a *prefix* of the seed, same items,
 *    same clocks) and still apply every edit to those members without downloading
 *    the whole registry. That keeps 1,000 clients in one process cheap.
 *  - Data directories for our server, written through the store API (users,
 *    sessions, snapshots, log rows) before the server starts.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { Auth, hashPassword } from '../server/auth';
import { SqliteStore } from '../server/store/sqlite';
import type { Role } from '../src/lib/domain/access';
import { MESSAGE, PROTOCOL_VERSION, SCHEMA_VERSION } from '../src/lib/domain/protocol';
import { fillRegistry, memberFields, prng, rowIdFrom } from './generate';
import { oursNodeFlags, stats, type Measure } from './report';
import type { ProbeValue } from './loop-probe';
import type { TurnaroundValue } from './turnaround';
import type { HostReply, HostRequest, HostValue } from './server-host';

export type ServerKind = 'ours' | 'reference';

/** Client id of every seed registry; edits are made by other (random) client ids. */
export const SEED_CLIENT = 0x5eed;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const now = () => performance.now();

export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	try {
		return await Promise.race([
			p,
			new Promise<never>((_, reject) => {
				timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
			})
		]);
	} finally {
		clearTimeout(timer);
	}
}

/** Poll `check` every `everyMs` until it is true; throws after `timeoutMs`. */
export async function waitUntil(
	check: () => boolean,
	timeoutMs: number,
	what: string,
	everyMs = 2
): Promise<void> {
	const deadline = now() + timeoutMs;
	while (!check()) {
		if (now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
		await sleep(everyMs);
	}
}

/** Run `fn` over `items` with at most `limit` at a time. */
export async function pool<T, R>(
	items: readonly T[],
	limit: number,
	fn: (item: T, i: number) => Promise<R>
): Promise<R[]> {
	const out: R[] = new Array(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const i = next++;
			out[i] = await fn(items[i], i);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
	return out;
}

/**
 * Keep a process and all its threads on the given CPUs (`taskset`, Linux), or return
 * false where that cannot be done (no taskset, one CPU).
 */
export function pinProcess(pid: number, cpus: string): boolean {
	if (os.cpus().length < 2) return false;
	try {
		execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}

export const mb = (bytes: number) => bytes / 2 ** 20;
export const round = (n: number, digits = 1) => Number(n.toFixed(digits));
export const fmtMs = (n: number) =>
	n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);

/** Busy CPU time of the whole machine so far (ms), from /proc/stat; null where there is none. */
function machineBusyMs(): number | null {
	try {
		const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1);
		const [user, nice, system, , , irq, softirq, steal] = f.map(Number);
		// USER_HZ is 100 on Linux: one tick is 10 ms.
		return (user + nice + system + irq + softirq + (steal || 0)) * 10;
	} catch {
		return null;
	}
}

/**
 * How much CPU other processes on the machine (not the benchmark, not its servers)
 * used while something ran: the benchmark shares the machine, and on 2 cores another
 * busy process shows in every tail. In cores (0..2), or null where unknown.
 */
export class Background {
	private t0 = 0;
	private busy0: number | null = null;
	private own0 = 0;
	private hosts0: number[] = [];

	constructor(private readonly hosts: Host[]) {}

	private static ownMs(): number {
		const c = process.cpuUsage();
		return (c.user + c.system) / 1000;
	}

	async start(): Promise<void> {
		this.hosts0 = await Promise.all(this.hosts.map((h) => h.cpuMs()));
		this.own0 = Background.ownMs();
		this.busy0 = machineBusyMs();
		this.t0 = now();
	}

	async stop(): Promise<number | null> {
		const busy1 = machineBusyMs();
		const wall = now() - this.t0;
		const own = Background.ownMs() - this.own0;
		const hosts = (await Promise.all(this.hosts.map((h) => h.cpuMs()))).reduce(
			(a, x, i) => a + x - this.hosts0[i],
			0
		);
		if (busy1 === null || this.busy0 === null || wall <= 0) return null;
		return Math.max(0, (busy1 - this.busy0 - own - hosts) / wall);
	}
}

export const backgroundText = (cores: number | null) =>
	cores === null ? '' : `other processes used ${cores.toFixed(2)} of 2 cores`;

/** A probe in words, for notes. */
export function probeText(p: ProbeValue): string {
	return (
		`${p.gcCount} GC pauses (${p.gcMs.toFixed(0)} ms, longest ${p.gcMaxMs.toFixed(1)} ms; ` +
		`${p.majorGcCount} major, ${p.majorGcMs.toFixed(0)} ms), event loop blocked at most ` +
		`${p.loopMaxMs.toFixed(1)} ms`
	);
}

/** One-line summary of samples for the log. */
export function summary(m: Pick<Measure, 'samples' | 'unit'>): string {
	const s = stats(m.samples);
	return `n=${s.n} median=${fmtMs(s.median)} p95=${fmtMs(s.p95)} p99=${fmtMs(s.p99)} ${m.unit}`;
}

export function tempDir(prefix: string): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// ---------------------------------------------------------------------------------------
// Seeds

/** The registry doc as the server would hold it: `count` members, then `meta`. */
export function seedDoc(count: number, seed = 42): { doc: Y.Doc; ids: string[] } {
	const doc = new Y.Doc();
	doc.clientID = SEED_CLIENT;
	const ids = fillRegistry({ doc, count, seed });
	doc.getMap('meta').set('schemaVersion', SCHEMA_VERSION);
	return { doc, ids };
}

export function seedUpdate(count: number, seed = 42): { update: Uint8Array; ids: string[] } {
	const { doc, ids } = seedDoc(count, seed);
	const update = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return { update, ids };
}

/**
 * The first `prefix` members of `seedDoc(count, seed)`, as an update: the same items
 * with the same ids, so a doc holding only them applies edits to them.
 */
export function prefixUpdate(prefix: number, seed = 42): { update: Uint8Array; ids: string[] } {
	const doc = new Y.Doc();
	doc.clientID = SEED_CLIENT;
	const ids = fillRegistry({ doc, count: prefix, seed });
	const update = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return { update, ids };
}

/** Check once that a prefix applies under the full seed without gaps (same items). */
export function checkPrefix(full: Uint8Array, prefix: Uint8Array, count: number): void {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, prefix);
	Y.applyUpdate(doc, full);
	const members = doc.getMap('members').size;
	const pending = doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
	doc.destroy();
	if (members !== count || pending) {
		throw new Error(`seed prefix does not match the seed (${members}/${count} members)`);
	}
}

/** New members for an import: client-owned fields only (the server owns memberNo/approval). */
export function importRows(
	count: number,
	seed: number
): { id: string; fields: Record<string, string> }[] {
	const r = prng(seed);
	const rows: { id: string; fields: Record<string, string> }[] = [];
	for (let i = 0; i < count; i++) {
		const id = rowIdFrom(r);
		const f = memberFields(r, 1_000_000 + i);
		const fields: Record<string, string> = {};
		for (const [k, v] of Object.entries(f)) {
			if (k === 'memberNo' || k === 'approvedAt' || k === 'approvedBy') continue;
			fields[k] = String(v);
		}
		fields.status = 'applicant';
		rows.push({ id, fields });
	}
	return rows;
}

// ---------------------------------------------------------------------------------------
// Data directories for our server

export interface BenchUser {
	id: number;
	username: string;
	cookie: string;
}

/**
 * Write orgs, staff users with sessions, and room state into `dir` through the store
 * API, the way the server itself would have stored them. Returns the users per org.
 */
export async function prepareDataDir(opts: {
	dir: string;
	orgs: { org: string; users: number; roles?: Role[] }[];
	rooms: {
		room: string;
		snapshot?: Uint8Array;
		log?: Uint8Array[];
	}[];
}): Promise<Map<string, BenchUser[]>> {
	const store = new SqliteStore({ dataDir: opts.dir });
	const out = new Map<string, BenchUser[]>();
	try {
		const auth = new Auth(store);
		// One argon2 hash for everyone: logins are not what is measured.
		const passwordHash = await hashPassword('bench-password-1');
		let n = 0;
		for (const o of opts.orgs) {
			await store.ensureOrg(o.org);
			const users: BenchUser[] = [];
			for (let i = 0; i < o.users; i++) {
				const username = `bench${++n}`;
				const u = await store.createUser({
					org: o.org,
					username,
					passwordHash,
					roles: o.roles ?? ['staff']
				});
				// The same call POST /api/session makes after checking the password.
				const { token } = await auth.createSession(u.id);
				users.push({ id: u.id, username, cookie: `gh_session=${token}` });
			}
			out.set(o.org, users);
		}
		// Not the server's own 'default' org: make sure it exists too (bootstrap does it).
		await store.ensureOrg('default');
		const at = Date.now();
		for (const r of opts.rooms) {
			if (r.snapshot)
				await store.writeSnapshot({ room: r.room, state: r.snapshot, upToSeq: 0, at });
			const userId = out.values().next().value?.[0]?.id ?? null;
			for (const u of r.log ?? [])
				await store.appendUpdate({ room: r.room, update: u, userId, at });
		}
	} finally {
		await store.close();
	}
	return out;
}

// ---------------------------------------------------------------------------------------
// Server host (child process)

const HOST_JS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bench-host.js');

export interface HostStarted {
	url: string;
}

/** A server in a child process, driven over IPC (see bench/server-host.ts). */
export class Host {
	private seq = 0;
	private readonly waiting = new Map<
		number,
		{ resolve: (v: HostValue) => void; reject: (e: Error) => void }
	>();
	private exited = false;
	url = '';

	private constructor(
		readonly kind: ServerKind,
		private readonly child: ChildProcess
	) {
		child.on('message', (m: HostReply) => {
			const w = this.waiting.get(m.id);
			if (!w) return;
			this.waiting.delete(m.id);
			if (m.ok) w.resolve(m.value);
			else w.reject(new Error(`host: ${m.error}`));
		});
		child.on('exit', (code, signal) => {
			this.exited = true;
			for (const w of this.waiting.values()) w.reject(new Error(`host exited (${code ?? signal})`));
			this.waiting.clear();
		});
	}

	/** `cpus`: keep the server on these CPUs (`pinProcess`), e.g. `'1'`. */
	static spawn(kind: ServerKind, opts: { heapMb?: number; cpus?: string } = {}): Host {
		// `BENCH_REF_NODE_FLAGS` gives the reference flags (experiments only, e.g. `--trace-opt`).
		const refFlags = (process.env.BENCH_REF_NODE_FLAGS ?? '').split(' ').filter(Boolean);
		const execArgv = ['--expose-gc', ...(kind === 'ours' ? oursNodeFlags() : refFlags)];
		if (opts.heapMb) execArgv.push(`--max-old-space-size=${opts.heapMb}`);
		// `BENCH_CPU_PROF=<dir>` writes a V8 CPU profile of every server process on exit.
		if (process.env.BENCH_CPU_PROF) {
			execArgv.push('--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`);
		}
		// `BENCH_SERVER_STDOUT=1` lets the servers' stdout through, e.g. V8's `--trace-gc`
		// lines with `BENCH_OURS_NODE_FLAGS`.
		const child = fork(HOST_JS, [], {
			execArgv,
			serialization: 'advanced',
			stdio: ['ignore', process.env.BENCH_SERVER_STDOUT ? 'inherit' : 'ignore', 'inherit', 'ipc']
		});
		if (opts.cpus && child.pid) pinProcess(child.pid, opts.cpus);
		return new Host(kind, child);
	}

	get pid(): number | undefined {
		return this.child.pid;
	}

	request<T extends HostValue>(req: HostRequest, timeoutMs = 120_000): Promise<T> {
		if (this.exited) return Promise.reject(new Error('host has exited'));
		const id = ++this.seq;
		const p = new Promise<HostValue>((resolve, reject) => {
			this.waiting.set(id, { resolve, reject });
			this.child.send({ id, req });
		});
		return withTimeout(p, timeoutMs, `host ${req.op}`) as Promise<T>;
	}

	async startOurs(dataDir: string): Promise<string> {
		const r = await this.request<HostStarted>({ op: 'start-ours', dataDir });
		this.url = r.url;
		return r.url;
	}

	async startReference(seeds: { rooms: string[]; update: Uint8Array }[]): Promise<string> {
		const r = await this.request<HostStarted>({ op: 'start-reference', seeds });
		this.url = r.url;
		return r.url;
	}

	/** CPU time (user + system) the server process has used so far, in ms. */
	async cpuMs(): Promise<number> {
		const c = await this.request<{ user: number; system: number }>({ op: 'cpu' });
		return (c.user + c.system) / 1000;
	}

	/** `BENCH_WINDOW_PROF=<dir>`: a CPU profile of the server during each measured window. */
	async profileStart(): Promise<void> {
		if (process.env.BENCH_WINDOW_PROF) await this.request({ op: 'profile-start' });
	}

	async profileStop(name: string): Promise<void> {
		const dir = process.env.BENCH_WINDOW_PROF;
		if (dir) await this.request({ op: 'profile-stop', file: `${dir}/${name}.cpuprofile` });
	}

	/** GC pauses and event-loop blocking in the server since the last probe. */
	probe(): Promise<ProbeValue> {
		return this.request<ProbeValue>({ op: 'probe' });
	}

	/** Each message's time to its first send to a peer, since the last ask (turnaround.ts). */
	turnaround(): Promise<TurnaroundValue> {
		return this.request<TurnaroundValue>({ op: 'turnaround' });
	}

	/** Stop the server without the shutdown snapshot (which would change the data dir). */
	async exit(): Promise<void> {
		if (this.exited) return;
		const gone = new Promise<void>((r) => this.child.once('exit', () => r()));
		try {
			this.child.send({ id: 0, req: { op: 'exit' } });
		} catch {
			// already gone
		}
		await Promise.race([gone, sleep(5000)]);
		if (!this.exited) this.child.kill('SIGKILL');
	}
}

// ---------------------------------------------------------------------------------------
// Client

/** Transaction origin of a client's own edits (sent), as opposed to remote updates. */
const REMOTE = Symbol('remote');

export interface ClientOptions {
	/** `http://host:port` of the server. */
	url: string;
	room: string;
	/** Our session cookie (the reference server ignores it). */
	cookie?: string;
	/** Initial state of the client's doc (e.g. a seed prefix). */
	initial?: Uint8Array;
	/** Send our own sync step 1, so the server sends everything we lack. */
	requestState: boolean;
	/** Apply incoming updates to the doc (false: only count them). */
	apply?: boolean;
	timeoutMs?: number;
}

export class SyncClient {
	readonly doc = new Y.Doc();
	readonly ws: WebSocket;
	/** ACK messages received (ours only), and the clock of our own client id acked last. */
	acks = 0;
	ackedClock = 0;
	/** Sync updates (and step 2s) received. */
	updatesIn = 0;
	closeCode: number | null = null;
	/** performance.now() of the first message from the server (0 until then). */
	firstMessageAt = 0;
	/** performance.now() when the message being handled came off the socket. */
	messageAt = 0;
	/** The state vector of the server's sync step 1 (null until then). */
	serverSv: Uint8Array | null = null;
	/** Called after each sync step 2 from the server. */
	onStep2: (() => void) | null = null;
	/** Called after each remote update was applied (or counted). */
	onRemote: (() => void) | null = null;
	onAck: (() => void) | null = null;
	readonly closed: Promise<number>;
	private readonly apply: boolean;
	private gotStep1 = false;
	private gotStep2: boolean;
	private onSynced: (() => void) | null = null;

	private constructor(private readonly opts: ClientOptions) {
		this.apply = opts.apply ?? true;
		this.gotStep2 = !opts.requestState;
		if (opts.initial) Y.applyUpdate(this.doc, opts.initial, REMOTE);
		const url = `${opts.url.replace(/^http/, 'ws')}/sync/${opts.room}?v=${PROTOCOL_VERSION}`;
		const headers: Record<string, string> = { origin: opts.url };
		if (opts.cookie) headers.cookie = opts.cookie;
		this.ws = new WebSocket(url, { headers, perMessageDeflate: false });
		this.closed = new Promise((resolve) =>
			this.ws.on('close', (code) => {
				this.closeCode = code;
				resolve(code);
			})
		);
		this.ws.on('error', () => {});
		this.ws.on('message', (data: Buffer) => this.onMessage(data));
		this.doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === this) this.sendUpdate(update);
		});
	}

	/** Open and sync: resolves once the server's step 1 was answered (and its step 2 came). */
	static async connect(opts: ClientOptions): Promise<SyncClient> {
		const c = new SyncClient(opts);
		const timeout = opts.timeoutMs ?? 60_000;
		await withTimeout(
			new Promise<void>((resolve, reject) => {
				c.ws.once('open', () => {
					if (opts.requestState) {
						const enc = encoding.createEncoder();
						encoding.writeVarUint(enc, MESSAGE.sync);
						syncProtocol.writeSyncStep1(enc, c.doc);
						c.ws.send(encoding.toUint8Array(enc));
					}
				});
				c.ws.once('unexpected-response', (_req, res) =>
					reject(new Error(`upgrade refused: ${res.statusCode}`))
				);
				void c.closed.then((code) => reject(new Error(`closed ${code} before sync`)));
				c.onSynced = resolve;
			}),
			timeout,
			`sync of ${opts.room}`
		).catch((e) => {
			c.close();
			throw e;
		});
		return c;
	}

	get members(): Y.Map<Y.Map<unknown>> {
		return this.doc.getMap('members');
	}

	private onMessage(data: Buffer): void {
		this.messageAt = now();
		this.firstMessageAt ||= this.messageAt;
		const dec = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.length));
		const type = decoding.readVarUint(dec);
		if (type === MESSAGE.sync) {
			const syncType = decoding.readVarUint(dec);
			if (syncType === syncProtocol.messageYjsSyncStep1) {
				const sv = decoding.readVarUint8Array(dec);
				this.serverSv = sv;
				const enc = encoding.createEncoder();
				encoding.writeVarUint(enc, MESSAGE.sync);
				encoding.writeVarUint(enc, syncProtocol.messageYjsSyncStep2);
				encoding.writeVarUint8Array(enc, Y.encodeStateAsUpdate(this.doc, sv));
				this.ws.send(encoding.toUint8Array(enc));
				this.gotStep1 = true;
				this.checkSynced();
				return;
			}
			const update = decoding.readVarUint8Array(dec);
			if (this.apply) Y.applyUpdate(this.doc, update, REMOTE);
			this.updatesIn++;
			if (syncType === syncProtocol.messageYjsSyncStep2) {
				this.gotStep2 = true;
				this.checkSynced();
				this.onStep2?.();
			}
			this.onRemote?.();
		} else if (type === MESSAGE.ack) {
			const sv = Y.decodeStateVector(decoding.readVarUint8Array(dec));
			this.acks++;
			this.ackedClock = Math.max(this.ackedClock, sv.get(this.doc.clientID) ?? 0);
			this.onAck?.();
		}
		// Awareness and permission-denied messages are not expected here; ignored.
	}

	private checkSynced(): void {
		if (this.onSynced && this.gotStep1 && this.gotStep2) {
			this.onSynced();
			this.onSynced = null;
		}
	}

	/**
	 * Ask the server for what it has beyond its own state vector (nothing): answered
	 * once its doc is built, since only a new device's step 1 is answered earlier [R5].
	 */
	async whenServerBuilt(timeoutMs: number): Promise<number> {
		if (!this.serverSv) throw new Error('no sync step 1 from the server yet');
		const enc = encoding.createEncoder();
		encoding.writeVarUint(enc, MESSAGE.sync);
		encoding.writeVarUint(enc, syncProtocol.messageYjsSyncStep1);
		encoding.writeVarUint8Array(enc, this.serverSv);
		const answered = new Promise<number>((resolve) => {
			this.onStep2 = () => {
				this.onStep2 = null;
				resolve(now());
			};
		});
		this.ws.send(encoding.toUint8Array(enc));
		return withTimeout(answered, timeoutMs, 'the answer after the build');
	}

	/** Send one update as a sync update message. */
	sendUpdate(update: Uint8Array): void {
		const enc = encoding.createEncoder();
		encoding.writeVarUint(enc, MESSAGE.sync);
		syncProtocol.writeUpdate(enc, update);
		this.ws.send(encoding.toUint8Array(enc));
	}

	/** Change the doc and send the change. */
	edit(fn: (doc: Y.Doc) => void): void {
		this.doc.transact(() => fn(this.doc), this);
	}

	close(): void {
		if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
			this.ws.terminate();
		}
		this.doc.destroy();
	}
}

/**
 * Child process of the server benchmark (dist/bench-host.js): runs ONE server on
 * 127.0.0.1 port 0 and answers requests from bench/server-lib.ts over IPC.
 *
 *  - `start-ours`: Guildhall's `startServer` on a prepared data dir (SQLite, sessions,
 *    Origin check, guard, append-before-broadcast) with the production tuning (snapshot
 *    every 500 updates, 30 s idle unload and ping), as `npm start` runs it minus the
 *    SvelteKit pages.
 *  - `start-reference`: `@y/websocket-server` 0.1.1's `setupWSConnection` on a plain
 *    http + ws server (no auth, no persistence), rooms seeded in memory first. Both
 *    servers take `/sync/<org>/<doc>`, so the clients are the same.
 *  - `reports`: one organisation's last report recomputation (RecomputeStats) and state.
 *  - `mem` (after `global.gc()`; the host runs with --expose-gc), `cpu`, `probe` (GC
 *    pauses and event-loop blocking since the last probe), `turnaround` (each message's
 *    time to its first send to a peer since the last ask, bench/turnaround.ts),
 *    `breakdown` (where a room load's time goes), `exit` (at once, without the shutdown
 *    snapshot).
 */
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { LoopProbe, type ProbeValue } from './loop-probe';
import { installTurnaround, takeTurnaround, type TurnaroundValue } from './turnaround';
import { WebSocketServer } from 'ws';
import * as Y from 'yjs';
import { getYDoc, setupWSConnection } from '@y/websocket-server/utils';
import { startServer, type RunningServer, type Tuning } from '../server/app';

export type HostRequest =
	| { op: 'start-ours'; dataDir: string }
	| { op: 'start-reference'; seeds: { rooms: string[]; update: Uint8Array }[] }
	| { op: 'mem' }
	| { op: 'cpu' }
	| { op: 'breakdown'; room: string }
	| { op: 'probe' }
	| { op: 'turnaround' }
	| { op: 'reports'; org: string }
	| { op: 'profile-start' }
	| { op: 'profile-stop'; file: string }
	| { op: 'exit' };

export interface MemValue {
	heapUsed: number;
	rss: number;
	external: number;
	arrayBuffers: number;
}

/** Milliseconds of each step of loading and re-encoding a room, and sizes in bytes. */
export interface Breakdown {
	storeReadMs: number;
	snapshotBytes: number;
	logRows: number;
	applySnapshotMs: number;
	applyLogMs: number;
	encodeSnapshotMs: number;
	stateVectorFromBinaryMs: number;
	diffFromBinaryMs: number;
	v2Bytes: number;
	applyV2Ms: number;
}

/** Garbage collection and event-loop blocking since the previous probe. */
/** One organisation's reports: its last recomputation and whether one is pending. */
export interface ReportsValue {
	computations: number;
	idle: boolean;
	historyReady: boolean;
	last: Record<string, number | null> | null;
}

export type HostValue =
	| { url: string }
	| ProbeValue
	| MemValue
	| { user: number; system: number }
	| Breakdown
	| ReportsValue
	| TurnaroundValue
	| null;

export type HostReply =
	{ id: number; ok: true; value: HostValue } | { id: number; ok: false; error: string };

let ours: RunningServer | null = null;

const gc = (globalThis as { gc?: () => void }).gc;

const loopProbe = new LoopProbe();
installTurnaround();

async function startOurs(dataDir: string): Promise<{ url: string }> {
	ours = await startServer({
		config: {
			port: 0,
			host: '127.0.0.1',
			dataDir,
			adminPassword: 'bench-admin-password',
			org: 'default'
		},
		// For experiments only (the recorded runs use the production tuning):
		// `BENCH_OURS_TUNING='{"reportsDebounceMs":1200}'`.
		tuning: JSON.parse(process.env.BENCH_OURS_TUNING ?? '{}') as Partial<Tuning>
	});
	return { url: ours.url };
}

async function startReference(
	seeds: { rooms: string[]; update: Uint8Array }[]
): Promise<{ url: string }> {
	for (const s of seeds) for (const room of s.rooms) Y.applyUpdate(getYDoc(room), s.update);
	const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
	const server = http.createServer((_req, res) => {
		res.writeHead(404);
		res.end();
	});
	server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		if (!url.pathname.startsWith('/sync/')) {
			socket.destroy();
			return;
		}
		const docName = decodeURIComponent(url.pathname.slice('/sync/'.length));
		wss.handleUpgrade(req, socket, head, (ws) => setupWSConnection(ws, req, { docName }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function mem(): MemValue {
	if (gc) {
		gc();
		gc();
	}
	const m = process.memoryUsage();
	return { heapUsed: m.heapUsed, rss: m.rss, external: m.external, arrayBuffers: m.arrayBuffers };
}

/** Each step of a room load, timed apart, on the server's own store. */
async function breakdown(room: string): Promise<Breakdown> {
	if (!ours) throw new Error('breakdown needs our server');
	const store = ours.app.store;
	let t = performance.now();
	const loaded = await store.loadRoom(room);
	const storeReadMs = performance.now() - t;
	const parts = loaded.snapshot?.parts ?? [];
	const snapshot =
		parts.length === 1 ? parts[0] : Y.mergeUpdates(parts.length ? parts : [new Uint8Array([0, 0])]);
	const doc = new Y.Doc();
	t = performance.now();
	Y.applyUpdate(doc, snapshot);
	const applySnapshotMs = performance.now() - t;
	t = performance.now();
	doc.transact(() => {
		for (const u of loaded.updates) Y.applyUpdate(doc, u.update);
	});
	const applyLogMs = performance.now() - t;
	t = performance.now();
	Y.encodeStateAsUpdate(doc);
	const encodeSnapshotMs = performance.now() - t;
	t = performance.now();
	Y.encodeStateVectorFromUpdate(snapshot);
	const stateVectorFromBinaryMs = performance.now() - t;
	t = performance.now();
	Y.diffUpdate(snapshot, new Uint8Array([0]));
	const diffFromBinaryMs = performance.now() - t;
	const v2 = Y.encodeStateAsUpdateV2(doc);
	doc.destroy();
	gc?.();
	const doc2 = new Y.Doc();
	t = performance.now();
	Y.applyUpdateV2(doc2, v2);
	const applyV2Ms = performance.now() - t;
	doc2.destroy();
	return {
		storeReadMs,
		snapshotBytes: snapshot.byteLength,
		logRows: loaded.updates.length,
		applySnapshotMs,
		applyLogMs,
		encodeSnapshotMs,
		stateVectorFromBinaryMs,
		diffFromBinaryMs,
		v2Bytes: v2.byteLength,
		applyV2Ms
	};
}

/** A CPU profile of a measured window only (`BENCH_CPU_PROF` profiles the whole process). */
let profiler: Session | null = null;
const post = (method: string, params?: object) =>
	new Promise<unknown>((resolve, reject) =>
		profiler?.post(method, params, (e, r) => (e ? reject(e) : resolve(r)))
	);

/** `BENCH_WINDOW_ALLOC=1`: where the allocations go (sampling heap profile), not CPU. */
const ALLOC = process.env.BENCH_WINDOW_ALLOC === '1';

async function profileStart(): Promise<null> {
	profiler = new Session();
	profiler.connect();
	if (ALLOC) {
		await post('HeapProfiler.enable');
		await post('HeapProfiler.startSampling', {
			samplingInterval: 4096,
			includeObjectsCollectedByMajorGC: true,
			includeObjectsCollectedByMinorGC: true
		});
		return null;
	}
	await post('Profiler.enable');
	// `BENCH_WINDOW_PROF_US=100`: a finer sampling interval than V8's 1 ms default.
	const us = Number(process.env.BENCH_WINDOW_PROF_US);
	if (us > 0) await post('Profiler.setSamplingInterval', { interval: us });
	await post('Profiler.start');
	return null;
}

async function profileStop(file: string): Promise<null> {
	const r = (await post(ALLOC ? 'HeapProfiler.stopSampling' : 'Profiler.stop')) as {
		profile: unknown;
	};
	writeFileSync(
		ALLOC ? file.replace(/\.cpuprofile$/, '.heapprofile') : file,
		JSON.stringify(r.profile)
	);
	profiler?.disconnect();
	profiler = null;
	return null;
}

async function handle(req: HostRequest): Promise<HostValue> {
	switch (req.op) {
		case 'start-ours':
			return startOurs(req.dataDir);
		case 'start-reference':
			return startReference(req.seeds);
		case 'mem':
			return mem();
		case 'cpu': {
			const c = process.cpuUsage();
			return { user: c.user, system: c.system };
		}
		case 'breakdown':
			return breakdown(req.room);
		case 'probe':
			return loopProbe.take();
		case 'turnaround':
			return takeTurnaround();
		case 'reports': {
			const o = ours?.app.reports.org(req.org);
			if (!o) throw new Error(`no reports for ${req.org}`);
			return {
				computations: o.computations,
				idle: o.idle,
				historyReady: o.historyReady,
				last: o.lastStats ? { ...o.lastStats } : null
			};
		}
		case 'profile-start':
			return profileStart();
		case 'profile-stop':
			return profileStop(req.file);
		case 'exit':
			process.exit(0);
	}
}

process.on('message', (m: { id: number; req: HostRequest }) => {
	handle(m.req).then(
		(value) => process.send?.({ id: m.id, ok: true, value } satisfies HostReply),
		(e: unknown) =>
			process.send?.({
				id: m.id,
				ok: false,
				error: e instanceof Error ? (e.stack ?? e.message) : String(e)
			} satisfies HostReply)
	);
});
// The benchmark went away: so does its server.
process.on('disconnect', () => process.exit(0));

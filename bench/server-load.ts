/**
 * Measure 5, server cold load: a data dir holding a registry of N members (written
 * through the store API as a snapshot, and separately as a snapshot plus 1,000 log
 * rows), a fresh server process on a fresh copy of it, then one connection: the time
 * from opening the WebSocket to the first sync message, which the server sends once
 * the room's stored state is read (its step 1 carries the stored state vector [R1]),
 * and to the moment its Y.Doc is built (a part per event-loop turn [R5]): the answer to
 * a sync step 1 that is not a new device's, which waits for the build. Memory: the
 * server process's heap used and RSS after `global.gc()`, before the connection and
 * with the room built.
 *
 * Also, from the same generated registry: the time to encode a snapshot of it (the
 * server does it every 500 stored updates and when the last peer leaves, on the
 * event loop), and the scan reports will do (bench/server-bulk.ts `reportsScan`).
 */
import fs from 'node:fs';
import * as Y from 'yjs';
import type { Measure } from './report';
import { prng } from './generate';
import type { Breakdown, MemValue } from './server-host';
import { reportsScan } from './server-bulk';
import {
	Background,
	Host,
	mb,
	now,
	prepareDataDir,
	round,
	seedDoc,
	summary,
	SyncClient,
	tempDir
} from './server-lib';

const ROOM = 'default/registry';
const TARGET_MS: Record<number, number> = { 10_000: 300, 100_000: 2000 };

interface Sample {
	ms: number;
	builtMs: number;
	background: number | null;
	heapMb: number;
	rssMb: number;
	breakdown: Breakdown | null;
}

async function coldLoad(template: string, cookie: string, withBreakdown: boolean): Promise<Sample> {
	const dir = tempDir('guildhall-bench-load-');
	fs.cpSync(template, dir, { recursive: true });
	const host = Host.spawn('ours', { heapMb: 8192 });
	try {
		await host.startOurs(dir);
		const before = await host.request<MemValue>({ op: 'mem' });
		const background = new Background([host]);
		await background.start();
		const t0 = now();
		const c = await SyncClient.connect({
			url: host.url,
			room: ROOM,
			cookie,
			requestState: false,
			apply: false,
			timeoutMs: 120_000
		});
		const ms = c.firstMessageAt - t0;
		const builtMs = (await c.whenServerBuilt(120_000)) - t0;
		const others = await background.stop();
		const after = await host.request<MemValue>({ op: 'mem' });
		const breakdown = withBreakdown
			? await host.request<Breakdown>({ op: 'breakdown', room: ROOM }, 300_000)
			: null;
		c.close();
		return {
			ms,
			builtMs,
			background: others,
			heapMb: mb(after.heapUsed - before.heapUsed),
			rssMb: mb(after.rss - before.rss),
			breakdown
		};
	} finally {
		await host.exit();
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

/** `n` edits of random members by another client, as log rows after the snapshot. */
function logRows(doc: Y.Doc, ids: string[], n: number): Uint8Array[] {
	const out: Uint8Array[] = [];
	const rng = prng(7);
	const members = doc.getMap<Y.Map<unknown>>('members');
	const on = (u: Uint8Array) => out.push(u);
	doc.clientID = 0x10c;
	doc.on('update', on);
	for (let i = 0; i < n; i++) {
		const row = members.get(ids[Math.floor(rng() * ids.length)])!;
		doc.transact(() =>
			row.set(i % 2 ? 'notes' : 'phone', i % 2 ? `log ${i}` : `+98 21 ${5550000 + i}`)
		);
	}
	doc.off('update', on);
	return out;
}

const ms1 = (x: number) => x.toFixed(0);

function backgroundNote(samples: Sample[]): string {
	const b = samples.map((s) => s.background).filter((x): x is number => x !== null);
	return b.length
		? ` Other processes used up to ${Math.max(...b).toFixed(2)} of 2 cores meanwhile.`
		: '';
}

function breakdownNote(b: Breakdown): string {
	return (
		`Where the time goes (one load, timed apart in the server process): SQLite read ` +
		`${ms1(b.storeReadMs)} ms (${mb(b.snapshotBytes).toFixed(1)} MB snapshot, ${b.logRows} log rows), ` +
		`Y.applyUpdate of the snapshot ${ms1(b.applySnapshotMs)} ms, of the log rows ${ms1(b.applyLogMs)} ms. ` +
		`For comparison: the state vector read straight from the stored bytes ` +
		`(Y.encodeStateVectorFromUpdate) ${ms1(b.stateVectorFromBinaryMs)} ms, a full sync step 2 ` +
		`from the bytes without a Y.Doc (Y.diffUpdate) ${ms1(b.diffFromBinaryMs)} ms; ` +
		`v2 encoding ${mb(b.v2Bytes).toFixed(1)} MB and applyUpdateV2 ${ms1(b.applyV2Ms)} ms.`
	);
}

export async function runLoadBench(o: {
	sizes: number[];
	quick: boolean;
	log: (s: string) => void;
}): Promise<Measure[]> {
	const measures: Measure[] = [];
	const logCount = o.quick ? 200 : 1000;
	for (const size of o.sizes) {
		const reps = o.quick ? 1 : size <= 10_000 ? 5 : 3;
		o.log(`cold load: ${size} members (${reps} loads per variant)`);
		let t = now();
		const { doc, ids } = seedDoc(size);
		const snapshot = Y.encodeStateAsUpdate(doc);
		o.log(
			`  generated in ${((now() - t) / 1000).toFixed(1)} s, ${mb(snapshot.byteLength).toFixed(1)} MB`
		);

		const encode: number[] = [];
		for (let i = 0; i < Math.max(2, reps); i++) {
			t = now();
			Y.encodeStateAsUpdate(doc);
			encode.push(now() - t);
		}
		const scan: number[] = [];
		for (let i = 0; i < (o.quick ? 3 : 5); i++) scan.push(reportsScan(doc).ms);
		const log = logRows(doc, ids, logCount);
		doc.destroy();

		const snapDir = tempDir('guildhall-bench-tpl-');
		const logDir = tempDir('guildhall-bench-tpl-');
		const cookie = (
			await prepareDataDir({
				dir: snapDir,
				orgs: [{ org: 'default', users: 1 }],
				rooms: [{ room: ROOM, snapshot }]
			})
		).get('default')![0].cookie;
		const cookieLog = (
			await prepareDataDir({
				dir: logDir,
				orgs: [{ org: 'default', users: 1 }],
				rooms: [{ room: ROOM, snapshot, log }]
			})
		).get('default')![0].cookie;

		const variants = [
			{ id: 'cold-load', dir: snapDir, cookie, what: 'snapshot only' },
			{
				id: 'cold-load-log',
				dir: logDir,
				cookie: cookieLog,
				what: `snapshot + ${logCount} log rows`
			}
		];
		try {
			for (const v of variants) {
				const samples: Sample[] = [];
				for (let i = 0; i < reps; i++) {
					const s = await coldLoad(v.dir, v.cookie, v.id === 'cold-load' && i === reps - 1);
					samples.push(s);
					o.log(
						`  ${v.what}: ${s.ms.toFixed(0)} ms, built ${s.builtMs.toFixed(0)} ms, heap +${s.heapMb.toFixed(0)} MB, RSS +${s.rssMb.toFixed(0)} MB` +
							(s.background === null ? '' : `, others ${s.background.toFixed(2)} cores`)
					);
				}
				const bd = samples.find((s) => s.breakdown)?.breakdown;
				const target = TARGET_MS[size];
				measures.push({
					id: v.id,
					label: `Server cold load of the room (${v.what})`,
					size,
					server: 'ours',
					unit: 'ms',
					samples: samples.map((s) => round(s.ms, 1)),
					...(target ? { target: { value: target, kind: 'max', on: 'median' } as const } : {}),
					note:
						`Fresh server process on a fresh copy of the data dir (the snapshot stored as ` +
						`the server stores it: in ~1 MiB parts, with its state vector); from opening ` +
						`the WebSocket (cookie) to the first sync message, which waits for the stored ` +
						`state to be read (its step 1 carries the stored state vector; a new device is ` +
						`answered from the stored bytes at once) [R1][R5].` +
						backgroundNote(samples) +
						(bd ? ' ' + breakdownNote(bd) : '')
				});
				measures.push({
					id: `${v.id}-built`,
					label: `Server cold load: the room's doc built (${v.what})`,
					size,
					server: 'ours',
					unit: 'ms',
					samples: samples.map((s) => round(s.builtMs, 1)),
					note:
						`Same loads: from opening the WebSocket until the server answers a sync step 1 ` +
						`that needs the doc (the client's own state vector echoed back), i.e. until the ` +
						`Y.Doc is built, a snapshot part per event-loop turn (other rooms go on between ` +
						`parts; this room's updates wait).`
				});
				if (v.id === 'cold-load') {
					measures.push(
						{
							id: 'cold-load-heap',
							label: 'Server heap for the loaded room (after gc)',
							size,
							server: 'ours',
							unit: 'MB',
							samples: samples.map((s) => round(s.heapMb, 1)),
							note: 'process.memoryUsage().heapUsed after global.gc(), loaded minus before the connection.'
						},
						{
							id: 'cold-load-rss',
							label: 'Server RSS for the loaded room (after gc)',
							size,
							server: 'ours',
							unit: 'MB',
							samples: samples.map((s) => round(s.rssMb, 1)),
							note: 'process.memoryUsage().rss after global.gc(), loaded minus before the connection.'
						}
					);
				}
			}
		} finally {
			fs.rmSync(snapDir, { recursive: true, force: true });
			fs.rmSync(logDir, { recursive: true, force: true });
		}
		measures.push(
			{
				id: 'snapshot-encode',
				label: 'Snapshot encode of the room (Y.encodeStateAsUpdate)',
				size,
				unit: 'ms',
				samples: encode.map((x) => round(x, 1)),
				note:
					'Measured on the generated registry in the benchmark process, for comparison: the ' +
					'server no longer does this; its snapshots (every 500 stored updates and when the ' +
					"last peer leaves) are merged from stored bytes in the store's background thread [R3]."
			},
			{
				id: 'reports-scan',
				label: 'One pass over the registry Y.Doc by region/status/enterpriseType',
				size,
				unit: 'ms',
				samples: scan.map((x) => round(x, 1)),
				note:
					'A pass over every member of the registry Y.Doc counting members per region, ' +
					'status and enterprise type (and region × status), in the benchmark process: ' +
					'the floor of any full scan. The live reports themselves are measured by the ' +
					'reports part (full computation, edit to written report, recompute after one edit).'
			}
		);
		for (const m of measures.filter((x) => x.size === size)) {
			o.log(`  → ${m.label}: ${summary(m)}`);
		}
		(globalThis as { gc?: () => void }).gc?.();
	}
	return measures;
}

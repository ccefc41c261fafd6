/**
 * Measure 6, bulk work.
 *
 *  - Import: 20,000 new members (~17 client-owned fields each: the server owns the
 *    member number and approval fields) added by one client to a room holding a
 *    10,000-member registry. One transaction of 20,000 rows is ~12 MB, more than
 *    MAX_MESSAGE_BYTES (8 MiB): our server closes it with 4413 TooLarge, which is
 *    recorded. The import is therefore sent as 4 transactions of 5,000 rows, back to
 *    back; timed from the first send to the last ACK (stored) and to a peer holding
 *    all 20,000 rows. Same batches against the reference server (peer only).
 *  - `reportsScan`: one pass over the registry Y.Doc (used by server-load.ts as the floor
 *    of a full scan; the live reports are measured in server-reports.ts).
 */
import fs from 'node:fs';
import * as Y from 'yjs';
import type { Measure } from './report';
import { MAX_MESSAGE_BYTES } from '../src/lib/domain/protocol';
import { bulkText, pathCost } from './server-paths';
import {
	Background,
	backgroundText,
	Host,
	importRows,
	mb,
	now,
	prepareDataDir,
	round,
	seedUpdate,
	summary,
	SyncClient,
	tempDir,
	waitUntil,
	type ServerKind
} from './server-lib';

const ROOM = 'default/registry';
const GEN = Symbol('generate');

/** Count members per region, status and enterprise type, and region × status. */
export function reportsScan(doc: Y.Doc): { ms: number; groups: number } {
	const t = performance.now();
	const byRegion = new Map<unknown, number>();
	const byStatus = new Map<unknown, number>();
	const byType = new Map<unknown, number>();
	const byRegionStatus = new Map<string, number>();
	const add = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);
	doc.getMap<Y.Map<unknown>>('members').forEach((row) => {
		const region = row.get('region');
		const status = row.get('status');
		add(byRegion, region);
		add(byStatus, status);
		add(byType, row.get('enterpriseType'));
		add(byRegionStatus, `${String(region)}\u0000${String(status)}`);
	});
	return {
		ms: performance.now() - t,
		groups: byRegion.size + byStatus.size + byType.size + byRegionStatus.size
	};
}

/** The import as update messages: `chunks` transactions, made before the clock starts. */
function importUpdates(
	rows: ReturnType<typeof importRows>,
	chunks: number
): { updates: Uint8Array[]; ms: number } {
	const doc = new Y.Doc();
	const updates: Uint8Array[] = [];
	doc.on('update', (u: Uint8Array) => updates.push(u));
	const members = doc.getMap<Y.Map<unknown>>('members');
	const per = Math.ceil(rows.length / chunks);
	const t = now();
	for (let c = 0; c < chunks; c++) {
		doc.transact(() => {
			for (const r of rows.slice(c * per, (c + 1) * per)) {
				members.set(r.id, new Y.Map<unknown>(Object.entries(r.fields)));
			}
		}, GEN);
	}
	const ms = now() - t;
	doc.destroy();
	return { updates, ms };
}

interface ImportRun {
	storedMs: number | null;
	seenMs: number;
	background: number | null;
}

async function runImport(
	kind: ServerKind,
	host: Host,
	cookies: string[],
	updates: Uint8Array[],
	rows: number
): Promise<ImportRun> {
	const peer = await SyncClient.connect({
		url: host.url,
		room: ROOM,
		cookie: cookies[1],
		requestState: false
	});
	const importer = await SyncClient.connect({
		url: host.url,
		room: ROOM,
		cookie: cookies[0],
		requestState: false,
		apply: false
	});
	try {
		let seenAt = 0;
		let storedAt = 0;
		peer.onRemote = () => {
			if (peer.members.size >= rows) seenAt ||= now();
		};
		importer.onAck = () => {
			if (importer.acks >= updates.length) storedAt ||= now();
		};
		const background = new Background([host]);
		await background.start();
		const t0 = now();
		for (const u of updates) importer.sendUpdate(u);
		await waitUntil(
			() => seenAt > 0 && (kind === 'reference' || storedAt > 0),
			120_000,
			`${kind} import`,
			5
		);
		const others = await background.stop();
		if (importer.closeCode !== null) throw new Error(`import closed with ${importer.closeCode}`);
		return {
			storedMs: kind === 'ours' ? storedAt - t0 : null,
			seenMs: seenAt - t0,
			background: others
		};
	} finally {
		peer.close();
		importer.close();
	}
}

/** Send the whole import as one message; returns the close code (or null if accepted). */
async function tryOneMessage(
	host: Host,
	cookie: string,
	update: Uint8Array
): Promise<number | null> {
	const c = await SyncClient.connect({
		url: host.url,
		room: ROOM,
		cookie,
		requestState: false,
		apply: false
	});
	try {
		c.sendUpdate(update);
		const code = await Promise.race([
			c.closed,
			new Promise<null>((r) => setTimeout(() => r(null), 20_000))
		]);
		return code;
	} finally {
		c.close();
	}
}

export async function runBulkBench(o: {
	quick: boolean;
	log: (s: string) => void;
}): Promise<Measure[]> {
	const registry = o.quick ? 2000 : 10_000;
	const count = o.quick ? 4000 : 20_000;
	const chunks = 4;
	const reps = o.quick ? 1 : 3;
	o.log(`bulk import: ${count} rows into a ${registry}-member room`);
	const seed = seedUpdate(registry);
	const rows = importRows(count, 99);
	const whole = importUpdates(rows, 1);
	const batched = importUpdates(rows, chunks);
	const biggest = Math.max(...batched.updates.map((u) => u.byteLength));
	o.log(
		`  one transaction: ${mb(whole.updates[0].byteLength).toFixed(1)} MB (${whole.ms.toFixed(0)} ms to make); ` +
			`${chunks} transactions: up to ${mb(biggest).toFixed(1)} MB each`
	);
	if (biggest > MAX_MESSAGE_BYTES) throw new Error('import batches are over MAX_MESSAGE_BYTES');
	const path = bulkText(await pathCost(seed.update, batched.updates));

	const template = tempDir('guildhall-bench-bulk-');
	const cookies = (
		await prepareDataDir({
			dir: template,
			orgs: [{ org: 'default', users: 2 }],
			rooms: [{ room: ROOM, snapshot: seed.update }]
		})
	)
		.get('default')!
		.map((u) => u.cookie);

	const stored: number[] = [];
	const seen: Record<ServerKind, number[]> = { ours: [], reference: [] };
	const wholeBytes = whole.updates[0].byteLength;
	let oneMessage: number | null = null;
	const fresh = () => {
		const dir = tempDir('guildhall-bench-bulk-run-');
		fs.cpSync(template, dir, { recursive: true });
		return dir;
	};
	try {
		if (wholeBytes > MAX_MESSAGE_BYTES) {
			// On a server of its own, so that the measured imports start from the same state.
			const dir = fresh();
			const host = Host.spawn('ours');
			try {
				await host.startOurs(dir);
				oneMessage = await tryOneMessage(host, cookies[0], whole.updates[0]);
			} finally {
				await host.exit();
				fs.rmSync(dir, { recursive: true, force: true });
			}
			o.log(
				`  ours, the import as one message: ${oneMessage === null ? 'accepted' : `closed ${oneMessage}`}`
			);
		}
		for (const kind of ['ours', 'reference'] as const) {
			for (let i = 0; i < reps; i++) {
				const dir = fresh();
				const host = Host.spawn(kind);
				try {
					if (kind === 'ours') await host.startOurs(dir);
					else await host.startReference([{ rooms: [ROOM], update: seed.update }]);
					const r = await runImport(kind, host, cookies, batched.updates, count);
					if (r.storedMs !== null) stored.push(r.storedMs);
					seen[kind].push(r.seenMs);
					o.log(
						`  ${kind} ${i + 1}/${reps}: ` +
							(r.storedMs !== null ? `stored ${r.storedMs.toFixed(0)} ms, ` : '') +
							`seen by the peer ${r.seenMs.toFixed(0)} ms` +
							(r.background === null ? '' : `, ${backgroundText(r.background)}`)
					);
				} finally {
					await host.exit();
					fs.rmSync(dir, { recursive: true, force: true });
				}
			}
		}
	} finally {
		fs.rmSync(template, { recursive: true, force: true });
	}

	const what =
		`${count} new members (${Object.keys(rows[0].fields).length} fields each) into a room of ` +
		`${registry}, sent as ${chunks} transactions of ${count / chunks} rows (up to ` +
		`${mb(biggest).toFixed(1)} MB each) back to back; made before the clock starts ` +
		`(${batched.ms.toFixed(0)} ms of client Yjs work)`;
	const single =
		wholeBytes > MAX_MESSAGE_BYTES
			? `As ONE transaction the import is ${mb(wholeBytes).toFixed(1)} MB, over ` +
				`MAX_MESSAGE_BYTES (${mb(MAX_MESSAGE_BYTES)} MiB): our server ` +
				(oneMessage === null ? 'accepted it' : `closed the connection with ${oneMessage}`) +
				`, so a client must split a big import (or it never syncs: each reconnect resends ` +
				`the same oversized sync step 2).`
			: `As one transaction it would be ${mb(wholeBytes).toFixed(1)} MB (under MAX_MESSAGE_BYTES).`;
	const measures: Measure[] = [
		{
			id: 'bulk-import-stored',
			label: `Bulk import of ${count} rows: stored (last ACK)`,
			size: registry,
			server: 'ours',
			unit: 'ms',
			samples: stored.map((x) => round(x, 1)),
			note: `${what}; from the first send to the last ACK (guarded, in the SQLite log). ${single} ${path}`
		},
		{
			id: 'bulk-import-seen',
			label: `Bulk import of ${count} rows: seen by a peer`,
			size: registry,
			server: 'ours',
			unit: 'ms',
			samples: seen.ours.map((x) => round(x, 1)),
			note: `${what}; from the first send to a peer's doc holding all ${count} new rows.`
		},
		{
			id: 'bulk-import-seen',
			label: `Bulk import of ${count} rows: seen by a peer`,
			size: registry,
			server: 'reference',
			unit: 'ms',
			samples: seen.reference.map((x) => round(x, 1)),
			note: 'Same batches on @y/websocket-server (no validation, no storage).'
		}
	];
	for (const m of measures) o.log(`  → ${m.label} [${m.server}]: ${summary(m)}`);
	return measures;
}

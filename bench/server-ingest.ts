/**
 * Measure 4, server ingest: how many small valid updates per second one room accepts.
 *
 * Four editor sockets push N pre-made updates (each sets one field of a member, made
 * before the clock starts) as fast as `ws` sends them, interleaved; a fifth client
 * observes. Ours: from the first send to the last ACK (MESSAGE.ack, sent only after
 * the update is in the SQLite log), and to the observer's last update. The reference
 * has no ACK: observer only.
 */
import fs from 'node:fs';
import type { Measure } from './report';
import type { ProbeValue } from './loop-probe';
import { smallEditCost, smallEditText } from './server-paths';
import {
	Background,
	backgroundText,
	Host,
	checkPrefix,
	now,
	prefixUpdate,
	prepareDataDir,
	probeText,
	round,
	seedUpdate,
	sleep,
	summary,
	SyncClient,
	tempDir,
	waitUntil,
	type ServerKind
} from './server-lib';

const PUSHERS = 4;
const ROWS_PER_PUSHER = 50;
const ROOM = 'default/registry';
const GEN = Symbol('generate');

/** `n` edits of the pusher's own members, made now and sent later. */
function makeUpdates(c: SyncClient, rows: string[], n: number, tag: string): Uint8Array[] {
	const out: Uint8Array[] = [];
	const on = (u: Uint8Array, origin: unknown) => {
		if (origin === GEN) out.push(u);
	};
	c.doc.on('update', on);
	const members = c.members;
	for (let i = 0; i < n; i++) {
		c.doc.transact(() => members.get(rows[i % rows.length])!.set('notes', `${tag} ${i}`), GEN);
	}
	c.doc.off('update', on);
	return out;
}

interface Run {
	acked: number | null;
	observed: number;
	cpuUsPerUpdate: number;
	background: number | null;
	probe: ProbeValue;
}

async function runOnce(
	kind: ServerKind,
	host: Host,
	pushers: SyncClient[],
	observer: SyncClient,
	rows: string[][],
	n: number,
	tag: string
): Promise<Run> {
	const per = Math.ceil(n / PUSHERS);
	const updates = pushers.map((p, i) => makeUpdates(p, rows[i], per, `${tag} p${i}`));
	const total = per * PUSHERS;
	const acks0 = pushers.map((p) => p.acks);
	const seen0 = observer.updatesIn;
	let ackedAt = 0;
	let observedAt = 0;
	for (const p of pushers) {
		p.onAck = () => {
			if (pushers.every((q, i) => q.acks - acks0[i] >= per)) ackedAt ||= now();
		};
	}
	observer.onRemote = () => {
		if (observer.updatesIn - seen0 >= total) observedAt ||= now();
	};
	const cpu0 = await host.cpuMs();
	await host.probe();
	const background = new Background([host]);
	await background.start();
	const t0 = now();
	for (let i = 0; i < per; i++)
		for (let p = 0; p < PUSHERS; p++) pushers[p].sendUpdate(updates[p][i]);
	await waitUntil(
		() => observedAt > 0 && (kind === 'reference' || ackedAt > 0),
		60_000,
		`${kind} ingest of ${total} updates`,
		5
	);
	const others = await background.stop();
	const probe = await host.probe();
	const cpu1 = await host.cpuMs();
	for (const p of pushers) p.onAck = null;
	observer.onRemote = null;
	return {
		acked: kind === 'ours' ? (total * 1000) / (ackedAt - t0) : null,
		observed: (total * 1000) / (observedAt - t0),
		cpuUsPerUpdate: ((cpu1 - cpu0) * 1000) / total,
		background: others,
		probe
	};
}

export async function runIngestBench(o: {
	quick: boolean;
	log: (s: string) => void;
}): Promise<Measure[]> {
	const members = o.quick ? 200 : 1000;
	const n = o.quick ? 2000 : 10_000;
	const runs = o.quick ? 2 : 3;
	o.log(`ingest: ${n} updates from ${PUSHERS} sockets into one room of ${members} members`);
	const seed = seedUpdate(members);
	const path = smallEditText(await smallEditCost(seed.update, seed.ids));
	const pre = prefixUpdate(PUSHERS * ROWS_PER_PUSHER);
	checkPrefix(seed.update, pre.update, members);
	const rows = Array.from({ length: PUSHERS }, (_, i) =>
		pre.ids.slice(i * ROWS_PER_PUSHER, (i + 1) * ROWS_PER_PUSHER)
	);
	const dataDir = tempDir('guildhall-bench-ingest-');
	const users = (
		await prepareDataDir({
			dir: dataDir,
			orgs: [{ org: 'default', users: PUSHERS + 1 }],
			rooms: [{ room: ROOM, snapshot: seed.update }]
		})
	).get('default')!;

	const acked: number[] = [];
	const observed: Record<ServerKind, number[]> = { ours: [], reference: [] };
	const cpu: Record<ServerKind, number[]> = { ours: [], reference: [] };
	const context: Record<ServerKind, string[]> = { ours: [], reference: [] };
	for (const kind of ['ours', 'reference'] as const) {
		const host = Host.spawn(kind);
		const clients: SyncClient[] = [];
		try {
			if (kind === 'ours') await host.startOurs(dataDir);
			else await host.startReference([{ rooms: [ROOM], update: seed.update }]);
			for (let i = 0; i <= PUSHERS; i++) {
				clients.push(
					await SyncClient.connect({
						url: host.url,
						room: ROOM,
						cookie: kind === 'ours' ? users[i].cookie : undefined,
						initial: pre.update,
						requestState: false,
						// Pushers only count what comes back; the observer applies it.
						apply: i === PUSHERS
					})
				);
			}
			const pushers = clients.slice(0, PUSHERS);
			const observer = clients[PUSHERS];
			// Warm-up (JIT, SQLite page cache), not recorded.
			await runOnce(kind, host, pushers, observer, rows, o.quick ? n : n / 2, 'warm-up');
			for (let r = 0; r < runs; r++) {
				await sleep(200);
				const res = await runOnce(kind, host, pushers, observer, rows, n, `run ${r}`);
				if (res.acked !== null) acked.push(res.acked);
				observed[kind].push(res.observed);
				cpu[kind].push(res.cpuUsPerUpdate);
				const ctx =
					probeText(res.probe) +
					(res.background === null ? '' : `, ${backgroundText(res.background)}`);
				context[kind].push(`run ${r + 1}: ${ctx}`);
				o.log(
					`  ${kind} run ${r + 1}/${runs}: ` +
						(res.acked !== null ? `${res.acked.toFixed(0)} acked/s, ` : '') +
						`${res.observed.toFixed(0)} observed/s, server CPU ${res.cpuUsPerUpdate.toFixed(0)} µs/update, ${ctx}`
				);
			}
			const check = observer.members.get(rows[0][0])?.get('notes');
			if (typeof check !== 'string' || !check.startsWith(`run ${runs - 1}`)) {
				throw new Error(`${kind}: the observer did not converge (${String(check)})`);
			}
		} finally {
			for (const c of clients) c.close();
			await host.exit();
		}
	}
	fs.rmSync(dataDir, { recursive: true, force: true });

	const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
	const what =
		`${n} updates (each sets \`notes\` of one of the sender's members; made before the ` +
		`clock starts) pushed by ${PUSHERS} sockets at once, interleaved, into one room seeded ` +
		`with ${members} members; a fifth client observes`;
	const measures: Measure[] = [
		{
			id: 'ingest',
			label: 'Server ingest, one room: updates/s stored and acknowledged',
			size: members,
			server: 'ours',
			unit: 'updates/s',
			samples: acked.map((x) => round(x, 0)),
			target: { value: 5000, kind: 'min', on: 'median' },
			note:
				`${what}; from the first send to the last ACK (sent after the SQLite append). ` +
				`Server CPU ${med(cpu.ours).toFixed(0)} µs per update (guard, append, ` +
				`broadcast to 4 peers, ACK, a snapshot every 500). In the server: ${context.ours.join('; ')}. ${path}`
		},
		{
			id: 'ingest-observed',
			label: 'Server ingest, one room: updates/s seen by an observer',
			size: members,
			server: 'ours',
			unit: 'updates/s',
			samples: observed.ours.map((x) => round(x, 0)),
			note: `${what}; from the first send to the observer's last update.`
		},
		{
			id: 'ingest-observed',
			label: 'Server ingest, one room: updates/s seen by an observer',
			size: members,
			server: 'reference',
			unit: 'updates/s',
			samples: observed.reference.map((x) => round(x, 0)),
			note:
				`Same on @y/websocket-server (in memory, echoes to the sender too). ` +
				`Server CPU ${med(cpu.reference).toFixed(0)} µs per update. In the server: ${context.reference.join('; ')}.`
		}
	];
	for (const m of measures) o.log(`  → ${m.label} [${m.server}]: ${summary(m)}`);
	return measures;
}

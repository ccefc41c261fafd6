/**
 * Where the server's time goes, step by step: the functions our server runs for one
 * client update (server/rooms.ts, server/guard.ts, server/store/sqlite.ts), timed apart
 * in the benchmark process on the same data, next to what the reference server does
 * (Y.applyUpdate with an 'update' listener). Used in the notes of measures 3, 4 and 6.
 */
import fs from 'node:fs';
import * as Y from 'yjs';
import { checkUpdate, syncUpdateMessage } from '../server/rooms';
import { applyGuardedUpdate, guardRegistry } from '../server/guard';
import { SqliteStore } from '../server/store/sqlite';
import { now, tempDir } from './server-lib';

/** Appends that took ≥ 3 ms (before [P4]: SQLite's WAL auto-checkpoint every ~1000 pages). */
export interface Stalls {
	count: number;
	maxMs: number;
	/** Appends per stall. */
	every: number;
}

export interface PathCost {
	/** checkUpdate: Y.decodeUpdate of the whole update; now only for an update that changed nothing. */
	check: number;
	/** applyGuardedUpdate: apply + guard (zod) in one transaction, 'update' event encoded. */
	guarded: number;
	/** The reference's work: Y.applyUpdate with an 'update' listener. */
	plain: number;
	/** SqliteStore.appendUpdates of one row: one write to the update journal ([P1]; into SQLite later). */
	append: number;
	/** The broadcast message. */
	message: number;
	/** The same rows through appendUpdates, 100 per call (group commit under load). */
	batchedAppend: number;
}

/** Append `updates` to a fresh store's log, 100 rows per appendUpdates call (one transaction). */
async function batchedAppend(updates: Uint8Array[]): Promise<number> {
	const dir = tempDir('guildhall-bench-batch-');
	const store = new SqliteStore({ dataDir: dir });
	try {
		const t = now();
		for (let i = 0; i < updates.length; i += 100) {
			await store.appendUpdates(
				updates
					.slice(i, i + 100)
					.map((update) => ({ room: 'bench/registry', update, userId: null, at: 0 }))
			);
		}
		return now() - t;
	} finally {
		await store.close();
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

function docOf(state: Uint8Array): Y.Doc {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, state);
	doc.getMap('members');
	doc.getMap('meta');
	doc.on('update', () => {});
	return doc;
}

/** Total ms per step for applying `updates` in order on a doc holding `state`. */
export async function pathCost(
	state: Uint8Array,
	updates: Uint8Array[]
): Promise<PathCost & { stalls: Stalls }> {
	const dir = tempDir('guildhall-bench-path-');
	const store = new SqliteStore({ dataDir: dir });
	try {
		const plainDoc = docOf(state);
		const guardedDoc = docOf(state);
		const cost: PathCost = {
			check: 0,
			guarded: 0,
			plain: 0,
			append: 0,
			message: 0,
			batchedAppend: 0
		};
		const stalls: Stalls = { count: 0, maxMs: 0, every: 0 };
		const time = (k: keyof PathCost, fn: () => void) => {
			const t = now();
			fn();
			const d = now() - t;
			cost[k] += d;
			if (k === 'append' && d >= 3) {
				stalls.count++;
				stalls.maxMs = Math.max(stalls.maxMs, d);
			}
		};
		for (const u of updates) {
			time('check', () => checkUpdate(u));
			time('plain', () => Y.applyUpdate(plainDoc, u));
			time('guarded', () =>
				applyGuardedUpdate({ doc: guardedDoc, update: u, origin: null, guard: guardRegistry })
			);
			time('append', () => {
				void store.appendUpdates([{ room: 'bench/registry', update: u, userId: null, at: 0 }]);
			});
			time('message', () => syncUpdateMessage(u));
		}
		plainDoc.destroy();
		guardedDoc.destroy();
		cost.batchedAppend = await batchedAppend(updates);
		stalls.every = stalls.count ? updates.length / stalls.count : 0;
		return { ...cost, stalls };
	} finally {
		await store.close();
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

/** `n` one-field edits (as a client sends them) of the members `ids` of `state`. */
export function smallEdits(state: Uint8Array, ids: string[], n: number): Uint8Array[] {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, state);
	const out: Uint8Array[] = [];
	doc.on('update', (u: Uint8Array) => out.push(u));
	const members = doc.getMap<Y.Map<unknown>>('members');
	for (let i = 0; i < n; i++) members.get(ids[i % ids.length])!.set('notes', `path ${i}`);
	doc.destroy();
	return out;
}

/** Per-update costs of one-field edits in µs, after a warm-up pass; and a snapshot's encode. */
export async function smallEditCost(
	state: Uint8Array,
	ids: string[],
	n = 3000
): Promise<{ perUpdateUs: PathCost; snapshotMs: number; stalls: Stalls }> {
	// Two independent sets (each from the seed state), so each applies on a fresh doc.
	await pathCost(state, smallEdits(state, ids, n));
	const { stalls, ...total } = await pathCost(state, smallEdits(state, ids, n));
	const doc = docOf(state);
	const t = now();
	Y.encodeStateAsUpdate(doc);
	const snapshotMs = now() - t;
	doc.destroy();
	const perUpdateUs = Object.fromEntries(
		Object.entries(total).map(([k, v]) => [k, (v * 1000) / n])
	) as unknown as PathCost;
	return { perUpdateUs, snapshotMs, stalls };
}

export function smallEditText(c: {
	perUpdateUs: PathCost;
	snapshotMs: number;
	stalls: Stalls;
}): string {
	const u = c.perUpdateUs;
	const f = (x: number) => x.toFixed(0);
	return (
		`Server work per one-field edit, timed apart in the benchmark process: ours ` +
		`${f(u.guarded + u.append + u.message)} µs = store append alone (one journal write, [P1]) ` +
		`${f(u.append)} + apply with guard ${f(u.guarded)} + message ${f(u.message)} (the ACK's ` +
		`client ids come from the transaction; the decode check, ${f(u.check)} µs, now runs only ` +
		`for a resend that changed nothing); the reference's apply ${f(u.plain)} µs. With group ` +
		`commit [P4] the updates of one event-loop callback share one journal write: at 100 a write ` +
		`${u.batchedAppend.toFixed(1)} µs a row. ` +
		(c.stalls.count
			? `One append in ~${c.stalls.every.toFixed(0)} took ≥ 3 ms (longest ` +
				`${c.stalls.maxMs.toFixed(1)} ms) on this loaded machine; WAL checkpoints no longer ` +
				`run on appends (wal_autocheckpoint=0, checkpoints in the store's background thread). `
			: "No append took ≥ 3 ms (WAL checkpoints run in the store's background thread). ") +
		`Snapshots (every 500 stored updates) are merged in that thread from the stored ` +
		`snapshot and log rows; encoding this room from the doc would take ` +
		`${c.snapshotMs.toFixed(0)} ms on the event loop, as it did before.`
	);
}

export function bulkText(c: PathCost): string {
	const f = (x: number) => x.toFixed(0);
	return (
		`Server work for the import, timed apart in the benchmark process: ours ` +
		`${f(c.guarded + c.append + c.message)} ms = apply with guard ${f(c.guarded)} (the ` +
		`reference's plain apply: ${f(c.plain)}) + store append ${f(c.append)} (the decode ` +
		`check for the ACK's client ids, ${f(c.check)} ms before, is gone: they come from the ` +
		`transaction).`
	);
}

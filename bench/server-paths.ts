/**
 * Where the server's time goes, step by step: the functions our server runs for one
 * client update (server/rooms.ts, server/guard.ts, server/store/sqlite.ts), timed apart
 * in the benchmark process on the same data, next to what the reference server does
 * (Y.applyUpdate with an 'update' listener). Used in the notes of measures 3, 4 and 6.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import { checkUpdate, syncUpdateMessage } from '../server/rooms';
import { applyGuardedUpdate, guardRegistry } from '../server/guard';
import { SqliteStore } from '../server/store/sqlite';
import { now, tempDir } from './server-lib';

/** Appends that took ≥ 3 ms: SQLite's WAL auto-checkpoint (every ~1000 WAL pages). */
export interface Stalls {
	count: number;
	maxMs: number;
	/** Appends per stall. */
	every: number;
}

export interface PathCost {
	/** checkUpdate: Y.decodeUpdate of the whole update, for its client ids (ACK) and validity. */
	check: number;
	/** applyGuardedUpdate: apply + guard (zod) in one transaction, 'update' event encoded. */
	guarded: number;
	/** The reference's work: Y.applyUpdate with an 'update' listener. */
	plain: number;
	/** SqliteStore.appendUpdate: one INSERT, its own transaction (WAL, synchronous=NORMAL). */
	append: number;
	/** The broadcast message. */
	message: number;
	/** The same rows appended in transactions of 100 (what batching the outbox would cost). */
	batchedAppend: number;
}

/** Append `updates` to a fresh room log like SqliteStore does, but 100 rows per transaction. */
function batchedAppend(dir: string, updates: Uint8Array[]): number {
	const db = new Database(path.join(dir, 'batched.db'));
	try {
		db.pragma('journal_mode = WAL');
		db.pragma('synchronous = NORMAL');
		db.exec(
			'CREATE TABLE room_updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, room TEXT NOT NULL, ' +
				'data BLOB NOT NULL, user_id INTEGER, at INTEGER NOT NULL); ' +
				'CREATE INDEX room_updates_room_seq ON room_updates(room, seq);'
		);
		const insert = db.prepare(
			'INSERT INTO room_updates (room, data, user_id, at) VALUES (?, ?, ?, ?)'
		);
		const many = db.transaction((us: Uint8Array[]) => {
			for (const u of us) insert.run('bench/registry', Buffer.from(u), null, 0);
		});
		const t = now();
		for (let i = 0; i < updates.length; i += 100) many(updates.slice(i, i + 100));
		return now() - t;
	} finally {
		db.close();
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
				void store.appendUpdate({ room: 'bench/registry', update: u, userId: null, at: 0 });
			});
			time('message', () => syncUpdateMessage(u));
		}
		plainDoc.destroy();
		guardedDoc.destroy();
		cost.batchedAppend = batchedAppend(dir, updates);
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
		`${f(u.check + u.guarded + u.append + u.message)} µs = SQLite append ${f(u.append)} + ` +
		`apply with guard ${f(u.guarded)} + decode check ${f(u.check)} + message ${f(u.message)}; ` +
		`the reference's apply ${f(u.plain)} µs. Appending 100 rows per SQLite transaction ` +
		`instead costs ${u.batchedAppend.toFixed(1)} µs a row. ` +
		(c.stalls.count
			? `One append in ~${c.stalls.every.toFixed(0)} takes ≥ 3 ms (longest ` +
				`${c.stalls.maxMs.toFixed(1)} ms): SQLite's WAL auto-checkpoint, on the event loop. `
			: '') +
		`Plus a snapshot every 500 stored updates ` +
		`(${c.snapshotMs.toFixed(0)} ms for this room, ${f((c.snapshotMs * 1000) / 500)} µs a ` +
		`update amortised, all at once on the event loop).`
	);
}

export function bulkText(c: PathCost): string {
	const f = (x: number) => x.toFixed(0);
	return (
		`Server work for the import, timed apart in the benchmark process: ours ` +
		`${f(c.check + c.guarded + c.append + c.message)} ms = decode check (Y.decodeUpdate, only ` +
		`for the ACK's client ids) ${f(c.check)} + apply with guard ${f(c.guarded)} (the ` +
		`reference's plain apply: ${f(c.plain)}) + SQLite append ${f(c.append)}.`
	);
}

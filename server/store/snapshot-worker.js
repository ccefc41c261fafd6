// The SQLite store's background thread (worker_threads), so that no room's event loop
// waits for work on a whole document. Plain JavaScript: it runs as is, from the
// sources (tests, `npm run dev`) and from the build (dist/server.js finds it here).
//
// Jobs (one at a time, in order), each answered with { id, ... } or { id, error }:
//  - snapshot {room, upToSeq}: reads the room's last snapshot and the log rows after it
//    up to upToSeq on its own connection, merges them (Y.mergeUpdates, no Y.Doc), and
//    writes the new snapshot with its state vector, in parts of PART_BYTES that are each
//    a valid update (so a room is later built a part per event-loop turn). Answers with
//    their count and size only: the room reads the bytes from the table when it needs
//    them (a new device, [R4]), and does not hold a copy of every snapshot meanwhile.
//    With `gc` (a room unloaded after deletions) and a stored state of at most
//    `gcMaxBytes`, it applies them to a Y.Doc instead and stores the doc's encoding:
//    mergeUpdates keeps the content of deleted items and overwritten values, a Y.Doc
//    garbage-collects it. Then the snapshot is rewritten even if it covers upToSeq.
//    (Bigger rooms are merged as usual: a doc of them would cost this thread seconds
//    and hundreds of MB.)
//  - checkpoint: a PASSIVE WAL checkpoint (the main connection has wal_autocheckpoint=0,
//    so its appends never stall on one). PASSIVE never waits for the writer.
import { parentPort, workerData } from 'node:worker_threads';
import os from 'node:os';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import { splitUpdate } from '../../src/lib/yjs/split-update.js';

const PART_BYTES = 1024 * 1024; // SNAPSHOT_PART_BYTES in sqlite.ts
const BACKGROUND_NICE = 19;

// This thread yields the CPU to the event loop. Where the server shares its cores (a
// small VM, the benchmark's one CPU), a snapshot merge at the loop's priority takes the
// CPU from it as soon as a job is posted: CPU profiles of the 100-room edit benchmark
// showed 11-20 ms a round of the loop stalled in the `postMessage` of snapshot jobs, and
// 0-1.3 ms with nice 19 (docs/BENCHMARKS.md). Jobs still run whenever the loop is idle.
// Linux only: there setpriority(0) sets the calling thread's nice value; elsewhere it
// would lower the whole process.
if (process.platform === 'linux') {
	try {
		os.setPriority(0, BACKGROUND_NICE);
	} catch (e) {
		console.warn(`Guildhall: the store's background thread keeps its priority (${e.message}).`);
	}
}

const db = new Database(workerData.file);
db.pragma(`busy_timeout = ${workerData.busyTimeoutMs ?? 5000}`);
db.pragma('synchronous = NORMAL');

const q = {
	snapshot: db.prepare('SELECT state, parts, up_to_seq FROM room_snapshots WHERE room = ?'),
	parts: db.prepare('SELECT data FROM room_snapshot_parts WHERE room = ? ORDER BY n').pluck(),
	deleteParts: db.prepare('DELETE FROM room_snapshot_parts WHERE room = ?'),
	insertPart: db.prepare('INSERT INTO room_snapshot_parts (room, n, data) VALUES (?, ?, ?)'),
	rows: db
		.prepare('SELECT data FROM room_updates WHERE room = ? AND seq > ? AND seq <= ? ORDER BY seq')
		.pluck(),
	write: db.prepare(
		`INSERT INTO room_snapshots (room, state, sv, parts, up_to_seq, at) VALUES (?, x'', ?, ?, ?, ?)
		 ON CONFLICT(room) DO UPDATE SET state = excluded.state, sv = excluded.sv,
		 parts = excluded.parts, up_to_seq = excluded.up_to_seq, at = excluded.at
		 WHERE excluded.up_to_seq >= room_snapshots.up_to_seq`
	)
};

const read = db.transaction((room, upToSeq, gc) => {
	const s = q.snapshot.get(room);
	if (s && s.up_to_seq >= upToSeq && !gc) return null;
	const upTo = s ? Math.max(s.up_to_seq, upToSeq) : upToSeq;
	const rows = q.rows.all(room, s ? s.up_to_seq : 0, upTo);
	const stored = !s ? [] : s.parts > 0 ? q.parts.all(room) : [s.state];
	return { stored, rows, upTo, fresh: !s || s.up_to_seq < upToSeq };
});

/** The state of `updates` as a garbage-collected Y.Doc encodes it. */
function collect(updates) {
	const doc = new Y.Doc({ gc: true });
	doc.transact(() => {
		for (const u of updates) Y.applyUpdate(doc, u);
	});
	const state = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return state;
}

const write = db.transaction((room, parts, sv, upToSeq) => {
	const r = q.write.run(room, sv, parts.length, upToSeq, Date.now());
	if (r.changes === 0) return false;
	q.deleteParts.run(room);
	parts.forEach((p, n) => q.insertPart.run(room, n, p));
	return true;
});

function snapshot({ room, upToSeq, gc = false, gcMaxBytes = 0 }) {
	const found = read(room, upToSeq, gc);
	if (!found) return { skipped: true };
	const all = [...found.stored, ...found.rows];
	const bytes = all.reduce((n, u) => n + u.byteLength, 0);
	let state = null;
	if (gc && all.length > 0 && bytes <= gcMaxBytes) {
		try {
			state = collect(all);
		} catch {
			state = null; // a row Yjs cannot apply: merge as usual (the room's build skips it)
		}
	}
	const collected = state !== null;
	// Asked to collect a room too big for it, and nothing new to merge: nothing to do.
	if (!collected && !found.fresh) return { skipped: true };
	state ??= all.length === 1 ? all[0] : Y.mergeUpdates(all);
	const sv = Y.encodeStateVectorFromUpdate(state);
	const parts = splitUpdate(state, PART_BYTES);
	if (!write(room, parts, sv, found.upTo)) return { skipped: true };
	const stored = parts.reduce((n, p) => n + p.byteLength, 0);
	return { parts: parts.length, bytes: stored, upToSeq: found.upTo, collected };
}

parentPort.on('message', (job) => {
	try {
		if (job.type === 'snapshot') {
			parentPort.postMessage({ id: job.id, ...snapshot(job) });
		} else if (job.type === 'checkpoint') {
			const [row] = db.pragma('wal_checkpoint(PASSIVE)');
			parentPort.postMessage({ id: job.id, ...row });
		} else if (job.type === 'close') {
			db.close();
			parentPort.postMessage({ id: job.id });
			parentPort.close();
		} else {
			parentPort.postMessage({ id: job.id, error: `unknown job ${job.type}` });
		}
	} catch (e) {
		parentPort.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) });
	}
});

// The SQLite store's background thread (worker_threads), so that no room's event loop
// waits for work on a whole document. Plain JavaScript: it runs as is, from the
// sources (tests, `npm run dev`) and from the build (dist/server.js finds it here).
//
// Jobs (one at a time, in order), each answered with { id, ... } or { id, error }:
//  - snapshot {room, upToSeq}: reads the room's last snapshot and the log rows after it
//    up to upToSeq on its own connection, merges them (Y.mergeUpdates, no Y.Doc), and
//    writes the new snapshot with its state vector. Answers with the bytes (transferred,
//    not copied) so the room can serve new devices from them.
//  - checkpoint: a PASSIVE WAL checkpoint (the main connection has wal_autocheckpoint=0,
//    so its appends never stall on one). PASSIVE never waits for the writer.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import * as Y from 'yjs';

const db = new Database(workerData.file);
db.pragma(`busy_timeout = ${workerData.busyTimeoutMs ?? 5000}`);
db.pragma('synchronous = NORMAL');

const q = {
	snapshot: db.prepare('SELECT state, up_to_seq FROM room_snapshots WHERE room = ?'),
	rows: db
		.prepare('SELECT data FROM room_updates WHERE room = ? AND seq > ? AND seq <= ? ORDER BY seq')
		.pluck(),
	write: db.prepare(
		`INSERT INTO room_snapshots (room, state, sv, up_to_seq, at) VALUES (?, ?, ?, ?, ?)
		 ON CONFLICT(room) DO UPDATE SET state = excluded.state, sv = excluded.sv,
		 up_to_seq = excluded.up_to_seq, at = excluded.at
		 WHERE excluded.up_to_seq >= room_snapshots.up_to_seq`
	)
};

const read = db.transaction((room, upToSeq) => {
	const s = q.snapshot.get(room);
	if (s && s.up_to_seq >= upToSeq) return null;
	const rows = q.rows.all(room, s ? s.up_to_seq : 0, upToSeq);
	return { state: s ? s.state : null, rows };
});

function snapshot({ room, upToSeq }) {
	const found = read(room, upToSeq);
	if (!found) return { skipped: true };
	const parts = found.state ? [found.state, ...found.rows] : found.rows;
	const state = parts.length === 1 ? new Uint8Array(parts[0]) : Y.mergeUpdates(parts);
	const sv = Y.encodeStateVectorFromUpdate(state);
	q.write.run(room, state, sv, upToSeq, Date.now());
	return { state, sv, upToSeq };
}

parentPort.on('message', (job) => {
	try {
		if (job.type === 'snapshot') {
			const r = snapshot(job);
			const transfer = r.state ? [r.state.buffer, r.sv.buffer] : [];
			parentPort.postMessage({ id: job.id, ...r }, transfer);
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

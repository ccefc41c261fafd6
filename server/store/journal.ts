/**
 * The update journal: an append-only file beside the SQLite database that takes a room's
 * changes first, so an edit waits on one `write` before it is broadcast instead of on a
 * SQLite commit ([P1], [P4]; docs/BENCHMARKS.md has the measures).
 *
 * A change is durable once its record is written here: the write returns when the bytes
 * are in the operating system's cache, which is what a commit of the WAL-mode database
 * (`synchronous=NORMAL`) gives too: safe when the process crashes, not on power loss.
 * The store moves the records into the `room_updates` table in batches, off the edit's
 * path, then empties the file; at start it moves whatever a stopped process left.
 *
 * Each record carries the log `seq` the store gave it, so moving one twice (a crash
 * between the database commit and emptying the file) inserts nothing the second time.
 * The records of one append are one batch, kept or dropped whole ([P4]): u32 length
 * and u32 CRC-32 of the body, then per record f64 seq, f64 at, f64 user id (NaN for
 * the server), u16 room length, u32 update length, the room (UTF-8), the update.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';

export interface JournalRecord {
	seq: number;
	room: string;
	update: Uint8Array;
	userId: number | null;
	at: number;
}

const HEAD = 8;
const FIXED = 8 + 8 + 8 + 2 + 4;
/** A batch longer than this is not one (a damaged length); batches are far smaller. */
const MAX_BODY = 1 << 30;

/** The rooms' names as UTF-8, made once per room (a server has a bounded set of rooms). */
const roomBytes = new Map<string, Buffer>();
function nameBytes(room: string): Buffer {
	let b = roomBytes.get(room);
	if (!b) {
		if (roomBytes.size >= 10_000) roomBytes.clear();
		b = Buffer.from(room, 'utf8');
		roomBytes.set(room, b);
	}
	return b;
}

/** One batch of records: written, and read back, whole or not at all. */
export function encodeRecords(rs: readonly JournalRecord[]): Buffer {
	let body = 0;
	for (let i = 0; i < rs.length; i++) {
		body += FIXED + nameBytes(rs[i].room).length + rs[i].update.byteLength;
	}
	const out = Buffer.allocUnsafe(HEAD + body);
	let p = HEAD;
	for (let i = 0; i < rs.length; i++) {
		const r = rs[i];
		const room = nameBytes(r.room);
		p = out.writeDoubleLE(r.seq, p);
		p = out.writeDoubleLE(r.at, p);
		p = out.writeDoubleLE(r.userId ?? NaN, p);
		p = out.writeUInt16LE(room.length, p);
		p = out.writeUInt32LE(r.update.byteLength, p);
		p += room.copy(out, p);
		out.set(r.update, p);
		p += r.update.byteLength;
	}
	out.writeUInt32LE(body, 0);
	out.writeUInt32LE(zlib.crc32(out.subarray(HEAD)), 4);
	return out;
}

/**
 * The records of `bytes`, in order, up to the first batch that is not whole or whose
 * checksum fails (a write the process did not finish): `validBytes` is where it starts.
 */
export function decodeRecords(bytes: Buffer): { records: JournalRecord[]; validBytes: number } {
	const records: JournalRecord[] = [];
	let o = 0;
	while (o + HEAD <= bytes.length) {
		const size = bytes.readUInt32LE(o);
		const start = o + HEAD;
		if (size === 0 || size > MAX_BODY || start + size > bytes.length) break;
		const b = bytes.subarray(start, start + size);
		if (zlib.crc32(b) !== bytes.readUInt32LE(o + 4)) break;
		const batch: JournalRecord[] = [];
		let p = 0;
		while (p + FIXED <= b.length) {
			const roomLength = b.readUInt16LE(p + 24);
			const updateLength = b.readUInt32LE(p + 26);
			const end = p + FIXED + roomLength + updateLength;
			if (end > b.length) break;
			const userId = b.readDoubleLE(p + 16);
			batch.push({
				seq: b.readDoubleLE(p),
				at: b.readDoubleLE(p + 8),
				userId: Number.isNaN(userId) ? null : userId,
				room: b.toString('utf8', p + FIXED, p + FIXED + roomLength),
				// A copy, so the file's buffer is not kept alive by one small update.
				update: new Uint8Array(b.subarray(p + FIXED + roomLength, end))
			});
			p = end;
		}
		// A checksum that matches a batch that does not parse: written by something else.
		if (p !== b.length) break;
		records.push(...batch);
		o = start + size;
	}
	return { records, validBytes: o };
}

/** What the journal at `file` holds (nothing if there is no file). */
export function readJournal(file: string): {
	records: JournalRecord[];
	validBytes: number;
	bytes: number;
} {
	let fd: number;
	try {
		fd = fs.openSync(file, 'r');
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code === 'ENOENT')
			return { records: [], validBytes: 0, bytes: 0 };
		throw e;
	}
	try {
		// Its size, not "until end of file": a device in its place is read as empty.
		const st = fs.fstatSync(fd);
		const size = st.isFile() ? st.size : 0;
		const bytes = Buffer.alloc(size);
		let read = 0;
		while (read < size) {
			const n = fs.readSync(fd, bytes, read, size - read, read);
			if (n === 0) break;
			read += n;
		}
		return { ...decodeRecords(bytes.subarray(0, read)), bytes: read };
	} finally {
		fs.closeSync(fd);
	}
}

/**
 * The file, kept open for appending. It is opened afresh after a write failed (a full
 * disk) and when the file at its path is no longer the one open (moved or removed).
 */
export class UpdateJournal {
	private fd: number | null = null;
	private size = 0;

	constructor(readonly file: string) {}

	/** Write `records` in one call; when it throws, the file is as it was. */
	append(records: readonly JournalRecord[]): void {
		const bytes = encodeRecords(records);
		try {
			if (this.fd === null) {
				this.fd = fs.openSync(this.file, 'a');
				this.size = fs.fstatSync(this.fd).size;
			}
			let written = 0;
			while (written < bytes.length) {
				written += fs.writeSync(this.fd, bytes, written, bytes.length - written);
			}
			this.size += bytes.length;
		} catch (e) {
			this.reset();
			throw e;
		}
	}

	/** Every record is in the database: empty the file (a failure only leaves them twice). */
	clear(): void {
		if (this.fd === null || this.size === 0) return;
		fs.ftruncateSync(this.fd, 0);
		this.size = 0;
		const there = fs.statSync(this.file, { throwIfNoEntry: false });
		const open = fs.fstatSync(this.fd);
		if (there?.ino !== open.ino || there.dev !== open.dev) this.close();
	}

	close(): void {
		if (this.fd === null) return;
		const fd = this.fd;
		this.fd = null;
		fs.closeSync(fd);
	}

	/** After a failed write: cut off what part of it reached the file, close it. */
	private reset(): void {
		if (this.fd === null) return;
		try {
			fs.ftruncateSync(this.fd, this.size);
		} catch {
			// A record cut short is found by its length or checksum when the file is read.
		}
		try {
			this.close();
		} catch {
			this.fd = null;
		}
	}
}

/**
 * The member history index (issue 4, member file): per-field changes derived from
 * the room update log by server/history.ts, kept so that a member's history is one
 * indexed query even in a 100k-member room with a long log. It is a cache of the
 * log: it can be dropped and rebuilt at any time, and it lives in its own tables
 * (created here, outside the store's numbered migrations).
 */
import type Database from 'better-sqlite3';

export const HISTORY_KIND = { create: 'create', set: 'set', delete: 'delete' } as const;
export type HistoryKind = (typeof HISTORY_KIND)[keyof typeof HISTORY_KIND];

export type Primitive = string | number | boolean;

export interface HistoryEntry {
	/** The log row it comes from. */
	seq: number;
	/** Epoch milliseconds (the log row's time). */
	at: number;
	/** The log row's user; null for the server's own writes. */
	userId: number | null;
	/** The member the change belongs to (the row itself, or a child row's `memberId`). */
	memberId: string;
	/** `members`, `contacts`, `activities`, `notes`. */
	table: string;
	rowId: string;
	kind: HistoryKind;
	/** The field for `set`; null for `create` / `delete`. */
	field: string | null;
	/** `set`: the old value (null: absent); `delete`: the row's last values. */
	from: Primitive | Record<string, Primitive> | null;
	/** `set`: the new value (null: cleared); `create`: the row's first values. */
	to: Primitive | Record<string, Primitive> | null;
}

export interface HistoryProgress {
	/** Entries are complete for every log row up to this seq. */
	upToSeq: number;
	/** A saved replica of the doc at `stateSeq` (<= upToSeq), to resume without replaying. */
	state: Uint8Array | null;
	stateSeq: number;
}

export interface HistoryStore {
	progress(room: string): Promise<HistoryProgress | null>;
	/** The room's newest log row (0 when empty). */
	lastLogSeq(room: string): Promise<number>;
	/** Add entries and move `upToSeq`, in one transaction. */
	append(room: string, entries: readonly HistoryEntry[], upToSeq: number): Promise<void>;
	saveState(room: string, state: Uint8Array, stateSeq: number): Promise<void>;
	/** Forget entries after `seq` (before replaying from an older saved state). */
	truncate(room: string, afterSeq: number): Promise<void>;
	/** Newest first, before `beforeSeq` if given. */
	list(
		room: string,
		memberIds: readonly string[],
		opts: { beforeSeq?: number; limit: number }
	): Promise<HistoryEntry[]>;
	/** Rows whose `mergedInto` was set to `survivorId` by the log. */
	mergedInto(room: string, survivorId: string): Promise<string[]>;
}

interface EntryRow {
	seq: number;
	at: number;
	user_id: number | null;
	member_id: string;
	tbl: string;
	row_id: string;
	kind: HistoryKind;
	field: string | null;
	old: string | null;
	new: string | null;
}

const json = (v: unknown): string | null =>
	v === null || v === undefined ? null : JSON.stringify(v);
const unjson = (s: string | null) => (s === null ? null : JSON.parse(s));

export class SqliteHistoryStore implements HistoryStore {
	private readonly q;

	/** `lastUnlogged`: the room's last seq in the store's update journal, not yet in the table (0: none). */
	constructor(
		private readonly db: Database.Database,
		private readonly lastUnlogged: (room: string) => number = () => 0
	) {
		db.exec(`
			CREATE TABLE IF NOT EXISTS member_history (
				id INTEGER PRIMARY KEY,
				room TEXT NOT NULL,
				member_id TEXT NOT NULL,
				seq INTEGER NOT NULL,
				at INTEGER NOT NULL,
				user_id INTEGER,
				tbl TEXT NOT NULL,
				row_id TEXT NOT NULL,
				kind TEXT NOT NULL,
				field TEXT,
				old TEXT,
				new TEXT
			);
			CREATE INDEX IF NOT EXISTS member_history_member ON member_history(room, member_id, seq);
			CREATE INDEX IF NOT EXISTS member_history_seq ON member_history(room, seq);
			CREATE INDEX IF NOT EXISTS member_history_merged ON member_history(room, new)
				WHERE tbl = 'members' AND field = 'mergedInto';
			CREATE TABLE IF NOT EXISTS member_history_progress (
				room TEXT PRIMARY KEY,
				up_to_seq INTEGER NOT NULL,
				state BLOB,
				state_seq INTEGER NOT NULL DEFAULT 0
			);
		`);
		this.q = {
			progress: db.prepare(
				'SELECT up_to_seq, state, state_seq FROM member_history_progress WHERE room = ?'
			),
			lastLogSeq: db
				.prepare('SELECT coalesce(max(seq), 0) FROM room_updates WHERE room = ?')
				.pluck(),
			insert: db.prepare(
				`INSERT INTO member_history (room, member_id, seq, at, user_id, tbl, row_id, kind, field, old, new)
				 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
			),
			setProgress: db.prepare(
				`INSERT INTO member_history_progress (room, up_to_seq) VALUES (?, ?)
				 ON CONFLICT(room) DO UPDATE SET up_to_seq = excluded.up_to_seq`
			),
			saveState: db.prepare(
				`INSERT INTO member_history_progress (room, up_to_seq, state, state_seq) VALUES (?, ?, ?, ?)
				 ON CONFLICT(room) DO UPDATE SET state = excluded.state, state_seq = excluded.state_seq`
			),
			truncate: db.prepare('DELETE FROM member_history WHERE room = ? AND seq > ?'),
			mergedInto: db
				.prepare(
					`SELECT DISTINCT row_id FROM member_history
					 WHERE room = ? AND tbl = 'members' AND field = 'mergedInto' AND new = ?`
				)
				.pluck()
		};
	}

	async progress(room: string): Promise<HistoryProgress | null> {
		const r = this.q.progress.get(room) as
			{ up_to_seq: number; state: Buffer | null; state_seq: number } | undefined;
		if (!r) return null;
		return {
			upToSeq: r.up_to_seq,
			state: r.state ? new Uint8Array(r.state) : null,
			stateSeq: r.state_seq
		};
	}

	async lastLogSeq(room: string): Promise<number> {
		return Math.max(this.q.lastLogSeq.get(room) as number, this.lastUnlogged(room));
	}

	async append(room: string, entries: readonly HistoryEntry[], upToSeq: number): Promise<void> {
		this.db.transaction(() => {
			for (const e of entries) {
				this.q.insert.run(
					room,
					e.memberId,
					e.seq,
					e.at,
					e.userId,
					e.table,
					e.rowId,
					e.kind,
					e.field,
					json(e.from),
					json(e.to)
				);
			}
			this.q.setProgress.run(room, upToSeq);
		})();
	}

	async saveState(room: string, state: Uint8Array, stateSeq: number): Promise<void> {
		this.q.saveState.run(room, stateSeq, Buffer.from(state), stateSeq);
	}

	async truncate(room: string, afterSeq: number): Promise<void> {
		this.db.transaction(() => {
			this.q.truncate.run(room, afterSeq);
			this.q.setProgress.run(room, afterSeq);
		})();
	}

	async list(
		room: string,
		memberIds: readonly string[],
		{ beforeSeq, limit }: { beforeSeq?: number; limit: number }
	): Promise<HistoryEntry[]> {
		if (memberIds.length === 0) return [];
		const marks = memberIds.map(() => '?').join(', ');
		const rows = this.db
			.prepare(
				`SELECT seq, at, user_id, member_id, tbl, row_id, kind, field, old, new FROM member_history
				 WHERE room = ? AND member_id IN (${marks}) AND seq < ?
				 ORDER BY seq DESC, id DESC LIMIT ?`
			)
			.all(room, ...memberIds, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit) as EntryRow[];
		return rows.map((r) => ({
			seq: r.seq,
			at: r.at,
			userId: r.user_id,
			memberId: r.member_id,
			table: r.tbl,
			rowId: r.row_id,
			kind: r.kind,
			field: r.field,
			from: unjson(r.old),
			to: unjson(r.new)
		}));
	}

	async mergedInto(room: string, survivorId: string): Promise<string[]> {
		return this.q.mergedInto.all(room, JSON.stringify(survivorId)) as string[];
	}
}

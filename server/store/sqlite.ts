/**
 * The default store: one SQLite file (`<dataDir>/guildhall.db`) through better-sqlite3.
 *
 * WAL lets readers run beside the single writer; `synchronous=NORMAL` in WAL mode is
 * durable against application crashes and only risks the last transactions on power
 * loss, the usual trade for a log that is appended on every keystroke. The schema is
 * versioned with `PRAGMA user_version` and a list of migrations applied in order.
 *
 * Off the event loop: WAL checkpoints (`wal_autocheckpoint=0` here; a background
 * thread checkpoints PASSIVE after every ~4 MB appended and every 10 s) and snapshots,
 * which that thread merges from the stored snapshot and log rows (snapshot-worker.js),
 * or, asked to collect garbage, builds as a Y.Doc and encodes (rooms up to 8 MiB).
 * That thread runs at the lowest CPU priority (nice 19, Linux), so on shared cores its
 * jobs wait for the event loop, not the other way round.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import { splitUpdate } from '../../src/lib/yjs/split-update.js';
import { role } from '../../src/lib/domain/access';
import { z } from 'zod';
import {
	UsernameTakenError,
	type AppendedUpdate,
	type CommandRecord,
	type NewCommandRecord,
	type RecordedCommand,
	type LoadedRoom,
	type MergedSnapshot,
	type NewUserRecord,
	type SessionRecord,
	type Store,
	type StoredUpdate,
	type SurveyLinkRecord,
	type UserRecord,
	type UserUpdate
} from './types';
import { SqliteHistoryStore, type HistoryStore } from './history';
import { readJournal, UpdateJournal, type JournalRecord } from './journal';
import { lockDataDir } from './lock';
import type { ExportLogEntry } from '../../src/lib/domain/export';

/** Each entry moves the schema from version i to i + 1. Never edit a released one. */
const MIGRATIONS: readonly string[] = [
	`
	CREATE TABLE orgs (
		name TEXT PRIMARY KEY,
		created_at TEXT NOT NULL
	);
	CREATE TABLE users (
		id INTEGER PRIMARY KEY,
		org TEXT NOT NULL REFERENCES orgs(name),
		username TEXT NOT NULL UNIQUE COLLATE NOCASE,
		display_name TEXT,
		password_hash TEXT NOT NULL,
		roles TEXT NOT NULL,
		disabled INTEGER NOT NULL DEFAULT 0,
		created_at TEXT NOT NULL,
		updated_at TEXT NOT NULL
	);
	CREATE TABLE sessions (
		token_hash TEXT PRIMARY KEY,
		user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
		created_at INTEGER NOT NULL,
		expires_at INTEGER NOT NULL
	);
	CREATE INDEX sessions_user ON sessions(user_id);
	CREATE INDEX sessions_expires ON sessions(expires_at);
	CREATE TABLE room_updates (
		seq INTEGER PRIMARY KEY AUTOINCREMENT,
		room TEXT NOT NULL,
		data BLOB NOT NULL,
		user_id INTEGER REFERENCES users(id),
		at INTEGER NOT NULL
	);
	CREATE INDEX room_updates_room_seq ON room_updates(room, seq);
	CREATE TABLE room_snapshots (
		room TEXT PRIMARY KEY,
		state BLOB NOT NULL,
		up_to_seq INTEGER NOT NULL,
		at INTEGER NOT NULL
	);
	CREATE TABLE member_numbers (
		org TEXT PRIMARY KEY REFERENCES orgs(name),
		last_no INTEGER NOT NULL
	);
	`,
	// 2: the log's seq becomes the plain rowid (AUTOINCREMENT wrote sqlite_sequence on
	// every append; rows are never deleted, so rowid = max + 1 never reuses a seq); a
	// snapshot keeps its state vector (null for snapshots written before) and may be
	// stored in parts (room_snapshot_parts, `parts` > 0; then `state` is empty), each
	// a valid update, so a room can be built a part at a time.
	`
	CREATE TABLE room_updates_v2 (
		seq INTEGER PRIMARY KEY,
		room TEXT NOT NULL,
		data BLOB NOT NULL,
		user_id INTEGER REFERENCES users(id),
		at INTEGER NOT NULL
	);
	INSERT INTO room_updates_v2 (seq, room, data, user_id, at)
		SELECT seq, room, data, user_id, at FROM room_updates ORDER BY seq;
	DROP TABLE room_updates;
	ALTER TABLE room_updates_v2 RENAME TO room_updates;
	CREATE INDEX room_updates_room_seq ON room_updates(room, seq);
	ALTER TABLE room_snapshots ADD COLUMN sv BLOB;
	ALTER TABLE room_snapshots ADD COLUMN parts INTEGER NOT NULL DEFAULT 0;
	CREATE TABLE room_snapshot_parts (
		room TEXT NOT NULL,
		n INTEGER NOT NULL,
		data BLOB NOT NULL,
		PRIMARY KEY (room, n)
	);
	`,
	// 3: server commands (issue 4): one row per command id, with its stored result.
	`
	CREATE TABLE commands (
		org TEXT NOT NULL REFERENCES orgs(name),
		id TEXT NOT NULL,
		type TEXT NOT NULL,
		user_id INTEGER NOT NULL REFERENCES users(id),
		body TEXT NOT NULL,
		result TEXT NOT NULL,
		member_no INTEGER,
		at INTEGER NOT NULL,
		PRIMARY KEY (org, id)
	);
	`
];

/** A Buffer over the same bytes (no copy), as better-sqlite3 binds blobs. */
const asBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

export const DB_FILE = 'guildhall.db';
/** The update journal beside it (store/journal.ts): part of the store, never copied apart. */
export const JOURNAL_FILE = 'guildhall.db-updates';

/** The schema version a database has after `migrate()`. */
export const STORE_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Survey personal links (issue 6), kept apart from MIGRATIONS so that this block and
 * the versioned schema can change independently; `IF NOT EXISTS` makes it idempotent.
 */
const SURVEY_LINKS_SCHEMA = `
	CREATE TABLE IF NOT EXISTS survey_links (
		token_hash TEXT PRIMARY KEY,
		org TEXT NOT NULL,
		campaign_id TEXT NOT NULL,
		member_id TEXT NOT NULL,
		language TEXT NOT NULL,
		created_at INTEGER NOT NULL,
		created_by INTEGER,
		revoked_at INTEGER,
		used_at INTEGER
	);
	CREATE UNIQUE INDEX IF NOT EXISTS survey_links_member ON survey_links(org, campaign_id, member_id);
	-- Links replaced by a reissue: only the hash and when, so that an old link can say it
	-- was replaced rather than look mistyped ([SV4]); kept until the link's expiry
	-- (expires_at, added below; NULL: the link had none).
	CREATE TABLE IF NOT EXISTS survey_links_replaced (
		token_hash TEXT PRIMARY KEY,
		replaced_at INTEGER NOT NULL
	);
`;

interface SurveyLinkRow {
	token_hash: string;
	org: string;
	campaign_id: string;
	member_id: string;
	language: string;
	created_at: number;
	created_by: number | null;
	revoked_at: number | null;
	used_at: number | null;
}

const toSurveyLink = (r: SurveyLinkRow): SurveyLinkRecord => ({
	tokenHash: r.token_hash,
	org: r.org,
	campaignId: r.campaign_id,
	memberId: r.member_id,
	language: r.language,
	createdAt: r.created_at,
	createdBy: r.created_by,
	revokedAt: r.revoked_at,
	usedAt: r.used_at
});
/** Snapshots are stored in parts of about this size (snapshot-worker.js uses the same). */
export const SNAPSHOT_PART_BYTES = 1024 * 1024;

interface UserRow {
	id: number;
	org: string;
	username: string;
	display_name: string | null;
	password_hash: string;
	roles: string;
	disabled: number;
	created_at: string;
	updated_at: string;
}

interface UpdateRow {
	seq: number;
	data: Buffer;
	user_id: number | null;
	at: number;
}

interface CommandRow {
	org: string;
	id: string;
	type: string;
	user_id: number;
	body: string;
	result: string;
	member_no: number | null;
	at: number;
}

const toCommand = (r: CommandRow): CommandRecord => ({
	org: r.org,
	id: r.id,
	type: r.type,
	userId: r.user_id,
	body: r.body,
	result: JSON.parse(r.result) as unknown,
	memberNo: r.member_no,
	at: r.at
});

const storedRoles = z.array(role);

function toUser(r: UserRow): UserRecord {
	// Roles are parsed, not cast: a role removed from the code must not grant access.
	const parsed = storedRoles.safeParse(JSON.parse(r.roles));
	return {
		id: r.id,
		org: r.org,
		username: r.username,
		displayName: r.display_name,
		passwordHash: r.password_hash,
		roles: parsed.success ? parsed.data : [],
		disabled: r.disabled !== 0,
		createdAt: r.created_at,
		updatedAt: r.updated_at
	};
}

const toUpdate = (r: UpdateRow): StoredUpdate => ({
	seq: r.seq,
	update: new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength),
	userId: r.user_id,
	at: r.at
});

export interface SqliteStoreOptions {
	dataDir: string;
	/** How long a write waits for a lock held by another connection. */
	busyTimeoutMs?: number;
	/** Checkpoint the WAL (in the background thread) after this many bytes appended. */
	checkpointBytes?: number;
	/**
	 * A garbage-collected snapshot (`snapshotFromLog` with `gc`) is built only for rooms
	 * whose stored state is at most this big: the background thread builds a Y.Doc of
	 * it (~20x its size in memory, ~1 s per 10 MB).
	 */
	gcSnapshotMaxBytes?: number;
	/**
	 * How long a change waits in the update journal before it is moved into the log
	 * table with the others of that time (one transaction); sooner when many wait.
	 */
	journalMs?: number;
}

/** Move the journal into the table at once when this many changes wait. */
const JOURNAL_MAX_WAITING = 500;

/** The background thread's source: next to this file, or from dist/ (the build). */
function workerFile(): string {
	const here = path.dirname(fileURLToPath(import.meta.url));
	const candidates = [
		path.join(here, 'snapshot-worker.js'),
		path.join(here, '..', 'server', 'store', 'snapshot-worker.js')
	];
	const found = candidates.find((f) => fs.existsSync(f));
	if (!found) throw new Error(`snapshot-worker.js not found (looked in ${candidates.join(', ')})`);
	return found;
}

interface WorkerReply {
	id: number;
	error?: string;
	skipped?: boolean;
	parts?: number;
	bytes?: number;
	upToSeq?: number;
	collected?: boolean;
}

/** One background thread; jobs run one at a time, in order. */
class Background {
	private readonly worker: Worker;
	private nextId = 1;
	private readonly waiting = new Map<
		number,
		{ resolve: (r: WorkerReply) => void; reject: (e: Error) => void }
	>();
	private dead: Error | null = null;

	constructor(file: string, busyTimeoutMs: number) {
		this.worker = new Worker(workerFile(), { workerData: { file, busyTimeoutMs } });
		this.worker.unref();
		this.worker.on('message', (r: WorkerReply) => {
			const w = this.waiting.get(r.id);
			if (!w) return;
			this.waiting.delete(r.id);
			if (r.error) w.reject(new Error(r.error));
			else w.resolve(r);
		});
		const fail = (e: Error) => {
			this.dead = e;
			for (const w of this.waiting.values()) w.reject(e);
			this.waiting.clear();
		};
		this.worker.on('error', fail);
		this.worker.on('exit', (code) =>
			fail(new Error(`the store's background thread exited (${code})`))
		);
	}

	get pending(): number {
		return this.waiting.size;
	}

	run(job: Record<string, unknown>): Promise<WorkerReply> {
		if (this.dead) return Promise.reject(this.dead);
		const id = this.nextId++;
		return new Promise((resolve, reject) => {
			this.waiting.set(id, { resolve, reject });
			// Referenced while a job runs, so the process waits for a snapshot being written.
			this.worker.ref();
			this.worker.postMessage({ ...job, id });
		}).finally(() => {
			if (this.waiting.size === 0) this.worker.unref();
		}) as Promise<WorkerReply>;
	}

	async close(): Promise<void> {
		if (this.dead) return;
		await this.run({ type: 'close' }).catch(() => {});
		await this.worker.terminate();
	}
}

export class SqliteStore implements Store {
	readonly file: string;
	private readonly db: Database.Database;
	private readonly q;
	/** Member history index (issue 4): its own tables, see store/history.ts. */
	readonly history: HistoryStore;
	private readonly exportLog: ReturnType<typeof prepareExportLog>;
	private readonly links;
	private readonly background: Background;
	private readonly checkpointBytes: number;
	private sinceCheckpoint = 0;
	private checkpointing: Promise<unknown> | null = null;
	private readonly checkpointTimer: ReturnType<typeof setInterval>;

	/** Changes are appended here first, then moved into `room_updates` in batches. */
	private readonly journal: UpdateJournal;
	/** Journaled changes not yet in `room_updates`, in seq order. */
	private unlogged: JournalRecord[] = [];
	/** The seq the next change gets: one more than any in the table or the journal. */
	private nextSeq: number;
	private readonly ingestMs: number;
	private ingestTimer: ReturnType<typeof setTimeout> | null = null;
	private ingestDue = 0;
	private ingestFailures = 0;

	private readonly gcSnapshotMaxBytes: number;
	/** Releases the data directory (store/lock.ts). */
	private readonly unlock: () => void;

	constructor({
		dataDir,
		busyTimeoutMs = 5000,
		checkpointBytes = 4 << 20,
		gcSnapshotMaxBytes = 8 << 20,
		journalMs = 50
	}: SqliteStoreOptions) {
		this.gcSnapshotMaxBytes = gcSnapshotMaxBytes;
		this.ingestMs = journalMs;
		fs.mkdirSync(dataDir, { recursive: true });
		// Before anything is read: the journal and the seqs are this process's own.
		this.unlock = lockDataDir(dataDir);
		let opened: Database.Database | undefined;
		try {
			this.file = path.join(dataDir, DB_FILE);
			this.db = opened = new Database(this.file);
			this.db.pragma('journal_mode = WAL');
			this.db.pragma('synchronous = NORMAL');
			// Appends never run a checkpoint (a stall of milliseconds on the event loop every
			// ~1000 pages); the background thread does, see checkpointSoon().
			this.db.pragma('wal_autocheckpoint = 0');
			this.db.pragma('foreign_keys = ON');
			this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
			this.migrate();
			this.history = new SqliteHistoryStore(this.db, (room) =>
				this.unloggedOf(room, 0).reduce((last, u) => Math.max(last, u.seq), 0)
			);
			this.exportLog = prepareExportLog(this.db);
			const db = this.db;
			this.q = {
				insertOrg: db.prepare('INSERT OR IGNORE INTO orgs (name, created_at) VALUES (?, ?)'),
				listOrgs: db.prepare('SELECT name FROM orgs ORDER BY name').pluck(),
				countUsers: db.prepare('SELECT count(*) FROM users').pluck(),
				insertUser: db.prepare(
					`INSERT INTO users (org, username, display_name, password_hash, roles, created_at, updated_at)
					 VALUES (@org, @username, @displayName, @passwordHash, @roles, @now, @now)`
				),
				userById: db.prepare('SELECT * FROM users WHERE id = ?'),
				userByName: db.prepare('SELECT * FROM users WHERE username = ? COLLATE NOCASE'),
				usersOfOrg: db.prepare(
					'SELECT * FROM users WHERE org = ? ORDER BY username COLLATE NOCASE'
				),
				// One statement for any subset of fields: each has a "set" flag.
				updateUser: db.prepare(
					`UPDATE users SET
					   roles = CASE WHEN @setRoles THEN @roles ELSE roles END,
					   password_hash = CASE WHEN @setPassword THEN @passwordHash ELSE password_hash END,
					   display_name = CASE WHEN @setDisplayName THEN @displayName ELSE display_name END,
					   disabled = CASE WHEN @setDisabled THEN @disabled ELSE disabled END,
					   updated_at = @now
					 WHERE id = @id`
				),
				insertSession: db.prepare(
					`INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
					 VALUES (@tokenHash, @userId, @createdAt, @expiresAt)`
				),
				validSession: db.prepare('SELECT * FROM sessions WHERE token_hash = ? AND expires_at > ?'),
				extendSession: db.prepare('UPDATE sessions SET expires_at = ? WHERE token_hash = ?'),
				deleteSession: db.prepare('DELETE FROM sessions WHERE token_hash = ?'),
				deleteUserSessions: db.prepare(
					'DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?'
				),
				deleteExpired: db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
				logUpdate: db.prepare(
					'INSERT INTO room_updates (seq, room, data, user_id, at) VALUES (?, ?, ?, ?, ?)'
				),
				restoreUpdate: db.prepare(
					'INSERT OR IGNORE INTO room_updates (seq, room, data, user_id, at) VALUES (?, ?, ?, ?, ?)'
				),
				lastSeq: db.prepare('SELECT coalesce(max(seq), 0) FROM room_updates').pluck(),
				snapshot: db.prepare(
					'SELECT state, sv, parts, up_to_seq, at FROM room_snapshots WHERE room = ?'
				),
				snapshotParts: db
					.prepare('SELECT data FROM room_snapshot_parts WHERE room = ? ORDER BY n')
					.pluck(),
				deleteParts: db.prepare('DELETE FROM room_snapshot_parts WHERE room = ?'),
				updatesAfter: db.prepare(
					'SELECT seq, data, user_id, at FROM room_updates WHERE room = ? AND seq > ? ORDER BY seq LIMIT ?'
				),
				writeSnapshot: db.prepare(
					`INSERT INTO room_snapshots (room, state, sv, parts, up_to_seq, at) VALUES (?, ?, ?, ?, ?, ?)
					 ON CONFLICT(room) DO UPDATE SET state = excluded.state, sv = excluded.sv,
					 parts = excluded.parts, up_to_seq = excluded.up_to_seq, at = excluded.at
					 WHERE excluded.up_to_seq >= room_snapshots.up_to_seq`
				),
				insertPart: db.prepare('INSERT INTO room_snapshot_parts (room, n, data) VALUES (?, ?, ?)'),
				nextMemberNo: db
					.prepare(
						`INSERT INTO member_numbers (org, last_no) VALUES (?, 1)
					 ON CONFLICT(org) DO UPDATE SET last_no = last_no + 1 RETURNING last_no`
					)
					.pluck(),
				getCommand: db.prepare('SELECT * FROM commands WHERE org = ? AND id = ?'),
				insertCommand: db.prepare(
					`INSERT INTO commands (org, id, type, user_id, body, result, member_no, at)
					 VALUES (@org, @id, @type, @userId, @body, @result, @memberNo, @at)`
				),
				ping: db.prepare('SELECT 1').pluck()
			};
			db.exec(SURVEY_LINKS_SCHEMA);
			const replacedColumns = db
				.prepare("SELECT name FROM pragma_table_info('survey_links_replaced')")
				.pluck()
				.all();
			if (!replacedColumns.includes('expires_at'))
				db.exec('ALTER TABLE survey_links_replaced ADD COLUMN expires_at INTEGER');
			db.exec(
				'CREATE INDEX IF NOT EXISTS survey_links_replaced_expires ON survey_links_replaced(expires_at)'
			);
			this.links = {
				deleteFor: db.prepare(
					'DELETE FROM survey_links WHERE org = ? AND campaign_id = ? AND member_id = ?'
				),
				keepReplaced: db.prepare(
					`INSERT OR REPLACE INTO survey_links_replaced (token_hash, replaced_at, expires_at)
					 SELECT token_hash, ?, ? FROM survey_links WHERE org = ? AND campaign_id = ? AND member_id = ?`
				),
				deleteExpiredReplaced: db.prepare(
					'DELETE FROM survey_links_replaced WHERE expires_at <= ?'
				),
				replacedAt: db
					.prepare('SELECT replaced_at FROM survey_links_replaced WHERE token_hash = ?')
					.pluck(),
				insert: db.prepare(
					`INSERT INTO survey_links (token_hash, org, campaign_id, member_id, language, created_at, created_by, revoked_at, used_at)
					 VALUES (@tokenHash, @org, @campaignId, @memberId, @language, @createdAt, @createdBy, @revokedAt, @usedAt)`
				),
				byHash: db.prepare('SELECT * FROM survey_links WHERE token_hash = ?'),
				ofCampaign: db.prepare(
					'SELECT * FROM survey_links WHERE org = ? AND campaign_id = ? ORDER BY created_at, member_id'
				),
				revoke: db.prepare(
					`UPDATE survey_links SET revoked_at = ? WHERE org = ? AND campaign_id = ? AND member_id = ?
					 AND revoked_at IS NULL`
				),
				exists: db
					.prepare('SELECT 1 FROM survey_links WHERE org = ? AND campaign_id = ? AND member_id = ?')
					.pluck(),
				used: db.prepare('UPDATE survey_links SET used_at = ? WHERE token_hash = ?')
			};
			this.logMany = db.transaction((rs: readonly JournalRecord[]): void => {
				for (const r of rs) this.logOne(r.seq, r);
			});
			this.journal = new UpdateJournal(path.join(dataDir, JOURNAL_FILE));
			this.restoreJournal();
			this.nextSeq = (this.q.lastSeq.get() as number) + 1;
			this.background = new Background(this.file, busyTimeoutMs);
			this.checkpointBytes = checkpointBytes;
			this.checkpointTimer = setInterval(() => {
				if (this.sinceCheckpoint > 0) this.checkpointSoon();
			}, 10_000);
			this.checkpointTimer.unref?.();
		} catch (e) {
			opened?.close();
			this.unlock();
			throw e;
		}
	}

	private readonly logMany: (rs: readonly JournalRecord[]) => void;

	private logOne(seq: number, u: AppendedUpdate): void {
		this.q.logUpdate.run(seq, u.room, asBuffer(u.update), u.userId, u.at);
		this.sinceCheckpoint += u.update.byteLength + 64;
	}

	/** What a stopped process left in the journal goes into the table (once) before anything is read. */
	private restoreJournal(): void {
		const { records, validBytes, bytes } = readJournal(this.journal.file);
		if (bytes === 0) return;
		this.db.transaction(() => {
			for (const r of records)
				this.q.restoreUpdate.run(r.seq, r.room, asBuffer(r.update), r.userId, r.at);
		})();
		if (validBytes < bytes) {
			console.warn(
				`Guildhall: the update journal ${this.journal.file} ends in ${bytes - validBytes} byte(s) ` +
					'of a change the stopped server was still writing; that change was never acknowledged ' +
					'to its sender, who sends it again, so it is dropped.'
			);
		}
		fs.truncateSync(this.journal.file, 0);
	}

	/**
	 * Move the journal's changes into the log table, in one transaction, and empty the
	 * journal. Throws if the database refuses them: they stay in the journal, and the
	 * timer tries again. Runs on that timer after appends, and before the log is read.
	 */
	private ingest(): void {
		if (this.unlogged.length > 0) {
			this.logMany(this.unlogged);
			this.unlogged = [];
		}
		if (this.ingestTimer) {
			clearTimeout(this.ingestTimer);
			this.ingestTimer = null;
		}
		try {
			this.journal.clear();
		} catch (e) {
			// The changes are in the table; read from the journal again at start, they insert nothing.
			console.error(`Guildhall: could not empty the update journal ${this.journal.file}.`, e);
		}
		if (this.sinceCheckpoint >= this.checkpointBytes) this.checkpointSoon();
	}

	/** Before a read: the table brought up to date if it can be; else the read adds `unloggedOf`. */
	private ingestIfPossible(): void {
		try {
			this.ingest();
		} catch {
			// The timer retries and says why.
		}
	}

	/** The journal's changes of `room` after `afterSeq` not yet in the table (all later than its rows). */
	private unloggedOf(room: string, afterSeq: number): StoredUpdate[] {
		const out: StoredUpdate[] = [];
		for (const r of this.unlogged) {
			if (r.room === room && r.seq > afterSeq) {
				out.push({ seq: r.seq, update: r.update, userId: r.userId, at: r.at });
			}
		}
		return out;
	}

	/** Ingest in `delayMs`, unless it is due sooner already. */
	private scheduleIngest(delayMs: number): void {
		const due = performance.now() + delayMs;
		if (this.ingestTimer) {
			if (this.ingestDue <= due) return;
			clearTimeout(this.ingestTimer);
		}
		this.ingestDue = due;
		this.ingestTimer = setTimeout(() => {
			this.ingestTimer = null;
			try {
				this.ingest();
				this.ingestFailures = 0;
			} catch (e) {
				this.ingestFailures++;
				console.error(
					`Guildhall: could not move ${this.unlogged.length} stored change(s) from the update ` +
						`journal ${this.journal.file} into the database; they are safe there and retried. ` +
						'Check the data directory (disk full? locked?).',
					e
				);
				// As a failing append is retried ([P2]): 1 s, doubling to 30 s.
				this.scheduleIngest(Math.min(1000 * 2 ** (this.ingestFailures - 1), 30_000));
			}
		}, delayMs);
		this.ingestTimer.unref?.();
	}

	/** Ask the background thread for a PASSIVE checkpoint, unless one is running. */
	private checkpointSoon(): void {
		if (this.checkpointing) return;
		this.sinceCheckpoint = 0;
		this.checkpointing = this.background
			.run({ type: 'checkpoint' })
			.catch((e) => console.error('Guildhall: WAL checkpoint failed; will retry.', e))
			.finally(() => (this.checkpointing = null));
	}

	private migrate(): void {
		const current = this.db.pragma('user_version', { simple: true }) as number;
		if (current > MIGRATIONS.length) {
			throw new Error(
				`${this.file} has schema version ${current}, newer than this server (${MIGRATIONS.length}). ` +
					'Upgrade Guildhall or restore a matching backup.'
			);
		}
		for (let v = current; v < MIGRATIONS.length; v++) {
			this.db.transaction(() => {
				this.db.exec(MIGRATIONS[v]);
				this.db.pragma(`user_version = ${v + 1}`);
			})();
		}
	}

	async ensureOrg(name: string): Promise<void> {
		this.q.insertOrg.run(name, new Date().toISOString());
	}

	async listOrgs(): Promise<string[]> {
		return this.q.listOrgs.all() as string[];
	}

	async countUsers(): Promise<number> {
		return this.q.countUsers.get() as number;
	}

	async createUser(u: NewUserRecord): Promise<UserRecord> {
		try {
			const r = this.q.insertUser.run({
				org: u.org,
				username: u.username,
				displayName: u.displayName ?? null,
				passwordHash: u.passwordHash,
				roles: JSON.stringify(u.roles),
				now: new Date().toISOString()
			});
			return toUser(this.q.userById.get(r.lastInsertRowid) as UserRow);
		} catch (e) {
			if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
				throw new UsernameTakenError(u.username);
			}
			throw e;
		}
	}

	async getUserById(id: number): Promise<UserRecord | null> {
		const r = this.q.userById.get(id) as UserRow | undefined;
		return r ? toUser(r) : null;
	}

	async getUserByName(username: string): Promise<UserRecord | null> {
		const r = this.q.userByName.get(username) as UserRow | undefined;
		return r ? toUser(r) : null;
	}

	async listUsers(org: string): Promise<UserRecord[]> {
		return (this.q.usersOfOrg.all(org) as UserRow[]).map(toUser);
	}

	async updateUser(id: number, update: UserUpdate): Promise<UserRecord | null> {
		const r = this.q.updateUser.run({
			id,
			now: new Date().toISOString(),
			setRoles: update.roles === undefined ? 0 : 1,
			roles: update.roles === undefined ? null : JSON.stringify(update.roles),
			setPassword: update.passwordHash === undefined ? 0 : 1,
			passwordHash: update.passwordHash ?? null,
			setDisplayName: update.displayName === undefined ? 0 : 1,
			displayName: update.displayName ?? null,
			setDisabled: update.disabled === undefined ? 0 : 1,
			disabled: update.disabled ? 1 : 0
		});
		return r.changes === 0 ? null : this.getUserById(id);
	}

	async createSession(s: SessionRecord): Promise<void> {
		this.q.insertSession.run(s);
	}

	async getValidSession(tokenHash: string, now: number): Promise<SessionRecord | null> {
		const r = this.q.validSession.get(tokenHash, now) as
			{ token_hash: string; user_id: number; created_at: number; expires_at: number } | undefined;
		return r
			? {
					tokenHash: r.token_hash,
					userId: r.user_id,
					createdAt: r.created_at,
					expiresAt: r.expires_at
				}
			: null;
	}

	async extendSession(tokenHash: string, expiresAt: number): Promise<void> {
		this.q.extendSession.run(expiresAt, tokenHash);
	}

	async deleteSession(tokenHash: string): Promise<void> {
		this.q.deleteSession.run(tokenHash);
	}

	async deleteUserSessions(userId: number, keepTokenHash = ''): Promise<void> {
		this.q.deleteUserSessions.run(userId, keepTokenHash);
	}

	async deleteExpiredSessions(now: number): Promise<number> {
		return this.q.deleteExpired.run(now).changes;
	}

	async appendUpdate(u: AppendedUpdate): Promise<number> {
		return (await this.appendUpdates([u]))[0];
	}

	async appendUpdates(us: readonly AppendedUpdate[]): Promise<number[]> {
		if (us.length === 0) return [];
		const first = this.nextSeq;
		const records = us.map((u, i): JournalRecord => ({
			seq: first + i,
			room: u.room,
			update: u.update,
			userId: u.userId,
			at: u.at
		}));
		// One write for the whole batch. When it returns the changes are durable against a
		// crash of this process, as a commit of the database is ([P1], store/journal.ts);
		// they move into the table with the others of the next few milliseconds.
		this.journal.append(records);
		this.nextSeq = first + records.length;
		for (const r of records) this.unlogged.push(r);
		// Many waiting: at once, unless the database is refusing them (then its retry's time).
		const many = this.unlogged.length >= JOURNAL_MAX_WAITING && this.ingestFailures === 0;
		this.scheduleIngest(many ? 0 : this.ingestMs);
		return records.map((r) => r.seq);
	}

	async loadRoom(room: string): Promise<LoadedRoom> {
		return this.readRoom(room, Infinity)!;
	}

	readRoom(room: string, maxUpdates: number): LoadedRoom | null {
		this.ingestIfPossible();
		// One read transaction, so a concurrent append cannot fall between the two reads.
		return this.db.transaction((): LoadedRoom | null => {
			const s = this.q.snapshot.get(room) as
				| { state: Buffer; sv: Buffer | null; parts: number; up_to_seq: number; at: number }
				| undefined;
			const after = s?.up_to_seq ?? 0;
			const limit = Number.isFinite(maxUpdates) ? maxUpdates + 1 : -1;
			const updates = [
				...(this.q.updatesAfter.all(room, after, limit) as UpdateRow[]).map(toUpdate),
				...this.unloggedOf(room, after)
			];
			if (updates.length > maxUpdates) return null;
			if (!s) return { snapshot: null, updates };
			const view = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
			return {
				snapshot: {
					parts:
						s.parts > 0 ? (this.q.snapshotParts.all(room) as Buffer[]).map(view) : [view(s.state)],
					sv: s.sv ? new Uint8Array(s.sv) : null,
					upToSeq: s.up_to_seq,
					at: s.at
				},
				updates
			};
		})();
	}

	async listUpdates(
		room: string,
		{ afterSeq = 0, limit = -1 }: { afterSeq?: number; limit?: number } = {}
	): Promise<StoredUpdate[]> {
		this.ingestIfPossible();
		const rows = (this.q.updatesAfter.all(room, afterSeq, limit) as UpdateRow[]).map(toUpdate);
		if (this.unlogged.length === 0 || (limit >= 0 && rows.length >= limit)) return rows;
		const more = this.unloggedOf(room, rows.at(-1)?.seq ?? afterSeq);
		return [...rows, ...(limit >= 0 ? more.slice(0, limit - rows.length) : more)];
	}

	async writeSnapshot(s: {
		room: string;
		state: Uint8Array;
		sv?: Uint8Array | null;
		upToSeq: number;
		at?: number;
	}): Promise<void> {
		// Stored like the background thread stores them: with the state vector, in parts.
		const sv = s.sv ?? Y.encodeStateVectorFromUpdate(s.state);
		const parts = splitUpdate(s.state, SNAPSHOT_PART_BYTES);
		this.db.transaction(() => {
			const r = this.q.writeSnapshot.run(
				s.room,
				parts.length > 1 ? Buffer.alloc(0) : asBuffer(s.state),
				asBuffer(sv),
				parts.length > 1 ? parts.length : 0,
				s.upToSeq,
				s.at ?? Date.now()
			);
			if (r.changes === 0) return;
			this.q.deleteParts.run(s.room);
			if (parts.length > 1) parts.forEach((p, n) => this.q.insertPart.run(s.room, n, asBuffer(p)));
		})();
	}

	async snapshotFromLog(
		room: string,
		upToSeq: number,
		opts: { gc?: boolean } = {}
	): Promise<MergedSnapshot | null> {
		// The background thread reads the table, so the changes up to upToSeq must be in it.
		this.ingest();
		const r = await this.background.run({
			type: 'snapshot',
			room,
			upToSeq,
			gc: opts.gc === true,
			gcMaxBytes: this.gcSnapshotMaxBytes
		});
		if (r.skipped || r.parts === undefined) return null;
		return {
			parts: r.parts,
			bytes: r.bytes ?? 0,
			upToSeq: r.upToSeq ?? upToSeq,
			collected: r.collected === true
		};
	}

	/** A checkpoint now, in the background thread (tests, shutdown). */
	async checkpoint(): Promise<void> {
		await this.checkpointing;
		this.checkpointSoon();
		await this.checkpointing;
	}

	async nextMemberNo(org: string): Promise<number> {
		return this.q.nextMemberNo.get(org) as number;
	}

	// ---- export log (issue 8) ---------------------------------------------------

	async appendExportLog(e: Omit<ExportLogEntry, 'id'>): Promise<ExportLogEntry> {
		const r = this.exportLog.insert.run({
			org: e.org,
			userId: e.userId,
			userName: e.userName,
			at: e.at,
			view: e.view,
			format: e.format,
			rows: e.rows,
			columns: JSON.stringify(e.columns),
			filters: e.filters,
			sort: JSON.stringify(e.sort)
		});
		return { ...e, id: Number(r.lastInsertRowid) };
	}

	async listExportLog(
		org: string,
		{ limit = 100, beforeId }: { limit?: number; beforeId?: number } = {}
	): Promise<ExportLogEntry[]> {
		const rows = this.exportLog.list.all(
			org,
			beforeId ?? Number.MAX_SAFE_INTEGER,
			Math.max(1, Math.min(1000, limit))
		) as ExportLogRow[];
		return rows.map(toExportLogEntry);
	}

	// ---- Survey personal links (issue 6) ---------------------------------------------

	async putSurveyLinks(
		links: readonly SurveyLinkRecord[],
		replacedExpireAt: number | null = null
	): Promise<void> {
		this.db.transaction(() => {
			for (const l of links) {
				this.links.keepReplaced.run(l.createdAt, replacedExpireAt, l.org, l.campaignId, l.memberId);
				this.links.deleteFor.run(l.org, l.campaignId, l.memberId);
				this.links.insert.run(l);
			}
		})();
	}

	async getSurveyLink(tokenHash: string): Promise<SurveyLinkRecord | null> {
		const r = this.links.byHash.get(tokenHash) as SurveyLinkRow | undefined;
		return r ? toSurveyLink(r) : null;
	}

	async surveyLinkReplacedAt(tokenHash: string): Promise<number | null> {
		return (this.links.replacedAt.get(tokenHash) as number | undefined) ?? null;
	}

	async listSurveyLinks(org: string, campaignId: string): Promise<SurveyLinkRecord[]> {
		return (this.links.ofCampaign.all(org, campaignId) as SurveyLinkRow[]).map(toSurveyLink);
	}

	async revokeSurveyLink(
		org: string,
		campaignId: string,
		memberId: string,
		at: number
	): Promise<boolean> {
		this.links.revoke.run(at, org, campaignId, memberId);
		return this.links.exists.get(org, campaignId, memberId) === 1;
	}

	async markSurveyLinkUsed(tokenHash: string, at: number): Promise<void> {
		this.links.used.run(at, tokenHash);
	}

	async deleteExpiredReplacedLinks(now: number): Promise<number> {
		return this.links.deleteExpiredReplaced.run(now).changes;
	}

	// ---- end of survey links ----------------------------------------------------------
	async getCommand(org: string, id: string): Promise<CommandRecord | null> {
		const r = this.q.getCommand.get(org, id) as CommandRow | undefined;
		return r ? toCommand(r) : null;
	}

	async recordCommand(
		c: NewCommandRecord,
		opts: { allocateMemberNo?: boolean } = {}
	): Promise<RecordedCommand> {
		// The member number, the doc change's log rows and the command record in one
		// transaction: a number is allocated only together with the command that owns it
		// and the approval fields that show it, and never twice for one id.
		// IMMEDIATE: the write lock from the start (waiting up to busy_timeout for it). A
		// deferred transaction reads first and could not take it later if the background
		// thread wrote meanwhile (SQLITE_BUSY at once, after the doc change was made).
		// Journaled changes first, so the table stays in seq order and the journal holds none
		// of the seqs given below.
		this.ingest();
		const first = this.nextSeq;
		const record = this.db.transaction((): RecordedCommand => {
			const existing = this.q.getCommand.get(c.org, c.id) as CommandRow | undefined;
			if (existing) return { ...toCommand(existing), seqs: [] };
			const memberNo = opts.allocateMemberNo ? (this.q.nextMemberNo.get(c.org) as number) : null;
			const result = c.result(memberNo);
			const updates = c.updates?.(memberNo, result) ?? [];
			const seqs = updates.map((u, i) => {
				this.logOne(first + i, u);
				return first + i;
			});
			this.nextSeq = first + seqs.length;
			const row: CommandRow = {
				org: c.org,
				id: c.id,
				type: c.type,
				user_id: c.userId,
				body: c.body,
				result: JSON.stringify(result),
				member_no: memberNo,
				at: c.at
			};
			this.q.insertCommand.run({
				org: row.org,
				id: row.id,
				type: row.type,
				userId: row.user_id,
				body: row.body,
				result: row.result,
				memberNo: row.member_no,
				at: row.at
			});
			return { ...toCommand(row), seqs };
		});
		let recorded: RecordedCommand;
		try {
			recorded = record.immediate();
		} catch (e) {
			this.nextSeq = first;
			throw e;
		}
		if (this.sinceCheckpoint >= this.checkpointBytes) this.checkpointSoon();
		return recorded;
	}

	async ping(): Promise<void> {
		if (this.q.ping.get() !== 1) throw new Error('SQLite did not answer SELECT 1');
	}

	async close(): Promise<void> {
		clearInterval(this.checkpointTimer);
		try {
			this.ingest();
		} catch (e) {
			console.error(
				`Guildhall: ${this.unlogged.length} stored change(s) stay in the update journal ` +
					`${this.journal.file}; the next start moves them into the database.`,
				e
			);
		}
		this.journal.close();
		// Let a snapshot being written finish; then the last checkpoint (closing the last
		// connection checkpoints and removes the WAL).
		await this.background.close();
		if (this.db.open) this.db.close();
		this.unlock();
	}
}

// ---- export log (issue 8) -------------------------------------------------------
// Its own table, created if missing rather than as a numbered migration, so that it
// stays independent of the other areas' schema changes. Rows are only appended.

interface ExportLogRow {
	id: number;
	org: string;
	user_id: number;
	user_name: string;
	at: string;
	view: string;
	format: 'csv' | 'xlsx';
	rows: number;
	columns: string;
	filters: string;
	sort: string;
}

const stringList = z.array(z.string());
const jsonList = (s: string): string[] => {
	try {
		const r = stringList.safeParse(JSON.parse(s));
		return r.success ? r.data : [];
	} catch {
		return [];
	}
};

const toExportLogEntry = (r: ExportLogRow): ExportLogEntry => ({
	id: r.id,
	org: r.org,
	userId: r.user_id,
	userName: r.user_name,
	at: r.at,
	view: r.view,
	format: r.format,
	rows: r.rows,
	columns: jsonList(r.columns),
	filters: r.filters,
	sort: jsonList(r.sort)
});

function prepareExportLog(db: Database.Database) {
	db.exec(`
		CREATE TABLE IF NOT EXISTS export_log (
			id INTEGER PRIMARY KEY AUTOINCREMENT,
			org TEXT NOT NULL,
			user_id INTEGER NOT NULL REFERENCES users(id),
			user_name TEXT NOT NULL,
			at TEXT NOT NULL,
			view TEXT NOT NULL,
			format TEXT NOT NULL,
			rows INTEGER NOT NULL,
			columns TEXT NOT NULL,
			filters TEXT NOT NULL,
			sort TEXT NOT NULL
		);
		CREATE INDEX IF NOT EXISTS export_log_org_id ON export_log(org, id);
	`);
	return {
		insert: db.prepare(
			`INSERT INTO export_log (org, user_id, user_name, at, view, format, rows, columns, filters, sort)
			 VALUES (@org, @userId, @userName, @at, @view, @format, @rows, @columns, @filters, @sort)`
		),
		list: db.prepare('SELECT * FROM export_log WHERE org = ? AND id < ? ORDER BY id DESC LIMIT ?')
	};
}

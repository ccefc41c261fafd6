/**
 * The default store: one SQLite file (`<dataDir>/guildhall.db`) through better-sqlite3.
 *
 * WAL lets readers run beside the single writer; `synchronous=NORMAL` in WAL mode is
 * durable against application crashes and only risks the last transactions on power
 * loss, the usual trade for a log that is appended on every keystroke. The schema is
 * versioned with `PRAGMA user_version` and a list of migrations applied in order.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { role } from '../../src/lib/domain/access';
import { z } from 'zod';
import {
	UsernameTakenError,
	type AppendedUpdate,
	type LoadedRoom,
	type NewUserRecord,
	type SessionRecord,
	type Store,
	type StoredUpdate,
	type SurveyLinkRecord,
	type UserRecord,
	type UserUpdate
} from './types';
import { SqliteHistoryStore, type HistoryStore } from './history';
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
	`
];

export const DB_FILE = 'guildhall.db';

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
}

export class SqliteStore implements Store {
	readonly file: string;
	private readonly db: Database.Database;
	private readonly q;
	/** Member history index (issue 4): its own tables, see store/history.ts. */
	readonly history: HistoryStore;
	private readonly exportLog: ReturnType<typeof prepareExportLog>;
	private readonly links;

	constructor({ dataDir, busyTimeoutMs = 5000 }: SqliteStoreOptions) {
		fs.mkdirSync(dataDir, { recursive: true });
		this.file = path.join(dataDir, DB_FILE);
		this.db = new Database(this.file);
		this.db.pragma('journal_mode = WAL');
		this.db.pragma('synchronous = NORMAL');
		this.db.pragma('foreign_keys = ON');
		this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
		this.migrate();
		this.history = new SqliteHistoryStore(this.db);
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
			usersOfOrg: db.prepare('SELECT * FROM users WHERE org = ? ORDER BY username COLLATE NOCASE'),
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
			deleteUserSessions: db.prepare('DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?'),
			deleteExpired: db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
			appendUpdate: db.prepare(
				'INSERT INTO room_updates (room, data, user_id, at) VALUES (?, ?, ?, ?)'
			),
			snapshot: db.prepare('SELECT state, up_to_seq, at FROM room_snapshots WHERE room = ?'),
			updatesAfter: db.prepare(
				'SELECT seq, data, user_id, at FROM room_updates WHERE room = ? AND seq > ? ORDER BY seq LIMIT ?'
			),
			writeSnapshot: db.prepare(
				`INSERT INTO room_snapshots (room, state, up_to_seq, at) VALUES (?, ?, ?, ?)
				 ON CONFLICT(room) DO UPDATE SET state = excluded.state, up_to_seq = excluded.up_to_seq,
				 at = excluded.at WHERE excluded.up_to_seq >= room_snapshots.up_to_seq`
			),
			nextMemberNo: db
				.prepare(
					`INSERT INTO member_numbers (org, last_no) VALUES (?, 1)
				 ON CONFLICT(org) DO UPDATE SET last_no = last_no + 1 RETURNING last_no`
				)
				.pluck(),
			ping: db.prepare('SELECT 1').pluck()
		};
		db.exec(SURVEY_LINKS_SCHEMA);
		this.links = {
			deleteFor: db.prepare(
				'DELETE FROM survey_links WHERE org = ? AND campaign_id = ? AND member_id = ?'
			),
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
		const r = this.q.appendUpdate.run(u.room, Buffer.from(u.update), u.userId, u.at);
		return Number(r.lastInsertRowid);
	}

	async loadRoom(room: string): Promise<LoadedRoom> {
		// One read transaction, so a concurrent append cannot fall between the two reads.
		return this.db.transaction((): LoadedRoom => {
			const s = this.q.snapshot.get(room) as
				{ state: Buffer; up_to_seq: number; at: number } | undefined;
			const snapshot = s
				? { state: new Uint8Array(s.state), upToSeq: s.up_to_seq, at: s.at }
				: null;
			const rows = this.q.updatesAfter.all(room, snapshot?.upToSeq ?? 0, -1) as UpdateRow[];
			return { snapshot, updates: rows.map(toUpdate) };
		})();
	}

	async listUpdates(
		room: string,
		{ afterSeq = 0, limit = -1 }: { afterSeq?: number; limit?: number } = {}
	): Promise<StoredUpdate[]> {
		return (this.q.updatesAfter.all(room, afterSeq, limit) as UpdateRow[]).map(toUpdate);
	}

	async writeSnapshot(s: {
		room: string;
		state: Uint8Array;
		upToSeq: number;
		at?: number;
	}): Promise<void> {
		this.q.writeSnapshot.run(s.room, Buffer.from(s.state), s.upToSeq, s.at ?? Date.now());
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

	async putSurveyLinks(links: readonly SurveyLinkRecord[]): Promise<void> {
		this.db.transaction(() => {
			for (const l of links) {
				this.links.deleteFor.run(l.org, l.campaignId, l.memberId);
				this.links.insert.run(l);
			}
		})();
	}

	async getSurveyLink(tokenHash: string): Promise<SurveyLinkRecord | null> {
		const r = this.links.byHash.get(tokenHash) as SurveyLinkRow | undefined;
		return r ? toSurveyLink(r) : null;
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

	// ---- end of survey links ----------------------------------------------------------

	async ping(): Promise<void> {
		if (this.q.ping.get() !== 1) throw new Error('SQLite did not answer SELECT 1');
	}

	async close(): Promise<void> {
		if (this.db.open) this.db.close();
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

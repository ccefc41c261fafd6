/**
 * The persistence boundary. Everything the server keeps on disk goes through this
 * interface, so a PostgreSQL store can replace SQLite without touching the rest.
 * Methods are async for that reason even though better-sqlite3 is synchronous.
 *
 * The per-room update log is the audit trail ("who changed what, when"): rows are
 * only ever appended. Snapshots make loading fast and never delete log rows.
 */
import type { Role } from '../../src/lib/domain/access';
import type { HistoryStore } from './history';
import type { ExportLogEntry } from '../../src/lib/domain/export';

export interface UserRecord {
	id: number;
	org: string;
	username: string;
	/** Null when never set; the API shows the username instead. */
	displayName: string | null;
	passwordHash: string;
	roles: Role[];
	disabled: boolean;
	/** ISO 8601. */
	createdAt: string;
	updatedAt: string;
}

export interface NewUserRecord {
	org: string;
	username: string;
	displayName?: string | null;
	passwordHash: string;
	roles: Role[];
}

export interface UserUpdate {
	roles?: Role[];
	passwordHash?: string;
	displayName?: string | null;
	disabled?: boolean;
}

export interface SessionRecord {
	/** SHA-256 of the token (hex); the token itself is never stored. */
	tokenHash: string;
	userId: number;
	/** Epoch milliseconds. */
	createdAt: number;
	expiresAt: number;
}

export interface AppendedUpdate {
	room: string;
	update: Uint8Array;
	/** Null for the server's own writes. */
	userId: number | null;
	/** Epoch milliseconds. */
	at: number;
}

export interface StoredUpdate {
	seq: number;
	update: Uint8Array;
	userId: number | null;
	at: number;
}

export interface RoomSnapshot {
	/** The state as one or more updates (parts), to apply in order; together the state. */
	parts: Uint8Array[];
	/** Its state vector (Y.encodeStateVector layout); null for snapshots of schema 1. */
	sv: Uint8Array | null;
	/** The snapshot contains every logged update with `seq <= upToSeq` (and maybe more). */
	upToSeq: number;
	at: number;
}

export interface LoadedRoom {
	snapshot: RoomSnapshot | null;
	/** Log rows after the snapshot (all rows when there is none), in `seq` order. */
	updates: StoredUpdate[];
}

/** A survey's personal link (issue 6). Only the token's SHA-256 is kept. */
export interface SurveyLinkRecord {
	tokenHash: string;
	org: string;
	campaignId: string;
	memberId: string;
	/** The survey's language for this member. */
	language: string;
	/** Epoch milliseconds. */
	createdAt: number;
	createdBy: number | null;
	revokedAt: number | null;
	/** Last successful submission. */
	usedAt: number | null;
}

/** A snapshot merged from the stored one and the log rows up to `upToSeq`, and written. */
export interface MergedSnapshot {
	/** How many parts it is stored in: ~1 MiB each, each a valid update (src/lib/yjs/split-update.js). */
	parts: number;
	/** Its size. */
	bytes: number;
	upToSeq: number;
	/** Encoded from a garbage-collected Y.Doc (no deleted content), not merged. */
	collected: boolean;
}

/** Thrown by `createUser` when the username is taken (case-insensitive). */
export class UsernameTakenError extends Error {
	readonly name = 'UsernameTakenError';
	readonly code = 'username_taken';
	constructor(username: string) {
		super(`The username "${username}" is already taken.`);
	}
}

export interface CommandRecord {
	org: string;
	id: string;
	type: string;
	userId: number;
	/** Canonical JSON of the request (type and arguments): a replay must match it. */
	body: string;
	result: unknown;
	memberNo: number | null;
	/** Epoch milliseconds. */
	at: number;
}

export interface NewCommandRecord {
	org: string;
	id: string;
	type: string;
	userId: number;
	body: string;
	at: number;
	/** The answer, made inside the transaction (with the allocated number, if any). */
	result(memberNo: number | null): unknown;
	/**
	 * The command's doc change, run inside the transaction after `result` (it gets the
	 * number and the answer): makes the change and returns the log rows to append in the
	 * same transaction (see Room.transactStored). Throwing rolls everything back.
	 */
	updates?(memberNo: number | null, result: unknown): readonly AppendedUpdate[];
}

/** What `recordCommand` stored (or found): the record and the seqs of its log rows. */
export interface RecordedCommand extends CommandRecord {
	/** Seqs of the rows `updates` returned, in order; empty for a command already stored. */
	seqs: number[];
}

export interface Store {
	ensureOrg(name: string): Promise<void>;
	listOrgs(): Promise<string[]>;

	countUsers(): Promise<number>;
	createUser(user: NewUserRecord): Promise<UserRecord>;
	getUserById(id: number): Promise<UserRecord | null>;
	/** Case-insensitive. */
	getUserByName(username: string): Promise<UserRecord | null>;
	listUsers(org: string): Promise<UserRecord[]>;
	/** Null when the user does not exist. */
	updateUser(id: number, update: UserUpdate): Promise<UserRecord | null>;

	createSession(session: SessionRecord): Promise<void>;
	/** The session if it exists and `expiresAt > now`. */
	getValidSession(tokenHash: string, now: number): Promise<SessionRecord | null>;
	extendSession(tokenHash: string, expiresAt: number): Promise<void>;
	deleteSession(tokenHash: string): Promise<void>;
	/** Deletes every session of the user except `keepTokenHash` (if given). */
	deleteUserSessions(userId: number, keepTokenHash?: string): Promise<void>;
	/** Returns how many were deleted. */
	deleteExpiredSessions(now: number): Promise<number>;

	/** Appends to the room's log and returns the row's sequence number. */
	appendUpdate(u: AppendedUpdate): Promise<number>;
	/**
	 * Appends all, in order, in ONE transaction (all or none) and returns their sequence
	 * numbers. Resolved means durable: committed to the log (for SQLite, its update
	 * journal, see store/journal.ts).
	 */
	appendUpdates(us: readonly AppendedUpdate[]): Promise<number[]>;
	loadRoom(room: string): Promise<LoadedRoom>;
	/**
	 * What `loadRoom` reads, read now on the caller's thread (one read transaction), for
	 * an answer that must go out in order with a connection's other messages [R4]. Null
	 * when more than `maxUpdates` log rows follow the snapshot.
	 */
	readRoom(room: string, maxUpdates: number): LoadedRoom | null;
	/** The log itself, for history and audits; `afterSeq` excludes rows up to it. */
	listUpdates(room: string, opts?: { afterSeq?: number; limit?: number }): Promise<StoredUpdate[]>;
	writeSnapshot(s: {
		room: string;
		state: Uint8Array;
		sv?: Uint8Array | null;
		upToSeq: number;
		at?: number;
	}): Promise<void>;
	/**
	 * Write a new snapshot of `room` that holds the stored snapshot and every log row up
	 * to `upToSeq`, without blocking the caller's thread; null when the stored snapshot
	 * already covers `upToSeq` (and nothing is to be collected).
	 */
	snapshotFromLog(
		room: string,
		upToSeq: number,
		opts?: {
			/**
			 * Drop deleted content: build the state as a Y.Doc (off the caller's thread) and
			 * store its encoding, even if the stored snapshot covers `upToSeq` already. A
			 * store may merge as usual instead (a room too big for it): see `collected`.
			 */
			gc?: boolean;
		}
	): Promise<MergedSnapshot | null>;

	/** The next member number of the organisation: 1, 2, 3... never reused. */
	nextMemberNo(org: string): Promise<number>;

	// ---- Member history index (issue 4, member file; see store/history.ts) ----
	/** Per-field changes derived from the update log; a cache that can be rebuilt. */
	readonly history: HistoryStore;
	// ---- end member history ----
	// ---- export log (issue 8): every export of member data, who/when/which view
	/** Append an entry; `id` and nothing else is assigned by the store. */
	appendExportLog(e: Omit<ExportLogEntry, 'id'>): Promise<ExportLogEntry>;
	/** Newest first; `beforeId` pages back. */
	listExportLog(
		org: string,
		opts?: { limit?: number; beforeId?: number }
	): Promise<ExportLogEntry[]>;
	// ---- Survey personal links (issue 6; used by server/api/surveys.ts) ----------
	/**
	 * Store new links; an existing link of the same org/campaign/member is replaced, and
	 * its token hash kept as replaced (surveyLinkReplacedAt) until `replacedExpireAt`
	 * (the link's expiry, ms; null: kept).
	 */
	putSurveyLinks(
		links: readonly SurveyLinkRecord[],
		replacedExpireAt?: number | null
	): Promise<void>;
	/** The link with this token hash, revoked or not; null when there is none. */
	getSurveyLink(tokenHash: string): Promise<SurveyLinkRecord | null>;
	/** When a newer link of its member replaced the link with this token hash; null if never. */
	surveyLinkReplacedAt(tokenHash: string): Promise<number | null>;
	listSurveyLinks(org: string, campaignId: string): Promise<SurveyLinkRecord[]>;
	/** Returns false when the member has no link in that campaign. */
	revokeSurveyLink(org: string, campaignId: string, memberId: string, at: number): Promise<boolean>;
	markSurveyLinkUsed(tokenHash: string, at: number): Promise<void>;
	/** Forgets replaced links whose expiry is at or before `now`; returns how many. */
	deleteExpiredReplacedLinks(now: number): Promise<number>;
	// ---- end of survey links ---------------------------------------------------------
	/** A stored command by its id (issue 4, server/commands.ts). */
	getCommand(org: string, id: string): Promise<CommandRecord | null>;
	/**
	 * Store a command in ONE transaction, in this order: the next member number when
	 * asked; the result (`result` gets the number); the doc change's log rows
	 * (`updates`); the command row. All or none. An id already stored answers the
	 * stored record and runs nothing.
	 */
	recordCommand(
		c: NewCommandRecord,
		opts?: { allocateMemberNo?: boolean }
	): Promise<RecordedCommand>;

	/** Resolves when the store can answer a query; rejects otherwise. */
	ping(): Promise<void>;
	close(): Promise<void>;
}

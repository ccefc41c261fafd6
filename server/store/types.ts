/**
 * The persistence boundary. Everything the server keeps on disk goes through this
 * interface, so a PostgreSQL store can replace SQLite without touching the rest.
 * Methods are async for that reason even though better-sqlite3 is synchronous.
 *
 * The per-room update log is the audit trail ("who changed what, when"): rows are
 * only ever appended. Snapshots make loading fast and never delete log rows.
 */
import type { Role } from '../../src/lib/domain/access';

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

/** A snapshot merged from the stored one and the log rows up to `upToSeq`. */
export interface MergedSnapshot {
	/** In parts of about 1 MiB, each a valid update (see src/lib/yjs/split-update.js). */
	parts: Uint8Array[];
	sv: Uint8Array;
	upToSeq: number;
}

/** Thrown by `createUser` when the username is taken (case-insensitive). */
export class UsernameTakenError extends Error {
	readonly name = 'UsernameTakenError';
	readonly code = 'username_taken';
	constructor(username: string) {
		super(`The username "${username}" is already taken.`);
	}
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
	 * numbers. Resolved means durable: committed to the log.
	 */
	appendUpdates(us: readonly AppendedUpdate[]): Promise<number[]>;
	loadRoom(room: string): Promise<LoadedRoom>;
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
	 * already covers `upToSeq`.
	 */
	snapshotFromLog(room: string, upToSeq: number): Promise<MergedSnapshot | null>;

	/** The next member number of the organisation: 1, 2, 3... never reused. */
	nextMemberNo(org: string): Promise<number>;

	/** Resolves when the store can answer a query; rejects otherwise. */
	ping(): Promise<void>;
	close(): Promise<void>;
}

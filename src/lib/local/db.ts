/**
 * The device's own database (dexie over IndexedDB), apart from the Y.Doc copies
 * that y-indexeddb keeps. Holds what belongs to this device and never syncs:
 * settings, saved grid views per user, the marks of local edits not yet
 * acknowledged by the server, and the fields this user wrote while out of step.
 */
import Dexie, { type EntityTable } from 'dexie';
import { z } from 'zod';

/** Device settings: locale, the last signed-in user (for opening offline). */
export interface SettingRow {
	key: string;
	value: unknown;
}

/** A grid's column state and filter model, per user and per grid. */
export interface ViewRow {
	/** `${userId}:${gridId}` */
	id: string;
	columnState: unknown;
	filterModel: unknown;
	quickFilter: string;
	updatedAt: number;
}

/**
 * One local transaction that the server has not yet acknowledged. Keyed by the
 * Y.Doc client id and the clock after the transaction: the server's ACK state
 * vector covers it once `ackedClock >= clock`.
 */
export interface PendingRow {
	id?: number;
	room: string;
	client: number;
	clock: number;
	at: number;
}

/**
 * A server command waiting on this device (issue 4): sent to
 * `POST /api/<org>/commands` when online, retried with the same id (the server
 * answers a repeat with the stored result), kept when refused so the person sees why.
 */
export interface OutboxRow {
	/** The command id (uuid): the server's idempotency key. */
	id: string;
	userId: number;
	org: string;
	type: string;
	args: Record<string, unknown>;
	/** What the UI shows, e.g. the member's name (the row may be gone later). */
	label: string;
	createdAt: number;
	state: 'pending' | 'failed' | 'done';
	attempts: number;
	/** Epoch ms of the next automatic try (pending only). */
	nextAt: number;
	/**
	 * The last failure: HTTP status (0: no network), code, the server's (English) message
	 * and the details it sent with the code (e.g. `from`/`to` of a refused move), which
	 * the UI words in the reader's language (components/command-error.ts).
	 */
	error?: { status: number; code: string; message: string; details?: Record<string, unknown> };
	result?: unknown;
	doneAt?: number;
}

/**
 * Rows cached for first paint (sync/row-cache.ts, [C14]): one per user and room, naming
 * the generation of chunks that holds the rows and the doc version they were made from.
 */
export interface RowCacheRow {
	/** `${userId}:${org}/${doc}` */
	key: string;
	format: number;
	gen: string;
	/** Y.encodeSnapshot of the doc the rows were made from (state vector + delete set). */
	version: Uint8Array;
	count: number;
	parts: number;
	at: number;
}

/** Up to ROW_CHUNK_ROWS rows of a cache generation (plain objects, structured clone). */
export interface RowChunkRow {
	/** `${key}|${gen}|${part}` */
	id: string;
	key: string;
	gen: string;
	part: number;
	rows: unknown[];
}

/**
 * A field this user wrote in the registry while it was not in step with the server
 * (state/offline-edits.ts, [C21]): checked once it is in step again. Member data:
 * logout deletes it with the local copy.
 */
export interface OfflineEditRow {
	/** `${key}|${rowId}|${field}`: a later write of the same field replaces it. */
	id: string;
	/** `${userId}:${org}/${doc}` */
	key: string;
	rowId: string;
	field: string;
	/** The member's name when written, for a notice about a member that is gone. */
	name: string;
	/** The value written; null: the field was cleared. */
	mine: string | number | null;
}

export class LocalDb extends Dexie {
	settings!: EntityTable<SettingRow, 'key'>;
	views!: EntityTable<ViewRow, 'id'>;
	pending!: EntityTable<PendingRow, 'id'>;
	outbox!: EntityTable<OutboxRow, 'id'>;
	rowCaches!: EntityTable<RowCacheRow, 'key'>;
	rowChunks!: EntityTable<RowChunkRow, 'id'>;
	offlineEdits!: EntityTable<OfflineEditRow, 'id'>;
	constructor(name = 'guildhall') {
		super(name);
		this.version(1).stores({
			settings: 'key',
			views: 'id',
			pending: '++id, room, [room+client]'
		});
		this.version(2).stores({ outbox: 'id, userId, createdAt' });
		this.version(3).stores({ rowCaches: 'key', rowChunks: 'id, key, [key+gen]' });
		this.version(4).stores({ offlineEdits: 'id, key' });
	}
}

let db: LocalDb | null = null;
/** The device database, opened on first use (browser only). */
export function localDb(): LocalDb {
	db ??= new LocalDb();
	return db;
}

/** Read a setting and parse it at the boundary; a bad stored value reads as undefined. */
export async function getSetting<T>(key: string, schema: z.ZodType<T>): Promise<T | undefined> {
	const row = await localDb().settings.get(key);
	if (!row) return undefined;
	const r = schema.safeParse(row.value);
	return r.success ? r.data : undefined;
}

export async function setSetting(key: string, value: unknown): Promise<void> {
	await localDb().settings.put({ key, value });
}

/**
 * The device's own database (dexie over IndexedDB), apart from the Y.Doc copies
 * that y-indexeddb keeps. Holds what belongs to this device and never syncs:
 * settings, saved grid views per user, and the marks of local edits not yet
 * acknowledged by the server.
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

export class LocalDb extends Dexie {
	settings!: EntityTable<SettingRow, 'key'>;
	views!: EntityTable<ViewRow, 'id'>;
	pending!: EntityTable<PendingRow, 'id'>;
	constructor(name = 'guildhall') {
		super(name);
		this.version(1).stores({
			settings: 'key',
			views: 'id',
			pending: '++id, room, [room+client]'
		});
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

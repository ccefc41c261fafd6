/**
 * Rows cached for first paint [C14]–[C15] (docs/CLIENT.md).
 *
 * Loading a big room's Y.Doc from the local copy takes seconds (100k members: 2.4 s of
 * Y.applyUpdate alone). The grid needs only plain rows, so the rows the page last
 * showed are kept beside the local copy, in dexie (`rowCaches` + `rowChunks`), as
 * plain objects (structured clone, no Yjs decoding), read before the doc loads and
 * shown read-only until the doc has loaded and replaces them.
 *
 * Keying:
 *  - per user and room (`<userId>:<org>/<doc>`, like the local copy), wiped with it on
 *    logout (local-copies.ts);
 *  - by the doc's version: `Y.encodeSnapshot(Y.snapshot(doc))`, its state vector and
 *    delete set. A row deleted by a transaction that moves no clock changes the
 *    delete set only, so the state vector alone would miss it. Equal versions mean
 *    equal content: the rows are fresh, and the store may take them as they are;
 *    any other version is stale: the doc's rows replace them and the cache is
 *    rewritten;
 *  - by ROW_CACHE_FORMAT: a cache of another format is not shown at all.
 *
 * A cache is written in generations: the rows go in chunks under a new generation id
 * (one chunk per idle slice, so writing never freezes the page), then one transaction
 * points the meta record at it and deletes every other generation. A reader takes the
 * meta's generation and checks it is complete; a half-written or mixed cache reads as
 * none.
 */
import * as Y from 'yjs';
import { localDb, type RowCacheRow } from '$lib/local/db';

/** Bump when the cached row shape changes: older caches are then ignored. */
export const ROW_CACHE_FORMAT = 1;
/** Rows per chunk record: one chunk is cloned per idle slice (~10–30 ms). */
export const ROW_CHUNK_ROWS = 4000;
/** Quiet time after a change before the cache is rewritten. */
export const ROW_CACHE_DELAY_MS = 2000;
/** A missing or stale cache is rewritten this soon after the doc has loaded. */
export const ROW_CACHE_FIRST_DELAY_MS = 300;

/** The cache key of a room for a user (the same as the pending marks'). */
export const rowCacheKey = (userId: number, room: string) => `${userId}:${room}`;

/** The doc's version: state vector and delete set, encoded (deterministic). */
export function docVersion(doc: Y.Doc): Uint8Array {
	return Y.encodeSnapshot(Y.snapshot(doc));
}

export function sameVersion(a: Uint8Array, b: Uint8Array): boolean {
	if (a.byteLength !== b.byteLength) return false;
	for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
	return true;
}

export const CACHE_VERDICT = {
	/** Made from exactly this doc state: its rows are the doc's rows. */
	fresh: 'fresh',
	/** Made from another state: the doc's rows replace it; rewrite it. */
	stale: 'stale',
	/** Nothing usable: no cache, another format, another key. */
	none: 'none'
} as const;
export type CacheVerdict = (typeof CACHE_VERDICT)[keyof typeof CACHE_VERDICT];

/** A meta record read back from IndexedDB, checked at the boundary. */
export function usableMeta(meta: unknown, key: string): meta is RowCacheRow {
	if (!meta || typeof meta !== 'object') return false;
	const m = meta as Partial<RowCacheRow>;
	return (
		m.key === key &&
		m.format === ROW_CACHE_FORMAT &&
		typeof m.gen === 'string' &&
		m.version instanceof Uint8Array &&
		Number.isInteger(m.count) &&
		Number.isInteger(m.parts)
	);
}

/** What a cache is worth against the doc it would stand for. */
export function cacheVerdict(opts: {
	meta: unknown;
	key: string;
	version: Uint8Array;
}): CacheVerdict {
	if (!usableMeta(opts.meta, opts.key)) return CACHE_VERDICT.none;
	return sameVersion(opts.meta.version, opts.version) ? CACHE_VERDICT.fresh : CACHE_VERDICT.stale;
}

/** Split rows into chunks of at most `size`. */
export function chunkRows<T>(rows: readonly T[], size = ROW_CHUNK_ROWS): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
	return out;
}

/**
 * Put a generation's chunks back together; null unless they are exactly parts
 * 0..parts-1 of that generation holding `count` rows.
 */
export function assembleChunks(
	meta: Pick<RowCacheRow, 'gen' | 'parts' | 'count'>,
	chunks: readonly { gen: string; part: number; rows: unknown }[]
): unknown[] | null {
	if (chunks.length !== meta.parts) return null;
	const sorted = [...chunks].sort((a, b) => a.part - b.part);
	const rows: unknown[] = [];
	for (let i = 0; i < sorted.length; i++) {
		const c = sorted[i];
		if (c.gen !== meta.gen || c.part !== i || !Array.isArray(c.rows)) return null;
		for (const r of c.rows) rows.push(r);
	}
	return rows.length === meta.count ? rows : null;
}

export interface CachedRows {
	meta: RowCacheRow;
	/** As stored: the caller checks each row (IndexedDB is a boundary). */
	rows: unknown[];
}

/** What app.html's early read found: a key and its records as stored (unchecked). */
interface EarlyRows {
	key: string;
	meta: unknown;
	chunks: unknown;
}

/**
 * The rows app.html began to read before the app's code loaded, if they are for `key`:
 * the rows, or null when what it read is unusable; undefined sends the caller to the db
 * (no early read, one for another key, or one that found nothing). Taken once: a later
 * read (another page, a rewritten cache) goes to the db.
 */
async function takeEarlyRows(key: string): Promise<CachedRows | null | undefined> {
	const w = globalThis as { __guildhallEarlyRows?: Promise<EarlyRows | null> };
	const early = w.__guildhallEarlyRows;
	if (!early) return undefined;
	w.__guildhallEarlyRows = undefined;
	const found = await early.catch(() => null);
	if (!found || found.key !== key) return undefined;
	if (!usableMeta(found.meta, key) || !Array.isArray(found.chunks)) return null;
	const rows = assembleChunks(found.meta, found.chunks);
	return rows ? { meta: found.meta, rows } : null;
}

/** The cached rows of a room for a user, or null (none, another format, incomplete). */
export async function readRowCache(key: string): Promise<CachedRows | null> {
	const early = await takeEarlyRows(key);
	if (early !== undefined) return early;
	const db = localDb();
	return db.transaction('r', db.rowCaches, db.rowChunks, async () => {
		const meta = await db.rowCaches.get(key);
		if (!usableMeta(meta, key)) return null;
		const chunks = await db.rowChunks.where('[key+gen]').equals([key, meta.gen]).toArray();
		const rows = assembleChunks(meta, chunks);
		return rows ? { meta, rows } : null;
	});
}

/** Delete every cached row of a user (logout), or of one key. */
export async function deleteRowCaches(opts: { userId: number } | { key: string }): Promise<void> {
	const db = localDb();
	await db.transaction('rw', db.rowCaches, db.rowChunks, async () => {
		if ('key' in opts) {
			await db.rowCaches.delete(opts.key);
			await db.rowChunks.where('key').equals(opts.key).delete();
		} else {
			const prefix = `${opts.userId}:`;
			await db.rowCaches.where('key').startsWith(prefix).delete();
			await db.rowChunks.where('key').startsWith(prefix).delete();
		}
	});
}

const newGen = () =>
	typeof crypto !== 'undefined' && 'randomUUID' in crypto
		? crypto.randomUUID()
		: `${Date.now()}-${Math.random()}`;

/** Wait for an idle moment (at most `timeout` ms), so a write slice never delays input. */
function idle(timeout = 1000): Promise<void> {
	return new Promise((resolve) => {
		if (typeof requestIdleCallback === 'function')
			requestIdleCallback(() => resolve(), { timeout });
		else setTimeout(resolve, 0);
	});
}

export interface RowCacheWriterOptions<T> {
	key: string;
	/** The rows now (plain objects; not mutated while written). */
	rows: () => readonly T[];
	/** The doc's version now (docVersion). */
	version: () => Uint8Array;
	delayMs?: number;
}

/**
 * Keeps one room's cache in step with its doc: `schedule()` after a change; after a
 * quiet `delayMs` the rows are written a chunk per idle slice. `stop()` (room destroy,
 * logout) waits for a write in progress to end, so nothing is written after a wipe.
 */
export class RowCacheWriter<T> {
	readonly key: string;
	/** The version the cache holds (as far as this writer knows). */
	stored: Uint8Array | null = null;
	#opts: RowCacheWriterOptions<T>;
	#timer: ReturnType<typeof setTimeout> | null = null;
	#running: Promise<void> | null = null;
	#again = false;
	#stopped = false;

	constructor(opts: RowCacheWriterOptions<T>) {
		this.key = opts.key;
		this.#opts = opts;
	}

	/** Write the rows after a quiet moment (a change happened, or the cache is stale). */
	schedule(delayMs = this.#opts.delayMs ?? ROW_CACHE_DELAY_MS): void {
		if (this.#stopped) return;
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = setTimeout(() => {
			this.#timer = null;
			void this.flush();
		}, delayMs);
	}

	/** Write now unless the cache already holds this version. Resolves when written. */
	flush(): Promise<void> {
		if (this.#stopped) return Promise.resolve();
		if (this.#running) {
			this.#again = true;
			return this.#running;
		}
		this.#running = this.#write()
			.catch((e) => console.error('row cache', e))
			.finally(() => {
				this.#running = null;
				if (this.#again && !this.#stopped) {
					this.#again = false;
					this.schedule();
				}
			});
		return this.#running;
	}

	async #write(): Promise<void> {
		await idle();
		if (this.#stopped) return;
		const version = this.#opts.version();
		if (this.stored && sameVersion(this.stored, version)) return;
		const rows = this.#opts.rows();
		const chunks = chunkRows(rows);
		const gen = newGen();
		const db = localDb();
		for (let part = 0; part < chunks.length; part++) {
			if (part > 0) await idle();
			if (this.#stopped) return;
			await db.rowChunks.put({
				id: `${this.key}|${gen}|${part}`,
				key: this.key,
				gen,
				part,
				rows: chunks[part]
			});
		}
		if (this.#stopped) return;
		await db.transaction('rw', db.rowCaches, db.rowChunks, async () => {
			await db.rowCaches.put({
				key: this.key,
				format: ROW_CACHE_FORMAT,
				gen,
				version,
				count: rows.length,
				parts: chunks.length,
				at: Date.now()
			});
			await db.rowChunks
				.where('key')
				.equals(this.key)
				.filter((c) => c.gen !== gen)
				.delete();
		});
		this.stored = version;
	}

	async stop(): Promise<void> {
		this.#stopped = true;
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
		await this.#running;
	}
}

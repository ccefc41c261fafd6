/**
 * The local copy of a room: its Y.Doc's updates in IndexedDB (`gh:<userId>:<org>/<doc>`,
 * stores `updates` (auto-increment keys, one Yjs update each) and `custom`: the layout
 * y-indexeddb uses, so copies written by earlier versions still open).
 *
 * Why not y-indexeddb itself (docs/CLIENT.md):
 *  - [C13] Yjs encodes a transaction's update only when the doc has an 'update'
 *    listener. y-indexeddb's listener is on during its own load (the load encoded, 2 s at
 *    100k members, for nothing) and it stored a full-state record on each load. Here the
 *    listener is on only after the load; a change made by anyone else meanwhile is
 *    stored afterwards as the doc's state (nothing is lost). A big update from the
 *    server is applied with our own 'update' listeners off and its received bytes are
 *    stored as they are (the same information: applying them again is idempotent).
 *  - [C16] y-indexeddb applies the whole copy in one synchronous call (3.7 s of frozen
 *    page at 100k members). Here it is applied a slice (~40 ms of work) per task, so the
 *    page paints and scrolls the rows cached for first paint meanwhile; and the load
 *    may wait for a gate (the page shows those rows first).
 */
import * as Y from 'yjs';
import * as idb from 'lib0/indexeddb';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import type { WebsocketProvider } from 'y-websocket';
import { encodeStateInParts } from '../yjs/split-update.js';

type MessageHandler = WebsocketProvider['messageHandlers'][number];

/** Server updates at least this big are stored as received, without the 'update' event. */
export const RAW_STORE_MIN_BYTES = 64 * 1024;
/** After this many records beyond the state's own, the copy is rewritten as the state. */
export const TRIM_RECORDS = 500;
/** Work per slice of the load before the page gets the main thread back. */
export const LOAD_SLICE_MS = 40;
/**
 * The records the copy writes itself (a trim) are at most about this big: one record
 * is applied in one go, and 256 KiB of a registry takes ~20-30 ms of Y.applyUpdate (a
 * slice). A new device's records are the server's snapshot parts as received
 * (SNAPSHOT_PART_BYTES, 1 MiB).
 */
export const RECORD_BYTES = 256 * 1024;

const UPDATES = 'updates';

/** Give the main thread back for one turn (a normal task: input and paint go first). */
export function yieldToPage(): Promise<void> {
	return new Promise((resolve) => {
		if (typeof MessageChannel === 'undefined') {
			setTimeout(resolve, 0);
			return;
		}
		const ch = new MessageChannel();
		ch.port1.onmessage = () => {
			ch.port1.close();
			resolve();
		};
		ch.port2.postMessage(null);
	});
}

export interface LocalCopyOptions {
	name: string;
	doc: Y.Doc;
	/** Apply the copy only after this settles (read it meanwhile). */
	gate?: Promise<unknown>;
}

export class LocalCopy {
	readonly name: string;
	readonly doc: Y.Doc;
	/** Resolves when the copy is in the doc. */
	readonly whenLoaded: Promise<void>;
	db: IDBDatabase | null = null;
	/** Records in the copy, for trimming. */
	#records = 0;
	/** Records the doc's state alone takes (about): trimming only pays beyond them. */
	#stateRecords = 0;
	/** First key not yet read into the doc: records from other tabs of this user come after it. */
	#ref = 0;
	#trimTimer: ReturnType<typeof setTimeout> | null = null;
	#destroyed = false;
	#onUpdate = (update: Uint8Array, origin: unknown) => {
		if (origin === this) return;
		this.store(update);
	};

	constructor(opts: LocalCopyOptions) {
		this.name = opts.name;
		this.doc = opts.doc;
		this.whenLoaded = this.#load(opts.gate ?? Promise.resolve());
	}

	get destroyed(): boolean {
		return this.#destroyed;
	}

	async #load(gate: Promise<unknown>): Promise<void> {
		const doc = this.doc;
		let foreign = false;
		const watch = (tr: Y.Transaction) => {
			if (tr.origin === this) return;
			let moved = tr.deleteSet.clients.size > 0;
			for (const [client, clock] of tr.afterState) {
				if (clock !== (tr.beforeState.get(client) ?? 0)) moved = true;
			}
			if (moved) foreign = true;
		};
		doc.on('afterTransaction', watch);
		try {
			const db = await idb.openDB(this.name, (d) =>
				idb.createStores(d, [[UPDATES, { autoIncrement: true }], ['custom']])
			);
			this.db = db;
			if (this.#destroyed) {
				db.close();
				return;
			}
			const [store] = idb.transact(db, [UPDATES], 'readonly');
			const updates = (await idb.getAll(store)) as Uint8Array[];
			const last = await idb.getLastKey(store);
			this.#ref = typeof last === 'number' ? last + 1 : 0;
			this.#records = updates.length;
			let bytes = 0;
			for (const u of updates) bytes += u.byteLength;
			this.#stateRecords = Math.ceil(bytes / RECORD_BYTES);
			// An empty copy (a new device) has nothing to wait for: connect at once.
			if (updates.length > 0) await gate.catch(() => {});
			let i = 0;
			while (i < updates.length && !this.#destroyed) {
				const until = performance.now() + LOAD_SLICE_MS;
				doc.transact(() => {
					while (i < updates.length && performance.now() < until) {
						Y.applyUpdate(doc, updates[i]);
						updates[i] = EMPTY;
						i++;
					}
				}, this);
				if (i < updates.length) await yieldToPage();
			}
		} finally {
			doc.off('afterTransaction', watch);
		}
		if (this.#destroyed) return;
		doc.on('update', this.#onUpdate);
		if (foreign) this.store(Y.encodeStateAsUpdate(doc));
	}

	/** Append one update to the copy (an own change, or a server update as received). */
	store(update: Uint8Array): void {
		if (!this.db || this.#destroyed) return;
		const [store] = idb.transact(this.db, [UPDATES]);
		void idb.addAutoKey(store, update as unknown as ArrayBuffer);
		if (++this.#records - this.#stateRecords >= TRIM_RECORDS) this.#scheduleTrim();
	}

	#scheduleTrim() {
		if (this.#trimTimer) clearTimeout(this.#trimTimer);
		this.#trimTimer = setTimeout(() => {
			this.#trimTimer = null;
			void this.#trim();
		}, 1000);
	}

	/**
	 * Replace every record with the doc's state, in one transaction. Records written
	 * since the load (by another tab of this user too) are applied first, so none is
	 * dropped unread. The state goes in records of at most RECORD_BYTES, so the next load
	 * is still applied a slice at a time [C16]: one record of the whole state was one
	 * call of ~0.5 s at 10k members and seconds at 100k.
	 */
	async #trim() {
		if (!this.db || this.#destroyed) return;
		const [store] = idb.transact(this.db, [UPDATES]);
		const since = (await idb.getAll(
			store,
			idb.createIDBKeyRangeLowerBound(this.#ref, false)
		)) as Uint8Array[];
		this.doc.transact(() => {
			for (const u of since) Y.applyUpdate(this.doc, u);
		}, this);
		const last = await idb.getLastKey(store);
		const parts = encodeStateInParts(this.doc, RECORD_BYTES);
		const keys = await Promise.all(
			parts.map((p) => idb.addAutoKey(store, p as unknown as ArrayBuffer))
		);
		if (typeof last === 'number')
			await idb.del(store, idb.createIDBKeyRangeUpperBound(last, false));
		this.#ref = Number(keys[keys.length - 1]) + 1;
		this.#records = await idb.count(store);
		this.#stateRecords = parts.length;
	}

	/** Stop writing and close the database (the copy stays). */
	async destroy(): Promise<void> {
		if (this.#destroyed) return;
		this.#destroyed = true;
		if (this.#trimTimer) clearTimeout(this.#trimTimer);
		this.doc.off('update', this.#onUpdate);
		await this.whenLoaded.catch(() => {});
		this.db?.close();
	}

	/** The 'update' listener, for applying big server updates without it. */
	get updateListener(): (update: Uint8Array, origin: unknown) => void {
		return this.#onUpdate;
	}
}

const EMPTY = new Uint8Array(0);

/**
 * Wrap the provider's sync handler: a big step 2 / update from the server is applied
 * without our 'update' listeners (the copy's and the provider's own, which ignores the
 * provider's updates anyway) and its bytes go to `keep` as received (stored in the copy
 * now or later: see Room).
 */
export function storeRemoteUpdatesRaw(
	base: MessageHandler,
	copy: LocalCopy,
	provider: WebsocketProvider,
	keep: (update: Uint8Array) => void
): MessageHandler {
	return (encoder, decoder, p, emitSynced, type) => {
		const peek = decoding.clone(decoder);
		const syncType = decoding.readVarUint(peek);
		if (syncType === syncProtocol.messageYjsSyncStep1) {
			base(encoder, decoder, p, emitSynced, type);
			return;
		}
		const payload = decoding.readVarUint8Array(peek);
		if (payload.byteLength < RAW_STORE_MIN_BYTES || !copy.db) {
			base(encoder, decoder, p, emitSynced, type);
			return;
		}
		const doc = provider.doc;
		const relay = provider._updateHandler;
		const store = copy.updateListener;
		doc.off('update', store);
		doc.off('update', relay);
		try {
			base(encoder, decoder, p, emitSynced, type);
		} finally {
			doc.on('update', relay);
			if (!copy.destroyed) doc.on('update', store);
		}
		keep(payload);
	};
}

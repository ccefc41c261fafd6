/**
 * Rooms: one Y.Doc per `<org>/<doc>`, its peers (connections) and their presence.
 *
 * Life of a room:
 *  - load: the snapshot and the log rows after it are applied to a fresh Y.Doc
 *    before anything is sent to a peer [R1]. A new `registry` gets `meta.schemaVersion`.
 *  - every change of the doc, whoever made it, goes through one path ('update'):
 *    append to the store, THEN broadcast to the other peers [P1], THEN acknowledge
 *    the sender [K1]. Entries wait in an in-memory outbox until the store has them.
 *  - when the store fails, the doc stays in memory and the entries stay in the outbox
 *    and are retried on the next change, the next snapshot or a timer [P2]; they are
 *    broadcast anyway (the doc in memory is the truth) but not acknowledged.
 *  - a snapshot is written every `snapshotEvery` stored updates and when the last
 *    peer leaves; the room is unloaded after `idleMs` without peers.
 */
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import { parseRoomName, type DocName } from '../src/lib/domain/access';
import { MESSAGE, SCHEMA_VERSION } from '../src/lib/domain/protocol';
import { DOC_GUARDS } from './doc-guards';
import { applyGuardedUpdate, CORRECTIONS, MEMBERS, META, type Guard } from './guard';
import type { Store } from './store/types';

/** What a room needs from a connection. The transport's connections implement it. */
export interface Peer {
	readonly kind: 'peer';
	readonly userId: number;
	send(message: Uint8Array): void;
}

/** Transaction origins in a room's doc: a peer, the server itself, or the loader. */
export const SERVER_ORIGIN = { kind: 'server' } as const;
export const LOAD_ORIGIN = { kind: 'load' } as const;
export type RoomOrigin = Peer | typeof SERVER_ORIGIN | typeof LOAD_ORIGIN;

/** The user a server write was made for (transactAsServer's `onBehalfOf`), else null. */
const actorOf = (o: unknown): number | null => {
	const a = o as { kind?: unknown; userId?: unknown } | null;
	return typeof a === 'object' && a !== null && a.kind === 'server' && typeof a.userId === 'number'
		? a.userId
		: null;
};

const isPeer = (o: unknown): o is Peer =>
	typeof o === 'object' && o !== null && (o as { kind?: unknown }).kind === 'peer';

export interface RoomTuning {
	/** Write a snapshot after this many stored updates. */
	snapshotEvery: number;
	/** Unload a room this long after its last peer left. */
	idleMs: number;
	/** Retry a failed store write after this long (doubling up to 30 s). */
	retryMs: number;
}

export const DEFAULT_ROOM_TUNING: RoomTuning = {
	snapshotEvery: 500,
	idleMs: 30_000,
	retryMs: 1000
};

interface OutboxEntry {
	update: Uint8Array;
	userId: number | null;
	at: number;
	from: Peer | null;
	/** The guard corrected the sender's change: send the merged update back to it too. */
	echo: boolean;
	broadcast: boolean;
	/** ACK messages to send once this entry (and all before it) is stored. */
	acks: { peer: Peer; message: Uint8Array }[];
}

/** Decoded enough to check it is well-formed; what the caller needs from it. */
export interface CheckedUpdate {
	update: Uint8Array;
	/** Client ids that have structs in the update. */
	clients: number[];
}

/** Throws on anything Yjs cannot decode (truncated, unknown content, ...). */
export function checkUpdate(update: Uint8Array): CheckedUpdate {
	const { structs } = Y.decodeUpdate(update);
	const clients = new Set<number>();
	for (const s of structs) if (!(s instanceof Y.Skip)) clients.add(s.id.client);
	return { update, clients: [...clients] };
}

export function syncUpdateMessage(update: Uint8Array): Uint8Array {
	const enc = encoding.createEncoder();
	encoding.writeVarUint(enc, MESSAGE.sync);
	syncProtocol.writeUpdate(enc, update);
	return encoding.toUint8Array(enc);
}

function awarenessMessage(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
	const enc = encoding.createEncoder();
	encoding.writeVarUint(enc, MESSAGE.awareness);
	encoding.writeVarUint8Array(enc, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
	return encoding.toUint8Array(enc);
}

export class Room {
	readonly doc: Y.Doc;
	readonly awareness: awarenessProtocol.Awareness;
	readonly org: string;
	readonly docName: DocName;
	readonly peers = new Set<Peer>();
	/** Null for docs whose client schema is not defined yet: peers cannot write them. */
	readonly guard: Guard | null;

	private readonly outbox: OutboxEntry[] = [];
	private flushing: Promise<void> | null = null;
	private lastAttemptFailed = false;
	private retryTimer: ReturnType<typeof setTimeout> | null = null;
	private retryDelay: number;
	private lastSeq: number;
	private snapshotSeq: number;
	private sinceSnapshot: number;
	/** Awareness client id → the peer that owns it. */
	private readonly awarenessOwner = new Map<number, Peer>();
	private destroyed = false;

	private constructor(
		readonly name: string,
		private readonly store: Store,
		private readonly tuning: RoomTuning,
		doc: Y.Doc,
		log: { lastSeq: number; snapshotSeq: number; sinceSnapshot: number }
	) {
		const parsed = parseRoomName(name);
		if (!parsed) throw new Error(`Not a room name: ${name}`);
		this.org = parsed.org;
		this.docName = parsed.doc;
		this.doc = doc;
		this.lastSeq = log.lastSeq;
		this.snapshotSeq = log.snapshotSeq;
		this.sinceSnapshot = log.sinceSnapshot;
		this.retryDelay = tuning.retryMs;
		this.guard = DOC_GUARDS[this.docName] ?? null;
		this.awareness = new awarenessProtocol.Awareness(doc);
		// The server has no presence of its own.
		this.awareness.setLocalState(null);
		this.doc.on('update', this.onUpdate);
		this.awareness.on('update', this.onAwareness);
	}

	static async load(opts: { name: string; store: Store; tuning: RoomTuning }): Promise<Room> {
		const { snapshot, updates } = await opts.store.loadRoom(opts.name);
		const doc = new Y.Doc({ gc: true });
		doc.transact(() => {
			const apply = (u: Uint8Array, what: string) => {
				try {
					Y.applyUpdate(doc, u);
				} catch (e) {
					// Keep loading the rest: one bad row must not make the room unusable.
					console.error(`Guildhall: could not apply ${what} of room ${opts.name}; skipped.`, e);
				}
			};
			if (snapshot) apply(snapshot.state, `the snapshot (up to #${snapshot.upToSeq})`);
			for (const u of updates) apply(u.update, `log row #${u.seq}`);
		}, LOAD_ORIGIN);
		const room = new Room(opts.name, opts.store, opts.tuning, doc, {
			lastSeq: updates.length > 0 ? updates[updates.length - 1].seq : (snapshot?.upToSeq ?? 0),
			snapshotSeq: snapshot?.upToSeq ?? 0,
			sinceSnapshot: updates.length
		});
		room.initSchema();
		return room;
	}

	private initSchema(): void {
		if (this.docName !== 'registry') return;
		// Typed roots before any client update, so the guard can recognise them.
		this.doc.getMap(MEMBERS);
		const meta = this.doc.getMap<unknown>(META);
		if (meta.get('schemaVersion') === undefined) {
			this.transactAsServer(() => meta.set('schemaVersion', SCHEMA_VERSION));
		}
	}

	/**
	 * Change the doc as the server (commands, migrations): not guarded, stored as user
	 * null, or as `onBehalfOf` for a command a person asked for (so the history says who).
	 */
	transactAsServer<T>(fn: (doc: Y.Doc) => T, onBehalfOf?: number): T {
		let out!: T;
		this.doc.transact(
			() => {
				out = fn(this.doc);
			},
			onBehalfOf === undefined ? SERVER_ORIGIN : { kind: 'server', userId: onBehalfOf }
		);
		return out;
	}

	/** Whether `peer`'s edits can be applied at all (see SPEC [D1]). */
	get writable(): boolean {
		return this.guard !== null;
	}

	/**
	 * Apply a peer's update through the guard, then queue the peer's ACK behind the
	 * store write. Throws when the update is malformed (the caller closes the peer).
	 */
	applyPeerUpdate(peer: Peer, update: Uint8Array): { corrections: number } {
		if (!this.guard) throw new Error(`Room ${this.name} is not writable by peers`);
		const checked = checkUpdate(update);
		const { corrections, error } = applyGuardedUpdate({
			doc: this.doc,
			update,
			origin: peer,
			guard: this.guard
		});
		this.queueAck(peer, checked.clients);
		if (error) throw error;
		return { corrections };
	}

	/** The server's clock for each of `clients`, sent once everything so far is stored [K1]. */
	private queueAck(peer: Peer, clients: number[]): void {
		const sv = new Map<number, number>();
		for (const c of clients) sv.set(c, Y.getState(this.doc.store, c));
		const enc = encoding.createEncoder();
		encoding.writeVarUint(enc, MESSAGE.ack);
		const svEnc = encoding.createEncoder();
		encoding.writeVarUint(svEnc, sv.size);
		// Same layout as Y.encodeStateVector (decodable with Y.decodeStateVector).
		for (const [client, clock] of [...sv].sort((a, b) => b[0] - a[0])) {
			encoding.writeVarUint(svEnc, client);
			encoding.writeVarUint(svEnc, clock);
		}
		encoding.writeVarUint8Array(enc, encoding.toUint8Array(svEnc));
		const message = encoding.toUint8Array(enc);
		const last = this.outbox[this.outbox.length - 1];
		if (last) last.acks.push({ peer, message });
		else peer.send(message);
	}

	private readonly onUpdate = (
		update: Uint8Array,
		origin: unknown,
		_doc: Y.Doc,
		tr: Y.Transaction
	): void => {
		if (origin === LOAD_ORIGIN) return;
		const from = isPeer(origin) ? origin : null;
		this.outbox.push({
			update,
			userId: from ? from.userId : actorOf(origin),
			at: Date.now(),
			from,
			echo: from !== null && (tr.meta.get(CORRECTIONS) ?? 0) > 0,
			broadcast: false,
			acks: []
		});
		void this.flush();
	};

	private broadcast(e: OutboxEntry): void {
		e.broadcast = true;
		const message = syncUpdateMessage(e.update);
		for (const p of this.peers) if (p !== e.from || e.echo) p.send(message);
	}

	/** Number of changes not yet in the store. */
	get pending(): number {
		return this.outbox.length;
	}

	/** Store what waits in the outbox, in order. Resolves when done or failed. */
	flush(): Promise<void> {
		if (!this.flushing) {
			this.flushing = (async () => {
				try {
					await this.drain();
				} finally {
					this.flushing = null;
				}
				// Entries pushed while the last round finished.
				if (this.outbox.length > 0 && !this.lastAttemptFailed) await this.flush();
			})();
		}
		return this.flushing;
	}

	private async drain(): Promise<void> {
		while (this.outbox.length > 0) {
			const e = this.outbox[0];
			try {
				const seq = await this.store.appendUpdate({
					room: this.name,
					update: e.update,
					userId: e.userId,
					at: e.at
				});
				this.outbox.shift();
				this.lastSeq = seq;
				this.sinceSnapshot++;
				this.lastAttemptFailed = false;
				this.retryDelay = this.tuning.retryMs;
			} catch (err) {
				this.lastAttemptFailed = true;
				console.error(
					`Guildhall: could not store a change of room ${this.name}; ${this.outbox.length} ` +
						'change(s) kept in memory and retried. Check the data directory (disk full? locked?).',
					err
				);
				for (const w of this.outbox) if (!w.broadcast) this.broadcast(w);
				this.scheduleRetry();
				return;
			}
			if (!e.broadcast) this.broadcast(e);
			for (const a of e.acks) a.peer.send(a.message);
			if (this.sinceSnapshot >= this.tuning.snapshotEvery) await this.writeSnapshot();
		}
	}

	private scheduleRetry(): void {
		if (this.retryTimer || this.destroyed) return;
		this.retryTimer = setTimeout(() => {
			this.retryTimer = null;
			void this.flush();
		}, this.retryDelay);
		this.retryTimer.unref?.();
		this.retryDelay = Math.min(this.retryDelay * 2, 30_000);
	}

	private async writeSnapshot(): Promise<void> {
		if (this.lastSeq <= this.snapshotSeq && this.outbox.length === 0) return;
		const upToSeq = this.lastSeq;
		try {
			// The state may hold changes still in the outbox: loading re-applies logged
			// rows after upToSeq, which is harmless because applying an update is idempotent.
			await this.store.writeSnapshot({
				room: this.name,
				state: Y.encodeStateAsUpdate(this.doc),
				upToSeq
			});
			this.snapshotSeq = upToSeq;
			this.sinceSnapshot = 0;
		} catch (err) {
			console.error(`Guildhall: could not write a snapshot of room ${this.name}; will retry.`, err);
			// Not on every following change: encoding a big doc is not free.
			this.sinceSnapshot = Math.min(
				this.sinceSnapshot,
				Math.max(0, this.tuning.snapshotEvery - 50)
			);
		}
	}

	/** Store pending changes, then write a snapshot if anything changed since the last. */
	async snapshot(): Promise<void> {
		await this.flush();
		await this.writeSnapshot();
	}

	/** Send the first messages to a peer that joins: sync step 1, then current presence. */
	addPeer(peer: Peer): void {
		this.peers.add(peer);
		const enc = encoding.createEncoder();
		encoding.writeVarUint(enc, MESSAGE.sync);
		syncProtocol.writeSyncStep1(enc, this.doc);
		peer.send(encoding.toUint8Array(enc));
		const states = [...this.awareness.getStates().keys()];
		if (states.length > 0) peer.send(awarenessMessage(this.awareness, states));
	}

	removePeer(peer: Peer): void {
		if (!this.peers.delete(peer)) return;
		const owned = [...this.awarenessOwner].filter(([, p]) => p === peer).map(([id]) => id);
		for (const id of owned) this.awarenessOwner.delete(id);
		if (owned.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, owned, null);
	}

	/**
	 * Apply a peer's presence. An awareness client id belongs to the first user who
	 * sets it; entries for ids owned by another user are dropped, so one person cannot
	 * rewrite or remove someone else's presence.
	 */
	applyAwareness(peer: Peer, update: Uint8Array): void {
		const dec = decoding.createDecoder(update);
		const count = decoding.readVarUint(dec);
		const keep = encoding.createEncoder();
		let kept = 0;
		const entries = encoding.createEncoder();
		for (let i = 0; i < count; i++) {
			const clientId = decoding.readVarUint(dec);
			const clock = decoding.readVarUint(dec);
			const state = decoding.readVarString(dec);
			JSON.parse(state); // malformed JSON is a malformed message
			const owner = this.awarenessOwner.get(clientId);
			if (owner !== undefined && owner !== peer && owner.userId !== peer.userId) continue;
			if (clientId === this.doc.clientID) continue;
			encoding.writeVarUint(entries, clientId);
			encoding.writeVarUint(entries, clock);
			encoding.writeVarString(entries, state);
			kept++;
		}
		if (kept === 0) return;
		encoding.writeVarUint(keep, kept);
		encoding.writeUint8Array(keep, encoding.toUint8Array(entries));
		awarenessProtocol.applyAwarenessUpdate(this.awareness, encoding.toUint8Array(keep), peer);
	}

	awarenessMessageForAll(): Uint8Array | null {
		const states = [...this.awareness.getStates().keys()];
		return states.length > 0 ? awarenessMessage(this.awareness, states) : null;
	}

	private readonly onAwareness = (
		{ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
		origin: unknown
	): void => {
		if (isPeer(origin)) {
			for (const id of [...added, ...updated]) this.awarenessOwner.set(id, origin);
			for (const id of removed) this.awarenessOwner.delete(id);
		}
		const changed = [...added, ...updated, ...removed];
		if (changed.length === 0) return;
		const message = awarenessMessage(this.awareness, changed);
		for (const p of this.peers) p.send(message);
	};

	/** Release timers and listeners. Pending changes must have been flushed first. */
	destroy(): void {
		if (this.destroyed) return;
		this.destroyed = true;
		if (this.retryTimer) clearTimeout(this.retryTimer);
		this.retryTimer = null;
		this.doc.off('update', this.onUpdate);
		this.awareness.off('update', this.onAwareness);
		this.awareness.destroy();
		this.doc.destroy();
	}
}

interface RoomEntry {
	room: Promise<Room>;
	loaded: Room | null;
	holds: number;
	idleTimer: ReturnType<typeof setTimeout> | null;
}

/**
 * Loaded rooms by name. `acquire` loads (once, even when many peers join at once) and
 * counts a hold; `release` drops it, and a room without holds is snapshotted and
 * unloaded after the idle delay, unless its changes could not be stored yet.
 */
export class Rooms {
	private readonly entries = new Map<string, RoomEntry>();
	private closed = false;
	/**
	 * Told when a room has been loaded (before any peer or command gets it) and just
	 * before one is unloaded: lets the reports observe source docs without keeping
	 * them loaded.
	 */
	readonly lifecycle = {
		loaded: new Set<(room: Room) => void>(),
		unloading: new Set<(room: Room) => void>()
	};

	constructor(
		private readonly store: Store,
		private readonly tuning: RoomTuning = DEFAULT_ROOM_TUNING
	) {}

	acquire(name: string): Promise<Room> {
		if (this.closed) return Promise.reject(new Error('The server is shutting down'));
		let entry = this.entries.get(name);
		if (!entry) {
			const e: RoomEntry = {
				room: Room.load({ name, store: this.store, tuning: this.tuning }),
				loaded: null,
				holds: 0,
				idleTimer: null
			};
			entry = e;
			this.entries.set(name, e);
			e.room.then(
				(room) => {
					e.loaded = room;
					for (const f of this.lifecycle.loaded) f(room);
				},
				() => {
					// A failed load is not cached: the next peer tries again.
					if (this.entries.get(name) === e) this.entries.delete(name);
				}
			);
		}
		entry.holds++;
		if (entry.idleTimer) {
			clearTimeout(entry.idleTimer);
			entry.idleTimer = null;
		}
		const e = entry;
		return e.room.catch((err) => {
			e.holds--;
			throw err;
		});
	}

	release(room: Room): void {
		const entry = this.entries.get(room.name);
		if (!entry || entry.loaded !== room) return;
		entry.holds--;
		if (entry.holds > 0) return;
		void room.snapshot();
		this.scheduleUnload(entry, room);
	}

	private scheduleUnload(entry: RoomEntry, room: Room): void {
		if (entry.idleTimer) clearTimeout(entry.idleTimer);
		entry.idleTimer = setTimeout(() => {
			entry.idleTimer = null;
			void this.unload(entry, room);
		}, this.tuning.idleMs);
		entry.idleTimer.unref?.();
	}

	private async unload(entry: RoomEntry, room: Room): Promise<void> {
		await room.snapshot();
		if (entry.holds > 0 || this.entries.get(room.name) !== entry) return;
		if (room.pending > 0) {
			// Never drop changes the store does not have yet: try again later.
			this.scheduleUnload(entry, room);
			return;
		}
		this.entries.delete(room.name);
		for (const f of this.lifecycle.unloading) f(room);
		room.destroy();
	}

	/** Run `fn` with the room loaded (for server-side commands). */
	async withRoom<T>(name: string, fn: (room: Room) => T | Promise<T>): Promise<T> {
		const room = await this.acquire(name);
		try {
			return await fn(room);
		} finally {
			this.release(room);
		}
	}

	/** The room if it is loaded now. */
	get(name: string): Room | undefined {
		return this.entries.get(name)?.loaded ?? undefined;
	}

	loaded(): Room[] {
		return [...this.entries.values()].flatMap((e) => (e.loaded ? [e.loaded] : []));
	}

	/** Store and snapshot every room, then unload all. For shutdown. */
	async close(): Promise<void> {
		this.closed = true;
		const entries = [...this.entries.values()];
		this.entries.clear();
		await Promise.all(
			entries.map(async (e) => {
				if (e.idleTimer) clearTimeout(e.idleTimer);
				const room = await e.room.catch(() => null);
				if (!room) return;
				await room.snapshot();
				if (room.pending > 0) {
					console.error(
						`Guildhall: ${room.pending} change(s) of room ${room.name} could not be stored before shutdown.`
					);
				}
				for (const f of this.lifecycle.unloading) f(room);
				room.destroy();
			})
		);
	}
}

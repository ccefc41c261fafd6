/**
 * Rooms: one Y.Doc per `<org>/<doc>`, its peers (connections) and their presence.
 *
 * Life of a room:
 *  - load: the snapshot and the log rows after it are applied to a fresh Y.Doc
 *    before anything is sent to a peer [R1]. A new `registry` gets `meta.schemaVersion`.
 *  - every change of the doc, whoever made it, goes through one path ('update'):
 *    append to the store, THEN broadcast to the other peers [P1], THEN acknowledge
 *    the sender [K1]. Entries wait in an in-memory outbox until the store has them.
 *    Group commit [P4]: the outbox is stored in a microtask, once the event-loop callback
 *    that applied the changes (a socket read: every message in it) has run, everything it
 *    applied in ONE store transaction, then broadcast and acknowledged in arrival order.
 *    Not a later turn (setImmediate): the broadcast would wait for every other socket's
 *    callback of the turn, and the hop itself was ~10 µs of each edit's way to its peers.
 *  - a server change that must be stored together with other records (a command: its
 *    record, member number and doc change, all or none) goes through `transactStored`:
 *    its log row, after the entries waiting in the outbox, is appended in the caller's
 *    store transaction; the outbox treats those entries as stored (never appended
 *    twice), then broadcasts and acknowledges them in order. If that transaction
 *    fails, the change is undone in memory [P5].
 *  - when the store fails, the doc stays in memory and the entries stay in the outbox
 *    and are retried on the next change, the next snapshot or a timer [P2]; they are
 *    broadcast anyway (the doc in memory is the truth) but not acknowledged.
 *  - a snapshot is written every `snapshotEvery` stored updates and when the last
 *    peer leaves, by the store's background thread from the stored snapshot and log
 *    rows (the event loop never encodes the whole doc) [R3]; the room is unloaded
 *    after `idleMs` without peers, and then, if enough was deleted, the snapshot is
 *    rewritten without deleted content (a Y.Doc built in that thread) [R6].
 *  - a new device (empty state vector) is answered from the stored bytes, read from the
 *    store when it asks, without encoding the doc [R4]. The room does not keep them: a
 *    buffer is memory V8 counts as external, and each 64 MiB more of it since the last
 *    full collection starts one that marks the whole heap in steps taken on the event
 *    loop at every new buffer (docs/BENCHMARKS.md: the stalls it caused).
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
import { seedSettings, settingsSeedDue } from './joining';
import { keepValuesCompact } from './compact-values';
import type { AppendedUpdate, Store } from './store/types';

/** What a room needs from a connection. The transport's connections implement it. */
export interface Peer {
	readonly kind: 'peer';
	readonly userId: number;
	/** Who the peer is signed in as, for its presence [W3]; else only `userId` is known. */
	readonly presence?: PresenceIdentity;
	/** When the session the peer signed in with began (server clock, ms), for [G19]. */
	readonly sessionStart?: number;
	send(message: Uint8Array): void;
}

/** The `user` of a peer's awareness state as the server vouches for it [W3]. */
export interface PresenceIdentity {
	id: number;
	username: string;
	name: string;
}

const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

/**
 * A peer's awareness state with `user` set to who the peer is signed in as [W3]: the
 * client's id, username, name (and roles, or anything else) are replaced, so nobody
 * appears as someone else; only a hex `color` of its own is kept. Null (the client
 * left) passes; a state that is not an object is refused (null).
 */
function vouchedState(peer: Peer, state: unknown): string | null {
	if (state === null) return 'null';
	if (typeof state !== 'object' || Array.isArray(state)) return null;
	const claimed = (state as { user?: unknown }).user;
	const color =
		typeof claimed === 'object' && claimed !== null
			? (claimed as { color?: unknown }).color
			: undefined;
	const user = {
		...(peer.presence ?? { id: peer.userId }),
		...(typeof color === 'string' && HEX_COLOR.test(color) ? { color } : {})
	};
	return JSON.stringify({ ...state, user });
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
	/** Client ids (not the server's) whose clock this transaction moved. */
	clients: number[];
	userId: number | null;
	at: number;
	from: Peer | null;
	/** The guard corrected the sender's change: send the merged update back to it too. */
	echo: boolean;
	broadcast: boolean;
	/**
	 * ACKs to send once this entry (and all before it) is stored: the server's clock
	 * for each client, read when the update was applied; encoded when sent.
	 */
	acks: Ack[];
}

interface Ack {
	peer: Peer;
	/** [client id, clock] */
	clocks: [number, number][];
}

/**
 * Makes a server change inside a store transaction and answers the log rows to append
 * in it (see `Room.transactStored`).
 */
export type StageChange = <V>(
	change: (doc: Y.Doc) => V,
	onBehalfOf?: number
) => { value: V; updates: AppendedUpdate[] };

interface Staged {
	undo: Y.UndoManager;
	/** Outbox index of the change's entry, and the outbox length after it. */
	from: number;
	to: number;
	/** The doc's state vector before the change. */
	sv: Uint8Array;
	/** The outbox entries to store with it (those before it, then its own). */
	batch: OutboxEntry[];
}

/**
 * At unload, a snapshot without deleted content is written when at least this many
 * items were deleted or overwritten since the last one (below, the rebuild costs more
 * than it saves) [R6].
 */
const GC_MIN_DELETED = 100;

/** Above this many log rows after the snapshot a new device is answered from the doc instead. */
const MAX_TAIL = 5000;

const EMPTY_UPDATE = new Uint8Array([0, 0]);

/** Above this many log rows after the snapshot, the stored state vector is not computed. */
const MAX_SV_TAIL = 2000;

/** The stored state's vector (snapshot's, merged with the rows'), or null when unknown. */
function storedStateVector(
	snapshot: { sv: Uint8Array | null } | null,
	updates: { update: Uint8Array }[]
): Uint8Array | null {
	if (snapshot && !snapshot.sv) return null;
	if (updates.length > MAX_SV_TAIL) return null;
	const sv = snapshot?.sv ? Y.decodeStateVector(snapshot.sv) : new Map<number, number>();
	try {
		for (const u of updates) {
			for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVectorFromUpdate(u.update))) {
				if (clock > (sv.get(client) ?? 0)) sv.set(client, clock);
			}
		}
	} catch {
		return null; // a bad row: the build skips it; the doc's vector will tell
	}
	const enc = encoding.createEncoder();
	encoding.writeVarUint(enc, sv.size);
	for (const [client, clock] of [...sv].sort((a, b) => b[0] - a[0])) {
		encoding.writeVarUint(enc, client);
		encoding.writeVarUint(enc, clock);
	}
	return encoding.toUint8Array(enc);
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

/** An ACK [K1]: the state vector of `clocks` (Yjs's own encoding, clients sorted). */
function ackMessage(clocks: [number, number][]): Uint8Array {
	const enc = encoding.createEncoder();
	encoding.writeVarUint(enc, MESSAGE.ack);
	encoding.writeVarUint8Array(enc, Y.encodeStateVector(new Map(clocks)));
	return encoding.toUint8Array(enc);
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
	private flushScheduled = false;
	private snapshotting: Promise<void> | null = null;
	private retryTimer: ReturnType<typeof setTimeout> | null = null;
	private retryDelay: number;
	private lastSeq: number;
	private snapshotSeq: number;
	private sinceSnapshot: number;
	/** Awareness client id → the peer that owns it. */
	private readonly awarenessOwner = new Map<number, Peer>();
	private destroyed = false;
	/** Items deleted (or overwritten) since load or the last collected snapshot [R6]. */
	private deletedSinceGc = 0;
	/** The doc holds the stored state (see `open`). */
	built = false;
	whenBuilt: Promise<void> = Promise.resolve();
	/** The stored state vector, while the doc is being built; null when unknown. */
	private storedSv: Uint8Array | null = null;

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

	/**
	 * Read the room from the store and start building its doc. Resolves as soon as the
	 * stored bytes are read: `whenBuilt` resolves once the doc holds them [R1][R5].
	 */
	static async open(opts: { name: string; store: Store; tuning: RoomTuning }): Promise<Room> {
		const { snapshot, updates } = await opts.store.loadRoom(opts.name);
		const room = new Room(
			opts.name,
			opts.store,
			opts.tuning,
			keepValuesCompact(new Y.Doc({ gc: true })),
			{
				lastSeq: updates.length > 0 ? updates[updates.length - 1].seq : (snapshot?.upToSeq ?? 0),
				snapshotSeq: snapshot?.upToSeq ?? 0,
				sinceSnapshot: updates.length
			}
		);
		room.storedSv = storedStateVector(snapshot, updates);
		room.whenBuilt = room.build(snapshot?.parts ?? [], updates, snapshot?.upToSeq ?? 0);
		return room;
	}

	/** `open`, then wait for the doc. */
	static async load(opts: { name: string; store: Store; tuning: RoomTuning }): Promise<Room> {
		const room = await Room.open(opts);
		await room.whenBuilt;
		return room;
	}

	/**
	 * Apply the snapshot a part per event-loop turn (each part ~1 MiB, so other rooms
	 * and this room's early answers go on meanwhile), then the log rows after it.
	 */
	private async build(
		parts: Uint8Array[],
		updates: { seq: number; update: Uint8Array }[],
		upToSeq: number
	): Promise<void> {
		const apply = (u: Uint8Array, what: string) => {
			try {
				this.doc.transact(() => Y.applyUpdate(this.doc, u), LOAD_ORIGIN);
			} catch (e) {
				// Keep loading the rest: one bad row must not make the room unusable.
				console.error(`Guildhall: could not apply ${what} of room ${this.name}; skipped.`, e);
			}
		};
		for (let i = 0; i < parts.length; i++) {
			if (parts.length > 1) await new Promise((r) => setImmediate(r));
			if (this.destroyed) return;
			apply(parts[i], `part ${i + 1} of the snapshot (up to #${upToSeq})`);
		}
		if (updates.length > 0) {
			this.doc.transact(() => {
				for (const u of updates) {
					try {
						Y.applyUpdate(this.doc, u.update);
					} catch (e) {
						console.error(
							`Guildhall: could not apply log row #${u.seq} of room ${this.name}; skipped.`,
							e
						);
					}
				}
			}, LOAD_ORIGIN);
		}
		this.built = true;
		this.initSchema();
	}

	private initSchema(): void {
		if (this.docName === 'settings') {
			// First load of an organisation's settings: the defaults (issue 4); a later
			// load: the rows added to them since it was seeded ([J5]).
			this.doc.getMap(META);
			if (settingsSeedDue(this.doc)) this.transactAsServer((doc) => seedSettings(doc));
			return;
		}
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

	/**
	 * Change the doc as the server with its log row committed in the caller's own store
	 * transaction instead of by the group commit [P5]: a command's record, its member
	 * number and its doc change are stored all together or not at all.
	 *
	 * `persist` runs with the outbox held: no group commit is in flight or starts before
	 * it settles. Inside its store transaction it calls `stage` once: the change is made
	 * (as the server, for `onBehalfOf`) and `stage` returns the rows to append in that
	 * transaction: the changes still waiting in the outbox, in order, then this one, so
	 * the log keeps the doc's order. `persist` resolves with their seqs; they leave the
	 * outbox as stored, and only then are broadcast and acknowledged, in order [P1][K1].
	 *
	 * If `persist` rejects after `stage` (the transaction rolled back), the change is
	 * undone in memory before the error is passed on, and the change and its undo go to
	 * the outbox as one update whose deleted content is garbage-collected: no value of
	 * the change stays in the doc, was broadcast, or is stored.
	 */
	async transactStored<T>(
		persist: (stage: StageChange) => Promise<{ value: T; seqs: readonly number[] }>
	): Promise<T> {
		while (this.flushing) await this.flushing;
		let release!: () => void;
		this.flushing = new Promise<void>((r) => (release = r));
		let staged: Staged | null = null;
		let committed = false;
		try {
			const stage: StageChange = (change, onBehalfOf) => {
				if (staged) throw new Error(`Room ${this.name}: a stored change was staged twice`);
				// A fresh origin object: the undo manager tracks this transaction only.
				const origin =
					onBehalfOf === undefined ? { kind: 'server' } : { kind: 'server', userId: onBehalfOf };
				// Kept until the store has answered. It keeps the items this change deletes (the
				// values it overwrites) from garbage collection: a few values per command.
				const undo = new Y.UndoManager(this.doc, {
					trackedOrigins: new Set([origin]),
					captureTimeout: 0
				});
				const s: Staged = {
					undo,
					from: this.outbox.length,
					to: this.outbox.length,
					sv: Y.encodeStateVector(this.doc),
					batch: []
				};
				staged = s;
				let value!: ReturnType<typeof change>;
				try {
					this.doc.transact(() => {
						value = change(this.doc);
					}, origin);
				} finally {
					s.to = this.outbox.length;
					s.batch = this.outbox.slice();
				}
				return {
					value,
					updates: s.batch.map((e) => ({
						room: this.name,
						update: e.update,
						userId: e.userId,
						at: e.at
					}))
				};
			};
			const { value, seqs } = await persist(stage);
			committed = true;
			const batch = (staged as Staged | null)?.batch ?? [];
			this.markStored(batch, seqs);
			this.announce(batch);
			return value;
		} catch (err) {
			if (staged && !committed) this.revert(staged);
			throw err;
		} finally {
			(staged as Staged | null)?.undo.destroy();
			this.flushing = null;
			release();
			if (this.outbox.length > 0) this.scheduleFlush();
		}
	}

	/**
	 * `transactAsServer`, answered once the change is committed to the log (an HTTP
	 * action that must not say "done" before it is stored). When the store fails the
	 * change is undone and the error passed on. See `transactStored`.
	 */
	transactAsServerStored<T>(fn: (doc: Y.Doc) => T, onBehalfOf?: number): Promise<T> {
		return this.transactStored(async (stage) => {
			const { value, updates } = stage(fn, onBehalfOf);
			return { value, seqs: await this.store.appendUpdates(updates) };
		});
	}

	/** Undo a staged change whose store transaction failed (see `transactStored`). */
	private revert(s: Staged): void {
		const alone = this.outbox.length === s.to;
		// The undo's own transaction is not tracked, so what it deletes (the change's
		// items) is garbage-collected at once: their values are gone from memory.
		s.undo.removeTrackedOrigin(s.undo);
		while (s.undo.canUndo()) s.undo.undo();
		if (!alone || this.outbox.length === s.from) return;
		// Nothing else happened meanwhile (always so with SQLite, whose transaction does
		// not yield): the change and its undo become one update, encoded from the doc
		// (so without the deleted values). It must still be stored and sent: later server
		// changes build on its clocks. O(doc) for the delete set; only on this failure.
		const mine = this.outbox.splice(s.from);
		this.outbox.push({
			update: Y.encodeStateAsUpdate(this.doc, s.sv),
			clients: [],
			userId: mine[0].userId,
			at: mine[0].at,
			from: null,
			echo: false,
			broadcast: false,
			acks: mine.flatMap((e) => e.acks)
		});
		this.scheduleFlush();
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
		const before = this.outbox.length;
		const { corrections, error } = applyGuardedUpdate({
			doc: this.doc,
			update,
			origin: peer,
			guard: this.guard,
			// The rows' who-fields are the signed-in user's [G17]-[G19]; a peer without a
			// known user vouches for nobody.
			author: peer.presence
				? { username: peer.presence.username, sessionStart: peer.sessionStart ?? Date.now() }
				: null
		});
		if (error) throw error;
		// The clients to acknowledge come from the transaction (onUpdate recorded which
		// clocks it moved), so the update is decoded once, by Y.applyUpdate. Only an
		// update that changed nothing (a resend) is decoded again for its client ids.
		const entry = this.outbox.length > before ? this.outbox[this.outbox.length - 1] : null;
		this.queueAck(peer, entry?.from === peer ? entry.clients : checkUpdate(update).clients);
		return { corrections };
	}

	/** The server's clock for each of `clients`, sent once everything so far is stored [K1]. */
	private queueAck(peer: Peer, clients: number[]): void {
		const clocks = clients.map((c): [number, number] => [c, Y.getState(this.doc.store, c)]);
		const last = this.outbox[this.outbox.length - 1];
		// Encoded when sent, after the broadcast: not on the change's way to the peers.
		if (last) last.acks.push({ peer, clocks });
		else peer.send(ackMessage(clocks));
	}

	private readonly onUpdate = (
		update: Uint8Array,
		origin: unknown,
		_doc: Y.Doc,
		tr: Y.Transaction
	): void => {
		if (origin === LOAD_ORIGIN) return;
		// forEach, not for-of: no iterator and entry objects on every change.
		tr.deleteSet.clients.forEach((ranges) => {
			for (let i = 0; i < ranges.length; i++) this.deletedSinceGc += ranges[i].len;
		});
		const from = isPeer(origin) ? origin : null;
		const clients: number[] = [];
		if (from) {
			const own = this.doc.clientID;
			tr.afterState.forEach((clock, client) => {
				if (client !== own && clock > (tr.beforeState.get(client) ?? 0)) clients.push(client);
			});
		}
		this.outbox.push({
			update,
			clients,
			userId: from ? from.userId : actorOf(origin),
			at: Date.now(),
			from,
			echo: from !== null && (tr.meta.get(CORRECTIONS) ?? 0) > 0,
			broadcast: false,
			acks: []
		});
		this.scheduleFlush();
	};

	/** Group commit: one store transaction for all changes of this event-loop callback. */
	private scheduleFlush(): void {
		if (this.flushScheduled) return;
		this.flushScheduled = true;
		queueMicrotask(() => {
			this.flushScheduled = false;
			if (!this.destroyed) void this.flush();
		});
	}

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
			const batch = this.outbox.slice();
			try {
				const seqs = await this.store.appendUpdates(
					batch.map((e) => ({ room: this.name, update: e.update, userId: e.userId, at: e.at }))
				);
				this.markStored(batch, seqs);
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
			this.announce(batch);
		}
	}

	/** `batch`, the first entries of the outbox, is committed to the log as `seqs`. */
	private markStored(batch: readonly OutboxEntry[], seqs: readonly number[]): void {
		if (seqs.length !== batch.length) {
			throw new Error(`Room ${this.name}: ${batch.length} change(s) stored as ${seqs.length} rows`);
		}
		this.outbox.splice(0, batch.length);
		if (batch.length === 0) return;
		this.lastSeq = seqs[seqs.length - 1];
		this.sinceSnapshot += batch.length;
		this.lastAttemptFailed = false;
		this.retryDelay = this.tuning.retryMs;
	}

	/** Durable from here on: only now broadcast [P1] and acknowledge [K1], in order. */
	private announce(batch: readonly OutboxEntry[]): void {
		for (const e of batch) {
			if (!e.broadcast) this.broadcast(e);
			for (const a of e.acks) a.peer.send(ackMessage(a.clocks));
		}
		if (this.sinceSnapshot >= this.tuning.snapshotEvery) void this.writeSnapshot();
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

	/**
	 * Have the store merge a new snapshot up to the last stored update, off the event
	 * loop. One at a time; resolves when the current one (and, if more was stored
	 * meanwhile and `again`, one more) is written.
	 */
	private writeSnapshot(again = false, gc = false): Promise<void> {
		if (this.snapshotting) {
			if (!again) return this.snapshotting;
			return this.snapshotting.then(() => this.writeSnapshot(false, gc));
		}
		const collect = gc && this.deletedSinceGc >= GC_MIN_DELETED;
		if (this.lastSeq <= this.snapshotSeq && !collect) return Promise.resolve();
		const upToSeq = this.lastSeq;
		const counted = this.sinceSnapshot;
		this.snapshotting = this.runSnapshot(upToSeq, counted, collect).finally(() => {
			this.snapshotting = null;
		});
		return this.snapshotting;
	}

	private async runSnapshot(upToSeq: number, counted: number, gc: boolean): Promise<void> {
		const deleted = this.deletedSinceGc;
		try {
			const merged = await this.store.snapshotFromLog(this.name, upToSeq, { gc });
			if (merged?.collected) this.deletedSinceGc = Math.max(0, this.deletedSinceGc - deleted);
			this.snapshotSeq = Math.max(this.snapshotSeq, upToSeq);
			this.sinceSnapshot = Math.max(0, this.sinceSnapshot - counted);
		} catch (err) {
			console.error(`Guildhall: could not write a snapshot of room ${this.name}; will retry.`, err);
			// Not on every following change: encoding a big doc is not free.
			this.sinceSnapshot = Math.min(
				this.sinceSnapshot,
				Math.max(0, this.tuning.snapshotEvery - 50)
			);
		}
	}

	/**
	 * Store pending changes, then write a snapshot if anything changed since the last.
	 * With `gc` (the room is being unloaded), and if at least GC_MIN_DELETED items were
	 * deleted or overwritten since the last collected one, the snapshot is rewritten
	 * without the deleted content (built as a Y.Doc by the store's background thread) [R6].
	 */
	async snapshot(opts: { gc?: boolean } = {}): Promise<void> {
		await this.flush();
		await this.writeSnapshot(true, opts.gc === true);
	}

	/**
	 * The whole state for a device that has nothing (an empty state vector), as sync
	 * messages built from the stored bytes, read now: the snapshot as an update, then a
	 * sync step 2 with the updates after it and those not stored yet (merged; small). A
	 * change in flight may be in both; applying it twice changes nothing. Null when too
	 * many log rows follow the snapshot, or the store cannot be read: the caller answers
	 * from the doc.
	 */
	storedStateMessages(): Uint8Array[] | null {
		let stored;
		try {
			stored = this.store.readRoom(this.name, MAX_TAIL);
		} catch (err) {
			console.error(
				`Guildhall: could not read the stored state of room ${this.name}; a new device is answered from memory.`,
				err
			);
			return null;
		}
		if (!stored) return null;
		const rest = [...stored.updates.map((u) => u.update), ...this.outbox.map((e) => e.update)];
		const out: Uint8Array[] = [];
		for (const part of stored.snapshot?.parts ?? []) out.push(syncUpdateMessage(part));
		const enc = encoding.createEncoder();
		encoding.writeVarUint(enc, MESSAGE.sync);
		encoding.writeVarUint(enc, syncProtocol.messageYjsSyncStep2);
		encoding.writeVarUint8Array(
			enc,
			rest.length === 0 ? EMPTY_UPDATE : rest.length === 1 ? rest[0] : Y.mergeUpdates(rest)
		);
		out.push(encoding.toUint8Array(enc));
		return out;
	}

	/**
	 * Before the doc is built: greet a peer with sync step 1 of the stored state vector
	 * (it carries the stored state [R1]), so the peer can be answered early. False when
	 * that vector is unknown (a snapshot of schema 1): wait for the build then.
	 */
	greetEarly(peer: Peer): boolean {
		if (this.built) return false;
		if (!this.storedSv || this.peers.has(peer)) return false;
		this.peers.add(peer);
		const enc = encoding.createEncoder();
		encoding.writeVarUint(enc, MESSAGE.sync);
		encoding.writeVarUint(enc, syncProtocol.messageYjsSyncStep1);
		encoding.writeVarUint8Array(enc, this.storedSv);
		peer.send(encoding.toUint8Array(enc));
		return true;
	}

	/** Send the first messages to a peer that joins: sync step 1, then current presence. */
	addPeer(peer: Peer): void {
		if (!this.peers.has(peer)) {
			this.peers.add(peer);
			const enc = encoding.createEncoder();
			encoding.writeVarUint(enc, MESSAGE.sync);
			syncProtocol.writeSyncStep1(enc, this.doc);
			peer.send(encoding.toUint8Array(enc));
		}
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
			// Malformed JSON is a malformed message.
			const state = vouchedState(peer, JSON.parse(decoding.readVarString(dec)));
			const owner = this.awarenessOwner.get(clientId);
			if (owner !== undefined && owner !== peer && owner.userId !== peer.userId) continue;
			if (clientId === this.doc.clientID || state === null) continue;
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
	/** Read from the store; the doc may still be building. */
	shell: Promise<Room>;
	/** Built. */
	room: Promise<Room>;
	opened: Room | null;
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

	/** Load (once) and hold the room; resolves when its doc is built. */
	acquire(name: string): Promise<Room> {
		return this.hold(name, 'room');
	}

	/**
	 * Hold the room as soon as it is read from the store, its doc maybe still building
	 * (`room.built`, `room.whenBuilt`): for the transport's early answers [R5].
	 */
	acquireOpened(name: string): Promise<Room> {
		return this.hold(name, 'shell');
	}

	private hold(name: string, what: 'room' | 'shell'): Promise<Room> {
		if (this.closed) return Promise.reject(new Error('The server is shutting down'));
		let entry = this.entries.get(name);
		if (!entry) {
			const shell = Room.open({ name, store: this.store, tuning: this.tuning });
			const e: RoomEntry = {
				shell,
				room: shell.then((r) => r.whenBuilt.then(() => r)),
				opened: null,
				loaded: null,
				holds: 0,
				idleTimer: null
			};
			entry = e;
			this.entries.set(name, e);
			shell.then(
				(room) => {
					e.opened = room;
				},
				() => {
					// A failed load is not cached: the next peer tries again.
					if (this.entries.get(name) === e) this.entries.delete(name);
				}
			);
			e.room.then(
				(room) => {
					e.loaded = room;
					// Built: observers (the reports) see the whole doc.
					for (const f of this.lifecycle.loaded) f(room);
				},
				() => {}
			);
		}
		entry.holds++;
		if (entry.idleTimer) {
			clearTimeout(entry.idleTimer);
			entry.idleTimer = null;
		}
		const e = entry;
		return e[what].catch((err) => {
			e.holds--;
			throw err;
		});
	}

	release(room: Room): void {
		const entry = this.entries.get(room.name);
		if (!entry || entry.opened !== room) return;
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
		// Idle: the moment to drop deleted content from the snapshot (off the event loop).
		await room.snapshot({ gc: true });
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
				// (A room still building is built first: its changes are all stored anyway.)
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

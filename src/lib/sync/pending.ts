/**
 * Counting local changes that the server has not stored yet.
 *
 * Every own transaction (origin LOCAL, the UndoManager or CLOCK) that moves this
 * client's clock records a mark `{room, client, clock}` where `clock` is the doc's
 * clock for its client id after the transaction. The server answers the updates it
 * has durably stored with an ACK (MESSAGE.ack): a state vector with its clock for
 * each client id it received. A mark is settled once `ackedClock >= clock`.
 *
 * Marks live in dexie, so the count survives a reload: a reloaded doc gets a new
 * client id, but it still holds the old client's updates (y-indexeddb) and sends
 * them in sync step 2, which the server ACKs under the old client id.
 *
 * A delete-only transaction (clearing a cell, deleting rows, undoing an insert)
 * moves no clock: Yjs records deletions in the delete set, not as new structs, and
 * an ACK only speaks of clocks. So after such a transaction we write a no-op in a
 * CLOCK transaction: set and delete a fresh key on the root map. Net effect
 * nothing, but our clock moves by one, and the ACK of that update also covers the
 * deletions sent just before it on the same ordered socket.
 */
import * as Y from 'yjs';
import { newRowId } from '$lib/domain/text';
import { CLOCK, isOwnChange, originKind, ORIGIN_KIND } from './origins';

export interface PendingMark {
	room: string;
	client: number;
	clock: number;
}

/** Where marks are kept: dexie in the app, memory in tests. */
export interface PendingStore {
	add(mark: PendingMark): Promise<void>;
	/** Remove marks of `room` with `clock <= acked.get(client)`. */
	settle(room: string, acked: ReadonlyMap<number, number>): Promise<void>;
	count(room: string): Promise<number>;
}

export interface PendingTracker {
	/** Apply an ACK (or the server's sync step 1) state vector. */
	settle(acked: ReadonlyMap<number, number>): Promise<void>;
	/** Resolves once all marks recorded so far are written. */
	flush(): Promise<void>;
	destroy(): void;
}

/** The root type (a top-level shared type) that contains `type`. */
function rootOf(type: Y.AbstractType<unknown>): Y.AbstractType<unknown> {
	let t = type;
	while (t._item !== null && t._item.parent instanceof Y.AbstractType) t = t._item.parent;
	return t;
}

/** Move `doc`'s own clock by one without changing what the doc holds. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Y's own type for changed types
export function advanceClock(doc: Y.Doc, changed: Iterable<Y.AbstractType<any>>): boolean {
	for (const type of changed) {
		const root = rootOf(type);
		if (root instanceof Y.Map) {
			doc.transact(() => {
				// A fresh random key (shaped like a row id, so a guard that checks keys
				// accepts it), set and deleted at once: no one else ever sees a value.
				const key = newRowId();
				root.set(key, null);
				root.delete(key);
			}, CLOCK);
			return true;
		}
	}
	return false;
}

export function trackPending(opts: {
	doc: Y.Doc;
	room: string;
	store: PendingStore;
	onError?: (e: unknown) => void;
}): PendingTracker {
	const { doc, room, store } = opts;
	let chain: Promise<void> = Promise.resolve();
	const run = (f: () => Promise<void>) => {
		chain = chain.then(f).catch((e) => opts.onError?.(e));
		return chain;
	};

	const onAfterTransaction = (tr: Y.Transaction) => {
		if (!isOwnChange(tr.origin)) return;
		const client = doc.clientID;
		const before = tr.beforeState.get(client) ?? 0;
		const after = tr.afterState.get(client) ?? 0;
		if (after > before) {
			void run(() => store.add({ room, client, clock: after }));
		} else if (tr.deleteSet.clients.size > 0 && originKind(tr.origin) !== ORIGIN_KIND.clock) {
			// Runs as its own transaction after this one (Yjs queues transactions made
			// inside afterTransaction), so its update is sent after the deletions.
			advanceClock(doc, tr.changed.keys());
		}
	};
	doc.on('afterTransaction', onAfterTransaction);

	return {
		settle: (acked) => run(() => store.settle(room, acked)),
		flush: () => chain,
		destroy: () => doc.off('afterTransaction', onAfterTransaction)
	};
}

/** In-memory store, for tests and for when IndexedDB is unavailable. */
export function memoryPendingStore(): PendingStore & { marks: PendingMark[] } {
	const marks: PendingMark[] = [];
	return {
		marks,
		async add(m) {
			marks.push(m);
		},
		async settle(room, acked) {
			for (let i = marks.length - 1; i >= 0; i--) {
				const m = marks[i];
				const a = acked.get(m.client);
				if (m.room === room && a !== undefined && m.clock <= a) marks.splice(i, 1);
			}
		},
		async count(room) {
			return marks.filter((m) => m.room === room).length;
		}
	};
}

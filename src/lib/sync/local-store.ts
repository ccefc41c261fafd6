/**
 * Keeping the local copy (y-indexeddb) without encoding the whole doc for nobody.
 *
 * Yjs encodes a transaction's update only when the doc has an 'update' listener, and
 * y-indexeddb's listener is on from the start. Measured at 100k members (docs/
 * BENCHMARKS.md): its own load transaction is encoded (2 s) only for y-indexeddb to
 * drop it (origin is itself), and the server's state on a first sync is re-encoded
 * (1.9 s) only to be stored. So [C13]:
 *  - during the load the listener is off; a change made by anyone else meanwhile is
 *    stored afterwards as the doc's state (nothing is lost);
 *  - a big update from the server is applied with our own 'update' listeners off and
 *    its received bytes are stored as they are (the same information: applying them
 *    again is idempotent). Smaller ones take the usual path.
 */
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import type { IndexeddbPersistence } from 'y-indexeddb';
import type { WebsocketProvider } from 'y-websocket';

type MessageHandler = WebsocketProvider['messageHandlers'][number];

/** Server updates at least this big are stored as received, without the 'update' event. */
export const RAW_STORE_MIN_BYTES = 64 * 1024;

type StoreUpdate = (update: Uint8Array, origin: unknown) => void;
const storeUpdateOf = (p: IndexeddbPersistence) =>
	(p as unknown as { _storeUpdate: StoreUpdate })._storeUpdate;

/** Resolves when the local copy is in the doc; no 'update' encoding of the load itself. */
export function quietLoad(persistence: IndexeddbPersistence): Promise<void> {
	const doc = persistence.doc;
	const store = storeUpdateOf(persistence);
	doc.off('update', store);
	let foreign = false;
	const watch = (tr: Y.Transaction) => {
		if (tr.origin === persistence) return;
		let moved = tr.deleteSet.clients.size > 0;
		for (const [client, clock] of tr.afterState) {
			if (clock !== (tr.beforeState.get(client) ?? 0)) moved = true;
		}
		if (moved) foreign = true;
	};
	doc.on('afterTransaction', watch);
	return persistence.whenSynced.then(() => {
		doc.off('afterTransaction', watch);
		// destroy() already removed the listener: do not put it back then.
		if ((persistence as unknown as { _destroyed: boolean })._destroyed) return;
		doc.on('update', store);
		if (foreign) store(Y.encodeStateAsUpdate(doc), null);
	});
}

/**
 * Wrap the provider's sync handler: a big step 2 / update from the server is applied
 * without our 'update' listeners (the persistence's and the provider's own, which
 * ignores the provider's updates anyway) and stored in the local copy as received.
 */
export function storeRemoteUpdatesRaw(
	base: MessageHandler,
	persistence: IndexeddbPersistence,
	provider: WebsocketProvider
): MessageHandler {
	return (encoder, decoder, p, emitSynced, type) => {
		const peek = decoding.clone(decoder);
		const syncType = decoding.readVarUint(peek);
		if (syncType === syncProtocol.messageYjsSyncStep1) {
			base(encoder, decoder, p, emitSynced, type);
			return;
		}
		const payload = decoding.readVarUint8Array(peek);
		const store = storeUpdateOf(persistence);
		if (payload.byteLength < RAW_STORE_MIN_BYTES || !persistence.db) {
			base(encoder, decoder, p, emitSynced, type);
			return;
		}
		const doc = provider.doc;
		const relay = provider._updateHandler;
		doc.off('update', store);
		doc.off('update', relay);
		try {
			base(encoder, decoder, p, emitSynced, type);
		} finally {
			doc.on('update', relay);
			doc.on('update', store);
		}
		store(payload, provider);
	};
}

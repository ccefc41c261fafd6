/**
 * y-websocket's provider with three changes (client rules in docs/CLIENT.md):
 *
 *  - [C11] it never sends an update over CHUNK_BYTES: a big local change (an import
 *    in one transaction) and a big sync step 2 (an offline backlog answering the
 *    server's step 1) go as several valid updates (chunks.ts), each far below the
 *    server's MAX_MESSAGE_BYTES, so the server never closes with 4413 and nothing is
 *    resent forever.
 *  - [C12] on connect it does not broadcast the whole doc to the other tabs (y-websocket
 *    encodes all of it, every time, on the main thread, for tabs that usually do not
 *    exist). It sends its state vector and a presence query; only when another tab
 *    answers does it send its state, so that tab gets what it lacks.
 *
 * The protocol on the wire is unchanged: chunks are ordinary sync step 2 / update
 * messages.
 */
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import * as bc from 'lib0/broadcastchannel';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import { MESSAGE } from '../domain/protocol';
import { CHUNK_BYTES, splitUpdate } from './chunks';

type Options = ConstructorParameters<typeof WebsocketProvider>[3];
type MessageHandler = WebsocketProvider['messageHandlers'][number];

function syncMessage(type: number, update: Uint8Array): Uint8Array<ArrayBuffer> {
	const enc = encoding.createEncoder();
	encoding.writeVarUint(enc, MESSAGE.sync);
	encoding.writeVarUint(enc, type);
	encoding.writeVarUint8Array(enc, update);
	return encoding.toUint8Array(enc) as Uint8Array<ArrayBuffer>;
}

export class GuildhallProvider extends WebsocketProvider {
	/** Largest update sent in one message; bigger ones are split. Tests turn it down. */
	chunkBytes = CHUNK_BYTES;
	/** After connecting to the other tabs: send our state once one of them answers. */
	#bcOwesState = false;

	constructor(serverUrl: string, roomname: string, doc: Y.Doc, opts: Options = {}) {
		super(serverUrl, roomname, doc, opts);

		// Local updates: as y-websocket does, but split when big [C11].
		this.doc.off('update', this._updateHandler);
		this._updateHandler = (update: Uint8Array, origin: unknown) => {
			if (origin === this) return;
			for (const part of splitUpdate(update, this.chunkBytes)) {
				this.#broadcast(syncMessage(syncProtocol.messageYjsUpdate, part));
			}
		};
		this.doc.on('update', this._updateHandler);

		// The answer to the server's sync step 1: split when big [C11].
		const base = this.messageHandlers[MESSAGE.sync];
		const onSync: MessageHandler = (encoder, decoder, provider, emitSynced, type) => {
			const peek = decoding.clone(decoder);
			if (decoding.readVarUint(peek) !== syncProtocol.messageYjsSyncStep1) {
				base(encoder, decoder, provider, emitSynced, type);
				return;
			}
			decoding.readVarUint(decoder);
			const sv = decoding.readVarUint8Array(decoder);
			encoding.writeVarUint(encoder, MESSAGE.sync);
			const update = Y.encodeStateAsUpdate(this.doc, sv);
			const parts = splitUpdate(update, this.chunkBytes);
			if (parts.length === 1) {
				syncProtocol.writeSyncStep2(encoder, this.doc, sv);
				return;
			}
			// Sent here, in order; the handler's own message (just the type) is not sent.
			const ws = this.ws;
			if (!ws || ws.readyState !== ws.OPEN) return;
			for (const part of parts) ws.send(syncMessage(syncProtocol.messageYjsSyncStep2, part));
		};
		this.messageHandlers[MESSAGE.sync] = onSync;

		// Other tabs [C12]: owe them our state until one of them shows up.
		const subscriber = this._bcSubscriber;
		this._bcSubscriber = (data: ArrayBuffer, origin: unknown) => {
			if (origin !== this && this.#bcOwesState) {
				this.#bcOwesState = false;
				bc.publish(
					this.bcChannel,
					syncMessage(syncProtocol.messageYjsSyncStep2, Y.encodeStateAsUpdate(this.doc)),
					this
				);
			}
			subscriber(data, origin);
		};
	}

	/** To the server (when connected) and to the other tabs, like y-websocket's broadcast. */
	#broadcast(message: Uint8Array<ArrayBuffer>): void {
		const ws = this.ws;
		if (this.wsconnected && ws && ws.readyState === ws.OPEN) ws.send(message);
		if (this.bcconnected) bc.publish(this.bcChannel, message, this);
	}

	override connectBc(): void {
		if (this.disableBc) return;
		if (!this.bcconnected) {
			bc.subscribe(this.bcChannel, this._bcSubscriber);
			this.bcconnected = true;
		}
		const step1 = encoding.createEncoder();
		encoding.writeVarUint(step1, MESSAGE.sync);
		syncProtocol.writeSyncStep1(step1, this.doc);
		bc.publish(this.bcChannel, encoding.toUint8Array(step1), this);
		this.#bcOwesState = true;
		const query = encoding.createEncoder();
		encoding.writeVarUint(query, MESSAGE.queryAwareness);
		bc.publish(this.bcChannel, encoding.toUint8Array(query), this);
		const state = encoding.createEncoder();
		encoding.writeVarUint(state, MESSAGE.awareness);
		encoding.writeVarUint8Array(
			state,
			awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.doc.clientID])
		);
		bc.publish(this.bcChannel, encoding.toUint8Array(state), this);
	}
}

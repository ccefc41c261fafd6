/**
 * [C11] The client never sends an update over CHUNK_BYTES in one message: the server
 * closes a connection that sends a message over MAX_MESSAGE_BYTES (4413), and
 * y-websocket would resend the same oversized sync step 2 on every reconnect forever
 * (a 20,000-row import in one transaction is ~12 MB; so can an offline backlog be).
 * How an update is split: src/lib/yjs/split-update.js.
 */
import { MAX_MESSAGE_BYTES } from '../domain/protocol';
import { splitUpdate as split } from '../yjs/split-update.js';

/** Updates up to this size go as they are; bigger ones are split into pieces this big. */
export const CHUNK_BYTES = 1024 * 1024;

// Sanity: a chunk plus its message header must stay far below what the server accepts.
if (CHUNK_BYTES * 2 > MAX_MESSAGE_BYTES) throw new Error('CHUNK_BYTES too close to the limit');

/** The update itself when it is small enough, else valid updates of about `maxBytes` each. */
export function splitUpdate(update: Uint8Array, maxBytes = CHUNK_BYTES): Uint8Array[] {
	return split(update, maxBytes);
}

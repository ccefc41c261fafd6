/**
 * Splitting a big Yjs update into smaller ones that are each a valid update.
 *
 * The server closes a connection that sends a message over MAX_MESSAGE_BYTES (4413),
 * and y-websocket would resend the same oversized sync step 2 on every reconnect
 * forever (a 20,000-row import in one transaction is ~12 MB; so can an offline
 * backlog be). So the client never sends one: an update over CHUNK_BYTES goes as
 * several, in order [C11].
 *
 * How: Y.decodeUpdate gives the update's structs (grouped by client, in clock order)
 * and its delete set. Each chunk holds a run of whole structs, written with the
 * structs' own `write` (exactly what Y.mergeUpdates does), under the same header an
 * update has (per client: count, client, first clock); the delete set comes last, in
 * chunks of its own. A chunk whose structs refer to a struct of a later chunk waits
 * in the receiver's pending structs until that chunk arrives, as any out-of-order
 * update does; applying all chunks gives exactly the state of applying the update.
 * A single struct bigger than the limit (a field value of megabytes) cannot be split:
 * it goes alone, and the server refuses it.
 */
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { MAX_MESSAGE_BYTES } from '$lib/domain/protocol';

/** Updates up to this size go as they are; bigger ones are split into pieces this big. */
export const CHUNK_BYTES = 1024 * 1024;

// Sanity: a chunk plus its message header must stay far below what the server accepts.
if (CHUNK_BYTES * 2 > MAX_MESSAGE_BYTES) throw new Error('CHUNK_BYTES too close to the limit');

interface Group {
	client: number;
	clock: number;
	next: number;
	count: number;
	enc: Y.UpdateEncoderV1;
}

type Struct = Y.Item | Y.GC | Y.Skip;

/** The update itself when it is small enough, else valid updates of about `maxBytes` each. */
export function splitUpdate(update: Uint8Array, maxBytes = CHUNK_BYTES): Uint8Array[] {
	if (update.byteLength <= maxBytes) return [update];
	const { structs, ds } = Y.decodeUpdate(update) as unknown as {
		structs: Struct[];
		ds: { clients: Map<number, { clock: number; len: number }[]> };
	};
	const out: Uint8Array[] = [];
	let groups: Group[] = [];
	let bytes = 0;

	const finish = (dsWriter: (enc: encoding.Encoder) => void) => {
		const enc = encoding.createEncoder();
		encoding.writeVarUint(enc, groups.length);
		for (const g of groups) {
			encoding.writeVarUint(enc, g.count);
			encoding.writeVarUint(enc, g.client);
			encoding.writeVarUint(enc, g.clock);
			encoding.writeUint8Array(enc, g.enc.toUint8Array());
		}
		dsWriter(enc);
		out.push(encoding.toUint8Array(enc));
		groups = [];
		bytes = 0;
	};
	const noDeletes = (enc: encoding.Encoder) => encoding.writeVarUint(enc, 0);

	for (const s of structs) {
		let g = groups[groups.length - 1];
		if (bytes >= maxBytes) {
			finish(noDeletes);
			g = undefined as unknown as Group;
		}
		if (!g || g.client !== s.id.client || g.next !== s.id.clock) {
			g = {
				client: s.id.client,
				clock: s.id.clock,
				next: s.id.clock,
				count: 0,
				enc: new Y.UpdateEncoderV1()
			};
			groups.push(g);
		}
		const before = encoding.length(g.enc.restEncoder);
		s.write(g.enc, 0);
		bytes += encoding.length(g.enc.restEncoder) - before;
		g.count++;
		g.next = s.id.clock + s.length;
	}
	if (groups.length > 0) finish(noDeletes);

	// The delete set, split by ranges: at most 10 bytes per range and client header.
	const entries = [...ds.clients.entries()].filter(([, items]) => items.length > 0);
	const perChunk = Math.max(1, Math.floor(maxBytes / 10));
	let pending: [number, { clock: number; len: number }[]][] = [];
	let ranges = 0;
	const flushDeletes = () => {
		if (pending.length === 0) return;
		const part = pending;
		finish((enc) => {
			encoding.writeVarUint(enc, part.length);
			for (const [client, items] of part) {
				encoding.writeVarUint(enc, client);
				encoding.writeVarUint(enc, items.length);
				for (const it of items) {
					encoding.writeVarUint(enc, it.clock);
					encoding.writeVarUint(enc, it.len);
				}
			}
		});
		pending = [];
		ranges = 0;
	};
	for (const [client, items] of entries) {
		for (let i = 0; i < items.length;) {
			const take = Math.min(items.length - i, perChunk - ranges);
			pending.push([client, items.slice(i, i + take)]);
			ranges += take;
			i += take;
			if (ranges >= perChunk) flushDeletes();
		}
	}
	flushDeletes();
	return out.length > 0 ? out : [update];
}

// Splitting a big Yjs update (v1 encoding) into smaller ones that are each a valid update.
//
// Shared by the client (src/lib/sync/chunks.ts: no message over the server's limit,
// CLIENT.md [C11]) and the server's background thread (server/store/snapshot-worker.js:
// snapshots stored in parts, so a room is built a part per event-loop turn, SPEC [R5]);
// encodeStateInParts writes a doc's state the same way for the local copy's trim
// (src/lib/sync/local-store.ts, CLIENT.md [C16]).
// Plain JavaScript (types in split-update.d.ts) because that thread runs it as is.
//
// How: Y.decodeUpdate gives the update's structs (grouped by client, in clock order)
// and its delete set. Each part holds a run of whole structs, written with the structs'
// own `write` (exactly what Y.mergeUpdates does), under the header an update has (per
// client: count, client, first clock); the delete set comes last, in parts of its own.
// A part whose structs refer to a struct of a later part waits in the receiver's
// pending structs until that part arrives, as any out-of-order update does; applying
// all parts, in any order, gives exactly the state of applying the update. A single
// struct bigger than the limit (a value of megabytes) cannot be split: it goes alone.
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';

/**
 * @param {Uint8Array} update
 * @param {number} maxBytes
 * @returns {Uint8Array[]}
 */
export function splitUpdate(update, maxBytes) {
	if (update.byteLength <= maxBytes) return [update];
	const { structs, ds } = Y.decodeUpdate(update);
	const out = splitStructs(structs, ds, maxBytes);
	return out.length > 0 ? out : [update];
}

/**
 * A doc's whole state (what Y.encodeStateAsUpdate gives) as valid updates of at most
 * `maxBytes` each (as splitStructs), written straight from the doc's struct store: nothing is encoded
 * whole and decoded again. Clients go in the order Yjs writes them (highest id first),
 * so applying the parts in order leaves as little pending as applying the whole.
 * Structs or deletes still pending in the doc go last, as they are.
 *
 * @param {Y.Doc} doc
 * @param {number} maxBytes
 * @returns {Uint8Array[]}
 */
export function encodeStateInParts(doc, maxBytes) {
	const store = doc.store;
	/** @type {(Y.Item | Y.GC)[]} */
	const structs = [];
	const clients = [...store.clients.keys()].sort((a, b) => b - a);
	for (const client of clients) {
		for (const s of /** @type {(Y.Item | Y.GC)[]} */ (store.clients.get(client))) structs.push(s);
	}
	const out = splitStructs(structs, Y.createDeleteSetFromStructStore(store), maxBytes);
	if (store.pendingStructs) out.push(Y.convertUpdateFormatV2ToV1(store.pendingStructs.update));
	if (store.pendingDs) out.push(Y.convertUpdateFormatV2ToV1(store.pendingDs));
	return out.length > 0 ? out : [Y.encodeStateAsUpdate(doc)];
}

/** Most bytes a part's own header can take: its group count and an empty delete set. */
const PART_HEAD = 6;
/** Most bytes a group's header can take: struct count, client id and first clock. */
const GROUP_HEAD = 15;

/**
 * Structs (grouped by client, in clock order) and a delete set as valid updates of at
 * most `maxBytes` each (a struct bigger than that goes alone): the structs first, then
 * the delete set, in parts of about `maxBytes`.
 *
 * @param {(Y.Item | Y.GC | Y.Skip)[]} structs
 * @param {{ clients: Map<number, { clock: number, len: number }[]> }} ds
 * @param {number} maxBytes
 * @returns {Uint8Array[]}
 */
function splitStructs(structs, ds, maxBytes) {
	/** @type {Uint8Array[]} */
	const out = [];
	/**
	 * A run of one client's structs; `end` is where its accepted structs end in `enc`.
	 * @typedef {{ client: number, clock: number, next: number, count: number, end: number, enc: Y.UpdateEncoderV1 }} Group
	 */
	/** @type {Group[]} */
	let groups = [];
	let bytes = PART_HEAD;

	/** @param {(enc: encoding.Encoder) => void} writeDeletes */
	const finish = (writeDeletes) => {
		const enc = encoding.createEncoder();
		encoding.writeVarUint(enc, groups.length);
		for (const g of groups) {
			encoding.writeVarUint(enc, g.count);
			encoding.writeVarUint(enc, g.client);
			encoding.writeVarUint(enc, g.clock);
			encoding.writeUint8Array(enc, g.enc.toUint8Array().subarray(0, g.end));
		}
		writeDeletes(enc);
		out.push(encoding.toUint8Array(enc));
		groups = [];
		bytes = PART_HEAD;
	};
	/** @param {encoding.Encoder} enc */
	const noDeletes = (enc) => encoding.writeVarUint(enc, 0);
	/** @param {Y.Item | Y.GC | Y.Skip} s */
	const open = (s) => {
		/** @type {Group} */
		const g = {
			client: s.id.client,
			clock: s.id.clock,
			next: s.id.clock,
			count: 0,
			end: 0,
			enc: new Y.UpdateEncoderV1()
		};
		groups.push(g);
		bytes += GROUP_HEAD;
		return g;
	};
	/** Writes `s` after `g`'s accepted structs; its size in bytes. @param {Group} g @param {Y.Item | Y.GC | Y.Skip} s */
	const write = (g, s) => {
		s.write(g.enc, 0);
		return encoding.length(g.enc.restEncoder) - g.end;
	};

	for (const s of structs) {
		let g = groups[groups.length - 1];
		if (!g || g.client !== s.id.client || g.next !== s.id.clock) g = open(s);
		let size = write(g, s);
		if (bytes + size > maxBytes && (g.count > 0 || groups.length > 1)) {
			// Over the limit with structs already in the part: s starts the next one.
			if (g.count === 0) groups.pop();
			finish(noDeletes);
			g = open(s);
			size = write(g, s);
		}
		bytes += size;
		g.end += size;
		g.count++;
		g.next = s.id.clock + s.length;
	}
	if (groups.length > 0) finish(noDeletes);

	// The delete set, split by ranges: at most ~10 bytes per range.
	const perPart = Math.max(1, Math.floor(maxBytes / 10));
	/** @type {[number, { clock: number, len: number }[]][]} */
	let pending = [];
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
	for (const [client, items] of ds.clients) {
		for (let i = 0; i < items.length;) {
			const take = Math.min(items.length - i, perPart - ranges);
			pending.push([client, items.slice(i, i + take)]);
			ranges += take;
			i += take;
			if (ranges >= perPart) flushDeletes();
		}
	}
	flushDeletes();
	return out;
}

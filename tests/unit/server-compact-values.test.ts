/**
 * server/compact-values.ts: the values a transaction adds get arrays of their own
 * length (Yjs's decoder grows them with `push`, leaving room for 17). What it saves is
 * shown in docs/BENCHMARKS.md (server heap, tab heap); here, that it replaces the
 * decoded arrays, only those of the transaction, and changes no value.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { keepValuesCompact } from '../../server/compact-values';

function registry(rows: number, client = 1) {
	const doc = new Y.Doc();
	doc.clientID = client;
	const members = doc.getMap<Y.Map<unknown>>('members');
	doc.transact(() => {
		for (let i = 0; i < rows; i++) {
			const m = new Y.Map<unknown>();
			for (const [k, v] of Object.entries({ name: `شرکت ${i}`, region: '上海', fee: i, ok: true }))
				m.set(k, v);
			members.set(`m${i}`, m);
		}
	});
	return doc;
}

/** The value arrays of `doc`'s items, by item id. */
function arrays(doc: Y.Doc): Map<string, unknown[]> {
	const out = new Map<string, unknown[]>();
	doc.store.clients.forEach((structs) => {
		for (const s of structs)
			if (s instanceof Y.Item && s.content instanceof Y.ContentAny)
				out.set(`${s.id.client}:${s.id.clock}`, s.content.arr);
	});
	return out;
}

describe('keepValuesCompact', () => {
	it('gives the values an update adds arrays of their own, with the same values', () => {
		const source = registry(50);
		const doc = new Y.Doc();
		// Registered first, this listener sees the decoder's arrays; keepValuesCompact's,
		// registered after it, replaces them.
		const decoded = new Map<string, unknown[]>();
		doc.on('afterTransaction', () => arrays(doc).forEach((a, id) => decoded.set(id, a)));
		keepValuesCompact(doc);
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(source));

		const mine = arrays(doc);
		expect(mine.size).toBe(200);
		for (const [id, a] of mine) {
			expect(a).toEqual(decoded.get(id));
			expect(a).not.toBe(decoded.get(id));
		}
		expect(doc.getMap('members').toJSON()).toEqual(source.getMap('members').toJSON());
	});

	it('touches only what a transaction adds, and the doc goes on syncing', () => {
		const doc = keepValuesCompact(new Y.Doc());
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(registry(20)));
		const before = arrays(doc);

		// A peer's edit of one field: one new value; every other array stays the same object.
		const peer = new Y.Doc();
		peer.clientID = 2;
		Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc));
		const sv = Y.encodeStateVector(peer);
		peer.getMap<Y.Map<unknown>>('members').get('m3')!.set('region', 'Tabriz');
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(peer, sv));

		// The old region was deleted (and collected), the new one added.
		const after = arrays(doc);
		const kept = [...before].filter(([id]) => after.has(id));
		expect(kept).toHaveLength(before.size - 1);
		for (const [id, a] of kept) expect(after.get(id)).toBe(a);
		expect([...after.keys()].filter((id) => !before.has(id))).toHaveLength(1);
		expect(doc.getMap<Y.Map<unknown>>('members').get('m3')!.get('region')).toBe('Tabriz');

		// A local edit, and both docs end equal.
		doc.getMap<Y.Map<unknown>>('members').get('m4')!.set('fee', 99);
		Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(peer)));
		expect(peer.getMap('members').toJSON()).toEqual(doc.getMap('members').toJSON());
	});
});

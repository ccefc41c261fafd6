/** [C11] big updates are sent as several valid updates that together give the same state. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { splitUpdate } from '../../src/lib/sync/chunks';
import { encodeStateInParts } from '../../src/lib/yjs/split-update.js';

function rows(doc: Y.Doc, n: number, prefix: string, text = 'x'.repeat(40)) {
	doc.transact(() => {
		const members = doc.getMap('members');
		for (let i = 0; i < n; i++) {
			const row = new Y.Map<unknown>();
			row.set('name', `${prefix} ${i} ${text}`);
			row.set('region', `R${i % 7}`);
			row.set('fee', i);
			members.set(`${prefix}-${String(i).padStart(6, '0')}`, row);
		}
	});
}

const same = (a: Y.Doc, b: Y.Doc) => {
	expect(a.getMap('members').toJSON()).toEqual(b.getMap('members').toJSON());
	expect(Y.equalSnapshots(Y.snapshot(a), Y.snapshot(b))).toBe(true);
};

describe('[C11] splitUpdate', () => {
	it('returns a small update as it is', () => {
		const doc = new Y.Doc();
		rows(doc, 3, 'a');
		const u = Y.encodeStateAsUpdate(doc);
		expect(splitUpdate(u, 1 << 20)).toEqual([u]);
	});

	it('splits a big update of several clients, with overwrites and deletes, into valid updates under the limit that rebuild the same doc', () => {
		const a = new Y.Doc();
		rows(a, 2000, 'a');
		const b = new Y.Doc();
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		rows(b, 1500, 'b');
		// b's edits depend on a's structs (overwrites of a's rows) and delete some.
		b.transact(() => {
			const m = b.getMap('members') as Y.Map<Y.Map<unknown>>;
			for (let i = 0; i < 2000; i += 3)
				m.get(`a-${String(i).padStart(6, '0')}`)!.set('region', 'Moved');
			for (let i = 1; i < 2000; i += 5) m.delete(`a-${String(i).padStart(6, '0')}`);
			for (let i = 0; i < 1500; i += 4) m.get(`b-${String(i).padStart(6, '0')}`)!.delete('fee');
		});
		Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
		const whole = Y.encodeStateAsUpdate(b);
		const limit = 16 * 1024;
		const parts = splitUpdate(whole, limit);
		expect(parts.length).toBeGreaterThan(whole.byteLength / limit);
		for (const p of parts) expect(p.byteLength).toBeLessThanOrEqual(limit);
		// Each part alone is a valid update.
		for (const p of parts) expect(() => Y.decodeUpdate(p)).not.toThrow();
		const rebuilt = new Y.Doc();
		for (const p of parts) Y.applyUpdate(rebuilt, p);
		same(rebuilt, b);
		// Also when the receiver already holds part of it (a sync step 2 after reconnect).
		const partial = new Y.Doc();
		Y.applyUpdate(partial, parts[0]);
		Y.applyUpdate(partial, parts[1]);
		for (const p of parts) Y.applyUpdate(partial, p);
		same(partial, b);
	});

	it('closes a part before a struct that would take it over the limit; a struct over the limit goes alone', () => {
		// Values of 3–9 KiB (a long note, an import's list of row ids) between small ones:
		// a part that closed only once over the limit would end up to 9 KiB over.
		const doc = new Y.Doc();
		doc.transact(() => {
			const m = doc.getMap('members');
			for (let i = 0; i < 60; i++) {
				const row = new Y.Map<unknown>();
				m.set(`n-${i}`, row);
				row.set('name', `n ${i}`);
				row.set('notes', 'یادداشت '.repeat(200 + (i % 7) * 80));
			}
			m.set('huge', 'x'.repeat(40 * 1024));
		});
		const whole = Y.encodeStateAsUpdate(doc);
		const limit = 16 * 1024;
		const parts = splitUpdate(whole, limit);
		const over = parts.filter((p) => p.byteLength > limit);
		expect(over).toHaveLength(1);
		expect(Y.decodeUpdate(over[0]).structs).toHaveLength(1);
		// The parts are full: closed only when the next struct did not fit.
		expect(parts.length).toBeLessThan((whole.byteLength / limit) * 1.5 + 2);
		const rebuilt = new Y.Doc();
		for (const p of [...parts].reverse()) Y.applyUpdate(rebuilt, p);
		same(rebuilt, doc);
		expect(encodeStateInParts(doc, limit).filter((p) => p.byteLength > limit)).toHaveLength(1);
	});

	it('splits a delete set alone when it is the big part', () => {
		const doc = new Y.Doc();
		rows(doc, 3000, 'd', '');
		const copy = new Y.Doc();
		Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
		const before = Y.encodeStateVector(doc);
		doc.transact(() => {
			const m = doc.getMap('members');
			for (let i = 0; i < 3000; i += 2) m.delete(`d-${String(i).padStart(6, '0')}`);
		});
		const del = Y.encodeStateAsUpdate(doc, before);
		const parts = splitUpdate(del, 1024);
		expect(parts.length).toBeGreaterThan(1);
		for (const p of parts) expect(p.byteLength).toBeLessThan(1024 + 64);
		for (const p of parts) Y.applyUpdate(copy, p);
		same(copy, doc);
	});
});

describe('[C16] encodeStateInParts', () => {
	/** Two clients, overwrites, deletes (GC'd and kept) and a struct still pending. */
	function history(gc: boolean) {
		const a = new Y.Doc({ gc });
		rows(a, 1500, 'a');
		const b = new Y.Doc({ gc });
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		rows(b, 1200, 'b');
		b.transact(() => {
			const m = b.getMap('members') as Y.Map<Y.Map<unknown>>;
			for (let i = 0; i < 1500; i += 3)
				m.get(`a-${String(i).padStart(6, '0')}`)!.set('region', 'Moved');
			for (let i = 1; i < 1500; i += 5) m.delete(`a-${String(i).padStart(6, '0')}`);
		});
		return b;
	}

	for (const gc of [true, false]) {
		it(`writes a doc's state (gc ${gc}) as valid updates under the limit that rebuild it`, () => {
			const doc = history(gc);
			const whole = Y.encodeStateAsUpdate(doc);
			const limit = 32 * 1024;
			const parts = encodeStateInParts(doc, limit);
			expect(parts.length).toBeGreaterThan(whole.byteLength / limit);
			for (const p of parts) expect(p.byteLength).toBeLessThanOrEqual(limit);
			const total = parts.reduce((n, p) => n + p.byteLength, 0);
			// The same structs and deletes, a few headers more.
			expect(total).toBeLessThan(whole.byteLength * 1.05);
			const rebuilt = new Y.Doc({ gc });
			for (const p of parts) Y.applyUpdate(rebuilt, p);
			same(rebuilt, doc);
			expect(rebuilt.store.pendingStructs).toBeNull();
			expect(Y.encodeStateAsUpdate(rebuilt)).toEqual(whole);
		});
	}

	it('keeps what is still pending in the doc (an update whose causes have not come)', () => {
		const a = new Y.Doc();
		rows(a, 10, 'p');
		const sv = Y.encodeStateVector(a);
		rows(a, 10, 'q');
		const later = Y.encodeStateAsUpdate(a, sv);
		const doc = new Y.Doc();
		Y.applyUpdate(doc, later); // waits for the first ten rows
		expect(doc.store.pendingStructs).not.toBeNull();
		const parts = encodeStateInParts(doc, 1024);
		const rebuilt = new Y.Doc();
		for (const p of parts) Y.applyUpdate(rebuilt, p);
		Y.applyUpdate(rebuilt, Y.encodeStateAsUpdate(a, new Uint8Array([0])));
		same(rebuilt, a);
	});

	it('gives an empty doc as one valid update', () => {
		const parts = encodeStateInParts(new Y.Doc(), 1024);
		expect(parts).toHaveLength(1);
		const rebuilt = new Y.Doc();
		Y.applyUpdate(rebuilt, parts[0]);
		expect(rebuilt.getMap('members').size).toBe(0);
	});
});

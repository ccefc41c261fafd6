/**
 * Plain values (a field of a row) decoded from an update take several times the memory
 * they need. Yjs's decoder builds each value's array (`ContentAny.arr`) with `push`, and
 * V8 gives an array grown by `push` room for 17 elements: 152 bytes per value where an
 * array of one takes 24. A registry of 100,000 members holds about 2,000,000 such values.
 *
 * `keepValuesCompact(doc)` gives every value a transaction adds an array of its own
 * length, right after the transaction: the values themselves are the same, only the
 * arrays holding them are new. A value set locally gets an exact array from Yjs already;
 * copying it too is one small array per edit.
 *
 * Measured (docs/BENCHMARKS.md, server heap of a loaded room): 100k members 816 MB
 * instead of 1,019 MB, 10k 82 MB instead of 105; the time to build the room's doc did not
 * move (it is built off the path of the first answer, [R4][R5]). The client does not use
 * it: a tab's heap at 100k fell from 582 to 466 MB, but the local copy is applied while
 * the first rows are scrolled [C16], and the copying made that open ~0.5 s slower.
 */
import * as Y from 'yjs';

function compactAdded(tr: Y.Transaction): void {
	const clients = tr.doc.store.clients;
	tr.afterState.forEach((clock, client) => {
		const before = tr.beforeState.get(client) ?? 0;
		if (clock <= before) return;
		const structs = clients.get(client);
		if (!structs) return;
		for (let i = before === 0 ? 0 : Y.findIndexSS(structs, before); i < structs.length; i++) {
			const s = structs[i];
			if (s instanceof Y.Item && s.content instanceof Y.ContentAny) {
				const a = s.content.arr;
				s.content.arr = a.length === 1 ? [a[0]] : a.slice();
			}
		}
	});
}

/** Keep the values `doc`'s transactions add in arrays of their own length (see above). */
export function keepValuesCompact<D extends Y.Doc>(doc: D): D {
	doc.on('afterTransaction', compactAdded);
	return doc;
}

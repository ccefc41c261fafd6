/**
 * The row cache for first paint [C14][C15]: keyed by user and room, by format, and by
 * the doc's version (state vector + delete set); a stale cache never outlives the doc's
 * load (the store builds its rows from the doc and keeps only equal cached objects).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	assembleChunks,
	CACHE_VERDICT,
	cacheVerdict,
	chunkRows,
	docVersion,
	readRowCache,
	ROW_CACHE_FORMAT,
	rowCacheKey
} from '../../src/lib/sync/row-cache';
import {
	cachedMemberRow,
	MEMBERS_MAP,
	MembersStore,
	sameMemberRow
} from '../../src/lib/state/members.svelte';
import type { MemberRow } from '../../src/lib/domain/member';

const KEY = rowCacheKey(7, 'default/registry');

function registry(rows: Record<string, Record<string, string | number>>, clientID = 1) {
	const doc = new Y.Doc();
	doc.clientID = clientID;
	const members = doc.getMap<Y.Map<unknown>>(MEMBERS_MAP);
	doc.transact(() => {
		for (const [id, fields] of Object.entries(rows)) {
			const row = new Y.Map<unknown>();
			members.set(id, row);
			for (const [k, v] of Object.entries(fields)) row.set(k, v);
		}
	});
	return doc;
}

const meta = (version: Uint8Array, over: Record<string, unknown> = {}) => ({
	key: KEY,
	format: ROW_CACHE_FORMAT,
	gen: 'g1',
	version,
	count: 2,
	parts: 1,
	at: 0,
	...over
});

describe('row cache keying', () => {
	it('[C15] a cache is fresh for exactly the doc state it was made from', () => {
		expect.hasAssertions();
		const doc = registry({ a: { name: 'Alpha' }, b: { name: 'Beta' } });
		const version = docVersion(doc);
		expect(cacheVerdict({ meta: meta(version), key: KEY, version: docVersion(doc) })).toBe(
			CACHE_VERDICT.fresh
		);
		// Another device's edit arrives: the cache no longer stands for the doc.
		const other = new Y.Doc();
		other.clientID = 2;
		Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
		(other.getMap(MEMBERS_MAP).get('a') as Y.Map<unknown>).set('name', 'Alpha Ltd');
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
		expect(cacheVerdict({ meta: meta(version), key: KEY, version: docVersion(doc) })).toBe(
			CACHE_VERDICT.stale
		);
	});

	it('[C15] a row deleted without moving any clock makes the cache stale', () => {
		expect.hasAssertions();
		const doc = registry({ a: { name: 'Alpha' }, b: { name: 'Beta' } });
		const version = docVersion(doc);
		const sv = Y.encodeStateVector(doc);
		doc.getMap(MEMBERS_MAP).delete('b');
		// The state vector alone cannot see it: the delete set is part of the version.
		expect(Y.encodeStateVector(doc)).toEqual(sv);
		expect(cacheVerdict({ meta: meta(version), key: KEY, version: docVersion(doc) })).toBe(
			CACHE_VERDICT.stale
		);
	});

	it('[C15] the same state reached in another order has the same version', () => {
		expect.hasAssertions();
		const a = registry({ a: { name: 'Alpha' } }, 1);
		const b = registry({ b: { name: 'Beta' } }, 2);
		const ua = Y.encodeStateAsUpdate(a);
		const ub = Y.encodeStateAsUpdate(b);
		const x = new Y.Doc();
		const y = new Y.Doc();
		Y.applyUpdate(x, ua);
		Y.applyUpdate(x, ub);
		Y.applyUpdate(y, ub);
		Y.applyUpdate(y, ua);
		expect(docVersion(x)).toEqual(docVersion(y));
	});

	it('[C14] a cache of another format, another user or room, or malformed is not used', () => {
		expect.hasAssertions();
		const doc = registry({ a: { name: 'Alpha' } });
		const version = docVersion(doc);
		const judge = (m: unknown) => cacheVerdict({ meta: m, key: KEY, version });
		expect(judge(meta(version, { format: ROW_CACHE_FORMAT + 1 }))).toBe(CACHE_VERDICT.none);
		expect(judge(meta(version, { key: rowCacheKey(8, 'default/registry') }))).toBe(
			CACHE_VERDICT.none
		);
		expect(judge(meta(version, { version: 'not bytes' }))).toBe(CACHE_VERDICT.none);
		expect(judge(undefined)).toBe(CACHE_VERDICT.none);
		expect(judge({ __proto__: { key: KEY } })).toBe(CACHE_VERDICT.none);
	});

	it('[C14] only a complete generation is read back, in order', () => {
		expect.hasAssertions();
		const rows = Array.from({ length: 10 }, (_, i) => ({ id: `r${i}` }));
		const chunks = chunkRows(rows, 4).map((r, part) => ({ gen: 'g', part, rows: r }));
		expect(chunks).toHaveLength(3);
		const m = { gen: 'g', parts: 3, count: 10 };
		expect(assembleChunks(m, [...chunks].reverse())).toEqual(rows);
		// A missing chunk, a chunk of another generation, a wrong count: nothing.
		expect(assembleChunks(m, chunks.slice(0, 2))).toBeNull();
		expect(assembleChunks(m, [chunks[0], chunks[1], { ...chunks[2], gen: 'h' }])).toBeNull();
		expect(assembleChunks({ ...m, count: 11 }, chunks)).toBeNull();
	});

	it('[C14] cached rows are checked at the boundary', () => {
		expect.hasAssertions();
		const ok = { id: 'a', name: 'Alpha', memberNo: 12 };
		expect(cachedMemberRow(ok)).toBe(ok);
		expect(cachedMemberRow({ id: 'a', name: 'Alpha', evil: 'x', region: { o: 1 } })).toEqual({
			id: 'a',
			name: 'Alpha'
		});
		const proto = JSON.parse('{"id":"a","__proto__":{"name":"x"}}');
		expect(Object.getPrototypeOf(cachedMemberRow(proto))).toBe(Object.prototype);
		expect(cachedMemberRow({ name: 'no id' })).toBeNull();
		expect(cachedMemberRow('a')).toBeNull();
		expect(cachedMemberRow(null)).toBeNull();
	});
});

describe("app.html's early read", () => {
	const early = globalThis as { __guildhallEarlyRows?: Promise<unknown> };
	const rows = [{ id: 'a' }, { id: 'b' }];
	// No IndexedDB here: a read that goes to the db fails (dexie's MissingAPIError, then
	// DatabaseClosedError).
	const toTheDb = { name: expect.stringMatching(/^(MissingAPI|DatabaseClosed)Error$/) };
	const found = (over: Record<string, unknown> = {}) => ({
		key: KEY,
		meta: meta(new Uint8Array([1])),
		chunks: [{ gen: 'g1', part: 0, rows }],
		...over
	});

	it('[C14] the rows read while the code loaded are taken once, checked like a db read', async () => {
		expect.hasAssertions();
		early.__guildhallEarlyRows = Promise.resolve(found());
		expect((await readRowCache(KEY))?.rows).toEqual(rows);
		expect(early.__guildhallEarlyRows).toBeUndefined();
		await expect(readRowCache(KEY)).rejects.toMatchObject(toTheDb);
		// Found but unusable (an incomplete generation): nothing, as from the db.
		early.__guildhallEarlyRows = Promise.resolve(found({ chunks: [] }));
		expect(await readRowCache(KEY)).toBeNull();
	});

	it("[C14] another user's or room's early rows, or none found, leave the read to the db", async () => {
		expect.hasAssertions();
		for (const f of [found({ key: rowCacheKey(8, 'default/registry') }), null]) {
			early.__guildhallEarlyRows = Promise.resolve(f);
			await expect(readRowCache(KEY)).rejects.toMatchObject(toTheDb);
			expect(early.__guildhallEarlyRows).toBeUndefined();
		}
	});
});

describe('the store over cached rows', () => {
	it('[C15] a fresh cache is taken as it is: the grid has nothing to change', () => {
		expect.hasAssertions();
		const doc = registry({ a: { name: 'Alpha' }, b: { name: 'Beta' } });
		const seed = new MembersStore({ doc });
		const cached = seed.rows().map((r) => ({ ...r }));
		const store = new MembersStore({ doc, cached: { rows: cached, fresh: true } });
		expect(store.get('a')).toBe(cached[0]);
		expect(store.count).toBe(2);
	});

	it('[C15] a stale cache: rows the doc no longer has are gone, changed ones rebuilt, equal ones kept', () => {
		expect.hasAssertions();
		const cached: MemberRow[] = [
			{ id: 'a', name: 'Alpha' } as MemberRow,
			{ id: 'b', name: 'Beta' } as MemberRow,
			{ id: 'gone', name: 'Deleted meanwhile' } as MemberRow
		];
		const doc = registry({ a: { name: 'Alpha' }, b: { name: 'Beta Ltd' }, c: { name: 'New' } });
		const store = new MembersStore({ doc, cached: { rows: cached, fresh: false } });
		expect(store.get('gone')).toBeUndefined();
		expect(store.get('a')).toBe(cached[0]);
		expect(store.get('b')).not.toBe(cached[1]);
		expect(store.get('b')?.name).toBe('Beta Ltd');
		expect(store.get('c')?.name).toBe('New');
		expect(store.rows().map((r) => r.id)).toEqual(['a', 'b', 'c']);
	});

	it('compares rows field by field', () => {
		expect.hasAssertions();
		const a = { id: 'x', name: 'A' } as MemberRow;
		expect(sameMemberRow(a, { id: 'x', name: 'A' } as MemberRow)).toBe(true);
		expect(sameMemberRow(a, { id: 'x', name: 'A', region: 'R' } as MemberRow)).toBe(false);
		expect(sameMemberRow({ id: 'x', name: 'A', region: 'R' } as MemberRow, a)).toBe(false);
	});
});

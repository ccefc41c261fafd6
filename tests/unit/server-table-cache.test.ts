/**
 * The reports' plain-row cache (server/reports.ts `TableCache`) kept in step per
 * transaction: a transaction only notes the rows it touched; they are patched with the
 * keys that changed, not read again whole, when the cache is next read. After any
 * sequence of transactions and reads it must hold what a fresh read of the doc holds,
 * say which rows changed, and rows it handed out before must not change.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { TableCache } from '../../server/reports';
import { mulberry32 } from '../prng';

const IGNORE = { members: new Set(['notes']) };

function tracked(doc: Y.Doc) {
	const cache = new TableCache();
	cache.load(doc);
	const reported: boolean[] = [];
	doc.on('afterTransaction', (tr: Y.Transaction) => reported.push(cache.apply(doc, tr, IGNORE)));
	return { cache, reported };
}

/** The rows of a cache loaded fresh from the doc. */
function fresh(doc: Y.Doc, table: string) {
	const c = new TableCache();
	c.load(doc);
	return Object.fromEntries(c.table(table));
}

function row(doc: Y.Doc, id: string, fields: Record<string, unknown>) {
	const m = new Y.Map<unknown>();
	for (const [k, v] of Object.entries(fields)) m.set(k, v);
	doc.getMap('members').set(id, m);
	return m;
}

describe('TableCache', () => {
	it('patches the changed fields of a row and leaves rows handed out before as they were', () => {
		const doc = new Y.Doc();
		row(doc, 'm1', { name: 'Arya Co', region: 'Qom', phone: '021 555', notes: 'x' });
		const { cache, reported } = tracked(doc);
		const before = cache.table('members').get('m1')!;
		const m1 = doc.getMap<Y.Map<unknown>>('members').get('m1')!;

		doc.transact(() => {
			m1.set('region', 'Tabriz');
			m1.delete('phone');
			m1.set('address', new Y.Map()); // not a plain value: not a field of the plain row
			m1.set('id', 'forged'); // the row's id is its key, never a field
		});
		expect(cache.table('members').get('m1')).toEqual({
			id: 'm1',
			name: 'Arya Co',
			region: 'Tabriz',
			notes: 'x'
		});
		expect(before).toEqual({
			id: 'm1',
			name: 'Arya Co',
			region: 'Qom',
			phone: '021 555',
			notes: 'x'
		});
		expect(reported).toEqual([true]);

		// Only a field no report reads: the row is patched, but nothing reported changed.
		m1.set('notes', 'Called on Monday');
		expect(cache.table('members').get('m1')!.notes).toBe('Called on Monday');
		expect(reported).toEqual([true, false]);
	});

	it('after random transactions holds what a fresh read of the doc holds', () => {
		const rnd = mulberry32(7);
		const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
		const fields = ['name', 'region', 'phone', 'notes', 'fee', 'active', 'id'];
		const values = ['', 'قم', '上海', 'Tabriz', 0, 12.5, true, false, null];
		const doc = new Y.Doc();
		const { cache } = tracked(doc);
		const members = doc.getMap<Y.Map<unknown>>('members');
		const ids = ['a', 'b', 'c', 'd', 'e'];
		for (let step = 0; step < 400; step++) {
			doc.transact(() => {
				for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) {
					const id = pick(ids);
					const m = members.get(id);
					const r = rnd();
					if (!m || r < 0.08) row(doc, id, { name: `${id} ${step}`, region: pick(values) });
					else if (r < 0.12) members.delete(id);
					else if (r < 0.35) m.delete(pick(fields));
					else if (r < 0.4) m.set(pick(fields), new Y.Map());
					else m.set(pick(fields), pick(values));
				}
			});
			expect(Object.fromEntries(cache.table('members'))).toEqual(fresh(doc, 'members'));
		}
	});

	it('reads touched rows when it is read, however many transactions came between', () => {
		const rnd = mulberry32(11);
		const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
		const doc = new Y.Doc();
		const { cache } = tracked(doc);
		const members = doc.getMap<Y.Map<unknown>>('members');
		const config = doc.getMap<unknown>('config');
		const ids = ['a', 'b', 'c', 'd'];
		let touched = new Set<string>();
		let valuesChanged = false;
		cache.drain();
		for (let step = 0; step < 600; step++) {
			doc.transact(() => {
				const id = pick(ids);
				const m = members.get(id);
				const r = rnd();
				if (!m || r < 0.1) row(doc, id, { name: `${id} ${step}`, region: pick(['قم', '上海']) });
				else if (r < 0.15) members.delete(id);
				else if (r < 0.2) {
					config.set('fiscalCalendar', pick(['persian', 'gregorian']));
					valuesChanged = true;
				} else {
					const field = pick(['name', 'region', 'notes']);
					m.set(field, `${step}`);
					if (field !== 'notes') touched.add(id);
				}
				// What the reports must hear of: rows added, replaced, deleted; reported
				// fields changed (not notes alone).
				if (r < 0.15 || !m) touched.add(id);
			});
			if (rnd() < 0.15) {
				const d = cache.drain();
				expect(Object.fromEntries(cache.table('members'))).toEqual(fresh(doc, 'members'));
				expect(Object.fromEntries(cache.valueMap('config'))).toEqual(config.toJSON());
				// Every row whose reported fields changed is named (a row whose edits were
				// only of notes may be named too).
				for (const id of touched) expect(d.rows.get('members')?.has(id)).toBe(true);
				if (valuesChanged) expect(d.values).toBe(true);
				touched = new Set();
				valuesChanged = false;
			}
		}
	});
});

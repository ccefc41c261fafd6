/**
 * The Y-level guard without a network: a "server" doc guards updates from client docs.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyGuardedUpdate, guardRegistry } from '../../server/guard';
import { IMPORT_PARTS_TABLE } from '../../src/lib/domain/import';
import { splitUpdate } from '../../src/lib/sync/chunks';

function serverDoc() {
	const doc = new Y.Doc();
	doc.getMap('members');
	doc.getMap('meta').set('schemaVersion', 1);
	return doc;
}

function client(id: number, from: Y.Doc) {
	const doc = new Y.Doc();
	doc.clientID = id;
	Y.applyUpdate(doc, Y.encodeStateAsUpdate(from));
	return doc;
}

/** Everything `doc` did since `sv`, guarded into `server`; returns the merged update. */
function push(server: Y.Doc, doc: Y.Doc, sv = Y.encodeStateVector(server)) {
	let merged: Uint8Array | null = null;
	const on = (u: Uint8Array) => (merged = u);
	server.on('update', on);
	applyGuardedUpdate({
		doc: server,
		update: Y.encodeStateAsUpdate(doc, sv),
		origin: 'peer',
		guard: guardRegistry
	});
	server.off('update', on);
	return merged;
}

const row = (doc: Y.Doc, id: string) => doc.getMap('members').get(id) as Y.Map<unknown>;

describe('server guard (Yjs level)', () => {
	for (const [first, second] of [
		[10, 20],
		[20, 10]
	]) {
		it(`[G3] concurrent valid and invalid writes to one cell end valid (client ids ${first}/${second})`, () => {
			const server = serverDoc();
			const seed = client(1, server);
			seed.getMap('members').set('row0000001', new Y.Map([['size', 'large']]));
			push(server, seed);
			const good = client(first, server);
			const bad = client(second, server);
			row(good, 'row0000001').set('size', 'small');
			row(bad, 'row0000001').set('size', 'bogus');
			push(server, good);
			push(server, bad);
			expect(row(server, 'row0000001').get('size')).toBe('small');
			// Both clients converge to the server's state.
			for (const c of [good, bad]) {
				Y.applyUpdate(c, Y.encodeStateAsUpdate(server));
				expect(row(c, 'row0000001').get('size')).toBe('small');
			}
		});
	}

	it('[G7] restores a numbered row deleted in the same update as edits to it', () => {
		const server = serverDoc();
		server.getMap('members').set(
			'row0000001',
			new Y.Map<unknown>([
				['name', 'Old'],
				['memberNo', 9]
			])
		);
		const c = client(5, server);
		row(c, 'row0000001').set('name', 'Changed first');
		c.getMap('members').delete('row0000001');
		push(server, c);
		expect(row(server, 'row0000001').toJSON()).toEqual({ name: 'Old', memberNo: 9 });
	});

	it('[G11] a corrected update does not carry the rejected value', () => {
		const server = serverDoc();
		const c = client(5, server);
		c.getMap('members').set('row0000001', new Y.Map<unknown>([['email', 'not-an-email-SECRET']]));
		const merged = push(server, c)!;
		expect(Buffer.from(merged).includes(Buffer.from('SECRET'))).toBe(false);
		const peer = new Y.Doc();
		Y.applyUpdate(peer, merged);
		expect(row(peer, 'row0000001').toJSON()).toEqual({});
	});

	it('[G15] rows whose creation arrives in parts (a split update) keep every value: status of new members, the frozen import record', () => {
		const server = serverDoc();
		const c = client(5, server);
		const ids: string[] = [];
		// As an import chunk writes them (src/lib/import/apply.ts): the row, then its values.
		c.transact(() => {
			for (let i = 0; i < 200; i++) {
				const id = `bulk${String(i).padStart(6, '0')}`;
				ids.push(id);
				const r = new Y.Map<unknown>();
				c.getMap('members').set(id, r);
				r.set('createdAt', '2026-12-01T10:00:00.000Z');
				r.set('status', i % 2 ? 'prospect' : 'active');
				r.set('name', `Bulk Trading ${i} Ltd`);
				r.set('email', `bulk${i}@bulk.example`);
			}
			const part = new Y.Map<unknown>();
			c.getMap(IMPORT_PARTS_TABLE).set('imp0000001-0', part);
			part.set('importId', 'imp0000001');
			part.set('part', 0);
			part.set('added', JSON.stringify(ids));
			part.set('updated', '[]');
			part.set('before', '{}');
			part.set('client', 5);
			part.set('clockStart', 0);
			part.set('clockEnd', 1000);
		});
		// Parts of about 300 bytes: a boundary falls inside many rows, at every position.
		const parts = splitUpdate(Y.encodeStateAsUpdate(c), 300);
		expect(parts.length).toBeGreaterThan(50);
		let corrections = 0;
		for (const p of parts) {
			const r = applyGuardedUpdate({
				doc: server,
				update: p,
				origin: 'peer',
				guard: guardRegistry
			});
			expect(r.error).toBeNull();
			corrections += r.corrections;
		}
		expect(corrections).toBe(0);
		expect(server.getMap('members').toJSON()).toEqual(c.getMap('members').toJSON());
		expect(server.getMap(IMPORT_PARTS_TABLE).toJSON()).toEqual(
			c.getMap(IMPORT_PARTS_TABLE).toJSON()
		);
	});

	it("[G15][J1] a first status later, by the row's creator after other writes or by anyone else, is still put back", () => {
		const server = serverDoc();
		const c = client(5, server);
		c.getMap('members').set('row0000001', new Y.Map<unknown>([['name', 'No status yet']]));
		push(server, c);
		c.getMap('members').set('row0000002', new Y.Map<unknown>([['name', 'Another']]));
		push(server, c);
		row(c, 'row0000001').set('status', 'active');
		push(server, c);
		expect(row(server, 'row0000001').get('status')).toBeUndefined();

		const other = client(6, server);
		row(other, 'row0000002').set('status', 'active');
		push(server, other);
		expect(row(server, 'row0000002').get('status')).toBeUndefined();

		// A frozen row (the import record) gets no new key from its creator later either.
		c.getMap(IMPORT_PARTS_TABLE).set(
			'imp0000001-0',
			new Y.Map<unknown>([['importId', 'imp0000001']])
		);
		push(server, c);
		c.getMap('members').set('row0000003', new Y.Map<unknown>([['name', 'Between']]));
		push(server, c);
		(c.getMap(IMPORT_PARTS_TABLE).get('imp0000001-0') as Y.Map<unknown>).set('part', 3);
		push(server, c);
		expect(server.getMap(IMPORT_PARTS_TABLE).toJSON()).toEqual({
			'imp0000001-0': { importId: 'imp0000001' }
		});
	});

	it('does not guard transactions with other origins (server writes)', () => {
		const server = serverDoc();
		server.transact(() => server.getMap('meta').set('schemaVersion', 2), 'server');
		expect(server.getMap('meta').get('schemaVersion')).toBe(2);
	});
});

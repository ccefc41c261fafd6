/**
 * The Y-level guard without a network: a "server" doc guards updates from client docs.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyGuardedUpdate, guardRegistry } from '../../server/guard';

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

	it('does not guard transactions with other origins (server writes)', () => {
		const server = serverDoc();
		server.transact(() => server.getMap('meta').set('schemaVersion', 2), 'server');
		expect(server.getMap('meta').get('schemaVersion')).toBe(2);
	});
});

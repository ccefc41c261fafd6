/**
 * makeDocGuard on a made-up layout: the rules every area's doc relies on
 * (tables, value maps, server-owned maps, frozen rows, row rules).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { z } from 'zod';
import { applyGuardedUpdate, makeDocGuard, type Guard } from '../../server/guard';

const guard: Guard = makeDocGuard({
	tables: {
		entries: {
			fields: {
				amount: z.number().int(),
				posted: z.boolean(),
				note: z.string().trim().max(20),
				stampedBy: z.string()
			},
			serverOwned: new Set(['stampedBy']),
			frozen: (before) => before.posted === true
		},
		items: {
			fields: { status: z.enum(['open', 'closed']), answer: z.string().min(1) },
			// Nothing is closed without an answer.
			row: (after) =>
				after.status === 'closed' && after.answer === undefined
					? [{ key: 'status', op: 'set', value: 'open' }]
					: []
		}
	},
	values: { config: { fields: { currency: z.enum(['IRR', 'CNY', 'USD']) } } },
	serverOwned: ['audit']
});

function setup() {
	const server = new Y.Doc();
	const seed = new Y.Doc();
	seed.clientID = 1;
	seed.getMap('entries').set('entry00001', new Y.Map<unknown>([['amount', 100]]));
	seed.getMap('entries').set(
		'entry00002',
		new Y.Map<unknown>([
			['amount', 200],
			['posted', true]
		])
	);
	seed.getMap('items').set('item000001', new Y.Map<unknown>([['status', 'open']]));
	seed.getMap('config').set('currency', 'IRR');
	push(server, seed);
	server.transact(() => server.getMap('audit').set('n', 1), 'server');
	const c = new Y.Doc();
	c.clientID = 2;
	Y.applyUpdate(c, Y.encodeStateAsUpdate(server));
	return { server, c };
}

/** The client's changes through the guard, and the server's corrections back to it. */
function push(server: Y.Doc, doc: Y.Doc) {
	const update = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(server));
	const { corrections } = applyGuardedUpdate({ doc: server, update, origin: 'peer', guard });
	Y.applyUpdate(doc, Y.encodeStateAsUpdate(server, Y.encodeStateVector(doc)));
	return corrections;
}

const row = (doc: Y.Doc, table: string, id: string) =>
	(doc.getMap(table).get(id) as Y.Map<unknown>).toJSON();

describe('makeDocGuard', () => {
	it('[G1]-[G4] field rules apply to every table, with its own fields', () => {
		const { server, c } = setup();
		const e = c.getMap('entries').get('entry00001') as Y.Map<unknown>;
		e.set('amount', 1.5);
		e.set('note', '  hi  ');
		e.set('bogus', 1);
		e.set('stampedBy', 'me');
		expect(push(server, c)).toBeGreaterThan(0);
		expect(row(server, 'entries', 'entry00001')).toEqual({ amount: 100, note: 'hi' });
	});

	it('[G12] a frozen row never changes and [G7] is never deleted', () => {
		const { server, c } = setup();
		(c.getMap('entries').get('entry00002') as Y.Map<unknown>).set('amount', 1);
		push(server, c);
		expect(row(server, 'entries', 'entry00002')).toEqual({ amount: 200, posted: true });
		c.getMap('entries').delete('entry00002');
		push(server, c);
		expect(row(server, 'entries', 'entry00002')).toEqual({ amount: 200, posted: true });
		// An unposted row may be posted, changed and deleted.
		(c.getMap('entries').get('entry00001') as Y.Map<unknown>).set('posted', true);
		push(server, c);
		expect(row(server, 'entries', 'entry00001')).toEqual({ amount: 100, posted: true });
	});

	it('[G12] a row created posted is accepted; later changes are reverted', () => {
		const { server, c } = setup();
		c.getMap('entries').set(
			'entry00003',
			new Y.Map<unknown>([
				['amount', 5],
				['posted', true]
			])
		);
		push(server, c);
		(c.getMap('entries').get('entry00003') as Y.Map<unknown>).delete('amount');
		push(server, c);
		expect(row(server, 'entries', 'entry00003')).toEqual({ amount: 5, posted: true });
	});

	it('[G13] a row rule corrects the row as a whole, for new and changed rows', () => {
		const { server, c } = setup();
		(c.getMap('items').get('item000001') as Y.Map<unknown>).set('status', 'closed');
		c.getMap('items').set('item000002', new Y.Map<unknown>([['status', 'closed']]));
		push(server, c);
		expect(row(server, 'items', 'item000001')).toEqual({ status: 'open' });
		expect(row(server, 'items', 'item000002')).toEqual({ status: 'open' });
		const item = c.getMap('items').get('item000001') as Y.Map<unknown>;
		c.transact(() => {
			item.set('status', 'closed');
			item.set('answer', 'Done');
		});
		push(server, c);
		expect(row(server, 'items', 'item000001')).toEqual({ status: 'closed', answer: 'Done' });
	});

	it('value maps are checked per key; server-owned maps and unknown roots are reverted', () => {
		const { server, c } = setup();
		c.getMap('config').set('currency', 'XXX');
		c.getMap('config').set('other', 1);
		c.getMap('audit').set('n', 2);
		c.getMap('meta').set('schemaVersion', 99);
		c.getMap('stray').set('x', 1);
		push(server, c);
		expect(server.getMap('config').toJSON()).toEqual({ currency: 'IRR' });
		expect(server.getMap('audit').toJSON()).toEqual({ n: 1 });
		expect(server.getMap('meta').toJSON()).toEqual({});
		expect(server.getMap('stray').toJSON()).toEqual({});
		c.getMap('config').set('currency', 'CNY');
		push(server, c);
		expect(server.getMap('config').toJSON()).toEqual({ currency: 'CNY' });
	});

	it('[G6] [G8] bad row ids, non-map rows and nested types are removed', () => {
		const { server, c } = setup();
		c.getMap('entries').set('bad id', new Y.Map<unknown>([['amount', 1]]));
		c.getMap('entries').set('entry00009', 'not a row');
		(c.getMap('entries').get('entry00001') as Y.Map<unknown>).set('note', new Y.Map());
		push(server, c);
		expect(Object.keys(server.getMap('entries').toJSON()).sort()).toEqual([
			'entry00001',
			'entry00002'
		]);
		expect(row(server, 'entries', 'entry00001')).toEqual({ amount: 100 });
	});
});

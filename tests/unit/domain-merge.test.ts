import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyGuardedUpdate, guardRegistry } from '../../server/guard';
import { keepMemberId } from '../../src/lib/domain/contacts';
import {
	MERGEABLE_FIELDS,
	liveMemberId,
	mergedIntoMap,
	mergedRecordsByLive,
	mergeRequest,
	planMerge
} from '../../src/lib/domain/merge';

const ids = { survivorId: 'survivor01', mergedId: 'merged0001' };

describe('planMerge', () => {
	it('takes chosen fields from the other record and fills empty ones', () => {
		const plan = planMerge({
			...ids,
			survivor: { name: 'Acme', phone: '021 1234 5678', memberNo: 7 },
			merged: { name: 'ACME Ltd', email: 'info@acme.example', phone: '0912 000 0000', notes: '' },
			choose: { phone: 'merged' }
		});
		expect(plan).toEqual({
			ok: true,
			done: false,
			survivor: { phone: '0912 000 0000', email: 'info@acme.example' }
		});
	});

	it('clears a field when the other side, chosen, has none', () => {
		const plan = planMerge({
			...ids,
			survivor: { name: 'Acme', region: 'North' },
			merged: { name: 'Acme' },
			choose: { region: 'merged' }
		});
		expect(plan).toMatchObject({ ok: true, survivor: { region: null } });
	});

	it('never touches the member number or other server-owned fields', () => {
		expect(MERGEABLE_FIELDS).not.toContain('memberNo');
		expect(MERGEABLE_FIELDS).not.toContain('mergedInto');
		expect(MERGEABLE_FIELDS).not.toContain('approvedBy');
		expect(MERGEABLE_FIELDS).not.toContain('createdAt');
		expect(mergeRequest.safeParse({ ...ids, choose: { memberNo: 'merged' } }).success).toBe(false);
		const plan = planMerge({
			...ids,
			survivor: { name: 'A', memberNo: 1 },
			merged: { name: 'B', memberNo: 2 },
			choose: { name: 'merged' }
		});
		expect(plan).toEqual({ ok: true, done: false, survivor: { name: 'B' } });
	});

	it('keeps a numbered record: it must be the survivor', () => {
		expect(
			planMerge({ ...ids, survivor: { name: 'A' }, merged: { name: 'B', memberNo: 3 }, choose: {} })
		).toEqual({ ok: false, error: 'numberedMustSurvive' });
	});

	it('is idempotent and refuses chains the wrong way', () => {
		expect(
			planMerge({
				...ids,
				survivor: { name: 'A' },
				merged: { mergedInto: ids.survivorId },
				choose: {}
			})
		).toEqual({ ok: true, done: true, survivor: {} });
		expect(
			planMerge({
				...ids,
				survivor: { name: 'A' },
				merged: { mergedInto: 'elsewhere1' },
				choose: {}
			})
		).toEqual({ ok: false, error: 'alreadyMerged' });
		expect(
			planMerge({
				...ids,
				survivor: { mergedInto: 'elsewhere1' },
				merged: { name: 'B' },
				choose: {}
			})
		).toEqual({ ok: false, error: 'survivorMerged' });
		expect(
			planMerge({
				survivorId: 'same000001',
				mergedId: 'same000001',
				survivor: {},
				merged: {},
				choose: {}
			})
		).toEqual({ ok: false, error: 'same' });
		expect(planMerge({ ...ids, survivor: null, merged: {}, choose: {} })).toEqual({
			ok: false,
			error: 'notFound'
		});
	});
});

describe('[L4] the live record a member id belongs to', () => {
	const map = mergedIntoMap([
		{ id: 'survivor01' },
		{ id: 'merged0001', mergedInto: 'survivor01' },
		{ id: 'merged0002', mergedInto: 'merged0001' },
		{ id: 'loopAAAAAA', mergedInto: 'loopBBBBBB' },
		{ id: 'loopBBBBBB', mergedInto: 'loopAAAAAA' },
		{ id: 'selfSSSSSS', mergedInto: 'selfSSSSSS' },
		{ id: 'toLoopXXXX', mergedInto: 'loopAAAAAA' },
		{ id: 'oddValue01', mergedInto: 7 }
	]);
	const live = (id: string) => liveMemberId(id, (x) => map.get(x));

	it('[L4] a live record is its own; a merged one is its survivor, along a chain', () => {
		expect(live('survivor01')).toBe('survivor01');
		expect(live('merged0001')).toBe('survivor01');
		expect(live('merged0002')).toBe('survivor01');
		// Not in the registry (yet: a half-synced copy) or not a merge mark: its own.
		expect(live('unknown001')).toBe('unknown001');
		expect(live('oddValue01')).toBe('oddValue01');
		// Merged into a record the registry does not hold: that id.
		expect(liveMemberId('orphan0001', (x) => (x === 'orphan0001' ? 'gone000001' : undefined))).toBe(
			'gone000001'
		);
	});

	it('[L4] a chain that comes back on itself has no live end: the record stays its own', () => {
		expect(live('loopAAAAAA')).toBe('loopAAAAAA');
		expect(live('loopBBBBBB')).toBe('loopBBBBBB');
		expect(live('selfSSSSSS')).toBe('selfSSSSSS');
		expect(live('toLoopXXXX')).toBe('toLoopXXXX');
	});

	it('[L4] the records merged into each live record, chains included', () => {
		const by = mergedRecordsByLive(map);
		expect(by.get('survivor01')?.sort()).toEqual(['merged0001', 'merged0002']);
		expect([...by.keys()]).toEqual(['survivor01']);
	});
});

describe('member file tables in the registry guard', () => {
	/** A server doc and a client doc; `send` applies the client's change through the guard. */
	function setup() {
		const server = new Y.Doc();
		const client = new Y.Doc();
		server.on('update', (u: Uint8Array) => Y.applyUpdate(client, u));
		const send = (fn: (doc: Y.Doc) => void) => {
			const sv = Y.encodeStateVector(client);
			fn(client);
			applyGuardedUpdate({
				doc: server,
				update: Y.encodeStateAsUpdate(client, sv),
				origin: 'peer',
				guard: guardRegistry
			});
		};
		return { server, client, send };
	}
	const row = (doc: Y.Doc, table: string, id: string) =>
		doc.getMap(table).get(id) as Y.Map<unknown>;

	it('[G13] a contact keeps its member; invalid contact fields are corrected', () => {
		const { server, send } = setup();
		send((d) => {
			const c = new Y.Map<unknown>();
			d.getMap('contacts').set('contact001', c);
			c.set('memberId', 'member0001');
			c.set('name', ' Sara ');
			c.set('channel', 'pigeon');
			c.set('colour', 'red');
		});
		expect(row(server, 'contacts', 'contact001').toJSON()).toEqual({
			memberId: 'member0001',
			name: 'Sara'
		});
		send((d) => row(d, 'contacts', 'contact001').set('memberId', 'member0002'));
		send((d) => row(d, 'contacts', 'contact001').delete('memberId'));
		expect(row(server, 'contacts', 'contact001').get('memberId')).toBe('member0001');
		send((d) => row(d, 'contacts', 'contact001').set('channel', 'wechat'));
		expect(row(server, 'contacts', 'contact001').get('channel')).toBe('wechat');
		expect(keepMemberId({}, null)).toEqual([]);
	});

	it('activities take quarter hours; notes need text', () => {
		const { server, send } = setup();
		send((d) => {
			const a = new Y.Map<unknown>();
			d.getMap('activities').set('activity01', a);
			a.set('memberId', 'member0001');
			a.set('kind', 'volunteer');
			a.set('hours', 2.5);
			const b = new Y.Map<unknown>();
			d.getMap('activities').set('activity02', b);
			b.set('hours', 1.1);
			const n = new Y.Map<unknown>();
			d.getMap('notes').set('note000001', n);
			n.set('memberId', 'member0001');
			n.set('text', '   ');
		});
		expect(row(server, 'activities', 'activity01').get('hours')).toBe(2.5);
		expect(row(server, 'activities', 'activity02').get('hours')).toBeUndefined();
		expect(row(server, 'notes', 'note000001').get('text')).toBeUndefined();
	});

	it('[G7][G12] a merged-away record is frozen and restored whole when deleted', () => {
		const { server, client, send } = setup();
		server.transact(() => {
			const m = new Y.Map<unknown>();
			server.getMap('members').set('merged0001', m);
			m.set('name', 'Kian');
			m.set('email', 'info@kian.example');
			m.set('mergedInto', 'survivor01');
		});
		send((d) => row(d, 'members', 'merged0001').set('name', 'Changed'));
		expect(row(server, 'members', 'merged0001').get('name')).toBe('Kian');
		send((d) => d.getMap('members').delete('merged0001'));
		expect(row(server, 'members', 'merged0001').toJSON()).toEqual({
			name: 'Kian',
			email: 'info@kian.example',
			mergedInto: 'survivor01'
		});
		expect(row(client, 'members', 'merged0001').toJSON()).toMatchObject({ name: 'Kian' });
		send((d) => row(d, 'members', 'merged0001').delete('mergedInto'));
		expect(row(server, 'members', 'merged0001').get('mergedInto')).toBe('survivor01');
	});
});

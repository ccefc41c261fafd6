import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SCHEMA_VERSION } from '../../src/lib/domain/protocol';
import { newRowId } from '../../src/lib/domain/text';
import {
	addRow,
	canonical,
	connect,
	createUser,
	docFromLog,
	loginAdmin,
	membersJson,
	REGISTRY,
	removeDir,
	startTestServer,
	waitFor,
	type Client,
	type TestServer
} from './helpers';

let server: TestServer;
let a: Client;
let b: Client;
/** Every state of the whole doc that peer b has been in, one per transaction. */
let seenByB: string[];

const serverDoc = () => server.app.rooms.get(REGISTRY)!.doc;
const docJson = (doc: Y.Doc) =>
	canonical({
		members: doc.getMap('members').toJSON(),
		meta: doc.getMap('meta').toJSON(),
		evil: doc.share.has('evil') ? doc.getMap('evil').toJSON() : {}
	});

/** Wait until a, b and the server agree; return the agreed members. */
async function settle() {
	await waitFor(
		() => docJson(a.doc) === docJson(serverDoc()) && docJson(b.doc) === docJson(serverDoc()),
		{
			what: 'a, b and server to agree'
		}
	);
	return membersJson(serverDoc());
}

/** Set a row up through a and wait until everyone has it; returns its id. */
async function row(fields: Record<string, unknown>) {
	const id = addRow(a.doc, newRowId(), fields);
	await waitFor(() => b.members().has(id));
	await settle();
	return id;
}

const everSeen = (pred: (s: string) => boolean) => seenByB.some(pred);

beforeAll(async () => {
	server = await startTestServer();
	const admin = await loginAdmin(server);
	const staff = await createUser(server, admin, ['staff']);
	const approver = await createUser(server, admin, ['approver']);
	a = await connect(server, staff.cookie);
	b = await connect(server, approver.cookie);
	b.doc.on('afterTransaction', () => seenByB.push(docJson(b.doc)));
});

beforeEach(() => {
	seenByB = [];
});

afterAll(async () => {
	a.destroy();
	b.destroy();
	await server.close();
	removeDir(server.dataDir);
});

describe('guard on registry members', () => {
	it('[G3] an invalid value is replaced by the previous valid one; no peer sees it', async () => {
		const id = await row({ name: 'Acme', size: 'large' });
		a.members().get(id)!.set('size', 'bogus');
		expect(a.members().get(id)!.get('size')).toBe('bogus');
		const m = await settle();
		expect(m[id].size).toBe('large');
		expect(a.members().get(id)!.get('size')).toBe('large');
		expect(everSeen((s) => s.includes('bogus'))).toBe(false);
		// Not in the stored log either.
		expect((docFromLog(server).getMap('members').get(id) as Y.Map<unknown>).get('size')).toBe(
			'large'
		);
	});

	it('[G3] an invalid value without a valid previous one is removed', async () => {
		const id = await row({ name: 'Mailless' });
		a.members().get(id)!.set('email', 'x');
		const m = await settle();
		expect(m[id]).toEqual({ name: 'Mailless' });
		expect(everSeen((s) => s.includes('"email"'))).toBe(false);
	});

	it('[G1] unknown keys, including __proto__, are removed', async () => {
		const id = await row({ name: 'Protoless' });
		a.doc.transact(() => {
			a.members().get(id)!.set('__proto__', 'polluted');
			a.members().get(id)!.set('favouriteColour', 'blue');
			a.members().get(id)!.set('region', 'East');
		});
		const m = await settle();
		expect(m[id]).toEqual({ name: 'Protoless', region: 'East' });
		expect(everSeen((s) => s.includes('polluted') || s.includes('favouriteColour'))).toBe(false);
	});

	it('[G2] a client write to memberNo is undone (removed, or put back)', async () => {
		const id = await row({ name: 'Numberless' });
		a.members().get(id)!.set('memberNo', 5);
		expect((await settle())[id]).toEqual({ name: 'Numberless' });
		server.app.rooms.get(REGISTRY)!.transactAsServer((doc) => {
			(doc.getMap('members').get(id) as Y.Map<unknown>).set('memberNo', 17);
		});
		await waitFor(() => b.members().get(id)?.get('memberNo') === 17);
		seenByB = [];
		a.members().get(id)!.set('memberNo', 1);
		a.members().get(id)!.delete('approvedBy');
		expect((await settle())[id]).toEqual({ name: 'Numberless', memberNo: 17 });
		a.members().get(id)!.delete('memberNo');
		expect((await settle())[id]).toEqual({ name: 'Numberless', memberNo: 17 });
		expect(everSeen((s) => !s.includes('"memberNo":17'))).toBe(false);
	});

	it('[G4] a valid value is normalised (trimmed)', async () => {
		const id = await row({ name: 'Trim Co' });
		a.members().get(id)!.set('region', '  West  ');
		expect((await settle())[id].region).toBe('West');
		expect(everSeen((s) => s.includes('  West'))).toBe(false);
	});

	it('[G5] clearing a client-owned field is allowed', async () => {
		const id = await row({ name: 'Clear Co', region: 'South' });
		a.members().get(id)!.delete('region');
		expect((await settle())[id]).toEqual({ name: 'Clear Co' });
	});

	it('[G6] a new row is checked field by field; bad row ids and non-map rows are removed', async () => {
		const id = newRowId();
		addRow(a.doc, id, { name: 'New Row', size: 'nope', memberNo: 3, phone: '+49 30 1234567' });
		a.doc.transact(() => {
			a.members().set('bad id!', new Y.Map());
			(a.members() as Y.Map<unknown>).set(newRowId(), 'just a string');
		});
		const m = await settle();
		expect(m[id]).toEqual({ name: 'New Row', phone: '+49 30 1234567' });
		expect(Object.keys(m)).not.toContain('bad id!');
		expect(Object.values(m).every((r) => typeof r === 'object')).toBe(true);
		expect(
			everSeen((s) => s.includes('nope') || s.includes('bad id!') || s.includes('just a string'))
		).toBe(false);
	});

	it('[G7] a numbered member cannot be deleted or replaced: it is restored', async () => {
		const id = await row({ name: 'Forever Ltd', size: 'large', region: 'North' });
		server.app.rooms.get(REGISTRY)!.transactAsServer((doc) => {
			(doc.getMap('members').get(id) as Y.Map<unknown>).set('memberNo', 42);
		});
		await waitFor(
			() =>
				a.members().get(id)?.get('memberNo') === 42 && b.members().get(id)?.get('memberNo') === 42
		);
		seenByB = [];
		a.members().delete(id);
		expect(a.members().has(id)).toBe(false);
		const m = await settle();
		expect(m[id]).toEqual({ name: 'Forever Ltd', size: 'large', region: 'North', memberNo: 42 });
		expect(everSeen((s) => !s.includes(id))).toBe(false);
		// Replacing the row with a fresh map is a deletion too.
		a.members().set(id, new Y.Map([['name', 'Impostor']]));
		const m2 = await settle();
		expect(m2[id]).toEqual({
			name: 'Forever Ltd',
			size: 'large',
			region: 'North',
			memberNo: 42
		});
		expect(everSeen((s) => s.includes('Impostor'))).toBe(false);
		// A row without a number can be deleted.
		const plain = await row({ name: 'Gone Soon' });
		a.members().delete(plain);
		expect(Object.keys(await settle())).not.toContain(plain);
	});

	it('[G8] nested Y types as field values are removed', async () => {
		const id = await row({ name: 'Flat Co', notes: 'plain' });
		a.doc.transact(() => {
			a.members().get(id)!.set('notes', new Y.Text('rich'));
			a.members().get(id)!.set('region', new Y.Map());
		});
		const m = await settle();
		expect(m[id]).toEqual({ name: 'Flat Co', notes: 'plain' });
	});

	it('[G9] meta is server-owned: client changes are reverted', async () => {
		a.doc.getMap('meta').set('schemaVersion', 99);
		a.doc.getMap('meta').set('owner', 'me');
		await settle();
		expect(serverDoc().getMap('meta').toJSON()).toEqual({ schemaVersion: SCHEMA_VERSION });
		expect(a.doc.getMap('meta').toJSON()).toEqual({ schemaVersion: SCHEMA_VERSION });
		// (Only meta: a random row id or a timestamp elsewhere may well contain "99".)
		const meta = (s: string) => (JSON.parse(s) as { meta?: Record<string, unknown> }).meta ?? {};
		expect(everSeen((s) => meta(s).schemaVersion === 99 || 'owner' in meta(s))).toBe(false);
	});

	it('[G10] other root types written by a client are cleared', async () => {
		a.doc.getMap('evil').set('payload', 'x'.repeat(10));
		a.doc.getArray('list').push([1, 2, 3]);
		await settle();
		await waitFor(() => a.doc.getArray('list').length === 0);
		expect(serverDoc().getMap('evil').size).toBe(0);
		expect(serverDoc().getArray('list').length).toBe(0);
		expect(everSeen((s) => s.includes('xxxxxxxxxx'))).toBe(false);
	});

	it('[G11] corrections travel in the same update as the change', async () => {
		const id = await row({ name: 'Atomic', size: 'large' });
		const serverClientId = serverDoc().clientID;
		const updates: Uint8Array[] = [];
		const onUpdate = (u: Uint8Array) => updates.push(u);
		b.doc.on('update', onUpdate);
		a.doc.transact(() => {
			a.members().get(id)!.set('size', 'bogus');
			a.members().get(id)!.set('region', 'Centre');
		});
		await settle();
		b.doc.off('update', onUpdate);
		expect(updates).toHaveLength(1);
		const probe = new Y.Doc();
		Y.applyUpdate(probe, Y.encodeStateAsUpdate(b.doc));
		expect((probe.getMap('members').get(id) as Y.Map<unknown>).toJSON()).toEqual({
			name: 'Atomic',
			size: 'large',
			region: 'Centre'
		});
		// The rejected value is not in the bytes at all.
		expect(Buffer.from(updates[0]).includes(Buffer.from('bogus'))).toBe(false);
		// Corrections do not make Yjs think the server's client id clashes.
		expect(serverDoc().clientID).toBe(serverClientId);
	});
});

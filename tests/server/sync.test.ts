import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { MESSAGE, SCHEMA_VERSION } from '../../src/lib/domain/protocol';
import { newRowId } from '../../src/lib/domain/text';
import {
	addRow,
	awarenessMessage,
	canonical,
	connect,
	createUser,
	docFromLog,
	loginAdmin,
	membersJson,
	messageType,
	openRaw,
	readLog,
	removeDir,
	sleep,
	startTestServer,
	syncMessage,
	waitFor,
	type Client,
	type TestServer,
	type TestUser
} from './helpers';

let server: TestServer;
let admin: string;
let staff: TestUser;
let staff2: TestUser;
/** A view-only role on the registry (board has no registry access at all). */
let board: TestUser;
const clients: Client[] = [];

async function client(cookie: string, opts: Parameters<typeof connect>[2] = {}) {
	const c = await connect(server, cookie, opts);
	clients.push(c);
	return c;
}

beforeAll(async () => {
	server = await startTestServer();
	admin = await loginAdmin(server);
	staff = await createUser(server, admin, ['staff']);
	staff2 = await createUser(server, admin, ['approver']);
	board = await createUser(server, admin, ['finance']);
});

afterAll(async () => {
	for (const c of clients) c.destroy();
	await server.close();
	removeDir(server.dataDir);
});

describe('sync between editors', () => {
	it('[S1] two editors converge', async () => {
		const a = await client(staff.cookie);
		const b = await client(staff2.cookie);
		const id = addRow(a.doc, newRowId(), { name: 'Acme Ltd', status: 'prospect' });
		addRow(b.doc, newRowId(), { name: 'Bolt GmbH' });
		await waitFor(() => Object.keys(membersJson(b.doc)).length >= 2 && membersJson(a.doc)[id]);
		b.members().get(id)!.set('region', 'North');
		a.members().get(id)!.set('tier', 'donor');
		await waitFor(
			() =>
				canonical(membersJson(a.doc)) === canonical(membersJson(b.doc)) &&
				membersJson(a.doc)[id].region === 'North' &&
				membersJson(b.doc)[id].tier === 'donor'
		);
		expect(membersJson(a.doc)).toEqual(membersJson(b.doc));
		expect(membersJson(a.doc)[id]).toEqual({
			name: 'Acme Ltd',
			status: 'prospect',
			region: 'North',
			tier: 'donor'
		});
	});

	it('[R2] a new registry gets meta.schemaVersion from the server', async () => {
		const a = await client(staff.cookie);
		expect(a.doc.getMap('meta').get('schemaVersion')).toBe(SCHEMA_VERSION);
		expect(readLog(server).some((r) => r.userId === null)).toBe(true);
	});

	it('[P1] an update is in the store before any peer receives it', async () => {
		const a = await client(staff.cookie);
		const b = await client(staff2.cookie);
		const id = newRowId();
		const seenInStore: boolean[] = [];
		b.doc.on('update', () => {
			const row = b.members().get(id);
			if (!row) return;
			// Read the SQLite file synchronously, at the moment the peer sees the change.
			const fromLog = docFromLog(server).getMap('members').get(id) as Y.Map<unknown> | undefined;
			seenInStore.push(fromLog?.get('name') === row.get('name'));
		});
		addRow(a.doc, id, { name: 'Persisted First' });
		await waitFor(() => b.members().get(id));
		expect(seenInStore.length).toBeGreaterThan(0);
		expect(seenInStore.every(Boolean)).toBe(true);
		expect(readLog(server).some((r) => r.userId === staff.id)).toBe(true);
	});

	it('[K1] the sender gets an ACK, after storage, covering its clock', async () => {
		const a = await client(staff.cookie);
		const before = a.acks.length;
		addRow(a.doc, newRowId(), { name: 'Acked' });
		const clock = Y.getState(a.doc.store, a.doc.clientID);
		const ack = await waitFor(() => a.acks.slice(before).find((sv) => sv.has(a.doc.clientID)));
		expect(ack!.get(a.doc.clientID)).toBe(clock);
		// Everything the ACK covers is in the log.
		const stored = Y.getState(docFromLog(server).store, a.doc.clientID);
		expect(stored).toBeGreaterThanOrEqual(clock);
	});
});

describe('read-only access', () => {
	it('[RO1] viewer updates are dropped: not stored, not broadcast, answered with permission denied', async () => {
		const editor = await client(staff.cookie);
		const seen: string[] = [];
		editor.doc.on('update', () => seen.push(JSON.stringify(membersJson(editor.doc))));
		const logBefore = readLog(server).length;

		const raw = await openRaw(server, board.cookie);
		await raw.next((m) => messageType(m) === MESSAGE.sync);
		const evil = new Y.Doc();
		const id = addRow(evil, newRowId(), { name: 'Viewer Wrote This' });
		raw.send(syncMessage(syncProtocol.messageYjsUpdate, Y.encodeStateAsUpdate(evil)));
		const denied = await raw.next((m) => messageType(m) === MESSAGE.auth);
		const dec = decoding.createDecoder(denied);
		decoding.readVarUint(dec);
		expect(decoding.readVarUint(dec)).toBe(0); // permission denied
		expect(decoding.readVarString(dec)).toMatch(/view/i);

		// A later edit from the editor still gets through, so the viewer's would have too.
		addRow(editor.doc, newRowId(), { name: 'After the viewer' });
		await waitFor(() => readLog(server).length > logBefore);
		expect(readLog(server).every((r) => r.userId !== board.id)).toBe(true);
		expect(docFromLog(server).getMap('members').has(id)).toBe(false);
		expect(editor.members().has(id)).toBe(false);
		expect(seen.some((s) => s.includes('Viewer Wrote This'))).toBe(false);
		const room = server.app.rooms.get('default/registry')!;
		expect(room.doc.getMap('members').has(id)).toBe(false);
		expect(raw.ws.readyState).toBe(raw.ws.OPEN);
		raw.ws.close();
	});

	it('[RO1] a viewer whose step 2 carries only what the server has is not told it wrote', async () => {
		// The race behind it: the viewer received a change (from us, or another tab's copy of
		// it) after our step 1 left and before it answered: its step 2 holds the change.
		const editor = await client(staff.cookie);
		addRow(editor.doc, newRowId(), { name: 'Stored before the viewer answered' });
		await waitFor(() => editor.acks.length > 0);
		const raw = await openRaw(server, board.cookie);
		await raw.next((m) => messageType(m) === MESSAGE.sync);
		raw.send(syncMessage(syncProtocol.messageYjsSyncStep2, Y.encodeStateAsUpdate(editor.doc)));
		// Then a real write, as a diff (its structs do not start at clock 0): the one denial
		// it gets is for that, so the first got none.
		const viewer = new Y.Doc();
		const id = addRow(viewer, newRowId(), { name: 'Viewer Wrote This' });
		const before = Y.encodeStateVector(viewer);
		(viewer.getMap('members').get(id) as Y.Map<unknown>).set('notes', 'and this');
		raw.send(syncMessage(syncProtocol.messageYjsSyncStep2, Y.encodeStateAsUpdate(viewer, before)));
		await raw.next((m) => messageType(m) === MESSAGE.auth);
		await sleep(100);
		expect(raw.messages.filter((m) => messageType(m) === MESSAGE.auth)).toHaveLength(1);
		raw.ws.close();
	});

	it('[RO2] a viewer receives updates and presence, and its presence is relayed', async () => {
		const viewer = await client(board.cookie);
		const editor = await client(staff.cookie);
		const id = addRow(editor.doc, newRowId(), { name: 'Seen by the board' });
		await waitFor(() => viewer.members().get(id)?.get('name') === 'Seen by the board');
		viewer.provider.awareness.setLocalStateField('user', { name: 'board member' });
		await waitFor(() => editor.provider.awareness.getStates().get(viewer.doc.clientID)?.user);
		// Local edits by the viewer stay local and are refused.
		viewer.members().get(id)!.set('name', 'Board changed it');
		await waitFor(() => viewer.denied.length > 0);
		expect(editor.members().get(id)!.get('name')).toBe('Seen by the board');
	});

	it('[D1] a doc without a guard (reports: the server writes it) refuses client writes, even from admins', async () => {
		const a = await client(admin, { room: 'default/reports' });
		a.doc.getMap('forged').set('members', 100);
		await waitFor(() => a.denied.length > 0);
		expect(readLog(server, 'default/reports').some((u) => u.userId !== null)).toBe(false);
	});
});

describe('presence', () => {
	it('[W1] awareness is relayed, not stored, and removed when the connection closes', async () => {
		const a = await client(staff.cookie);
		const b = await client(staff2.cookie);
		const logBefore = readLog(server).length;
		a.provider.awareness.setLocalStateField('cell', { row: 'x', field: 'name' });
		await waitFor(() => b.provider.awareness.getStates().get(a.doc.clientID)?.cell);
		expect(readLog(server).length).toBe(logBefore);
		a.provider.disconnect();
		await waitFor(() => !b.provider.awareness.getStates().has(a.doc.clientID));
		expect(b.provider.awareness.getStates().has(a.doc.clientID)).toBe(false);
	});

	it('[W2] another user cannot overwrite someone else’s presence', async () => {
		const a = await client(staff.cookie);
		const b = await client(staff2.cookie);
		a.provider.awareness.setLocalStateField('user', { name: 'Alice' });
		await waitFor(() => b.provider.awareness.getStates().get(a.doc.clientID)?.user);
		// A forged update for a's client id (with a higher clock), sent on b's connection.
		const clock = a.provider.awareness.meta.get(a.doc.clientID)!.clock;
		(b.provider.ws as unknown as import('ws').WebSocket).send(
			awarenessMessage([
				{ clientId: a.doc.clientID, clock: clock + 10, state: { user: { name: 'Mallory' } } }
			])
		);
		const room = server.app.rooms.get('default/registry')!;
		// Let the forged message arrive, then check with a marker from b itself.
		b.provider.awareness.setLocalStateField('marker', 1);
		await waitFor(() => room.awareness.getStates().get(b.doc.clientID)?.marker === 1);
		expect(room.awareness.getStates().get(a.doc.clientID)?.user).toEqual({
			id: staff.id,
			username: staff.username,
			name: staff.username
		});
	});

	it('[W3] a peer’s presence names the user it is signed in as, whatever it claims', async () => {
		const a = await client(staff.cookie);
		const b = await client(staff2.cookie);
		a.provider.awareness.setLocalStateField('user', {
			id: 1,
			username: 'admin',
			name: 'Administrator',
			color: '#ff0000',
			roles: ['admin']
		});
		a.provider.awareness.setLocalStateField('cell', { rowId: 'x', field: 'name' });
		await waitFor(() => b.provider.awareness.getStates().get(a.doc.clientID)?.cell);
		expect(b.provider.awareness.getStates().get(a.doc.clientID)).toEqual({
			user: { id: staff.id, username: staff.username, name: staff.username, color: '#ff0000' },
			cell: { rowId: 'x', field: 'name' }
		});
		// A state with no user at all still names its sender; a colour that is no colour goes.
		a.provider.awareness.setLocalState({ cell: { rowId: 'y', field: 'name' } });
		await waitFor(() => b.provider.awareness.getStates().get(a.doc.clientID)?.cell?.rowId === 'y');
		expect(b.provider.awareness.getStates().get(a.doc.clientID)?.user).toEqual({
			id: staff.id,
			username: staff.username,
			name: staff.username
		});
		a.provider.awareness.setLocalState({
			user: { name: 'Administrator', color: 'red' },
			cell: { rowId: 'z', field: 'name' }
		});
		await waitFor(() => b.provider.awareness.getStates().get(a.doc.clientID)?.cell?.rowId === 'z');
		expect(b.provider.awareness.getStates().get(a.doc.clientID)?.user.name).toBe(staff.username);
		expect(b.provider.awareness.getStates().get(a.doc.clientID)?.user.color).toBeUndefined();
	});
});

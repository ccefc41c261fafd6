/**
 * Member history (issue 4, member file) and the merge command, on a real server:
 * history is derived from the update log and attributed by the log's user, never by
 * anything in the doc a client could forge.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { HistoryEntryView, HistoryResponse } from '../../src/lib/domain/history';
import { newRowId } from '../../src/lib/domain/text';
import {
	addRow,
	api,
	connect,
	createUser,
	loginAdmin,
	REGISTRY,
	removeDir,
	startTestServer,
	waitFor,
	type Client,
	type TestServer,
	type TestUser
} from './helpers';

let server: TestServer;
let admin: string;
let staffA: TestUser;
let staffB: TestUser;
let a: Client;
let b: Client;

const history = (cookie: string, id: string, query = '') =>
	api<HistoryResponse>(server, 'GET', `/api/default/members/${id}/history${query}`, { cookie });

/** Wait until the history of `id` has an entry matching `pred`. */
async function entryWhere(
	id: string,
	pred: (e: HistoryEntryView) => boolean,
	what: string
): Promise<HistoryEntryView> {
	const found = await waitFor(
		async () => {
			const r = await history(admin, id);
			expect(r.status).toBe(200);
			return r.body.entries.find(pred);
		},
		{ what }
	);
	return found!;
}

const addChild = (doc: Y.Doc, table: string, fields: Record<string, unknown>) => {
	const id = newRowId();
	doc.transact(() => {
		const row = new Y.Map<unknown>();
		for (const [k, v] of Object.entries(fields)) row.set(k, v);
		doc.getMap(table).set(id, row);
	});
	return id;
};

const serverDoc = () => server.app.rooms.get(REGISTRY)!.doc;

beforeAll(async () => {
	server = await startTestServer();
	admin = await loginAdmin(server);
	staffA = await createUser(server, admin, ['staff'], 'anna');
	staffB = await createUser(server, admin, ['staff'], 'bahram');
	a = await connect(server, staffA.cookie);
	b = await connect(server, staffB.cookie);
});

afterAll(async () => {
	a.destroy();
	b.destroy();
	await server.close();
	removeDir(server.dataDir);
});

describe('GET /api/<org>/members/<id>/history', () => {
	it('a pipeline move made by a command is credited to the person who sent it', async () => {
		const id = addRow(a.doc, newRowId(), { name: 'Moved Co', status: 'prospect' });
		await waitFor(() => serverDoc().getMap('members').has(id));
		const moved = await api(server, 'POST', '/api/default/commands', {
			cookie: staffB.cookie,
			body: { id: randomUUID(), type: 'move', rowId: id, to: 'inquiry' }
		});
		expect(moved.status).toBe(200);
		const e = await entryWhere(id, (x) => x.field === 'status', 'the move');
		expect(e).toMatchObject({ from: 'prospect', to: 'inquiry', user: { id: staffB.id } });
	});

	it('lists who changed which field from what to what, contacts included, newest first', async () => {
		const id = addRow(a.doc, newRowId(), { name: 'Acme', status: 'prospect' });
		await waitFor(() => b.members().has(id));
		b.members().get(id)!.set('name', 'Acme Trading');
		const contact = addChild(a.doc, 'contacts', { memberId: id, name: 'Sara', role: 'CEO' });

		const rename = await entryWhere(id, (e) => e.field === 'name', 'the rename');
		expect(rename).toMatchObject({
			kind: 'set',
			table: 'members',
			from: 'Acme',
			to: 'Acme Trading',
			user: { id: staffB.id, name: 'bahram' }
		});
		const created = await entryWhere(
			id,
			(e) => e.kind === 'create' && e.table === 'members',
			'create'
		);
		expect(created.user?.id).toBe(staffA.id);
		expect(created.to).toEqual({ name: 'Acme', status: 'prospect' });
		const c = await entryWhere(id, (e) => e.table === 'contacts', 'the contact');
		expect(c).toMatchObject({ kind: 'create', rowId: contact, user: { id: staffA.id } });

		a.doc.getMap<Y.Map<unknown>>('contacts').get(contact)!.set('phone', '0912 345 6789');
		const phone = await entryWhere(
			id,
			(e) => e.table === 'contacts' && e.field === 'phone',
			'phone'
		);
		expect(phone).toMatchObject({ from: null, to: '0912 345 6789', user: { id: staffA.id } });

		const r = await history(admin, id);
		const seqs = r.body.entries.map((e) => e.seq);
		expect([...seqs].sort((x, y) => y - x)).toEqual(seqs);
		expect(r.body.complete).toBe(true);
	});

	it('attributes a change to the connection that sent it, even with a forged Yjs client id', async () => {
		const id = addRow(a.doc, newRowId(), { name: 'Forge Test', email: 'a@example.org' });
		await waitFor(() => serverDoc().getMap('members').has(id));
		await entryWhere(id, (e) => e.kind === 'create', 'create');

		// b sends an update whose items carry a's Yjs client id.
		const forged = new Y.Doc();
		forged.clientID = a.doc.clientID;
		Y.applyUpdate(forged, Y.encodeStateAsUpdate(serverDoc()));
		const before = Y.encodeStateVector(forged);
		forged.getMap<Y.Map<unknown>>('members').get(id)!.set('region', 'Forged');
		Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(forged, before));

		const e = await entryWhere(id, (x) => x.field === 'region', 'the forged change');
		expect(e.user?.id).toBe(staffB.id);
		const all = (await history(admin, id)).body.entries;
		expect(all.filter((x) => x.user?.id === staffA.id && x.field === 'region')).toEqual([]);
		forged.destroy();
	});

	it('never shows a value the guard rejected (server-owned or invalid)', async () => {
		const id = addRow(a.doc, newRowId(), { name: 'Guarded' });
		await entryWhere(id, (e) => e.kind === 'create', 'create');
		b.doc.transact(() => {
			const row = b.members().get(id)!;
			row.set('memberNo', 999);
			row.set('email', 'not an email');
			row.set('mergedInto', 'abcdefgh1234');
		});
		b.members().get(id)!.set('city', 'x');
		b.members().get(id)!.set('region', 'Real');
		await entryWhere(id, (e) => e.field === 'region', 'the valid change');
		const all = (await history(admin, id)).body.entries;
		expect(all.map((e) => e.field)).not.toContain('memberNo');
		expect(all.map((e) => e.field)).not.toContain('email');
		expect(all.map((e) => e.field)).not.toContain('mergedInto');
		expect(all.map((e) => e.field)).not.toContain('city');
	});

	it('is refused to board and finance users, other organisations and strangers', async () => {
		const id = addRow(a.doc, newRowId(), { name: 'Secret' });
		await waitFor(() => serverDoc().getMap('members').has(id));
		const board = await createUser(server, admin, ['board']);
		const finance = await createUser(server, admin, ['finance']);
		const approver = await createUser(server, admin, ['approver']);
		expect((await history(board.cookie, id)).status).toBe(403);
		expect((await history(finance.cookie, id)).status).toBe(403);
		expect((await history(approver.cookie, id)).status).toBe(200);
		expect((await history(staffA.cookie, id)).status).toBe(200);
		const other = await api(server, 'GET', `/api/other-org/members/${id}/history`, {
			cookie: staffA.cookie
		});
		expect(other.status).toBe(403);
		expect((await api(server, 'GET', `/api/default/members/${id}/history`)).status).toBe(401);
		expect((await history(staffA.cookie, 'no-such-member-id')).status).toBe(404);
		expect((await history(staffA.cookie, 'bad id!')).status).toBe(404);
		expect((await history(staffA.cookie, id, '?limit=abc')).status).toBe(400);
	});

	it('pages through a long history without losing an entry', async () => {
		const id = addRow(a.doc, newRowId(), { name: 'Pages' });
		for (let i = 0; i < 25; i++) a.members().get(id)!.set('region', `R${i}`);
		await entryWhere(id, (e) => e.to === 'R24', 'the last change');
		const seen: HistoryEntryView[] = [];
		let before: number | null = null;
		do {
			const q: string = `?limit=7${before ? `&before=${before}` : ''}`;
			const r = await history(admin, id, q);
			seen.push(...r.body.entries);
			before = r.body.next;
		} while (before !== null);
		expect(seen.filter((e) => e.field === 'region').map((e) => e.to)).toEqual(
			Array.from({ length: 25 }, (_, i) => `R${24 - i}`)
		);
	});
});

describe('POST /api/<org>/members/merge', () => {
	const merge = (cookie: string, body: unknown) =>
		api(server, 'POST', '/api/default/members/merge', { cookie, body });

	it('keeps the survivor (and its number), marks the other, moves contacts, keeps both histories', async () => {
		const keep = addRow(a.doc, newRowId(), { name: 'Kian Co', phone: '021 8888 1234' });
		const gone = addRow(a.doc, newRowId(), {
			name: 'كيان',
			email: 'info@kian.example',
			region: 'Tehran'
		});
		const contact = addChild(a.doc, 'contacts', { memberId: gone, name: 'Reza' });
		const note = addChild(a.doc, 'notes', { memberId: gone, text: 'Met at the fair' });
		await waitFor(() => serverDoc().getMap('notes').has(note));
		server.app.rooms.get(REGISTRY)!.transactAsServer((doc) => {
			(doc.getMap('members').get(keep) as Y.Map<unknown>).set('memberNo', 41);
			(doc.getMap('members').get(gone) as Y.Map<unknown>).set('memberNo', 42);
		});

		// A numbered record is never merged into an unnumbered one.
		const fresh = addRow(a.doc, newRowId(), { name: 'Fresh' });
		await waitFor(() => serverDoc().getMap('members').has(fresh));
		const wrong = await merge(staffA.cookie, { survivorId: fresh, mergedId: gone });
		expect(wrong.status).toBe(400);
		expect(wrong.body.error.code).toBe('merge_numberedMustSurvive');

		const board = await createUser(server, admin, ['board']);
		expect((await merge(board.cookie, { survivorId: keep, mergedId: gone })).status).toBe(403);
		expect((await merge(staffA.cookie, { survivorId: keep, mergedId: keep })).status).toBe(400);
		expect(
			(
				await merge(staffA.cookie, {
					survivorId: keep,
					mergedId: gone,
					choose: { memberNo: 'merged' }
				})
			).status
		).toBe(400);

		const r = await merge(staffA.cookie, {
			survivorId: keep,
			mergedId: gone,
			choose: { name: 'survivor', email: 'merged' }
		});
		expect(r.status).toBe(200);
		expect(r.body).toMatchObject({ done: false, moved: { contacts: 1, notes: 1, activities: 0 } });

		const members = serverDoc().getMap<Y.Map<unknown>>('members');
		expect(members.get(keep)!.toJSON()).toMatchObject({
			name: 'Kian Co',
			memberNo: 41,
			email: 'info@kian.example',
			region: 'Tehran', // empty on the survivor: taken from the other
			phone: '021 8888 1234'
		});
		expect(members.get(gone)!.toJSON()).toMatchObject({ memberNo: 42, mergedInto: keep });
		expect(serverDoc().getMap<Y.Map<unknown>>('contacts').get(contact)!.get('memberId')).toBe(keep);

		// The same merge again changes nothing.
		const again = await merge(staffA.cookie, { survivorId: keep, mergedId: gone });
		expect(again.body).toMatchObject({ done: true });

		// The merged-away record is frozen for clients and cannot be deleted.
		await waitFor(() => a.members().get(gone)?.get('mergedInto') === keep);
		a.members().get(gone)!.set('name', 'Changed');
		await waitFor(() => a.members().get(gone)?.get('name') === 'كيان', { what: 'revert set' });
		a.members().delete(gone);
		await waitFor(() => a.members().get(gone)?.get('name') === 'كيان', { what: 'revert' });
		expect(a.members().get(gone)!.toJSON()).toMatchObject({ memberNo: 42, mergedInto: keep });

		// The survivor's history holds both records' history and the merge, by staff A.
		const moved = await entryWhere(
			keep,
			(e) => e.table === 'contacts' && e.field === 'memberId',
			'the moved contact'
		);
		expect(moved).toMatchObject({ from: gone, to: keep, user: { id: staffA.id } });
		const h = (await history(admin, keep)).body;
		expect(h.memberIds).toEqual([keep, gone]);
		expect(h.entries.some((e) => e.memberId === gone && e.kind === 'create')).toBe(true);
		expect(h.entries.find((e) => e.field === 'mergedInto')).toMatchObject({
			rowId: gone,
			to: keep,
			user: { id: staffA.id }
		});
		expect(h.entries.find((e) => e.rowId === keep && e.field === 'email')).toMatchObject({
			from: null,
			to: 'info@kian.example',
			user: { id: staffA.id }
		});
	});
});

describe('history index persistence', () => {
	it('resumes after a restart without duplicating entries', async () => {
		const id = addRow(a.doc, newRowId(), { name: 'Restart' });
		a.members().get(id)!.set('region', 'One');
		await entryWhere(id, (e) => e.to === 'One', 'first change');
		const before = (await history(admin, id)).body.entries;
		a.destroy();
		b.destroy();
		await server.close();
		server = await startTestServer({ dataDir: server.dataDir });
		admin = await loginAdmin(server);
		a = await connect(server, staffA.cookie);
		b = await connect(server, staffB.cookie);
		a.members().get(id)!.set('region', 'Two');
		await entryWhere(id, (e) => e.to === 'Two', 'second change');
		const after = (await history(admin, id)).body.entries;
		expect(after.slice(1)).toEqual(before);
	});
});

/**
 * Joining (issue 4) against a real server: the command endpoint, the approval and
 * its role check, number allocation under concurrency and retry, the pipeline moves
 * and what the guard does with client writes to them.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import Database from 'better-sqlite3';
import path from 'node:path';
import { newRowId } from '../../src/lib/domain/text';
import { DB_FILE } from '../../server/store/sqlite';
import { DEFAULT_TABLES, DEFAULT_TEMPLATES, readConfig } from '../../src/lib/domain/settings';
import {
	addRow,
	api,
	connect,
	createUser,
	loginAdmin,
	removeDir,
	startTestServer,
	waitFor,
	type Client,
	type TestServer,
	type TestUser
} from './helpers';

let server: TestServer;
let admin: string;
let staff: TestUser;
let approver: TestUser;
let approver2: TestUser;
let board: TestUser;
let client: Client;

const registry = () => server.app.rooms.get('default/registry')!.doc;
const memberOnServer = (id: string) =>
	(registry().getMap('members').get(id) as Y.Map<unknown> | undefined)?.toJSON() as Record<
		string,
		unknown
	>;
const command = (user: { cookie: string }, body: Record<string, unknown>, org = 'default') =>
	api(server, 'POST', `/api/${org}/commands`, { cookie: user.cookie, body });

const commandRows = () => {
	const db = new Database(path.join(server.dataDir, DB_FILE), { readonly: true });
	try {
		return db.prepare('SELECT id, type, member_no FROM commands ORDER BY at').all() as {
			id: string;
			type: string;
			member_no: number | null;
		}[];
	} finally {
		db.close();
	}
};

/** A member row made by the staff client, then moved to `status` with commands. */
async function applicant(name: string, to: 'applicant' | 'verified' = 'verified'): Promise<string> {
	const id = addRow(client.doc, newRowId(), { name, status: 'inquiry', language: 'en' });
	await waitFor(() => registry().getMap('members').has(id), { what: 'row on server' });
	expect(
		(await command(staff, { id: randomUUID(), type: 'move', rowId: id, to: 'applicant' })).status
	).toBe(200);
	if (to === 'verified') {
		const r = await command(staff, {
			id: randomUUID(),
			type: 'verify',
			rowId: id,
			met: ['statutes', 'industry', 'registration', 'form'],
			note: 'licence seen'
		});
		expect(r.status, JSON.stringify(r.body)).toBe(200);
	}
	return id;
}

beforeAll(async () => {
	server = await startTestServer();
	admin = await loginAdmin(server);
	staff = await createUser(server, admin, ['staff']);
	approver = await createUser(server, admin, ['approver']);
	approver2 = await createUser(server, admin, ['approver']);
	board = await createUser(server, admin, ['board']);
	client = await connect(server, staff.cookie);
});

afterAll(async () => {
	client.destroy();
	await server.close();
	removeDir(server.dataDir);
});

describe('settings doc', () => {
	it('[J5] a new organisation gets default settings written by the server', async () => {
		const c = await connect(server, staff.cookie, { room: 'default/settings' });
		try {
			const config = c.doc.getMap('config').toJSON();
			expect(config).toMatchObject({
				currency: 'IRR',
				lapseGraceDays: 90,
				riskInactiveDays: 365
			});
			expect(typeof config.memberNoFormat).toBe('string');
			expect(c.doc.getMap('tiers').get('regular')).toBeInstanceOf(Y.Map);
			const fee = (c.doc.getMap('tiers').get('regular') as Y.Map<unknown>).get('annualFee');
			expect(Number.isInteger(fee)).toBe(true);
			expect(c.doc.getMap('criteria').size).toBeGreaterThan(0);
			expect(c.doc.getMap('templates').get('certificate-fa')).toBeInstanceOf(Y.Map);
		} finally {
			c.destroy();
		}
	});
});

describe('settings seeded before a default was added', () => {
	const RECRUITMENT = ['recruitment-en', 'recruitment-fa', 'recruitment-zh'];

	/** A settings room as an older server seeded it: no recruitment letters, no seed version. */
	async function seededTheOldWay(
		room: string,
		edit: (templates: Y.Map<unknown>) => void = () => {}
	) {
		const doc = new Y.Doc();
		doc.transact(() => {
			for (const [k, v] of Object.entries(readConfig({}))) doc.getMap('config').set(k, v);
			for (const [table, rows] of Object.entries(DEFAULT_TABLES)) {
				for (const [id, fields] of Object.entries(rows)) {
					if (RECRUITMENT.includes(id)) continue;
					const row = new Y.Map<unknown>();
					doc.getMap(table).set(id, row);
					for (const [k, v] of Object.entries(fields)) row.set(k, v);
				}
			}
			doc.getMap('meta').set('seeded', '2025-01-01T00:00:00.000Z');
		});
		doc.transact(() => edit(doc.getMap('templates')));
		await server.app.store.appendUpdate({
			room,
			update: Y.encodeStateAsUpdate(doc),
			userId: null,
			at: Date.now()
		});
	}
	const templatesOf = (room: string) =>
		server.app.rooms.withRoom(room, (r) => r.doc.getMap('templates').toJSON());
	const unloaded = (room: string) =>
		waitFor(() => server.app.rooms.get(room) === undefined, { what: `${room} unloaded` });

	it('[J5] an organisation seeded before gains the rows added since, once, on load', async () => {
		const room = 'legacy-a/settings';
		await seededTheOldWay(room);
		const templates = await templatesOf(room);
		for (const id of RECRUITMENT) expect(templates[id]).toEqual(DEFAULT_TEMPLATES[id]);
		expect(templates['certificate-fa']).toEqual(DEFAULT_TEMPLATES['certificate-fa']);

		// Never twice: a row gone since (as a deleted criterion would be) is not written
		// again, and a later load writes nothing at all.
		await server.app.rooms.withRoom(room, (r) =>
			r.transactAsServer((doc) => doc.getMap('templates').delete('recruitment-zh'))
		);
		await unloaded(room);
		const logRows = (await server.app.store.listUpdates(room)).length;
		expect(await templatesOf(room)).not.toHaveProperty('recruitment-zh');
		await unloaded(room);
		expect((await server.app.store.listUpdates(room)).length).toBe(logRows);
	});

	it('[J5] what the admin made, changed or archived of such a row is kept', async () => {
		const room = 'legacy-b/settings';
		await seededTheOldWay(room, (templates) => {
			// Made with Settings' "create" (the same ids), then changed and archived.
			const fa = new Y.Map<unknown>();
			templates.set('recruitment-fa', fa);
			for (const [k, v] of Object.entries(DEFAULT_TEMPLATES['recruitment-fa'])) fa.set(k, v);
			fa.set('body', 'متن خود ما {{name}}');
			const en = new Y.Map<unknown>();
			templates.set('recruitment-en', en);
			for (const [k, v] of Object.entries(DEFAULT_TEMPLATES['recruitment-en'])) en.set(k, v);
			en.set('archived', true);
		});
		const templates = await templatesOf(room);
		expect(templates['recruitment-fa'].body).toBe('متن خود ما {{name}}');
		expect(templates['recruitment-en'].archived).toBe(true);
		expect(templates['recruitment-zh']).toEqual(DEFAULT_TEMPLATES['recruitment-zh']);
	});
});

describe('commands endpoint', () => {
	it('[CMD1] another organisation in the path is 404 and runs nothing', async () => {
		const r = await command(
			staff,
			{ id: randomUUID(), type: 'move', rowId: 'abcdefgh', to: 'inquiry' },
			'other'
		);
		expect(r.status).toBe(404);
	});

	it('[CMD2] unknown type, bad id and bad arguments are 400 with what to fix', async () => {
		const unknown = await command(staff, { id: randomUUID(), type: 'launch' });
		expect(unknown.status).toBe(400);
		expect(unknown.body.error.code).toBe('unknown_command');
		const badId = await command(staff, { id: 'not-a-uuid', type: 'move' });
		expect(badId.status).toBe(400);
		expect(badId.body.error.message).toMatch(/id/);
		const badArgs = await command(staff, {
			id: randomUUID(),
			type: 'move',
			rowId: 'abcdefgh',
			to: 'sideways'
		});
		expect(badArgs.status).toBe(400);
		expect(badArgs.body.error.message).toMatch(/to/);
		const noBody = await api(server, 'POST', '/api/default/commands', { cookie: staff.cookie });
		expect(noBody.status).toBe(400);
		const anon = await api(server, 'POST', '/api/default/commands', {
			body: { id: randomUUID(), type: 'move' }
		});
		expect(anon.status).toBe(401);
	});
});

describe('approval', () => {
	it('[CMD3] a user without the approver role gets 403 and nothing changes', async () => {
		const id = await applicant('Forbidden Works');
		const before = memberOnServer(id);
		const rowsBefore = commandRows().length;
		for (const who of [staff, board, { cookie: admin }]) {
			const r = await command(who, {
				id: randomUUID(),
				type: 'approve',
				rowId: id,
				tier: 'regular',
				category: 'manufacturer'
			});
			expect(r.status).toBe(403);
			expect(r.body.error.message).toMatch(/approver/);
		}
		expect(memberOnServer(id)).toEqual(before);
		expect(commandRows().length).toBe(rowsBefore);
	});

	it('[J2] approve sets the approval fields, allocates the number and records the move', async () => {
		const id = await applicant('Numbered Ltd');
		const cmd = {
			id: randomUUID(),
			type: 'approve',
			rowId: id,
			tier: 'council',
			category: 'supplier'
		};
		const r = await command(approver, cmd);
		expect(r.status, JSON.stringify(r.body)).toBe(200);
		expect(r.body.memberNo).toMatch(/^\d+$/);
		const m = memberOnServer(id);
		expect(m).toMatchObject({
			status: 'active',
			tier: 'council',
			category: 'supplier',
			approvedBy: approver.username,
			statusBy: approver.username,
			certificateNo: r.body.memberNo
		});
		expect(m.memberNo).toBe(Number(r.body.memberNo));
		expect(typeof m.approvedAt).toBe('string');
		expect(typeof m.joinDate).toBe('string');
		const move = (registry().getMap('moves').get(cmd.id) as Y.Map<unknown>).toJSON();
		expect(move).toMatchObject({
			memberId: id,
			from: 'verified',
			to: 'active',
			byId: approver.id,
			command: 'approve'
		});
		// The client sees it all too.
		await waitFor(() => client.members().get(id)?.get('memberNo') === m.memberNo);

		// [CMD4] the same id again: the same answer, nothing new.
		const again = await command(approver, cmd);
		expect(again.status).toBe(200);
		expect(again.body).toEqual(r.body);
		expect(again.headers.get('idempotent-replay')).toBe('true');
		expect(commandRows().filter((c) => c.id === cmd.id)).toHaveLength(1);
		// The same id with other content, or by someone else: 409.
		const other = await command(approver, { ...cmd, tier: 'regular' });
		expect(other.status).toBe(409);
		expect(other.body.error.code).toBe('command_id_reused');
		const otherUser = await command(approver2, cmd);
		expect(otherUser.status).toBe(409);
	});

	it('[J3] two approvers approving one applicant at once get one number', async () => {
		const id = await applicant('Race Condition GmbH');
		const [a, b] = await Promise.all([
			command(approver, {
				id: randomUUID(),
				type: 'approve',
				rowId: id,
				tier: 'regular',
				category: 'manufacturer'
			}),
			command(approver2, {
				id: randomUUID(),
				type: 'approve',
				rowId: id,
				tier: 'regular',
				category: 'manufacturer'
			})
		]);
		expect(a.status).toBe(200);
		expect(b.status).toBe(200);
		expect(a.body.memberNo).toBe(b.body.memberNo);
		const allocated = commandRows()
			.filter((c) => c.member_no !== null)
			.map((c) => c.member_no);
		expect(new Set(allocated).size).toBe(allocated.length);
		// Only one approve move for this member.
		const moves = [...registry().getMap('moves').values()].map((y) =>
			(y as Y.Map<unknown>).toJSON()
		);
		expect(moves.filter((mv) => mv.memberId === id && mv.to === 'active')).toHaveLength(1);
	});

	it('[J8] a second approval with another tier or category says what the member was approved with', async () => {
		const id = await applicant('Two Minds Ltd');
		const approve = (who: TestUser, tier: string, category: string) =>
			command(who, { id: randomUUID(), type: 'approve', rowId: id, tier, category });
		const [a, b] = await Promise.all([
			approve(approver, 'regular', 'trade'),
			approve(approver2, 'council', 'design')
		]);
		const [won, lost] = a.status === 200 ? [a, b] : [b, a];
		expect(won.status).toBe(200);
		expect(lost.status).toBe(409);
		const m = memberOnServer(id);
		expect(lost.body.error).toMatchObject({
			code: 'already_approved',
			memberNo: won.body.memberNo,
			tier: m.tier,
			category: m.category
		});
		expect(lost.body.error.message).toContain('Change tier or category');
		// The same values again: the number, as [J3].
		const again = await approve(approver2, String(m.tier), String(m.category));
		expect(again.status).toBe(200);
		expect(again.body.memberNo).toBe(won.body.memberNo);
	});

	it('[J2] numbers are sequential, never reused, and follow the admin prefix format', async () => {
		await server.app.rooms.withRoom('default/settings', (room) =>
			room.transactAsServer((doc) => doc.getMap('config').set('memberNoFormat', 'TA-{n:5}'))
		);
		const ids = [await applicant('Seq One'), await applicant('Seq Two')];
		const numbers: string[] = [];
		for (const id of ids) {
			const r = await command(approver, {
				id: randomUUID(),
				type: 'approve',
				rowId: id,
				tier: 'regular',
				category: 'trade'
			});
			expect(r.status).toBe(200);
			numbers.push(r.body.memberNo);
		}
		expect(numbers[0]).toMatch(/^TA-\d{5}$/);
		const [n1, n2] = numbers.map((n) => Number(n.slice(3)));
		expect(n2).toBe(n1 + 1);
		expect(memberOnServer(ids[1]).memberNo).toBe(n2);
	});

	it('[J2] approving needs a verified applicant and a known tier and category', async () => {
		const notVerified = await applicant('Too Early', 'applicant');
		const early = await command(approver, {
			id: randomUUID(),
			type: 'approve',
			rowId: notVerified,
			tier: 'regular',
			category: 'trade'
		});
		expect(early.status).toBe(409);
		expect(early.body.error.code).toBe('move_not_allowed');
		// The details the client words the refusal from, in the reader's language.
		expect(early.body.error).toMatchObject({
			from: 'applicant',
			to: 'active',
			command: 'approve',
			needed: null
		});
		const id = await applicant('Unknown Tier');
		const bad = await command(approver, {
			id: randomUUID(),
			type: 'approve',
			rowId: id,
			tier: 'platinum',
			category: 'trade'
		});
		expect(bad.status).toBe(400);
		expect(bad.body.error).toMatchObject({
			code: 'unknown_setting',
			unknown: ['platinum'],
			table: 'tiers'
		});
		expect(memberOnServer(id).memberNo).toBeUndefined();
		const gone = await command(approver, {
			id: randomUUID(),
			type: 'approve',
			rowId: newRowId(),
			tier: 'regular',
			category: 'trade'
		});
		expect(gone.status).toBe(404);
	});

	it('[J2] a client writing memberNo or approval fields is corrected by the guard', async () => {
		const id = await applicant('Sneaky Co');
		const row = client.members().get(id)!;
		client.doc.transact(() => {
			row.set('memberNo', 999);
			row.set('approvedBy', 'me');
			row.set('certificateNo', 'X-1');
			row.set('status', 'active');
		});
		await waitFor(() => client.members().get(id)!.get('status') === 'verified', {
			what: 'status put back'
		});
		const m = memberOnServer(id);
		expect(m.memberNo).toBeUndefined();
		expect(m.approvedBy).toBeUndefined();
		expect(m.certificateNo).toBeUndefined();
		expect(m.status).toBe('verified');
	});
});

describe("an approved member's tier, category and join date", () => {
	const approve = (rowId: string, tier: string, category: string, who = approver) =>
		command(who, { id: randomUUID(), type: 'approve', rowId, tier, category });
	const change = (rowId: string, tier: string, category: string, who = approver) =>
		command(who, { id: randomUUID(), type: 'changeMembership', rowId, tier, category });

	it('[J2] before approval staff set them; after, a client write to them is put back', async () => {
		const id = await applicant('Tiered Before Ltd');
		const row = client.members().get(id)!;
		client.doc.transact(() => {
			row.set('tier', 'donor');
			row.set('category', 'trade');
		});
		await waitFor(() => memberOnServer(id).tier === 'donor', { what: 'staff tier kept' });
		expect((await approve(id, 'regular', 'manufacturer')).status).toBe(200);
		await waitFor(() => client.members().get(id)!.get('memberNo') !== undefined);
		const joinDate = memberOnServer(id).joinDate;
		client.doc.transact(() => {
			row.set('tier', 'council');
			row.set('category', 'education');
			row.set('joinDate', '2020-01-01');
			row.set('name', 'Tiered After Ltd');
		});
		await waitFor(() => memberOnServer(id).name === 'Tiered After Ltd', { what: 'name kept' });
		expect(memberOnServer(id)).toMatchObject({
			tier: 'regular',
			category: 'manufacturer',
			joinDate
		});
		await waitFor(() => client.members().get(id)!.get('tier') === 'regular', {
			what: 'sender converges'
		});
		// Removing them is put back too.
		client.doc.transact(() => row.delete('tier'));
		await waitFor(() => client.members().get(id)!.get('tier') === 'regular', {
			what: 'delete put back'
		});
	});

	it('[J2] an offline edit of the tier made before the approval does not win over it', async () => {
		const id = await applicant('Offline Tier Co');
		// Of two concurrent writes to one key, Yjs keeps the higher client id's: the
		// offline device's edit would win over the approval (QA saw it 1 time in 4).
		const doc = new Y.Doc();
		doc.clientID = 2 ** 32 - 1;
		const offline = await connect(server, staff.cookie, { doc });
		try {
			await waitFor(() => offline.members().has(id));
			offline.provider.disconnect();
			const row = offline.members().get(id)!;
			offline.doc.transact(() => {
				row.set('tier', 'honorary');
				row.set('category', 'education');
			});
			expect((await approve(id, 'council', 'manufacturer')).status).toBe(200);
			offline.provider.connect();
			await waitFor(() => offline.members().get(id)!.get('memberNo') !== undefined, {
				what: 'reconnected'
			});
			await waitFor(() => offline.members().get(id)!.get('tier') === 'council', {
				what: 'offline edit put back'
			});
			expect(memberOnServer(id)).toMatchObject({ tier: 'council', category: 'manufacturer' });
			expect(offline.members().get(id)!.get('category')).toBe('manufacturer');
		} finally {
			offline.destroy();
		}
	});

	it('[J7] an approver changes them with changeMembership; others and bad values are refused', async () => {
		const id = await applicant('Grown Up Inc');
		const early = await change(id, 'council', 'trade');
		expect(early.status).toBe(409);
		expect(early.body.error.code).toBe('not_approved');
		expect((await approve(id, 'regular', 'trade')).status).toBe(200);
		const byStaff = await change(id, 'council', 'trade', staff);
		expect(byStaff.status).toBe(403);
		const unknown = await change(id, 'platinum', 'trade');
		expect(unknown.status).toBe(400);
		expect(unknown.body.error).toMatchObject({ code: 'unknown_setting', unknown: ['platinum'] });
		expect(memberOnServer(id).tier).toBe('regular');
		const ok = await change(id, 'council', 'supplier');
		expect(ok.status, JSON.stringify(ok.body)).toBe(200);
		expect(ok.body).toEqual({ tier: 'council', category: 'supplier' });
		expect(memberOnServer(id)).toMatchObject({ tier: 'council', category: 'supplier' });
		await waitFor(() => client.members().get(id)!.get('tier') === 'council', {
			what: 'client sees it'
		});
	});
});

describe('pipeline moves', () => {
	it('[J1] a client creates a row in any state; later status changes by a client are put back', async () => {
		const id = addRow(client.doc, newRowId(), { name: 'Imported Member', status: 'active' });
		await waitFor(() => memberOnServer(id)?.status === 'active', { what: 'row stored' });
		client.members().get(id)!.set('status', 'lapsed');
		await waitFor(() => client.members().get(id)!.get('status') === 'active', {
			what: 'status put back'
		});
		expect(memberOnServer(id).status).toBe('active');
	});

	it('[J4] moves follow the state machine and record who and when', async () => {
		const id = addRow(client.doc, newRowId(), { name: 'Walker', status: 'prospect' });
		await waitFor(() => registry().getMap('members').has(id));
		const bad = await command(staff, { id: randomUUID(), type: 'move', rowId: id, to: 'active' });
		expect(bad.status).toBe(409);
		expect(bad.body.error.message).toMatch(/cannot move/);
		const viaVerify = await command(staff, {
			id: randomUUID(),
			type: 'move',
			rowId: id,
			to: 'verified'
		});
		expect(viaVerify.status).toBe(409);
		const cmd = {
			id: randomUUID(),
			type: 'move',
			rowId: id,
			to: 'eventContact',
			reason: 'not joining this year'
		};
		expect((await command(staff, cmd)).status).toBe(200);
		expect(memberOnServer(id)).toMatchObject({ status: 'eventContact', statusBy: staff.username });
		const move = (registry().getMap('moves').get(cmd.id) as Y.Map<unknown>).toJSON();
		expect(move).toMatchObject({
			from: 'prospect',
			to: 'eventContact',
			byId: staff.id,
			reason: 'not joining this year'
		});
		expect(Date.now() - Date.parse(String(move.at))).toBeLessThan(60_000);
		// Board members view only.
		expect(
			(await command(board, { id: randomUUID(), type: 'move', rowId: id, to: 'inquiry' })).status
		).toBe(403);
	});

	it('[J4] the moves and checks tables are server-owned', async () => {
		const id = await applicant('Forger');
		const moves = client.doc.getMap('moves');
		const firstKey = [...moves.keys()][0];
		client.doc.transact(() => {
			const fake = new Y.Map<unknown>();
			moves.set(randomUUID(), fake);
			fake.set('memberId', id);
			fake.set('by', 'someone else');
			(moves.get(firstKey) as Y.Map<unknown>).set('by', 'forged');
		});
		await waitFor(
			() =>
				client.doc.getMap('moves').size === registry().getMap('moves').size &&
				(client.doc.getMap('moves').get(firstKey) as Y.Map<unknown>).get('by') !== 'forged',
			{ what: 'moves restored' }
		);
		expect(
			[...registry().getMap('moves').values()].some(
				(m) => (m as Y.Map<unknown>).get('by') === 'someone else'
			)
		).toBe(false);
		// [G16] The forged row is gone, not left as an empty row.
		const empty = [...registry().getMap('moves').values()].filter(
			(m) => (m as Y.Map<unknown>).size === 0
		);
		expect(empty).toHaveLength(0);
	});

	it('[J6] verification checks the required criteria and keeps a copy of each', async () => {
		const id = await applicant('Checked Inc', 'applicant');
		const missing = await command(staff, {
			id: randomUUID(),
			type: 'verify',
			rowId: id,
			met: ['statutes'],
			note: ''
		});
		expect(missing.status).toBe(422);
		expect(missing.body.error.code).toBe('requirements_not_met');
		expect(memberOnServer(id).status).toBe('applicant');
		const unknown = await command(staff, {
			id: randomUUID(),
			type: 'verify',
			rowId: id,
			met: ['nope'],
			note: ''
		});
		expect(unknown.status).toBe(400);
		const ok = await command(staff, {
			id: randomUUID(),
			type: 'verify',
			rowId: id,
			met: ['statutes', 'industry', 'registration', 'form'],
			note: 'All papers seen'
		});
		expect(ok.status).toBe(200);
		expect(memberOnServer(id)).toMatchObject({
			status: 'verified',
			verifyNote: 'All papers seen',
			verifiedBy: staff.username
		});
		const checks = [...registry().getMap('checks').values()]
			.map((c) => (c as Y.Map<unknown>).toJSON())
			.filter((c) => c.memberId === id);
		expect(checks.length).toBeGreaterThanOrEqual(5);
		expect(checks.find((c) => c.criterionId === 'influence')).toMatchObject({
			met: false,
			required: false
		});
		expect(checks.find((c) => c.criterionId === 'statutes')).toMatchObject({
			met: true,
			required: true
		});
		expect(typeof checks[0].textEn).toBe('string');
		// Dropping a criterion later does not touch the application's record.
		server.app.rooms
			.get('default/settings')
			?.transactAsServer((doc) => doc.getMap('criteria').delete('influence'));
		expect(
			[...registry().getMap('checks').values()].some(
				(c) =>
					(c as Y.Map<unknown>).get('memberId') === id &&
					(c as Y.Map<unknown>).get('criterionId') === 'influence'
			)
		).toBe(true);
	});

	it('[J4] rejection carries a reason', async () => {
		const id = await applicant('Refused Ltd');
		const noReason = await command(approver, {
			id: randomUUID(),
			type: 'reject',
			rowId: id,
			reason: ' '
		});
		expect(noReason.status).toBe(400);
		const r = await command(approver, {
			id: randomUUID(),
			type: 'reject',
			rowId: id,
			reason: 'Not in the industry'
		});
		expect(r.status).toBe(200);
		expect(memberOnServer(id)).toMatchObject({
			status: 'rejected',
			rejectReason: 'Not in the industry',
			rejectedBy: approver.username
		});
	});
});

describe('settings guard', () => {
	it('[J5] admins edit settings with valid values; bad values and deletes are corrected', async () => {
		const a = await connect(server, admin, { room: 'default/settings' });
		try {
			const regular = () => a.doc.getMap('tiers').get('regular') as Y.Map<unknown>;
			const onServer = () =>
				(
					server.app.rooms
						.get('default/settings')!
						.doc.getMap('tiers')
						.get('regular') as Y.Map<unknown>
				)?.toJSON();
			regular().set('annualFee', 60_000_000);
			await waitFor(() => onServer()?.annualFee === 60_000_000, { what: 'fee saved' });
			regular().set('annualFee', 12.5);
			await waitFor(() => regular().get('annualFee') === 60_000_000, {
				what: 'float fee put back'
			});
			a.doc.getMap('config').set('memberNoFormat', 'no placeholder');
			a.doc.getMap('config').set('currency', 'CNY');
			await waitFor(() => a.doc.getMap('config').get('currency') === 'CNY');
			await waitFor(() => a.doc.getMap('config').get('memberNoFormat') !== 'no placeholder', {
				what: 'format put back'
			});
			a.doc.getMap('tiers').delete('regular');
			await waitFor(() => regular() instanceof Y.Map && onServer() !== undefined, {
				what: 'tier restored'
			});
			expect(onServer()?.annualFee).toBe(60_000_000);
		} finally {
			a.doc.getMap('config').set('currency', 'IRR');
			a.destroy();
		}
	});

	it('[J5] staff can read the settings but not change them', async () => {
		const c = await connect(server, staff.cookie, { room: 'default/settings' });
		try {
			c.doc.getMap('config').set('lapseGraceDays', 1);
			await waitFor(() => c.denied.length > 0);
			expect(
				server.app.rooms.get('default/settings')!.doc.getMap('config').get('lapseGraceDays')
			).toBe(90);
		} finally {
			c.destroy();
		}
	});
});

describe('replacing a row', () => {
	it('[J1] a verified or active row cannot be deleted or replaced to skip the commands', async () => {
		const id = await applicant('Replace Me');
		client.doc.transact(() => {
			client.members().delete(id);
			const fresh = new Y.Map<unknown>();
			client.members().set(id, fresh);
			fresh.set('name', 'Replace Me');
			fresh.set('status', 'active');
		});
		await waitFor(() => client.members().get(id)?.get('status') === 'verified', {
			what: 'row restored'
		});
		expect(memberOnServer(id)).toMatchObject({ status: 'verified', verifyNote: 'licence seen' });
	});
});

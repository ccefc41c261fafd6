/**
 * Live reports on a real server: board access, what the reports copy holds, the
 * debounced recomputation, the history read back from the log after a restart, and
 * the reports API.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newRowId } from '../../src/lib/domain/text';
import { periodContaining, dayOf } from '../../src/lib/domain/report';
import {
	addRow,
	api,
	connect,
	createUser,
	login,
	loginAdmin,
	PASSWORD,
	removeDir,
	startTestServer,
	upgradeStatus,
	waitFor,
	type Client,
	type TestServer,
	type TestUser
} from './helpers';

const REPORTS = 'default/reports';
let server: TestServer;
let admin: string;
let staff: TestUser;
let board: TestUser;
const clients: Client[] = [];

const today = dayOf(Date.now());
const thisMonth = periodContaining('month', today);

function sectionsOf(doc: Y.Doc, key: string): Record<string, unknown> | null {
	const row = doc.getMap('periods').get(key);
	if (!(row instanceof Y.Map)) return null;
	return JSON.parse(String(row.get('sections')));
}
const summary = (doc: Y.Doc, key = thisMonth.key) =>
	sectionsOf(doc, key)?.['members.summary'] as { joined: number; end: number } | undefined;

async function start(dataDir?: string) {
	server = await startTestServer({
		dataDir,
		// A long max wait: a burst of edits must end in exactly one recomputation.
		tuning: { reportsDebounceMs: 150, reportsMaxWaitMs: 60_000 }
	});
	await waitFor(() => server.app.reports.org('default')?.historyReady, { what: 'history read' });
}

beforeAll(async () => {
	await start();
	admin = await loginAdmin(server);
	staff = await createUser(server, admin, ['staff']);
	board = await createUser(server, admin, ['board']);
});

afterAll(async () => {
	for (const c of clients) c.destroy();
	await server.close();
	removeDir(server.dataDir);
});

async function client(cookie: string, room: string) {
	const c = await connect(server, cookie, { room });
	clients.push(c);
	return c;
}

describe('board access', () => {
	it('[RP1] a board connection to registry (or ledger, surveys, settings) is refused; reports is allowed', async () => {
		for (const doc of ['registry', 'ledger', 'surveys', 'settings'])
			expect(
				await upgradeStatus(server, { cookie: board.cookie, path: `/sync/default/${doc}` })
			).toBe(403);
		expect(await upgradeStatus(server, { cookie: board.cookie, path: `/sync/${REPORTS}` })).toBe(
			101
		);
	});

	it('[RP2] nobody writes the reports doc but the server', async () => {
		const a = await client(admin, REPORTS);
		a.doc.getMap('meta').set('computedAt', 'forged');
		await waitFor(() => a.denied.length > 0);
		expect(server.app.rooms.get(REPORTS)?.doc.getMap('meta').get('computedAt')).not.toBe('forged');
	});
});

describe('live recomputation', () => {
	it('[RP3] staff edits land in the board copy without contact details; a burst is computed once', async () => {
		const b = await client(board.cookie, REPORTS);
		await waitFor(() => summary(b.doc) !== undefined, { what: 'first report' });
		const before = summary(b.doc)!;
		const org = server.app.reports.org('default')!;
		const computations = org.computations;

		const s = await client(staff.cookie, 'default/registry');
		const ids: string[] = [];
		for (let i = 0; i < 20; i++) {
			ids.push(
				addRow(s.doc, newRowId(), {
					name: `Burst Co ${i}`,
					status: 'active',
					joinDate: today,
					region: 'Tehran',
					category: 'Forging',
					phone: `+98 21 5550 ${String(1000 + i)}`,
					email: `contact${i}@burst.example`,
					address: `Secret Street ${i}`,
					legalRep: `Head Person ${i}`,
					website: 'https://burst.example'
				})
			);
		}
		await waitFor(() => summary(b.doc)?.joined === before.joined + 20, {
			what: 'the board copy shows 20 new members',
			timeout: 10_000
		});
		expect(org.computations).toBe(computations + 1);

		const newList = sectionsOf(b.doc, thisMonth.key)!['members.new'] as {
			list: Record<string, string>[];
		};
		expect(newList.list.find((m) => m.name === 'Burst Co 3')).toEqual({
			name: 'Burst Co 3',
			region: 'Tehran',
			category: 'Forging',
			joined: today
		});
		const everything = JSON.stringify(b.doc.toJSON());
		for (const secret of ['5550', 'burst.example', 'Secret Street', 'Head Person', '@'])
			expect(everything).not.toContain(secret);

		// A later change of status shows as a leaver (moves are server commands, [J1]).
		const moved = await api(server, 'POST', '/api/default/commands', {
			cookie: staff.cookie,
			body: { id: randomUUID(), type: 'move', rowId: ids[0], to: 'resigned' }
		});
		expect(moved.status).toBe(200);
		await waitFor(
			() =>
				(sectionsOf(b.doc, thisMonth.key)!['members.summary'] as { resigned: number }).resigned >=
				1,
			{ what: 'resigned counted' }
		);
	});

	it('[RP4] the change list (staff only) comes from the log and survives a restart', async () => {
		const s = await client(staff.cookie, 'default/registry');
		// An existing member (joined last year) changes address today.
		const id = addRow(s.doc, newRowId(), {
			name: 'Old Member Co',
			status: 'active',
			joinDate: `${Number(today.slice(0, 4)) - 1}-01-15`,
			address: 'Before 1'
		});
		await waitFor(() => server.app.rooms.get('default/registry')?.doc.getMap('members').has(id));
		s.members().get(id)!.set('address', 'After 2');
		const q = `?from=${thisMonth.from}&to=${thisMonth.to}`;
		const find = async (cookie: string) => {
			const r = await api(server, 'GET', `/api/reports/default/changes${q}`, { cookie });
			return r.body.entries?.find((e: { memberId: string; kind: string }) => e.memberId === id);
		};
		await waitFor(() => find(staff.cookie), { what: 'change listed' });
		expect(await find(staff.cookie)).toMatchObject({
			kind: 'changed',
			field: 'address',
			old: 'Before 1',
			value: 'After 2',
			name: 'Old Member Co'
		});
		expect(
			(await api(server, 'GET', `/api/reports/default/changes${q}`, { cookie: board.cookie }))
				.status
		).toBe(403);
		expect(
			(
				await api(server, 'GET', `/api/reports/default/changes?from=x&to=y`, {
					cookie: staff.cookie
				})
			).status
		).toBe(400);
		expect(
			(await api(server, 'GET', `/api/reports/other/changes${q}`, { cookie: staff.cookie })).status
		).toBe(403);

		for (const c of clients.splice(0)) c.destroy();
		const dataDir = server.dataDir;
		await server.close();
		await start(dataDir);
		staff.cookie = await login(server, staff.username, PASSWORD);
		expect(await find(staff.cookie)).toMatchObject({ old: 'Before 1', value: 'After 2' });
	});

	it('[RP5] a custom period is computed on request with the one before it', async () => {
		board.cookie = await login(server, board.username, PASSWORD);
		const r = await api(
			server,
			'GET',
			`/api/reports/default/compare?from=${thisMonth.from}&to=${today}`,
			{
				cookie: board.cookie
			}
		);
		expect(r.status).toBe(200);
		expect(r.body.current.sections['members.summary'].joined).toBeGreaterThanOrEqual(20);
		expect(r.body.previous.period.to).toBe(dayOf(Date.parse(thisMonth.from) - 86_400_000));
		expect(JSON.stringify(r.body)).not.toContain('burst.example');
	});
});

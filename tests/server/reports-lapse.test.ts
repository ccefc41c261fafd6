/**
 * The membership figures of past periods after a lapse, on a real server: a member
 * approved with an earlier join date and lapsed the same day keeps counting from its
 * join date (report-members.ts: "from the day it joined to the day it left").
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRowId } from '../../src/lib/domain/text';
import { dayOf, periodContaining } from '../../src/lib/domain/report';
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
	REGISTRY,
	type TestServer,
	type TestUser
} from './helpers';

let server: TestServer;
let admin: string;
let staff: TestUser;
let approver: TestUser;
let board: TestUser;
let client: Client;

const command = (user: { cookie: string }, body: Record<string, unknown>) =>
	api(server, 'POST', `/api/default/commands`, { cookie: user.cookie, body });

beforeAll(async () => {
	server = await startTestServer({ tuning: { reportsDebounceMs: 50, reportsMaxWaitMs: 1000 } });
	await waitFor(() => server.app.reports.org('default')?.historyReady, { what: 'history read' });
	admin = await loginAdmin(server);
	staff = await createUser(server, admin, ['staff']);
	approver = await createUser(server, admin, ['approver']);
	board = await createUser(server, admin, ['board']);
	client = await connect(server, staff.cookie);
});
afterAll(async () => {
	client.destroy();
	await server.close();
	removeDir(server.dataDir);
});

const summaryOf = async (from: string, to: string) => {
	const r = await api(server, 'GET', `/api/reports/default/compare?from=${from}&to=${to}`, {
		cookie: board.cookie
	});
	expect(r.status, JSON.stringify(r.body)).toBe(200);
	return r.body.current.sections['members.summary'];
};

describe('a member lapsed from /ledger/lapse', () => {
	it('[RP5] still counts in the past periods it was a member in; the month adds up', async () => {
		const id = addRow(client.doc, newRowId(), {
			name: 'Pars Tile',
			status: 'inquiry',
			joinDate: '2025-10-04',
			region: 'Tehran',
			language: 'fa'
		});
		await waitFor(() => server.app.rooms.get(REGISTRY)!.doc.getMap('members').has(id));
		const steps: [TestUser, Record<string, unknown>][] = [
			[staff, { type: 'move', rowId: id, to: 'applicant' }],
			[
				staff,
				{
					type: 'verify',
					rowId: id,
					met: ['statutes', 'industry', 'registration', 'form'],
					note: ''
				}
			],
			[approver, { type: 'approve', rowId: id, tier: 'regular', category: 'supplier' }]
		];
		for (const [who, body] of steps) {
			const r = await command(who, { id: randomUUID(), ...body });
			expect(r.status, JSON.stringify(r.body)).toBe(200);
		}
		const past = await summaryOf('2025-11-01', '2025-11-30');
		expect(past).toMatchObject({ start: 1, end: 1 });

		// The same day, as the lapse page does it.
		const r = await command(staff, {
			id: randomUUID(),
			type: 'move',
			rowId: id,
			to: 'lapsed',
			reason: 'unpaid'
		});
		expect(r.status, JSON.stringify(r.body)).toBe(200);
		expect(await summaryOf('2025-11-01', '2025-11-30')).toEqual(past);
		const today = dayOf(Date.now());
		const now = await summaryOf(periodContaining('month', today).from, today);
		expect(now).toMatchObject({ start: 1, joined: 0, lapsed: 1, end: 0 });
	});
});

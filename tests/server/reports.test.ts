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
	sleep,
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

/** What the approve command does to a row: status active, join date (as the server). */
async function activate(ids: string[], joinDate: string) {
	await waitFor(() => {
		const m = server.app.rooms.get('default/registry')?.doc.getMap('members');
		return m && ids.every((id) => m.has(id));
	});
	await server.app.rooms.withRoom('default/registry', (room) =>
		room.transactAsServer((doc) => {
			const members = doc.getMap<Y.Map<unknown>>('members');
			for (const id of ids) {
				members.get(id)!.set('status', 'active');
				members.get(id)!.set('joinDate', joinDate);
			}
		})
	);
}

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

		// Staff enter 20 applicants with contact details; the approver's command (here
		// written as the server, as the command does) makes them members today.
		const s = await client(staff.cookie, 'default/registry');
		const ids: string[] = [];
		for (let i = 0; i < 20; i++) {
			ids.push(
				addRow(s.doc, newRowId(), {
					name: `Burst Co ${i}`,
					status: 'applicant',
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
		await activate(ids, today);
		await waitFor(() => summary(b.doc)?.joined === before.joined + 20, {
			what: 'the board copy shows 20 new members',
			timeout: 10_000
		});
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
		for (const secret of ['21 5550', 'burst.example', 'Secret Street', 'Head Person', '@', ids[0]])
			expect(everything).not.toContain(secret);

		// A burst of 20 staff edits: one recomputation.
		await waitFor(() => org.idle, { what: 'reports idle' });
		const computations = org.computations;
		for (const id of ids) s.members().get(id)!.set('region', 'Isfahan');
		const isfahan = () =>
			(
				sectionsOf(b.doc, thisMonth.key)!['members.distribution'] as {
					region: { key: string; count: number }[];
				}
			).region.find((r) => r.key === 'Isfahan')?.count;
		await waitFor(() => isfahan() === 20, { what: 'the 20 edits in the board copy' });
		expect(org.computations).toBe(computations + 1);

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

	it('[RP13] an edit of free text only (notes: no report reads it) asks for no recomputation', async () => {
		const org = server.app.reports.org('default')!;
		const s = await client(staff.cookie, 'default/registry');
		const id = addRow(s.doc, newRowId(), { name: 'Quiet Co', status: 'applicant', region: 'Qom' });
		const onServer = () =>
			server.app.rooms.get('default/registry')!.doc.getMap<Y.Map<unknown>>('members').get(id);
		await waitFor(() => onServer() !== undefined && org.idle, { what: 'the new row reported' });
		const computations = org.computations;

		s.members().get(id)!.set('notes', 'Called on Monday; send the brochure');
		await waitFor(() => onServer()?.get('notes') !== undefined, {
			what: 'the notes on the server'
		});
		// A change of a reported field would have started the debounce timer by now.
		expect(org.idle).toBe(true);
		// Nor is it kept in the reports' history of changes.
		const kept = org.history.filter((e) => e.rowId === id).map((e) => e.field);
		expect(kept).toContain('region');
		expect(kept).not.toContain('notes');
		await sleep(500);
		expect(org.computations).toBe(computations);

		s.members().get(id)!.set('region', 'Tabriz');
		await waitFor(() => org.computations === computations + 1 && org.idle, {
			what: 'a region edit recomputed'
		});
	});

	it('[RP7] the reports doc holds the standard periods of both calendars, Solar Hijri keyed jm/jq/jy', async () => {
		const b = await client(board.cookie, REPORTS);
		const org = server.app.reports.org('default')!;
		const persian = (['month', 'quarter', 'year'] as const).map((k) =>
			periodContaining(k, today, 'persian')
		);
		await waitFor(() => persian.every((p) => sectionsOf(b.doc, p.key) !== null), {
			what: 'Solar Hijri periods in the board copy'
		});
		const rows = b.doc.getMap<Y.Map<unknown>>('periods');
		for (const p of persian) {
			expect(p.key).toMatch(/^j[mqy]:14\d\d(-\d{1,2})?$/);
			const row = rows.get(p.key)!;
			expect({ kind: row.get('kind'), from: row.get('from'), to: row.get('to') }).toEqual({
				kind: p.kind,
				from: p.from,
				to: p.to
			});
			// The current periods of both calendars end after today: the same members.
			expect(summary(b.doc, p.key)!.end).toBe(summary(b.doc)!.end);
		}
		// The existing Gregorian keys are still there; 28 periods per calendar.
		expect(rows.has(thisMonth.key)).toBe(true);
		expect([...rows.keys()].filter((k) => k.startsWith('j'))).toHaveLength(28);
		expect(rows.size).toBe(56);
		await waitFor(() => org.idle && org.lastStats !== null, { what: 'reports idle' });
		expect(org.lastStats!.periods).toBe(56);
	});

	it('[RP4] the change list (staff only) comes from the log and survives a restart', async () => {
		const s = await client(staff.cookie, 'default/registry');
		// An existing member (joined last year) changes address today.
		const id = addRow(s.doc, newRowId(), {
			name: 'Old Member Co',
			status: 'applicant',
			address: 'Before 1'
		});
		await activate([id], `${Number(today.slice(0, 4)) - 1}-01-15`);
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

	it('[RP6] ledger edits land in the dues figures and the scorecard', async () => {
		const finance = await createUser(server, admin, ['finance']);
		const b = await client(board.cookie, REPORTS);
		const f = await client(finance.cookie, 'default/ledger');
		const dues = () =>
			sectionsOf(b.doc, thisMonth.key)?.['dues.summary'] as
				{ billed: number; collected: number; rateBp: number | null } | undefined;
		const memberId = newRowId();
		f.doc.transact(() => {
			const entries = f.doc.getMap('entries');
			for (const [id, fields] of [
				[newRowId(), { memberId, kind: 'charge', amount: 120_000, date: today, posted: true }],
				[
					newRowId(),
					{
						memberId,
						kind: 'payment',
						amount: 30_000,
						date: today,
						posted: true,
						method: 'bankTransfer'
					}
				]
			] as const) {
				const row = new Y.Map<unknown>();
				entries.set(id, row);
				for (const [k, v] of Object.entries(fields)) row.set(k, v);
			}
		});
		await waitFor(() => dues()?.billed === 120_000, { what: 'dues in the board copy' });
		// 30,000 of the 120,000 charged this month is paid: 25 %.
		expect(dues()).toMatchObject({ billed: 120_000, collected: 30_000, rateBp: 2500 });
		const items = (
			sectionsOf(b.doc, thisMonth.key)!.scorecard as { items: { id: string; value: number }[] }
		).items;
		expect(items.find((i) => i.id === 'duesCollectionRate')?.value).toBe(0.25);
		expect(JSON.stringify(b.doc.toJSON())).not.toContain(memberId);
	});

	it('[L16] money paid back lands in the board’s dues figures as refunded, beside collected', async () => {
		const finance = await createUser(server, admin, ['finance']);
		const b = await client(board.cookie, REPORTS);
		const f = await client(finance.cookie, 'default/ledger');
		type Dues = { billed: number; collected: number; refunded?: number; rateBp: number | null };
		const dues = () => sectionsOf(b.doc, thisMonth.key)?.['dues.summary'] as Dues | undefined;
		await waitFor(() => summary(b.doc) !== undefined, { what: 'first report' });
		const before = dues() ?? { billed: 0, collected: 0, refunded: 0, rateBp: null };
		const memberId = newRowId();
		// Charged 100,000, paid 170,000: 70,000 of credit, paid back by bank transfer.
		f.doc.transact(() => {
			const entries = f.doc.getMap('entries');
			for (const fields of [
				{ kind: 'charge', amount: 100_000 },
				{ kind: 'payment', amount: 170_000, method: 'bankTransfer' },
				{ kind: 'refund', amount: 70_000, method: 'bankTransfer' }
			]) {
				const row = new Y.Map<unknown>();
				entries.set(newRowId(), row);
				for (const [k, v] of Object.entries({ memberId, date: today, posted: true, ...fields }))
					row.set(k, v);
			}
		});
		await waitFor(() => dues()?.billed === before.billed + 100_000, { what: 'the charge' });
		expect(dues()).toMatchObject({
			billed: before.billed + 100_000,
			collected: before.collected + 170_000,
			refunded: (before.refunded ?? 0) + 70_000
		});
		expect(JSON.stringify(b.doc.toJSON())).not.toContain(memberId);
	});

	it("[L4][RP6] after a real merge the dues figures settle the merged record's charge with its survivor's payment", async () => {
		const finance = await createUser(server, admin, ['finance']);
		const b = await client(board.cookie, REPORTS);
		const f = await client(finance.cookie, 'default/ledger');
		const reg = await client(staff.cookie, 'default/registry');
		const outstanding = () =>
			(sectionsOf(b.doc, thisMonth.key)?.['dues.summary'] as { outstanding: number } | undefined)
				?.outstanding;
		await waitFor(() => summary(b.doc) !== undefined, { what: 'first report' });
		// Without any entry yet there is no dues section: nothing outstanding.
		const before = outstanding() ?? 0;
		const keep = addRow(reg.doc, newRowId(), { name: 'Merge Dues Co', status: 'applicant' });
		const gone = addRow(reg.doc, newRowId(), { name: 'Merge Dues Company', status: 'applicant' });
		const post = (memberId: string, kind: string, amount: number) =>
			f.doc.transact(() => {
				const row = new Y.Map<unknown>();
				f.doc.getMap('entries').set(newRowId(), row);
				const fields = { memberId, kind, amount, date: today, posted: true, method: 'cash' };
				for (const [k, v] of Object.entries(fields))
					if (k !== 'method' || kind === 'payment') row.set(k, v);
			});
		// The company was charged on one record and paid on the other: two members, one in debt.
		post(gone, 'charge', 50_000);
		post(keep, 'payment', 50_000);
		await waitFor(() => outstanding() === before + 50_000, { what: 'the debt of one record' });

		const merged = await api(server, 'POST', '/api/default/members/merge', {
			cookie: staff.cookie,
			body: { survivorId: keep, mergedId: gone }
		});
		expect(merged.status).toBe(200);
		// The merge alone (a registry change) settles it: one company, nothing owed.
		await waitFor(() => outstanding() === before, { what: 'the merge in the dues figures' });

		// After the merge: a charge on the survivor, paid by a payment recorded for the merged
		// record (a device that had not seen the merge).
		post(keep, 'charge', 20_000);
		await waitFor(() => outstanding() === before + 20_000, { what: 'the new charge' });
		post(gone, 'payment', 20_000);
		await waitFor(() => outstanding() === before, { what: 'the late payment settling it' });
	});

	it('[RP14] the reports publish the fiscal calendar and the member-number format for readers without the settings; the change list carries the printed number', async () => {
		const b = await client(board.cookie, REPORTS);
		const a = await client(admin, 'default/settings');
		const meta = () => b.doc.getMap('meta');
		await waitFor(() => meta().get('fiscalCalendar') === 'gregory', {
			what: 'the default calendar published'
		});
		expect(meta().get('memberNoFormat')).toBe('{n:5}');
		const config = a.doc.getMap('config');
		config.set('fiscalCalendar', 'persian');
		config.set('memberNoFormat', 'GH-{n:5}');
		await waitFor(
			() =>
				meta().get('fiscalCalendar') === 'persian' && meta().get('memberNoFormat') === 'GH-{n:5}',
			{ what: 'the settings in the board copy' }
		);
		// The board reads them there, never in the settings doc.
		expect(
			await upgradeStatus(server, { cookie: board.cookie, path: '/sync/default/settings' })
		).toBe(403);

		// A member with the number the approval printed (written as the server, as approve does).
		const s = await client(staff.cookie, 'default/registry');
		const id = addRow(s.doc, newRowId(), { name: 'Printed No Co', status: 'applicant' });
		await activate([id], `${Number(today.slice(0, 4)) - 1}-02-01`);
		await server.app.rooms.withRoom('default/registry', (room) =>
			room.transactAsServer((doc) => {
				const row = doc.getMap<Y.Map<unknown>>('members').get(id)!;
				row.set('memberNo', 4242);
				row.set('certificateNo', 'TA-04242');
			})
		);
		s.members().get(id)!.set('address', 'New Street 9');
		const q = `?from=${thisMonth.from}&to=${thisMonth.to}`;
		const entry = async () =>
			(
				await api(server, 'GET', `/api/reports/default/changes${q}`, { cookie: staff.cookie })
			).body.entries?.find((e: { memberId: string }) => e.memberId === id);
		await waitFor(entry, { what: 'the change listed' });
		expect(await entry()).toMatchObject({ memberNo: 4242, certificateNo: 'TA-04242' });

		config.set('fiscalCalendar', 'gregory');
		config.set('memberNoFormat', '{n:5}');
		await waitFor(() => meta().get('fiscalCalendar') === 'gregory', { what: 'back to Gregorian' });
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

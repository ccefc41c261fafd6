/**
 * The reports of many organisations on one server: one recomputation at a time, each
 * organisation once per burst, the lag in the stats, and an edit no report reads
 * writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newRowId } from '../../src/lib/domain/text';
import { dayOf, periodContaining } from '../../src/lib/domain/report';
import { removeDir, startTestServer, waitFor, type TestServer } from './helpers';

const ORGS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
const today = dayOf(Date.now());
const month = periodContaining('month', today).key;
let server: TestServer;

const org = (name: string) => server.app.reports.org(name)!;

async function monthSummary(name: string): Promise<{ end: number; joined: number } | undefined> {
	return server.app.rooms.withRoom(`${name}/reports`, (room) => {
		const row = room.doc.getMap('periods').get(month);
		if (!(row instanceof Y.Map)) return undefined;
		return JSON.parse(String(row.get('sections')))['members.summary'];
	});
}

const computedAt = (name: string) =>
	server.app.rooms.withRoom(`${name}/reports`, (room) => room.doc.getMap('meta').get('computedAt'));

/** As the approve command writes it: a member who joined today. */
async function addMember(name: string, id: string) {
	await server.app.rooms.withRoom(`${name}/registry`, (room) =>
		room.transactAsServer((doc) => {
			const row = new Y.Map<unknown>();
			doc.getMap('members').set(id, row);
			row.set('name', `Member of ${name}`);
			row.set('status', 'active');
			row.set('region', 'North');
			row.set('joinDate', today);
		})
	);
}

beforeAll(async () => {
	server = await startTestServer({ tuning: { reportsDebounceMs: 50, reportsMaxWaitMs: 200 } });
	for (const name of ORGS) {
		await server.app.store.ensureOrg(name);
		await server.app.reports.startOrg(name);
	}
	await waitFor(() => ORGS.every((n) => org(n).historyReady && org(n).idle), {
		what: 'every organisation reported once'
	});
});

afterAll(async () => {
	await server.close();
	removeDir(server.dataDir);
});

describe('reports of many organisations', () => {
	const ids = new Map(ORGS.map((n) => [n, newRowId()]));

	it('[RP11] edits in every organisation at once: one recomputation at a time, each organisation once, lag in the stats', async () => {
		const before = new Map(ORGS.map((n) => [n, org(n).computations]));
		await Promise.all(ORGS.map((n) => addMember(n, ids.get(n)!)));
		await waitFor(() => ORGS.every((n) => org(n).computations > before.get(n)! && org(n).idle), {
			what: 'every organisation recomputed',
			timeout: 20_000
		});
		for (const n of ORGS) expect((await monthSummary(n))?.joined).toBe(1);
		for (const n of ORGS) {
			expect(org(n).computations).toBe(before.get(n)! + 1);
			const stats = org(n).lastStats!;
			expect(stats.lagMs).toBeGreaterThanOrEqual(0);
			expect(stats.written).toBeGreaterThan(0);
		}
		expect(server.app.reports.stats().maxConcurrent).toBe(1);
	});

	it('[RP12] an edit that moves no figure serialises and writes nothing', async () => {
		const o = org('alpha');
		const at = await computedAt('alpha');
		const before = o.computations;
		// The member's document language: not free text (so not UNREPORTED_FIELDS, which
		// would ask for no recomputation at all), but no section counts it.
		await server.app.rooms.withRoom('alpha/registry', (room) =>
			room.transactAsServer((doc) => {
				(doc.getMap('members').get(ids.get('alpha')!) as Y.Map<unknown>).set('language', 'zh');
			})
		);
		await waitFor(() => o.computations > before && o.idle, { what: 'recomputed' });
		expect(o.lastStats).toMatchObject({ serialised: 0, written: 0, liveUpdates: 1 });
		expect(await computedAt('alpha')).toBe(at);
		// A field the reports do read: only then a period is written again.
		await server.app.rooms.withRoom('alpha/registry', (room) =>
			room.transactAsServer((doc) => {
				(doc.getMap('members').get(ids.get('alpha')!) as Y.Map<unknown>).set('region', 'South');
			})
		);
		await waitFor(() => o.computations > before + 1 && o.idle, { what: 'recomputed again' });
		expect(o.lastStats!.written).toBeGreaterThan(0);
	});

	it('a busy organisation keeps its reports room between writes: no snapshot at every recomputation', async () => {
		const name = 'bravo';
		const stored = () => server.app.store.loadRoom(`${name}/reports`);
		const first = await stored();
		for (let i = 0; i < 3; i++) {
			const before = org(name).computations;
			await addMember(name, newRowId());
			await waitFor(() => org(name).computations > before && org(name).idle, {
				what: `recomputation ${i + 1}`
			});
			expect(org(name).lastStats!.written).toBeGreaterThan(0);
		}
		// A snapshot, were one asked for, is written by the store's thread: give it time.
		await new Promise((r) => setTimeout(r, 500));
		const now = await stored();
		expect(now.snapshot?.upToSeq).toBe(first.snapshot?.upToSeq);
		expect(now.updates.length).toBeGreaterThanOrEqual(first.updates.length + 3);
	});
});

/**
 * The members area kept up to date row by row (LiveMembers) against a computation from
 * scratch: seeded random edits of members, contact persons, participation records,
 * ledger entries, settings and history, and after each batch every standard period
 * (and a custom one) must be the same, section by section and as JSON.
 */
import { describe, expect, it } from 'vitest';
import type { DocName } from '../../src/lib/domain/access';
import {
	customPeriod,
	standardPeriods,
	type Cell,
	type HistoryEvent,
	type ReportInputs,
	type Row,
	type SourceChanges
} from '../../src/lib/domain/report';
import { LiveMembers } from '../../src/lib/domain/report-members-live';
import { MEMBER_SECTION_FNS, prepareMembers } from '../../src/lib/domain/report-members';
import { mulberry32 } from '../prng';

const TODAY = '2026-11-15';
const START = Date.parse('2024-01-01T00:00:00Z');
const END = Date.parse('2026-11-15T12:00:00Z');

/** Source docs as the server's caches hold them, with what changed since the last update. */
class Sources {
	readonly docs = new Map<DocName, Map<string, Map<string, Row>>>();
	readonly config = new Map<string, Cell>();
	history: HistoryEvent[] = [];
	historyReady = true;
	private changed = new Map<DocName, Map<string, Set<string>>>();
	private valuesChanged = new Set<DocName>();
	private seen = 0;
	private all = false;

	table(doc: DocName, table: string): Map<string, Row> {
		let d = this.docs.get(doc);
		if (!d) this.docs.set(doc, (d = new Map()));
		let t = d.get(table);
		if (!t) d.set(table, (t = new Map()));
		return t;
	}

	set(doc: DocName, table: string, row: Row | null, id = row?.id) {
		if (!id) throw new Error('row id');
		if (row) this.table(doc, table).set(id, row);
		else this.table(doc, table).delete(id);
		let d = this.changed.get(doc);
		if (!d) this.changed.set(doc, (d = new Map()));
		let s = d.get(table);
		if (!s) d.set(table, (s = new Set()));
		s.add(id);
	}

	setConfig(key: string, v: Cell) {
		this.config.set(key, v);
		this.valuesChanged.add('settings');
	}

	/** The history was read again (as after the log replay): a new list. */
	resetHistory(ready: boolean) {
		this.history = [...this.history];
		this.historyReady = ready;
		this.all = true;
	}

	inputs(): ReportInputs {
		const docs: ReportInputs['docs'] = {};
		for (const [doc, tables] of this.docs) {
			const out: Record<string, Row[]> = {};
			for (const [name, rows] of tables) if (rows.size) out[name] = [...rows.values()];
			docs[doc] = out;
		}
		return {
			today: TODAY,
			docs,
			values: { settings: { config: Object.fromEntries(this.config) } },
			history: this.history,
			historyReady: this.historyReady
		};
	}

	drain(): SourceChanges {
		const c: SourceChanges = {
			all: this.all,
			rows: Object.fromEntries(this.changed),
			values: this.valuesChanged,
			historyFrom: this.all ? 0 : this.seen,
			history: this.history,
			historyReady: this.historyReady,
			table: (doc, table) => this.table(doc, table)
		};
		this.changed = new Map();
		this.valuesChanged = new Set();
		this.seen = this.history.length;
		this.all = false;
		return c;
	}
}

const STATUSES = ['applicant', 'active', 'active', 'active', 'lapsed', 'resigned', 'removed'];
const REGIONS = ['North', 'South', 'East', 'تهران', '上海'];
const TIERS = ['gold', 'silver', 'basic'];
const NAMES = ['Alpha', 'Beta', 'Gamma', 'Delta', 'Alpha'];
const BASIC = ['name', 'address', 'phone', 'email', 'website', 'legalRep', 'notes'];

function scenario(seed: number, steps: number) {
	const r = mulberry32(seed);
	const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
	const day = () => new Date(START + Math.floor(r() * (END - START))).toISOString().slice(0, 10);
	const at = () => START + Math.floor(r() * (END - START));
	const src = new Sources();
	let n = 0;
	const id = (p: string) => `${p}${String(++n).padStart(8, '0')}`;
	const members: string[] = [];
	const contacts: string[] = [];
	const activities: string[] = [];
	const entries: string[] = [];
	const event = (e: Partial<HistoryEvent> & Pick<HistoryEvent, 'table' | 'rowId' | 'field'>) =>
		src.history.push({
			at: at(),
			value: null,
			old: null,
			userId: 1,
			created: false,
			...e
		});

	const ops: (() => void)[] = [
		// A new member (or applicant), with its creation in the history.
		() => {
			const m = id('mem');
			members.push(m);
			const row: Record<string, Cell> = {
				id: m,
				name: pick(NAMES),
				status: pick(STATUSES),
				region: pick(REGIONS),
				tier: pick(TIERS),
				category: pick(['food', 'steel']),
				enterpriseType: pick(['private', 'public']),
				size: pick(['small', 'large'])
			};
			if (r() < 0.7) row.joinDate = day();
			else if (r() < 0.5) row.createdAt = new Date(at()).toISOString();
			src.set('registry', 'members', row as Row);
			for (const [field, value] of Object.entries(row))
				if (field !== 'id') event({ table: 'members', rowId: m, field, value, created: true });
		},
		// A field of a member changes (status with its history, basic information, others).
		() => {
			if (!members.length) return;
			const m = pick(members);
			const row = src.table('registry', 'members').get(m);
			if (!row) return;
			const field = pick(['status', 'status', 'region', 'tier', 'joinDate', ...BASIC]);
			const value: Cell =
				field === 'status'
					? pick(STATUSES)
					: field === 'region'
						? pick(REGIONS)
						: field === 'tier'
							? pick(TIERS)
							: field === 'joinDate'
								? day()
								: `${field} ${n++}`;
			src.set('registry', 'members', { ...row, [field]: value });
			event({ table: 'members', rowId: m, field, value, old: row[field] ?? null });
		},
		// A member row is deleted.
		() => {
			if (members.length && r() < 0.3) src.set('registry', 'members', null, pick(members));
		},
		// A contact person is added, edited or moves to another member.
		() => {
			if (!members.length) return;
			if (!contacts.length || r() < 0.5) {
				const c = id('con');
				contacts.push(c);
				const memberId = pick(members);
				src.set('registry', 'contacts', { id: c, memberId, name: 'Ms. X' });
				event({ table: 'contacts', rowId: c, field: 'memberId', value: memberId, created: true });
				event({ table: 'contacts', rowId: c, field: 'name', value: 'Ms. X', created: true });
			} else {
				const c = pick(contacts);
				const row = src.table('registry', 'contacts').get(c);
				if (!row) return;
				if (r() < 0.3) {
					src.set('registry', 'contacts', { ...row, memberId: pick(members) });
				} else {
					const field = pick(['phone', 'email', 'role', 'note']);
					src.set('registry', 'contacts', { ...row, [field]: `v${n++}` });
					event({ table: 'contacts', rowId: c, field, value: `v${n}` });
				}
			}
		},
		// Participation records come and go.
		() => {
			if (!members.length) return;
			if (activities.length && r() < 0.3) {
				src.set('registry', 'activities', null, pick(activities));
				return;
			}
			const a = id('act');
			activities.push(a);
			src.set('registry', 'activities', { id: a, memberId: pick(members), date: day() });
		},
		// Ledger: charges, payments, reversals (posted or not), edits and deletions.
		() => {
			if (!members.length) return;
			const roll = r();
			if (entries.length && roll < 0.2) {
				src.set('ledger', 'entries', null, pick(entries));
				return;
			}
			if (entries.length && roll < 0.45) {
				const target = pick(entries);
				const t = src.table('ledger', 'entries').get(target);
				const e = id('ent');
				entries.push(e);
				src.set('ledger', 'entries', {
					id: e,
					// Mostly the same member; a reversal of another's entry still cancels it.
					memberId: typeof t?.memberId === 'string' && r() < 0.7 ? t.memberId : pick(members),
					kind: 'reversal',
					reversalOf: target,
					amount: 100,
					date: day(),
					posted: r() < 0.8
				});
				return;
			}
			if (entries.length && roll < 0.6) {
				const e = pick(entries);
				const row = src.table('ledger', 'entries').get(e);
				if (row) src.set('ledger', 'entries', { ...row, posted: !row.posted, date: day() });
				return;
			}
			const e = id('ent');
			entries.push(e);
			src.set('ledger', 'entries', {
				id: e,
				memberId: pick(members),
				kind: pick(['charge', 'payment', 'credit']),
				amount: 100,
				date: day(),
				posted: r() < 0.85
			});
		},
		// Status moves recorded by the commands (`moves`), and records merged away.
		() => {
			if (!members.length) return;
			if (r() < 0.15) {
				const m = pick(members);
				const row = src.table('registry', 'members').get(m);
				if (row) src.set('registry', 'members', { ...row, mergedInto: pick(members) });
				return;
			}
			const mv = id('mov');
			src.set('registry', 'moves', {
				id: mv,
				memberId: pick(members),
				from: pick(STATUSES),
				to: pick(STATUSES),
				at: new Date(at()).toISOString()
			});
		},
		// Settings: risk windows and labels.
		() => {
			if (r() < 0.5)
				src.setConfig(pick(['riskInactiveDays', 'lapseGraceDays']), pick([30, 90, 365]));
			else
				src.set('settings', 'tiers', {
					id: pick(TIERS),
					labelEn: `Tier ${n++}`,
					labelFa: 'سطح'
				});
		}
	];
	const weights = [6, 10, 1, 3, 3, 4, 3, 1];
	const weighted = weights.flatMap((w, i) => Array.from({ length: w }, () => ops[i]));

	const live = new LiveMembers();
	const periods = [...standardPeriods(TODAY)];
	const custom = customPeriod('2025-02-10', '2026-03-05');
	let compared = 0;
	const check = () => {
		const changes = src.drain();
		const steps = live.update(changes, () => src.inputs(), periods);
		while (!steps.next().done);
		const full = prepareMembers(src.inputs());
		// The units themselves (spans with their days of participation and payments) too,
		// not only the figures they add up to.
		const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
		expect([...live.prepared().spans].sort(byId)).toEqual([...full.spans].sort(byId));
		expect(live.prepared().undated).toBe(full.undated);
		for (const p of [...periods, custom]) {
			const expected = Object.fromEntries(
				Object.entries(MEMBER_SECTION_FNS).map(([sid, f]) => [sid, f(full, p)])
			);
			const got = live.compute(p);
			expect(got, `${p.key} after ${compared} batches`).toEqual(expected);
			expect(JSON.stringify(got)).toBe(JSON.stringify(expected));
		}
		compared++;
	};
	// A registry to start from, then batches of edits.
	for (let i = 0; i < 60; i++) weighted[0]();
	check();
	for (let s = 0; s < steps; s++) {
		const batch = 1 + Math.floor(r() * 4);
		for (let i = 0; i < batch; i++) pick(weighted)();
		if (r() < 0.02) src.resetHistory(r() < 0.9);
		check();
	}
	return { live, compared };
}

/** LiveMembers over `src`'s standard periods, brought up to date once; `run` again after edits. */
function liveOver(src: Sources) {
	const live = new LiveMembers();
	const periods = standardPeriods(TODAY);
	const run = () => {
		const steps = live.update(src.drain(), () => src.inputs(), periods);
		while (!steps.next().done);
	};
	run();
	return { live, periods, run };
}

describe('LiveMembers', () => {
	it('gives the figures of a computation from scratch after every batch of random edits', () => {
		for (const seed of [1, 2, 3]) {
			const { live, compared } = scenario(seed, 120);
			expect(compared).toBe(121);
			// Mostly member by member: full rebuilds only when everything may have moved.
			expect(live.unitsUpdated).toBeGreaterThan(100);
			expect(live.rebuilds).toBeLessThan(40);
		}
	});

	it('a section whose figures did not move comes back as the same object', () => {
		const src = new Sources();
		const mk = (id: string, joinDate: string) =>
			src.set('registry', 'members', {
				id,
				name: id,
				status: 'active',
				region: 'North',
				joinDate
			});
		mk('member01', '2026-11-02');
		mk('member02', '2020-01-01');
		const { live, periods, run } = liveOver(src);
		const before = periods.map((p) => live.compute(p));
		// A field no section reads: nothing is made again.
		src.set('registry', 'members', {
			...src.table('registry', 'members').get('member02')!,
			notes: 'x'
		});
		run();
		const after = periods.map((p) => live.compute(p));
		for (let i = 0; i < periods.length; i++)
			for (const id of Object.keys(before[i])) expect(after[i][id]).toBe(before[i][id]);
		// A new region for the member who joined in 2020: distributions move, new lists do not.
		src.set('registry', 'members', {
			...src.table('registry', 'members').get('member02')!,
			region: 'South'
		});
		run();
		const moved = periods.map((p) => live.compute(p));
		expect(moved[0]['members.distribution']).not.toBe(after[0]['members.distribution']);
		expect(moved[0]['members.new']).toBe(after[0]['members.new']);
		expect(live.rebuilds).toBe(1);
	});

	it("[L4] a merged record's payments and charges count for its survivor, row by row as from scratch", () => {
		const src = new Sources();
		const member = (id: string, extra: Record<string, Cell> = {}) =>
			src.set('registry', 'members', {
				id,
				name: id,
				status: 'active',
				region: 'North',
				joinDate: '2020-01-01',
				...extra
			});
		const entry = (id: string, memberId: string, kind: string, date: string) =>
			src.set('ledger', 'entries', { id, memberId, kind, amount: 100, date, posted: true });
		member('memberSurvivor1');
		member('memberMerged001');
		member('memberOther0001');
		// The merged record paid once, then was charged and never paid again.
		entry('entryPay0000001', 'memberMerged001', 'payment', '2025-01-05');
		entry('entryCharge0001', 'memberMerged001', 'charge', '2025-06-01');
		const { live, periods, run } = liveOver(src);
		const month = periods.find((p) => p.kind === 'month' && p.calendar === 'gregory')!;
		const same = () => {
			const full = prepareMembers(src.inputs());
			const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
			expect([...live.prepared().spans].sort(byId)).toEqual([...full.spans].sort(byId));
			for (const p of periods)
				expect(live.compute(p)['members.risk'], p.key).toEqual(
					MEMBER_SECTION_FNS['members.risk'](full, p)
				);
			const span = (id: string) => full.spans.find((x) => x.id === id);
			return { span, risk: live.compute(month)['members.risk'] as { paymentsStopped: number } };
		};
		expect(same().span('memberSurvivor1')?.payments).toBeUndefined();
		expect(same().risk.paymentsStopped).toBe(1);

		// Merged: its days are the survivor's; it is no member of its own any more.
		member('memberMerged001', { mergedInto: 'memberSurvivor1' });
		run();
		let now = same();
		expect(now.span('memberMerged001')).toBeUndefined();
		expect(now.span('memberSurvivor1')).toMatchObject({
			payments: ['2025-01-05'],
			charges: ['2025-06-01']
		});
		expect(now.risk.paymentsStopped).toBe(1);

		// The survivor merged in turn: both records' entries follow to the end of the chain.
		member('memberSurvivor1', { mergedInto: 'memberOther0001' });
		run();
		now = same();
		expect(now.span('memberOther0001')).toMatchObject({
			payments: ['2025-01-05'],
			charges: ['2025-06-01']
		});
		// A payment recorded for the first merged record after the merges (a device that had
		// not synced) is the live record's: its payments have not stopped.
		entry('entryPay0000002', 'memberMerged001', 'payment', TODAY);
		run();
		now = same();
		expect(now.span('memberOther0001')?.payments).toEqual(['2025-01-05', TODAY]);
		expect(now.risk.paymentsStopped).toBe(0);
	});

	it('an edit made today moves only the periods that hold today: past ones are not redone', () => {
		const src = new Sources();
		const row = { id: 'member01', name: 'Alpha', status: 'active', region: 'North' };
		src.set('registry', 'members', { ...row, joinDate: '2020-01-01' });
		const { live, periods, run } = liveOver(src);
		const before = periods.map((p) => live.compute(p));
		// The region changed today (as the server's history records it).
		src.history.push({
			table: 'members',
			rowId: 'member01',
			field: 'region',
			at: Date.parse(`${TODAY}T09:00:00Z`),
			value: 'South',
			old: 'North',
			userId: 1,
			created: false
		});
		src.set('registry', 'members', { ...row, region: 'South', joinDate: '2020-01-01' });
		run();
		expect(live.rebuilds).toBe(1);
		const holdsToday = (i: number) => periods[i].from <= TODAY && TODAY <= periods[i].to;
		expect(periods.filter((_, i) => holdsToday(i)).length).toBe(6);
		periods.forEach((p, i) => {
			const now = live.compute(p);
			const dist = now['members.distribution'] as { region: { key: string }[] };
			if (holdsToday(i)) {
				expect(
					dist.region.map((x) => x.key),
					p.key
				).toEqual(['South']);
				expect(dist, p.key).not.toBe(before[i]['members.distribution']);
			} else {
				// Not made again: the same objects as before the edit.
				for (const id of Object.keys(now)) expect(now[id], `${p.key} ${id}`).toBe(before[i][id]);
			}
		});
	});
});

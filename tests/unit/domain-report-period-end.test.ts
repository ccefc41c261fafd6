/**
 * Members counted with the attributes they had at the end of each period (status,
 * region, tier...), in both calendars. Every expected number is counted by hand in
 * the comments. Today is 2026-11-15.
 */
import { describe, expect, it } from 'vitest';
import {
	monthPeriod,
	persianQuarterPeriod,
	quarterPeriod,
	yearPeriod,
	type HistoryEvent,
	type ReportInputs,
	type Row
} from '../../src/lib/domain/report';
import {
	attrAt,
	distribution,
	memberOn,
	newMembers,
	prepareMembers,
	summarize
} from '../../src/lib/domain/report-members';
import { ev } from './report-fixtures';

const members: Row[] = [
	// X: moved North → South and regular → donor on 10 August (mid Q3), lapsed on
	// 12 October (after Q3's end).
	{
		id: 'memberX0',
		name: 'Xenon',
		status: 'lapsed',
		joinDate: '2025-01-10',
		region: 'South',
		tier: 'donor',
		size: 'small'
	},
	// Y: moved West → East on 3 November (in the current quarter); still a member.
	{
		id: 'memberY0',
		name: 'Yttrium',
		status: 'active',
		joinDate: '2024-05-01',
		region: 'East',
		tier: 'regular',
		size: 'large'
	},
	// Z: lapsed on 10 May, active again from 1 August (moves table only).
	{
		id: 'memberZ0',
		name: 'Zinc',
		status: 'active',
		joinDate: '2025-02-01',
		region: 'North',
		tier: 'regular',
		size: 'small'
	},
	// V: joined on 15 July (in Q3), record created that day.
	{
		id: 'memberV0',
		name: 'Vanadium',
		status: 'active',
		joinDate: '2026-07-15',
		region: 'North',
		tier: 'donor',
		size: 'medium'
	},
	// W: merged into Y: the same company, counted in no period.
	{
		id: 'memberW0',
		name: 'Yttrium (duplicate)',
		status: 'active',
		joinDate: '2025-01-01',
		region: 'West',
		tier: 'regular',
		mergedInto: 'memberY0'
	}
];

const move = (id: string, memberId: string, at: string, from: string, to: string): Row => ({
	id,
	memberId,
	from,
	to,
	at,
	byId: 2,
	by: 'Staff',
	command: 'move'
});
const moves: Row[] = [
	move('mv1', 'memberZ0', '2026-05-10T08:00:00.000Z', 'active', 'lapsed'),
	move('mv2', 'memberZ0', '2026-08-01T08:00:00.000Z', 'lapsed', 'active'),
	// X's lapse is both in the moves table and in the log: counted once.
	move('mv3', 'memberX0', '2026-10-12T08:00:00.000Z', 'active', 'lapsed')
];

const history: HistoryEvent[] = [
	ev('memberV0', 'region', '2026-07-15T09:00:00Z', 'North', null, true),
	ev('memberX0', 'region', '2026-08-10T09:00:00Z', 'South', 'North'),
	ev('memberX0', 'tier', '2026-08-10T09:01:00Z', 'donor', 'regular'),
	ev('memberX0', 'status', '2026-10-12T08:00:00.020Z', 'lapsed', 'active'),
	ev('memberY0', 'region', '2026-11-03T10:00:00Z', 'East', 'West')
];

const inputs: ReportInputs = {
	today: '2026-11-15',
	docs: { registry: { members, moves } },
	history,
	historyReady: true
};
const prep = prepareMembers(inputs);
const counts = (rows: { key: string; count: number }[]) =>
	Object.fromEntries(rows.map((r) => [r.key, r.count]));

describe('attributes at the end of a period', () => {
	it('a past quarter counts members by the values they had then', () => {
		// Q2 2026 ends 30 June: X (North, regular), Y (West, regular). Z lapsed on
		// 10 May; V not yet a member; W merged away.
		const d = distribution(prep, quarterPeriod(2026, 2));
		expect(d.total).toBe(2);
		expect(counts(d.region)).toEqual({ North: 1, West: 1 });
		expect(counts(d.tier)).toEqual({ regular: 2 });
		// Start (31 March): X, Y, Z = 3; Z lapsed in the quarter; X and Y retained.
		expect(summarize(prep, quarterPeriod(2026, 2))).toMatchObject({
			start: 3,
			end: 2,
			joined: 0,
			lapsed: 1,
			resigned: 0,
			retained: 2
		});
	});

	it('a change in the middle of a quarter counts by the value at its end', () => {
		// Q3 ends 30 September: X (South, donor: changed 10 August), Y (still West),
		// Z (North, active again since 1 August), V (North, donor).
		const d = distribution(prep, quarterPeriod(2026, 3));
		expect(d.total).toBe(4);
		expect(counts(d.region)).toEqual({ North: 2, South: 1, West: 1 });
		expect(counts(d.tier)).toEqual({ regular: 2, donor: 2 });
		expect(counts(d.size)).toEqual({ small: 2, large: 1, medium: 1 });
		// Start (30 June): X, Y; end 4; V joined; nobody left.
		expect(summarize(prep, quarterPeriod(2026, 3))).toMatchObject({
			start: 2,
			end: 4,
			joined: 1,
			lapsed: 0,
			retained: 2,
			growth: 1
		});
	});

	it('now: the lapsed member is gone and the current values count', () => {
		// Q4: X lapsed on 12 October (once, though both the log and `moves` say so);
		// Y is East since 3 November.
		const d = distribution(prep, quarterPeriod(2026, 4));
		expect(d.total).toBe(3);
		expect(counts(d.region)).toEqual({ North: 2, East: 1 });
		expect(summarize(prep, quarterPeriod(2026, 4))).toMatchObject({
			start: 4,
			end: 3,
			lapsed: 1,
			retained: 3
		});
	});

	it('works the same for Solar Hijri quarters', () => {
		// 1405 Q1 ends 21 June 2026: X (North), Y (West); Z lapsed on 10 May.
		const q1 = distribution(prep, persianQuarterPeriod(1405, 1));
		expect(q1.total).toBe(2);
		expect(counts(q1.region)).toEqual({ North: 1, West: 1 });
		// 1405 Q2 ends 22 September 2026: X (South), Y (West), Z and V (North).
		const q2 = distribution(prep, persianQuarterPeriod(1405, 2));
		expect(counts(q2.region)).toEqual({ North: 2, South: 1, West: 1 });
		expect(counts(q2.tier)).toEqual({ regular: 2, donor: 2 });
	});

	it('the value on a day is the last change on or before it', () => {
		const x = prep.spans.find((s) => s.id === 'memberX0')!;
		expect(attrAt(x, 'region', '2026-08-09')).toBe('North');
		expect(attrAt(x, 'region', '2026-08-10')).toBe('South');
		// Status moves: a member up to the day before it lapsed.
		expect(memberOn(x, '2026-10-11')).toBe(true);
		expect(memberOn(x, '2026-10-12')).toBe(false);
		const z = prep.spans.find((s) => s.id === 'memberZ0')!;
		expect([
			memberOn(z, '2026-05-09'),
			memberOn(z, '2026-07-31'),
			memberOn(z, '2026-08-01')
		]).toEqual([true, false, true]);
		// Members without changes have no timeline: their values as they are.
		const v = prep.spans.find((s) => s.id === 'memberV0')!;
		expect(v.timeline).toBeUndefined();
		expect(prep.spans.map((s) => s.id)).not.toContain('memberW0');
	});

	it('the published list of new members shows their values at the period end', () => {
		expect(newMembers(prep, quarterPeriod(2026, 3)).list).toEqual([
			{ name: 'Vanadium', region: 'North', category: '', joined: '2026-07-15' }
		]);
	});
});

describe('leaving once', () => {
	// U: joined 2025-03-01, lapsed on 5 September (Q3), resigned on 20 October (Q4).
	const u: Row = {
		id: 'memberU0',
		name: 'Uranium',
		status: 'resigned',
		joinDate: '2025-03-01',
		region: 'North'
	};
	const p = prepareMembers({
		today: '2026-11-15',
		docs: {
			registry: {
				members: [u],
				moves: [
					move('mu1', 'memberU0', '2026-09-05T08:00:00.000Z', 'active', 'lapsed'),
					move('mu2', 'memberU0', '2026-10-20T08:00:00.000Z', 'lapsed', 'resigned')
				]
			}
		},
		history: [],
		historyReady: true
	});

	it('a lapsed member who then resigns left once, when it lapsed', () => {
		// Q3: a member on 30 June, gone on 30 September; left once (lapsed).
		expect(summarize(p, quarterPeriod(2026, 3))).toMatchObject({
			start: 1,
			end: 0,
			lapsed: 1,
			resigned: 0,
			retained: 0
		});
		// Q4: not a member at its start; the resignation is no second leaving.
		expect(summarize(p, quarterPeriod(2026, 4))).toMatchObject({
			start: 0,
			end: 0,
			lapsed: 0,
			resigned: 0
		});
		// The year: one member at its start, one leaving in all.
		expect(summarize(p, yearPeriod(2026))).toMatchObject({
			start: 1,
			end: 0,
			lapsed: 1,
			resigned: 0
		});
	});
});

describe('a join date written back at approval', () => {
	it('counts the member from its join date with the values it was admitted with', () => {
		// Added on 1 December as an empty row, filled in the same day, approved that day
		// with a join date of 15 November.
		const rows: Row[] = [
			{
				id: 'memberN0',
				name: 'Niobium',
				status: 'active',
				joinDate: '2026-11-15',
				region: 'North',
				tier: 'regular'
			}
		];
		const h: HistoryEvent[] = [
			ev('memberN0', 'status', '2026-12-01T08:00:00Z', 'prospect', null, true),
			ev('memberN0', 'name', '2026-12-01T08:01:00Z', 'Niobium', null),
			ev('memberN0', 'region', '2026-12-01T08:02:00Z', 'North', null),
			ev('memberN0', 'status', '2026-12-01T09:00:00Z', 'applicant', 'prospect'),
			ev('memberN0', 'status', '2026-12-01T10:00:00Z', 'active', 'applicant')
		];
		const p = prepareMembers({
			today: '2026-12-01',
			docs: { registry: { members: rows } },
			history: h,
			historyReady: true
		});
		const period = monthPeriod(2026, 11);
		expect(newMembers(p, period).list).toEqual([
			{ name: 'Niobium', region: 'North', category: '', joined: '2026-11-15' }
		]);
		expect(counts(distribution(p, period).region)).toEqual({ North: 1 });
	});
});

describe('admitted and lapsed on the same day', () => {
	// P: imported with a join date of 4 October 2025, moved through the pipeline and
	// approved on 5 December 2026, then lapsed from /ledger/lapse that same day.
	const rows: Row[] = [
		{ id: 'memberP0', name: 'Pars', status: 'lapsed', joinDate: '2025-10-04', region: 'Tehran' },
		{ id: 'memberQ0', name: 'Qom', status: 'active', joinDate: '2025-01-01', region: 'Qom' }
	];
	const pMoves: Row[] = [
		move('mp1', 'memberP0', '2026-12-05T08:00:00.000Z', 'inquiry', 'applicant'),
		move('mp2', 'memberP0', '2026-12-05T08:01:00.000Z', 'applicant', 'verified'),
		move('mp3', 'memberP0', '2026-12-05T08:02:00.000Z', 'verified', 'active'),
		move('mp4', 'memberP0', '2026-12-05T09:00:00.000Z', 'active', 'lapsed')
	];
	const p = prepareMembers({
		today: '2026-12-05',
		docs: { registry: { members: rows, moves: pMoves } },
		history: [],
		historyReady: true
	});

	it('counts it in every period from its join date to its lapse; the summary adds up', () => {
		// November 2025 and November 2026: P and Q are members all month.
		for (const period of [monthPeriod(2025, 11), monthPeriod(2026, 11)]) {
			expect(summarize(p, period)).toMatchObject({ start: 2, end: 2, lapsed: 0 });
			expect(counts(distribution(p, period).region)).toEqual({ Tehran: 1, Qom: 1 });
		}
		// October 2025: P joined. December 2026: P lapsed; start − lapsed + joined = end.
		expect(summarize(p, monthPeriod(2025, 10))).toMatchObject({ start: 1, joined: 1, end: 2 });
		const dec = summarize(p, monthPeriod(2026, 12));
		expect(dec).toMatchObject({ start: 2, joined: 0, lapsed: 1, end: 1 });
		expect(dec.start + dec.joined - dec.lapsed - dec.resigned).toBe(dec.end);
		expect(
			memberOn(
				p.spans.find((s) => s.id === 'memberP0')!,
				'2026-12-04'
			)
		).toBe(true);
	});
});

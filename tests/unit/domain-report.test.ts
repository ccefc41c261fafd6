/**
 * Report aggregates on a fixed data set; every expected number is counted by hand
 * in the comments (today 2026-11-15, October 2026 compared with September).
 */
import { describe, expect, it } from 'vitest';
import {
	customPeriod,
	monthPeriod,
	parsePeriodKey,
	periodContaining,
	PeriodError,
	periodInCalendar,
	persianMonthPeriod,
	persianQuarterPeriod,
	persianYearPeriod,
	previousPeriod,
	quarterPeriod,
	standardPeriods,
	yearPeriod,
	type HistoryEvent,
	type ReportInputs,
	type Row
} from '../../src/lib/domain/report';
import {
	basicInfoChanges,
	distribution,
	newMembers,
	prepareMembers,
	summarize
} from '../../src/lib/domain/report-members';
import { ev } from './report-fixtures';
import { computeReports, SCORECARD_SECTION } from '../../src/lib/domain/report-areas';
import { buildChangeList, changeListCsv } from '../../src/lib/domain/report-changes';
import { printedMemberNo } from '../../src/lib/domain/settings';

const members: Row[] = [
	// A: a member since 2025; two basic-info changes in October, one non-basic.
	{
		id: 'memberA0',
		name: 'Alpha',
		status: 'active',
		joinDate: '2025-03-10',
		region: 'North',
		enterpriseType: 'private',
		tier: 'regular',
		size: 'small',
		phone: '+98 21 5555 0101',
		email: 'a@alpha.example'
	},
	// B, C: joined in October.
	{
		id: 'memberB0',
		name: 'Beta',
		status: 'active',
		joinDate: '2026-10-05',
		region: 'South',
		category: 'Forging',
		enterpriseType: 'private',
		tier: 'donor',
		size: 'medium'
	},
	{
		id: 'memberC0',
		name: 'Gamma',
		status: 'active',
		joinDate: '2026-10-20',
		region: 'North',
		category: 'Sheet metal',
		enterpriseType: 'stateOwned',
		tier: 'regular',
		size: 'large'
	},
	// D: lapsed on 12 October.
	{
		id: 'memberD0',
		name: 'Delta',
		status: 'lapsed',
		joinDate: '2024-01-01',
		region: 'West',
		enterpriseType: 'private',
		tier: 'regular',
		size: 'small'
	},
	// E: resigned on 30 September.
	{ id: 'memberE0', name: 'Epsilon', status: 'resigned', joinDate: '2025-06-01', region: 'East' },
	// F: a prospect, never a member.
	{ id: 'memberF0', name: 'Phi', status: 'prospect', joinDate: '2026-10-10', region: 'North' },
	// G: no join date; approved on 15 September.
	{
		id: 'memberG0',
		name: 'Eta',
		status: 'active',
		approvedAt: '2026-09-15T10:00:00.000Z',
		region: 'North'
	},
	// H: lapsed with no status change in the history: never counted.
	{ id: 'memberH0', name: 'Theta', status: 'lapsed', joinDate: '2025-01-01', region: 'North' },
	// I: joins in November.
	{ id: 'memberI0', name: 'Iota', status: 'active', joinDate: '2026-11-02', region: 'South' }
];

const history: HistoryEvent[] = [
	ev('memberD0', 'status', '2024-01-01T08:00:00Z', 'active', null, true),
	ev('memberE0', 'status', '2026-09-30T23:59:00Z', 'resigned', 'active'),
	ev('memberG0', 'address', '2026-09-15T11:00:00Z', 'Somewhere 1', null, true),
	ev('memberA0', 'address', '2026-10-03T10:00:00Z', 'New street 2', 'Old street 1'),
	ev('memberA0', 'phone', '2026-10-03T10:05:00Z', '+98 21 5555 0101', '+98 21 5555 0100'),
	ev('memberA0', 'notes', '2026-10-04T10:00:00Z', 'called'),
	ev('memberB0', 'name', '2026-10-05T09:00:00Z', 'Beta', 'Beta Co'),
	ev('memberB0', 'email', '2026-10-09T09:00:00Z', 'info@beta.example', null),
	ev('memberD0', 'status', '2026-10-12T09:00:00Z', 'lapsed', 'active'),
	ev('memberD0', 'address', '2026-10-20T12:00:00Z', 'Moved 3', 'Old 3'),
	ev('memberC0', 'legalRep', '2026-11-01T12:00:00Z', 'Mr. Wang', 'Mr. Li')
];

const inputs: ReportInputs = {
	today: '2026-11-15',
	docs: { registry: { members } },
	history,
	historyReady: true
};
const oct = monthPeriod(2026, 10);
const sep = monthPeriod(2026, 9);
const prep = prepareMembers(inputs);

describe('periods', () => {
	it('months, quarters, years and leap days', () => {
		expect(monthPeriod(2024, 2)).toEqual({
			kind: 'month',
			calendar: 'gregory',
			key: 'm:2024-02',
			from: '2024-02-01',
			to: '2024-02-29'
		});
		expect(quarterPeriod(2026, 4)).toMatchObject({ from: '2026-10-01', to: '2026-12-31' });
		expect(yearPeriod(2026)).toMatchObject({ from: '2026-01-01', to: '2026-12-31' });
	});

	it('the previous period of each kind', () => {
		expect(previousPeriod(monthPeriod(2026, 1)).key).toBe('m:2025-12');
		expect(previousPeriod(quarterPeriod(2026, 1)).key).toBe('q:2025-4');
		expect(previousPeriod(yearPeriod(2026)).key).toBe('y:2025');
		// 5 Jan – 10 Feb is 37 days; the 37 days before are 29 Nov – 4 Jan.
		expect(previousPeriod(customPeriod('2026-01-05', '2026-02-10'))).toMatchObject({
			from: '2025-11-29',
			to: '2026-01-04'
		});
	});

	it('custom periods refuse bad input with a clear error', () => {
		expect(() => customPeriod('2026-02-30', '2026-03-01')).toThrow(PeriodError);
		expect(() => customPeriod('2026-03-02', '2026-03-01')).toThrow(/start date/);
		expect(() => customPeriod('1990-01-01', '2026-03-01')).toThrow(/10 years/);
		expect(() => customPeriod('', '')).toThrow(/YYYY-MM-DD/);
	});

	it('keys parse back, and the standard set covers every comparison', () => {
		for (const p of [
			oct,
			quarterPeriod(2026, 3),
			yearPeriod(2025),
			customPeriod('2026-01-01', '2026-01-31')
		])
			expect(parsePeriodKey(p.key)).toEqual(p);
		expect(parsePeriodKey('m:2026-13')).toBeNull();
		const std = standardPeriods('2026-11-15');
		// 28 per calendar: Gregorian then Solar Hijri.
		expect(std).toHaveLength(2 * (14 + 9 + 5));
		expect(std[0].key).toBe('m:2026-11');
		expect(std.map((p) => p.key)).toContain('m:2025-10');
		expect(std.map((p) => p.key)).toContain('q:2024-4');
		expect(std.map((p) => p.key)).toContain('y:2022');
		// 2026-11-15 is 24 Aban 1405.
		expect(std[28].key).toBe('jm:1405-08');
		expect(std.map((p) => p.key)).toContain('jm:1404-07');
		expect(std.map((p) => p.key)).toContain('jq:1403-3');
		expect(std.map((p) => p.key)).toContain('jy:1401');
		expect(new Set(std.map((p) => p.key)).size).toBe(56);
		// Every one but the oldest of each kind can be compared with the one before.
		const keys = new Set(std.map((p) => p.key));
		expect(std.filter((p) => keys.has(previousPeriod(p).key))).toHaveLength(2 * (13 + 8 + 4));
	});
});

describe('Solar Hijri periods', () => {
	it('months start on the right day: 1 Farvardin 1405 is 21 March 2026', () => {
		expect(persianMonthPeriod(1405, 1)).toEqual({
			kind: 'month',
			calendar: 'persian',
			key: 'jm:1405-01',
			from: '2026-03-21',
			// 31 days: 21-31 March (11) and 1-20 April (20).
			to: '2026-04-20'
		});
		// Azar 1405 (30 days) starts 22 November 2026.
		expect(persianMonthPeriod(1405, 9)).toMatchObject({ from: '2026-11-22', to: '2026-12-21' });
	});

	it('Esfand has 30 days in a leap year (1403) and 29 otherwise (1404)', () => {
		// 19-28 February (10) + 1-20 March (20) = 30.
		expect(persianMonthPeriod(1403, 12)).toMatchObject({ from: '2025-02-19', to: '2025-03-20' });
		// 20-28 February (9) + 1-20 March (20) = 29.
		expect(persianMonthPeriod(1404, 12)).toMatchObject({ from: '2026-02-20', to: '2026-03-20' });
		// 1403 starts on Nowruz 2024 (20 March) and has 366 days.
		expect(persianYearPeriod(1403)).toMatchObject({ from: '2024-03-20', to: '2025-03-20' });
		expect(persianYearPeriod(1404)).toMatchObject({ from: '2025-03-21', to: '2026-03-20' });
	});

	it('quarters: Farvardin-Khordad is Q1, Mehr-Azar Q3', () => {
		// 1 Tir is 93 days after 1 Farvardin: 22 June.
		expect(persianQuarterPeriod(1405, 1)).toMatchObject({ from: '2026-03-21', to: '2026-06-21' });
		// 1 Mehr is 186 days after 1 Farvardin: 23 September; 1 Dey 90 days later.
		expect(persianQuarterPeriod(1405, 3)).toMatchObject({ from: '2026-09-23', to: '2026-12-21' });
		expect(periodContaining('quarter', '2026-11-15', 'persian').key).toBe('jq:1405-3');
		expect(periodContaining('quarter', '2026-12-22', 'persian').key).toBe('jq:1405-4');
		expect(periodContaining('month', '2026-03-20', 'persian').key).toBe('jm:1404-12');
	});

	it('the previous period across the year boundary stays in the calendar', () => {
		expect(previousPeriod(persianMonthPeriod(1405, 1))).toEqual(persianMonthPeriod(1404, 12));
		expect(previousPeriod(persianQuarterPeriod(1405, 1))).toMatchObject({
			key: 'jq:1404-4',
			from: '2025-12-22',
			to: '2026-03-20'
		});
		expect(previousPeriod(persianYearPeriod(1405)).key).toBe('jy:1404');
		// Gregorian periods stay Gregorian.
		expect(previousPeriod(quarterPeriod(2026, 1)).key).toBe('q:2025-4');
	});

	it('a period of the other calendar: the one that holds most of it (the dues figures by fiscal year)', () => {
		expect(periodInCalendar(yearPeriod(2026), 'persian').key).toBe('jy:1405');
		// April–June is mostly Farvardin–Khordad (to 21 June).
		expect(periodInCalendar(quarterPeriod(2026, 2), 'persian').key).toBe('jq:1405-1');
		// November: Aban ends on the 21st.
		expect(periodInCalendar(monthPeriod(2026, 11), 'persian').key).toBe('jm:1405-08');
		expect(periodInCalendar(persianYearPeriod(1405), 'gregory').key).toBe('y:2026');
		expect(periodInCalendar(persianQuarterPeriod(1405, 4), 'gregory').key).toBe('q:2027-1');
		// Already the calendar's, or plain days: itself.
		const q = quarterPeriod(2026, 3);
		expect(periodInCalendar(q, 'gregory')).toBe(q);
		const c = customPeriod('2026-01-05', '2026-02-10');
		expect(periodInCalendar(c, 'persian')).toBe(c);
	});

	it('keys parse back; bad keys are refused', () => {
		for (const p of [
			persianMonthPeriod(1405, 9),
			persianQuarterPeriod(1403, 4),
			persianYearPeriod(1404)
		])
			expect(parsePeriodKey(p.key)).toEqual(p);
		for (const bad of [
			'jm:1405-13',
			'jm:1405-9',
			'jq:1405-5',
			'jq:1405-0',
			'jy:1405-1',
			'jm:0000-01',
			'q:2026'
		])
			expect(parsePeriodKey(bad)).toBeNull();
	});
});

describe('membership figures', () => {
	it('places members on days: join date, else approval, and leaving from the history', () => {
		const by = Object.fromEntries(prep.spans.map((s) => [s.id, s]));
		expect(by.memberG0.joined).toBe('2026-09-15');
		expect(by.memberD0.left).toBe('2026-10-12');
		expect(by.memberE0.left).toBe('2026-09-30');
		// H has no status change: left the day it joined, so never counted.
		expect(by.memberH0.left).toBe(by.memberH0.joined);
		expect(by.memberF0).toBeUndefined();
		expect(prep.spans).toHaveLength(8);
	});

	it('October: start 3 (A, D, G), end 4 (A, B, C, G), joined 2, lapsed 1, retained 2', () => {
		expect(summarize(prep, oct)).toEqual({
			start: 3,
			end: 4,
			joined: 2,
			lapsed: 1,
			resigned: 0,
			retained: 2,
			growth: 1 / 3,
			retention: 2 / 3,
			complete: true
		});
	});

	it('September: start 3 (A, D, E), end 3 (A, D, G), joined 1 (G), resigned 1 (E)', () => {
		expect(summarize(prep, sep)).toEqual({
			start: 3,
			end: 3,
			joined: 1,
			lapsed: 0,
			resigned: 1,
			retained: 2,
			growth: 0,
			retention: 2 / 3,
			complete: true
		});
	});

	it('new members of October: name, region and category only, oldest first', () => {
		expect(newMembers(prep, oct)).toEqual({
			total: 2,
			list: [
				{ name: 'Beta', region: 'South', category: 'Forging', joined: '2026-10-05' },
				{ name: 'Gamma', region: 'North', category: 'Sheet metal', joined: '2026-10-20' }
			]
		});
	});

	it('members by region, enterprise type, tier and size at the end of October', () => {
		expect(distribution(prep, oct)).toEqual({
			total: 4,
			region: [
				{ key: 'North', count: 3 },
				{ key: 'South', count: 1 }
			],
			enterpriseType: [
				{ key: 'private', count: 2 },
				{ key: '', count: 1 },
				{ key: 'stateOwned', count: 1 }
			],
			tier: [
				{ key: 'regular', count: 2 },
				{ key: '', count: 1 },
				{ key: 'donor', count: 1 }
			],
			size: [
				{ key: '', count: 1 },
				{ key: 'large', count: 1 },
				{ key: 'medium', count: 1 },
				{ key: 'small', count: 1 }
			]
		});
	});

	it('basic-info changes in October: A address+phone, B email, D address (not B name on its join day, not notes)', () => {
		expect(basicInfoChanges(prep, oct)).toEqual({
			members: 3,
			changes: 4,
			groups: [
				{ group: 'name', members: 0, changes: 0 },
				{ group: 'address', members: 2, changes: 2 },
				{ group: 'contact', members: 0, changes: 0 },
				{ group: 'contactDetails', members: 2, changes: 2 },
				{ group: 'head', members: 0, changes: 0 }
			],
			complete: true
		});
		expect(basicInfoChanges(prep, monthPeriod(2026, 11)).groups[4]).toEqual({
			group: 'head',
			members: 1,
			changes: 1
		});
	});

	it('the scorecard takes members, joined, growth and retention from the summary', () => {
		const [r] = computeReports(inputs, [oct], { computedAt: '2026-11-15T00:00:00.000Z' });
		expect(r.sections[SCORECARD_SECTION]).toEqual({
			items: [
				{ id: 'members', unit: 'count', value: 4 },
				{ id: 'joined', unit: 'count', value: 2 },
				{ id: 'growth', unit: 'ratio', value: 1 / 3 },
				{ id: 'retention', unit: 'ratio', value: 2 / 3 }
			]
		});
	});

	it('no contact details in any section', () => {
		const json = JSON.stringify(
			computeReports(inputs, standardPeriods('2026-11-15'), {
				computedAt: '2026-11-15T00:00:00.000Z'
			})
		);
		for (const secret of ['5555', 'alpha.example', 'beta.example', 'street', 'Mr.', 'Moved'])
			expect(json).not.toContain(secret);
	});

	it('with the history still loading, figures say they are incomplete', () => {
		const p = prepareMembers({ ...inputs, history: [], historyReady: false });
		const s = summarize(p, oct);
		expect(s.complete).toBe(false);
		// D's leaving day is unknown: it counts as never having been a member; A and G remain.
		expect(s.start).toBe(2);
	});
});

describe('change list', () => {
	const list = buildChangeList({ members, history, period: oct, historyReady: true });

	it('carries the number the approval printed; the CSV has the number as the reader reads it', () => {
		const numbered = members.map((r) =>
			r.id === 'memberA0'
				? { ...r, memberNo: 7 }
				: r.id === 'memberB0'
					? { ...r, memberNo: 12, certificateNo: 'GH-00012' }
					: r
		);
		const l = buildChangeList({ members: numbered, history, period: oct, historyReady: true });
		const alpha = l.entries.find((e) => e.name === 'Alpha')!;
		const beta = l.entries.find((e) => e.name === 'Beta')!;
		expect(alpha).toMatchObject({ memberNo: 7, certificateNo: null });
		expect(beta).toMatchObject({ memberNo: 12, certificateNo: 'GH-00012' });
		// Without a stored certificate number: the number in the organisation's format.
		expect(printedMemberNo(alpha, 'GH-{n:5}')).toBe('GH-00007');
		expect(printedMemberNo(beta, '{n:3}')).toBe('GH-00012');
		const csv = changeListCsv(l, {
			headers: {
				day: 'Day',
				kind: 'Kind',
				memberNo: 'No.',
				name: 'Name',
				field: 'Field',
				old: 'Before',
				value: 'After'
			},
			label: (e, c) => (c === 'kind' ? e.kind : (e.field ?? '')),
			// In the reader's digits (Persian here), as the page passes it.
			memberNo: (e) => printedMemberNo(e, 'GH-{n:5}').replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[+d])
		});
		expect(csv).toContain('\r\n2026-10-05,joined,GH-۰۰۰۱۲,Beta,');
		expect(csv).toContain('\r\n2026-10-03,changed,GH-۰۰۰۰۷,Alpha,address,');
	});

	it('joined, lapsed and changed entries of October in time order, with old and new values', () => {
		expect(list.entries.map((e) => [e.day, e.kind, e.name, e.field])).toEqual([
			['2026-10-03', 'changed', 'Alpha', 'address'],
			['2026-10-03', 'changed', 'Alpha', 'phone'],
			['2026-10-05', 'joined', 'Beta', null],
			['2026-10-09', 'changed', 'Beta', 'email'],
			['2026-10-12', 'lapsed', 'Delta', 'status'],
			['2026-10-20', 'joined', 'Gamma', null],
			['2026-10-20', 'changed', 'Delta', 'address']
		]);
		expect(list.entries[0]).toMatchObject({
			old: 'Old street 1',
			value: 'New street 2',
			group: 'address'
		});
	});

	it('CSV: UTF-8 BOM, CRLF, quoted cells, formulas neutralised', () => {
		const l = {
			...list,
			entries: [{ ...list.entries[0], name: '=HYPERLINK("x")', value: 'a, "b"' }]
		};
		const csv = changeListCsv(l, {
			headers: {
				day: 'Day',
				kind: 'Kind',
				memberNo: 'No.',
				name: 'Name',
				field: 'Field',
				old: 'Before',
				value: 'After'
			},
			label: (e, c) => (c === 'kind' ? e.kind : (e.field ?? '')),
			memberNo: (e) => String(e.memberNo ?? '')
		});
		expect(csv.startsWith('\uFEFFDay,Kind,No.,Name,Field,Before,After\r\n')).toBe(true);
		expect(csv).toContain(
			`2026-10-03,changed,,"'=HYPERLINK(""x"")",address,Old street 1,"a, ""b"""\r\n`
		);
	});
});

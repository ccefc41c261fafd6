/**
 * The ledger in the association's fiscal calendar (domain/fiscal.ts): Solar Hijri
 * years begin at Nowruz, quarters are Farvardin–Khordad…, the dues run, the
 * new-member discount, the first dues fee, what is due per year and the quarterly
 * figures all count years of that calendar. Nowruz dates were checked against
 * Intl's Persian calendar (domain/calendar.ts), not guessed.
 */
import { describe, expect, it } from 'vitest';
import { gregorianToPersian, PERSIAN_YEAR_LIMIT } from '../../src/lib/domain/calendar';
import {
	FISCAL_YEAR_RANGE,
	fiscalQuarterOf,
	fiscalQuarterPeriod,
	fiscalYearOf,
	fiscalYearStart,
	readFiscalCalendar,
	readFiscalYear
} from '../../src/lib/domain/fiscal';
import {
	dueByYear,
	entry,
	feeFields,
	firstDuesFee,
	openItems,
	planDues,
	readLedgerSettings,
	readYear,
	type EntryRow
} from '../../src/lib/domain/ledger';
import { quarterlyFigures } from '../../src/lib/domain/ledger-figures';
import { selectDebtors } from '../../src/lib/domain/ledger-collection';
import { configFields, DEFAULT_CONFIG, readConfig } from '../../src/lib/domain/settings';

const A = 'memberAAAAAAAAAA';
const B = 'memberBBBBBBBBBB';

const charge = (id: string, memberId: string, amount: number, date: string, year?: number) =>
	({ id, memberId, kind: 'charge', amount, date, year, posted: true }) as EntryRow;
const payment = (id: string, memberId: string, amount: number, date: string) =>
	({ id, memberId, kind: 'payment', amount, date, method: 'cash', posted: true }) as EntryRow;

describe('fiscal year and quarter of a date', () => {
	it('the Solar Hijri year turns at Nowruz: 2026-03-20 is 1404, 2026-03-21 is 1405', () => {
		// The calendar module (Intl) agrees on the day itself.
		expect(gregorianToPersian('2026-03-20')).toEqual({ y: 1404, m: 12, d: 29 });
		expect(gregorianToPersian('2026-03-21')).toEqual({ y: 1405, m: 1, d: 1 });
		expect(fiscalYearOf('2026-03-20', 'persian')).toBe(1404);
		expect(fiscalYearOf('2026-03-21', 'persian')).toBe(1405);
		expect(fiscalYearOf('2026-03-20', 'gregory')).toBe(2026);
		expect(fiscalYearOf('2025-12-31', 'gregory')).toBe(2025);
		expect(fiscalYearOf('not a date', 'persian')).toBeNull();
	});

	it('1 Farvardin is the first day of the fiscal year, in ISO', () => {
		expect(fiscalYearStart(1405, 'persian')).toBe('2026-03-21');
		expect(fiscalYearStart(1404, 'persian')).toBe('2025-03-21');
		expect(fiscalYearStart(2026, 'gregory')).toBe('2026-01-01');
	});

	it('Solar Hijri quarters: Farvardin–Khordad, Tir–Shahrivar, Mehr–Azar, Dey–Esfand', () => {
		const bounds = ([1, 2, 3, 4] as const).map((q) => {
			const p = fiscalQuarterPeriod(1405, q, 'persian');
			return [p.from, p.to];
		});
		expect(bounds).toEqual([
			['2026-03-21', '2026-06-21'],
			['2026-06-22', '2026-09-22'],
			['2026-09-23', '2026-12-21'],
			['2026-12-22', '2027-03-20']
		]);
		// Each bound is the first or last day of a Persian month, as Intl reads it.
		expect(gregorianToPersian('2026-06-21')).toEqual({ y: 1405, m: 3, d: 31 });
		expect(gregorianToPersian('2027-03-20')).toEqual({ y: 1405, m: 12, d: 29 });
		expect(fiscalQuarterOf('2026-06-21', 'persian')).toEqual({ year: 1405, quarter: 1 });
		expect(fiscalQuarterOf('2026-06-22', 'persian')).toEqual({ year: 1405, quarter: 2 });
		expect(fiscalQuarterOf('2027-01-10', 'persian')).toEqual({ year: 1405, quarter: 4 });
		expect(fiscalQuarterOf('2026-02-01', 'gregory')).toEqual({ year: 2026, quarter: 1 });
		expect(fiscalQuarterPeriod(2026, 4, 'gregory')).toMatchObject({
			from: '2026-10-01',
			to: '2026-12-31'
		});
	});
});

describe('the setting', () => {
	it('absent or not a calendar is Gregorian, so existing ledgers keep their years', () => {
		expect(readFiscalCalendar(undefined)).toBe('gregory');
		expect(readFiscalCalendar('julian')).toBe('gregory');
		expect(readFiscalCalendar('persian')).toBe('persian');
		expect(readLedgerSettings({ config: {}, tiers: [] }).fiscalCalendar).toBe('gregory');
		expect(
			readLedgerSettings({ config: { fiscalCalendar: 'persian' }, tiers: [] }).fiscalCalendar
		).toBe('persian');
		expect(readConfig({}).fiscalCalendar).toBe('gregory');
		expect(DEFAULT_CONFIG.fiscalCalendar).toBe('gregory');
	});

	it('the settings guard takes only a calendar name', () => {
		expect(configFields.fiscalCalendar.safeParse('persian').success).toBe(true);
		expect(configFields.fiscalCalendar.safeParse('gregory').success).toBe(true);
		expect(configFields.fiscalCalendar.safeParse('islamic').success).toBe(false);
		expect(configFields.fiscalCalendar.safeParse(1).success).toBe(false);
	});
});

describe('typed years per fiscal calendar', () => {
	it('a Solar Hijri ledger reads 1300–1600 in any digits', () => {
		expect(readYear('۱۴۰۵', 'persian')).toBe(1405);
		expect(readYear('1405', 'persian')).toBe(1405);
		expect(readYear('١٤٠٥', 'persian')).toBe(1405);
		expect(readYear('۱۳۰۰', 'persian')).toBe(1300);
		expect(readYear('۱۶۰۰', 'persian')).toBe(1600);
		for (const bad of ['۱۲۹۹', '1601', '', 'abc', '۱۴۰۵٫۵', '-1405'])
			expect(readYear(bad, 'persian'), bad).toBeNull();
	});

	it('a Gregorian year on a Solar Hijri ledger is refused as the other calendar’s', () => {
		expect(readFiscalYear('۲۰۲۶', 'persian')).toEqual({
			ok: false,
			reason: 'otherCalendar',
			year: 2026,
			calendar: 'gregory'
		});
		expect(readFiscalYear('1405', 'gregory')).toEqual({
			ok: false,
			reason: 'otherCalendar',
			year: 1405,
			calendar: 'persian'
		});
		expect(readFiscalYear('1700', 'persian')).toEqual({ ok: false, reason: 'notYear' });
		expect(readFiscalYear('2026', 'gregory')).toEqual({ ok: true, year: 2026 });
	});

	it('the ranges do not overlap and agree with how typed Persian dates read years', () => {
		expect(FISCAL_YEAR_RANGE.persian.max).toBeLessThan(PERSIAN_YEAR_LIMIT);
		expect(FISCAL_YEAR_RANGE.persian.max).toBeLessThan(FISCAL_YEAR_RANGE.gregory.min);
	});

	it('the stored year accepts both calendars’ years (the server guard validates with it)', () => {
		const row = { memberId: A, kind: 'charge', amount: 1, date: '2026-03-21', posted: true };
		expect(entry.safeParse({ ...row, year: 1405 }).success).toBe(true);
		expect(entry.safeParse({ ...row, year: 2026 }).success).toBe(true);
		for (const bad of [1299, 1601, 1899, 2201, 1405.5])
			expect(entry.safeParse({ ...row, year: bad }).success, String(bad)).toBe(false);
		expect(feeFields.year.safeParse(1405).success).toBe(true);
	});
});

describe('the dues run in a Solar Hijri ledger', () => {
	const members = [
		{ id: A, status: 'active', tier: 'regular', joinDate: '2026-03-21' },
		{ id: B, status: 'active', tier: 'regular', joinDate: '2026-03-20' }
	];
	const plan = (year: number) =>
		planDues({
			year,
			members,
			fees: [{ id: 'f_1405_regular', year: 1405, tier: 'regular', amount: 1_000_000 }],
			tierFees: { regular: 7 },
			discounts: [{ id: 'discNew00000001', kind: 'newMember', name: 'Welcome', percent: 5000 }],
			existingIds: new Set(),
			calendar: 'persian'
		});

	it('charges the year’s fee from the schedule, ids by the Solar Hijri year', () => {
		const lines = plan(1405);
		expect(lines.map((l) => [l.id, l.gross])).toEqual([
			[`d_1405_${A}`, 1_000_000],
			[`d_1405_${B}`, 1_000_000]
		]);
	});

	it('the new-member discount goes to who joined on or after Nowruz 1405, not 1 January', () => {
		const lines = plan(1405);
		// A joined on 1 Farvardin 1405; B the day before, in 1404.
		expect(lines.find((l) => l.memberId === A)).toMatchObject({ discount: 500_000 });
		expect(lines.find((l) => l.memberId === B)).toMatchObject({ discount: 0 });
		expect(plan(1404).find((l) => l.memberId === B)).toMatchObject({ gross: 7, discount: 4 });
	});

	it('the first dues notice states the fee of the current Solar Hijri year, with its discount', () => {
		const base = {
			fees: [{ id: 'f_1405_regular', year: 1405, tier: 'regular', amount: 55_000_000 }],
			tierFees: { regular: 60_000_000 },
			discounts: [
				{ id: 'discNew00000001', kind: 'newMember' as const, name: 'Welcome', percent: 1000 }
			],
			// 14 Azar 1405.
			today: '2026-12-05T10:00:00.000Z',
			calendar: 'persian' as const
		};
		// Joined 12 Mehr 1404: the 1405 fee, no new-member discount.
		expect(firstDuesFee({ ...base, member: { tier: 'regular', joinDate: '2025-10-04' } })).toEqual({
			year: 1405,
			gross: 55_000_000,
			discount: 0,
			amount: 55_000_000
		});
		// Joined on 1 Farvardin 1405: in the year, so discounted as the dues run does.
		expect(firstDuesFee({ ...base, member: { tier: 'regular', joinDate: '2026-03-21' } })).toEqual({
			year: 1405,
			gross: 55_000_000,
			discount: 5_500_000,
			amount: 49_500_000
		});
	});

	it('a charge without a year is due for the Solar Hijri year of its date', () => {
		const open = openItems({
			entries: [
				charge('manualA000000001', A, 100, '2026-03-20'),
				charge('manualA000000002', A, 200, '2026-03-21'),
				charge(`d_1405_${A}`, A, 1000, '2026-03-21', 1405)
			],
			allocations: []
		}).charges;
		expect([...dueByYear(open, A, 'persian')]).toEqual([
			[1404, 100],
			[1405, 1200]
		]);
		expect([...dueByYear(open, A, 'gregory')]).toEqual([
			[1405, 1000],
			[2026, 300]
		]);
		const [d] = selectDebtors({
			open,
			members: new Map([[A, { id: A, status: 'active' }]]),
			filter: {},
			asOf: '2026-04-01',
			calendar: 'persian'
		});
		expect([...d.byYear.keys()]).toEqual([1404, 1405]);
	});
});

describe('quarterly figures per Solar Hijri quarter', () => {
	// A: 1000 charged on 1 Farvardin 1405 (2026-03-21), pays 600 in Tir (Q2), 400 in Dey (Q4).
	// B: 500 charged on 29 Esfand 1404 (2026-03-20): last fiscal year, open all along.
	const entries = [
		charge(`d_1405_${A}`, A, 1000, '2026-03-21', 1405),
		charge(`d_1404_${B}`, B, 500, '2026-03-20', 1404),
		payment('payA000000000001', A, 600, '2026-06-22'),
		payment('payA000000000002', A, 400, '2027-03-20')
	];
	const members = new Map([
		[A, { tier: 'regular', region: 'north' }],
		[B, { tier: 'regular', region: 'south' }]
	]);
	const q = quarterlyFigures({
		year: 1405,
		calendar: 'persian',
		entries,
		allocations: [],
		members
	});

	it('four quarters bounded by the Solar Hijri calendar', () => {
		expect(q.map((x) => [x.quarter, x.start, x.end])).toEqual([
			[1, '2026-03-21', '2026-06-21'],
			[2, '2026-06-22', '2026-09-22'],
			[3, '2026-09-23', '2026-12-21'],
			[4, '2026-12-22', '2027-03-20']
		]);
		expect(q.every((x) => x.year === 1405 && x.calendar === 'persian')).toBe(true);
	});

	it('billed, collected and outstanding fall in the fiscal quarter of their date', () => {
		expect(q.map((x) => [x.total.billed, x.total.collected, x.total.outstanding])).toEqual([
			[1000, 0, 1500],
			[0, 600, 900],
			[0, 0, 900],
			[0, 400, 500]
		]);
	});

	it('the collection rate counts this fiscal year’s charges only (from 1 Farvardin)', () => {
		// B's charge of 29 Esfand 1404 is last year's: Q2's rate is A's 600 of 1000.
		expect(q.map((x) => x.total.rateBp)).toEqual([0, 6000, 6000, 10000]);
	});

	it('in a Gregorian ledger the same entries fall in Gregorian quarters', () => {
		const g = quarterlyFigures({
			year: 2026,
			calendar: 'gregory',
			entries,
			allocations: [],
			members
		});
		expect(g[0].total.billed).toBe(1500);
		expect(g[1].total.collected).toBe(600);
	});
});

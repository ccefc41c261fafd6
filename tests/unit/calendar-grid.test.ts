import { describe, expect, it } from 'vitest';
import {
	addDays,
	addMonths,
	clampDate,
	dateInputText,
	daysInMonth,
	endOfWeek,
	fromCalendar,
	isPersianLeapYear,
	monthGrid,
	parseUserDate,
	startOfWeek,
	todayIso,
	toCalendar,
	weekdayOf
} from '../../src/lib/i18n/calendar';

describe('Solar Hijri month lengths', () => {
	it('has six months of 31 days, five of 30, and Esfand of 29 or 30', () => {
		const lengths = Array.from({ length: 12 }, (_, i) => daysInMonth(1404, i + 1, 'persian'));
		expect(lengths).toEqual([31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 30, 29]);
	});

	it('knows the leap years: 1399 and 1403 have 30 days in Esfand, 1404 and 1405 do not', () => {
		expect(isPersianLeapYear(1399)).toBe(true);
		expect(isPersianLeapYear(1403)).toBe(true);
		expect(isPersianLeapYear(1404)).toBe(false);
		expect(isPersianLeapYear(1405)).toBe(false);
		expect(daysInMonth(1403, 12, 'persian')).toBe(30);
		expect(daysInMonth(1404, 12, 'persian')).toBe(29);
	});

	it('a year of the Persian calendar has as many days as its months add up to', () => {
		for (const y of [1399, 1400, 1401, 1402, 1403, 1404, 1405, 1406, 1407, 1408]) {
			const total = Array.from({ length: 12 }, (_, i) => daysInMonth(y, i + 1, 'persian')).reduce(
				(a, b) => a + b
			);
			const start = fromCalendar({ y, m: 1, d: 1 }, 'persian')!;
			const next = fromCalendar({ y: y + 1, m: 1, d: 1 }, 'persian')!;
			expect((Date.parse(next) - Date.parse(start)) / 86_400_000).toBe(total);
			expect(total).toBe(isPersianLeapYear(y) ? 366 : 365);
		}
	});
});

describe('Gregorian month lengths', () => {
	it('counts February by the leap-year rules', () => {
		expect(daysInMonth(2024, 2, 'gregory')).toBe(29);
		expect(daysInMonth(2025, 2, 'gregory')).toBe(28);
		expect(daysInMonth(1900, 2, 'gregory')).toBe(28);
		expect(daysInMonth(2000, 2, 'gregory')).toBe(29);
		expect(daysInMonth(2026, 4, 'gregory')).toBe(30);
		expect(daysInMonth(2026, 12, 'gregory')).toBe(31);
	});
});

describe('monthGrid', () => {
	it('lays out Esfand 1403 from Saturday: 30 days, the leap day is 2025-03-20', () => {
		const g = monthGrid({ year: 1403, month: 12, calendar: 'persian', weekStart: 6 });
		expect(g.days).toBe(30);
		expect(g.first).toBe('2025-02-19'); // 1 Esfand 1403, a Wednesday
		expect(g.last).toBe('2025-03-20');
		expect(g.weekdays).toEqual([6, 0, 1, 2, 3, 4, 5]);
		// Saturday, Sunday, Monday, Tuesday are padding; Wednesday is the 1st.
		expect(g.weeks[0]).toEqual([null, null, null, null, '2025-02-19', '2025-02-20', '2025-02-21']);
		expect(g.weeks.flat().filter(Boolean)).toHaveLength(30);
		for (const w of g.weeks) {
			expect(w).toHaveLength(7);
			// Every first cell holding a day is a Saturday.
			if (w[0]) expect(weekdayOf(w[0])).toBe(6);
		}
		expect(g.weeks.at(-1)!.filter(Boolean).at(-1)).toBe('2025-03-20');
	});

	it('lays out Farvardin 1404: starts on Friday 2025-03-21, the last column', () => {
		const g = monthGrid({ year: 1404, month: 1, calendar: 'persian', weekStart: 6 });
		expect(g.days).toBe(31);
		expect(g.weeks[0]).toEqual([null, null, null, null, null, null, '2025-03-21']);
		expect(g.weeks).toHaveLength(6);
	});

	it('lays out a Gregorian month from Monday, and from Sunday when asked', () => {
		const mon = monthGrid({ year: 2026, month: 2, calendar: 'gregory', weekStart: 1 });
		// 1 February 2026 is a Sunday: the last column of a week starting Monday.
		expect(mon.weeks[0]).toEqual([null, null, null, null, null, null, '2026-02-01']);
		expect(mon.weeks.flat().filter(Boolean)).toHaveLength(28);
		const sun = monthGrid({ year: 2026, month: 2, calendar: 'gregory', weekStart: 0 });
		expect(sun.weeks).toHaveLength(4); // 28 days from a Sunday: four full weeks
		expect(sun.weeks[3][6]).toBe('2026-02-28');
	});
});

describe('moving in a calendar', () => {
	it('adds days across months and years', () => {
		expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
		expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
	});

	it('adds months in the Persian calendar, keeping the day or the last one', () => {
		// 31 Shahrivar 1403 + 1 month → 30 Mehr 1403 (Mehr has 30 days)
		const iso = fromCalendar({ y: 1403, m: 6, d: 31 }, 'persian')!;
		expect(toCalendar(addMonths(iso, 1, 'persian'), 'persian')).toEqual({ y: 1403, m: 7, d: 30 });
		// 30 Esfand 1403 (leap) + 12 months → 29 Esfand 1404
		const leap = fromCalendar({ y: 1403, m: 12, d: 30 }, 'persian')!;
		expect(toCalendar(addMonths(leap, 12, 'persian'), 'persian')).toEqual({
			y: 1404,
			m: 12,
			d: 29
		});
		// Farvardin back one month: Esfand of the year before
		const far = fromCalendar({ y: 1404, m: 1, d: 10 }, 'persian')!;
		expect(toCalendar(addMonths(far, -1, 'persian'), 'persian')).toEqual({ y: 1403, m: 12, d: 10 });
	});

	it('adds months in the Gregorian calendar', () => {
		expect(addMonths('2024-01-31', 1, 'gregory')).toBe('2024-02-29');
		expect(addMonths('2024-02-29', 12, 'gregory')).toBe('2025-02-28');
		expect(addMonths('2025-01-15', -1, 'gregory')).toBe('2024-12-15');
	});

	it('finds the start and end of a week', () => {
		// Wednesday 2025-02-19: the Persian week began Saturday 02-15 and ends Friday 02-21.
		expect(startOfWeek('2025-02-19', 6)).toBe('2025-02-15');
		expect(endOfWeek('2025-02-19', 6)).toBe('2025-02-21');
		expect(startOfWeek('2025-02-19', 1)).toBe('2025-02-17');
		expect(endOfWeek('2025-02-23', 1)).toBe('2025-02-23'); // a Sunday ends a Monday week
		expect(startOfWeek('2025-02-15', 6)).toBe('2025-02-15');
	});

	it('clamps into a range', () => {
		expect(clampDate('2026-01-01', '2026-02-01', '2026-03-01')).toBe('2026-02-01');
		expect(clampDate('2026-04-01', '2026-02-01', '2026-03-01')).toBe('2026-03-01');
		expect(clampDate('2026-02-10', undefined, '2026-03-01')).toBe('2026-02-10');
	});
});

describe('typed dates', () => {
	it('writes a date as it is typed in the calendar, and reads it back', () => {
		expect(dateInputText('2025-03-20', 'persian')).toBe('1403/12/30');
		expect(dateInputText('2026-11-22', 'gregory')).toBe('2026-11-22');
		expect(parseUserDate(dateInputText('2025-03-20', 'persian'), 'persian')).toBe('2025-03-20');
	});

	it('takes an ISO (Gregorian) date in the Persian calendar too', () => {
		expect(parseUserDate('2025-03-20', 'persian')).toBe('2025-03-20');
		expect(parseUserDate('۲۰۲۵-۰۳-۲۰', 'persian')).toBe('2025-03-20');
		expect(parseUserDate('1404/12/30', 'persian')).toBeNull();
	});

	it("today is the device's local date", () => {
		expect(todayIso(new Date(2026, 0, 5, 0, 30))).toBe('2026-01-05');
	});
});

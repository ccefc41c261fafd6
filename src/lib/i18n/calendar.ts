/**
 * Calendar conversion for date fields. Dates are stored as ISO `YYYY-MM-DD`
 * (Gregorian, no time zone); people read and type them in their own calendar.
 * The Solar Hijri conversion itself is in `$lib/domain/calendar` (pure, shared
 * with the server's reports); this module adds what people type.
 */
import { normalizeDigits } from '$lib/domain/text';
import {
	isoToYmd,
	PERSIAN_YEAR_LIMIT,
	persianToGregorian,
	ymdIn,
	ymdToIso,
	type CalendarName,
	type YMD
} from '$lib/domain/calendar';

export {
	gregorianToPersian,
	isoToYmd,
	PERSIAN_YEAR_LIMIT,
	persianToGregorian,
	ymdToIso,
	type YMD
} from '$lib/domain/calendar';

/**
 * Parse a date typed by a person: `YYYY-MM-DD`, `YYYY/MM/DD` or `YYYY.MM.DD`, in
 * any digits, in the given calendar. Also accepts Chinese `YYYY年M月D日`.
 * Returns ISO Gregorian or null.
 */
export function parseUserDate(input: string, calendar: Calendar): string | null {
	const s = normalizeDigits(input).trim();
	const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(s);
	if (!m) return null;
	const ymd = { y: +m[1], m: +m[2], d: +m[3] };
	// Persian years are about 621 below Gregorian ones: 1700 or more is a pasted
	// Gregorian (ISO) date, which is accepted whatever the reader's calendar.
	if (calendar === 'persian' && ymd.y < PERSIAN_YEAR_LIMIT) return persianToGregorian(ymd);
	const iso = ymdToIso(ymd);
	return isoToYmd(iso) ? iso : null;
}

// ---- Month grids (the date picker) ------------------------------------------------

export type Calendar = CalendarName;
/** A weekday as Date#getUTCDay numbers it: 0 Sunday … 6 Saturday. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

const DAY_MS = 86_400_000;
const isoToTime = (iso: string) => {
	const g = isoToYmd(iso);
	return g ? Date.UTC(g.y, g.m - 1, g.d) : NaN;
};
const timeToIso = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Today as an ISO date in the device's time zone (not UTC: in Tehran at 01:00 it is already tomorrow). */
export function todayIso(now: Date = new Date()): string {
	return ymdToIso({ y: now.getFullYear(), m: now.getMonth() + 1, d: now.getDate() });
}

/** An ISO date as year/month/day of `calendar`. */
export const toCalendar = (iso: string, calendar: Calendar): YMD | null => ymdIn(calendar, iso);

/** Year/month/day of `calendar` as an ISO date, or null if there is no such day. */
export function fromCalendar(ymd: YMD, calendar: Calendar): string | null {
	if (calendar === 'persian') return persianToGregorian(ymd);
	const iso = ymdToIso(ymd);
	return isoToYmd(iso) ? iso : null;
}

/** Esfand has 30 days in a Persian leap year (as Intl's Persian calendar counts them). */
export function isPersianLeapYear(y: number): boolean {
	return persianToGregorian({ y, m: 12, d: 30 }) !== null;
}

/** Days in month `m` (1-12) of year `y`: Persian months are 31 ×6, 30 ×5, then 29/30. */
export function daysInMonth(y: number, m: number, calendar: Calendar): number {
	if (calendar === 'persian') {
		if (m <= 6) return 31;
		if (m <= 11) return 30;
		return isPersianLeapYear(y) ? 30 : 29;
	}
	return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function weekdayOf(iso: string): Weekday {
	return new Date(isoToTime(iso)).getUTCDay() as Weekday;
}

export function addDays(iso: string, days: number): string {
	return timeToIso(isoToTime(iso) + days * DAY_MS);
}

/** Move by whole months in `calendar`, keeping the day (or the month's last day when shorter). */
export function addMonths(iso: string, months: number, calendar: Calendar): string {
	const c = toCalendar(iso, calendar);
	if (!c) return iso;
	const index = c.y * 12 + (c.m - 1) + months;
	const y = Math.floor(index / 12);
	const m = (index % 12) + 1;
	return fromCalendar({ y, m, d: Math.min(c.d, daysInMonth(y, m, calendar)) }, calendar) ?? iso;
}

/** The first day of the week holding `iso`, for a week starting on `weekStart`. */
export function startOfWeek(iso: string, weekStart: Weekday): string {
	return addDays(iso, -((weekdayOf(iso) - weekStart + 7) % 7));
}

export function endOfWeek(iso: string, weekStart: Weekday): string {
	return addDays(startOfWeek(iso, weekStart), 6);
}

/** `iso` moved into [min, max] (either bound may be missing). ISO dates sort as text. */
export function clampDate(iso: string, min?: string | null, max?: string | null): string {
	if (min && iso < min) return min;
	if (max && iso > max) return max;
	return iso;
}

export interface MonthGrid {
	/** The month shown, in `calendar`. */
	year: number;
	month: number;
	days: number;
	/** ISO of the month's first and last day. */
	first: string;
	last: string;
	/** The weekdays in column order. */
	weekdays: Weekday[];
	/** Rows of seven cells; a cell is the ISO date of a day of this month, or null (padding). */
	weeks: (string | null)[][];
}

/** Month `month` of `year` in `calendar`, laid out in weeks starting on `weekStart`. */
export function monthGrid(opts: {
	year: number;
	month: number;
	calendar: Calendar;
	weekStart: Weekday;
}): MonthGrid {
	const { year, month, calendar, weekStart } = opts;
	const days = daysInMonth(year, month, calendar);
	const first = fromCalendar({ y: year, m: month, d: 1 }, calendar);
	if (!first) throw new RangeError(`no month ${year}-${month} in the ${calendar} calendar`);
	const lead = (weekdayOf(first) - weekStart + 7) % 7;
	const cells: (string | null)[] = Array.from({ length: lead }, () => null);
	for (let d = 0; d < days; d++) cells.push(addDays(first, d));
	while (cells.length % 7 !== 0) cells.push(null);
	const weeks: (string | null)[][] = [];
	for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
	const weekdays = Array.from({ length: 7 }, (_, i) => ((weekStart + i) % 7) as Weekday);
	return { year, month, days, first, last: addDays(first, days - 1), weekdays, weeks };
}

/** An ISO date as a person types it in `calendar`: 2026-11-22, or 1405/09/01 (Latin digits). */
export function dateInputText(iso: string, calendar: Calendar): string {
	if (calendar === 'gregory') return isoToYmd(iso) ? iso : '';
	const p = ymdIn('persian', iso);
	return p ? ymdToIso(p).replaceAll('-', '/') : '';
}

/**
 * The association's fiscal calendar (settings `config.fiscalCalendar`): the calendar
 * the ledger's years and quarters are in, the dues year a charge is for, the fee
 * schedule's years and the quarterly dues figures. Pure.
 *
 *  - `gregory`: the year runs 1 January – 31 December; Q1 is January–March.
 *  - `persian`: the Solar Hijri year runs 1 Farvardin (Nowruz, 20–22 March) –
 *    29/30 Esfand; Q1 is Farvardin–Khordad, Q4 Dey–Esfand.
 *
 * Dates stay ISO Gregorian days everywhere; only the years and quarters derived
 * from them follow this calendar. An absent setting is `gregory`, so a ledger kept
 * before the setting existed keeps its meaning. Changing the setting renumbers
 * nothing: a charge keeps the `year` it was written with.
 */
import { CALENDARS, ymdIn, type CalendarName } from './calendar';
import {
	persianQuarterPeriod,
	persianYearPeriod,
	quarterPeriod,
	yearPeriod,
	type Period
} from './report';
import { readWholeNumber } from './text';

export const DEFAULT_FISCAL_CALENDAR: CalendarName = 'gregory';

/**
 * The years a ledger stores, per calendar. They do not overlap, so a stored year
 * says which calendar it is in; the Persian range ends below PERSIAN_YEAR_LIMIT,
 * the year from which a date typed in the Persian calendar is read as Gregorian.
 */
export const FISCAL_YEAR_RANGE = {
	gregory: { min: 1900, max: 2200 },
	persian: { min: 1300, max: 1600 }
} as const satisfies Record<CalendarName, { min: number; max: number }>;

export type Quarter = 1 | 2 | 3 | 4;

/** The setting as stored, or `gregory` when absent or not a calendar. */
export function readFiscalCalendar(value: unknown): CalendarName {
	return typeof value === 'string' && (CALENDARS as readonly string[]).includes(value)
		? (value as CalendarName)
		: DEFAULT_FISCAL_CALENDAR;
}

/** A whole year within `calendar`'s range. */
export function isFiscalYear(y: number, calendar: CalendarName): boolean {
	const r = FISCAL_YEAR_RANGE[calendar];
	return Number.isInteger(y) && y >= r.min && y <= r.max;
}

/**
 * The calendar a stored dues year is in (the ranges do not overlap), or null for a
 * number that is a year of neither: 1405 is Solar Hijri, 2026 Gregorian.
 */
export function calendarOfYear(y: number): CalendarName | null {
	return CALENDARS.find((c) => isFiscalYear(y, c)) ?? null;
}

/** The fiscal year an ISO date falls in (2026-03-20 is 1404, 2026-03-21 is 1405), or null. */
export function fiscalYearOf(iso: string, calendar: CalendarName): number | null {
	return ymdIn(calendar, iso)?.y ?? null;
}

/** The fiscal year and quarter an ISO date falls in, or null. */
export function fiscalQuarterOf(
	iso: string,
	calendar: CalendarName
): { year: number; quarter: Quarter } | null {
	const ymd = ymdIn(calendar, iso);
	return ymd ? { year: ymd.y, quarter: (Math.floor((ymd.m - 1) / 3) + 1) as Quarter } : null;
}

/** Fiscal year `year` as ISO days (both inclusive): the reports' own periods. */
export function fiscalYearPeriod(year: number, calendar: CalendarName): Period {
	return calendar === 'persian' ? persianYearPeriod(year) : yearPeriod(year);
}

/** Quarter `q` of fiscal year `year` as ISO days (both inclusive). */
export function fiscalQuarterPeriod(year: number, q: Quarter, calendar: CalendarName): Period {
	return calendar === 'persian' ? persianQuarterPeriod(year, q) : quarterPeriod(year, q);
}

/** The first day of fiscal year `year` (1 January, or 1 Farvardin) as an ISO date. */
export const fiscalYearStart = (year: number, calendar: CalendarName): string =>
	fiscalYearPeriod(year, calendar).from;

export type YearReading =
	| { ok: true; year: number }
	/** Not a whole number, or a year of no calendar the ledger knows. */
	| { ok: false; reason: 'notYear' }
	/** A year of the other calendar (۲۰۲۶ typed on a Solar Hijri ledger). */
	| { ok: false; reason: 'otherCalendar'; year: number; calendar: CalendarName };

/**
 * A fiscal year as a person types it, in any digits (۱۴۰۵, 1405, ２０２６): a year
 * of `calendar`'s range, or why not, so the message can say what to type.
 */
export function readFiscalYear(text: string, calendar: CalendarName): YearReading {
	const y = readWholeNumber(text);
	if (y === null) return { ok: false, reason: 'notYear' };
	if (isFiscalYear(y, calendar)) return { ok: true, year: y };
	const other = CALENDARS.find((c) => c !== calendar && isFiscalYear(y, c));
	return other
		? { ok: false, reason: 'otherCalendar', year: y, calendar: other }
		: { ok: false, reason: 'notYear' };
}

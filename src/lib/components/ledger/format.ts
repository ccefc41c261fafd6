/**
 * How ledger values read in the current language: money in the reader's digits
 * and the organisation's currency, entry kinds and payment methods by name, a
 * member as "number · name".
 */
import type { CalendarName } from '$lib/domain/calendar';
import { calendarOfYear, fiscalYearOf, fiscalYearPeriod, readFiscalYear } from '$lib/domain/fiscal';
import {
	currencySymbol,
	formatMoney,
	minorDigits,
	parseMoney,
	type MoneyError
} from '$lib/domain/money';
import type { MemberRow } from '$lib/domain/member';
import { todayIso } from '$lib/i18n/calendar';
import {
	formatDate,
	formatNumberIn,
	i18n,
	joinMeta,
	meta,
	t,
	tIn,
	type MessageKey
} from '$lib/i18n/index.svelte';
import { memberNoText } from '$lib/components/grid/format';
import { LOCALE_META, type Locale } from '$lib/i18n/locales';

export function money(amount: number, currency: string, opts: { plain?: boolean } = {}): string {
	return formatMoney({ amount, currency, locale: meta().bcp47, plain: opts.plain });
}

/** The currency named as the amounts name it (ریال in Persian): for headings, "Amount (ریال)". */
export const currencyName = (currency: string) =>
	currencySymbol({ currency, locale: meta().bcp47 });

/** Money in another language than the reader's (a reminder letter in the member's). */
export function moneyIn(locale: Locale, amount: number, currency: string): string {
	return formatMoney({ amount, currency, locale: LOCALE_META[locale].bcp47 });
}

export const kindLabel = (k: string) => t(`ledger.kind.${k}` as MessageKey);
export const methodLabel = (m: string | undefined) =>
	m ? t(`ledger.method.${m}` as MessageKey) : '';
/**
 * Why a typed amount cannot be read, with an example in `currency` (1,200,000 rials,
 * 1,200.50 yuan); for tomans, the amount typed in rials when it could be read.
 */
export function moneyError(r: { error: MoneyError; inRials?: number }, currency: string): string {
	const d = minorDigits(currency);
	const amount = r.inRials ?? (d === 0 ? 1_200_000 : 1200 * 10 ** d + 5 * 10 ** (d - 1));
	const example = money(amount, currency, { plain: true });
	return t(`ledger.moneyError.${r.error}` as MessageKey, {
		example,
		currency: currencyFullName(currency)
	});
}

/** The currency's name in the reader's language ("Iranian rial", «ریال ایران», "人民币"). */
function currencyFullName(currency: string): string {
	try {
		return new Intl.DisplayNames(meta().bcp47, { type: 'currency' }).of(currency) ?? currency;
	} catch {
		return currency;
	}
}

/**
 * "۰۰۰۱۲ · name": the member number as printed on the certificate, in the reader's
 * digits. Searches fold digits (foldForSearch), so typed Persian or Latin digits both
 * find it; a search by the bare number (12) finds it inside the printed one.
 */
export function memberLabel(m: MemberRow | undefined, fallbackId = ''): string {
	const { no, name } = memberLabelParts(m, fallbackId);
	return joinMeta(no, name);
}

/**
 * memberLabel's two parts, for markup that isolates the name (MemberLabel.svelte): the
 * printed number (null without one) and the name, or what stands for a missing one.
 */
export function memberLabelParts(
	m: MemberRow | undefined,
	fallbackId = ''
): { no: string | null; name: string } {
	if (!m) {
		return {
			no: null,
			name: fallbackId ? t('ledger.unknownMember', { id: fallbackId.slice(0, 8) }) : ''
		};
	}
	return {
		no: m.memberNo !== undefined ? memberNoText(m) : null,
		name: m.name ?? t('ledger.unnamed')
	};
}

/** Parse a typed amount for `currency`; the error message when it cannot be read. */
export function readAmount(
	text: string,
	currency: string
): { ok: true; amount: number } | { ok: false; message: string } {
	const r = parseMoney(text, currency);
	if (r.ok) {
		if (r.amount <= 0) return { ok: false, message: t('ledger.moneyError.zero') };
		return r;
	}
	return { ok: false, message: moneyError(r, currency) };
}

/** Today as an ISO date in the device's time zone (one definition, in the calendar module). */
export { todayIso };

// ---- fiscal years -------------------------------------------------------------------
// A year is shown as the association keeps it (1405 in a Solar Hijri ledger, for
// every reader) in the reader's digits (۱۴۰۵ in Persian); the field's label and the
// span under the year boxes say which calendar it is when that is not Gregorian.

/** This fiscal year: today's year in the association's fiscal calendar. */
export const thisFiscalYear = (calendar: CalendarName): number =>
	fiscalYearOf(todayIso(), calendar) ?? new Date().getFullYear();

/** The label of a dues-year field or column, naming the calendar when it is Solar Hijri. */
export const yearLabel = (calendar: CalendarName): string =>
	t(calendar === 'persian' ? 'ledger.year.persian' : 'ledger.year');

/**
 * A heading of years, "Years (Solar Hijri)" on a Solar Hijri ledger, as it is on a
 * Gregorian one; in `locale` for a document in another language than the reader's.
 */
export const yearsHeading = (
	text: string,
	calendar: CalendarName,
	locale: Locale = i18n.locale
): string => (calendar === 'persian' ? tIn(locale, 'ledger.inSolarHijri', { text }) : text);

/**
 * A dues year where nothing around it names the calendar (a letter, a line of a
 * printed list): "1405 (Solar Hijri)", or "2026" for a Gregorian year, in `locale`'s
 * digits. The year's own calendar, read from its range: a ledger that changed its
 * fiscal calendar keeps the years it charged before.
 */
export const fiscalYearText = (year: number, locale: Locale = i18n.locale): string =>
	yearsHeading(formatNumberIn(locale, year), calendarOfYear(year) ?? 'gregory', locale);

/**
 * A row's dues years in a CSV whose column is headed in `listCalendar` (yearsCalendar):
 * Latin digits, as the CSV's other numbers; each year names its calendar when the
 * column holds both.
 */
export const yearsInCsv = (years: readonly number[], listCalendar: CalendarName | null): string =>
	years
		.map((y) =>
			listCalendar === null ? yearsHeading(String(y), calendarOfYear(y) ?? 'gregory') : String(y)
		)
		.join(' ');

/**
 * The calendar a list of dues years is in, for its heading: the years' own
 * (calendarOfYear), not the setting's, since a ledger that switched its fiscal
 * calendar keeps the years it charged before; the setting when the list has none;
 * null when it holds years of both (then the heading names none, and each year its own).
 */
export function yearsCalendar(
	years: Iterable<number | null | undefined>,
	calendar: CalendarName
): CalendarName | null {
	const seen = new Set<CalendarName>();
	for (const y of years) if (y != null) seen.add(calendarOfYear(y) ?? 'gregory');
	return seen.size === 0 ? calendar : seen.size === 1 ? [...seen][0] : null;
}

/**
 * A dues year in a list whose heading says `listCalendar` (yearsCalendar): bare under
 * a heading that names its calendar, "1405 (Solar Hijri)" in a list of both.
 */
export const yearInList = (year: number, listCalendar: CalendarName | null): string =>
	listCalendar === null ? fiscalYearText(year) : formatNumberIn(i18n.locale, year);

/**
 * Why `text` is not a dues year of `calendar`, saying what to type (a Gregorian year
 * on a Solar Hijri ledger is named as such); '' when it is one.
 */
export function yearError(text: string, calendar: CalendarName): string {
	const r = readFiscalYear(text, calendar);
	if (r.ok) return '';
	const example = thisFiscalYear(calendar);
	return r.reason === 'otherCalendar'
		? t(`ledger.otherCalendarYear.${calendar}`, { year: r.year, example })
		: t(`ledger.badYear.${calendar}`, { example });
}

/** "Fiscal year 1405 (Solar Hijri): 21 Mar 2026 to 20 Mar 2027", days in the reader's calendar. */
export function fiscalYearSpan(year: number, calendar: CalendarName): string {
	const p = fiscalYearPeriod(year, calendar);
	return t('ledger.fiscalYearSpan', {
		year,
		calendar: t(`reports.calendar.${calendar}`),
		from: formatDate(p.from),
		to: formatDate(p.to)
	});
}

/**
 * A discount credit ([L10]) as the statement, the Entries page and the reverse dialog
 * name it: the discount's name (its kind when it was deleted since) and the charge it
 * applies to, "Early bird, on the 2031 dues" or "…, on the charge of 3 May 2026".
 */
export function discountCreditText(
	credit: { discountId?: string },
	charge: { year?: number; date: string } | undefined,
	discounts: readonly { id: string; name: string }[]
): string {
	const name = discounts.find((d) => d.id === credit.discountId)?.name ?? t('ledger.dues.discount');
	if (charge?.year !== undefined)
		return t('ledger.discountCredit.onYear', { name, year: fiscalYearText(charge.year) });
	if (charge) return t('ledger.discountCredit.onCharge', { name, date: formatDate(charge.date) });
	return name;
}

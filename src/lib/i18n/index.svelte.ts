/**
 * The i18n layer: every user-facing string goes through `t()`. The current locale
 * is reactive state; reading `t()` in a template re-renders on a locale change.
 * The locale is remembered on the device (localStorage, read before first paint)
 * and sets <html lang dir>.
 */
import { admin } from './messages/admin';
import { auth } from './messages/auth';
import { common } from './messages/common';
import { datepicker } from './messages/datepicker';
import { importexport } from './messages/importexport';
import { ledger } from './messages/ledger';
import { members } from './messages/members';
import { joining } from './messages/joining';
import { memberfile } from './messages/memberfile';
import { reports } from './messages/reports';
import { surveys } from './messages/surveys';
import { firstpaint } from './messages/firstpaint';
import { recruitment } from './messages/recruitment';
import { LOCALE_META, isLocale, type Locale } from './locales';
import { dateInputText, parseUserDate, type Calendar } from './calendar';

const modules = [
	common,
	auth,
	admin,
	members,
	memberfile,
	reports,
	importexport,
	surveys,
	joining,
	ledger,
	datepicker,
	firstpaint,
	recruitment
] as const;
// Distributes over the modules: the union of every module's English keys.
type KeysOf<M> = M extends { en: infer E } ? keyof E : never;
export type MessageKey = KeysOf<(typeof modules)[number]> & string;

const dicts = Object.fromEntries(
	(['en', 'fa', 'zh'] as const).map((l) => [l, Object.assign({}, ...modules.map((m) => m[l]))])
) as Record<Locale, Record<MessageKey, string>>;

const STORAGE_KEY = 'gh.locale';

class I18nState {
	locale = $state<Locale>('en');
}
export const i18n = new I18nState();

export type Params = Record<string, string | number>;

export function t(key: MessageKey, params?: Params): string {
	return tIn(i18n.locale, key, params);
}

/**
 * A message in `locale` rather than the reader's (a letter printed in the member's
 * language), numbers in that language's digits.
 */
export function tIn(locale: Locale, key: MessageKey, params?: Params): string {
	const dict = dicts[locale];
	const count = params?.count;
	const k =
		count === 1 && (`${key}_one` as MessageKey) in dict ? (`${key}_one` as MessageKey) : key;
	const s = dict[k] ?? dicts.en[k] ?? key;
	if (!params) return s;
	return s
		.replace(PLURAL, (_, p: string, one: string, other: string) => {
			const v = params[p];
			const form = typeof v === 'number' && pluralRules(locale).select(v) === 'one' ? one : other;
			return form.replace('#', `{${p}}`);
		})
		.replace(/\{(\w+)\}/g, (_, p: string) => {
			const v = params[p];
			return v === undefined ? `{${p}}` : typeof v === 'number' ? formatNumberIn(locale, v) : v;
		});
}

/**
 * `{rows, plural, one {# row} other {# rows}}`: the form of the noun (and verb) that the
 * number takes, `#` standing for the number, as in ICU MessageFormat; for messages with
 * several counts, where a `_one` key cannot say which is 1. By the language's plural
 * rules: English needs it; Persian and Chinese write a noun after a number the same.
 */
const PLURAL = /\{(\w+), plural, one \{([^{}]*)\} other \{([^{}]*)\}\}/g;
// A memo of Intl objects, not state (as `cache` above).
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const plurals = new Map<Locale, Intl.PluralRules>();
function pluralRules(locale: Locale): Intl.PluralRules {
	let r = plurals.get(locale);
	if (!r) plurals.set(locale, (r = new Intl.PluralRules(LOCALE_META[locale].bcp47)));
	return r;
}

/** True when the key exists (for keys built at run time, such as option labels). */
export function hasMessage(key: string): key is MessageKey {
	return key in dicts.en;
}

export const meta = () => LOCALE_META[i18n.locale];
export const dir = () => meta().dir;

type Formatter = Intl.NumberFormat | Intl.DateTimeFormat | Intl.ListFormat;
// A memo of Intl formatters, not state: nothing renders from it, so a plain Map.
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const cache = new Map<string, Formatter>();
function fmt<T extends Formatter>(key: string, make: () => T): T {
	let f = cache.get(key);
	if (!f) cache.set(key, (f = make()));
	return f as T;
}

export function formatNumber(n: number): string {
	return formatNumberIn(i18n.locale, n);
}

/** A number as `locale` writes it, without grouping (a year, a count in a letter). */
export function formatNumberIn(locale: Locale, n: number): string {
	// Whole numbers without grouping need no Intl: the first Intl object of a page
	// costs Chromium 30–50 ms (ICU), and opening the registry formats member numbers
	// and counts only. The same digits as Intl's (tests/unit/client-sync.test.ts checks).
	if (Number.isSafeInteger(n) && n >= 0) return localDigits(String(n), locale);
	const l = LOCALE_META[locale].bcp47;
	return fmt(`n:${l}`, () => new Intl.NumberFormat(l, { useGrouping: false })).format(n);
}

/**
 * A list in the reader's language: "phone and email", «تلفن و ایمیل», "电话和电子邮件".
 * `semicolons` for items that may hold commas themselves (sentences): "a; b",
 * «الف؛ ب», "甲；乙".
 */
export function formatList(items: readonly string[], opts: { semicolons?: boolean } = {}): string {
	if (opts.semicolons) return items.join(t('list.semicolon'));
	const l = meta().bcp47;
	return fmt(`l:${l}`, () => new Intl.ListFormat(l, { type: 'conjunction' })).format(items);
}

/**
 * The parts of one line of details, those given, with the reader's separator:
 * "GH-00002 · Pars Tile", «ع-۰۰۰۰۲ | کاشی پارس» (a middle dot beside Persian digits
 * reads as the zero «۰»).
 */
export function joinMeta(...parts: (string | null | undefined | false)[]): string {
	return parts.filter((p): p is string => typeof p === 'string' && p !== '').join(t('list.meta'));
}

/** An ISO date (`YYYY-MM-DD`) as the UTC midnight that Intl formats in `timeZone: 'UTC'`; null if not one. */
function isoDay(iso: string): Date | null {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
	return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : null;
}

/** An ISO date (`YYYY-MM-DD`) in the reader's calendar: Persian for fa, 2026年11月22日 for zh. */
export function formatDate(iso: string | undefined | null): string {
	if (!iso) return '';
	const d = isoDay(iso);
	if (!d) return iso;
	const { bcp47, calendar } = meta();
	const f = fmt(
		`d:${bcp47}`,
		() =>
			new Intl.DateTimeFormat(`${bcp47}-u-ca-${calendar}`, {
				timeZone: 'UTC',
				year: 'numeric',
				month: i18n.locale === 'en' ? 'short' : 'long',
				day: 'numeric'
			})
	);
	return f.format(d);
}

/**
 * The month of an ISO date with its year, in `calendar` (the reader's by default):
 * "آبان ۱۴۰۵", "2026年10月", "October 2026". Persian writes the month first; ICU's
 * pattern for the Persian calendar puts the year first ("۱۴۰۵ آبان"), so the parts are
 * put in order here.
 */
export function formatMonth(
	iso: string,
	calendar: Calendar = meta().calendar,
	month: 'long' | 'short' = 'long'
): string {
	const d = isoDay(iso);
	if (!d) return iso;
	const { bcp47 } = meta();
	const f = fmt(
		`m:${bcp47}:${calendar}:${month}`,
		() =>
			new Intl.DateTimeFormat(`${bcp47}-u-ca-${calendar}`, {
				timeZone: 'UTC',
				year: 'numeric',
				month
			})
	);
	if (i18n.locale !== 'fa') return f.format(d);
	const parts = f.formatToParts(d);
	const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
	return `${part('month')} ${part('year')}`;
}

const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';
/**
 * ASCII digits in the reader's digits (Persian for fa), or in `locale`'s (a document
 * printed in another language than the reader's). For display only: what is stored
 * and searched keeps ASCII digits.
 */
export function localDigits(s: string, locale: Locale = i18n.locale): string {
	return locale === 'fa' ? s.replace(/\d/g, (d) => PERSIAN_DIGITS[+d]) : s;
}

/**
 * A plain decimal ('50000000', '12.50') as the reader would type it into a field:
 * grouped, in their digits and decimal sign (۵۰٬۰۰۰٬۰۰۰ and ۱۲٫۵۰ in Persian,
 * 50,000,000 otherwise). The amount parsers read it back (domain/settings.ts
 * decimalToMinor, domain/money.ts parseMoney). Anything else is returned as it is.
 */
export function formatDecimalInput(s: string): string {
	const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s);
	if (!m) return s;
	const fa = i18n.locale === 'fa';
	const whole = m[2].replace(/\B(?=(\d{3})+(?!\d))/g, fa ? '\u066c' : ',');
	return localDigits(m[1] + whole + (m[3] ? (fa ? '\u066b' : '.') + m[3] : ''));
}

/**
 * An ISO date as the reader types it: ۱۴۰۵/۰۹/۰۱ in Persian, 2026-11-22 otherwise
 * (`calendar`: another calendar than the reader's, in the reader's digits).
 */
export function formatDateInput(
	iso: string | undefined | null,
	calendar: Calendar = meta().calendar
): string {
	return iso ? localDigits(dateInputText(iso, calendar)) : '';
}

/** A date typed in the reader's calendar (any digits; ISO always accepted) → ISO, or null. */
export function parseDateInput(text: string, calendar: Calendar = meta().calendar): string | null {
	return parseUserDate(text, calendar);
}

/** An ISO date-time in the reader's calendar and local time. */
export function formatDateTime(iso: string | undefined | null): string {
	if (!iso) return '';
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a value to format, never mutated
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return iso;
	const { bcp47, calendar } = meta();
	return fmt(
		`dt:${bcp47}`,
		() =>
			new Intl.DateTimeFormat(`${bcp47}-u-ca-${calendar}`, {
				dateStyle: 'medium',
				timeStyle: 'short'
			})
	).format(d);
}

function apply(l: Locale) {
	i18n.locale = l;
	if (typeof document !== 'undefined') {
		document.documentElement.lang = LOCALE_META[l].bcp47;
		document.documentElement.dir = LOCALE_META[l].dir;
	}
}

/** Called once at start-up, before first paint: the device's remembered locale. */
export function initLocale(): Locale {
	let l: Locale = 'en';
	try {
		const saved = localStorage.getItem(STORAGE_KEY);
		if (isLocale(saved)) l = saved;
		else {
			const nav = navigator.language.slice(0, 2);
			if (isLocale(nav)) l = nav;
		}
	} catch {
		/* storage unavailable: use the default */
	}
	apply(l);
	return l;
}

export function setLocale(l: Locale): void {
	apply(l);
	try {
		localStorage.setItem(STORAGE_KEY, l);
	} catch {
		/* private mode: the choice lasts for this tab */
	}
}

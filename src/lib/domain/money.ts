/**
 * Money as integers in the currency's minor unit (cents, fen), or in whole units for
 * currencies without one in practice (IRR, JPY). Never floating point: arithmetic is
 * on safe integers (BigInt where a product could overflow), formatting hands Intl an
 * exact decimal string, and parsing reads digits, never `parseFloat`.
 */
import { normalizeDigits } from './text';

/** Minor-unit digits per ISO 4217 code. IRR: the rial has no coin in use; CLDR uses 0. */
const MINOR_DIGITS: Record<string, number> = {
	IRR: 0,
	IRT: 0,
	JPY: 0,
	KRW: 0,
	VND: 0,
	CNY: 2,
	USD: 2,
	EUR: 2,
	GBP: 2,
	HKD: 2,
	TWD: 2,
	AED: 2,
	KWD: 3,
	BHD: 3,
	OMR: 3
};

export const DEFAULT_CURRENCY = 'IRR';
export const CURRENCY_PATTERN = /^[A-Z]{3}$/;
/** Largest amount we accept: a safe integer, so sums of thousands of entries stay exact. */
export const MAX_AMOUNT = 999_999_999_999_999;

const isoDigits = new Map<string, number>();

/**
 * Minor-unit digits of `currency`: the table above, else ISO 4217's as Intl knows
 * them (JOD 3, CLP 0), else 2. The one answer for the ledger and the settings' fees.
 */
export function minorDigits(currency: string): number {
	const known = MINOR_DIGITS[currency];
	if (known !== undefined) return known;
	let d = isoDigits.get(currency);
	if (d === undefined) {
		try {
			d = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
				.maximumFractionDigits as number;
		} catch {
			d = 2;
		}
		isoDigits.set(currency, d);
	}
	return d;
}

export function isAmount(n: unknown): n is number {
	return typeof n === 'number' && Number.isSafeInteger(n);
}

/** Sum of integer amounts; throws if the result is no longer exact. */
export function sumAmounts(amounts: Iterable<number>): number {
	let s = 0;
	for (const a of amounts) {
		if (!isAmount(a)) throw new TypeError(`not an integer amount: ${a}`);
		s += a;
	}
	if (!Number.isSafeInteger(s)) throw new RangeError('amount overflow');
	return s;
}

/**
 * `amount × basisPoints / 10000`, rounded half away from zero (10000 bp = 100 %).
 * Used for percentage discounts.
 */
export function percentOf(amount: number, basisPoints: number): number {
	if (!isAmount(amount) || !Number.isInteger(basisPoints)) throw new TypeError('integers only');
	const p = BigInt(amount) * BigInt(basisPoints);
	const neg = p < 0n;
	const abs = neg ? -p : p;
	const q = (abs + 5000n) / 10000n;
	return Number(neg ? -q : q);
}

/**
 * Split `total` in proportion to `weights` (largest remainder): the parts are
 * integers and add up to `total` exactly.
 */
export function splitProportional(total: number, weights: readonly number[]): number[] {
	const w = weights.map((x) => BigInt(Math.max(0, x)));
	const sum = w.reduce((a, b) => a + b, 0n);
	if (sum === 0n) return weights.map(() => 0);
	const t = BigInt(total);
	const parts = w.map((x) => (t * x) / sum);
	const rems = w.map((x, i) => ({ i, r: (t * x) % sum }));
	let left = t - parts.reduce((a, b) => a + b, 0n);
	rems.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
	for (const { i } of rems) {
		if (left <= 0n) break;
		parts[i] += 1n;
		left -= 1n;
	}
	return parts.map(Number);
}

/** `12345` minor units of USD → "123.45" (exact decimal string, ASCII digits). */
export function toDecimalString(amount: number, currency: string): string {
	if (!isAmount(amount)) throw new TypeError(`not an integer amount: ${amount}`);
	const d = minorDigits(currency);
	const neg = amount < 0;
	const s = String(Math.abs(amount));
	if (d === 0) return (neg ? '-' : '') + s;
	const padded = s.padStart(d + 1, '0');
	return `${neg ? '-' : ''}${padded.slice(0, -d)}.${padded.slice(-d)}`;
}

export interface FormatMoneyOptions {
	amount: number;
	currency: string;
	/** BCP 47 tag: `fa-IR` gives Persian digits, `zh-CN` Chinese conventions. */
	locale: string;
	/** Without the currency sign (for grid cells under a currency header). */
	plain?: boolean;
	/** A plus sign on a positive amount too: a change, "+1,200,000". */
	signed?: boolean;
}

// Formatters are costly to make; one per (locale, currency, plain).
const formatters = new Map<string, Intl.NumberFormat>();

function formatter(o: Omit<FormatMoneyOptions, 'amount'>): Intl.NumberFormat {
	const d = minorDigits(o.currency);
	const key = `${o.locale}|${o.currency}|${o.plain ? 1 : 0}|${o.signed ? 1 : 0}`;
	let f = formatters.get(key);
	if (!f) {
		f = new Intl.NumberFormat(o.locale, {
			...(o.plain ? {} : { style: 'currency', currency: o.currency }),
			...(o.signed ? { signDisplay: 'exceptZero' as const } : {}),
			minimumFractionDigits: d,
			maximumFractionDigits: d
		});
		formatters.set(key, f);
	}
	return f;
}

const NUMBER_PARTS = new Set(['integer', 'group', 'decimal', 'fraction']);
const LRM = '\u200E';

export function formatMoney(o: FormatMoneyOptions): string {
	// A decimal string is formatted exactly (Intl.NumberFormat v3), never via a double.
	const value = toDecimalString(o.amount, o.currency) as unknown as number;
	if (o.plain || !o.locale.startsWith('fa')) return formatter(o).format(value);
	// Persian writes the amount, then the currency: «۱۵۰٬۰۰۰٬۰۰۰ ریال». CLDR puts the
	// sign first («ریال ۱۵۰…»), which also left a minus on the currency's name, far from
	// the digits in a right-to-left line. The sign stays on the digits (kept left-to-right
	// by marks, as CLDR marks it), and a no-break space keeps the name on their line.
	const parts = formatter(o).formatToParts(value);
	const sign = parts.find((p) => p.type === 'minusSign' || p.type === 'plusSign');
	const digits = parts
		.filter((p) => NUMBER_PARTS.has(p.type))
		.map((p) => p.value)
		.join('');
	const name = parts.find((p) => p.type === 'currency')?.value ?? o.currency;
	return `${sign ? LRM + sign.value + LRM : ''}${digits}\u00A0${name}`;
}

/**
 * The currency as `formatMoney` writes it beside an amount in `locale` (ریال in
 * Persian, IRR or US$ in English): for a heading over plain amounts, "Amount (ریال)".
 */
export function currencySymbol(o: { currency: string; locale: string }): string {
	const parts = formatter(o).formatToParts(0);
	return parts.find((p) => p.type === 'currency')?.value ?? o.currency;
}

export const MONEY_ERROR = {
	empty: 'empty',
	invalid: 'invalid',
	tooPrecise: 'tooPrecise',
	negative: 'negative',
	tooLarge: 'tooLarge',
	/** A thousands separator that does not stand between groups of three ("1,5"). */
	grouping: 'grouping',
	/** Another currency's code, sign or name ("100 USD" in a yuan ledger, "$100" in rials). */
	otherCurrency: 'otherCurrency',
	/** Tomans in a rial ledger: ten rials each, the unit many Iranians count in. */
	toman: 'toman'
} as const;
export type MoneyError = (typeof MONEY_ERROR)[keyof typeof MONEY_ERROR];

export type ParsedMoney =
	| { ok: true; amount: number }
	/** `inRials`: with `toman`, the amount typed, in rials, when it could be read. */
	| { ok: false; error: MoneyError; inRials?: number };

// Grouping marks people type or paste: comma, Arabic thousands sign, Persian/Arabic
// comma, apostrophe (Swiss), spaces including narrow and no-break ones.
const GROUPING_MARK = "[,\u066C\u060C'’\\s\u00A0\u202F\u2009]";
const GROUPING = new RegExp(GROUPING_MARK, 'g');
const HAS_GROUPING = new RegExp(GROUPING_MARK);
/** Whole units grouped by threes: "1,200,000", "۱٬۲۰۰٬۰۰۰", "1 200 000". */
const GROUPED = new RegExp(`^\\d{1,3}(?:${GROUPING_MARK}\\d{3})+$`);
/**
 * Typed with a Chinese input method in full-width mode: the full-width comma (，) and
 * the ideographic comma (、) group thousands only in groups of three ("123，456");
 * "1，5" may be a decimal comma and "1、2" a list, so those are refused.
 */
const WIDE_GROUPING = /[\uFF0C\u3001]/g;
const WIDE_GROUPED = /^\d{1,3}(?:[\uFF0C\u3001]\d{3})+(?:[.\u066B]\d*)?$/;
const SIGNS_AND_CODES = /^[^\d.\u066B]*|[^\d.\u066B]*$/g;
/** What may stand around the number of some currency: a sign, a code or a name. */
const CURRENCY_AFFIX =
	/^[\s\p{Sc}]*(?:[A-Za-z]{2,3}|ریال|ريال|تومان|تومن|元|人民币|美元|toman|tomans|rials?)?[\s\p{Sc}]*$/iu;
/** The toman, ten rials: how many Iranians count, never the unit of a rial ledger. */
const TOMAN = new Set(['تومان', 'تومن', 'toman', 'tomans', 'irt']);
/** Names people write for a currency that Intl does not give as its symbol. */
const ALIASES: Record<string, readonly string[]> = {
	IRR: ['ریال', 'ريال', '\uFDFC', 'rial', 'rials'],
	CNY: ['￥', '元', '人民币', 'rmb'],
	JPY: ['￥', '円', '日元']
};
const affixKey = (s: string) => s.replace(/\s/g, '').toLowerCase();
const ownAffixes = new Map<string, Set<string>>();

/**
 * How an amount of `currency` may be marked: its code, its signs and names as Intl
 * writes them in our three languages (US$, $, CN¥, ¥, ریال, 人民币) and common aliases.
 */
function currencyAffixes(currency: string): Set<string> {
	let set = ownAffixes.get(currency);
	if (set) return set;
	set = new Set([affixKey(currency), ...(ALIASES[currency] ?? []).map(affixKey)]);
	for (const locale of ['en', 'fa-IR', 'zh-CN']) {
		for (const currencyDisplay of ['symbol', 'narrowSymbol', 'name'] as const) {
			try {
				const parts = new Intl.NumberFormat(locale, {
					style: 'currency',
					currency,
					currencyDisplay
				}).formatToParts(1);
				const c = parts.find((p) => p.type === 'currency')?.value;
				if (c) set.add(affixKey(c));
			} catch {
				// Not a currency Intl knows: its code and aliases only.
			}
		}
	}
	ownAffixes.set(currency, set);
	return set;
}

/**
 * What a person typed → integer minor units. Accepts Persian, Arabic-Indic and
 * full-width digits, thousands separators (full-width ones in groups of three), the
 * Arabic decimal sign (٫) and the full-width full stop (．), and `currency`'s own
 * code, sign or name around the number ("USD 1,200.50", "۱۲۰٬۰۰۰ ریال", "¥88"). Another
 * currency's is refused (`otherCurrency`), never ignored: "100 USD" is not 100 yuan.
 * Tomans in a rial ledger are refused too (`toman`, with the amount in rials), not
 * converted: the person sees the rial figure before anything is recorded. A value
 * with more decimals than the currency has is refused, not rounded.
 */
export function parseMoney(
	input: string,
	currency: string,
	opts: { allowNegative?: boolean } = {}
): ParsedMoney {
	// The full-width full stop (．) is the decimal point a Chinese input method types.
	let s = normalizeDigits(String(input ?? ''))
		.replace(/\uFF0E/g, '.')
		.trim();
	if (s === '') return { ok: false, error: MONEY_ERROR.empty };
	s = s.replace(/\u2212/g, '-');
	// A minus sign only before the first digit ("-12", "USD -12", "-$12").
	const firstDigit = s.search(/\d/);
	if (firstDigit < 0) return { ok: false, error: MONEY_ERROR.invalid };
	const minus = s.indexOf('-');
	if (minus > firstDigit && firstDigit >= 0) return { ok: false, error: MONEY_ERROR.invalid };
	const neg = minus >= 0;
	s = s.replace(/-/g, '');
	for (const affix of s.match(SIGNS_AND_CODES) ?? []) {
		const key = affixKey(affix);
		const own = currencyAffixes(currency);
		// "USD $100": each part of the affix (a run of signs, a word) may be one of its own.
		const parts = affix.match(/\p{Sc}+|[^\s\p{Sc}]+/gu) ?? [];
		if (key === '' || own.has(key) || parts.every((p) => own.has(affixKey(p)))) continue;
		if (!CURRENCY_AFFIX.test(affix)) return { ok: false, error: MONEY_ERROR.invalid };
		if (currency === 'IRR' && TOMAN.has(key)) {
			const inTomans = parseMoney(s.replace(SIGNS_AND_CODES, ''), currency);
			const inRials = inTomans.ok ? inTomans.amount * 10 : undefined;
			return inRials !== undefined && inRials <= MAX_AMOUNT
				? { ok: false, error: MONEY_ERROR.toman, inRials }
				: { ok: false, error: MONEY_ERROR.toman };
		}
		return { ok: false, error: MONEY_ERROR.otherCurrency };
	}
	s = s.replace(SIGNS_AND_CODES, '');
	if (s.search(WIDE_GROUPING) >= 0) {
		if (!WIDE_GROUPED.test(s)) return { ok: false, error: MONEY_ERROR.invalid };
		s = s.replace(WIDE_GROUPING, '');
	}
	const d = minorDigits(currency);
	// Whole-unit currencies (rials): a full stop between groups of three is grouping, as
	// many write it ("50.000", "1.000.000"), not a decimal point. The Arabic decimal sign
	// (٫) is one, so "۱۲٫۰۰۰" is not read as twelve thousand.
	if (d === 0 && /^\d{1,3}(\.\d{3})+$/.test(s)) s = s.replace(/\./g, '');
	s = s.replace(/\u066B/g, '.');
	// A separator groups whole units by threes, and only those: "1,5" may be one and a
	// half written with a decimal comma, or a slip for 15 or 1,500. Reading it as 15
	// would record a tenth or a hundredth of what was meant, so it is refused.
	const point = s.indexOf('.');
	const whole = point < 0 ? s : s.slice(0, point);
	if (HAS_GROUPING.test(whole) && !GROUPED.test(whole)) {
		return { ok: false, error: MONEY_ERROR.grouping };
	}
	if (point >= 0 && HAS_GROUPING.test(s.slice(point))) {
		return { ok: false, error: MONEY_ERROR.grouping };
	}
	s = s.replace(GROUPING, '');
	const m = /^(\d+)(?:\.(\d*))?$/.exec(s);
	if (!m) return { ok: false, error: MONEY_ERROR.invalid };
	// More decimals than the currency has are refused even when they are zeros: "12.000"
	// dollars or "۱۲٫۰۰۰" rials may mean twelve thousand written with a point.
	if ((m[2] ?? '').length > d) return { ok: false, error: MONEY_ERROR.tooPrecise };
	const frac = m[2] ?? '';
	const digits = (m[1] + frac.padEnd(d, '0')).replace(/^0+(?=\d)/, '');
	if (digits.length > 16 || Number(digits) > MAX_AMOUNT) {
		return { ok: false, error: MONEY_ERROR.tooLarge };
	}
	const amount = Number(digits);
	if (neg && amount !== 0 && !opts.allowNegative) return { ok: false, error: MONEY_ERROR.negative };
	return { ok: true, amount: neg ? -amount : amount };
}

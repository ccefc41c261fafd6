import { describe, expect, it } from 'vitest';
import {
	currencySymbol,
	formatMoney,
	minorDigits,
	parseMoney,
	percentOf,
	splitProportional,
	sumAmounts,
	toDecimalString
} from '../../src/lib/domain/money';

describe('money: integers in minor units', () => {
	it('knows minor digits: IRR none, CNY/USD two', () => {
		expect(minorDigits('IRR')).toBe(0);
		expect(minorDigits('CNY')).toBe(2);
		expect(minorDigits('USD')).toBe(2);
	});

	it('sums exactly and refuses non-integers', () => {
		expect(sumAmounts([10, 20, 30])).toBe(60);
		// 0.1 + 0.2 style drift cannot happen: amounts are integers
		expect(sumAmounts(Array.from({ length: 1000 }, () => 1))).toBe(1000);
		expect(() => sumAmounts([1.5])).toThrow();
		expect(() => sumAmounts([Number.MAX_SAFE_INTEGER, 10])).toThrow(/overflow/);
	});

	it('percentages round half away from zero, without floats', () => {
		expect(percentOf(12345, 1500)).toBe(1852); // 1851.75
		expect(percentOf(10, 500)).toBe(1); // 0.5 → 1
		expect(percentOf(-10, 500)).toBe(-1);
		expect(percentOf(999_999_999_999_999, 10000)).toBe(999_999_999_999_999);
	});

	it('splits proportionally so the parts add up exactly', () => {
		expect(splitProportional(100, [1, 1, 1])).toEqual([34, 33, 33]);
		expect(splitProportional(10, [0, 0])).toEqual([0, 0]);
		const parts = splitProportional(1_000_001, [3, 5, 7, 11]);
		expect(parts.reduce((a, b) => a + b, 0)).toBe(1_000_001);
	});

	it('turns minor units into an exact decimal string', () => {
		expect(toDecimalString(5, 'USD')).toBe('0.05');
		expect(toDecimalString(-123456, 'CNY')).toBe('-1234.56');
		expect(toDecimalString(120000, 'IRR')).toBe('120000');
	});
});

describe('money: formatting per locale', () => {
	it('IRR in Persian: Persian digits, Persian grouping, no decimals', () => {
		const s = formatMoney({ amount: 1_200_000, currency: 'IRR', locale: 'fa-IR' });
		expect(s).toContain('۱٬۲۰۰٬۰۰۰');
		expect(s).toContain('ریال');
		expect(s).not.toMatch(/[0-9]/);
	});
	it('Persian: the amount, then the currency, on one line; a sign stays on the digits', () => {
		expect(formatMoney({ amount: 150_000_000, currency: 'IRR', locale: 'fa-IR' })).toBe(
			'۱۵۰٬۰۰۰٬۰۰۰\u00A0ریال'
		);
		// Kept left-to-right by marks, so a right-to-left line shows −۱۵۰… and not ۱۵۰…−.
		expect(formatMoney({ amount: -150_000_000, currency: 'IRR', locale: 'fa-IR' })).toBe(
			'\u200E−\u200E۱۵۰٬۰۰۰٬۰۰۰\u00A0ریال'
		);
		expect(
			formatMoney({ amount: 100_000_000, currency: 'IRR', locale: 'fa-IR', signed: true })
		).toBe('\u200E+\u200E۱۰۰٬۰۰۰٬۰۰۰\u00A0ریال');
		expect(formatMoney({ amount: 0, currency: 'IRR', locale: 'fa-IR', signed: true })).toBe(
			'۰\u00A0ریال'
		);
		expect(formatMoney({ amount: 1200, currency: 'IRR', locale: 'fa-IR', plain: true })).toBe(
			'۱٬۲۰۰'
		);
		// Other languages keep their own order.
		expect(formatMoney({ amount: 500, currency: 'CNY', locale: 'zh-CN', signed: true })).toBe(
			'+¥5.00'
		);
	});
	it('CNY in Chinese and USD in English', () => {
		expect(formatMoney({ amount: 123450, currency: 'CNY', locale: 'zh-CN' })).toBe('¥1,234.50');
		expect(formatMoney({ amount: 5, currency: 'USD', locale: 'en-GB' })).toBe('US$0.05');
		expect(formatMoney({ amount: 5, currency: 'USD', locale: 'en-US' })).toBe('$0.05');
		expect(formatMoney({ amount: 123450, currency: 'USD', locale: 'en-GB', plain: true })).toBe(
			'1,234.50'
		);
	});
	it('large amounts stay exact (no double rounding)', () => {
		expect(formatMoney({ amount: 999_999_999_999_999, currency: 'USD', locale: 'en-US' })).toBe(
			'$9,999,999,999,999.99'
		);
	});
});

describe('money: parsing what people type', () => {
	const ok = (amount: number) => ({ ok: true, amount });
	it('Persian digits and separators, with the currency name', () => {
		expect(parseMoney('۱۲۰٬۰۰۰ ریال', 'IRR')).toEqual(ok(120000));
		expect(parseMoney('١٢٣٫٤٥', 'USD')).toEqual(ok(12345));
		expect(parseMoney('１２３', 'CNY')).toEqual(ok(12300));
	});
	it('full-width stops and commas from a Chinese input method', () => {
		expect(parseMoney('１２３４５６．７８', 'CNY')).toEqual(ok(12345678));
		expect(parseMoney('１２３，４５６', 'CNY')).toEqual(ok(12345600));
		expect(parseMoney('123，456', 'CNY')).toEqual(ok(12345600));
		expect(parseMoney('１，２３４，５６７．８９ 元', 'CNY')).toEqual(ok(123456789));
		expect(parseMoney('￥１２３，４５６', 'CNY')).toEqual(ok(12345600));
		expect(parseMoney('1、234、567', 'IRR')).toEqual(ok(1234567));
		// Not groups of three: a decimal comma or a list, not read as either.
		for (const v of ['1，5', '12，34', '1、2', '123，4567', '1,234，567']) {
			expect(parseMoney(v, 'CNY')).toEqual({ ok: false, error: 'invalid' });
		}
	});
	it('thousands separators, codes and signs', () => {
		expect(parseMoney('USD 1,200.50', 'USD')).toEqual(ok(120050));
		expect(parseMoney('¥88', 'CNY')).toEqual(ok(8800));
		expect(parseMoney('1 200 000', 'IRR')).toEqual(ok(1200000));
		expect(parseMoney('1.000.000', 'IRR')).toEqual(ok(1000000));
		expect(parseMoney('0.10', 'USD')).toEqual(ok(10));
		expect(parseMoney('7.', 'USD')).toEqual(ok(700));
	});
	it('a separator groups whole units by threes: "1,5" is refused, not read as 15', () => {
		for (const [text, currency] of [
			['1,5', 'IRR'],
			['1,5', 'USD'],
			['12,34', 'CNY'],
			['1,2345', 'IRR'],
			['1,234,56', 'IRR'],
			['۱٬۲', 'IRR'],
			['1 5', 'IRR'],
			["1'00", 'USD'],
			// A decimal comma after a point: "1.234,56" is not 1.23456.
			['1.234,56', 'USD']
		]) {
			expect(parseMoney(text, currency), text).toEqual({ ok: false, error: 'grouping' });
		}
		expect(parseMoney('1,234', 'IRR')).toEqual(ok(1234));
		expect(parseMoney('12,345,678', 'IRR')).toEqual(ok(12345678));
		expect(parseMoney("1'000.25", 'USD')).toEqual(ok(100025));
		expect(parseMoney('۱٬۲۰۰٬۰۰۰ ریال', 'IRR')).toEqual(ok(1200000));
		expect(parseMoney('۱۲۰،۰۰۰', 'IRR')).toEqual(ok(120000));
		expect(parseMoney('1,234.5', 'USD')).toEqual(ok(123450));
		expect(parseMoney('1\u202F234', 'IRR')).toEqual(ok(1234));
	});
	it('rials: a point between groups of three groups thousands; extra decimal zeros are refused', () => {
		// "۵۰.۰۰۰" is fifty thousand rials as many Iranians write it; it was read as 50.
		expect(parseMoney('۵۰.۰۰۰', 'IRR')).toEqual(ok(50000));
		expect(parseMoney('70.000', 'IRR')).toEqual(ok(70000));
		expect(parseMoney('۵۰.۰۰۰.۰۰۰ ریال', 'IRR')).toEqual(ok(50000000));
		// The Arabic decimal sign is a decimal sign: not read as twelve, nor as 12,000.
		expect(parseMoney('۱۲٫۰۰۰', 'IRR')).toEqual({ ok: false, error: 'tooPrecise' });
		expect(parseMoney('12.0', 'IRR')).toEqual({ ok: false, error: 'tooPrecise' });
		expect(parseMoney('12.000', 'USD')).toEqual({ ok: false, error: 'tooPrecise' });
		expect(parseMoney('12.50', 'USD')).toEqual(ok(1250));
	});
	it('refuses what it cannot read exactly, with a reason', () => {
		expect(parseMoney('', 'USD')).toEqual({ ok: false, error: 'empty' });
		expect(parseMoney('12 apples', 'USD')).toEqual({ ok: false, error: 'invalid' });
		expect(parseMoney('12-3', 'USD')).toEqual({ ok: false, error: 'invalid' });
		expect(parseMoney('1.5', 'IRR')).toEqual({ ok: false, error: 'tooPrecise' });
		expect(parseMoney('12.345', 'USD')).toEqual({ ok: false, error: 'tooPrecise' });
		expect(parseMoney('-$12', 'USD')).toEqual({ ok: false, error: 'negative' });
		expect(parseMoney('-$12', 'USD', { allowNegative: true })).toEqual(ok(-1200));
		expect(parseMoney('99999999999999999', 'IRR')).toEqual({ ok: false, error: 'tooLarge' });
		expect(parseMoney('1e5', 'USD')).toEqual({ ok: false, error: 'invalid' });
	});
	it('another currency is refused, never ignored; the ledger’s own in any of its forms is read', () => {
		const other = { ok: false, error: 'otherCurrency' };
		expect(parseMoney('100 USD', 'CNY')).toEqual(other);
		expect(parseMoney('$100', 'IRR')).toEqual(other);
		expect(parseMoney('€5', 'USD')).toEqual(other);
		expect(parseMoney('100 ریال', 'CNY')).toEqual(other);
		expect(parseMoney('100元', 'IRR')).toEqual(other);
		expect(parseMoney('abc 100', 'IRR')).toEqual(other);
		expect(parseMoney('abc', 'IRR')).toEqual({ ok: false, error: 'invalid' });
		for (const [text, currency, amount] of [
			['RMB 100', 'CNY', 10000],
			['100元', 'CNY', 10000],
			['人民币100', 'CNY', 10000],
			['CN¥100', 'CNY', 10000],
			['￥50,000', 'CNY', 5000000],
			['USD $100', 'USD', 10000],
			['US$ 100', 'USD', 10000],
			['usd 5', 'USD', 500],
			['$100', 'HKD', 10000],
			['HK$100', 'HKD', 10000],
			['100 rials', 'IRR', 100],
			['۱۰۰ ﷼', 'IRR', 100],
			['۵۰,۰۰۰,۰۰۰ ریال', 'IRR', 50000000]
		] as const) {
			expect(parseMoney(text, currency), text).toEqual(ok(amount));
		}
	});
	it('tomans in a rial ledger are refused with the amount in rials, not read as rials', () => {
		expect(parseMoney('۵۰۰۰۰ تومان', 'IRR')).toEqual({
			ok: false,
			error: 'toman',
			inRials: 500000
		});
		expect(parseMoney('50,000 Toman', 'IRR')).toEqual({
			ok: false,
			error: 'toman',
			inRials: 500000
		});
		expect(parseMoney('100 IRT', 'IRR')).toEqual({ ok: false, error: 'toman', inRials: 1000 });
		expect(parseMoney('۱۰۰ تومن', 'IRR')).toEqual({ ok: false, error: 'toman', inRials: 1000 });
		expect(parseMoney('1.5 تومان', 'IRR')).toEqual({ ok: false, error: 'toman' });
		expect(parseMoney('100 تومان', 'CNY')).toEqual({ ok: false, error: 'otherCurrency' });
	});
});

describe('currency named as the amounts name it', () => {
	it('ریال in Persian, the code or sign elsewhere, as formatMoney writes it', () => {
		expect(currencySymbol({ currency: 'IRR', locale: 'fa-IR' })).toBe('ریال');
		expect(currencySymbol({ currency: 'IRR', locale: 'en-GB' })).toBe('IRR');
		expect(currencySymbol({ currency: 'IRR', locale: 'zh-CN' })).toBe('IRR');
		expect(currencySymbol({ currency: 'CNY', locale: 'zh-CN' })).toBe('¥');
		for (const locale of ['fa-IR', 'en-GB', 'zh-CN']) {
			for (const currency of ['IRR', 'USD', 'CNY']) {
				expect(formatMoney({ amount: 120000, currency, locale })).toContain(
					currencySymbol({ currency, locale })
				);
			}
		}
	});
});

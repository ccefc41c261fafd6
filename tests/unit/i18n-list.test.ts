import { afterEach, describe, expect, it } from 'vitest';
import { formatList, i18n, localDigits } from '../../src/lib/i18n/index.svelte';

afterEach(() => {
	i18n.locale = 'en';
});

describe('formatList', () => {
	it('joins a list the way each language writes one', () => {
		i18n.locale = 'en';
		expect(formatList(['Phone', 'Email'])).toBe('Phone and Email');
		expect(formatList(['a', 'b', 'c'])).toBe('a, b and c');
		i18n.locale = 'fa';
		expect(formatList(['تلفن', 'ایمیل'])).toBe('تلفن و ایمیل');
		// The Persian comma, never the Latin one.
		expect(formatList(['الف', 'ب', 'ج'])).toMatch(/^الف،\u200f? ب، و ج$/);
		i18n.locale = 'zh';
		expect(formatList(['电话', '电子邮件'])).toBe('电话和电子邮件');
		expect(formatList(['一'])).toBe('一');
		expect(formatList([])).toBe('');
	});

	it('separates items that hold commas themselves with the language’s semicolon', () => {
		const items = ['Works in the industry (design, trade)', 'Registered'];
		expect(formatList(items, { semicolons: true })).toBe(
			'Works in the industry (design, trade); Registered'
		);
		i18n.locale = 'fa';
		expect(formatList(['در صنعت (تولید، طراحی)', 'ثبت‌شده'], { semicolons: true })).toBe(
			'در صنعت (تولید، طراحی)؛ ثبت‌شده'
		);
		i18n.locale = 'zh';
		expect(formatList(['甲', '乙'], { semicolons: true })).toBe('甲；乙');
	});
});

describe('localDigits', () => {
	it('writes digits as the reader (or a given language) reads them, for display only', () => {
		expect(localDigits('GH-00042')).toBe('GH-00042');
		i18n.locale = 'fa';
		expect(localDigits('GH-00042')).toBe('GH-۰۰۰۴۲');
		expect(localDigits('GH-00042', 'zh')).toBe('GH-00042');
		i18n.locale = 'en';
		expect(localDigits('00001', 'fa')).toBe('۰۰۰۰۱');
	});
});

import { describe, expect, it } from 'vitest';
import { gregorianToPersian, parseUserDate, persianToGregorian } from '../../src/lib/i18n/calendar';
import { formatMonth, i18n } from '../../src/lib/i18n/index.svelte';

describe('Persian calendar', () => {
	it('converts Gregorian dates to Persian', () => {
		expect(gregorianToPersian('2026-11-22')).toEqual({ y: 1405, m: 9, d: 1 });
		expect(gregorianToPersian('2025-03-21')).toEqual({ y: 1404, m: 1, d: 1 });
	});

	it('converts Persian dates back, including the leap day of Esfand', () => {
		expect(persianToGregorian({ y: 1405, m: 9, d: 1 })).toBe('2026-11-22');
		expect(persianToGregorian({ y: 1403, m: 12, d: 30 })).toBe('2025-03-20');
		expect(persianToGregorian({ y: 1404, m: 12, d: 30 })).toBeNull();
		expect(persianToGregorian({ y: 1404, m: 7, d: 31 })).toBeNull();
	});

	it('round-trips every day of a year', () => {
		const start = Date.UTC(2024, 0, 1);
		for (let i = 0; i < 366; i++) {
			const iso = new Date(start + i * 86_400_000).toISOString().slice(0, 10);
			const p = gregorianToPersian(iso);
			expect(p && persianToGregorian(p)).toBe(iso);
		}
	});
});

describe('parseUserDate', () => {
	it('reads Persian digits in the Persian calendar', () => {
		expect(parseUserDate('۱۴۰۵/۰۹/۰۱', 'persian')).toBe('2026-11-22');
		expect(parseUserDate('1405-9-1', 'persian')).toBe('2026-11-22');
	});

	it('reads ISO and Chinese forms in the Gregorian calendar', () => {
		expect(parseUserDate('2026-11-22', 'gregory')).toBe('2026-11-22');
		expect(parseUserDate('2024年3月5日', 'gregory')).toBe('2024-03-05');
		expect(parseUserDate('２０２４/０３/０５', 'gregory')).toBe('2024-03-05');
	});

	it('refuses impossible dates and other text', () => {
		expect(parseUserDate('2025-02-29', 'gregory')).toBeNull();
		expect(parseUserDate('yesterday', 'gregory')).toBeNull();
		expect(parseUserDate('', 'persian')).toBeNull();
	});
});

describe('formatMonth', () => {
	it('writes the month before the year in Persian, in either calendar', () => {
		i18n.locale = 'fa';
		// ICU alone gives "۱۴۰۵ آبان" for the Persian calendar's long month and year.
		expect(formatMonth('2026-10-23')).toBe('آبان ۱۴۰۵');
		expect(formatMonth('2026-10-23', 'persian', 'short')).toBe('آبان ۱۴۰۵');
		expect(formatMonth('2026-10-23', 'gregory')).toBe('اکتبر ۲۰۲۶');
		i18n.locale = 'zh';
		expect(formatMonth('2026-10-23')).toBe('2026年10月');
		i18n.locale = 'en';
		expect(formatMonth('2026-10-23')).toBe('October 2026');
		expect(formatMonth('2026-10-23', 'gregory', 'short')).toBe('Oct 2026');
	});
});

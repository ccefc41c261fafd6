/** The import review's words in each language (src/routes/members/import/labels.ts). */
import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../../src/lib/i18n/index.svelte';
import { delimiterName, sameText } from '../../src/routes/members/import/labels';

afterEach(() => {
	i18n.locale = 'en';
});

describe('import review', () => {
	it('lists what a similar record has in common as the language lists, not with the Persian comma', () => {
		expect(sameText(['name', 'phone', 'email'])).toBe('name, phone and email');
		expect(sameText(['name'])).toBe('name');
		i18n.locale = 'zh';
		expect(sameText(['name', 'phone', 'email'])).toBe('名称、电话和邮箱');
		i18n.locale = 'fa';
		expect(sameText(['name', 'phone', 'email'])).toMatch(/^نام،\u200f? تلفن، و ایمیل$/);
	});

	it('names the Tab and Space separators in the reader’s language', () => {
		expect(delimiterName('\t')).toBe('Tab');
		expect(delimiterName(' ')).toBe('Space');
		expect(delimiterName(';')).toBe(';');
		i18n.locale = 'zh';
		expect(delimiterName('\t')).toBe('制表符');
		expect(delimiterName(' ')).toBe('空格');
		i18n.locale = 'fa';
		expect(delimiterName('\t')).toBe('تب');
		expect(delimiterName(' ')).toBe('فاصله');
		expect(delimiterName('\u060c')).toBe('،');
	});
});

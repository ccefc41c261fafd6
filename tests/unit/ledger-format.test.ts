/** How ledger values read in each language (src/lib/components/ledger/format.ts). */
import { afterEach, describe, expect, it } from 'vitest';
import { foldForSearch, quickFilterText } from '../../src/lib/components/grid/format';
import { memberLabel } from '../../src/lib/components/ledger/format';
import { pct } from '../../src/lib/components/reports/format';
import type { MemberRow } from '../../src/lib/domain/member';
import { i18n } from '../../src/lib/i18n/index.svelte';
import { settingsOptions } from '../../src/lib/components/grid/option-sets.svelte';
import { DEFAULT_CONFIG } from '../../src/lib/domain/settings';

afterEach(() => {
	i18n.locale = 'en';
});

const carpets = { id: 'memberCarpet0001', memberNo: 12, name: 'شرکت فرش ایرانیان' } as MemberRow;

describe('member label', () => {
	it("shows the member number as printed on the certificate, in the reader's digits", () => {
		i18n.locale = 'fa';
		expect(memberLabel(carpets)).toBe('۰۰۰۱۲ · شرکت فرش ایرانیان');
		i18n.locale = 'zh';
		expect(memberLabel(carpets)).toBe('00012 · شرکت فرش ایرانیان');
		i18n.locale = 'en';
		expect(memberLabel(carpets)).toBe('00012 · شرکت فرش ایرانیان');
		// The number the approval printed wins over the format of today.
		expect(memberLabel({ ...carpets, certificateNo: 'GH-00012' })).toBe(
			'GH-00012 · شرکت فرش ایرانیان'
		);
	});

	it('reads in the admin’s format once the settings say it, and is found by it and by the bare number', () => {
		settingsOptions.memberNoFormat = 'GH-{n:5}';
		try {
			i18n.locale = 'zh';
			expect(memberLabel(carpets)).toBe('GH-00012 · شرکت فرش ایرانیان');
			const label = foldForSearch(memberLabel(carpets));
			for (const q of ['GH-00012', 'gh-00012', '00012', '12']) {
				expect(label).toContain(foldForSearch(q));
			}
		} finally {
			settingsOptions.memberNoFormat = DEFAULT_CONFIG.memberNoFormat;
		}
	});

	it('is found by the number typed in Persian or Latin digits (folded search)', () => {
		i18n.locale = 'fa';
		const label = foldForSearch(memberLabel(carpets));
		expect(label).toContain(foldForSearch('۱۲'));
		expect(label).toContain(foldForSearch('12'));
	});

	it("is found by a grid's quick search in either digits (the cell text is folded as the query is)", () => {
		i18n.locale = 'fa';
		const cell = quickFilterText(memberLabel(carpets));
		expect(cell).toContain(foldForSearch('۱۲'));
		expect(cell).toContain(foldForSearch('12'));
		expect(quickFilterText(2027)).toBe('2027');
		expect(quickFilterText(undefined)).toBe('');
	});
});

describe('percentages (the collection rate on /ledger/figures, a discount)', () => {
	it('uses the Persian percent sign and decimal separator in Persian', () => {
		i18n.locale = 'fa';
		expect(pct(8333 / 10000)).toBe('۸۳٫۳٪');
		expect(pct(0)).toBe('۰٪');
		expect(pct(1225 / 10000, { decimals: 2 })).toBe('۱۲٫۲۵٪');
		i18n.locale = 'en';
		expect(pct(8333 / 10000)).toBe('83.3%');
		expect(pct(1225 / 10000, { decimals: 2 })).toBe('12.25%');
		expect(pct(null)).toBe('—');
	});
});

/** How ledger values read in each language (src/lib/components/ledger/format.ts). */
import { afterEach, describe, expect, it } from 'vitest';
import { foldForSearch, quickFilterText } from '../../src/lib/components/grid/format';
import {
	discountCreditText,
	fiscalYearSpan,
	fiscalYearText,
	memberLabel,
	readAmount,
	thisFiscalYear,
	yearError,
	yearInList,
	yearLabel,
	yearsCalendar,
	yearsHeading,
	yearsInCsv
} from '../../src/lib/components/ledger/format';
import { buildLetter, DEFAULT_TEMPLATES } from '../../src/lib/components/ledger/letters';
import { pct } from '../../src/lib/components/reports/format';
import type { MemberRow } from '../../src/lib/domain/member';
import { i18n } from '../../src/lib/i18n/index.svelte';
import { settingsOptions } from '../../src/lib/components/grid/option-sets.svelte';
import { DEFAULT_CONFIG } from '../../src/lib/domain/settings';
import type { Discount, OpenCharge } from '../../src/lib/domain/ledger';

afterEach(() => {
	i18n.locale = 'en';
});

const carpets = { id: 'memberCarpet0001', memberNo: 12, name: 'شرکت فرش ایرانیان' } as MemberRow;

describe('member label', () => {
	it("shows the member number as printed on the certificate, in the reader's digits", () => {
		i18n.locale = 'fa';
		expect(memberLabel(carpets)).toBe('۰۰۰۱۲ | شرکت فرش ایرانیان');
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

describe('an amount that cannot be read', () => {
	it("gives an example in the ledger's currency, not always in rials", () => {
		const message = (text: string, currency: string) => {
			const r = readAmount(text, currency);
			return r.ok ? '' : r.message;
		};
		expect(message('abc', 'CNY')).toContain('e.g. 1,200.50.');
		expect(message('abc', 'IRR')).toContain('e.g. 1,200,000.');
		i18n.locale = 'fa';
		expect(message('abc', 'IRR')).toContain('۱٬۲۰۰٬۰۰۰');
		// A separator out of place says where separators go.
		expect(message('۱٬۵', 'IRR')).toContain('سه‌رقمی');
		expect(message('۱٬۵', 'IRR')).toContain('۱٬۲۰۰٬۰۰۰');
		i18n.locale = 'en';
		expect(message('1,5', 'USD')).toBe(
			'A thousands separator goes between groups of three digits, e.g. 1,200.50; decimals take a point.'
		);
	});
	it('another currency names the ledger’s; tomans give the amount in rials (finding 4)', () => {
		const message = (text: string, currency: string) => {
			const r = readAmount(text, currency);
			return r.ok ? '' : r.message;
		};
		expect(message('100 USD', 'CNY')).toBe(
			'This ledger is in Chinese Yuan. Type the amount in Chinese Yuan, without another currency’s sign or code, e.g. 1,200.50.'
		);
		expect(message('$100', 'IRR')).toContain('This ledger is in Iranian Rial.');
		expect(message('50000 toman', 'IRR')).toBe(
			'Amounts here are in rials, not tomans: 1 toman is 10 rials. Type the amount in rials, e.g. 500,000.'
		);
		i18n.locale = 'fa';
		expect(message('۵۰۰۰۰ تومان', 'IRR')).toBe(
			'مبلغ‌ها به ریال است، نه تومان: هر تومان ۱۰ ریال است. مبلغ را به ریال وارد کنید، مثلاً ۵۰۰٬۰۰۰.'
		);
		i18n.locale = 'zh';
		expect(message('100 USD', 'CNY')).toContain('本账簿的币种是人民币');
	});
});

describe('fiscal years as each reader sees them', () => {
	const fa = (n: number) => String(n).replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[+d]);

	it('a Gregorian year on a Solar Hijri ledger: named as such, with what to type', () => {
		const example = thisFiscalYear('persian');
		i18n.locale = 'fa';
		expect(yearError('۲۰۲۶', 'persian')).toBe(
			`۲۰۲۶ سال میلادی است، اما سال مالی این تشکل هجری شمسی است: سال را به هجری شمسی وارد کنید، مانند ${fa(example)}.`
		);
		i18n.locale = 'en';
		expect(yearError('2026', 'persian')).toBe(
			`2026 is a Gregorian year, but this association keeps its books in Solar Hijri years: type the Solar Hijri year, such as ${example}.`
		);
		expect(yearError('abc', 'persian')).toBe(`Type the Solar Hijri year, such as ${example}.`);
		expect(yearError('۱۴۰۵', 'persian')).toBe('');
		i18n.locale = 'zh';
		expect(yearError('1405', 'gregory')).toContain('1405 是伊朗历年份');
	});

	it('the year keeps the association’s number for every reader; the label names the calendar', () => {
		i18n.locale = 'en';
		expect(fiscalYearSpan(1405, 'persian')).toBe(
			'Fiscal year 1405 (Solar Hijri): 21 Mar 2026 to 20 Mar 2027'
		);
		expect(yearLabel('persian')).toBe('Dues year (Solar Hijri)');
		expect(yearLabel('gregory')).toBe('Dues year');
		expect(yearsHeading('Years', 'gregory')).toBe('Years');
		i18n.locale = 'fa';
		expect(fiscalYearSpan(1405, 'persian')).toBe(
			'سال مالی ۱۴۰۵ (هجری شمسی): ۱ فروردین ۱۴۰۵ تا ۲۹ اسفند ۱۴۰۵'
		);
		i18n.locale = 'zh';
		expect(fiscalYearSpan(1405, 'persian')).toBe('伊朗历1405财年：2026年3月21日至2027年3月20日');
		expect(yearsHeading('年度', 'persian')).toBe('年度（伊朗历）');
	});
});

describe('a dues year printed without a heading (reminder letters)', () => {
	it('names the Solar Hijri calendar in the letter’s language and digits; a Gregorian year reads as it is', () => {
		i18n.locale = 'en';
		expect(fiscalYearText(1405)).toBe('1405 (Solar Hijri)');
		expect(fiscalYearText(2026)).toBe('2026');
		// In another language than the reader's: that language's words and digits.
		expect(fiscalYearText(1405, 'fa')).toBe('۱۴۰۵ (هجری شمسی)');
		expect(fiscalYearText(1405, 'zh')).toBe('1405（伊朗历）');
		expect(fiscalYearText(2026, 'fa')).toBe('۲۰۲۶');
	});

	it('a reminder letter lists what is due per year with the year’s calendar, whoever prints it', () => {
		const letter = (locale: 'en' | 'fa' | 'zh') =>
			buildLetter({
				debtor: {
					memberId: carpets.id,
					total: 150_000_000,
					// A year charged before the ledger went Solar Hijri keeps its Gregorian number.
					byYear: new Map([
						[2025, 50_000_000],
						[1405, 100_000_000]
					]),
					oldestDate: '2025-01-01',
					ageDays: 300,
					bucket: 'd181_365'
				},
				member: carpets,
				locale,
				template: DEFAULT_TEMPLATES[locale],
				currency: 'IRR',
				organisation: 'Guildhall',
				today: '2026-12-01',
				open: [],
				discounts: [],
				existingIds: new Set(),
				calendar: 'persian'
			}).body;
		// The reader is Chinese; each letter is in its member's language.
		i18n.locale = 'zh';
		expect(letter('en')).toContain('2025: IRR');
		expect(letter('en')).toContain('\n1405 (Solar Hijri): IRR');
		expect(letter('fa')).toMatch(/\n۱۴۰۵ \(هجری شمسی\): .*۱۰۰٬۰۰۰٬۰۰۰/);
		expect(letter('fa')).toMatch(/(^|\n)۲۰۲۵: /);
		expect(letter('zh')).toContain('\n1405（伊朗历）：');
	});

	it('the Chinese default reminder is punctuated in full width, as the dues notice is', () => {
		const zh = buildLetter({
			debtor: {
				memberId: carpets.id,
				total: 50_000_000,
				byYear: new Map([[2025, 50_000_000]]),
				oldestDate: '2025-01-01',
				ageDays: 300,
				bucket: 'd181_365'
			},
			member: carpets,
			locale: 'zh',
			template: DEFAULT_TEMPLATES.zh,
			currency: 'IRR',
			organisation: 'Guildhall',
			today: '2026-12-01',
			open: [],
			discounts: [],
			existingIds: new Set(),
			calendar: 'gregory'
		}).body;
		expect(zh).toMatch(
			/^شرکت فرش ایرانیان：\n\n根据我会记录，贵单位（会员号 .+）尚有以下会费未缴纳：\n/
		);
		expect(zh).toContain('\n2025：IRR');
		expect(zh).toContain('合计应缴：IRR');
		expect(zh).toContain('请通过银行转账缴纳，并注明会员号。');
		expect(zh).toContain('如已缴纳，请忽略本通知。\n\nGuildhall　2026年12月1日');
		// What the template writes, the amounts' digit grouping aside, has no ASCII , : ( ).
		expect(zh.replace(/IRR\s[\d,]+/g, '')).not.toMatch(/[,:()]/);
	});
});

describe('[L11] a reminder letter states the early-payment offer', () => {
	const charge2031: OpenCharge = {
		id: `d_2031_${carpets.id}`,
		memberId: carpets.id,
		year: 2031,
		date: '2026-12-01',
		amount: 60_000_000,
		settled: 0,
		open: 60_000_000
	};
	const early: Discount = {
		id: 'discEarly2031000',
		kind: 'earlyPayment',
		name: 'Early bird',
		percent: 1000,
		year: 2031,
		until: '2031-03-31',
		active: true
	};
	const letter = (
		locale: 'en' | 'fa' | 'zh',
		opts: { discounts?: Discount[]; body?: string; today?: string } = {}
	) =>
		buildLetter({
			debtor: {
				memberId: carpets.id,
				total: 60_000_000,
				byYear: new Map([[2031, 60_000_000]]),
				oldestDate: '2026-12-01',
				ageDays: 4,
				bucket: 'd0_90'
			},
			member: carpets,
			locale,
			template: { ...DEFAULT_TEMPLATES[locale], ...(opts.body ? { body: opts.body } : {}) },
			currency: 'IRR',
			organisation: 'Guildhall',
			today: opts.today ?? '2026-12-05',
			open: [charge2031, { ...charge2031, id: 'otherMembersOne', memberId: 'someoneElse00001' }],
			discounts: opts.discounts ?? [early],
			existingIds: new Set(),
			calendar: 'gregory'
			// The amounts' no-break spaces read as spaces here.
		}).body.replace(/\u00a0/g, ' ');

	it('what settles each charge and by when, in the member’s language, digits and calendar', () => {
		i18n.locale = 'zh';
		expect(letter('en')).toContain(
			'Total due: IRR 60,000,000\n\n2031: pay IRR 54,000,000 instead of IRR 60,000,000 by 31 March 2031 and the early-payment discount settles it (Early bird: IRR 6,000,000 off).\n\nPlease pay'
		);
		// 31 March 2031 is 11 Farvardin 1410.
		expect(letter('fa')).toContain(
			'۲۰۳۱: با پرداخت ۵۴٬۰۰۰٬۰۰۰ ریال به جای ۶۰٬۰۰۰٬۰۰۰ ریال تا ۱۱ فروردین ۱۴۱۰، تخفیف پرداخت زودهنگام آن را تسویه می‌کند (Early bird: ۶٬۰۰۰٬۰۰۰ ریال تخفیف).'
		);
		expect(letter('zh')).toContain(
			'2031：2031年3月31日前缴纳 IRR 54,000,000（原应缴 IRR 60,000,000）'
		);
		expect(letter('zh')).toContain('Early bird：优惠 IRR 6,000,000');
	});

	it('no offer (past its deadline, inactive, another year): no line and no empty paragraph', () => {
		for (const discounts of [
			[{ ...early, until: '2026-12-04' }],
			[{ ...early, active: false }],
			[{ ...early, year: 2030 }],
			[]
		]) {
			const body = letter('en', { discounts });
			expect(body).not.toContain('54,000,000');
			expect(body).toContain('Total due: IRR 60,000,000\n\nPlease pay by bank transfer');
		}
		// The last day itself still offers it.
		expect(letter('en', { today: '2031-03-31' })).toContain('IRR 54,000,000');
	});

	it('a template saved without the field states the offer above its closing paragraph', () => {
		expect(letter('en', { body: 'Dear {{name}},\n\nYou owe {{total}}.\n\n{{organisation}}' })).toBe(
			'Dear شرکت فرش ایرانیان,\n\nYou owe IRR 60,000,000.\n\n2031: pay IRR 54,000,000 instead of IRR 60,000,000 by 31 March 2031 and the early-payment discount settles it (Early bird: IRR 6,000,000 off).\n\nGuildhall'
		);
		expect(letter('en', { body: 'You owe {{total}}.' })).toBe(
			'You owe IRR 60,000,000.\n\n2031: pay IRR 54,000,000 instead of IRR 60,000,000 by 31 March 2031 and the early-payment discount settles it (Early bird: IRR 6,000,000 off).'
		);
		expect(letter('en', { body: 'You owe {{total}}.', discounts: [] })).toBe(
			'You owe IRR 60,000,000.'
		);
	});
});

describe('dues years labelled by the calendar they were charged in', () => {
	it('a list of one calendar is headed by it, whatever the setting is now; a mixed list names each year', () => {
		// Switched to Solar Hijri, with Gregorian 2026 still owed: not "(Solar Hijri)".
		expect(yearsCalendar([2026], 'persian')).toBe('gregory');
		expect(yearsCalendar([1405, undefined], 'gregory')).toBe('persian');
		expect(yearsCalendar([], 'persian')).toBe('persian');
		expect(yearsCalendar([2026, 1405], 'persian')).toBeNull();
		expect(yearInList(2026, 'gregory')).toBe('2026');
		expect([2026, 1405].map((y) => yearInList(y, null))).toEqual(['2026', '1405 (Solar Hijri)']);
		i18n.locale = 'fa';
		expect(yearInList(1405, 'persian')).toBe('۱۴۰۵');
		expect(yearInList(1405, null)).toBe('۱۴۰۵ (هجری شمسی)');
	});

	it('a CSV keeps Latin digits and names each year’s calendar only in a mixed column', () => {
		expect(yearsInCsv([2025, 2026], 'gregory')).toBe('2025 2026');
		expect(yearsInCsv([1405], 'persian')).toBe('1405');
		expect(yearsInCsv([2026, 1405], null)).toBe('2026 1405 (Solar Hijri)');
		i18n.locale = 'fa';
		expect(yearsInCsv([2026, 1405], null)).toBe('2026 1405 (هجری شمسی)');
	});
});

describe('[L15] a discount credit names its discount and charge', () => {
	const discounts = [{ id: 'discEarly0000001', name: 'Early bird' }];
	const credit = { discountId: 'discEarly0000001' };

	it('on a year’s dues, in each language, the year in the reader’s digits and its calendar', () => {
		const dues = { year: 2031, date: '2031-01-05' };
		expect(discountCreditText(credit, dues, discounts)).toBe('Early bird, on the 2031 dues');
		i18n.locale = 'fa';
		expect(discountCreditText(credit, { year: 1410, date: '2031-03-21' }, discounts)).toBe(
			'Early bird، بابت حق عضویت ۱۴۱۰ (هجری شمسی)'
		);
		i18n.locale = 'zh';
		expect(discountCreditText(credit, dues, discounts)).toBe('Early bird，用于 2031 年会费');
	});

	it('on a charge without a year its date; a deleted discount is just a discount', () => {
		expect(discountCreditText(credit, { date: '2026-05-03' }, discounts)).toBe(
			'Early bird, on the charge of 3 May 2026'
		);
		expect(discountCreditText(credit, { year: 2031, date: '2031-01-05' }, [])).toBe(
			'Discount, on the 2031 dues'
		);
	});
});

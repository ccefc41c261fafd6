/**
 * Reminder letters: the default template per language (the association edits and
 * saves its own), and the merge values for one member in that member's language:
 * money and dates in their digits and calendar (Persian for fa), dues years with
 * their calendar named when it is Solar Hijri.
 */
import type { CalendarName } from '$lib/domain/calendar';
import { fiscalYearOf } from '$lib/domain/fiscal';
import {
	earlyPaymentOffers,
	type Discount,
	type EarlyPaymentOffer,
	type OpenCharge
} from '$lib/domain/ledger';
import type { Debtor } from '$lib/domain/ledger-collection';
import { renderTemplate, type MergeField } from '$lib/domain/ledger-collection';
import type { MemberRow } from '$lib/domain/member';
import { printedMemberNo } from '$lib/domain/settings';
import { withParagraphField } from '$lib/domain/text';
import { localDigits, tIn } from '$lib/i18n/index.svelte';
import { LOCALE_META, type Locale } from '$lib/i18n/locales';
import { settingsOptions } from '$lib/components/grid/option-sets.svelte';
import { fiscalYearText, moneyIn } from './format';

export const DEFAULT_TEMPLATES: Record<
	Locale,
	{ subject: string; body: string; howToPay: string }
> = {
	en: {
		subject: 'Membership dues reminder — member no. {{memberNo}}',
		body: 'Dear {{name}},\n\nOur records show that the following membership dues are still outstanding (member no. {{memberNo}}):\n\n{{dueByYear}}\n\nTotal due: {{total}}\n\n{{earlyPayment}}\n\n{{howToPay}}\n\nIf you have paid in the meantime, please disregard this letter.\n\n{{organisation}}, {{date}}',
		howToPay: 'Please pay by bank transfer, quoting your member number.'
	},
	fa: {
		subject: 'یادآوری حق عضویت — شماره عضویت {{memberNo}}',
		body: '{{name}} گرامی،\n\nبر اساس سوابق ما، حق عضویت زیر (شماره عضویت {{memberNo}}) هنوز پرداخت نشده است:\n\n{{dueByYear}}\n\nجمع بدهی: {{total}}\n\n{{earlyPayment}}\n\n{{howToPay}}\n\nاگر در این فاصله پرداخت کرده‌اید، این نامه را نادیده بگیرید.\n\n{{organisation}}، {{date}}',
		howToPay: 'لطفاً مبلغ را با ذکر شماره عضویت به حساب تشکل واریز کنید.'
	},
	zh: {
		subject: '会费催缴通知 — 会员号 {{memberNo}}',
		body: '{{name}}：\n\n根据我会记录，贵单位（会员号 {{memberNo}}）尚有以下会费未缴纳：\n\n{{dueByYear}}\n\n合计应缴：{{total}}\n\n{{earlyPayment}}\n\n{{howToPay}}\n\n如已缴纳，请忽略本通知。\n\n{{organisation}}　{{date}}',
		howToPay: '请通过银行转账缴纳，并注明会员号。'
	}
};

/** An ISO day as a letter in `locale` writes it: its calendar, its digits, the month by name. */
export function dateIn(locale: Locale, iso: string): string {
	const { bcp47, calendar } = LOCALE_META[locale];
	const [y, m, d] = iso.split('-').map(Number);
	return new Intl.DateTimeFormat(`${bcp47}-u-ca-${calendar}`, {
		timeZone: 'UTC',
		year: 'numeric',
		month: 'long',
		day: 'numeric'
	}).format(new Date(Date.UTC(y, m - 1, d)));
}

/**
 * [L11] The early-payment offers in `locale`, one line per open charge: what settles
 * it, instead of what is open, if paid by when, and the discounts by name ("2031: pay
 * IRR 54,000,000 instead of IRR 60,000,000 by 31 March 2031 and the early-payment
 * discount settles it (Early bird: IRR 6,000,000 off)."). Empty without offers.
 */
export function earlyPaymentText(opts: {
	offers: readonly EarlyPaymentOffer[];
	discounts: readonly Discount[];
	locale: Locale;
	currency: string;
	/** The fiscal calendar: a charge without a year is owed for its date's year in it. */
	calendar: CalendarName;
}): string {
	const l = opts.locale;
	const list = new Intl.ListFormat(LOCALE_META[l].bcp47, { type: 'conjunction' });
	return opts.offers
		.map((o) => {
			const year = o.year ?? fiscalYearOf(o.date, opts.calendar);
			return tIn(l, 'ledger.letter.earlyPayment', {
				year: year === null ? dateIn(l, o.date) : fiscalYearText(year, l),
				amount: moneyIn(l, o.due, opts.currency),
				open: moneyIn(l, o.open, opts.currency),
				date: dateIn(l, o.until),
				discounts: list.format(
					o.discounts.map((d) =>
						tIn(l, 'ledger.pay.discountOff', {
							name: opts.discounts.find((x) => x.id === d.discountId)?.name ?? '',
							amount: moneyIn(l, d.amount, opts.currency)
						})
					)
				)
			});
		})
		.join('\n');
}

export interface Letter {
	memberId: string;
	locale: Locale;
	subject: string;
	body: string;
	total: number;
	years: number[];
}

export function buildLetter(opts: {
	debtor: Debtor;
	member: MemberRow | undefined;
	locale: Locale;
	template: { subject: string; body: string; howToPay: string };
	currency: string;
	organisation: string;
	today: string;
	/** The member's open charges and the ledger's discounts: the offers to state ([L11]). */
	open: readonly OpenCharge[];
	discounts: readonly Discount[];
	/** Ids of the ledger's entries: a discount credit already written is not offered again. */
	existingIds: ReadonlySet<string>;
	/** Ids of reversed entries: a reversed discount credit is offered again ([L14]). */
	reversedIds?: ReadonlySet<string>;
	calendar: CalendarName;
}): Letter {
	const l = opts.locale;
	const years = [...opts.debtor.byYear.keys()];
	const earlyPayment = earlyPaymentText({
		...opts,
		offers: earlyPaymentOffers({
			open: opts.open.filter((c) => c.memberId === opts.debtor.memberId),
			date: opts.today,
			discounts: opts.discounts,
			existingIds: opts.existingIds,
			reversedIds: opts.reversedIds
		})
	});
	const values: Record<MergeField, string> = {
		name: opts.member?.name ?? '',
		// As printed on the certificate, which the letter asks the member to quote.
		memberNo: opts.member
			? localDigits(printedMemberNo(opts.member, settingsOptions.memberNoFormat), l)
			: '',
		total: moneyIn(l, opts.debtor.total, opts.currency),
		dueByYear: [...opts.debtor.byYear]
			// A year names its calendar when it is Solar Hijri ("1405 (Solar Hijri)"): the
			// letter has no heading that would.
			.map(([y, a]) =>
				tIn(l, 'ledger.letter.yearLine', {
					year: fiscalYearText(y, l),
					amount: moneyIn(l, a, opts.currency)
				})
			)
			.join('\n'),
		howToPay: opts.template.howToPay,
		date: dateIn(l, opts.today),
		organisation: opts.organisation,
		earlyPayment
	};
	return {
		memberId: opts.debtor.memberId,
		locale: l,
		subject: renderTemplate(opts.template.subject, values),
		// A saved template without the field still states the offer, above its closing paragraph.
		body: renderTemplate(
			withParagraphField(opts.template.body, 'earlyPayment', earlyPayment),
			values
		),
		total: opts.debtor.total,
		years
	};
}

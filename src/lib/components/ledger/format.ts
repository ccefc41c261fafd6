/**
 * How ledger values read in the current language: money in the reader's digits
 * and the organisation's currency, entry kinds and payment methods by name, a
 * member as "number · name".
 */
import { currencySymbol, formatMoney, parseMoney, type MoneyError } from '$lib/domain/money';
import type { MemberRow } from '$lib/domain/member';
import { meta, t, type MessageKey } from '$lib/i18n/index.svelte';
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
export const moneyError = (e: MoneyError) => t(`ledger.moneyError.${e}` as MessageKey);

/**
 * "۰۰۰۱۲ · name": the member number as printed on the certificate, in the reader's
 * digits. Searches fold digits (foldForSearch), so typed Persian or Latin digits both
 * find it; a search by the bare number (12) finds it inside the printed one.
 */
export function memberLabel(m: MemberRow | undefined, fallbackId = ''): string {
	if (!m) return fallbackId ? t('ledger.unknownMember', { id: fallbackId.slice(0, 8) }) : '';
	const name = m.name ?? t('ledger.unnamed');
	return m.memberNo !== undefined ? `${memberNoText(m)} · ${name}` : name;
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
	return { ok: false, message: moneyError(r.error) };
}

/** Today as an ISO date in the device's time zone (one definition, in the calendar module). */
export { todayIso } from '$lib/i18n/calendar';

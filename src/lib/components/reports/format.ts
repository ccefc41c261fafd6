/** Number, percentage and label formatting for the reports, in the reader's language. */
import { formatNumber, hasMessage, i18n, t } from '$lib/i18n/index.svelte';

/**
 * A 0..1 ratio as a percentage with one decimal, or `decimals` (Persian digits and
 * sign in Persian): "۸۳٫۳٪", "83.3%".
 */
export function pct(r: number | null | undefined, opts: { decimals?: 1 | 2 } = {}): string {
	if (r === null || r === undefined || !Number.isFinite(r)) return '—';
	const d = opts.decimals ?? 1;
	const v = Math.round(r * 10 ** (d + 2)) / 10 ** d;
	return i18n.locale === 'fa' ? `${formatNumber(v).replace('.', '٫')}٪` : `${formatNumber(v)}%`;
}

export const num = (n: number | null | undefined): string =>
	n === null || n === undefined ? '—' : formatNumber(n);

/** `+3`, `−2`, `0` (with a true minus sign), or a percentage-point change for ratios. */
export function delta(
	cur: number | null | undefined,
	prev: number | null | undefined,
	unit: 'count' | 'ratio' = 'count'
): string {
	if (cur === null || cur === undefined || prev === null || prev === undefined) return '—';
	const d = unit === 'ratio' ? Math.round((cur - prev) * 1000) / 10 : cur - prev;
	const s = formatNumber(Math.abs(d));
	const sign = d > 0 ? '+' : d < 0 ? '−' : '';
	return unit === 'ratio' ? t('reports.points', { n: `${sign}${s}` }) : `${sign}${s}`;
}

/** A stored option value (tier, size...) in the reader's words; free text as it is. */
export function optionLabel(dim: string, key: string): string {
	if (key === '') return t('reports.notSet');
	const k = `option.${dim}.${key}`;
	return hasMessage(k) ? t(k) : key;
}

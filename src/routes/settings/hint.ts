/**
 * What to type in a settings field, from the field's own schema (its length or its
 * range), so the message says the limit that refused the value.
 */
import type { z } from 'zod';
import { formatNumber, t } from '$lib/i18n/index.svelte';

export function fieldHint(schema: z.ZodType): string {
	const s = schema as {
		minLength?: number | null;
		maxLength?: number | null;
		minValue?: number | null;
		maxValue?: number | null;
	};
	if (typeof s.minValue === 'number' && typeof s.maxValue === 'number')
		return t('settings.intHint', { min: formatNumber(s.minValue), max: formatNumber(s.maxValue) });
	if (typeof s.maxLength === 'number') {
		const max = formatNumber(s.maxLength);
		return (s.minLength ?? 0) > 0
			? t('settings.textHint', { max })
			: t('settings.optionalTextHint', { max });
	}
	return t('settings.currencyHint');
}

/**
 * Words of the import review that depend on the reader's language: what a similar
 * record has in common with a row ("name, phone and email", «نام، تلفن و ایمیل»,
 * "名称、电话和邮箱"), and the name of the separator a file was read with.
 */
import type { MatchReason } from '$lib/domain/normalize';
import { formatList, t, type MessageKey } from '$lib/i18n/index.svelte';

export function sameText(reasons: readonly MatchReason[]): string {
	return formatList(reasons.map((x) => t(`import.same.${x}` as MessageKey)));
}

export function delimiterName(d: string | null): string {
	if (d === '\t') return t('import.file.delimiterTab');
	if (d === ' ') return t('import.file.delimiterSpace');
	return d ?? '';
}

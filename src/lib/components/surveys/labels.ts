/**
 * Small helpers the survey views share: localized labels of closed sets, text in the
 * reader's language, respondent counts.
 */
import { localized, type Campaign } from '$lib/domain/survey';
import { respondentIds } from '$lib/domain/survey-results';
import type { SurveysStore } from '$lib/state/surveys.svelte';

export { localized, type Campaign };

export function respondentsCount(store: SurveysStore, campaignId: string): number {
	return respondentIds(campaignId, store.rows('responses'), store.rows('answers')).size;
}

/** Today as an ISO date in the device's time zone. */
export function todayIso(): string {
	const d = new Date();
	const p = (n: number) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

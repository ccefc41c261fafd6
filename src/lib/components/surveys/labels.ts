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

/** Today as an ISO date in the device's time zone (one definition, in the calendar module). */
export { todayIso } from '$lib/i18n/calendar';

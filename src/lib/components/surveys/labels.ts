/**
 * Small helpers the survey views share: localized labels of closed sets, text in the
 * reader's language, respondent counts.
 */
import { localized, type Campaign } from '$lib/domain/survey';
import { answeredMemberIds } from '$lib/domain/survey-results';
import type { SurveysStore } from '$lib/state/surveys.svelte';

export { localized, type Campaign };

/** Members who answered the campaign, as its results count them. */
export function answeredIds(store: SurveysStore, campaignId: string): Set<string> {
	return answeredMemberIds({
		campaignId,
		questions: store.rows('questions'),
		options: store.rows('options'),
		answers: store.rows('answers')
	});
}

export function respondentsCount(store: SurveysStore, campaignId: string): number {
	return answeredIds(store, campaignId).size;
}

/** Today as an ISO date in the device's time zone (one definition, in the calendar module). */
export { todayIso } from '$lib/i18n/calendar';

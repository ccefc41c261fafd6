/**
 * The report registry: every area of the reports, in display order. An area is one
 * module (`ReportArea`: which docs it reads, `prepare`, `compute` per period, its
 * scorecard lines); adding one (dues from `ledger`, response rates from `surveys`)
 * is that module plus one line here. The server computes from this list only.
 */
import { duesArea } from './report-dues';
import { membersArea } from './report-members';
import { LiveMembers } from './report-members-live';
import { surveysArea } from './report-surveys';
import {
	runSteps,
	type Period,
	type PeriodReport,
	type ReportArea,
	type ReportInputs,
	type ScoreItem
} from './report';

export const REPORT_AREAS: readonly ReportArea[] = [
	// The members area is kept up to date row by row on the server (LiveMembers).
	{ ...membersArea, live: () => new LiveMembers() } as ReportArea,
	duesArea as ReportArea,
	surveysArea as ReportArea
];

export const SCORECARD_SECTION = 'scorecard';

/** The docs the areas read: the server keeps these rooms loaded and recomputes on their changes. */
export const reportSources = (areas: readonly ReportArea[] = REPORT_AREAS) => [
	...new Set(areas.flatMap((a) => a.sources))
];

export interface PreparedAreas {
	areas: readonly ReportArea[];
	prepared: unknown[];
}

/** Run every area's `prepare` once; then `computePeriod` per period. */
export function prepareAreas(
	inputs: ReportInputs,
	areas: readonly ReportArea[] = REPORT_AREAS
): PreparedAreas {
	return { areas, prepared: areas.map((a) => a.prepare(inputs)) };
}

/** `prepareAreas` in steps: yields between chunks of rows of the areas that can. */
export function* prepareAreasSteps(
	inputs: ReportInputs,
	areas: readonly ReportArea[] = REPORT_AREAS
): Generator<void, PreparedAreas, void> {
	const prepared: unknown[] = [];
	for (const a of areas) {
		prepared.push(a.prepareSteps ? yield* a.prepareSteps(inputs) : a.prepare(inputs));
		yield;
	}
	return { areas, prepared };
}

/** All sections of one period, the scorecard last (it reads the others). */
export function computePeriod(prep: PreparedAreas, period: Period): Record<string, unknown> {
	return runSteps(computePeriodSteps(prep, period));
}

/** `computePeriod` in steps: yields between areas, and between sections where an area can. */
export function* computePeriodSteps(
	prep: PreparedAreas,
	period: Period
): Generator<void, Record<string, unknown>, void> {
	const sections: Record<string, unknown> = {};
	for (let i = 0; i < prep.areas.length; i++) {
		const a = prep.areas[i];
		if (a.sections) {
			for (const [id, f] of Object.entries(a.sections)) {
				sections[id] = f(prep.prepared[i], period);
				yield;
			}
		} else {
			Object.assign(sections, a.compute(prep.prepared[i], period));
			yield;
		}
	}
	const items: ScoreItem[] = prep.areas.flatMap((a) => a.scorecard?.(sections) ?? []);
	sections[SCORECARD_SECTION] = { items };
	return sections;
}

/** Convenience for tests and the API: prepare, then compute each period. */
export function computeReports(
	inputs: ReportInputs,
	periods: readonly Period[],
	opts: { computedAt: string; areas?: readonly ReportArea[] }
): PeriodReport[] {
	const prep = prepareAreas(inputs, opts.areas);
	return periods.map((period) => ({
		period,
		computedAt: opts.computedAt,
		sections: computePeriod(prep, period)
	}));
}

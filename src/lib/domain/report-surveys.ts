/**
 * The surveys area of the reports (000 §2, 001 art. 3.7, 003 §3): survey response
 * rates, open and overdue member questions and needs, the share answered on time,
 * complaints and satisfaction. Reads the `surveys` doc and, for campaign audiences,
 * the registry's members; uses the surveys area's own figure functions.
 *
 * Per period:
 *  - campaigns whose survey period (else creation day) overlaps it: audience,
 *    respondents, response rate; and the rate over all of them.
 *  - questions and needs received in it (creation day): open and overdue now,
 *    answered, closed; of those due in the period, the share answered by their due day.
 *  - complaints received in it: open, resolved, by category, satisfaction (1-5).
 */
import { z } from 'zod';
import {
	type Period,
	type ReportArea,
	type ReportInputs,
	type Row,
	type ScoreItem
} from './report';
import {
	audienceOf,
	readRow,
	type Answer,
	type Campaign,
	type Complaint,
	type Item,
	type Option,
	type Question,
	type Response,
	type SurveyTable
} from './survey';
import { campaignResults, complaintFigures, itemFigures } from './survey-results';

export const SURVEY_SECTIONS = {
	responses: 'surveys.responses',
	questions: 'surveys.questions',
	complaints: 'surveys.complaints'
} as const;

const rate = z.number().min(0).nullable();

export const surveyResponses = z.object({
	campaigns: z.array(
		z.object({
			title_en: z.string(),
			title_fa: z.string(),
			title_zh: z.string(),
			audience: z.number().int(),
			responded: z.number().int(),
			responseRate: rate
		})
	),
	audience: z.number().int(),
	responded: z.number().int(),
	responseRate: rate
});
export type SurveyResponses = z.infer<typeof surveyResponses>;

export const surveyQuestions = z.object({
	received: z.number().int(),
	open: z.number().int(),
	overdue: z.number().int(),
	answered: z.number().int(),
	closed: z.number().int(),
	medianDaysToAnswer: z.number().nullable(),
	due: z.number().int(),
	answeredOnTime: z.number().int(),
	onTimeShare: rate
});
export type SurveyQuestions = z.infer<typeof surveyQuestions>;

export const surveyComplaints = z.object({
	received: z.number().int(),
	open: z.number().int(),
	resolved: z.number().int(),
	byCategory: z.array(z.object({ category: z.string(), count: z.number().int() })),
	rated: z.number().int(),
	averageSatisfaction: z.number().nullable(),
	satisfiedShare: rate
});
export type SurveyComplaints = z.infer<typeof surveyComplaints>;

export interface PreparedSurveys {
	available: boolean;
	today: string;
	campaigns: Campaign[];
	questions: Question[];
	options: Option[];
	responses: Response[];
	answers: Answer[];
	items: Item[];
	complaints: Complaint[];
	members: { id: string; status?: string; tier?: string; region?: string }[];
}

const rows = <T extends { id: string }>(table: SurveyTable, list: readonly Row[] | undefined) =>
	(list ?? []).map((r) => readRow<T>(table, r.id, Object.entries(r)));

export function prepareSurveys(inputs: ReportInputs): PreparedSurveys {
	const s = inputs.docs.surveys;
	const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
	const available =
		(s?.campaigns?.length ?? 0) + (s?.items?.length ?? 0) + (s?.complaints?.length ?? 0) > 0;
	// Without surveys there is nothing to report, so no pass over the registry (it is
	// prepared again on every registry edit).
	// A record merged into another is the same company as its survivor: not in an
	// audience (as in the members area and the campaign pages).
	const registry = available ? (inputs.docs.registry?.members ?? []) : [];
	const members = registry
		.filter((m) => m.mergedInto === undefined)
		.map((m) => ({
			id: m.id,
			status: str(m.status),
			tier: str(m.tier),
			region: str(m.region),
			enterpriseType: str(m.enterpriseType),
			size: str(m.size)
		}));
	const prep: PreparedSurveys = {
		available: false,
		today: inputs.today,
		campaigns: rows<Campaign>('campaigns', s?.campaigns),
		questions: rows<Question>('questions', s?.questions),
		options: rows<Option>('options', s?.options),
		responses: rows<Response>('responses', s?.responses),
		answers: rows<Answer>('answers', s?.answers),
		items: rows<Item>('items', s?.items),
		complaints: rows<Complaint>('complaints', s?.complaints),
		members
	};
	prep.available = prep.campaigns.length + prep.items.length + prep.complaints.length > 0;
	return prep;
}

const day = (iso: string | undefined) => (iso ? iso.slice(0, 10) : null);
const inPeriod = (d: string | null, p: Period) => d !== null && d >= p.from && d <= p.to;

export function responseRates(prep: PreparedSurveys, p: Period): SurveyResponses {
	const out: SurveyResponses = { campaigns: [], audience: 0, responded: 0, responseRate: null };
	for (const c of prep.campaigns) {
		const start = c.periodStart ?? day(c.createdAt);
		const end = c.periodEnd ?? start;
		if (!start || !end || start > p.to || end < p.from) continue;
		if (c.status === 'draft') continue;
		const audience = new Set(audienceOf(c, prep.members).map((m) => m.id));
		const r = campaignResults({
			campaignId: c.id,
			questions: prep.questions,
			options: prep.options,
			answers: prep.answers,
			audienceIds: audience
		});
		out.campaigns.push({
			title_en: c.title_en ?? '',
			title_fa: c.title_fa ?? '',
			title_zh: c.title_zh ?? '',
			audience: r.audience,
			responded: r.responded,
			responseRate: r.responseRate
		});
		out.audience += r.audience;
		out.responded += r.responded;
	}
	out.responseRate = out.audience > 0 ? Math.min(1, out.responded / out.audience) : null;
	return out;
}

export function questionFigures(prep: PreparedSurveys, p: Period): SurveyQuestions {
	const received = prep.items.filter((i) => inPeriod(day(i.createdAt), p));
	const f = itemFigures(received, { today: prep.today < p.to ? prep.today : p.to });
	let due = 0;
	let onTime = 0;
	for (const i of prep.items) {
		if (!i.dueDate || !inPeriod(i.dueDate, p)) continue;
		due++;
		const answered = day(i.answeredAt);
		if (answered && answered <= i.dueDate) onTime++;
	}
	return {
		received: received.length,
		open: f.open,
		overdue: f.overdue,
		answered: f.answered,
		closed: f.closed,
		medianDaysToAnswer: f.medianDaysToAnswer,
		due,
		answeredOnTime: onTime,
		onTimeShare: due > 0 ? onTime / due : null
	};
}

export function complaintsFigures(prep: PreparedSurveys, p: Period): SurveyComplaints {
	const received = prep.complaints.filter((c) => inPeriod(c.receivedAt ?? day(c.createdAt), p));
	const f = complaintFigures(received);
	const scores = received.flatMap((c) =>
		typeof c.satisfaction === 'number' ? [c.satisfaction] : []
	);
	return {
		received: received.length,
		open: f.open,
		resolved: f.resolved,
		byCategory: f.byCategory,
		rated: scores.length,
		averageSatisfaction:
			scores.length > 0 ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
		satisfiedShare: scores.length > 0 ? scores.filter((s) => s >= 4).length / scores.length : null
	};
}

export const surveysArea: ReportArea<PreparedSurveys> = {
	id: 'surveys',
	sources: ['surveys', 'registry'],
	prepare: prepareSurveys,
	compute: (prep, p) =>
		prep.available
			? {
					[SURVEY_SECTIONS.responses]: responseRates(prep, p),
					[SURVEY_SECTIONS.questions]: questionFigures(prep, p),
					[SURVEY_SECTIONS.complaints]: complaintsFigures(prep, p)
				}
			: {},
	scorecard(sections): ScoreItem[] {
		const out: ScoreItem[] = [];
		const q = surveyQuestions.safeParse(sections[SURVEY_SECTIONS.questions]);
		if (q.success) out.push({ id: 'questionsOnTime', unit: 'ratio', value: q.data.onTimeShare });
		const r = surveyResponses.safeParse(sections[SURVEY_SECTIONS.responses]);
		if (r.success)
			out.push({ id: 'surveyResponseRate', unit: 'ratio', value: r.data.responseRate });
		return out;
	}
};

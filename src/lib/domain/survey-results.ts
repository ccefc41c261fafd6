/**
 * Survey results and the needs/complaints figures, as pure functions over plain rows
 * (the reports issue calls these; the surveys pages show them).
 */
import type { CalendarName } from './calendar';
import { fiscalQuarterOf } from './fiscal';
import {
	COMPLAINT_STATUS,
	ITEM_STATUS,
	byOrder,
	type Answer,
	type Complaint,
	type Item,
	type Option,
	type Question,
	type QuestionKind
} from './survey';

// ---- results per question ----------------------------------------------------------

export interface OptionCount {
	optionId: string;
	count: number;
	/** Share of the question's respondents, 0..1 (multiple choice can sum above 1). */
	share: number;
}

export interface QuestionResult {
	questionId: string;
	kind: QuestionKind;
	/** Members who answered this question. */
	answered: number;
	/** Single and multiple choice: one entry per option, in option order. */
	options: OptionCount[];
	/** Rating: count per value 1..5 (index 0 is rating 1). */
	ratings: number[];
	/** Rating and number: mean, or null without answers. */
	average: number | null;
	min: number | null;
	max: number | null;
	/** Free text answers, newest first. */
	texts: { memberId: string; text: string }[];
}

export interface CampaignResults {
	/** Members the campaign was sent to. */
	audience: number;
	/** Members with at least one answer. */
	responded: number;
	/** responded / audience, 0..1; null when the audience is empty. */
	responseRate: number | null;
	questions: QuestionResult[];
}

/**
 * Aggregate one campaign. `answers` may hold other campaigns' rows (they are
 * skipped); values that do not fit their question (an option deleted since) are not
 * counted. `audienceIds`: the members the campaign was sent to; a respondent outside
 * it (the audience changed since) still counts as a response but not in the rate's
 * denominator twice.
 */
export function campaignResults(opts: {
	campaignId: string;
	questions: readonly Question[];
	options: readonly Option[];
	answers: readonly Answer[];
	audienceIds: ReadonlySet<string>;
}): CampaignResults {
	return tally(opts).results;
}

/**
 * How many answers a deletion would hide: the answers to `questionId`, or with
 * `optionId` only those that chose that option (single or multiple choice). The
 * answer rows stay in the doc, but results and responses no longer show them.
 */
export function answersAffected(opts: {
	answers: readonly Answer[];
	questionId: string;
	optionId?: string;
}): number {
	let n = 0;
	for (const a of opts.answers) {
		if (a.questionId !== opts.questionId || a.value === undefined || a.value === '') continue;
		if (opts.optionId === undefined || String(a.value).split(',').includes(opts.optionId)) n++;
	}
	return n;
}

/**
 * The members who have answered the campaign: at least one answer that the results
 * count. The one definition for the results, the responses tab and the campaign list
 * (a response row without any such answer is not an answer).
 */
export function answeredMemberIds(opts: {
	campaignId: string;
	questions: readonly Question[];
	options: readonly Option[];
	answers: readonly Answer[];
}): Set<string> {
	return tally({ ...opts, audienceIds: new Set() }).respondents;
}

function tally(opts: {
	campaignId: string;
	questions: readonly Question[];
	options: readonly Option[];
	answers: readonly Answer[];
	audienceIds: ReadonlySet<string>;
}): { results: CampaignResults; respondents: Set<string> } {
	const questions = opts.questions.filter((q) => q.campaignId === opts.campaignId).sort(byOrder);
	const byQuestion = new Map<string, Answer[]>();
	const respondents = new Set<string>();
	for (const a of opts.answers) {
		if (a.campaignId !== opts.campaignId || !a.questionId || !a.memberId) continue;
		if (a.value === undefined || a.value === '') continue;
		let list = byQuestion.get(a.questionId);
		if (!list) byQuestion.set(a.questionId, (list = []));
		list.push(a);
	}
	const results = questions.map((q): QuestionResult => {
		const list = byQuestion.get(q.id) ?? [];
		const opts_ = opts.options.filter((o) => o.questionId === q.id).sort(byOrder);
		const ids = new Set(opts_.map((o) => o.id));
		const counts = new Map(opts_.map((o) => [o.id, 0]));
		const ratings = [0, 0, 0, 0, 0];
		const nums: number[] = [];
		const texts: { memberId: string; text: string; at: string }[] = [];
		let answered = 0;
		for (const a of list) {
			const v = a.value;
			let ok = false;
			if (q.kind === 'single' && typeof v === 'string' && ids.has(v)) {
				counts.set(v, (counts.get(v) ?? 0) + 1);
				ok = true;
			} else if (q.kind === 'multiple' && typeof v === 'string') {
				const picked = [...new Set(v.split(','))].filter((p) => ids.has(p));
				for (const p of picked) counts.set(p, (counts.get(p) ?? 0) + 1);
				ok = picked.length > 0;
			} else if (
				q.kind === 'rating' &&
				typeof v === 'number' &&
				Number.isInteger(v) &&
				v >= 1 &&
				v <= 5
			) {
				ratings[v - 1]++;
				nums.push(v);
				ok = true;
			} else if (q.kind === 'number' && typeof v === 'number' && Number.isFinite(v)) {
				nums.push(v);
				ok = true;
			} else if (q.kind === 'text' && typeof v === 'string' && v.trim()) {
				texts.push({ memberId: a.memberId!, text: v, at: a.updatedAt ?? '' });
				ok = true;
			}
			if (ok) {
				answered++;
				respondents.add(a.memberId!);
			}
		}
		const sum = nums.reduce((s, n) => s + n, 0);
		return {
			questionId: q.id,
			kind: q.kind ?? 'text',
			answered,
			options: opts_.map((o) => ({
				optionId: o.id,
				count: counts.get(o.id) ?? 0,
				share: answered > 0 ? (counts.get(o.id) ?? 0) / answered : 0
			})),
			ratings,
			average: nums.length > 0 ? sum / nums.length : null,
			min: nums.length > 0 ? Math.min(...nums) : null,
			max: nums.length > 0 ? Math.max(...nums) : null,
			texts: texts
				.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
				.map(({ memberId, text }) => ({ memberId, text }))
		};
	});
	const inAudience = [...respondents].filter((m) => opts.audienceIds.has(m)).length;
	const audience = opts.audienceIds.size;
	return {
		results: {
			audience,
			responded: respondents.size,
			responseRate: audience > 0 ? Math.min(1, inAudience / audience) : null,
			questions: results
		},
		respondents
	};
}

// ---- needs and questions: figures --------------------------------------------------

const DAY_MS = 24 * 60 * 60 * 1000;

export const isOpenItem = (i: Pick<Item, 'status'>) =>
	i.status === undefined || i.status === ITEM_STATUS.open || i.status === ITEM_STATUS.inProgress;

/** Open past its due date; `today` is an ISO date (`YYYY-MM-DD`) in the office's zone. */
export const isOverdue = (i: Pick<Item, 'status' | 'dueDate'>, today: string) =>
	isOpenItem(i) && !!i.dueDate && i.dueDate < today;

export interface ItemFigures {
	open: number;
	overdue: number;
	answered: number;
	closed: number;
	/** Median days from creation to answer over answered/closed items; null when none. */
	medianDaysToAnswer: number | null;
	/** Open items per department, most first. */
	openByDepartment: { department: string; open: number; overdue: number }[];
}

export function median(xs: readonly number[]): number | null {
	if (xs.length === 0) return null;
	const s = [...xs].sort((a, b) => a - b);
	const mid = s.length >> 1;
	return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Days from `createdAt` to `answeredAt` (fractional), or null when either is missing. */
export function daysToAnswer(i: Pick<Item, 'createdAt' | 'answeredAt'>): number | null {
	if (!i.createdAt || !i.answeredAt) return null;
	const a = Date.parse(i.createdAt);
	const b = Date.parse(i.answeredAt);
	if (!Number.isFinite(a) || !Number.isFinite(b) || b < a) return null;
	return (b - a) / DAY_MS;
}

export function itemFigures(items: readonly Item[], opts: { today: string }): ItemFigures {
	let open = 0;
	let overdue = 0;
	let answered = 0;
	let closed = 0;
	const days: number[] = [];
	const dept = new Map<string, { open: number; overdue: number }>();
	for (const i of items) {
		if (isOpenItem(i)) {
			open++;
			const late = isOverdue(i, opts.today);
			if (late) overdue++;
			const key = i.department ?? '';
			const d = dept.get(key) ?? { open: 0, overdue: 0 };
			d.open++;
			if (late) d.overdue++;
			dept.set(key, d);
		} else {
			if (i.status === ITEM_STATUS.answered) answered++;
			else closed++;
			const d = daysToAnswer(i);
			if (d !== null) days.push(d);
		}
	}
	return {
		open,
		overdue,
		answered,
		closed,
		medianDaysToAnswer: median(days),
		openByDepartment: [...dept]
			.map(([department, v]) => ({ department, ...v }))
			.sort((a, b) => b.open - a.open || a.department.localeCompare(b.department))
	};
}

/** Open items owned by `owner` (username), due first (no due date last). */
export function myOpenItems<T extends Item>(items: readonly T[], owner: string): T[] {
	return items
		.filter((i) => isOpenItem(i) && i.owner === owner)
		.sort((a, b) => (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999'));
}

/** Overdue items, most overdue first. */
export function overdueItems<T extends Item>(items: readonly T[], today: string): T[] {
	return items
		.filter((i) => isOverdue(i, today))
		.sort((a, b) => (a.dueDate ?? '').localeCompare(b.dueDate ?? ''));
}

// ---- complaints: satisfaction by quarter -------------------------------------------

export interface QuarterSatisfaction {
	/** `2026-Q3` (Gregorian quarters of the resolution date, else of the receipt date). */
	quarter: string;
	year: number;
	q: 1 | 2 | 3 | 4;
	complaints: number;
	/** Complaints with a satisfaction score. */
	rated: number;
	averageSatisfaction: number | null;
	/** Rated 4 or 5, as a share of rated, 0..1. */
	satisfiedShare: number | null;
}

/** The quarter a date (or timestamp) falls in, in `calendar` (Farvardin–Khordad is Q1 in Solar Hijri). */
export function quarterOf(
	iso: string,
	calendar: CalendarName = 'gregory'
): { year: number; q: 1 | 2 | 3 | 4 } | null {
	const day = /^\d{4}-\d{2}-\d{2}/.exec(iso)?.[0];
	const fq = day ? fiscalQuarterOf(day, calendar) : null;
	return fq ? { year: fq.year, q: fq.quarter } : null;
}

/** Complaints and satisfaction per quarter of `calendar` (the reader's), oldest first. */
export function satisfactionByQuarter(
	complaints: readonly Complaint[],
	calendar: CalendarName = 'gregory'
): QuarterSatisfaction[] {
	const groups = new Map<
		string,
		{ year: number; q: 1 | 2 | 3 | 4; all: number; scores: number[] }
	>();
	for (const c of complaints) {
		const when = c.resolvedAt ?? c.receivedAt ?? c.createdAt;
		const qt = when ? quarterOf(when, calendar) : null;
		if (!qt) continue;
		const key = `${qt.year}-Q${qt.q}`;
		const g = groups.get(key) ?? { ...qt, all: 0, scores: [] };
		g.all++;
		if (typeof c.satisfaction === 'number') g.scores.push(c.satisfaction);
		groups.set(key, g);
	}
	return [...groups]
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([quarter, g]) => ({
			quarter,
			year: g.year,
			q: g.q,
			complaints: g.all,
			rated: g.scores.length,
			averageSatisfaction:
				g.scores.length > 0 ? g.scores.reduce((s, n) => s + n, 0) / g.scores.length : null,
			satisfiedShare:
				g.scores.length > 0 ? g.scores.filter((s) => s >= 4).length / g.scores.length : null
		}));
}

export interface ComplaintFigures {
	open: number;
	resolved: number;
	byCategory: { category: string; count: number }[];
}

export function complaintFigures(complaints: readonly Complaint[]): ComplaintFigures {
	let open = 0;
	let resolved = 0;
	const cats = new Map<string, number>();
	for (const c of complaints) {
		if (c.status === COMPLAINT_STATUS.resolved || c.status === COMPLAINT_STATUS.closed) resolved++;
		else open++;
		const k = c.category ?? 'other';
		cats.set(k, (cats.get(k) ?? 0) + 1);
	}
	return {
		open,
		resolved,
		byCategory: [...cats]
			.map(([category, count]) => ({ category, count }))
			.sort((a, b) => b.count - a.count)
	};
}

// ---- a member's archive ------------------------------------------------------------

export interface ArchiveEntry {
	campaignId: string;
	questionId: string;
	value: string | number;
	updatedAt: string | null;
}

/** Every answer a member gave, grouped by campaign (newest campaign activity first). */
export function memberAnswers(
	memberId: string,
	answers: readonly Answer[]
): Map<string, ArchiveEntry[]> {
	const out = new Map<string, ArchiveEntry[]>();
	for (const a of answers) {
		if (a.memberId !== memberId || !a.campaignId || !a.questionId || a.value === undefined)
			continue;
		let list = out.get(a.campaignId);
		if (!list) out.set(a.campaignId, (list = []));
		list.push({
			campaignId: a.campaignId,
			questionId: a.questionId,
			value: a.value,
			updatedAt: a.updatedAt ?? null
		});
	}
	return out;
}

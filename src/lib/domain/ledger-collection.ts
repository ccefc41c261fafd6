/**
 * Collection rounds (seed 001 art. 4: at least twice a year, in a prescribed format):
 * who owes, the reminder letters from a template with merge fields, the CSV for
 * email/SMS sending, and the lapse review list. Pure.
 */
import { ageingBucket, daysBetween, type AgeingBucket } from './ledger-figures';
import type { CalendarName } from './calendar';
import { dueByYear, type OpenCharge } from './ledger';
import { fillPlaceholders, unknownPlaceholders } from './text';

export interface RoundFilter {
	/** Owed at least this much (minor units). */
	minAmount?: number;
	/** The oldest open charge is at least this many days old. */
	minAgeDays?: number;
	tiers?: readonly string[];
	regions?: readonly string[];
}

export interface DebtorMember {
	id: string;
	name?: string;
	memberNo?: number;
	status?: string;
	tier?: string;
	region?: string;
}

export interface Debtor {
	memberId: string;
	total: number;
	byYear: Map<number, number>;
	oldestDate: string;
	ageDays: number;
	bucket: AgeingBucket;
}

/** Members with open charges, filtered, most owed first. */
export function selectDebtors(opts: {
	open: readonly OpenCharge[];
	members: ReadonlyMap<string, DebtorMember>;
	filter: RoundFilter;
	asOf: string;
	/** The fiscal calendar: a charge without a year is owed for its date's year in it. */
	calendar: CalendarName;
}): Debtor[] {
	const oldest = new Map<string, string>();
	const totals = new Map<string, number>();
	for (const c of opts.open) {
		if (c.open <= 0) continue;
		totals.set(c.memberId, (totals.get(c.memberId) ?? 0) + c.open);
		const o = oldest.get(c.memberId);
		if (!o || c.date < o) oldest.set(c.memberId, c.date);
	}
	const f = opts.filter;
	const out: Debtor[] = [];
	for (const [memberId, total] of totals) {
		const m = opts.members.get(memberId);
		const ageDays = Math.max(0, daysBetween(oldest.get(memberId)!, opts.asOf));
		if (f.minAmount !== undefined && total < f.minAmount) continue;
		if (f.minAgeDays !== undefined && ageDays < f.minAgeDays) continue;
		if (f.tiers?.length && !f.tiers.includes(m?.tier ?? '')) continue;
		if (f.regions?.length && !f.regions.includes(m?.region ?? '')) continue;
		out.push({
			memberId,
			total,
			byYear: dueByYear(opts.open, memberId, opts.calendar),
			oldestDate: oldest.get(memberId)!,
			ageDays,
			bucket: ageingBucket(ageDays)
		});
	}
	return out.sort((a, b) => b.total - a.total || (a.memberId < b.memberId ? -1 : 1));
}

/** Merge fields a reminder template may use. */
export const MERGE_FIELDS = [
	'name',
	'memberNo',
	'total',
	'dueByYear',
	'howToPay',
	'date',
	'organisation',
	/** [L11] What settles each open charge with an early-payment discount, and by when. */
	'earlyPayment'
] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];

/** Placeholders in a template that are not merge fields (to show before printing). */
export function unknownFields(template: string): string[] {
	return unknownPlaceholders(template, MERGE_FIELDS);
}

/** Fill `{{field}}` placeholders. Values are plain text; unknown placeholders stay as typed. */
export function renderTemplate(
	template: string,
	values: Partial<Record<MergeField, string>>
): string {
	return fillPlaceholders(template, MERGE_FIELDS, values);
}

export interface LapseCandidate {
	memberId: string;
	oldestDate: string;
	daysOverdue: number;
	total: number;
}

/**
 * Active members whose oldest open charge is older than the grace period: listed
 * for review. Nothing changes here; staff set the status in the registry.
 */
export function lapseCandidates(opts: {
	open: readonly OpenCharge[];
	members: ReadonlyMap<string, DebtorMember>;
	graceDays: number;
	asOf: string;
}): LapseCandidate[] {
	// The years owed play no part here: any calendar gives the same list.
	const debtors = selectDebtors({
		open: opts.open,
		members: opts.members,
		filter: {},
		asOf: opts.asOf,
		calendar: 'gregory'
	});
	return debtors
		.filter((d) => opts.members.get(d.memberId)?.status === 'active' && d.ageDays > opts.graceDays)
		.map((d) => ({
			memberId: d.memberId,
			oldestDate: d.oldestDate,
			daysOverdue: d.ageDays - opts.graceDays,
			total: d.total
		}))
		.sort((a, b) => b.daysOverdue - a.daysOverdue);
}

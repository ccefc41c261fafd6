/**
 * Dues figures for leadership (pure; the reports area calls these too).
 *
 * Definitions, per quarter of a fiscal year (dates are ISO, Gregorian; the year and
 * its quarters are the association's fiscal calendar's, domain/fiscal.ts: Solar
 * Hijri Q1 is Farvardin–Khordad):
 *  - billed: charges dated in the quarter, less reversals of charges dated in it,
 *    less credits (discounts, write-offs) dated in it.
 *  - collected: payments dated in the quarter, less reversals of payments dated in it.
 *    Money received, as the bank shows it: a refund ([L8]) does not lower it.
 *  - refunded: refunds dated in the quarter, less their reversals dated in it: credit
 *    paid back to members, shown beside collected (collected − refunded is what the
 *    association kept). Neither billed nor collected: the dues billed did not change,
 *    and the money paid back was never dues (it was paid beyond what was owed).
 *  - outstanding: what is still open at the quarter's end, on all charges so far.
 *  - collection rate: of the year's charges billed up to the quarter's end, the share
 *    settled by then, in basis points (10000 = 100 %); null when nothing was billed.
 * Grouping by tier and region uses the member's registry values now (`—` when unset).
 * Ageing buckets count an open charge's days since its date: 0-90, 91-180, 181-365, >365.
 */
import type { CalendarName } from './calendar';
import { fiscalQuarterPeriod, fiscalYearStart, type Quarter } from './fiscal';
import { indexEntries, openItems, signedAmount, type Allocation, type EntryRow } from './ledger';

export interface MemberFacts {
	tier?: string;
	region?: string;
}

export interface FigureCell {
	billed: number;
	collected: number;
	/** Refunds dated in the quarter ([L8]): not billed, not collected. */
	refunded: number;
	outstanding: number;
	/** Share of the year's billed dues (to the quarter's end) settled, in basis points. */
	rateBp: number | null;
	/** For the rate: billed in the year up to the quarter's end, and its open part. */
	billedToDate: number;
	openToDate: number;
}

export interface QuarterFigures {
	/** The fiscal year, in `calendar`. */
	year: number;
	calendar: CalendarName;
	quarter: Quarter;
	start: string;
	end: string;
	total: FigureCell;
	byTier: Record<string, FigureCell>;
	byRegion: Record<string, FigureCell>;
}

export const NO_GROUP = '—';

const emptyCell = (): FigureCell => ({
	billed: 0,
	collected: 0,
	refunded: 0,
	outstanding: 0,
	rateBp: null,
	billedToDate: 0,
	openToDate: 0
});

function rate(billed: number, open: number): number | null {
	if (billed <= 0) return null;
	// Integer basis points, rounded half up, no floating point.
	return Number((BigInt(billed - open) * 10000n + BigInt(Math.floor(billed / 2))) / BigInt(billed));
}

/** The four quarters of fiscal year `year`, with totals and breakdowns by tier and region. */
export function quarterlyFigures(opts: {
	year: number;
	calendar: CalendarName;
	entries: readonly EntryRow[];
	allocations: readonly Allocation[];
	members: ReadonlyMap<string, MemberFacts>;
}): QuarterFigures[] {
	const out: QuarterFigures[] = [];
	const facts = (id: string) => opts.members.get(id) ?? {};
	for (const q of [1, 2, 3, 4] as const) {
		const { from: start, to: end } = fiscalQuarterPeriod(opts.year, q, opts.calendar);
		const total = emptyCell();
		const byTier: Record<string, FigureCell> = {};
		const byRegion: Record<string, FigureCell> = {};
		const cells = (memberId: string): FigureCell[] => {
			const f = facts(memberId);
			const t = f.tier || NO_GROUP;
			const r = f.region || NO_GROUP;
			return [total, (byTier[t] ??= emptyCell()), (byRegion[r] ??= emptyCell())];
		};
		const asOfEnd = opts.entries.filter((e) => e.date <= end);
		const idx = indexEntries(asOfEnd);
		for (const e of idx.posted.values()) {
			if (e.date < start) continue;
			const s = signedAmount(e, idx);
			if (s === 0) continue;
			const kind = e.kind === 'reversal' ? idx.posted.get(e.reversalOf!)!.kind : e.kind;
			for (const c of cells(e.memberId)) {
				if (kind === 'charge' || kind === 'credit') c.billed += s;
				else if (kind === 'refund') c.refunded += s;
				else c.collected -= s;
			}
		}
		const open = openItems({ entries: asOfEnd, allocations: opts.allocations, asOf: end });
		const yearStart = fiscalYearStart(opts.year, opts.calendar);
		for (const ch of open.charges) {
			for (const c of cells(ch.memberId)) {
				c.outstanding += ch.open;
				if (ch.date >= yearStart) {
					c.billedToDate += ch.amount;
					c.openToDate += ch.open;
				}
			}
		}
		for (const c of [total, ...Object.values(byTier), ...Object.values(byRegion)]) {
			c.rateBp = rate(c.billedToDate, c.openToDate);
		}
		out.push({
			year: opts.year,
			calendar: opts.calendar,
			quarter: q,
			start,
			end,
			total,
			byTier,
			byRegion
		});
	}
	return out;
}

export const AGEING_BUCKET = {
	d0_90: 'd0_90',
	d91_180: 'd91_180',
	d181_365: 'd181_365',
	over365: 'over365'
} as const;
export type AgeingBucket = (typeof AGEING_BUCKET)[keyof typeof AGEING_BUCKET];
export const AGEING_BUCKETS: readonly AgeingBucket[] = Object.values(AGEING_BUCKET);

export type AgeingRow = Record<AgeingBucket, number> & { total: number };

export interface Ageing {
	asOf: string;
	total: AgeingRow;
	byMember: Map<string, AgeingRow>;
	byTier: Record<string, AgeingRow>;
	byRegion: Record<string, AgeingRow>;
}

/** Whole days from `from` to `to` (ISO dates). */
export function daysBetween(from: string, to: string): number {
	const a = Date.UTC(+from.slice(0, 4), +from.slice(5, 7) - 1, +from.slice(8, 10));
	const b = Date.UTC(+to.slice(0, 4), +to.slice(5, 7) - 1, +to.slice(8, 10));
	return Math.round((b - a) / 86_400_000);
}

export function ageingBucket(days: number): AgeingBucket {
	if (days <= 90) return 'd0_90';
	if (days <= 180) return 'd91_180';
	if (days <= 365) return 'd181_365';
	return 'over365';
}

const emptyAgeing = (): AgeingRow => ({ d0_90: 0, d91_180: 0, d181_365: 0, over365: 0, total: 0 });

/** Open debt by age on `asOf`: totals, per member, per tier and per region. */
export function ageing(opts: {
	asOf: string;
	entries: readonly EntryRow[];
	allocations: readonly Allocation[];
	members: ReadonlyMap<string, MemberFacts>;
}): Ageing {
	const open = openItems({ entries: opts.entries, allocations: opts.allocations, asOf: opts.asOf });
	const res: Ageing = {
		asOf: opts.asOf,
		total: emptyAgeing(),
		byMember: new Map(),
		byTier: {},
		byRegion: {}
	};
	for (const c of open.charges) {
		if (c.open <= 0) continue;
		const b = ageingBucket(Math.max(0, daysBetween(c.date, opts.asOf)));
		const f = opts.members.get(c.memberId) ?? {};
		let m = res.byMember.get(c.memberId);
		if (!m) res.byMember.set(c.memberId, (m = emptyAgeing()));
		const rows = [
			res.total,
			m,
			(res.byTier[f.tier || NO_GROUP] ??= emptyAgeing()),
			(res.byRegion[f.region || NO_GROUP] ??= emptyAgeing())
		];
		for (const r of rows) {
			r[b] += c.open;
			r.total += c.open;
		}
	}
	return res;
}

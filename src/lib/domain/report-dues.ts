/**
 * The dues area of the reports (000 §2, 001 art. 4.3: quarterly dues statistics for
 * leadership): per period, what was billed and collected, what is outstanding at its
 * end, and the collection rate. Reads the ledger's `entries` and `allocations`
 * (the ledger's own accounting: drafts do not count, reversals cancel) and the
 * currency from the settings' `config`.
 *
 *  - billed: charges dated in the period, less credits and reversals dated in it.
 *  - collected: payments dated in the period, less their reversals dated in it.
 *  - refunded ([L16]): refunds dated in the period, less their reversals dated in it.
 *  A refund ([L8]: credit paid back) is neither billed nor collected: it is shown beside
 *  collected, as on the ledger's Figures page. It uses up the member's credit, so what
 *  is open is settled with it (a later charge stays owed).
 *  - outstanding: open on all charges at the period's end.
 *  - collection rate: of the charges dated in the period, the share settled by its
 *    end, in basis points (10000 = 100 %); null when nothing was charged.
 * Amounts are integers in minor units.
 *
 * What is open is settled per member, and a member is the live record an entry's member
 * id belongs to now ([L4]: a merged record's charges and payments are its survivor's), so
 * the area reads the registry's merge marks too (only when the ledger has entries).
 */
import { z } from 'zod';
import {
	openItems,
	readAllocation,
	readLedgerSettings,
	signedAmount,
	type Allocation,
	type EntryRow,
	type LedgerIndex
} from './ledger';
import { liveMemberId, mergedIntoMap } from './merge';
import {
	runSteps,
	STEP_ROWS,
	type Period,
	type ReportArea,
	type ReportInputs,
	type Row,
	type ScoreItem
} from './report';

export const DUES_SECTION = 'dues.summary';

export const duesSummary = z.object({
	currency: z.string(),
	billed: z.number().int(),
	collected: z.number().int(),
	/** [L16] Credit paid back to members (refunds, net of their reversals): not collected dues. */
	refunded: z.number().int().default(0),
	outstanding: z.number().int(),
	/** Charges dated in the period, and what of them is still open at its end. */
	charged: z.number().int(),
	chargedOpen: z.number().int(),
	rateBp: z.number().int().nullable()
});
export type DuesSummary = z.infer<typeof duesSummary>;

/** A live (posted, not reversed by then) charge, payment or credit of one member. */
interface Movement {
	date: string;
	/** Charges: amount owed; payments and credits: amount paid. */
	amount: number;
	charge: boolean;
	/** The day a reversal dated it away (it counts before that day), or null. */
	reversedOn: string | null;
}

export interface PreparedDues {
	available: boolean;
	currency: string;
	/** Every posted entry with its signed amount and what it counts as: billed, collected or refunded. */
	posted: { date: string; signed: number; as: 'billed' | 'collected' | 'refunded' }[];
	/** Per member: their movements, oldest first (members without explicit allocations). */
	simple: Map<string, Movement[]>;
	/** Members with explicit allocations or a refund: settled with the ledger's own `openItems`. */
	allocated: Map<string, { entries: EntryRow[]; allocations: Allocation[] }>;
}

const KINDS = new Set(['charge', 'payment', 'credit', 'refund', 'reversal']);
const ROW_ID = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * An entry row as the ledger reads it, checked by hand: the same fields and limits
 * the ledger's schema needs for the figures, without a zod parse per row (a ledger
 * of 100,000 members has hundreds of thousands of entries).
 */
function entryOf(r: Row): EntryRow | null {
	const { memberId, kind, amount, date, posted, reversalOf, year } = r;
	if (typeof memberId !== 'string' || !ROW_ID.test(memberId)) return null;
	if (typeof kind !== 'string' || !KINDS.has(kind)) return null;
	if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0) return null;
	if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
	if (typeof posted !== 'boolean') return null;
	return {
		id: r.id,
		memberId,
		kind: kind as EntryRow['kind'],
		amount,
		date,
		posted,
		reversalOf: typeof reversalOf === 'string' ? reversalOf : undefined,
		year: typeof year === 'number' ? year : undefined
	};
}

export const prepareDues = (inputs: ReportInputs): PreparedDues =>
	runSteps(prepareDuesSteps(inputs));

export function* prepareDuesSteps(inputs: ReportInputs): Generator<void, PreparedDues, void> {
	const ledger = inputs.docs.ledger;
	const entries: EntryRow[] = [];
	const rows = ledger?.entries ?? [];
	// [L4] Each entry under the live record its member now is: without entries, no pass
	// over the registry (this area is prepared again on every registry edit).
	const merged = rows.length > 0 ? mergedIntoMap(inputs.docs.registry?.members ?? []) : null;
	const mergedInto = (id: string) => merged?.get(id);
	let n = 0;
	for (const r of rows) {
		if (++n % STEP_ROWS === 0) yield;
		const e = entryOf(r);
		if (!e) continue;
		if (merged?.size) e.memberId = liveMemberId(e.memberId, mergedInto);
		entries.push(e);
	}
	const allocations: Allocation[] = [];
	for (const r of ledger?.allocations ?? []) {
		const a = readAllocation(r.id, r);
		if (a) allocations.push(a);
	}
	yield;
	const config = inputs.values?.settings?.config ?? {};
	const { currency } = readLedgerSettings({ config, tiers: [] });
	// The ledger's indexEntries, in steps (same rules: posted only; a reversal counts
	// for a non-reversal of the same member, once, the smallest id winning).
	const idx: LedgerIndex = { posted: new Map(), reversedBy: new Map() };
	for (const e of entries) {
		if (++n % STEP_ROWS === 0) yield;
		if (e.posted) idx.posted.set(e.id, e);
	}
	for (const e of idx.posted.values()) {
		if (++n % STEP_ROWS === 0) yield;
		if (e.kind !== 'reversal' || !e.reversalOf) continue;
		const target = idx.posted.get(e.reversalOf);
		if (!target || target.kind === 'reversal' || target.memberId !== e.memberId) continue;
		const prev = idx.reversedBy.get(target.id);
		if (!prev || e.id < prev.id) idx.reversedBy.set(target.id, e);
	}
	const posted: PreparedDues['posted'] = [];
	for (const e of idx.posted.values()) {
		if (++n % STEP_ROWS === 0) yield;
		const s = signedAmount(e, idx);
		if (s === 0) continue;
		const kind = e.kind === 'reversal' ? idx.posted.get(e.reversalOf!)!.kind : e.kind;
		const as =
			kind === 'refund'
				? 'refunded'
				: kind === 'charge' || kind === 'credit'
					? 'billed'
					: 'collected';
		posted.push({ date: e.date, signed: s, as });
	}
	// Members with explicit allocations, or with a refund (it sits among their charges by
	// date: openItems places it), are settled by the ledger's own openItems.
	const allocatedMembers = new Set<string>();
	for (const a of allocations) {
		const p = idx.posted.get(a.paymentId);
		if (p) allocatedMembers.add(p.memberId);
	}
	for (const e of idx.posted.values()) {
		if (++n % STEP_ROWS === 0) yield;
		if (e.kind === 'refund') allocatedMembers.add(e.memberId);
	}
	const simple = new Map<string, Movement[]>();
	const allocated = new Map<string, { entries: EntryRow[]; allocations: Allocation[] }>();
	for (const e of entries) {
		if (++n % STEP_ROWS === 0) yield;
		if (allocatedMembers.has(e.memberId)) {
			let g = allocated.get(e.memberId);
			if (!g) allocated.set(e.memberId, (g = { entries: [], allocations: [] }));
			g.entries.push(e);
			continue;
		}
		if (!e.posted || e.kind === 'reversal') continue;
		const rev = idx.reversedBy.get(e.id);
		let list = simple.get(e.memberId);
		if (!list) simple.set(e.memberId, (list = []));
		list.push({
			date: e.date,
			amount: e.amount,
			charge: e.kind === 'charge',
			reversedOn: rev ? rev.date : null
		});
	}
	for (const a of allocations) {
		const p = idx.posted.get(a.paymentId);
		if (p) allocated.get(p.memberId)?.allocations.push(a);
	}
	for (const list of simple.values())
		list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
	return { available: entries.length > 0, currency, posted, simple, allocated };
}

/** Integer basis points, rounded half up, without floating point. */
function rateBp(total: number, open: number): number | null {
	if (total <= 0) return null;
	return Number((BigInt(total - open) * 10000n + BigInt(Math.floor(total / 2))) / BigInt(total));
}

export function duesFigures(prep: PreparedDues, p: Period): DuesSummary {
	let billed = 0;
	let collected = 0;
	let refunded = 0;
	for (const e of prep.posted) {
		if (e.date < p.from || e.date > p.to) continue;
		if (e.as === 'billed') billed += e.signed;
		else if (e.as === 'refunded') refunded += e.signed;
		else collected -= e.signed;
	}
	let outstanding = 0;
	let charged = 0;
	let chargedOpen = 0;
	// Without explicit allocations, payments settle the oldest charges first, so what is
	// open as of the period's end sits on the newest charges.
	for (const list of prep.simple.values()) {
		let owed = 0;
		let paid = 0;
		let inPeriod = 0;
		for (const m of list) {
			if (m.date > p.to) break;
			if (m.reversedOn !== null && m.reversedOn <= p.to) continue;
			if (!m.charge) paid += m.amount;
			else {
				owed += m.amount;
				if (m.date >= p.from) inPeriod += m.amount;
			}
		}
		const open = Math.max(0, owed - paid);
		outstanding += open;
		charged += inPeriod;
		chargedOpen += Math.min(inPeriod, open);
	}
	for (const g of prep.allocated.values()) {
		const open = openItems({ entries: g.entries, allocations: g.allocations, asOf: p.to });
		for (const ch of open.charges) {
			outstanding += ch.open;
			if (ch.date >= p.from) {
				charged += ch.amount;
				chargedOpen += ch.open;
			}
		}
	}
	return {
		currency: prep.currency,
		billed,
		collected,
		refunded,
		outstanding,
		charged,
		chargedOpen,
		rateBp: rateBp(charged, chargedOpen)
	};
}

export const duesArea: ReportArea<PreparedDues> = {
	id: 'dues',
	sources: ['ledger', 'settings', 'registry'],
	prepare: prepareDues,
	prepareSteps: prepareDuesSteps,
	compute: (prep, p) => (prep.available ? { [DUES_SECTION]: duesFigures(prep, p) } : {}),
	scorecard(sections): ScoreItem[] {
		const d = duesSummary.safeParse(sections[DUES_SECTION]);
		if (!d.success) return [];
		return [
			{
				id: 'duesCollectionRate',
				unit: 'ratio',
				value: d.data.rateBp === null ? null : d.data.rateBp / 10000
			}
		];
	}
};

/**
 * The dues area of the reports (000 §2, 001 art. 4.3: quarterly dues statistics for
 * leadership): per period, what was billed and collected, what is outstanding at its
 * end, and the collection rate. Reads the ledger's `entries` and `allocations`
 * (the ledger's own accounting: drafts do not count, reversals cancel) and the
 * currency from the settings' `config`.
 *
 *  - billed: charges dated in the period, less credits and reversals dated in it.
 *  - collected: payments dated in the period, less their reversals dated in it.
 *  - outstanding: open on all charges at the period's end.
 *  - collection rate: of the charges dated in the period, the share settled by its
 *    end, in basis points (10000 = 100 %); null when nothing was charged.
 * Amounts are integers in minor units.
 */
import { z } from 'zod';
import {
	indexEntries,
	openItems,
	readAllocation,
	readEntry,
	readLedgerSettings,
	signedAmount,
	type Allocation,
	type EntryRow
} from './ledger';
import type { Period, ReportArea, ReportInputs, ScoreItem } from './report';

export const DUES_SECTION = 'dues.summary';

export const duesSummary = z.object({
	currency: z.string(),
	billed: z.number().int(),
	collected: z.number().int(),
	outstanding: z.number().int(),
	/** Charges dated in the period, and what of them is still open at its end. */
	charged: z.number().int(),
	chargedOpen: z.number().int(),
	rateBp: z.number().int().nullable()
});
export type DuesSummary = z.infer<typeof duesSummary>;

export interface PreparedDues {
	available: boolean;
	currency: string;
	entries: EntryRow[];
	allocations: Allocation[];
}

export function prepareDues(inputs: ReportInputs): PreparedDues {
	const ledger = inputs.docs.ledger;
	const entries: EntryRow[] = [];
	const allocations: Allocation[] = [];
	for (const r of ledger?.entries ?? []) {
		const e = readEntry(r.id, r);
		if (e) entries.push(e);
	}
	for (const r of ledger?.allocations ?? []) {
		const a = readAllocation(r.id, r);
		if (a) allocations.push(a);
	}
	const config = inputs.values?.settings?.config ?? {};
	const { currency } = readLedgerSettings({ config, tiers: [] });
	return { available: entries.length > 0, currency, entries, allocations };
}

/** Integer basis points, rounded half up, without floating point. */
function rateBp(total: number, open: number): number | null {
	if (total <= 0) return null;
	return Number((BigInt(total - open) * 10000n + BigInt(Math.floor(total / 2))) / BigInt(total));
}

export function duesFigures(prep: PreparedDues, p: Period): DuesSummary {
	const asOfEnd = prep.entries.filter((e) => e.date <= p.to);
	const idx = indexEntries(asOfEnd);
	let billed = 0;
	let collected = 0;
	for (const e of idx.posted.values()) {
		if (e.date < p.from) continue;
		const s = signedAmount(e, idx);
		if (s === 0) continue;
		const kind = e.kind === 'reversal' ? idx.posted.get(e.reversalOf!)!.kind : e.kind;
		if (kind === 'charge' || kind === 'credit') billed += s;
		else collected -= s;
	}
	const open = openItems({ entries: asOfEnd, allocations: prep.allocations, asOf: p.to });
	let outstanding = 0;
	let charged = 0;
	let chargedOpen = 0;
	for (const ch of open.charges) {
		outstanding += ch.open;
		if (ch.date >= p.from) {
			charged += ch.amount;
			chargedOpen += ch.open;
		}
	}
	return {
		currency: prep.currency,
		billed,
		collected,
		outstanding,
		charged,
		chargedOpen,
		rateBp: rateBp(charged, chargedOpen)
	};
}

export const duesArea: ReportArea<PreparedDues> = {
	id: 'dues',
	sources: ['ledger', 'settings'],
	prepare: prepareDues,
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

/**
 * The dues ledger: schemas of its tables and the pure accounting over them.
 *
 * Layout of the `ledger` doc (contract where marked):
 *  - `entries` (contract): entryId → { memberId, kind, amount, date, posted, … }.
 *    `amount` is a positive integer in minor units; the kind gives the sign.
 *    A `refund` pays a member's credit back ([L8]): it raises what is owed, like a
 *    charge, but is neither billed nor collected dues.
 *    Once `posted` is true an entry never changes and is never deleted (the server
 *    guard reverts any attempt); a mistake is undone by a `reversal` entry whose
 *    `reversalOf` names it. Reversal ids are `r_<entryId>`, so an entry can be
 *    reversed once only, even from two offline devices.
 *  - `allocations`: `a_<paymentId>_<chargeId>` → { paymentId, chargeId, amount }:
 *    which charges a payment (or credit) settles. Partial and several per payment.
 *  - `fees`: `f_<year>_<tier>` → { year, tier, amount }: the fee schedule.
 *  - `discounts`: id → { kind, name, percent | amount, year?, until?, minYears? }.
 *  - `rounds`: collection rounds; `reminders`: which reminder went to whom, when.
 *  - `templates`: `t_<locale>` → { locale, subject, body, howToPay }.
 *
 * Balances and statements are always computed from entries; nothing stores one.
 */
import { z } from 'zod';
import { MAX_AMOUNT } from './money';
import { ROW_ID_PATTERN } from './member';
import { liveMemberId, type MergedIntoOf } from './merge';
import type { CalendarName } from './calendar';
import {
	FISCAL_YEAR_RANGE,
	calendarOfYear,
	fiscalYearOf,
	fiscalYearPeriod,
	fiscalYearStart,
	readFiscalCalendar,
	readFiscalYear
} from './fiscal';
import { normalizeDigits } from './text';

export const ENTRY_KIND = {
	charge: 'charge',
	payment: 'payment',
	credit: 'credit',
	/** Money paid back to the member out of their credit ([L8]). */
	refund: 'refund',
	reversal: 'reversal'
} as const;
export type EntryKind = (typeof ENTRY_KIND)[keyof typeof ENTRY_KIND];

export const PAYMENT_METHOD = {
	bankTransfer: 'bankTransfer',
	cash: 'cash',
	card: 'card',
	cheque: 'cheque',
	online: 'online',
	other: 'other'
} as const;
export type PaymentMethod = (typeof PAYMENT_METHOD)[keyof typeof PAYMENT_METHOD];

/** Where a charge or credit came from. */
export const ENTRY_SOURCE = { dues: 'dues', manual: 'manual', discount: 'discount' } as const;
export type EntrySource = (typeof ENTRY_SOURCE)[keyof typeof ENTRY_SOURCE];

export const DISCOUNT_KIND = {
	newMember: 'newMember',
	earlyPayment: 'earlyPayment',
	multiYear: 'multiYear'
} as const;
export type DiscountKind = (typeof DISCOUNT_KIND)[keyof typeof DISCOUNT_KIND];

export const REMINDER_CHANNEL = { print: 'print', email: 'email', sms: 'sms' } as const;
export type ReminderChannel = (typeof REMINDER_CHANNEL)[keyof typeof REMINDER_CHANNEL];

const values = <T extends Record<string, string>>(o: T) =>
	Object.values(o) as [T[keyof T], ...T[keyof T][]];

const text = (max: number) => z.string().trim().min(1).max(max);
const amount = z.number().int().min(1).max(MAX_AMOUNT);
const yearIn = (c: CalendarName) =>
	z.number().int().min(FISCAL_YEAR_RANGE[c].min).max(FISCAL_YEAR_RANGE[c].max);
/**
 * A dues year in the association's fiscal calendar (domain/fiscal.ts): Gregorian
 * 1900–2200 or Solar Hijri 1300–1600. Both are stored, whatever the setting is now:
 * a ledger kept in one calendar stays valid after the setting changes.
 */
const year = z.union([yearIn('gregory'), yearIn('persian')]);

/**
 * A dues year as a person types it (in any digits: ۱۴۰۵, 2026) → the year, or null
 * when it is not a year of the fiscal calendar (readFiscalYear says why).
 */
export function readYear(text: string, calendar: CalendarName): number | null {
	const r = readFiscalYear(text, calendar);
	return r.ok ? r.year : null;
}
const isoDate = z.iso.date();
const rowId = z.string().regex(ROW_ID_PATTERN);
const locale = z.enum(['en', 'fa', 'zh']);

export const LEDGER_TABLE = {
	entries: 'entries',
	allocations: 'allocations',
	fees: 'fees',
	discounts: 'discounts',
	rounds: 'rounds',
	reminders: 'reminders',
	templates: 'templates'
} as const;

export const entryFields = {
	memberId: rowId,
	kind: z.enum(values(ENTRY_KIND)),
	amount,
	date: isoDate,
	posted: z.boolean(),
	/** The dues year a charge (or discount credit) is for. */
	year,
	reversalOf: rowId,
	method: z.enum(values(PAYMENT_METHOD)),
	receiptNo: text(64),
	payer: text(200),
	note: z.string().max(1000),
	source: z.enum(values(ENTRY_SOURCE)),
	/** Tier at the time of charging (the fee depends on it). */
	tier: text(64),
	currency: z.string().regex(/^[A-Z]{3}$/),
	discountId: rowId,
	createdAt: z.iso.datetime(),
	createdBy: text(100)
} as const;
export type EntryField = keyof typeof entryFields;

export const entry = z.object({
	memberId: entryFields.memberId,
	kind: entryFields.kind,
	amount,
	date: isoDate,
	posted: z.boolean(),
	year: year.optional(),
	reversalOf: rowId.optional(),
	method: entryFields.method.optional(),
	receiptNo: entryFields.receiptNo.optional(),
	payer: entryFields.payer.optional(),
	note: entryFields.note.optional(),
	source: entryFields.source.optional(),
	tier: entryFields.tier.optional(),
	currency: entryFields.currency.optional(),
	discountId: rowId.optional(),
	createdAt: entryFields.createdAt.optional(),
	createdBy: entryFields.createdBy.optional()
});
export type Entry = z.infer<typeof entry>;
export type EntryRow = Entry & {
	id: string;
	/**
	 * Read time only ([L4], underLiveMembers): the record the entry was posted on, when
	 * that record has since been merged into `memberId`. Never stored.
	 */
	bookedOn?: string;
};

export const allocationFields = {
	paymentId: rowId,
	chargeId: rowId,
	amount,
	createdAt: z.iso.datetime()
} as const;
export const allocation = z.object({
	paymentId: rowId,
	chargeId: rowId,
	amount,
	createdAt: z.iso.datetime().optional()
});
export type Allocation = z.infer<typeof allocation> & { id: string };

export const feeFields = { year, tier: text(64), amount: z.number().int().min(0).max(MAX_AMOUNT) };
export const fee = z.object(feeFields);
export type Fee = z.infer<typeof fee> & { id: string };

export const discountFields = {
	kind: z.enum(values(DISCOUNT_KIND)),
	name: text(200),
	/** Basis points: 1000 = 10 %. Either percent or amount. */
	percent: z.number().int().min(1).max(10000),
	amount,
	/** Applies to this dues year only (absent: every year). */
	year,
	/** Early payment: paid on or before this date. */
	until: isoDate,
	/** Multi-year: paying this many years or more at once. */
	minYears: z.number().int().min(2).max(10),
	active: z.boolean()
} as const;
export const discount = z.object({
	kind: discountFields.kind,
	name: discountFields.name,
	percent: discountFields.percent.optional(),
	amount: amount.optional(),
	year: year.optional(),
	until: isoDate.optional(),
	minYears: discountFields.minYears.optional(),
	active: z.boolean().optional()
});
export type Discount = z.infer<typeof discount> & { id: string };

export const roundFields = {
	name: text(200),
	createdAt: z.iso.datetime(),
	createdBy: text(100),
	/** Selection used (JSON of RoundFilter), kept for the record. */
	filter: z.string().max(2000)
} as const;

export const reminderFields = {
	memberId: rowId,
	roundId: rowId,
	channel: z.enum(values(REMINDER_CHANNEL)),
	locale,
	/** Total due on the reminder. */
	amount: z.number().int().min(0).max(MAX_AMOUNT),
	/** Years named on the reminder, comma-separated. */
	years: z.string().max(200),
	sentAt: z.iso.datetime(),
	sentBy: text(100)
} as const;
export const reminder = z.object({
	memberId: rowId,
	roundId: rowId,
	channel: reminderFields.channel,
	locale: locale.optional(),
	amount: reminderFields.amount.optional(),
	years: reminderFields.years.optional(),
	sentAt: reminderFields.sentAt,
	sentBy: reminderFields.sentBy.optional()
});
export type Reminder = z.infer<typeof reminder> & { id: string };

export const templateFields = {
	locale,
	subject: z.string().max(500),
	body: z.string().max(20000),
	howToPay: z.string().max(5000)
} as const;

// ---- ids --------------------------------------------------------------------------

/** A year's dues for a member: one id, so generating twice (anywhere) charges once. */
export const duesEntryId = (y: number, memberId: string) => `d_${y}_${memberId}`;
/** The reversal of an entry: one id, so an entry is reversed at most once. */
export const reversalId = (entryId: string) => `r_${entryId}`.slice(0, 64);
export const allocationId = (paymentId: string, chargeId: string) =>
	`a_${paymentId}_${chargeId}`.slice(0, 64);
export const feeId = (y: number, tier: string) => `f_${y}_${tier}`;
export const templateId = (l: string) => `t_${l}`;
/**
 * A discount credit for one charge: one id per (discount, charge), so a payment synced
 * twice earns it once. `n` counts how often it was earned: a credit reversed with the
 * payment that earned it ([L14]) is earned again by a later payment in time under the
 * next id (`c2_…`), never blocked by the reversed one.
 */
export const discountEntryId = (discountId: string, chargeId: string, n = 1) =>
	`c${n > 1 ? n : ''}_${discountId.slice(0, 16)}_${chargeId}`.slice(0, 64);

// ---- guard rules (plug into makeDocGuard) -------------------------------------------

type Before = Readonly<Record<string, unknown>>;
export type RowCorrection =
	{ key: string; op: 'set'; value: unknown } | { key: string; op: 'delete' };

/** Fields a posted entry must have; a row missing one is put back to a draft. */
const REQUIRED_WHEN_POSTED = ['memberId', 'kind', 'amount', 'date'] as const;

/**
 * A posted entry must be complete; a reversal must name what it reverses; a payment,
 * and a refund ([L8]), must say how the money went. An incomplete row is not refused
 * (it may be a draft being typed): it just cannot be posted.
 */
export function entryRowCorrections(after: Before): RowCorrection[] {
	if (after.posted !== true) return [];
	const missing = REQUIRED_WHEN_POSTED.some((k) => after[k] === undefined);
	const badReversal = after.kind === ENTRY_KIND.reversal && after.reversalOf === undefined;
	const badPayment =
		(after.kind === ENTRY_KIND.payment || after.kind === ENTRY_KIND.refund) &&
		after.method === undefined;
	return missing || badReversal || badPayment ? [{ key: 'posted', op: 'set', value: false }] : [];
}

export const isPosted = (before: Before) => before.posted === true;

/**
 * Table rules for the ledger doc, in the shape `makeDocGuard` takes (server/doc-guards.ts).
 * [L1] a posted entry never changes and is never deleted, whoever sends the update.
 * [L2] a posted entry is complete (else `posted` is put back to false).
 * [L9] who wrote an entry, a round or a reminder is the connection's user ([G17]), and the
 * creation time of an entry, an allocation, a round and a reminder (its `sentAt`) one
 * within the writer's session ([G19]).
 */
export const LEDGER_TABLE_RULES = {
	entries: {
		fields: entryFields,
		frozen: isPosted,
		row: entryRowCorrections,
		createdBy: ['createdBy'],
		createdAt: ['createdAt']
	},
	allocations: { fields: allocationFields, createdAt: ['createdAt'] },
	fees: { fields: feeFields },
	discounts: { fields: discountFields },
	rounds: { fields: roundFields, createdBy: ['createdBy'], createdAt: ['createdAt'] },
	// A record that a reminder was sent is history: it stays.
	reminders: {
		fields: reminderFields,
		frozen: () => true,
		createdBy: ['sentBy'],
		createdAt: ['sentAt']
	},
	templates: { fields: templateFields }
} as const;

// ---- reading rows -------------------------------------------------------------------

/** A stored entry row, or null when it is not a complete entry (drafts being typed). */
export function readEntry(id: string, raw: Record<string, unknown>): EntryRow | null {
	const r = entry.safeParse(raw);
	return r.success ? { id, ...r.data } : null;
}

export function readAllocation(id: string, raw: Record<string, unknown>): Allocation | null {
	const r = allocation.safeParse(raw);
	return r.success ? { id, ...r.data } : null;
}

// ---- settings (read from the settings doc; the joining area owns it) ------------------

export interface LedgerSettings {
	currency: string;
	lapseGraceDays: number;
	/** Annual fee per tier key from the settings' `tiers` table. */
	tierFees: Record<string, number>;
	/** The association's name per language (`orgNameEn/Fa/Zh`), for letters. */
	orgName: Partial<Record<'en' | 'fa' | 'zh', string>>;
	/** The calendar of the dues years and quarters (`fiscalCalendar`; absent: Gregorian). */
	fiscalCalendar: CalendarName;
}

export const DEFAULT_LAPSE_GRACE_DAYS = 90;

/**
 * The settings the ledger needs, with defaults while the settings doc has none:
 * currency IRR, 90 days' grace, Gregorian fiscal years. A tier row's key is its `key` (or `code`) field,
 * else its row id.
 */
export function readLedgerSettings(opts: {
	config: Record<string, unknown>;
	tiers: Iterable<[string, Record<string, unknown>]>;
}): LedgerSettings {
	const c = opts.config;
	const currency =
		typeof c.currency === 'string' && /^[A-Z]{3}$/.test(c.currency) ? c.currency : 'IRR';
	const g = c.lapseGraceDays;
	const lapseGraceDays =
		typeof g === 'number' && Number.isInteger(g) && g >= 0 ? g : DEFAULT_LAPSE_GRACE_DAYS;
	const tierFees: Record<string, number> = {};
	for (const [id, row] of opts.tiers) {
		const key =
			typeof row.key === 'string' ? row.key : typeof row.code === 'string' ? row.code : id;
		const f = row.annualFee;
		if (typeof f === 'number' && Number.isSafeInteger(f) && f >= 0) tierFees[key] = f;
	}
	const orgName: LedgerSettings['orgName'] = {};
	for (const [l, k] of [
		['en', 'orgNameEn'],
		['fa', 'orgNameFa'],
		['zh', 'orgNameZh']
	] as const) {
		if (typeof c[k] === 'string' && c[k]) orgName[l] = c[k];
	}
	const fiscalCalendar = readFiscalCalendar(c.fiscalCalendar);
	return { currency, lapseGraceDays, tierFees, orgName, fiscalCalendar };
}

// ---- member merges ([L4]) ---------------------------------------------------------------

/**
 * Rows that name a member (entries, reminders) as every view and figure that groups by
 * member reads them: each under the live record its member id belongs to now
 * (`liveMemberId`), with `bookedOn` the id it was written with when that differs. Posted
 * rows are never rewritten ([L1]): a merge is followed here, at read time, so a charge of
 * the merged record, and a payment recorded for it after the merge on a device that had
 * not synced, are the survivor's. The same array when no row moves.
 */
export function underLiveMembers<T extends { memberId: string; bookedOn?: string }>(
	rows: readonly T[],
	mergedIntoOf: MergedIntoOf
): T[] {
	let out: T[] | null = null;
	for (let i = 0; i < rows.length; i++) {
		const r = rows[i];
		const live = liveMemberId(r.memberId, mergedIntoOf);
		if (live === r.memberId) {
			out?.push(r);
			continue;
		}
		out ??= rows.slice(0, i);
		out.push({ ...r, memberId: live, bookedOn: r.bookedOn ?? r.memberId });
	}
	return out ?? (rows as T[]);
}

// ---- signs and effective entries ----------------------------------------------------

/**
 * What a member owes goes up (+) with a charge, and with a refund (it pays their credit
 * back, [L8]), and down (−) with a payment or credit.
 */
export function baseSign(kind: EntryKind): 1 | -1 | 0 {
	return kind === 'charge' || kind === 'refund'
		? 1
		: kind === 'payment' || kind === 'credit'
			? -1
			: 0;
}

export interface LedgerIndex {
	/** Posted entries by id (drafts are not accounting). */
	posted: Map<string, EntryRow>;
	/** id of a reversed entry → its reversal. */
	reversedBy: Map<string, EntryRow>;
}

export function indexEntries(entries: Iterable<EntryRow>): LedgerIndex {
	const posted = new Map<string, EntryRow>();
	for (const e of entries) if (e.posted) posted.set(e.id, e);
	const reversedBy = new Map<string, EntryRow>();
	for (const e of posted.values()) {
		if (e.kind !== 'reversal' || !e.reversalOf) continue;
		const target = posted.get(e.reversalOf);
		// Only a non-reversal of the same member can be reversed, and only once.
		if (!target || target.kind === 'reversal' || target.memberId !== e.memberId) continue;
		const prev = reversedBy.get(target.id);
		if (!prev || e.id < prev.id) reversedBy.set(target.id, e);
	}
	return { posted, reversedBy };
}

/** Why a posted reversal changes no balance (only a raw client can write these). */
export const REVERSAL_NO_EFFECT = {
	/** It names no posted entry. */
	notFound: 'notFound',
	/** It names another reversal. */
	reversal: 'reversal',
	/** It is booked on another member than the entry it names. */
	otherMember: 'otherMember',
	/** Another reversal (the one with the lower id) already reverses that entry. */
	alreadyReversed: 'alreadyReversed'
} as const;
export type ReversalNoEffect = (typeof REVERSAL_NO_EFFECT)[keyof typeof REVERSAL_NO_EFFECT];

/**
 * Why a posted reversal has no effect (indexEntries' rules), or null when it reverses
 * its entry (and for any other entry). `idx` must hold the entry it names, whoever's.
 */
export function reversalNoEffect(e: EntryRow, idx: LedgerIndex): ReversalNoEffect | null {
	if (!e.posted || e.kind !== ENTRY_KIND.reversal) return null;
	const target = e.reversalOf ? idx.posted.get(e.reversalOf) : undefined;
	if (!target) return REVERSAL_NO_EFFECT.notFound;
	if (target.kind === ENTRY_KIND.reversal) return REVERSAL_NO_EFFECT.reversal;
	if (target.memberId !== e.memberId) return REVERSAL_NO_EFFECT.otherMember;
	return idx.reversedBy.get(target.id)?.id === e.id ? null : REVERSAL_NO_EFFECT.alreadyReversed;
}

/**
 * The signed effect of an entry on the member's balance (0 for a reversal that
 * reverses nothing valid). A reversal's effect is the negation of its target's.
 */
export function signedAmount(e: EntryRow, idx: LedgerIndex): number {
	if (!e.posted) return 0;
	if (e.kind === 'reversal') {
		const target = e.reversalOf ? idx.posted.get(e.reversalOf) : undefined;
		if (!target || idx.reversedBy.get(target.id)?.id !== e.id) return 0;
		return -baseSign(target.kind) * target.amount;
	}
	return baseSign(e.kind) * e.amount;
}

// ---- balances ---------------------------------------------------------------------------

export interface Balance {
	memberId: string;
	charged: number;
	paid: number;
	credited: number;
	/** Paid back out of the member's credit ([L8]). */
	refunded: number;
	/** Owed now: > 0 the member owes, < 0 the member is in credit. */
	balance: number;
}

const emptyBalance = (memberId: string): Balance => ({
	memberId,
	charged: 0,
	paid: 0,
	credited: 0,
	refunded: 0,
	balance: 0
});

/** Per member: charged, paid, credited, refunded (net of reversals) and the balance, as of a date. */
export function memberBalances(
	entries: Iterable<EntryRow>,
	opts: { asOf?: string } = {}
): Map<string, Balance> {
	const list = [...entries].filter((e) => !opts.asOf || e.date <= opts.asOf);
	const idx = indexEntries(list);
	const out = new Map<string, Balance>();
	for (const e of idx.posted.values()) {
		const b = out.get(e.memberId) ?? emptyBalance(e.memberId);
		out.set(e.memberId, b);
		const s = signedAmount(e, idx);
		if (s === 0) continue;
		const kind = e.kind === 'reversal' ? idx.posted.get(e.reversalOf!)!.kind : e.kind;
		if (kind === 'charge') b.charged += s;
		else if (kind === 'payment') b.paid -= s;
		else if (kind === 'refund') b.refunded += s;
		else b.credited -= s;
		b.balance += s;
	}
	return out;
}

/**
 * [L8] What may be paid back to a member in a refund dated `date`: their credit, now and
 * on that day, whichever is less (a refund dated before an overpayment would pay back
 * money not received yet); 0 when they are not in credit. Give it the entries as read
 * by live member (underLiveMembers).
 */
export function refundableCredit(opts: {
	memberId: string;
	entries: Iterable<EntryRow>;
	date: string;
}): number {
	const mine = [...opts.entries].filter((e) => e.memberId === opts.memberId);
	const now = memberBalances(mine).get(opts.memberId)?.balance ?? 0;
	const then = memberBalances(mine, { asOf: opts.date }).get(opts.memberId)?.balance ?? 0;
	return Math.max(0, -Math.max(now, then));
}

/**
 * [L12] A draft refund checked as it is posted: null when it may be (not a refund, or
 * within the credit), else the credit it may pay back now (refundableCredit, as the
 * ledger stands at that moment: a charge or another refund posted since the draft was
 * saved has taken its part). The draft itself is left out of the credit it is checked
 * against, whatever it says of itself. Give it the entries as read by live member
 * (underLiveMembers), the draft among them under its live record.
 */
export function refundOverCredit(opts: {
	refund: EntryRow;
	entries: Iterable<EntryRow>;
}): { credit: number } | null {
	const r = opts.refund;
	if (r.kind !== ENTRY_KIND.refund) return null;
	const others = [...opts.entries].filter((e) => e.id !== r.id);
	const credit = refundableCredit({ memberId: r.memberId, entries: others, date: r.date });
	return r.amount > credit ? { credit } : null;
}

// ---- open items: what is still due, per charge ------------------------------------------

export interface OpenCharge {
	id: string;
	memberId: string;
	/** The record it was posted on, when merged into `memberId` since ([L4]). */
	bookedOn?: string;
	year: number | undefined;
	date: string;
	amount: number;
	/** Settled by allocations and by unallocated payments/credits (oldest first). */
	settled: number;
	open: number;
}

export interface OpenItems {
	charges: OpenCharge[];
	/** Per payment/credit: what is left after its allocations and the oldest-first rule. */
	unapplied: Map<string, number>;
}

const byAge = (a: { date: string; id: string }, b: { date: string; id: string }) =>
	a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/**
 * Which charges are still open. Explicit allocations settle first (capped at what
 * the charge and the payment have left); what a member paid without allocating
 * then settles their oldest open charges. A refund ([L8]) takes its place among
 * them by date: it pays back credit that would otherwise settle a later charge,
 * so a member charged after a refund owes that charge in full. It is not a charge
 * (never listed, never reminded). Reversed entries take no part. `asOf` considers
 * only entries (and reversals) dated on or before it.
 */
export function openItems(opts: {
	entries: Iterable<EntryRow>;
	allocations: Iterable<Allocation>;
	asOf?: string;
}): OpenItems {
	const list = [...opts.entries].filter((e) => !opts.asOf || e.date <= opts.asOf);
	const idx = indexEntries(list);
	const live = [...idx.posted.values()].filter(
		(e) => e.kind !== 'reversal' && !idx.reversedBy.has(e.id)
	);
	const charges = new Map<string, OpenCharge>();
	const left = new Map<string, number>();
	// Per member, what unallocated payments settle: charges and refunds, oldest first.
	const byMember = new Map<string, OpenCharge[]>();
	for (const e of live.sort(byAge)) {
		if (e.kind === 'charge' || e.kind === 'refund') {
			const item: OpenCharge = {
				id: e.id,
				memberId: e.memberId,
				bookedOn: e.bookedOn,
				year: e.year,
				date: e.date,
				amount: e.amount,
				settled: 0,
				open: e.amount
			};
			if (e.kind === 'charge') charges.set(e.id, item);
			const arr = byMember.get(e.memberId) ?? [];
			arr.push(item);
			byMember.set(e.memberId, arr);
		} else left.set(e.id, e.amount);
	}
	const allocs = [...opts.allocations].sort((a, b) => (a.id < b.id ? -1 : 1));
	for (const a of allocs) {
		const c = charges.get(a.chargeId);
		const p = idx.posted.get(a.paymentId);
		const l = left.get(a.paymentId);
		if (!c || !p || l === undefined || p.memberId !== c.memberId) continue;
		const n = Math.min(a.amount, c.open, l);
		if (n <= 0) continue;
		c.open -= n;
		c.settled += n;
		left.set(a.paymentId, l - n);
	}
	for (const e of live.filter((x) => x.kind === 'payment' || x.kind === 'credit')) {
		let l = left.get(e.id) ?? 0;
		for (const c of byMember.get(e.memberId) ?? []) {
			if (l <= 0) break;
			const n = Math.min(l, c.open);
			c.open -= n;
			c.settled += n;
			l -= n;
		}
		left.set(e.id, l);
	}
	return { charges: [...charges.values()].sort(byAge), unapplied: left };
}

/**
 * Open amount per dues year for one member; a charge without a year counts in the
 * fiscal year of its date.
 */
export function dueByYear(
	charges: readonly OpenCharge[],
	memberId: string,
	calendar: CalendarName
): Map<number, number> {
	const out = new Map<number, number>();
	for (const c of charges) {
		if (c.memberId !== memberId || c.open <= 0) continue;
		const y = c.year ?? fiscalYearOf(c.date, calendar) ?? 0;
		out.set(y, (out.get(y) ?? 0) + c.open);
	}
	return new Map([...out.entries()].sort((a, b) => a[0] - b[0]));
}

// ---- statement ----------------------------------------------------------------------------

export interface StatementLine {
	id: string;
	date: string;
	kind: EntryKind;
	/** What the line is about: the reversed entry's kind for reversals. */
	reverses?: EntryKind;
	year?: number;
	method?: PaymentMethod;
	receiptNo?: string;
	note?: string;
	/** Increases what is owed. */
	debit: number;
	/** Decreases what is owed. */
	credit: number;
	/** Owed after this line. */
	balance: number;
	reversed: boolean;
	/** A reversal that changes nothing, and why (its debit and credit are 0). */
	noEffect?: ReversalNoEffect;
	/** The record the entry was posted on, when merged into this one since ([L4]). */
	bookedOn?: string;
	/** A discount credit's discount and the charge it applies to ([L15]). */
	discountId?: string;
	discountOn?: { id: string; year?: number; date: string };
}

export interface Statement {
	memberId: string;
	lines: StatementLine[];
	balance: Balance;
	dueByYear: Map<number, number>;
}

/**
 * A statement's order: by date; within a day, as recorded (a payment taken after the
 * day's dues run comes after its charge); what one action recorded together, charges
 * first (a charge and its discount) and discount credits last, right after the payment
 * that earned them ([L15]).
 */
const postingRank = (e: EntryRow) => (e.kind === 'charge' ? 0 : isDiscountCredit(e) ? 2 : 1);
const byPosting = (a: EntryRow, b: EntryRow) =>
	a.date !== b.date
		? byAge(a, b)
		: (a.createdAt ?? '') !== (b.createdAt ?? '')
			? (a.createdAt ?? '') < (b.createdAt ?? '')
				? -1
				: 1
			: postingRank(a) - postingRank(b) || byAge(a, b);

/**
 * [L15] What each discount credit applies to: credit id → the charge its allocation
 * names (`a_<credit>_<charge>`, written with it), for the statement and the Entries page.
 */
export function discountCreditCharges(
	entries: Iterable<EntryRow>,
	allocations: Iterable<Allocation>
): Map<string, EntryRow> {
	const byId = new Map<string, EntryRow>();
	for (const e of entries) byId.set(e.id, e);
	const out = new Map<string, EntryRow>();
	for (const a of allocations) {
		const c = byId.get(a.paymentId);
		const target = byId.get(a.chargeId);
		if (c && target && isDiscountCredit(c)) out.set(c.id, target);
	}
	return out;
}

/**
 * A member's statement: posted entries by date with a running balance, and what is due.
 * Give it the entries as read by live member (underLiveMembers): a survivor's statement
 * then holds its merged records' entries, each line saying which record it was posted on.
 */
export function memberStatement(opts: {
	memberId: string;
	entries: Iterable<EntryRow>;
	allocations: Iterable<Allocation>;
	asOf?: string;
	/** The fiscal calendar, for charges without a year (dueByYear). */
	calendar: CalendarName;
}): Statement {
	const all = [...opts.entries].filter((e) => !opts.asOf || e.date <= opts.asOf);
	const mine = all.filter((e) => e.memberId === opts.memberId);
	const idx = indexEntries(mine);
	// Whoever's entry a reversal names: the reason of one booked on the wrong member.
	const everyone = indexEntries(all);
	const lines: StatementLine[] = [];
	const discountOn = discountCreditCharges(mine, opts.allocations);
	let running = 0;
	for (const e of [...idx.posted.values()].sort(byPosting)) {
		const on = discountOn.get(e.id);
		const s = signedAmount(e, idx);
		running += s;
		const target = e.kind === 'reversal' ? everyone.posted.get(e.reversalOf ?? '') : undefined;
		const noEffect = reversalNoEffect(e, everyone) ?? undefined;
		lines.push({
			id: e.id,
			date: e.date,
			kind: e.kind,
			reverses: target?.kind,
			year: e.year,
			method: e.method,
			receiptNo: e.receiptNo,
			note: e.note,
			debit: s > 0 ? s : 0,
			credit: s < 0 ? -s : 0,
			balance: running,
			reversed: idx.reversedBy.has(e.id),
			...(noEffect && { noEffect }),
			bookedOn: e.bookedOn,
			...(isDiscountCredit(e) && {
				discountId: e.discountId,
				discountOn: on && { id: on.id, year: on.year, date: on.date }
			})
		});
	}
	const open = openItems({ entries: mine, allocations: opts.allocations, asOf: opts.asOf });
	return {
		memberId: opts.memberId,
		lines,
		balance:
			memberBalances(mine, { asOf: opts.asOf }).get(opts.memberId) ?? emptyBalance(opts.memberId),
		dueByYear: dueByYear(open.charges, opts.memberId, opts.calendar)
	};
}

// ---- allocation of a new payment -------------------------------------------------------

/**
 * Suggest how to allocate `amount` over open charges: oldest first, partial on the
 * last one. Returns (chargeId, amount) pairs; what is left stays unallocated. With
 * `discounts` ([L10]), each charge first takes what settles it with the discounts the
 * payment earns there (its open amount less them), oldest first, so a member who paid
 * the discounted amounts settles those charges; what is left then brings them up to
 * their full open amounts, oldest first.
 */
export function suggestAllocation(
	open: readonly OpenCharge[],
	amountToAllocate: number,
	discounts?: {
		paymentDate: string;
		discounts: readonly Discount[];
		existingIds: ReadonlySet<string>;
		reversedIds?: ReadonlySet<string>;
	}
): { chargeId: string; amount: number }[] {
	const charges = [...open].filter((c) => c.open > 0).sort(byAge);
	const spread = (off: ReadonlyMap<string, number>) => {
		const given = new Map<string, number>();
		let left = amountToAllocate;
		for (const full of [false, true]) {
			for (const c of charges) {
				if (left <= 0) break;
				const had = given.get(c.id) ?? 0;
				const n = Math.min(left, c.open - (full ? 0 : (off.get(c.id) ?? 0)) - had);
				if (n <= 0) continue;
				given.set(c.id, had + n);
				left -= n;
			}
		}
		return charges
			.filter((c) => given.has(c.id))
			.map((c) => ({ chargeId: c.id, amount: given.get(c.id)! }));
	};
	if (!discounts) return spread(new Map());
	const earned = (paid: (c: OpenCharge) => number) => {
		const parts = charges.map((c) => ({
			chargeId: c.id,
			year: c.year,
			amount: c.amount,
			open: c.open,
			paid: paid(c)
		}));
		const off = new Map<string, number>();
		for (const d of earnedDiscounts({ ...discounts, parts }))
			off.set(d.chargeId, (off.get(d.chargeId) ?? 0) + d.amount);
		return off;
	};
	// The discounts if every charge were paid; then those this allocation earns, until
	// they agree (a multi-year discount lost with a charge left short).
	let off = earned((c) => c.open);
	let parts = spread(off);
	for (let i = 0; i <= charges.length; i++) {
		const next = earned((c) => parts.find((p) => p.chargeId === c.id)?.amount ?? 0);
		if (next.size === off.size && [...next].every(([k, v]) => off.get(k) === v)) break;
		off = next;
		parts = spread(off);
	}
	return parts;
}

export type AllocationProblem =
	| { code: 'overCharge'; chargeId: string }
	| { code: 'overPayment' }
	| { code: 'otherMember'; chargeId: string }
	| { code: 'notOpen'; chargeId: string };

/** Check allocations a person chose for a payment of `amount` by `memberId`. */
export function checkAllocation(opts: {
	memberId: string;
	amount: number;
	open: readonly OpenCharge[];
	parts: readonly { chargeId: string; amount: number }[];
}): AllocationProblem[] {
	const problems: AllocationProblem[] = [];
	let total = 0;
	for (const p of opts.parts) {
		const c = opts.open.find((x) => x.id === p.chargeId);
		if (!c) problems.push({ code: 'notOpen', chargeId: p.chargeId });
		else if (c.memberId !== opts.memberId)
			problems.push({ code: 'otherMember', chargeId: p.chargeId });
		else if (p.amount > c.open) problems.push({ code: 'overCharge', chargeId: p.chargeId });
		total += p.amount;
	}
	if (total > opts.amount) problems.push({ code: 'overPayment' });
	return problems;
}

// ---- dues generation --------------------------------------------------------------------

export interface DuesMember {
	id: string;
	status?: string;
	mergedInto?: string;
	tier?: string;
	joinDate?: string;
}

export const DUES_PLAN_STATUS = {
	/** Will be charged. */
	new: 'new',
	/** Already charged for that year (by anyone, on any device). */
	exists: 'exists',
	/** No fee defined for the member's tier and year: not charged; fix the schedule. */
	noFee: 'noFee',
	/** Fee is zero (e.g. honorary): nothing to charge. */
	free: 'free',
	/**
	 * Already charged for a year of the other fiscal calendar that overlaps this one
	 * ([L7]): left out unless finance includes them knowingly.
	 */
	overlap: 'overlap'
} as const;
export type DuesPlanStatus = (typeof DUES_PLAN_STATUS)[keyof typeof DUES_PLAN_STATUS];

export interface DuesPlanLine {
	id: string;
	memberId: string;
	/** `exists` because of this record merged into the member, whose dues for the year stand ([L5]). */
	chargedOn?: string;
	tier: string | undefined;
	gross: number;
	discount: number;
	discountId?: string;
	amount: number;
	status: DuesPlanStatus;
	/** The member's dues charges of overlapping years of the other calendar ([L7]). */
	overlaps?: readonly DuesOverlap[];
}

/** A dues charge of another fiscal year whose days overlap the year being charged ([L7]). */
export interface DuesOverlap {
	/** The charge's entry id. */
	id: string;
	/** Its dues year, in its own calendar (calendarOfYear). */
	year: number;
	/** The days both years share (ISO, inclusive). */
	from: string;
	to: string;
}

/** The fee of a tier in a year: the ledger's fee schedule, else the settings' annual fee. */
export function feeFor(opts: {
	year: number;
	tier: string | undefined;
	fees: readonly Fee[];
	tierFees: Record<string, number>;
}): number | null {
	if (!opts.tier) return null;
	const f = opts.fees.find((x) => x.year === opts.year && x.tier === opts.tier);
	if (f) return f.amount;
	return Object.prototype.hasOwnProperty.call(opts.tierFees, opts.tier)
		? opts.tierFees[opts.tier]
		: null;
}

/**
 * What a member's first dues notice (printed on approval) states: what the dues run
 * of the current fiscal year (`today`'s, in the fiscal calendar) charges the member,
 * by its own rules: the tier's fee for that year (`feeFor`) less the new-member
 * discount when the member joined in that year (`newMemberDiscount`). Null without a
 * fee for the tier.
 */
export function firstDuesFee(opts: {
	member: { tier?: string; joinDate?: string };
	fees: readonly Fee[];
	tierFees: Record<string, number>;
	discounts: readonly Discount[];
	today: string;
	calendar: CalendarName;
}): { year: number; gross: number; discount: number; amount: number } | null {
	const year = fiscalYearOf(opts.today.slice(0, 10), opts.calendar);
	if (year === null) return null;
	const gross = feeFor({ year, tier: opts.member.tier, fees: opts.fees, tierFees: opts.tierFees });
	if (gross === null) return null;
	const { off } = newMemberDiscount({ ...opts, year, joinDate: opts.member.joinDate, gross });
	return { year, gross, discount: off, amount: gross - off };
}

/**
 * The new-member discount of the dues run for `year`: the largest active one that
 * applies to that year, for a member who joined in that year of the fiscal calendar.
 */
export function newMemberDiscount(opts: {
	year: number;
	joinDate: string | undefined;
	gross: number;
	discounts: readonly Discount[];
	calendar: CalendarName;
}): { best?: Discount; off: number } {
	let best: Discount | undefined;
	let off = 0;
	if (!opts.joinDate || fiscalYearOf(opts.joinDate, opts.calendar) !== opts.year) return { off };
	for (const d of opts.discounts) {
		if (d.kind !== 'newMember' || !discountApplies(d, opts.year)) continue;
		const n = discountAmount(d, opts.gross);
		if (n > off) [best, off] = [d, n];
	}
	return { best, off };
}

const discountApplies = (d: Discount, y: number) =>
	d.active !== false && (d.year === undefined || d.year === y);

/** A discount's amount on `gross`: a percentage (basis points) or a fixed amount, at most gross. */
export function discountAmount(d: Discount, gross: number): number {
	const raw = d.percent !== undefined ? percentOfGross(gross, d.percent) : (d.amount ?? 0);
	return Math.max(0, Math.min(gross, raw));
}
function percentOfGross(gross: number, bp: number): number {
	// gross ≤ MAX_AMOUNT and bp ≤ 10000: BigInt keeps the product exact.
	return Number((BigInt(gross) * BigInt(bp) + 5000n) / 10000n);
}

/**
 * [L6] The date a dues run's charges carry unless finance picks another: the day of
 * the run (`today`), as an invoice is dated the day it is issued, for the current
 * year and for a past year charged late; for a year not begun yet (next year's dues
 * billed ahead), its first day. Never a day before the run: a backdated charge would
 * be owed, and aged for lapse and reminders, from before it was written (a member who
 * joined last week overdue by months), and it would change the billed and collected
 * figures of periods already reported (payments settle the oldest charge first).
 */
export function duesChargeDate(opts: {
	year: number;
	calendar: CalendarName;
	today: string;
}): string {
	const start = fiscalYearStart(opts.year, opts.calendar);
	return start > opts.today ? start : opts.today;
}

/**
 * [L5] Which live members already have a year's dues on a record merged into them: live
 * member id → that record, for each posted dues charge of `year` (`d_<year>_<record>`,
 * the dues run's own id) that is booked on a merged record and not reversed. `entries`
 * as read by live member (underLiveMembers). A reversed one does not count: the
 * treasurer took it back, and the survivor may be charged (at its own tier).
 */
export function duesOnMergedRecords(opts: {
	year: number;
	entries: readonly EntryRow[];
}): Map<string, string> {
	const out = new Map<string, string>();
	const idx = indexEntries(opts.entries);
	for (const e of idx.posted.values()) {
		if (e.bookedOn === undefined || e.kind !== 'charge') continue;
		if (e.id !== duesEntryId(opts.year, e.bookedOn) || idx.reversedBy.has(e.id)) continue;
		out.set(e.memberId, e.bookedOn);
	}
	return out;
}

/**
 * [L7] Live members already charged dues for a year whose days overlap fiscal year
 * `year` of `calendar`: after the fiscal calendar is switched, Gregorian 2026 shares
 * 21 March – 31 December with Solar Hijri 1405, and 1 January – 20 March with 1404.
 * Counted: posted, unreversed dues-run charges (`d_<year>_<record>`, [L5]'s ids; a
 * record merged into the member counts for it) of another year. Same-calendar years
 * never overlap; the year itself is the run's own id (`exists`). `entries` as read by
 * live member (underLiveMembers).
 */
export function duesOverlapping(opts: {
	year: number;
	calendar: CalendarName;
	entries: readonly EntryRow[];
}): Map<string, DuesOverlap[]> {
	const out = new Map<string, DuesOverlap[]>();
	const span = fiscalYearPeriod(opts.year, opts.calendar);
	const idx = indexEntries(opts.entries);
	for (const e of idx.posted.values()) {
		if (e.kind !== 'charge' || e.year === undefined || e.year === opts.year) continue;
		if (e.id !== duesEntryId(e.year, e.bookedOn ?? e.memberId) || idx.reversedBy.has(e.id))
			continue;
		const cal = calendarOfYear(e.year);
		if (cal === null) continue;
		const other = fiscalYearPeriod(e.year, cal);
		const from = other.from > span.from ? other.from : span.from;
		const to = other.to < span.to ? other.to : span.to;
		if (from > to) continue;
		const list = out.get(e.memberId) ?? [];
		list.push({ id: e.id, year: e.year, from, to });
		out.set(e.memberId, list);
	}
	return out;
}

/**
 * The dues run for a fiscal year: one line per active member (live records only:
 * a merged record is never charged). The new-member discount (largest one that
 * applies) is taken off for members who joined in that year of the fiscal calendar.
 * Lines whose id already exists in the ledger are `exists` and are not charged again,
 * and so are members with that year's dues standing on a record merged into them
 * (`chargedOnMerged`, [L5]); members charged for an overlapping year of the other
 * calendar are `overlap` ([L7]).
 */
export function planDues(opts: {
	year: number;
	members: readonly DuesMember[];
	fees: readonly Fee[];
	tierFees: Record<string, number>;
	discounts: readonly Discount[];
	existingIds: ReadonlySet<string>;
	/**
	 * Live member → a record merged into it whose dues for `year` stand
	 * (duesOnMergedRecords): the company is billed once a year ([L5]).
	 */
	chargedOnMerged?: ReadonlyMap<string, string>;
	/**
	 * Live member → its dues charges of overlapping years of the other calendar
	 * (duesOverlapping, [L7]): such a member is `overlap`, not charged, unless
	 * `includeOverlapping` (finance chose to, knowingly: then `new`, `overlaps` kept).
	 */
	overlapping?: ReadonlyMap<string, readonly DuesOverlap[]>;
	includeOverlapping?: boolean;
	/** The calendar `year` is in. */
	calendar: CalendarName;
}): DuesPlanLine[] {
	const lines: DuesPlanLine[] = [];
	for (const m of opts.members) {
		// A merged record is the same company as its survivor, which is charged ([L5]).
		if (m.status !== 'active' || m.mergedInto !== undefined) continue;
		const id = duesEntryId(opts.year, m.id);
		const gross = feeFor({
			year: opts.year,
			tier: m.tier,
			fees: opts.fees,
			tierFees: opts.tierFees
		});
		const base = { id, memberId: m.id, tier: m.tier };
		if (opts.existingIds.has(id)) {
			lines.push({ ...base, gross: gross ?? 0, discount: 0, amount: 0, status: 'exists' });
			continue;
		}
		const chargedOn = opts.chargedOnMerged?.get(m.id);
		if (chargedOn !== undefined) {
			lines.push({
				...base,
				chargedOn,
				gross: gross ?? 0,
				discount: 0,
				amount: 0,
				status: 'exists'
			});
			continue;
		}
		if (gross === null) {
			lines.push({ ...base, gross: 0, discount: 0, amount: 0, status: 'noFee' });
			continue;
		}
		const { best, off } = newMemberDiscount({ ...opts, joinDate: m.joinDate, gross });
		const amountDue = gross - off;
		const overlaps = opts.overlapping?.get(m.id);
		lines.push({
			...base,
			gross,
			discount: off,
			discountId: best?.id,
			amount: amountDue,
			status: amountDue <= 0 ? 'free' : overlaps && !opts.includeOverlapping ? 'overlap' : 'new',
			...(overlaps ? { overlaps } : {})
		});
	}
	return lines;
}

/** What a payment allocates to one open charge (earnedDiscounts). */
export interface PaidCharge {
	chargeId: string;
	year: number | undefined;
	/** The charge's amount: a discount is of it ([L10]). */
	amount: number;
	/** What was open on the charge before this payment. */
	open: number;
	/** What this payment allocates to it. */
	paid: number;
}

/** A discount credit a payment earns on one charge. */
export interface EarnedDiscount {
	id: string;
	discountId: string;
	chargeId: string;
	year?: number;
	amount: number;
}

/**
 * [L10] Discounts a payment earns: early payment (paid on or before `until`) and
 * multi-year (the payment settles charges of at least `minYears` dues years), for
 * charges of the discount's year when it has one. A discount is of the charge's
 * amount, at most what is open on it. A charge counts as settled when what the payment
 * allocates to it covers what is open less the discounts it earns there: a member who
 * pays the discounted amount in time settles it; one who pays it all earns the same
 * credit; one who pays less earns nothing. A multi-year discount counts only the years
 * settled with it (dropped, the rest is counted again without it). One credit per
 * (discount, charge): the ids make it idempotent.
 */
export function earnedDiscounts(opts: {
	paymentDate: string;
	parts: readonly PaidCharge[];
	discounts: readonly Discount[];
	existingIds: ReadonlySet<string>;
	/** Ids of reversed entries ([L14]): a reversed credit is earned again under the next id. */
	reversedIds?: ReadonlySet<string>;
}): EarnedDiscount[] {
	let use = opts.discounts.filter(
		(d) =>
			d.active !== false &&
			(d.kind === 'earlyPayment'
				? d.until !== undefined && opts.paymentDate <= d.until
				: d.kind === 'multiYear')
	);
	for (;;) {
		const out: EarnedDiscount[] = [];
		const years = new Set<number>();
		for (const p of opts.parts) {
			let left = p.open;
			const mine: EarnedDiscount[] = [];
			for (const d of use) {
				if (d.year !== undefined && p.year !== d.year) continue;
				let id = discountEntryId(d.id, p.chargeId);
				for (let k = 2; opts.reversedIds?.has(id); k++) id = discountEntryId(d.id, p.chargeId, k);
				const n = Math.min(left, discountAmount(d, p.amount));
				if (n <= 0 || opts.existingIds.has(id)) continue;
				mine.push({ id, discountId: d.id, chargeId: p.chargeId, year: p.year, amount: n });
				left -= n;
			}
			if (p.paid <= 0 || p.paid < left) continue;
			out.push(...mine);
			if (p.year !== undefined) years.add(p.year);
		}
		const next = use.filter((d) => d.kind !== 'multiYear' || years.size >= (d.minYears ?? 2));
		if (next.length === use.length) return out;
		use = next;
	}
}

/** [L11] What a letter tells a member about one open charge: pay `due` by `until` and it is settled. */
export interface EarlyPaymentOffer {
	chargeId: string;
	year: number | undefined;
	/** The charge's date: its fiscal year when it has no `year`. */
	date: string;
	/** What is open on the charge. */
	open: number;
	/** What settles it when paid by `until`: `open` less the discounts. */
	due: number;
	/** The earliest `until` of the discounts: paid by then, it earns them all. */
	until: string;
	discounts: EarnedDiscount[];
}

/**
 * [L11] The early-payment offers a letter dated `date` states: for each open charge,
 * the discounts a payment of it on that day would earn (`earnedDiscounts`, as the
 * payment dialog counts them: active, `until` not passed, the charge's year) and so
 * what settles it and until when. Early-payment discounts only: a multi-year one
 * depends on how many years one payment settles, which a letter cannot know; leaving
 * it out keeps `due` enough to settle the charge whatever else is paid with it.
 */
export function earlyPaymentOffers(opts: {
	open: readonly OpenCharge[];
	date: string;
	discounts: readonly Discount[];
	existingIds: ReadonlySet<string>;
	reversedIds?: ReadonlySet<string>;
}): EarlyPaymentOffer[] {
	const charges = [...opts.open].filter((c) => c.open > 0).sort(byAge);
	const earned = earnedDiscounts({
		paymentDate: opts.date,
		parts: charges.map((c) => ({
			chargeId: c.id,
			year: c.year,
			amount: c.amount,
			open: c.open,
			paid: c.open
		})),
		discounts: opts.discounts.filter((d) => d.kind === 'earlyPayment'),
		existingIds: opts.existingIds,
		reversedIds: opts.reversedIds
	});
	const until = new Map(opts.discounts.map((d) => [d.id, d.until ?? '']));
	return charges.flatMap((c) => {
		const mine = earned.filter((d) => d.chargeId === c.id);
		if (mine.length === 0) return [];
		return [
			{
				chargeId: c.id,
				year: c.year,
				date: c.date,
				open: c.open,
				due: c.open - mine.reduce((s, d) => s + d.amount, 0),
				until: mine.map((d) => until.get(d.discountId)!).sort()[0],
				discounts: mine
			}
		];
	});
}

/**
 * [L13] The charges a payment dated `paymentDate` settles with `parts`: what it allocates
 * to each covers what is open there less the discounts it earns on it (earnedDiscounts).
 * The same parts may settle a charge on one day and not on another (after an early-payment
 * deadline): the payment dialog says so when its date moves under parts typed by hand.
 */
export function settledCharges(opts: {
	paymentDate: string;
	parts: readonly PaidCharge[];
	discounts: readonly Discount[];
	existingIds: ReadonlySet<string>;
	reversedIds?: ReadonlySet<string>;
}): Set<string> {
	const off = new Map<string, number>();
	for (const d of earnedDiscounts(opts)) off.set(d.chargeId, (off.get(d.chargeId) ?? 0) + d.amount);
	return new Set(
		opts.parts
			.filter((p) => p.paid > 0 && p.paid >= p.open - (off.get(p.chargeId) ?? 0))
			.map((p) => p.chargeId)
	);
}

/**
 * [L14] The ids earnedDiscounts reads from the ledger's entries (drafts included): every id
 * taken (a credit already earned is not earned twice) and those of reversed entries (a
 * discount credit reversed with its payment is earned again, under the next id).
 */
export function discountCreditIds(entries: Iterable<EntryRow>): {
	existingIds: Set<string>;
	reversedIds: Set<string>;
} {
	const list = [...entries];
	return {
		existingIds: new Set(list.map((e) => e.id)),
		reversedIds: new Set(indexEntries(list).reversedBy.keys())
	};
}

/** A credit a discount wrote ([L10]): `source` discount. */
export const isDiscountCredit = (e: EntryRow) =>
	e.kind === ENTRY_KIND.credit && e.source === ENTRY_SOURCE.discount;

/**
 * [L14] The discount credits that reversing payment `entryId` takes back with it: those
 * the member's remaining payments no longer earn. [L17] Reversing a charge takes back
 * every discount credit on that charge alone: with the charge gone there is nothing to
 * discount (a credit also allocated to another charge stays). A credit stands on the charge it is
 * allocated to while what settles that charge without the discount credits (payments
 * and other credits, the reversed payment left out; for an early-payment discount only
 * those dated by its `until`) and the credits that stand together cover the charge
 * ([L10]: a payment short of the discounted amount earns nothing). One that no longer
 * does is dropped, and the rest are counted again without it. Nothing for an entry that
 * is not a posted, unreversed payment or charge. Give it the entries as read by live
 * member (underLiveMembers).
 */
export function discountCreditsLost(opts: {
	entryId: string;
	entries: Iterable<EntryRow>;
	allocations: readonly Allocation[];
	discounts: readonly Discount[];
}): { credit: EntryRow; chargeId: string }[] {
	const idx = indexEntries(opts.entries);
	const paid = idx.posted.get(opts.entryId);
	if (!paid || idx.reversedBy.has(paid.id)) return [];
	if (paid.kind === ENTRY_KIND.charge) return discountCreditsOfCharge(paid, idx, opts.allocations);
	if (paid.kind !== ENTRY_KIND.payment) return [];
	const live = [...idx.posted.values()].filter(
		(e) =>
			e.memberId === paid.memberId &&
			e.id !== paid.id &&
			e.kind !== ENTRY_KIND.reversal &&
			!idx.reversedBy.has(e.id)
	);
	const byId = new Map(live.map((e) => [e.id, e]));
	const onCharge = new Map<string, EntryRow[]>();
	for (const a of opts.allocations) {
		const c = byId.get(a.paymentId);
		if (!c || !isDiscountCredit(c) || !byId.has(a.chargeId)) continue;
		const list = onCharge.get(a.chargeId) ?? [];
		if (!list.includes(c)) onCharge.set(a.chargeId, [...list, c]);
	}
	const until = new Map(
		opts.discounts.map((d) => [d.id, d.kind === 'earlyPayment' ? d.until : undefined])
	);
	const lost: { credit: EntryRow; chargeId: string }[] = [];
	for (const [chargeId, credits] of onCharge) {
		const charge = byId.get(chargeId)!;
		// What settles the charge without its discount credits, by a day (or ever).
		const settledBy = (day: string | undefined) =>
			openItems({
				entries: live.filter(
					(e) =>
						!credits.includes(e) &&
						(day === undefined || e.kind === 'charge' || e.kind === 'refund' || e.date <= day)
				),
				allocations: opts.allocations
			}).charges.find((c) => c.id === chargeId)?.settled ?? 0;
		let stand = credits;
		for (;;) {
			const off = stand.reduce((s, c) => s + c.amount, 0);
			const next = stand.filter(
				(c) => settledBy(until.get(c.discountId ?? '')) + off >= charge.amount
			);
			if (next.length === stand.length) break;
			stand = next;
		}
		for (const c of credits) if (!stand.includes(c)) lost.push({ credit: c, chargeId });
	}
	return lost;
}

/** [L17] The member's standing discount credits allocated to `charge` and to no other. */
function discountCreditsOfCharge(
	charge: EntryRow,
	idx: LedgerIndex,
	allocations: readonly Allocation[]
): { credit: EntryRow; chargeId: string }[] {
	const chargesOf = new Map<EntryRow, Set<string>>();
	for (const a of allocations) {
		const c = idx.posted.get(a.paymentId);
		if (!c || c.memberId !== charge.memberId || !isDiscountCredit(c) || idx.reversedBy.has(c.id)) {
			continue;
		}
		chargesOf.set(c, (chargesOf.get(c) ?? new Set()).add(a.chargeId));
	}
	const lost: { credit: EntryRow; chargeId: string }[] = [];
	for (const [credit, charges] of chargesOf) {
		if (charges.size === 1 && charges.has(charge.id)) lost.push({ credit, chargeId: charge.id });
	}
	return lost;
}

// ---- receipt numbers ---------------------------------------------------------------------

/** A receipt number as people write it: any digits, case and spaces aside. */
const receiptKey = (s: string) => normalizeDigits(s).replace(/\s+/g, '').toUpperCase();

/**
 * Receipt numbers carried by more than one posted, unreversed payment, with those
 * payments (oldest first): one receipt recorded twice, from two devices offline or
 * by two people. Nothing can stop that while apart; it is shown, and one is reversed.
 */
export function duplicateReceipts(
	entries: Iterable<EntryRow>
): { receiptNo: string; payments: EntryRow[] }[] {
	const idx = indexEntries(entries);
	const byKey = new Map<string, EntryRow[]>();
	for (const e of idx.posted.values()) {
		if (e.kind !== 'payment' || !e.receiptNo?.trim() || idx.reversedBy.has(e.id)) continue;
		const k = receiptKey(e.receiptNo);
		byKey.set(k, [...(byKey.get(k) ?? []), e]);
	}
	return [...byKey.values()]
		.filter((ps) => ps.length > 1)
		.map((ps) => ps.sort(byAge))
		.map((ps) => ({ receiptNo: ps[0].receiptNo!.trim(), payments: ps }));
}

/** The posted, unreversed payment that already carries receipt `receiptNo`, if any. */
export function paymentWithReceipt(
	entries: Iterable<EntryRow>,
	receiptNo: string
): EntryRow | undefined {
	const k = receiptKey(receiptNo);
	if (!k) return undefined;
	const idx = indexEntries(entries);
	for (const e of idx.posted.values()) {
		if (e.kind === 'payment' && e.receiptNo && !idx.reversedBy.has(e.id))
			if (receiptKey(e.receiptNo) === k) return e;
	}
	return undefined;
}

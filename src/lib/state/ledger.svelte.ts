/**
 * The dues ledger as a typed store over the `ledger` doc (layout in
 * domain/ledger.ts). Reads are plain arrays recomputed when the doc changes
 * (`version` is the rune the UI depends on); writes are commands, each one
 * transaction with origin LOCAL, so a payment with its allocations and discount
 * credits arrives everywhere at once or not at all.
 *
 * Posted entries are never written again: corrections are reversal entries. The
 * server refuses the write anyway ([L1]); the store does not even try.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- caches, not state; `version` is the rune */
import * as Y from 'yjs';
import {
	LEDGER_TABLE,
	allocationId,
	discountCreditsLost,
	duesEntryId,
	feeId,
	readAllocation,
	readEntry,
	refundOverCredit,
	entryRowCorrections,
	reversalId,
	templateId,
	underLiveMembers,
	discount as discountSchema,
	fee as feeSchema,
	reminder as reminderSchema,
	type Allocation,
	type Discount,
	type DuesPlanLine,
	type EntryKind,
	type EntryRow,
	type Fee,
	type PaymentMethod,
	type Reminder,
	type ReminderChannel
} from '$lib/domain/ledger';
import type { MergedIntoOf } from '$lib/domain/merge';
import { newRowId } from '$lib/domain/text';
import { LOCAL } from '$lib/sync/origins';

type RowMap = Y.Map<unknown>;
type Table = Y.Map<RowMap>;
type Fields = Record<string, string | number | boolean | undefined>;

export type LedgerCommandResult = { ok: true; id: string } | { ok: false; reason: LedgerRefusal };
export const LEDGER_REFUSAL = {
	readOnly: 'readOnly',
	noSuchEntry: 'noSuchEntry',
	posted: 'posted',
	alreadyReversed: 'alreadyReversed',
	notReversible: 'notReversible'
} as const;
export type LedgerRefusal = (typeof LEDGER_REFUSAL)[keyof typeof LEDGER_REFUSAL];
/**
 * Posting a draft: a refund that would pay back more than the member's credit now is
 * refused ([L12]), with that credit; the draft stays.
 */
export type PostResult =
	| LedgerCommandResult
	| { ok: false; reason: 'overCredit'; credit: number }
	/** [L2] A posted entry would be put back to a draft by the server: it lacks a field (a refund's method). */
	| { ok: false; reason: 'incomplete' };

function plain(y: RowMap): Record<string, unknown> {
	const o: Record<string, unknown> = {};
	for (const [k, v] of y.entries()) {
		if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') o[k] = v;
	}
	return o;
}

function rowsOf<T>(
	table: Table,
	read: (id: string, raw: Record<string, unknown>) => T | null
): T[] {
	const out: T[] = [];
	for (const [id, y] of table.entries()) {
		if (!(y instanceof Y.Map)) continue;
		const r = read(id, plain(y));
		if (r) out.push(r);
	}
	return out;
}

const parseWith =
	<S extends { safeParse(v: unknown): { success: boolean; data?: unknown } }>(schema: S) =>
	(id: string, raw: Record<string, unknown>) => {
		const r = schema.safeParse(raw);
		return r.success ? { id, ...(r.data as object) } : null;
	};

export interface Template {
	locale: string;
	subject: string;
	body: string;
	howToPay: string;
}

export interface PaymentInput {
	memberId: string;
	amount: number;
	date: string;
	method: PaymentMethod;
	receiptNo?: string;
	payer?: string;
	note?: string;
	currency: string;
	allocations: readonly { chargeId: string; amount: number }[];
	/** Discount credits earned by this payment (from earnedDiscounts). */
	discounts?: readonly {
		id: string;
		discountId: string;
		chargeId: string;
		year?: number;
		amount: number;
	}[];
}

export class LedgerStore {
	readonly doc: Y.Doc;
	readonly user: string;
	readonly t: Record<keyof typeof LEDGER_TABLE, Table>;
	readOnly = $state(false);
	/** Bumped on every change of the doc: read it to recompute derived values. */
	version = $state(0);

	#cache = new Map<string, { v: number; value: unknown }>();
	#off: () => void;

	constructor(opts: { doc: Y.Doc; user: string; readOnly?: boolean }) {
		this.doc = opts.doc;
		this.user = opts.user;
		this.readOnly = opts.readOnly ?? false;
		this.t = Object.fromEntries(
			Object.values(LEDGER_TABLE).map((n) => [n, opts.doc.getMap<RowMap>(n)])
		) as Record<keyof typeof LEDGER_TABLE, Table>;
		const bump = () => this.version++;
		opts.doc.on('afterTransaction', bump);
		this.#off = () => opts.doc.off('afterTransaction', bump);
	}

	#memo<T>(key: string, make: () => T): T {
		const v = this.version;
		const c = this.#cache.get(key);
		if (c && c.v === v) return c.value as T;
		const value = make();
		this.#cache.set(key, { v, value });
		return value;
	}

	/** Every readable entry, drafts included (posted === false). */
	entries(): EntryRow[] {
		return this.#memo('entries', () => rowsOf(this.t.entries, readEntry));
	}
	entry(id: string): EntryRow | undefined {
		const y = this.t.entries.get(id);
		return y instanceof Y.Map ? (readEntry(id, plain(y)) ?? undefined) : undefined;
	}
	hasEntry(id: string): boolean {
		return this.t.entries.has(id);
	}
	allocations(): Allocation[] {
		return this.#memo('allocations', () => rowsOf(this.t.allocations, readAllocation));
	}
	fees(): Fee[] {
		return this.#memo('fees', () => rowsOf(this.t.fees, parseWith(feeSchema)) as Fee[]);
	}
	discounts(): Discount[] {
		return this.#memo(
			'discounts',
			() => rowsOf(this.t.discounts, parseWith(discountSchema)) as Discount[]
		);
	}
	reminders(): Reminder[] {
		return this.#memo(
			'reminders',
			() => rowsOf(this.t.reminders, parseWith(reminderSchema)) as Reminder[]
		);
	}
	template(locale: string): Template | null {
		const y = this.t.templates.get(templateId(locale));
		if (!(y instanceof Y.Map)) return null;
		const r = plain(y);
		return {
			locale,
			subject: typeof r.subject === 'string' ? r.subject : '',
			body: typeof r.body === 'string' ? r.body : '',
			howToPay: typeof r.howToPay === 'string' ? r.howToPay : ''
		};
	}

	#stamp(): Fields {
		return { createdAt: new Date().toISOString(), createdBy: this.user };
	}

	#put(table: Table, id: string, fields: Fields) {
		const row: RowMap = new Y.Map();
		table.set(id, row);
		for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== '') row.set(k, v);
	}

	/**
	 * A manual charge or credit, or a refund of the member's credit ([L8]: with how it
	 * was paid back); posted, or a draft to post later.
	 */
	addEntry(f: {
		memberId: string;
		kind: Extract<EntryKind, 'charge' | 'credit' | 'refund'>;
		amount: number;
		date: string;
		year?: number;
		method?: PaymentMethod;
		receiptNo?: string;
		note?: string;
		currency: string;
		posted: boolean;
	}): LedgerCommandResult {
		if (this.readOnly) return { ok: false, reason: 'readOnly' };
		const id = newRowId();
		// `source` says where a charge or credit came from; a refund is none of them.
		const source = f.kind === 'refund' ? undefined : 'manual';
		this.doc.transact(() => {
			this.#put(this.t.entries, id, { ...f, source, ...this.#stamp() });
		}, LOCAL);
		return { ok: true, id };
	}

	/**
	 * Post a draft: from now on it never changes. One the server would not take as posted
	 * ([L2]: a refund without its method) is refused. A refund is checked against the member's
	 * credit as the ledger stands now ([L12]): a charge or another refund posted since the
	 * draft was saved may have taken it. `mergedInto` reads entries under the live record
	 * ([L4]), so a credit on a record merged into the member counts.
	 */
	post(id: string, opts: { mergedInto: MergedIntoOf }): PostResult {
		if (this.readOnly) return { ok: false, reason: 'readOnly' };
		const y = this.t.entries.get(id);
		if (!(y instanceof Y.Map)) return { ok: false, reason: 'noSuchEntry' };
		if (y.get('posted') === true) return { ok: false, reason: 'posted' };
		// What the server would put back to a draft ([L2]) is not posted here either.
		if (entryRowCorrections({ ...plain(y), posted: true }).length > 0) {
			return { ok: false, reason: 'incomplete' };
		}
		const entries = underLiveMembers(this.entries(), opts.mergedInto);
		const draft = entries.find((e) => e.id === id);
		const over = draft && refundOverCredit({ refund: draft, entries });
		if (over) return { ok: false, reason: 'overCredit', credit: over.credit };
		this.doc.transact(() => y.set('posted', true), LOCAL);
		return { ok: true, id };
	}

	deleteDraft(id: string): LedgerCommandResult {
		if (this.readOnly) return { ok: false, reason: 'readOnly' };
		const y = this.t.entries.get(id);
		if (!(y instanceof Y.Map)) return { ok: false, reason: 'noSuchEntry' };
		if (y.get('posted') === true) return { ok: false, reason: 'posted' };
		this.doc.transact(() => this.t.entries.delete(id), LOCAL);
		return { ok: true, id };
	}

	/**
	 * [L14] The discount credits reversing payment `id` takes back with it: those the
	 * member's remaining payments no longer earn; [L17] for a charge, those on it
	 * (discountCreditsLost, entries read under the live record, [L4]). The reverse dialog
	 * says so before finance confirms.
	 */
	discountsLostWith(
		id: string,
		opts: { mergedInto?: MergedIntoOf } = {}
	): { credit: EntryRow; chargeId: string }[] {
		const entries = opts.mergedInto
			? underLiveMembers(this.entries(), opts.mergedInto)
			: this.entries();
		return discountCreditsLost({
			entryId: id,
			entries,
			allocations: this.allocations(),
			discounts: this.discounts()
		});
	}

	/**
	 * Reverse a posted entry (once: the id is `r_<id>`, so two devices make one). A
	 * payment's reversal also reverses, in the same transaction, the discount credits the
	 * remaining payments no longer earn ([L14]), a charge's those on it ([L17]); their
	 * reversals' ids are `r_<credit>` too, so a second device reversing the same entry
	 * makes no second one.
	 */
	reverse(
		id: string,
		opts: { date: string; note?: string; currency: string; mergedInto?: MergedIntoOf }
	): LedgerCommandResult {
		if (this.readOnly) return { ok: false, reason: 'readOnly' };
		const e = this.entry(id);
		if (!e) return { ok: false, reason: 'noSuchEntry' };
		if (!e.posted || e.kind === 'reversal') return { ok: false, reason: 'notReversible' };
		const rid = reversalId(id);
		if (this.t.entries.has(rid)) return { ok: false, reason: 'alreadyReversed' };
		const lost = this.discountsLostWith(id, opts).map(({ credit }) => this.entry(credit.id)!);
		const stamp = this.#stamp();
		this.doc.transact(() => {
			for (const x of [e, ...lost]) {
				if (x !== e && this.t.entries.has(reversalId(x.id))) continue;
				this.#put(this.t.entries, reversalId(x.id), {
					memberId: x.memberId,
					kind: 'reversal',
					amount: x.amount,
					date: opts.date < x.date ? x.date : opts.date,
					posted: true,
					reversalOf: x.id,
					year: x.year,
					note: opts.note,
					currency: opts.currency,
					...stamp
				});
			}
		}, LOCAL);
		return { ok: true, id: rid };
	}

	/**
	 * Record a payment with its allocations and the discount credits it earned, in
	 * one transaction. The id is made here, on the device: a payment recorded
	 * offline is one row however often it is synced.
	 */
	recordPayment(p: PaymentInput): LedgerCommandResult {
		if (this.readOnly) return { ok: false, reason: 'readOnly' };
		const id = newRowId();
		const stamp = this.#stamp();
		this.doc.transact(() => {
			this.#put(this.t.entries, id, {
				memberId: p.memberId,
				kind: 'payment',
				amount: p.amount,
				date: p.date,
				posted: true,
				method: p.method,
				receiptNo: p.receiptNo?.trim(),
				payer: p.payer?.trim(),
				note: p.note?.trim(),
				currency: p.currency,
				...stamp
			});
			for (const a of p.allocations) {
				if (a.amount <= 0) continue;
				this.#put(this.t.allocations, allocationId(id, a.chargeId), {
					paymentId: id,
					chargeId: a.chargeId,
					amount: a.amount,
					createdAt: stamp.createdAt
				});
			}
			for (const d of p.discounts ?? []) {
				if (this.t.entries.has(d.id)) continue;
				this.#put(this.t.entries, d.id, {
					memberId: p.memberId,
					kind: 'credit',
					amount: d.amount,
					date: p.date,
					posted: true,
					year: d.year,
					source: 'discount',
					discountId: d.discountId,
					currency: p.currency,
					...stamp
				});
				this.#put(this.t.allocations, allocationId(d.id, d.chargeId), {
					paymentId: d.id,
					chargeId: d.chargeId,
					amount: d.amount,
					createdAt: stamp.createdAt
				});
			}
		}, LOCAL);
		return { ok: true, id };
	}

	/**
	 * Write a dues run in batches (one transaction each) so the page can show
	 * progress and stay responsive. Lines that exist by now are skipped: the ids are
	 * year+member, so a run that overlaps another device's makes no second charge.
	 */
	async generateDues(opts: {
		year: number;
		date: string;
		currency: string;
		lines: readonly DuesPlanLine[];
		onProgress?: (done: number, total: number) => void;
		batchSize?: number;
	}): Promise<{ written: number; skipped: number }> {
		if (this.readOnly) return { written: 0, skipped: 0 };
		const lines = opts.lines.filter((l) => l.status === 'new');
		const size = opts.batchSize ?? 200;
		let written = 0;
		let skipped = 0;
		const stamp = this.#stamp();
		for (let i = 0; i < lines.length; i += size) {
			this.doc.transact(() => {
				for (const l of lines.slice(i, i + size)) {
					const id = duesEntryId(opts.year, l.memberId);
					if (this.t.entries.has(id)) {
						skipped++;
						continue;
					}
					this.#put(this.t.entries, id, {
						memberId: l.memberId,
						kind: 'charge',
						amount: l.amount,
						date: opts.date,
						posted: true,
						year: opts.year,
						source: 'dues',
						tier: l.tier,
						discountId: l.discountId,
						note: l.discount > 0 ? `-${l.discount}` : undefined,
						currency: opts.currency,
						...stamp
					});
					written++;
				}
			}, LOCAL);
			opts.onProgress?.(Math.min(i + size, lines.length), lines.length);
			// Let the page paint the progress between batches.
			await new Promise((r) => setTimeout(r, 0));
		}
		return { written, skipped };
	}

	setFee(year: number, tier: string, amount: number | null): void {
		if (this.readOnly) return;
		const id = feeId(year, tier);
		this.doc.transact(() => {
			if (amount === null) this.t.fees.delete(id);
			else this.#put(this.t.fees, id, { year, tier, amount });
		}, LOCAL);
	}

	saveDiscount(id: string | null, fields: Omit<Discount, 'id'>): string | null {
		if (this.readOnly) return null;
		const rid = id ?? newRowId();
		this.doc.transact(() => this.#put(this.t.discounts, rid, { ...fields }), LOCAL);
		return rid;
	}

	removeDiscount(id: string): void {
		if (this.readOnly) return;
		this.doc.transact(() => this.t.discounts.delete(id), LOCAL);
	}

	saveTemplate(tpl: Template): void {
		if (this.readOnly) return;
		this.doc.transact(() => this.#put(this.t.templates, templateId(tpl.locale), { ...tpl }), LOCAL);
	}

	/** Start a collection round; returns its id. */
	createRound(name: string, filter: unknown): string | null {
		if (this.readOnly) return null;
		const id = newRowId();
		this.doc.transact(
			() =>
				this.#put(this.t.rounds, id, {
					name,
					filter: JSON.stringify(filter),
					createdAt: new Date().toISOString(),
					createdBy: this.user
				}),
			LOCAL
		);
		return id;
	}

	/** Record that reminders went out (one row per member and channel; kept for good). */
	recordReminders(
		roundId: string,
		list: readonly {
			memberId: string;
			channel: ReminderChannel;
			locale: string;
			amount: number;
			years: string;
		}[]
	): number {
		if (this.readOnly) return 0;
		const sentAt = new Date().toISOString();
		this.doc.transact(() => {
			for (const r of list) {
				this.#put(this.t.reminders, newRowId(), { ...r, roundId, sentAt, sentBy: this.user });
			}
		}, LOCAL);
		return list.length;
	}

	destroy(): void {
		this.#off();
		this.#cache.clear();
	}
}

import { describe, expect, it } from 'vitest';
import {
	checkAllocation,
	discountCreditIds,
	discountCreditsLost,
	discountEntryId,
	duesChargeDate,
	duesEntryId,
	duesOnMergedRecords,
	duesOverlapping,
	earnedDiscounts,
	entryRowCorrections,
	firstDuesFee,
	memberBalances,
	memberStatement,
	duplicateReceipts,
	earlyPaymentOffers,
	paymentWithReceipt,
	openItems,
	planDues,
	readLedgerSettings,
	readYear,
	refundableCredit,
	refundOverCredit,
	reversalId,
	reversalNoEffect,
	indexEntries,
	settledCharges,
	suggestAllocation,
	underLiveMembers,
	type Allocation,
	type Discount,
	type EntryRow
} from '../../src/lib/domain/ledger';
import { ageing, quarterlyFigures } from '../../src/lib/domain/ledger-figures';
import {
	lapseCandidates,
	renderTemplate,
	selectDebtors,
	unknownFields
} from '../../src/lib/domain/ledger-collection';
import { toCsv } from '../../src/lib/domain/csv';
import { readWholeNumber } from '../../src/lib/domain/text';
import { liveMemberId } from '../../src/lib/domain/merge';

const A = 'memberAAAAAAAAAA';
const B = 'memberBBBBBBBBBB';
const C = 'memberCCCCCCCCCC';

const charge = (id: string, memberId: string, amount: number, date: string, year?: number) =>
	({ id, memberId, kind: 'charge', amount, date, posted: true, year }) as EntryRow;
const payment = (id: string, memberId: string, amount: number, date: string) =>
	({ id, memberId, kind: 'payment', amount, date, posted: true, method: 'cash' }) as EntryRow;
const reversal = (of: EntryRow, date: string) =>
	({
		id: reversalId(of.id),
		memberId: of.memberId,
		kind: 'reversal',
		amount: of.amount,
		date,
		posted: true,
		reversalOf: of.id
	}) as EntryRow;
const alloc = (paymentId: string, chargeId: string, amount: number): Allocation => ({
	id: `a_${paymentId}_${chargeId}`,
	paymentId,
	chargeId,
	amount
});

describe('years and numbers as people type them', () => {
	it('reads a dues year in Persian, Arabic-Indic, full-width or Latin digits', () => {
		expect(readYear('۲۰۲۷', 'gregory')).toBe(2027);
		expect(readYear('٢٠٢٦', 'gregory')).toBe(2026);
		expect(readYear('２０２６', 'gregory')).toBe(2026);
		expect(readYear(' 2026 ', 'gregory')).toBe(2026);
	});

	it('refuses what is not a year the ledger stores, instead of a NaN or 0', () => {
		for (const bad of ['', '  ', '۱۴۰۵', '1899', '2201', '20.26', '2026a', '۲۰۲۶٫۵', '-2026']) {
			expect(readYear(bad, 'gregory'), bad).toBeNull();
		}
	});

	it('reads a whole number in any digits; null for anything else', () => {
		expect(readWholeNumber('۹۰')).toBe(90);
		expect(readWholeNumber(' 0 ')).toBe(0);
		expect(readWholeNumber('۳')).toBe(3);
		for (const bad of ['', 'abc', '1.5', '-3', '1e3', '۱۲a']) {
			expect(readWholeNumber(bad), bad).toBeNull();
		}
	});
});

describe('dues generation', () => {
	const members = [
		{ id: A, status: 'active', tier: 'regular', joinDate: '2020-05-01' },
		{ id: B, status: 'active', tier: 'council', joinDate: '2026-02-10' },
		{ id: C, status: 'lapsed', tier: 'regular' },
		{ id: 'memberDDDDDDDDDD', status: 'active', tier: 'honorary' },
		{ id: 'memberEEEEEEEEEE', status: 'active', tier: 'donor' }
	];
	const discounts: Discount[] = [
		{ id: 'discNew00000001', kind: 'newMember', name: 'Welcome', percent: 5000 }
	];
	const plan = (existingIds: Set<string>) =>
		planDues({
			year: 2026,
			members,
			fees: [{ id: 'f_2026_council', year: 2026, tier: 'council', amount: 2_000_000 }],
			tierFees: { regular: 1_200_000, council: 9, honorary: 0 },
			discounts,
			existingIds,
			calendar: 'gregory'
		});

	it('charges active members only, with the fee schedule before the settings fee', () => {
		const lines = plan(new Set());
		expect(lines.map((l) => l.memberId)).not.toContain(C);
		const a = lines.find((l) => l.memberId === A)!;
		expect(a).toMatchObject({ id: duesEntryId(2026, A), amount: 1_200_000, status: 'new' });
		// B joined in 2026: new-member discount of 50 % on the schedule's 2,000,000
		expect(lines.find((l) => l.memberId === B)).toMatchObject({
			gross: 2_000_000,
			discount: 1_000_000,
			amount: 1_000_000,
			status: 'new'
		});
		expect(lines.find((l) => l.memberId === 'memberDDDDDDDDDD')!.status).toBe('free');
		expect(lines.find((l) => l.memberId === 'memberEEEEEEEEEE')!.status).toBe('noFee');
	});

	it('is idempotent: ids are year+member, a second run charges nobody twice', () => {
		const first = plan(new Set());
		const ids = new Set(first.filter((l) => l.status === 'new').map((l) => l.id));
		expect(ids.size).toBe(2);
		// Two devices planning offline make the same ids: the same keys, one row each.
		expect(new Set(plan(new Set()).map((l) => l.id))).toEqual(new Set(first.map((l) => l.id)));
		const second = plan(ids);
		expect(second.filter((l) => l.status === 'new')).toEqual([]);
		expect(second.filter((l) => l.status === 'exists')).toHaveLength(2);
	});
});

describe("[L6] the dues run's charge date", () => {
	const today = '2026-12-05';

	it('[L6] the current year, and a past year charged late, are dated the day of the run', () => {
		expect(duesChargeDate({ year: 2026, calendar: 'gregory', today })).toBe(today);
		// 1405 began on 21 March 2026: not backdated to 1 Farvardin either.
		expect(duesChargeDate({ year: 1405, calendar: 'persian', today })).toBe(today);
		expect(duesChargeDate({ year: 2025, calendar: 'gregory', today })).toBe(today);
		expect(duesChargeDate({ year: 1404, calendar: 'persian', today })).toBe(today);
	});

	it('[L6] a year not begun yet (billed ahead) is dated its first day', () => {
		expect(duesChargeDate({ year: 2027, calendar: 'gregory', today })).toBe('2027-01-01');
		expect(duesChargeDate({ year: 1406, calendar: 'persian', today })).toBe('2027-03-21');
	});

	it('[L6] a member who joined this week and is charged today is not overdue, and past quarters stay as reported', () => {
		const ms = new Map([[A, { id: A, status: 'active', tier: 'regular' }]]);
		const members = new Map([[A, { tier: 'regular', region: 'north' }]]);
		const run = charge(
			duesEntryId(2026, A),
			A,
			300,
			duesChargeDate({ year: 2026, calendar: 'gregory', today }),
			2026
		);
		const open = openItems({ entries: [run], allocations: [] }).charges;
		expect(lapseCandidates({ open, members: ms, graceDays: 90, asOf: today })).toEqual([]);
		expect(
			selectDebtors({ open, members: ms, filter: {}, asOf: today, calendar: 'gregory' })
		).toEqual([expect.objectContaining({ memberId: A, oldestDate: today, ageDays: 0 })]);
		const quarters = quarterlyFigures({
			year: 2026,
			calendar: 'gregory',
			entries: [run],
			allocations: [],
			members
		});
		expect(quarters.map((q) => q.total.billed)).toEqual([0, 0, 0, 300]);
		expect(quarters.map((q) => q.total.outstanding)).toEqual([0, 0, 0, 300]);
	});
});

describe('balances, allocation and statements', () => {
	const c25 = charge('d_2025_' + A, A, 1000, '2025-01-10', 2025);
	const c26 = charge('d_2026_' + A, A, 1200, '2026-01-10', 2026);
	const p1 = payment('pay1AAAAAAAAAAAA', A, 1500, '2026-03-01');

	it('balance = charges - payments - credits, net of reversals', () => {
		const wrong = payment('payWrongAAAAAAAA', A, 999, '2026-03-02');
		const b = memberBalances([c25, c26, p1, wrong, reversal(wrong, '2026-03-03')]).get(A)!;
		expect(b).toEqual({
			memberId: A,
			charged: 2200,
			paid: 1500,
			credited: 0,
			refunded: 0,
			balance: 700
		});
	});

	it('drafts do not count; a reversal counts once even if made twice', () => {
		const draft = { ...payment('payDraftAAAAAAAA', A, 5000, '2026-03-02'), posted: false };
		const r = reversal(c25, '2026-04-01');
		const dup = { ...r, id: 'otherReversalId1' };
		expect(memberBalances([c25, c26, draft, r, dup]).get(A)!.balance).toBe(1200);
	});

	it('allocations settle the chosen charge; the rest settles the oldest (partial payments)', () => {
		const open = openItems({ entries: [c25, c26, p1], allocations: [alloc(p1.id, c26.id, 1200)] });
		expect(open.charges.map((c) => [c.id, c.open])).toEqual([
			[c25.id, 700],
			[c26.id, 0]
		]);
		expect(open.unapplied.get(p1.id)).toBe(0);
		// Without allocations: oldest first
		const fifo = openItems({ entries: [c25, c26, p1], allocations: [] });
		expect(fifo.charges.map((c) => c.open)).toEqual([0, 700]);
	});

	it('one payment over several charges; over-allocation is capped and reported', () => {
		const open = openItems({ entries: [c25, c26], allocations: [] }).charges;
		expect(suggestAllocation(open, 1500)).toEqual([
			{ chargeId: c25.id, amount: 1000 },
			{ chargeId: c26.id, amount: 500 }
		]);
		expect(
			checkAllocation({
				memberId: A,
				amount: 1500,
				open,
				parts: [{ chargeId: c25.id, amount: 1001 }]
			})
		).toEqual([{ code: 'overCharge', chargeId: c25.id }]);
		expect(
			checkAllocation({
				memberId: A,
				amount: 100,
				open,
				parts: [{ chargeId: c26.id, amount: 200 }]
			})
		).toEqual([{ code: 'overPayment' }]);
		// an allocation row asking for more than the charge is capped when computing
		const capped = openItems({ entries: [c25, p1], allocations: [alloc(p1.id, c25.id, 9999)] });
		expect(capped.charges[0].open).toBe(0);
		expect(capped.unapplied.get(p1.id)).toBe(500);
	});

	it('a reversed payment frees the charges it settled', () => {
		const open = openItems({
			entries: [c25, p1, reversal(p1, '2026-05-01')],
			allocations: [alloc(p1.id, c25.id, 1000)]
		});
		expect(open.charges[0].open).toBe(1000);
	});

	it('statement: running balance by date and what is due by year', () => {
		const s = memberStatement({
			memberId: A,
			entries: [c26, p1, c25, charge('d_2026_' + B, B, 50, '2026-01-01')],
			allocations: [],
			calendar: 'gregory'
		});
		expect(s.lines.map((l) => [l.kind, l.debit, l.credit, l.balance])).toEqual([
			['charge', 1000, 0, 1000],
			['charge', 1200, 0, 2200],
			['payment', 0, 1500, 700]
		]);
		expect([...s.dueByYear]).toEqual([[2026, 700]]);
		expect(s.balance.balance).toBe(700);
	});

	it('statement: within a day, entries as recorded; a charge before its own discount', () => {
		const at = (e: EntryRow, createdAt: string) => ({ ...e, createdAt });
		// The dues run charges on 1 March at 09:00; the member pays that afternoon. The
		// payment's random id sorts before the charge's `d_…` id: the order must not.
		const due = at(charge('d_2026_' + A, A, 1200, '2026-03-01', 2026), '2026-03-01T09:00:00.000Z');
		const paid = at(payment('aaaPaidAAAAAAAAA', A, 1200, '2026-03-01'), '2026-03-01T15:00:00.000Z');
		const off = at(
			{ ...charge('c_new_' + A, A, 200, '2026-03-01'), kind: 'credit' },
			'2026-03-01T09:00:00.000Z'
		);
		const s = memberStatement({
			memberId: A,
			entries: [paid, off, due],
			allocations: [],
			calendar: 'gregory'
		});
		expect(s.lines.map((l) => [l.kind, l.balance])).toEqual([
			['charge', 1200],
			['credit', 1000],
			['payment', -200]
		]);
	});

	it('reversals that change nothing (raw clients) say why, on the statement too; balances unchanged', () => {
		const due = charge('chargeNoEffect01', A, 1000, '2026-03-01', 2026);
		const paid = payment('payNoEffectA0001', A, 400, '2026-03-02');
		const first = reversal(due, '2026-03-03');
		const second = { ...first, id: 'zzSecondReversal' };
		const elsewhere = { ...reversal(paid, '2026-03-04'), memberId: B };
		const ofReversal = { ...reversal(first, '2026-03-05'), id: 'revOfReversal001' };
		const lost = { ...reversal(paid, '2026-03-05'), id: 'revOfNothing0001', reversalOf: 'gone' };
		const entries = [due, paid, first, second, elsewhere, ofReversal, lost];
		const idx = indexEntries(entries);
		expect(entries.map((e) => reversalNoEffect(e, idx))).toEqual([
			null,
			null,
			null,
			'alreadyReversed',
			'otherMember',
			'reversal',
			'notFound'
		]);
		const a = memberStatement({ memberId: A, entries, allocations: [], calendar: 'gregory' });
		expect(a.lines.map((l) => [l.id, l.noEffect, l.debit, l.credit, l.balance])).toEqual([
			[due.id, undefined, 1000, 0, 1000],
			[paid.id, undefined, 0, 400, 600],
			[first.id, undefined, 0, 1000, -400],
			[second.id, 'alreadyReversed', 0, 0, -400],
			[lost.id, 'notFound', 0, 0, -400],
			[ofReversal.id, 'reversal', 0, 0, -400]
		]);
		const b = memberStatement({ memberId: B, entries, allocations: [], calendar: 'gregory' });
		// Booked on B, naming A's payment: the line says so and what it names.
		expect(b.lines).toEqual([
			expect.objectContaining({ noEffect: 'otherMember', reverses: 'payment', balance: 0 })
		]);
	});

	it('one receipt on two payments (two devices offline) is found; a reversed one is not', () => {
		const r = (e: EntryRow, receiptNo: string) => ({ ...e, receiptNo });
		const a = r(payment('payReceiptA00001', A, 500, '2026-03-01'), 'R-001');
		const b = r(payment('payReceiptB00001', B, 500, '2026-03-02'), ' r-۰۰۱ ');
		const c = r(payment('payReceiptC00001', C, 700, '2026-03-02'), 'R-002');
		expect(duplicateReceipts([b, a, c])).toEqual([{ receiptNo: 'R-001', payments: [a, b] }]);
		expect(paymentWithReceipt([a, c], 'r-001')).toEqual(a);
		expect(paymentWithReceipt([a, c], 'R-003')).toBeUndefined();
		// Reversed (the mistake undone), it no longer counts.
		expect(duplicateReceipts([a, b, c, reversal(b, '2026-03-03')])).toEqual([]);
		expect(paymentWithReceipt([a, reversal(a, '2026-03-03')], 'R-001')).toBeUndefined();
	});

	it('offline payment synced twice is one entry (same id, one map key)', () => {
		const rows = new Map<string, EntryRow>();
		for (const e of [c25, p1, p1]) rows.set(e.id, e);
		expect(memberBalances(rows.values()).get(A)!.balance).toBe(-500);
	});
});

describe('discounts earned by payments', () => {
	const early: Discount = {
		id: 'discEarly0000001',
		kind: 'earlyPayment',
		name: 'E',
		percent: 1000,
		until: '2026-03-31',
		year: 2026
	};
	const multi: Discount = {
		id: 'discMulti0000001',
		kind: 'multiYear',
		name: 'M',
		amount: 100,
		minYears: 2
	};
	it('early payment before the date; multi-year when paying two years', () => {
		const settled = [
			{ chargeId: 'd_2026_' + A, year: 2026, amount: 1200, open: 1200, paid: 1200 },
			{ chargeId: 'd_2027_' + A, year: 2027, amount: 1200, open: 1200, paid: 1200 }
		];
		const got = earnedDiscounts({
			paymentDate: '2026-03-01',
			parts: settled,
			discounts: [early, multi],
			existingIds: new Set()
		});
		expect(got.map((g) => [g.discountId, g.chargeId, g.amount])).toEqual([
			[early.id, 'd_2026_' + A, 120],
			[multi.id, 'd_2026_' + A, 100],
			[multi.id, 'd_2027_' + A, 100]
		]);
		expect(
			earnedDiscounts({
				paymentDate: '2026-04-01',
				parts: settled.slice(0, 1),
				discounts: [early, multi],
				existingIds: new Set()
			})
		).toEqual([]);
		// idempotent
		expect(
			earnedDiscounts({
				paymentDate: '2026-03-01',
				parts: settled,
				discounts: [early],
				existingIds: new Set(got.map((g) => g.id))
			})
		).toEqual([]);
	});
});

describe('[L10] a discount is taken off what settles a charge', () => {
	const early: Discount = {
		id: 'discEarly0000001',
		kind: 'earlyPayment',
		name: 'E',
		percent: 1000,
		until: '2026-03-31',
		year: 2026
	};
	const multi: Discount = {
		id: 'discMulti0000001',
		kind: 'multiYear',
		name: 'M',
		amount: 100,
		minYears: 2
	};
	const c26 = charge('d_2026_' + A, A, 1200, '2026-01-10', 2026);
	const c27 = charge('d_2027_' + A, A, 1200, '2026-01-10', 2027);
	/** Pay `amount` on `date` as the payment dialog does: allocated, with the credits earned. */
	function pay(amount: number, date: string, charges: EntryRow[], discounts: Discount[]) {
		const open = openItems({ entries: charges, allocations: [] }).charges;
		const opts = { paymentDate: date, discounts, existingIds: new Set<string>() };
		const parts = suggestAllocation(open, amount, opts);
		const earned = earnedDiscounts({
			...opts,
			parts: parts.map((p) => {
				const c = open.find((x) => x.id === p.chargeId)!;
				return { chargeId: c.id, year: c.year, amount: c.amount, open: c.open, paid: p.amount };
			})
		});
		const p = payment('paymentP00000001', A, amount, date);
		const entries = [
			...charges,
			p,
			...earned.map(
				(d) =>
					({
						id: d.id,
						memberId: A,
						kind: 'credit',
						amount: d.amount,
						date,
						posted: true,
						year: d.year,
						source: 'discount',
						discountId: d.discountId
					}) as EntryRow
			)
		];
		const allocations = [
			...parts.map((a) => alloc(p.id, a.chargeId, a.amount)),
			...earned.map((d) => alloc(d.id, d.chargeId, d.amount))
		];
		const items = openItems({ entries, allocations });
		return {
			earned: earned.map((d) => [d.discountId, d.chargeId, d.amount]),
			open: items.charges.map((c) => c.open),
			balance: memberBalances(entries).get(A)!.balance
		};
	}

	it('paid early, the charge less the discount settles it: the credit is written, nothing owed', () => {
		expect(pay(1080, '2026-03-31', [c26], [early])).toEqual({
			earned: [[early.id, c26.id, 120]],
			open: [0],
			balance: 0
		});
	});

	it('the same amount after `until` earns nothing and the rest is still owed', () => {
		expect(pay(1080, '2026-04-01', [c26], [early])).toEqual({
			earned: [],
			open: [120],
			balance: 120
		});
	});

	it('short of the discounted amount, even early: no discount, the charge owed at full price', () => {
		expect(pay(1079, '2026-03-01', [c26], [early])).toEqual({
			earned: [],
			open: [121],
			balance: 121
		});
	});

	it('paid in full early: the discount still goes as a credit to the member', () => {
		expect(pay(1200, '2026-03-01', [c26], [early])).toEqual({
			earned: [[early.id, c26.id, 120]],
			open: [0],
			balance: -120
		});
	});

	it('multi-year: both years less the discounts settle both; one year short loses it', () => {
		expect(pay(2080, '2026-03-01', [c26, c27], [early, multi])).toEqual({
			earned: [
				[early.id, c26.id, 120],
				[multi.id, c26.id, 100],
				[multi.id, c27.id, 100]
			],
			open: [0, 0],
			balance: 0
		});
		// Not enough for the second year: no multi-year discount, the first year settles
		// early at 1,080 and the rest goes to the second.
		expect(pay(2000, '2026-03-01', [c26, c27], [early, multi])).toEqual({
			earned: [[early.id, c26.id, 120]],
			open: [0, 280],
			balance: 280
		});
	});

	it('a discount is of the charge, at most what is left open on it', () => {
		const got = earnedDiscounts({
			paymentDate: '2026-03-01',
			parts: [{ chargeId: c26.id, year: 2026, amount: 1200, open: 600, paid: 480 }],
			discounts: [early],
			existingIds: new Set()
		});
		expect(got.map((d) => d.amount)).toEqual([120]);
		const small = earnedDiscounts({
			paymentDate: '2026-03-01',
			parts: [{ chargeId: c26.id, year: 2026, amount: 1200, open: 50, paid: 1 }],
			discounts: [{ ...early, percent: undefined, amount: 300 }],
			existingIds: new Set()
		});
		expect(small.map((d) => d.amount)).toEqual([50]);
	});

	describe('[L11] what a letter offers for early payment', () => {
		const offers = (
			date: string,
			charges: EntryRow[],
			discounts: Discount[],
			existing: string[] = []
		) =>
			earlyPaymentOffers({
				open: openItems({ entries: charges, allocations: [] }).charges,
				date,
				discounts,
				existingIds: new Set<string>(existing)
			}).map((o) => ({
				chargeId: o.chargeId,
				due: o.due,
				until: o.until,
				discounts: o.discounts.map((d) => d.discountId)
			}));
		const past: Discount = { ...early, id: 'discPast00000001', until: '2026-02-28' };
		const inactive: Discount = { ...early, id: 'discOff000000001', active: false };
		const otherYear: Discount = { ...early, id: 'discYear00000001', year: 2028 };

		it('per open charge, what settles it and the last day: only active, in-time discounts of its year', () => {
			const all = [early, past, inactive, otherYear, multi];
			expect(offers('2026-03-01', [c26, c27], all)).toEqual([
				{ chargeId: c26.id, due: 1080, until: '2026-03-31', discounts: [early.id] }
			]);
			// On the last day still; the day after, nothing is offered.
			expect(offers('2026-03-31', [c26, c27], all)).toHaveLength(1);
			expect(offers('2026-04-01', [c26, c27], all)).toEqual([]);
			// A discount credit already written for the charge is not offered again.
			expect(offers('2026-03-01', [c26], [early], [`c_${early.id}_${c26.id}`])).toEqual([]);
		});

		it('two early-payment discounts: both off, by the earlier deadline', () => {
			const later: Discount = {
				...early,
				id: 'discLater0000001',
				percent: 500,
				until: '2026-06-30'
			};
			expect(offers('2026-03-01', [c26], [later, early])).toEqual([
				{ chargeId: c26.id, due: 1020, until: '2026-03-31', discounts: [later.id, early.id] }
			]);
			expect(offers('2026-04-01', [c26], [later, early])).toEqual([
				{ chargeId: c26.id, due: 1140, until: '2026-06-30', discounts: [later.id] }
			]);
		});

		it('the amount the letter states, paid by its deadline as the payment dialog allocates it, settles the charge', () => {
			const [o] = earlyPaymentOffers({
				open: openItems({ entries: [c26, c27], allocations: [] }).charges,
				date: '2026-03-01',
				discounts: [early, multi],
				existingIds: new Set()
			});
			// A multi-year discount is not in the letter: paying one year alone does not earn it.
			expect([o.chargeId, o.due]).toEqual([c26.id, 1080]);
			expect(pay(o.due, o.until, [c26, c27], [early, multi])).toEqual({
				earned: [[early.id, c26.id, 120]],
				open: [0, 1200],
				balance: 1200
			});
		});
	});
});

describe('guard rules for entries', () => {
	it('[L2] a posted entry must be complete', () => {
		expect(
			entryRowCorrections({
				posted: true,
				memberId: A,
				kind: 'charge',
				amount: 1,
				date: '2026-01-01'
			})
		).toEqual([]);
		expect(
			entryRowCorrections({ posted: true, kind: 'charge', amount: 1, date: '2026-01-01' })
		).toEqual([{ key: 'posted', op: 'set', value: false }]);
		expect(
			entryRowCorrections({
				posted: true,
				memberId: A,
				kind: 'payment',
				amount: 1,
				date: '2026-01-01'
			})
		).toHaveLength(1);
		expect(
			entryRowCorrections({
				posted: true,
				memberId: A,
				kind: 'reversal',
				amount: 1,
				date: '2026-01-01'
			})
		).toHaveLength(1);
		expect(entryRowCorrections({ posted: false })).toEqual([]);
	});
	it('settings: defaults IRR and 90 days when absent', () => {
		expect(readLedgerSettings({ config: {}, tiers: [] })).toEqual({
			currency: 'IRR',
			lapseGraceDays: 90,
			tierFees: {},
			orgName: {},
			fiscalCalendar: 'gregory'
		});
		expect(
			readLedgerSettings({
				config: { currency: 'CNY', lapseGraceDays: 30 },
				tiers: [
					['regular', { annualFee: 50000 }],
					['x1234567', { key: 'donor', annualFee: 9 }],
					['bad', { annualFee: 1.5 }]
				]
			})
		).toEqual({
			currency: 'CNY',
			lapseGraceDays: 30,
			tierFees: { regular: 50000, donor: 9 },
			orgName: {},
			fiscalCalendar: 'gregory'
		});
	});
});

describe('figures (hand-checked)', () => {
	// A regular/north: 1000 billed Q1 2026, pays 600 in Q1 and 400 in Q3.
	// B council/south: 2000 billed Q1, charge reversed in Q2, re-billed 1500 in Q2, pays nothing.
	// C regular/south: 500 billed 2025-06-01 (last year), 300 credit Q4 2026.
	const a = charge('d_2026_' + A, A, 1000, '2026-01-15', 2026);
	const b = charge('d_2026_' + B, B, 2000, '2026-02-01', 2026);
	const b2 = charge('manualB000000001', B, 1500, '2026-04-10', 2026);
	const c = charge('d_2025_' + C, C, 500, '2025-06-01', 2025);
	const entries: EntryRow[] = [
		a,
		payment('payA100000000001', A, 600, '2026-03-20'),
		payment('payA200000000002', A, 400, '2026-08-01'),
		b,
		reversal(b, '2026-04-05'),
		b2,
		c,
		{
			id: 'creditC000000001',
			memberId: C,
			kind: 'credit',
			amount: 300,
			date: '2026-11-01',
			posted: true
		} as EntryRow
	];
	const members = new Map([
		[A, { tier: 'regular', region: 'north' }],
		[B, { tier: 'council', region: 'south' }],
		[C, { tier: 'regular', region: 'south' }]
	]);
	const q = quarterlyFigures({
		year: 2026,
		calendar: 'gregory',
		entries,
		allocations: [],
		members
	});

	it('billed, collected, outstanding per quarter', () => {
		expect(q.map((x) => [x.total.billed, x.total.collected, x.total.outstanding])).toEqual([
			[3000, 600, 500 + 400 + 2000],
			[-2000 + 1500, 0, 500 + 400 + 1500],
			[0, 400, 500 + 1500],
			[-300, 0, 200 + 1500]
		]);
	});
	it('collection rate: share of the year billed to date that is settled', () => {
		// Q1: billed 3000 (A 1000, B 2000), open 400 + 2000 → 600/3000 = 20 %
		expect(q[0].total.rateBp).toBe(2000);
		// Q3: billed 1000 + 1500, open 1500 → 40 %
		expect(q[2].total.rateBp).toBe(4000);
	});
	it('by tier and region', () => {
		expect(q[0].byTier.regular.billed).toBe(1000);
		expect(q[0].byTier.council.billed).toBe(2000);
		expect(q[0].byRegion.south.outstanding).toBe(2500);
		expect(q[2].byRegion.north.rateBp).toBe(10000);
		expect(q[3].byTier.regular.outstanding).toBe(200);
	});
	it('ageing buckets 0-90, 91-180, 181-365, >365', () => {
		const g = ageing({ asOf: '2026-07-01', entries, allocations: [], members });
		// A: 400 from 2026-01-15 (167 days); B2: 1500 from 2026-04-10 (82 days); C: 500 from 2025-06-01 (395 days)
		expect(g.total).toEqual({ d0_90: 1500, d91_180: 400, d181_365: 0, over365: 500, total: 2400 });
		expect(g.byMember.get(C)!.over365).toBe(500);
		expect(g.byRegion.south.total).toBe(2000);
	});
	it('debtors for a collection round, and lapse candidates past the grace period', () => {
		const open = openItems({ entries, allocations: [], asOf: '2026-07-01' }).charges;
		const ms = new Map([
			[A, { id: A, status: 'active', tier: 'regular', region: 'north' }],
			[B, { id: B, status: 'active', tier: 'council', region: 'south' }],
			[C, { id: C, status: 'active', tier: 'regular', region: 'south' }]
		]);
		const all = selectDebtors({
			open,
			members: ms,
			filter: {},
			asOf: '2026-07-01',
			calendar: 'gregory'
		});
		expect(all.map((d) => [d.memberId, d.total])).toEqual([
			[B, 1500],
			[C, 500],
			[A, 400]
		]);
		expect(
			selectDebtors({
				open,
				members: ms,
				filter: { minAgeDays: 100 },
				asOf: '2026-07-01',
				calendar: 'gregory'
			}).map((d) => d.memberId)
		).toEqual([C, A]);
		expect(
			selectDebtors({
				open,
				members: ms,
				filter: { regions: ['south'], minAmount: 600 },
				asOf: '2026-07-01',
				calendar: 'gregory'
			}).map((d) => d.memberId)
		).toEqual([B]);
		expect(
			selectDebtors({
				open,
				members: ms,
				filter: { tiers: ['regular'] },
				asOf: '2026-07-01',
				calendar: 'gregory'
			}).map((d) => d.memberId)
		).toEqual([C, A]);
		expect(
			lapseCandidates({ open, members: ms, graceDays: 90, asOf: '2026-07-01' }).map((l) => [
				l.memberId,
				l.daysOverdue
			])
		).toEqual([
			[C, 305],
			[A, 77]
		]);
	});
});

describe('reminder templates and CSV', () => {
	it('merge fields filled, unknown ones reported', () => {
		expect(
			renderTemplate('Dear {{name}} ({{ memberNo }}): {{total}} {{bogus}}', {
				name: 'Acme',
				memberNo: '12',
				total: '$5'
			})
		).toBe('Dear Acme (12): $5 {{bogus}}');
		expect(unknownFields('{{name}} {{bogus}} {{x}}')).toEqual(['bogus', 'x']);
		expect(unknownFields('{{نام}} {{total}}')).toEqual(['نام']);
	});
	it('CSV: UTF-8 BOM, quoting, CRLF, formula injection neutralised', () => {
		expect(
			toCsv(
				[
					['a', 'b,c'],
					['"q"', '=SUM(A1)'],
					['شرکت', '会员']
				],
				{ bom: true }
			)
		).toBe('\uFEFFa,"b,c"\r\n"""q""",\'=SUM(A1)\r\nشرکت,会员\r\n');
	});
});

describe('firstDuesFee', () => {
	const fees = [
		{ id: 'f_2031_regular', year: 2031, tier: 'regular', amount: 120_000 },
		{ id: 'f_2033_regular', year: 2033, tier: 'regular', amount: 150_000 }
	];
	const tierFees = { regular: 50_000_000, council: 200_000_000 };
	const welcome: Discount = {
		id: 'discNew00000001',
		kind: 'newMember',
		name: 'Welcome',
		percent: 2000
	};
	const today = '2033-05-01';
	const notice = (member: { tier?: string; joinDate?: string }, discounts: Discount[] = []) =>
		firstDuesFee({ member, fees, tierFees, discounts, today, calendar: 'gregory' });
	const run = (member: { tier?: string; joinDate?: string }, discounts: Discount[] = []) =>
		planDues({
			year: 2033,
			members: [{ id: A, status: 'active', ...member }],
			fees,
			tierFees,
			discounts,
			existingIds: new Set(),
			calendar: 'gregory'
		})[0];

	it('is what the dues run of the current fiscal year charges, not the fee of the year joined', () => {
		// Joined in 2031 (a roster imported with its join dates), approved now.
		const member = { tier: 'regular', joinDate: '2031-03-01' };
		expect(notice(member)).toEqual({ year: 2033, gross: 150_000, discount: 0, amount: 150_000 });
		expect(run(member)).toMatchObject({ gross: 150_000, discount: 0, amount: 150_000 });
		// The new-member discount is the run's: for who joined in that year only.
		expect(notice(member, [welcome])).toMatchObject({ discount: 0, amount: 150_000 });
		const joinedNow = { tier: 'regular', joinDate: '2033-04-20' };
		expect(notice(joinedNow, [welcome])).toEqual({
			year: 2033,
			gross: 150_000,
			discount: 30_000,
			amount: 120_000
		});
		expect(run(joinedNow, [welcome])).toMatchObject({
			gross: 150_000,
			discount: 30_000,
			amount: 120_000
		});
	});

	it('falls back to the settings’ annual fee only when the ledger has none for that year', () => {
		expect(notice({ tier: 'council', joinDate: '2033-03-01' })).toMatchObject({
			gross: 200_000_000,
			amount: 200_000_000
		});
		expect(notice({ joinDate: '2033-03-01' })).toBeNull();
	});
});

describe('[L4] ledger entries follow member merges, read by the live record', () => {
	// S survives; M was merged into S, and M2 into M before that (a chain).
	const S = 'memberSurvivorSS';
	const M = 'memberMergedMMMM';
	const M2 = 'memberMerged2MMM';
	const mergedInto = new Map([
		[M, S],
		[M2, M]
	]);
	const of = (id: string) => mergedInto.get(id);
	const cM25 = charge(duesEntryId(2025, M), M, 1000, '2025-01-10', 2025);
	const credM2 = {
		id: 'creditM2AAAAAAAA',
		memberId: M2,
		kind: 'credit',
		amount: 100,
		date: '2025-02-01',
		posted: true
	} as EntryRow;
	const cS26 = charge(duesEntryId(2026, S), S, 1200, '2026-01-10', 2026);
	// Recorded for M after the merge, on a device that had not synced yet.
	const pM = payment('payLateMMMMMMMMM', M, 600, '2026-03-01');
	const raw = [cM25, credM2, cS26, pM];
	const entries = underLiveMembers(raw, of);

	it('[L4] each row under its live record, saying which record it was booked on; nothing rewritten', () => {
		expect(entries.map((e) => [e.id, e.memberId, e.bookedOn])).toEqual([
			[cM25.id, S, M],
			[credM2.id, S, M2],
			[cS26.id, S, undefined],
			[pM.id, S, M]
		]);
		expect(cM25.memberId).toBe(M);
		expect(cM25.bookedOn).toBeUndefined();
		// Without merges, the same list (no copy).
		expect(underLiveMembers(raw, () => undefined)).toBe(raw);
	});

	it("[L4] the survivor's statement carries the merged records' entries, balance and years due", () => {
		const st = memberStatement({ memberId: S, entries, allocations: [], calendar: 'gregory' });
		expect(st.lines.map((l) => [l.id, l.bookedOn, l.balance])).toEqual([
			[cM25.id, M, 1000],
			[credM2.id, M2, 900],
			[cS26.id, undefined, 2100],
			[pM.id, M, 1500]
		]);
		expect(st.balance).toMatchObject({ charged: 2200, paid: 600, credited: 100, balance: 1500 });
		// The credit and the late payment settle the oldest charge (M's) first.
		expect([...st.dueByYear]).toEqual([
			[2025, 300],
			[2026, 1200]
		]);
		// Read by the ids as stored, the survivor would owe only its own charge.
		expect(
			memberStatement({ memberId: S, entries: raw, allocations: [], calendar: 'gregory' }).balance
				.balance
		).toBe(1200);
		expect([...memberBalances(entries).keys()]).toEqual([S]);
	});

	it("[L4] a payment for the survivor may be allocated to the merged record's charge; a reversal on the merged record counts", () => {
		const pS = payment('paySurvivorSSSSS', S, 1000, '2026-04-01');
		const a = alloc(pS.id, cM25.id, 1000);
		const open = (list: EntryRow[]) =>
			openItems({ entries: list, allocations: [a] }).charges.map((c) => [c.id, c.open]);
		expect(open(underLiveMembers([cM25, cS26, pS], of))).toEqual([
			[cM25.id, 0],
			[cS26.id, 1200]
		]);
		// Read by the ids as stored, the allocation names another member's charge: ignored.
		expect(open([cM25, cS26, pS])).toEqual([
			[cM25.id, 1000],
			[cS26.id, 200]
		]);
		// The charge reversed on the record it was booked on (as the store writes it).
		const rev = reversal(cM25, '2026-05-01');
		expect(rev.memberId).toBe(M);
		const st = memberStatement({
			memberId: S,
			entries: underLiveMembers([cM25, cS26, rev], of),
			allocations: [],
			calendar: 'gregory'
		});
		expect(st.balance.balance).toBe(1200);
		expect(st.lines.find((l) => l.id === cM25.id)).toMatchObject({ reversed: true, bookedOn: M });
	});

	it("[L4] the collection round and the lapse review chase the merged record's debt under the survivor", () => {
		const open = openItems({ entries, allocations: [] }).charges;
		expect(open.find((c) => c.id === cM25.id)).toMatchObject({ memberId: S, bookedOn: M });
		// The members map holds live records only: the merged ones are not in it.
		const ms = new Map([[S, { id: S, status: 'active', tier: 'regular', region: 'north' }]]);
		const debtors = selectDebtors({
			open,
			members: ms,
			filter: { regions: ['north'] },
			asOf: '2026-07-01',
			calendar: 'gregory'
		});
		expect(debtors.map((d) => [d.memberId, d.total, d.oldestDate, [...d.byYear]])).toEqual([
			[
				S,
				1500,
				'2025-01-10',
				[
					[2025, 300],
					[2026, 1200]
				]
			]
		]);
		expect(
			lapseCandidates({ open, members: ms, graceDays: 90, asOf: '2026-07-01' }).map((l) => [
				l.memberId,
				l.total
			])
		).toEqual([[S, 1500]]);
	});

	it("[L4] the figures group a merged record's entries by the survivor's tier and region", () => {
		const facts = new Map([[S, { tier: 'council', region: 'north' }]]);
		const [q1] = quarterlyFigures({
			year: 2025,
			calendar: 'gregory',
			entries,
			allocations: [],
			members: facts
		});
		expect(Object.keys(q1.byTier)).toEqual(['council']);
		expect(q1.byRegion.north.billed).toBe(900);
		const age = ageing({ asOf: '2026-07-01', entries, allocations: [], members: facts });
		expect([...age.byMember.keys()]).toEqual([S]);
		expect(age.byTier.council.total).toBe(1500);
	});

	it('[L4] liveMemberId: follows the chain; a cycle leaves the record its own', () => {
		expect(liveMemberId(M2, of)).toBe(S);
		expect(liveMemberId(S, of)).toBe(S);
		const loop = new Map([
			['recordXXXXXXXXXX', 'recordYYYYYYYYYY'],
			['recordYYYYYYYYYY', 'recordXXXXXXXXXX']
		]);
		expect(liveMemberId('recordXXXXXXXXXX', (id) => loop.get(id))).toBe('recordXXXXXXXXXX');
	});
});

describe('[L5] the dues run and merged records', () => {
	const S = 'memberSurvivorSS';
	const M = 'memberMergedMMMM';
	const of = (id: string) => (id === M ? S : undefined);
	const plan = (raw: EntryRow[], members = [{ id: S, status: 'active', tier: 'regular' }]) => {
		const entries = underLiveMembers(raw, of);
		return planDues({
			year: 2026,
			members,
			fees: [],
			tierFees: { regular: 1200 },
			discounts: [],
			existingIds: new Set(raw.map((e) => e.id)),
			chargedOnMerged: duesOnMergedRecords({ year: 2026, entries }),
			calendar: 'gregory'
		});
	};
	const mDues = charge(duesEntryId(2026, M), M, 1000, '2026-01-01', 2026);

	it('[L5] a merged record is never charged, even when handed to the run', () => {
		const lines = plan(
			[],
			[
				{ id: S, status: 'active', tier: 'regular' },
				{ id: M, status: 'active', tier: 'regular', mergedInto: S } as never
			]
		);
		expect(lines.map((l) => [l.memberId, l.status])).toEqual([[S, 'new']]);
	});

	it("[L5] the survivor is not charged a year its merged record's dues stand for; it is once they are reversed", () => {
		expect(plan([mDues])).toEqual([
			expect.objectContaining({ memberId: S, status: 'exists', chargedOn: M, amount: 0 })
		]);
		// Another year's dues on the merged record do not count for this year.
		const m25 = charge(duesEntryId(2025, M), M, 1000, '2025-01-01', 2025);
		expect(plan([m25])[0]).toMatchObject({ status: 'new', amount: 1200 });
		// A manual charge on the merged record is not that year's dues either.
		expect(plan([charge('manualMMMMMMMMMM', M, 1000, '2026-01-01', 2026)])[0].status).toBe('new');
		// Reversed: the treasurer took it back; the survivor is charged at its own tier.
		expect(plan([mDues, reversal(mDues, '2026-02-01')])[0]).toMatchObject({
			status: 'new',
			amount: 1200
		});
		const own = plan([mDues, charge(duesEntryId(2026, S), S, 1200, '2026-01-01', 2026)])[0];
		expect(own.status).toBe('exists');
		expect(own).not.toHaveProperty('chargedOn');
	});
});

describe('[L7] the dues run after a switch of the fiscal calendar', () => {
	const members = [
		{ id: A, status: 'active', tier: 'regular' },
		{ id: B, status: 'active', tier: 'regular' }
	];
	const plan = (
		year: number,
		calendar: 'gregory' | 'persian',
		entries: EntryRow[],
		includeOverlapping = false
	) =>
		planDues({
			year,
			members,
			fees: [],
			tierFees: { regular: 1000 },
			discounts: [],
			existingIds: new Set(entries.map((e) => e.id)),
			overlapping: duesOverlapping({ year, calendar, entries }),
			includeOverlapping,
			calendar
		});
	const a2026 = charge(duesEntryId(2026, A), A, 1000, '2026-01-01', 2026);

	it('[L7] a member charged Gregorian 2026 is left out of 1405 and of 1404, with the days they share', () => {
		const lines = plan(1405, 'persian', [a2026]);
		expect(lines.map((l) => [l.memberId, l.status])).toEqual([
			[A, 'overlap'],
			[B, 'new']
		]);
		expect(lines[0].overlaps).toEqual([
			{ id: a2026.id, year: 2026, from: '2026-03-21', to: '2026-12-31' }
		]);
		expect(plan(1404, 'persian', [a2026])[0].overlaps).toEqual([
			{ id: a2026.id, year: 2026, from: '2026-01-01', to: '2026-03-20' }
		]);
		// 1406 begins on 21 March 2027: no overlap with 2026.
		expect(plan(1406, 'persian', [a2026])[0].status).toBe('new');
	});

	it('[L7] and the other way: a member charged 1405 is left out of Gregorian 2026 and 2027', () => {
		const b1405 = charge(duesEntryId(1405, B), B, 1000, '2026-03-21', 1405);
		expect(plan(2026, 'gregory', [b1405]).map((l) => [l.memberId, l.status])).toEqual([
			[A, 'new'],
			[B, 'overlap']
		]);
		expect(plan(2027, 'gregory', [b1405])[1].overlaps).toEqual([
			{ id: b1405.id, year: 1405, from: '2027-01-01', to: '2027-03-20' }
		]);
	});

	it('[L7] finance may include them knowingly: then they are charged, still marked', () => {
		const lines = plan(1405, 'persian', [a2026], true);
		expect(lines[0]).toMatchObject({ memberId: A, status: 'new', amount: 1000 });
		expect(lines[0].overlaps).toHaveLength(1);
	});

	it('[L7] a reversed charge, another calendar year not overlapping, or a manual charge do not count', () => {
		expect(plan(1405, 'persian', [a2026, reversal(a2026, '2026-02-01')])[0].status).toBe('new');
		const a2025 = charge(duesEntryId(2025, A), A, 1000, '2025-01-01', 2025);
		expect(plan(1405, 'persian', [a2025])[0].status).toBe('new');
		const manual = charge('manualAAAAAAAAAA', A, 1000, '2026-01-01', 2026);
		expect(plan(1405, 'persian', [manual])[0].status).toBe('new');
	});

	it("[L7] a merged record's charge counts for its survivor", () => {
		const mDues = charge(duesEntryId(2026, C), C, 1000, '2026-01-01', 2026);
		const entries = underLiveMembers([mDues], (id) => (id === C ? A : undefined));
		expect(plan(1405, 'persian', entries)[0]).toMatchObject({ memberId: A, status: 'overlap' });
	});
});

describe('[L8] refunds: credit paid back to the member', () => {
	// D is charged 60,000,000 for 2026 and pays 90,000,000: 30,000,000 in credit, paid
	// back in Q2. The next year's dues are charged in January 2027.
	const D = 'memberDDDDDDDDDD';
	const dues26 = charge('d_2026_' + D, D, 60_000_000, '2026-01-15', 2026);
	const paid = payment('payD000000000001', D, 90_000_000, '2026-02-01');
	const refund = {
		id: 'refundD000000001',
		memberId: D,
		kind: 'refund',
		amount: 30_000_000,
		date: '2026-05-10',
		posted: true,
		method: 'bankTransfer',
		receiptNo: 'TR-77'
	} as EntryRow;
	const dues27 = charge('d_2027_' + D, D, 60_000_000, '2027-01-10', 2027);
	const before = [dues26, paid];
	const after = [...before, refund];
	const members = new Map([[D, { tier: 'regular', region: 'north' }]]);
	const figures = (entries: EntryRow[]) =>
		quarterlyFigures({ year: 2026, calendar: 'gregory', entries, allocations: [], members });

	it('[L8] a refund cancels the credit: the balance is zero, the refund counted as refunded', () => {
		expect(memberBalances(before).get(D)!.balance).toBe(-30_000_000);
		expect(memberBalances(after).get(D)).toEqual({
			memberId: D,
			charged: 60_000_000,
			paid: 90_000_000,
			credited: 0,
			refunded: 30_000_000,
			balance: 0
		});
	});

	it('[L8] the statement lists the refund with its own kind, method and reference', () => {
		const st = memberStatement({
			memberId: D,
			entries: after,
			allocations: [],
			calendar: 'gregory'
		});
		expect(st.lines.at(-1)).toMatchObject({
			kind: 'refund',
			method: 'bankTransfer',
			receiptNo: 'TR-77',
			debit: 30_000_000,
			credit: 0,
			balance: 0
		});
		expect(st.dueByYear.size).toBe(0);
	});

	it('[L8] figures: a refund is neither billed nor collected; the rate does not move', () => {
		const [b, a] = [figures(before), figures(after)];
		const core = (q: ReturnType<typeof figures>) =>
			q.map(({ total: { refunded: _, ...rest } }) => rest);
		expect(core(a)).toEqual(core(b));
		expect(a.map((q) => q.total.refunded)).toEqual([0, 30_000_000, 0, 0]);
		expect(a[1].byTier.regular.refunded).toBe(30_000_000);
		expect(a[0].total).toMatchObject({ billed: 60_000_000, collected: 90_000_000, rateBp: 10000 });
	});

	it('[L8] the credit paid back no longer settles a later charge: the next year is owed in full', () => {
		const open = openItems({ entries: [...after, dues27], allocations: [] }).charges;
		expect(open.map((c) => [c.id, c.open])).toEqual([
			[dues26.id, 0],
			[dues27.id, 60_000_000]
		]);
		// A refund of part of the credit: the rest settles the next charge.
		const part = { ...refund, amount: 10_000_000 };
		const open2 = openItems({ entries: [...before, part, dues27], allocations: [] }).charges;
		expect(open2.find((c) => c.id === dues27.id)!.open).toBe(40_000_000);
		// The refund is never an open charge itself.
		expect(open.some((c) => c.id === refund.id)).toBe(false);
	});

	it('[L8] the collection round skips a member at zero after a refund, and asks for the next charge in full', () => {
		const ms = new Map([[D, { id: D, status: 'active' }]]);
		const round = (entries: EntryRow[], asOf: string) =>
			selectDebtors({
				open: openItems({ entries, allocations: [], asOf }).charges,
				members: ms,
				filter: {},
				asOf,
				calendar: 'gregory'
			}).map((d) => [d.memberId, d.total]);
		expect(round(after, '2026-06-01')).toEqual([]);
		expect(round([...after, dues27], '2027-02-01')).toEqual([[D, 60_000_000]]);
	});

	it('[L8] a reversed refund gives the credit back, as a reversed payment takes it away', () => {
		const entries = [...after, reversal(refund, '2026-05-20')];
		expect(memberBalances(entries).get(D)).toMatchObject({ refunded: 0, balance: -30_000_000 });
		expect(figures(entries)[1].total.refunded).toBe(0);
		const open = openItems({ entries: [...entries, dues27], allocations: [] }).charges;
		expect(open.find((c) => c.id === dues27.id)!.open).toBe(30_000_000);
	});

	it('[L8] what may be refunded: the credit, now and on the refund date, never more', () => {
		expect(refundableCredit({ memberId: D, entries: before, date: '2026-05-10' })).toBe(30_000_000);
		// Before the overpayment arrived there was nothing to pay back.
		expect(refundableCredit({ memberId: D, entries: before, date: '2026-01-20' })).toBe(0);
		expect(refundableCredit({ memberId: D, entries: after, date: '2026-06-01' })).toBe(0);
		// A charge since leaves less credit than there was on the day.
		const later = charge('manualD000000001', D, 25_000_000, '2026-07-01');
		expect(refundableCredit({ memberId: D, entries: [...before, later], date: '2026-05-10' })).toBe(
			5_000_000
		);
		expect(refundableCredit({ memberId: A, entries: before, date: '2026-05-10' })).toBe(0);
	});

	it('[L8] a posted refund must say how the money went back', () => {
		const row = { posted: true, memberId: D, kind: 'refund', amount: 1, date: '2026-05-10' };
		expect(entryRowCorrections(row)).toEqual([{ key: 'posted', op: 'set', value: false }]);
		expect(entryRowCorrections({ ...row, method: 'cash' })).toEqual([]);
	});
});

describe('[L12] a draft refund is checked against the credit when it is posted', () => {
	// D is charged 60,000,000 and pays 90,000,000: 30,000,000 in credit when the draft is saved.
	const D = 'memberDDDDDDDDDD';
	const dues26 = charge('d_2026_' + D, D, 60_000_000, '2026-01-15', 2026);
	const paid = payment('payD000000000001', D, 90_000_000, '2026-02-01');
	const draft = {
		id: 'refundDraftD0001',
		memberId: D,
		kind: 'refund',
		amount: 30_000_000,
		date: '2026-05-10',
		posted: false,
		method: 'cheque'
	} as EntryRow;

	it('[L12] within the credit it may be posted', () => {
		expect(refundOverCredit({ refund: draft, entries: [dues26, paid, draft] })).toBeNull();
	});

	it('[L12] a charge posted since took part of the credit: refused with what is left', () => {
		const later = charge('manualD000000001', D, 25_000_000, '2026-04-01');
		expect(refundOverCredit({ refund: draft, entries: [dues26, paid, later, draft] })).toEqual({
			credit: 5_000_000
		});
		// A charge dated after the refund takes the credit too: what is paid back is checked now.
		const after = charge('manualD000000002', D, 25_000_000, '2026-09-01');
		expect(refundOverCredit({ refund: draft, entries: [dues26, paid, after, draft] })).toEqual({
			credit: 5_000_000
		});
	});

	it('[L12] another refund posted since paid it back: nothing left', () => {
		const other = { ...draft, id: 'refundPostedD001', posted: true };
		expect(refundOverCredit({ refund: draft, entries: [dues26, paid, other, draft] })).toEqual({
			credit: 0
		});
	});

	it('[L12] the draft itself is left out of the credit, even read as posted', () => {
		const asPosted = { ...draft, posted: true };
		expect(refundOverCredit({ refund: asPosted, entries: [dues26, paid, asPosted] })).toBeNull();
	});

	it('[L12] dated before the overpayment arrived it pays back money not received yet', () => {
		const early = { ...draft, date: '2026-01-20' };
		expect(refundOverCredit({ refund: early, entries: [dues26, paid, early] })).toEqual({
			credit: 0
		});
	});

	it('[L12] only refunds are checked', () => {
		const credit = { ...draft, kind: 'credit' } as EntryRow;
		expect(refundOverCredit({ refund: credit, entries: [credit] })).toBeNull();
	});
});

describe('[L13] what the same parts settle depends on the payment date', () => {
	const early: Discount = {
		id: 'discEarly0000001',
		kind: 'earlyPayment',
		name: 'E',
		percent: 1000,
		until: '2026-03-31',
		year: 2026
	};
	const c26 = charge('d_2026_' + A, A, 1200, '2026-01-10', 2026);
	const c27 = charge('d_2027_' + A, A, 1200, '2026-01-10', 2027);
	const open = openItems({ entries: [c26, c27], allocations: [] }).charges;
	const paid = (amounts: number[]) =>
		open.map((c, i) => ({
			chargeId: c.id,
			year: c.year,
			amount: c.amount,
			open: c.open,
			paid: amounts[i]
		}));
	const settled = (paymentDate: string, amounts: number[]) => [
		...settledCharges({
			paymentDate,
			parts: paid(amounts),
			discounts: [early],
			existingIds: new Set()
		})
	];

	it('[L13] the discounted amount settles by the deadline, not after it', () => {
		expect(settled('2026-03-31', [1080, 0])).toEqual([c26.id]);
		expect(settled('2026-04-01', [1080, 0])).toEqual([]);
		// The full amount settles on either day; nothing allocated settles nothing.
		expect(settled('2026-04-01', [1200, 1200])).toEqual([c26.id, c27.id]);
		expect(settled('2026-03-01', [0, 0])).toEqual([]);
	});

	it('[L13] the suggestion for one date leaves a charge short on the other', () => {
		const terms = (paymentDate: string) => ({
			paymentDate,
			discounts: [early],
			existingIds: new Set<string>()
		});
		const before = suggestAllocation(open, 2280, terms('2026-03-01'));
		const after = suggestAllocation(open, 2280, terms('2026-04-01'));
		expect(before.map((p) => p.amount)).toEqual([1080, 1200]);
		expect(after.map((p) => p.amount)).toEqual([1200, 1080]);
		// The early split, paid late, no longer settles 2026.
		expect(settled('2026-04-01', [1080, 1200])).toEqual([c27.id]);
	});
});

describe('[L14] reversing a payment reverses the discount credits it no longer earns', () => {
	const early: Discount = {
		id: 'discEarly0000001',
		kind: 'earlyPayment',
		name: 'Early bird',
		percent: 1000,
		until: '2031-03-31',
		year: 2031
	};
	const ch = charge('d_2031_' + A, A, 60_000_000, '2031-01-05', 2031);
	const p1 = payment('paymentFirst0001', A, 30_000_000, '2031-02-01');
	const p2 = payment('paymentSecond001', A, 24_000_000, '2031-03-01');
	const creditId = discountEntryId(early.id, ch.id);
	const credit = {
		id: creditId,
		memberId: A,
		kind: 'credit',
		amount: 6_000_000,
		date: p2.date,
		posted: true,
		year: 2031,
		source: 'discount',
		discountId: early.id
	} as EntryRow;
	const allocations = [
		alloc(p1.id, ch.id, 30_000_000),
		alloc(p2.id, ch.id, 24_000_000),
		alloc(creditId, ch.id, 6_000_000)
	];
	const entries = [ch, p1, p2, credit];
	const lost = (entryId: string, list = entries, allocs = allocations) =>
		discountCreditsLost({ entryId, entries: list, allocations: allocs, discounts: [early] }).map(
			(l) => [l.credit.id, l.chargeId]
		);
	const balance = (list: EntryRow[]) => memberBalances(list).get(A)!.balance;

	it('reversing the payment that settled the charge takes its discount credit back', () => {
		expect(lost(p2.id)).toEqual([[creditId, ch.id]]);
		// Both reversed: what was paid before is all that counts, the charge owed at full price.
		expect(balance([...entries, reversal(p2, '2031-04-10'), reversal(credit, '2031-04-10')])).toBe(
			30_000_000
		);
		// Without the credit's reversal (before [L14]) the balance said 24,000,000.
		expect(balance([...entries, reversal(p2, '2031-04-10')])).toBe(24_000_000);
	});

	it('so does reversing the earlier payment it was settled with', () => {
		expect(lost(p1.id)).toEqual([[creditId, ch.id]]);
	});

	it('a credit the remaining payments still earn stays', () => {
		// A third payment in time made up for the second: the charge is still settled.
		const p3 = payment('paymentThird0001', A, 24_000_000, '2031-03-20');
		const list = [...entries, p3];
		expect(lost(p2.id, list, [...allocations, alloc(p3.id, ch.id, 24_000_000)])).toEqual([]);
		// Paid after the deadline, it does not earn the early-payment discount.
		const late = payment('paymentLate00001', A, 24_000_000, '2031-04-02');
		expect(
			lost(p2.id, [...entries, late], [...allocations, alloc(late.id, ch.id, 24_000_000)])
		).toEqual([[creditId, ch.id]]);
		// A payment that covered the whole charge leaves the credit the member's.
		const full = payment('paymentFull00001', A, 60_000_000, '2031-02-01');
		const whole = [ch, full, p2, credit];
		expect(
			lost(p2.id, whole, [alloc(full.id, ch.id, 60_000_000), ...allocations.slice(1)])
		).toEqual([]);
	});

	it('nothing for a credit, a reversed payment or one that earned nothing', () => {
		expect(lost(creditId)).toEqual([]);
		expect(lost(p2.id, [...entries, reversal(p2, '2031-04-10')])).toEqual([]);
		// The credit already reversed: nothing left to take back.
		expect(lost(p2.id, [...entries, reversal(credit, '2031-04-10')])).toEqual([]);
	});

	it('[L17] reversing the charge takes back the discount credit on it: nothing is left to discount', () => {
		expect(lost(ch.id)).toEqual([[creditId, ch.id]]);
		// The member is owed what was paid, 54,000,000, not 60,000,000 with the discount.
		const both = [...entries, reversal(ch, '2031-04-10'), reversal(credit, '2031-04-10')];
		expect(balance(both)).toBe(-54_000_000);
		expect(balance([...entries, reversal(ch, '2031-04-10')])).toBe(-60_000_000);
		// Already reversed (the charge or the credit): nothing to take back.
		expect(lost(ch.id, [...entries, reversal(ch, '2031-04-10')])).toEqual([]);
		expect(lost(ch.id, [...entries, reversal(credit, '2031-04-10')])).toEqual([]);
		// A credit allocated to another charge too stays: it is not this charge's alone.
		const other = charge('d_2032_' + A, A, 60_000_000, '2032-01-05', 2032);
		expect(
			lost(ch.id, [...entries, other], [...allocations, alloc(creditId, other.id, 1)])
		).toEqual([]);
		// Another member's credit on a charge of the same id is not this member's.
		const theirs = { ...credit, id: 'creditOfB0000001', memberId: 'memberB000000001' };
		expect(
			lost(ch.id, [...entries, theirs], [...allocations, alloc(theirs.id, ch.id, 6_000_000)])
		).toEqual([[creditId, ch.id]]);
	});

	it('a later payment in time earns the discount again, under a new id', () => {
		const after = [...entries, reversal(p2, '2031-03-10'), reversal(credit, '2031-03-10')];
		const ids = discountCreditIds(after);
		expect(ids.reversedIds).toEqual(new Set([p2.id, creditId]));
		const part = { chargeId: ch.id, year: 2031, amount: 60_000_000, open: 30_000_000 };
		const earned = earnedDiscounts({
			paymentDate: '2031-03-20',
			parts: [{ ...part, paid: 24_000_000 }],
			discounts: [early],
			...ids
		});
		expect(earned).toEqual([
			expect.objectContaining({ id: `c2_${early.id}_${ch.id}`, amount: 6_000_000 })
		]);
		// Before, the reversed credit's id blocked it: nothing earned, 30,000,000 due.
		expect(
			earnedDiscounts({
				paymentDate: '2031-03-20',
				parts: [{ ...part, paid: 24_000_000 }],
				discounts: [early],
				existingIds: ids.existingIds
			})
		).toEqual([]);
		// Earned again and standing, it is not earned a third time (two devices: one id).
		const again = discountCreditIds([
			...after,
			{ ...credit, id: `c2_${early.id}_${ch.id}`, date: '2031-03-20' }
		]);
		expect(
			earnedDiscounts({
				paymentDate: '2031-03-21',
				parts: [{ ...part, open: 6_000_000, paid: 6_000_000 }],
				discounts: [early],
				...again
			})
		).toEqual([]);
	});
});

describe('[L15] a discount credit on the statement', () => {
	const ch = charge('d_2031_' + A, A, 60_000_000, '2031-01-05', 2031);
	const stamp = '2031-03-01T09:00:00.000Z';
	// A payment id that sorts after the credit's (`c_…`): recorded together, same stamp.
	const p = { ...payment('zPaymentOver0001', A, 70_000_000, '2031-03-01'), createdAt: stamp };
	const creditId = discountEntryId('discEarly0000001', ch.id);
	const credit = {
		id: creditId,
		memberId: A,
		kind: 'credit',
		amount: 6_000_000,
		date: p.date,
		posted: true,
		year: 2031,
		source: 'discount',
		discountId: 'discEarly0000001',
		createdAt: stamp
	} as EntryRow;
	const manual = {
		...credit,
		id: 'aManualCredit001',
		source: 'manual',
		discountId: undefined
	} as EntryRow;

	it('comes right after the payment that earned it and names its discount and charge', () => {
		const st = memberStatement({
			memberId: A,
			entries: [ch, credit, p],
			allocations: [alloc(p.id, ch.id, 60_000_000), alloc(creditId, ch.id, 6_000_000)],
			calendar: 'gregory'
		});
		expect(st.lines.map((l) => l.id)).toEqual([ch.id, p.id, creditId]);
		expect(st.lines[2]).toEqual(
			expect.objectContaining({
				discountId: 'discEarly0000001',
				discountOn: { id: ch.id, year: 2031, date: ch.date }
			})
		);
		expect(st.lines[1].discountId).toBeUndefined();
	});

	it('a manual credit recorded with a payment keeps its place and names no discount', () => {
		const st = memberStatement({
			memberId: A,
			entries: [ch, manual, p],
			allocations: [],
			calendar: 'gregory'
		});
		expect(st.lines.map((l) => l.id)).toEqual([ch.id, manual.id, p.id]);
		expect(st.lines[1].discountOn).toBeUndefined();
	});
});

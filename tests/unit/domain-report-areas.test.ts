/**
 * Dues, surveys, members at risk and contact-person changes on a fixed data set;
 * every expected number is counted by hand in the comments (October 2026, and
 * September where it differs).
 */
import { describe, expect, it } from 'vitest';
import {
	monthPeriod,
	type HistoryEvent,
	type ReportInputs,
	type Row
} from '../../src/lib/domain/report';
import { duesFigures, prepareDues } from '../../src/lib/domain/report-dues';
import { atRisk, basicInfoChanges, prepareMembers } from '../../src/lib/domain/report-members';
import {
	complaintsFigures,
	prepareSurveys,
	questionFigures,
	responseRates
} from '../../src/lib/domain/report-surveys';
import { computeReports, SCORECARD_SECTION } from '../../src/lib/domain/report-areas';
import { buildChangeList } from '../../src/lib/domain/report-changes';

const oct = monthPeriod(2026, 10);
const sep = monthPeriod(2026, 9);

const members: Row[] = [
	{ id: 'memberA0', name: 'Alpha', status: 'active', joinDate: '2025-03-10', region: 'North' },
	{ id: 'memberB0', name: 'Beta', status: 'active', joinDate: '2026-10-05', region: 'South' },
	{ id: 'memberC0', name: 'Gamma', status: 'active', joinDate: '2026-10-20', region: 'North' },
	{ id: 'memberG0', name: 'Eta', status: 'active', joinDate: '2026-09-15', region: 'North' },
	{ id: 'memberI0', name: 'Iota', status: 'active', joinDate: '2026-11-02', region: 'South' }
];
const contacts: Row[] = [
	{ id: 'contact1', memberId: 'memberA0', name: 'Ms. Rahimi', phone: '+98 21 0000 1111' },
	{ id: 'contact2', memberId: 'memberA0', name: 'Mr. Karimi' }
];
const entries: Row[] = [
	{
		id: 'charge01',
		memberId: 'memberA0',
		kind: 'charge',
		date: '2026-09-01',
		amount: 1000,
		posted: true
	},
	{
		id: 'paymen01',
		memberId: 'memberA0',
		kind: 'payment',
		date: '2026-09-10',
		amount: 1000,
		posted: true
	},
	{
		id: 'charge05',
		memberId: 'memberG0',
		kind: 'charge',
		date: '2026-09-20',
		amount: 500,
		posted: true
	},
	{
		id: 'paymen05',
		memberId: 'memberG0',
		kind: 'payment',
		date: '2026-09-16',
		amount: 100,
		posted: true
	},
	{
		id: 'charge02',
		memberId: 'memberB0',
		kind: 'charge',
		date: '2026-10-05',
		amount: 2000,
		posted: true
	},
	{
		id: 'paymen02',
		memberId: 'memberB0',
		kind: 'payment',
		date: '2026-10-20',
		amount: 500,
		posted: true
	},
	{
		id: 'charge03',
		memberId: 'memberB0',
		kind: 'charge',
		date: '2026-10-06',
		amount: 800,
		posted: true
	},
	{
		id: 'revers03',
		memberId: 'memberB0',
		kind: 'reversal',
		date: '2026-10-07',
		amount: 800,
		posted: true,
		reversalOf: 'charge03'
	},
	{
		id: 'charge04',
		memberId: 'memberC0',
		kind: 'charge',
		date: '2026-10-21',
		amount: 1200,
		posted: true
	},
	{
		id: 'credit04',
		memberId: 'memberC0',
		kind: 'credit',
		date: '2026-10-21',
		amount: 300,
		posted: true
	},
	{
		id: 'draft001',
		memberId: 'memberA0',
		kind: 'charge',
		date: '2026-10-01',
		amount: 999,
		posted: false
	}
];
const allocations: Row[] = [
	{ id: 'alloc001', paymentId: 'paymen01', chargeId: 'charge01', amount: 1000 }
];

const at = (iso: string) => Date.parse(iso);
const history: HistoryEvent[] = [
	// A contact person added to A (counts once), one changed, and a new member's contact (B joins the same day: not a change).
	...['memberId', 'name'].map((field) => ({
		table: 'contacts',
		rowId: 'contact2',
		field,
		at: at('2026-10-04T09:00:00Z'),
		value: field === 'memberId' ? 'memberA0' : 'Mr. Karimi',
		old: null,
		userId: 2,
		created: true
	})),
	{
		table: 'contacts',
		rowId: 'contact1',
		field: 'phone',
		at: at('2026-10-06T09:00:00Z'),
		value: '+98 21 0000 1111',
		old: '+98 21 0000 2222',
		userId: 2,
		created: false
	},
	{
		table: 'contacts',
		rowId: 'contactB',
		field: 'memberId',
		at: at('2026-10-05T09:00:00Z'),
		value: 'memberB0',
		old: null,
		userId: 2,
		created: true
	}
];

const inputs: ReportInputs = {
	today: '2026-11-15',
	docs: {
		registry: {
			members,
			contacts,
			activities: [
				{ id: 'activit1', memberId: 'memberA0', kind: 'event', title: 'Fair', date: '2025-12-01' },
				{
					id: 'activit2',
					memberId: 'memberG0',
					kind: 'training',
					title: 'Course',
					date: '2026-10-01'
				}
			]
		},
		ledger: { entries, allocations },
		surveys: {
			campaigns: [
				{
					id: 'campaig1',
					title_en: 'Needs Q4',
					periodStart: '2026-10-01',
					periodEnd: '2026-10-31',
					status: 'open',
					audience: 'allActive'
				}
			],
			questions: [{ id: 'question', campaignId: 'campaig1', kind: 'text', order: 1 }],
			answers: [
				{
					id: 'answer01',
					campaignId: 'campaig1',
					memberId: 'memberA0',
					questionId: 'question',
					value: 'more fairs'
				},
				{
					id: 'answer02',
					campaignId: 'campaig1',
					memberId: 'memberB0',
					questionId: 'question',
					value: 'training'
				}
			],
			items: [
				{
					id: 'itemno01',
					kind: 'question',
					createdAt: '2026-10-02T08:00:00.000Z',
					dueDate: '2026-10-10',
					status: 'answered',
					answeredAt: '2026-10-08T08:00:00.000Z'
				},
				{
					id: 'itemno02',
					kind: 'question',
					createdAt: '2026-10-03T08:00:00.000Z',
					dueDate: '2026-10-12',
					status: 'answered',
					answeredAt: '2026-10-15T08:00:00.000Z'
				},
				{
					id: 'itemno03',
					kind: 'need',
					createdAt: '2026-10-20T08:00:00.000Z',
					dueDate: '2026-11-20',
					status: 'open'
				},
				{
					id: 'itemno04',
					kind: 'question',
					createdAt: '2026-09-25T08:00:00.000Z',
					dueDate: '2026-10-05',
					status: 'open'
				}
			],
			complaints: [
				{
					id: 'complai1',
					receivedAt: '2026-10-05',
					status: 'resolved',
					satisfaction: 5,
					category: 'service'
				},
				{ id: 'complai2', receivedAt: '2026-10-25', status: 'open', category: 'dues' },
				{
					id: 'complai3',
					receivedAt: '2026-09-01',
					status: 'resolved',
					satisfaction: 2,
					category: 'service'
				}
			]
		}
	},
	values: { settings: { config: { riskInactiveDays: 200, lapseGraceDays: 30, currency: 'CNY' } } },
	history,
	historyReady: true
};

describe('dues', () => {
	const prep = prepareDues(inputs);

	it('October: billed 2000+800−800+1200−300 = 2900, collected 500, outstanding 1500+900+400, rate of October charges 800/3200', () => {
		expect(duesFigures(prep, oct)).toEqual({
			currency: 'CNY',
			billed: 2900,
			collected: 500,
			refunded: 0,
			outstanding: 2800,
			charged: 3200,
			chargedOpen: 2400,
			rateBp: 2500
		});
	});

	it('September: billed 1500, collected 1100, G still owes 400; 1100/1500 settled = 7333 bp', () => {
		expect(duesFigures(prep, sep)).toEqual({
			currency: 'CNY',
			billed: 1500,
			collected: 1100,
			refunded: 0,
			outstanding: 400,
			charged: 1500,
			chargedOpen: 400,
			rateBp: 7333
		});
	});
});

describe('[L4] dues after a merge: a merged record is its survivor', () => {
	// S survives; M was merged into it. M was charged 1000 in September; S paid 1000 in
	// October (the company paid once), unallocated or allocated to M's charge.
	const entry = (id: string, memberId: string, kind: string, date: string, extra = {}) => ({
		id,
		memberId,
		kind,
		date,
		amount: 1000,
		posted: true,
		...extra
	});
	const dues = (rows: Row[], allocations: Row[] = [], merged = true) =>
		duesFigures(
			prepareDues({
				today: '2026-11-15',
				docs: {
					registry: {
						members: [
							{ id: 'memberS0', name: 'Survivor', status: 'active' },
							merged
								? { id: 'memberM0', name: 'Merged', status: 'active', mergedInto: 'memberS0' }
								: { id: 'memberM0', name: 'Merged', status: 'active' }
						]
					},
					ledger: { entries: rows, allocations }
				},
				history: [],
				historyReady: true
			}),
			oct
		);
	const charged = entry('chargeM1', 'memberM0', 'charge', '2026-09-05');
	const paid = entry('paymeS01', 'memberS0', 'payment', '2026-10-07', { method: 'cash' });

	it("[L4] the survivor's payment settles the merged record's charge: nothing outstanding", () => {
		expect(dues([charged, paid])).toMatchObject({ collected: 1000, outstanding: 0 });
		// Before the merge they are two members: one owes, the other is in credit.
		expect(dues([charged, paid], [], false)).toMatchObject({ outstanding: 1000 });
	});

	it('[L4] an allocation of the survivor’s payment to the merged record’s charge counts', () => {
		const a = {
			id: 'a_paymeS01_chargeM1',
			paymentId: 'paymeS01',
			chargeId: 'chargeM1',
			amount: 1000
		};
		expect(dues([charged, paid], [a])).toMatchObject({ outstanding: 0 });
		expect(dues([charged, paid], [a], false)).toMatchObject({ outstanding: 1000 });
	});

	it('[L4] a payment recorded for the merged record after the merge settles the survivor’s charge', () => {
		const own = entry('chargeS1', 'memberS0', 'charge', '2026-10-01');
		const late = entry('paymeM01', 'memberM0', 'payment', '2026-10-20', { method: 'cash' });
		expect(dues([own, late])).toMatchObject({
			outstanding: 0,
			charged: 1000,
			chargedOpen: 0,
			rateBp: 10000
		});
	});
});

describe('[L8] dues after a refund', () => {
	// D is charged 1000 in September and pays 1300: 300 in credit, paid back on 5 October.
	// A new charge of 1000 on 20 October is owed in full.
	const row = (id: string, kind: string, amount: number, date: string, extra = {}) => ({
		id,
		memberId: 'memberD0',
		kind,
		amount,
		date,
		posted: true,
		...extra
	});
	const charged = row('chargeD1', 'charge', 1000, '2026-09-05');
	const paid = row('paymeD01', 'payment', 1300, '2026-09-10', { method: 'cash' });
	const refund = row('refundD1', 'refund', 300, '2026-10-05', { method: 'bankTransfer' });
	const next = row('chargeD2', 'charge', 1000, '2026-10-20');
	const dues = (rows: Row[]) =>
		duesFigures(
			prepareDues({
				today: '2026-11-15',
				docs: {
					registry: { members: [{ id: 'memberD0', name: 'Delta', status: 'active' }] },
					ledger: { entries: rows, allocations: [] }
				},
				history: [],
				historyReady: true
			}),
			oct
		);

	it('[L8] a refund is neither billed nor collected: October’s figures do not move', () => {
		expect(dues([charged, paid, refund])).toEqual({ ...dues([charged, paid]), refunded: 300 });
		expect(dues([charged, paid, refund])).toMatchObject({ billed: 0, collected: 0 });
	});

	it('[L16] what was paid back is the period’s refunded, beside collected, net of its reversal', () => {
		expect(dues([charged, paid, refund])).toMatchObject({ collected: 0, refunded: 300 });
		// September's figures: collected 1300, refunded nothing (the refund is October's).
		const sep30 = (rows: Row[]) =>
			duesFigures(
				prepareDues({
					today: '2026-11-15',
					docs: {
						registry: { members: [{ id: 'memberD0', name: 'Delta', status: 'active' }] },
						ledger: { entries: rows, allocations: [] }
					},
					history: [],
					historyReady: true
				}),
				sep
			);
		expect(sep30([charged, paid, refund])).toMatchObject({ collected: 1300, refunded: 0 });
		// Reversed in the same month, nothing was paid back.
		const undone = row('r_refundD1', 'reversal', 300, '2026-10-09', { reversalOf: 'refundD1' });
		expect(dues([charged, paid, refund, undone])).toMatchObject({ refunded: 0 });
	});

	it('[L8] the credit paid back does not settle a later charge: it is outstanding in full', () => {
		expect(dues([charged, paid, refund, next])).toMatchObject({
			billed: 1000,
			collected: 0,
			outstanding: 1000,
			charged: 1000,
			chargedOpen: 1000,
			rateBp: 0
		});
		// Without the refund the credit settles 300 of it.
		expect(dues([charged, paid, next])).toMatchObject({ outstanding: 700, rateBp: 3000 });
	});
});

describe('members at risk', () => {
	it('on 31 October: A inactive (last activity 1 Dec 2025, over 200 days), G stopped paying (paid 16 Sep, charged 20 Sep, 30 days grace)', () => {
		expect(atRisk(prepareMembers(inputs), oct)).toEqual({
			inactiveDays: 200,
			graceDays: 30,
			participation: true,
			payments: true,
			members: 4,
			inactive: 1,
			paymentsStopped: 1,
			atRisk: 2,
			byRegion: [{ key: 'North', count: 2 }]
		});
	});

	it('without participation records or a ledger nobody is judged on them', () => {
		const bare = { ...inputs, docs: { registry: { members } }, values: {} };
		expect(atRisk(prepareMembers(bare), oct)).toMatchObject({
			inactiveDays: 365,
			participation: false,
			payments: false,
			atRisk: 0
		});
	});
});

describe('contact persons', () => {
	it('a contact added to A and a contact’s phone changed count as contact changes of A; B’s first contact on its join day does not', () => {
		const c = basicInfoChanges(prepareMembers(inputs), oct);
		expect(c.groups.find((g) => g.group === 'contact')).toEqual({
			group: 'contact',
			members: 1,
			changes: 2
		});
		const list = buildChangeList({ members, contacts, history, period: oct, historyReady: true });
		expect(
			list.entries.filter((e) => e.kind === 'changed').map((e) => [e.name, e.field, e.value])
		).toEqual([
			['Alpha', 'contact', 'Mr. Karimi'],
			['Alpha', 'contact.phone', '+98 21 0000 1111']
		]);
	});
});

describe('surveys', () => {
	const prep = prepareSurveys(inputs);

	it('response rate: 2 of the 5 active members answered the October campaign', () => {
		expect(responseRates(prep, oct)).toMatchObject({
			audience: 5,
			responded: 2,
			responseRate: 0.4
		});
		expect(responseRates(prep, sep).campaigns).toEqual([]);
	});

	it('a record merged into another active member is not in the audience', () => {
		const active = members.find((m) => m.status === 'active' && m.id !== members[0].id)!;
		const merged = { ...active, id: 'mergedAway01', mergedInto: active.id };
		const withMerged = {
			...inputs,
			docs: { ...inputs.docs, registry: { ...inputs.docs.registry, members: [...members, merged] } }
		};
		expect(responseRates(prepareSurveys(withMerged), oct)).toMatchObject({
			audience: 5,
			responded: 2
		});
	});

	it('questions: 3 received in October, 1 open, 2 answered; of 3 due in October 1 answered on time', () => {
		expect(questionFigures(prep, oct)).toEqual({
			received: 3,
			open: 1,
			overdue: 0,
			answered: 2,
			closed: 0,
			medianDaysToAnswer: 9,
			due: 3,
			answeredOnTime: 1,
			onTimeShare: 1 / 3
		});
	});

	it('complaints: 2 received in October, 1 resolved and rated 5', () => {
		expect(complaintsFigures(prep, oct)).toEqual({
			received: 2,
			open: 1,
			resolved: 1,
			byCategory: [
				{ category: 'service', count: 1 },
				{ category: 'dues', count: 1 }
			],
			rated: 1,
			averageSatisfaction: 5,
			satisfiedShare: 1
		});
	});
});

describe('labels', () => {
	it('tier and category labels come from the settings, in three languages (Persian and Chinese fall back to English)', () => {
		const withSettings: ReportInputs = {
			...inputs,
			docs: {
				...inputs.docs,
				settings: {
					categories: [{ id: 'manufacturer', labelEn: 'Manufacturer', labelFa: 'تولیدکننده' }]
				}
			}
		};
		const [r] = computeReports(withSettings, [oct], { computedAt: '2026-11-15T00:00:00.000Z' });
		expect(r.sections['members.labels']).toEqual({
			tier: {},
			category: { manufacturer: { en: 'Manufacturer', fa: 'تولیدکننده', zh: 'Manufacturer' } }
		});
	});
});

describe('scorecard', () => {
	it('gathers each area’s lines: members, dues collection rate, questions answered on time', () => {
		const [r] = computeReports(inputs, [oct], { computedAt: '2026-11-15T00:00:00.000Z' });
		const items = (
			r.sections[SCORECARD_SECTION] as { items: { id: string; value: number | null }[] }
		).items;
		expect(Object.fromEntries(items.map((i) => [i.id, i.value]))).toMatchObject({
			members: 4,
			duesCollectionRate: 0.25,
			questionsOnTime: 1 / 3,
			surveyResponseRate: 0.4
		});
		const json = JSON.stringify(r.sections);
		for (const secret of ['0000', 'Rahimi', 'Karimi', 'more fairs'])
			expect(json).not.toContain(secret);
	});
});

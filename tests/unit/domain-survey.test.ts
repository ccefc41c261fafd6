import { describe, expect, it } from 'vitest';
import {
	answerId,
	audienceOf,
	campaignAcceptsAnswers,
	canSetItemStatus,
	complaintRowRule,
	itemRowRule,
	localized,
	parseAnswer,
	parseSurveyField,
	publicAnswers,
	readRow,
	responseId,
	stableId,
	type Answer,
	type Campaign
} from '../../src/lib/domain/survey';
import {
	campaignResults,
	itemFigures,
	median,
	memberAnswers,
	myOpenItems,
	overdueItems,
	quarterOf,
	answeredMemberIds,
	satisfactionByQuarter
} from '../../src/lib/domain/survey-results';
import { ROW_ID_PATTERN } from '../../src/lib/domain/member';

const NOW = '2026-05-01T10:00:00.000Z';

describe('survey schemas', () => {
	it('validates fields per table and drops unknown or invalid ones when reading', () => {
		expect(parseSurveyField('campaigns', 'languages', 'en,fa')).toEqual({
			ok: true,
			value: 'en,fa'
		});
		expect(parseSurveyField('campaigns', 'languages', 'en,en').ok).toBe(false);
		expect(parseSurveyField('campaigns', 'languages', 'de').ok).toBe(false);
		expect(parseSurveyField('questions', 'kind', 'rating').ok).toBe(true);
		expect(parseSurveyField('questions', 'kind', 'matrix').ok).toBe(false);
		expect(parseSurveyField('complaints', 'satisfaction', 6).ok).toBe(false);
		expect(parseSurveyField('complaints', 'satisfaction', 4.5).ok).toBe(false);
		expect(parseSurveyField('items', 'subject', '  padded  ')).toEqual({
			ok: true,
			value: 'padded'
		});
		expect(parseSurveyField('items', '__proto__', 'x').ok).toBe(false);
		const row = readRow('items', 'abcdefgh', [
			['status', 'open'],
			['status2', 'x'],
			['dueDate', 'tomorrow'],
			['owner', 'sara']
		]);
		expect(row).toEqual({ id: 'abcdefgh', status: 'open', owner: 'sara' });
	});

	it('deterministic ids are valid row ids, stable and distinct', () => {
		const a = responseId('campaignAAAA', 'member111111');
		expect(a).toMatch(ROW_ID_PATTERN);
		expect(a).toBe(responseId('campaignAAAA', 'member111111'));
		expect(a).not.toBe(responseId('campaignAAAA', 'member111112'));
		expect(answerId('c1234567', 'm1234567', 'q1234567')).not.toBe(
			answerId('c1234567', 'm1234567', 'q1234568')
		);
		const seen = new Set<string>();
		for (let i = 0; i < 5000; i++) seen.add(stableId('x', String(i)));
		expect(seen.size).toBe(5000);
	});

	it('parses answers by question kind', () => {
		const opts = ['optA1234', 'optB1234', 'optC1234'];
		expect(parseAnswer({ kind: 'single' }, opts, 'optB1234')).toEqual({
			ok: true,
			value: 'optB1234'
		});
		expect(parseAnswer({ kind: 'single' }, opts, 'other123')).toEqual({
			ok: false,
			error: 'notAnOption'
		});
		expect(parseAnswer({ kind: 'multiple' }, opts, ['optC1234', 'optA1234'])).toEqual({
			ok: true,
			value: 'optA1234,optC1234'
		});
		expect(parseAnswer({ kind: 'rating' }, [], '۵')).toEqual({ ok: true, value: 5 });
		expect(parseAnswer({ kind: 'rating' }, [], 6)).toEqual({ ok: false, error: 'outOfRange' });
		expect(parseAnswer({ kind: 'number' }, [], '１２.5')).toEqual({ ok: true, value: 12.5 });
		expect(parseAnswer({ kind: 'number' }, [], 'abc')).toEqual({ ok: false, error: 'notANumber' });
		expect(parseAnswer({ kind: 'text' }, [], '  hi ')).toEqual({ ok: true, value: 'hi' });
		expect(parseAnswer({ kind: 'text' }, [], '   ')).toEqual({ ok: true, value: null });
		expect(publicAnswers.safeParse({ answers: {}, memberId: 'abcdefgh' }).success).toBe(false);
	});

	it('falls back through languages for text', () => {
		expect(localized({ title_en: 'Needs', title_fa: 'نیازها' }, 'title', 'fa')).toBe('نیازها');
		expect(localized({ title_en: 'Needs' }, 'title', 'zh', ['fa', 'en'])).toBe('Needs');
	});

	it('selects the audience: active members narrowed by a field', () => {
		const ms = [
			{ id: 'a', status: 'active', tier: 'donor', region: 'Tehran' },
			{ id: 'b', status: 'active', tier: 'regular', region: 'tehran ' },
			{ id: 'c', status: 'lapsed', tier: 'donor' }
		];
		expect(audienceOf({ audience: 'allActive' }, ms).map((m) => m.id)).toEqual(['a', 'b']);
		expect(audienceOf({ audience: 'tier', audienceValue: 'donor' }, ms).map((m) => m.id)).toEqual([
			'a'
		]);
		expect(
			audienceOf({ audience: 'region', audienceValue: 'Tehran' }, ms).map((m) => m.id)
		).toEqual(['a', 'b']);
	});

	it('a campaign takes answers only while open and before expiry', () => {
		const c: Campaign = { id: 'c', status: 'open', expiresAt: '2026-05-02T00:00:00.000Z' };
		expect(campaignAcceptsAnswers(c, Date.parse(NOW))).toBe(true);
		expect(campaignAcceptsAnswers(c, Date.parse('2026-05-03T00:00:00Z'))).toBe(false);
		expect(campaignAcceptsAnswers({ ...c, status: 'draft' }, Date.parse(NOW))).toBe(false);
	});
});

describe('[SV1] [SV2] nothing is closed without an answer', () => {
	it('puts the status back when an item is closed without an answer', () => {
		expect(itemRowRule({ status: 'closed' }, { status: 'open' }, NOW)).toEqual([
			{ key: 'status', op: 'set', value: 'open' }
		]);
		expect(itemRowRule({ status: 'answered' }, null, NOW)).toEqual([
			{ key: 'status', op: 'set', value: 'inProgress' }
		]);
		expect(itemRowRule({ status: 'answered', answer: '   ' }, null, NOW)[0].key).toBe('status');
	});
	it('restores an answer removed from an answered item', () => {
		expect(itemRowRule({ status: 'answered' }, { status: 'answered', answer: 'Yes' }, NOW)).toEqual(
			[{ key: 'answer', op: 'set', value: 'Yes' }]
		);
	});
	it('stamps answeredAt; accepts an answered item with an answer', () => {
		expect(itemRowRule({ status: 'answered', answer: 'Yes' }, null, NOW)).toEqual([
			{ key: 'answeredAt', op: 'set', value: NOW }
		]);
		expect(itemRowRule({ status: 'closed', answer: 'Yes', answeredAt: NOW }, null, NOW)).toEqual(
			[]
		);
		expect(itemRowRule({ status: 'inProgress' }, null, NOW)).toEqual([]);
		expect(canSetItemStatus({}, 'closed')).toBe(false);
		expect(canSetItemStatus({ answer: 'ok' }, 'closed')).toBe(true);
	});
	it('complaints need a resolution', () => {
		expect(complaintRowRule({ status: 'resolved' }, { status: 'open' }, NOW)).toEqual([
			{ key: 'status', op: 'set', value: 'open' }
		]);
		expect(complaintRowRule({ status: 'resolved', resolution: 'Refunded' }, null, NOW)).toEqual([
			{ key: 'resolvedAt', op: 'set', value: NOW }
		]);
	});
});

describe('results per question', () => {
	const C = 'campaign1';
	const questions = [
		{ id: 'qRate', campaignId: C, kind: 'rating' as const, order: 2 },
		{ id: 'qPick', campaignId: C, kind: 'single' as const, order: 1 },
		{ id: 'qMany', campaignId: C, kind: 'multiple' as const, order: 3 },
		{ id: 'qNum', campaignId: C, kind: 'number' as const, order: 4 },
		{ id: 'qText', campaignId: C, kind: 'text' as const, order: 5 },
		{ id: 'qOther', campaignId: 'campaign2', kind: 'text' as const }
	];
	const options = [
		{ id: 'oA', questionId: 'qPick', order: 1 },
		{ id: 'oB', questionId: 'qPick', order: 2 },
		{ id: 'mX', questionId: 'qMany', order: 1 },
		{ id: 'mY', questionId: 'qMany', order: 2 }
	];
	const a = (
		memberId: string,
		questionId: string,
		value: string | number,
		campaignId = C
	): Answer => ({
		id: `${memberId}${questionId}`,
		campaignId,
		memberId,
		questionId,
		value
	});
	const answers = [
		a('m1', 'qPick', 'oA'),
		a('m2', 'qPick', 'oA'),
		a('m3', 'qPick', 'oB'),
		a('m4', 'qPick', 'gone'),
		a('m1', 'qRate', 5),
		a('m2', 'qRate', 4),
		a('m3', 'qRate', 2),
		a('m1', 'qMany', 'mX,mY'),
		a('m2', 'qMany', 'mY'),
		a('m1', 'qNum', 10),
		a('m2', 'qNum', 20),
		a('m1', 'qText', 'More training'),
		a('m9', 'qOther', 'elsewhere', 'campaign2')
	];

	it('counts options, averages ratings and numbers, lists texts, in question order', () => {
		const r = campaignResults({
			campaignId: C,
			questions,
			options,
			answers,
			audienceIds: new Set(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8'])
		});
		expect(r.questions.map((q) => q.questionId)).toEqual([
			'qPick',
			'qRate',
			'qMany',
			'qNum',
			'qText'
		]);
		const [pick, rate, many, num, text] = r.questions;
		expect(pick.answered).toBe(3);
		expect(pick.options).toEqual([
			{ optionId: 'oA', count: 2, share: 2 / 3 },
			{ optionId: 'oB', count: 1, share: 1 / 3 }
		]);
		expect(rate.ratings).toEqual([0, 1, 0, 1, 1]);
		expect(rate.average).toBeCloseTo(11 / 3);
		expect(many.options.map((o) => o.count)).toEqual([1, 2]);
		expect(num).toMatchObject({ average: 15, min: 10, max: 20 });
		expect(text.texts).toEqual([{ memberId: 'm1', text: 'More training' }]);
		expect(r.responded).toBe(3);
		expect(r.audience).toBe(8);
		expect(r.responseRate).toBeCloseTo(3 / 8);
	});

	it('an empty audience has no rate; a response row without an answer is no answer', () => {
		const r = campaignResults({
			campaignId: C,
			questions,
			options,
			answers: [],
			audienceIds: new Set()
		});
		expect(r.responseRate).toBeNull();
		expect(r.questions[1].average).toBeNull();
		// m7 sent an empty response (a response row, no answer): the results do not count it,
		// and neither does the list of members who answered.
		const withEmpty = [
			...answers,
			{ id: 'e', campaignId: C, memberId: 'm7', questionId: questions[0].id, value: '' }
		];
		const ids = answeredMemberIds({ campaignId: C, questions, options, answers: withEmpty });
		expect(ids.has('m1') && !ids.has('m7') && !ids.has('m9')).toBe(true);
		const all = campaignResults({
			campaignId: C,
			questions,
			options,
			answers: withEmpty,
			audienceIds: new Set()
		});
		expect(all.responded).toBe(ids.size);
	});

	it("gathers a member's archive by campaign", () => {
		const m = memberAnswers('m1', answers);
		expect(m.get(C)?.length).toBe(5);
		expect(m.has('campaign2')).toBe(false);
	});
});

describe('needs figures', () => {
	const items = [
		{
			id: '1',
			status: 'open' as const,
			dueDate: '2026-04-01',
			owner: 'sara',
			department: 'Training'
		},
		{
			id: '2',
			status: 'inProgress' as const,
			dueDate: '2026-06-01',
			owner: 'sara',
			department: 'Training'
		},
		{ id: '3', status: 'open' as const, owner: 'li', department: 'Fairs' },
		{
			id: '4',
			status: 'answered' as const,
			createdAt: '2026-04-01T00:00:00Z',
			answeredAt: '2026-04-03T00:00:00Z'
		},
		{
			id: '5',
			status: 'closed' as const,
			createdAt: '2026-04-01T00:00:00Z',
			answeredAt: '2026-04-11T00:00:00Z'
		},
		{
			id: '6',
			status: 'closed' as const,
			createdAt: '2026-04-01T00:00:00Z',
			answeredAt: '2026-04-05T00:00:00Z'
		}
	];
	it('open, overdue, median days to answer, by department', () => {
		const f = itemFigures(items, { today: '2026-05-01' });
		expect(f).toMatchObject({ open: 3, overdue: 1, answered: 1, closed: 2, medianDaysToAnswer: 4 });
		expect(f.openByDepartment[0]).toEqual({ department: 'Training', open: 2, overdue: 1 });
		expect(myOpenItems(items, 'sara').map((i) => i.id)).toEqual(['1', '2']);
		expect(overdueItems(items, '2026-05-01').map((i) => i.id)).toEqual(['1']);
		expect(median([])).toBeNull();
		expect(median([3, 1, 2, 10])).toBe(2.5);
	});

	it('satisfaction by quarter', () => {
		const q = satisfactionByQuarter([
			{ id: 'a', resolvedAt: '2026-01-15T00:00:00Z', satisfaction: 5 },
			{ id: 'b', resolvedAt: '2026-03-31T00:00:00Z', satisfaction: 2 },
			{ id: 'c', receivedAt: '2026-04-01' },
			{ id: 'd', receivedAt: '2025-12-01', satisfaction: 4 }
		]);
		expect(q.map((x) => x.quarter)).toEqual(['2025-Q4', '2026-Q1', '2026-Q2']);
		expect(q[1]).toMatchObject({
			complaints: 2,
			rated: 2,
			averageSatisfaction: 3.5,
			satisfiedShare: 0.5
		});
		expect(q[2]).toMatchObject({ complaints: 1, rated: 0, averageSatisfaction: null });
		expect(quarterOf('2026-13-01')).toBeNull();
	});

	it('satisfaction by quarter in the Solar Hijri calendar: Farvardin–Khordad is Q1', () => {
		const q = satisfactionByQuarter(
			[
				// 29 Esfand 1404 and 1 Farvardin 1405; 14 Azar 1405 (the third quarter).
				{ id: 'a', resolvedAt: '2026-03-20T09:00:00Z', satisfaction: 5 },
				{ id: 'b', resolvedAt: '2026-03-21T09:00:00Z', satisfaction: 2 },
				{ id: 'c', receivedAt: '2026-12-05', satisfaction: 4 }
			],
			'persian'
		);
		expect(q.map((x) => [x.year, x.q, x.complaints])).toEqual([
			[1404, 4, 1],
			[1405, 1, 1],
			[1405, 3, 1]
		]);
	});
});

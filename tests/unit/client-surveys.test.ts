import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { answerId, responseId } from '../../src/lib/domain/survey';
import { SurveysStore, type SurveyChange } from '../../src/lib/state/surveys.svelte';

/** Two stores on docs wired to each other, as if through a server. */
function pair() {
	const a = new Y.Doc();
	const b = new Y.Doc();
	const remote = { name: 'remote' };
	a.on('update', (u: Uint8Array, o: unknown) => o !== remote && Y.applyUpdate(b, u, remote));
	b.on('update', (u: Uint8Array, o: unknown) => o !== remote && Y.applyUpdate(a, u, remote));
	return {
		a: new SurveysStore({ doc: a, username: 'sara' }),
		b: new SurveysStore({ doc: b, username: 'li' })
	};
}

const MEMBER = 'member1234567890';

function survey(store: SurveysStore) {
	const c = store.createCampaign({ title_en: 'Needs', languages: 'en,fa' })!;
	const q1 = store.addQuestion(c, 'single', { en: 'Which?' })!;
	const q2 = store.addQuestion(c, 'rating', { en: 'How good?' })!;
	const o1 = store.addOption(q1, { en: 'Training' })!;
	const o2 = store.addOption(q1, { en: 'Fairs' })!;
	return { c, q1, q2, o1, o2 };
}

describe('surveys store', () => {
	it('builds a campaign with ordered questions and options', () => {
		const { a } = pair();
		const { c, q1, q2, o1, o2 } = survey(a);
		expect(a.get('campaigns', c)).toMatchObject({ status: 'draft', createdBy: 'sara' });
		expect(a.questionsOf(c).map((q) => q.id)).toEqual([q1, q2]);
		expect(a.optionsOf(q1).map((o) => o.id)).toEqual([o1, o2]);
		a.moveQuestion(c, q2, -1);
		expect(a.questionsOf(c).map((q) => q.id)).toEqual([q2, q1]);
		expect(a.setFields('campaigns', c, { languages: 'en,de' })).toEqual({
			ok: false,
			reason: 'invalid'
		});
		a.deleteQuestion(q1);
		expect(a.optionsOf(q1)).toEqual([]);
	});

	it('writes answers checked against the question, one row per cell, and the response row', () => {
		const { a, b } = pair();
		const { c, q1, q2, o2 } = survey(a);
		const seen: SurveyChange[] = [];
		b.subscribe((ch) => seen.push(ch));
		expect(a.setAnswer(c, MEMBER, q1, 'not-an-option')).toEqual({ ok: false, reason: 'invalid' });
		expect(a.setAnswer(c, MEMBER, q2, 7)).toEqual({ ok: false, reason: 'invalid' });
		expect(a.get('answers', answerId(c, MEMBER, q1))).toBeUndefined();
		expect(a.setAnswer(c, MEMBER, q1, o2)).toEqual({ ok: true });
		// Two people on two cells of the same member: both kept.
		expect(b.setAnswer(c, MEMBER, q2, '۴')).toEqual({ ok: true });
		for (const s of [a, b]) {
			expect(s.answerOf(c, MEMBER, q1)?.value).toBe(o2);
			expect(s.answerOf(c, MEMBER, q2)?.value).toBe(4);
			expect(s.get('responses', responseId(c, MEMBER))).toMatchObject({
				source: 'staff',
				memberId: MEMBER
			});
		}
		expect(seen.some((ch) => ch.table === 'answers' && ch.origin === 'other')).toBe(true);
		// Empty clears the answer.
		a.setAnswer(c, MEMBER, q1, '');
		expect(b.answerOf(c, MEMBER, q1)?.value).toBeUndefined();
		// Undo is per person.
		a.undo();
		expect(b.answerOf(c, MEMBER, q1)?.value).toBe(o2);
		expect(b.answerOf(c, MEMBER, q2)?.value).toBe(4);
	});

	it('[SV1] items are answered or closed only with an answer', () => {
		const { a } = pair();
		const id = a.raiseItem({
			memberId: MEMBER,
			subject: 'Export training',
			department: 'Training'
		})!;
		expect(a.get('items', id)).toMatchObject({ status: 'open', createdBy: 'sara', kind: 'need' });
		expect(a.setItemStatus(id, 'closed')).toEqual({ ok: false, reason: 'needsAnswer' });
		expect(a.answerItem(id, '  ')).toEqual({ ok: false, reason: 'needsAnswer' });
		expect(a.get('items', id)?.status).toBe('open');
		expect(a.answerItem(id, 'Course on 3 March')).toEqual({ ok: true });
		expect(a.get('items', id)).toMatchObject({
			status: 'answered',
			answer: 'Course on 3 March',
			answeredBy: 'sara'
		});
		expect(a.setItemStatus(id, 'closed')).toEqual({ ok: true });
	});

	it("[SV1][G18] an item's answeredAt is when it was first answered; answeredBy its last writer", () => {
		const { a, b } = pair();
		const id = a.raiseItem({ memberId: MEMBER, subject: 'Export training' })!;
		const earlier = '2026-01-01T00:00:00.000Z';
		const answeredAt = () => a.get('items', id)?.answeredAt;
		a.answerItem(id, 'Course on 3 March');
		a.setFields('items', id, { answeredAt: earlier });
		// Closed, corrected, or corrected by someone else: still answered when it first was.
		expect(a.answerItem(id, 'Course on 3 March', 'closed')).toEqual({ ok: true });
		expect(a.answerItem(id, 'Course on 4 March', 'closed')).toEqual({ ok: true });
		expect(b.answerItem(id, 'Course on 5 March', 'closed')).toEqual({ ok: true });
		expect(a.get('items', id)).toMatchObject({ answeredBy: 'li', answeredAt: earlier });
		expect(answeredAt()).toBe(earlier);
	});

	it('[SV2] complaints are resolved only with a resolution; a read-only store writes nothing', () => {
		const { a } = pair();
		const id = a.addComplaint({
			memberId: MEMBER,
			description: 'Late magazine',
			category: 'publication'
		})!;
		expect(a.setComplaintStatus(id, 'resolved')).toEqual({ ok: false, reason: 'needsAnswer' });
		a.setFields('complaints', id, { resolution: 'Resent', satisfaction: 4 });
		expect(a.setComplaintStatus(id, 'resolved')).toEqual({ ok: true });
		a.readOnly = true;
		expect(a.raiseItem({ memberId: MEMBER })).toBeNull();
		expect(a.setFields('complaints', id, { satisfaction: 5 })).toEqual({
			ok: false,
			reason: 'readOnly'
		});
		expect(a.get('complaints', id)?.satisfaction).toBe(4);
	});
});

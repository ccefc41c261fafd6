/**
 * Recruitment rounds, the pure part (docs/SPEC.md [RC1]-[RC5]): who gets a letter,
 * who is left out and why, the figures of a round, the year against its target, and
 * the registry guard's rules for rounds and letters.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyGuardedUpdate, guardRegistry } from '../../server/guard';
import {
	inSegment,
	nextRoundNumber,
	readSegment,
	recipientsByRound,
	recruitmentActivityId,
	renumberRounds,
	roundFigures,
	roundsOfYear,
	selectRecipients,
	yearProgress,
	type RecruitCandidate,
	type RoundRow
} from '../../src/lib/domain/recruitment';
import { ROW_ID_PATTERN } from '../../src/lib/domain/member';

const m = (id: string, fields: Omit<RecruitCandidate, 'id'> = {}): RecruitCandidate => ({
	id,
	address: `${id} street 1`,
	...fields
});

const ids = (r: { recipients: { memberId: string }[] }) => r.recipients.map((x) => x.memberId);

describe('[RC1] recipients are non-members of the segment', () => {
	const members = [
		m('prospect1', { status: 'prospect' }),
		m('nostatus1'),
		m('inquiry01', { status: 'inquiry' }),
		m('contact01', { status: 'eventContact' }),
		m('applicant', { status: 'applicant' }),
		m('rejected1', { status: 'rejected' }),
		m('resigned1', { status: 'resigned' }),
		m('verified1', { status: 'verified' }),
		m('active001', { status: 'active' }),
		m('lapsed001', { status: 'lapsed' }),
		m('removed01', { status: 'removed' }),
		m('merged001', { status: 'prospect', mergedInto: 'prospect1' })
	];

	it('takes prospects, inquiries and event contacts by default (a row without status is a prospect)', () => {
		const r = selectRecipients({ members, contacts: [], segment: {}, channel: 'post' });
		expect(ids(r)).toEqual(['prospect1', 'nostatus1', 'inquiry01', 'contact01']);
	});

	it('takes applicants, rejected applicants and former members only when chosen', () => {
		const r = selectRecipients({
			members,
			contacts: [],
			segment: { statuses: ['applicant', 'rejected', 'resigned'] },
			channel: 'post'
		});
		expect(ids(r)).toEqual(['applicant', 'rejected1', 'resigned1']);
	});

	it('never takes members, verified applicants, removed or merged records, whatever is asked', () => {
		const segment = {
			statuses: ['prospect', 'active', 'lapsed', 'verified', 'removed']
		} as unknown as Parameters<typeof inSegment>[1];
		for (const id of ['verified1', 'active001', 'lapsed001', 'removed01', 'merged001']) {
			expect(
				inSegment(
					members.find((x) => x.id === id)!,
					segment
				)
			).toBe(false);
		}
		// The stored segment cannot even name them.
		expect(readSegment(JSON.stringify({ statuses: ['active'] }))).toBeNull();
	});

	it('filters by region, size, enterprise type, category and source; an empty list is any value', () => {
		const pool = [
			m('tehranBig', {
				region: 'Tehran',
				size: 'large',
				category: 'manufacturer',
				source: 'exhibition',
				enterpriseType: 'private'
			}),
			m('tehranSml', {
				region: 'Tehran',
				size: 'small',
				category: 'trade',
				source: 'magazine',
				enterpriseType: 'private'
			}),
			m('isfahanSm', {
				region: 'Isfahan',
				size: 'small',
				category: 'trade',
				source: 'magazine',
				enterpriseType: 'stateOwned'
			}),
			m('noRegion1', { size: 'small' })
		];
		const pick = (segment: Parameters<typeof inSegment>[1]) =>
			ids(selectRecipients({ members: pool, contacts: [], segment, channel: 'post' }));
		expect(pick({ regions: ['Tehran'] })).toEqual(['tehranBig', 'tehranSml']);
		expect(pick({ sizes: ['small', 'micro'] })).toEqual(['tehranSml', 'isfahanSm', 'noRegion1']);
		expect(pick({ regions: ['Tehran'], sizes: ['small'] })).toEqual(['tehranSml']);
		expect(pick({ categories: ['trade'], enterpriseTypes: ['stateOwned'] })).toEqual(['isfahanSm']);
		expect(pick({ sources: ['exhibition'] })).toEqual(['tehranBig']);
		expect(pick({ regions: [], sizes: [] })).toHaveLength(4);
	});
});

describe('[RC2] left out by channel and by the round', () => {
	it('leaves out records whose contacts prefer other channels, and counts why', () => {
		const members = [
			m('postOk001'),
			m('phoneOnly'),
			m('mixedPost'),
			m('noAddress', { address: ' ' }),
			m('mailedAlr')
		];
		const contacts = [
			{ memberId: 'phoneOnly', channel: 'phone' },
			{ memberId: 'phoneOnly', channel: 'wechat' },
			{ memberId: 'mixedPost', channel: 'email' },
			{ memberId: 'mixedPost', channel: 'post' },
			// A contact without a stated channel says nothing against post.
			{ memberId: 'postOk001', email: 'a@b.example' }
		];
		const r = selectRecipients({
			members,
			contacts,
			segment: {},
			channel: 'post',
			alreadyMailed: new Set(['mailedAlr'])
		});
		expect(ids(r)).toEqual(['postOk001', 'mixedPost']);
		expect(r.excluded).toEqual({ prefersOther: 1, noAddress: 1, noEmail: 0, alreadyInRound: 1 });
	});

	it('an email round needs an email: the record’s, else a contact’s (one preferring email first)', () => {
		const members = [
			m('ownEmail1', { email: 'own@x.example' }),
			m('viaContct'),
			m('noEmail01'),
			m('postOnly1', { email: 'p@x.example' })
		];
		const contacts = [
			{ memberId: 'viaContct', email: 'first@x.example' },
			{ memberId: 'viaContct', email: 'pref@x.example', channel: 'email' },
			{ memberId: 'postOnly1', channel: 'post' }
		];
		const r = selectRecipients({ members, contacts, segment: {}, channel: 'email' });
		expect(r.recipients).toEqual([
			{ memberId: 'ownEmail1', email: 'own@x.example' },
			{ memberId: 'viaContct', email: 'pref@x.example' }
		]);
		expect(r.excluded).toEqual({ prefersOther: 1, noAddress: 0, noEmail: 1, alreadyInRound: 0 });
	});
});

const round = (id: string, createdAt: string, fields: Partial<RoundRow> = {}): RoundRow => ({
	id,
	channel: 'post',
	year: 1404,
	number: 1,
	segment: '{}',
	createdAt,
	...fields
});

describe('[RC5] the figures of a round', () => {
	it('counts recipients once, and those who applied or joined on or after their letter’s day', () => {
		const letter = (memberId: string, roundId: string, date: string) => ({
			memberId,
			kind: 'recruitment',
			roundId,
			date
		});
		const activities = [
			letter('a', 'r1', '2025-05-10'),
			letter('a', 'r1', '2025-05-10'),
			letter('b', 'r1', '2025-05-10'),
			letter('c', 'r1', '2025-05-10'),
			letter('d', 'r1', '2025-05-12'),
			letter('b', 'r2', '2025-09-01'),
			// Not letters: ignored.
			{ memberId: 'e', kind: 'event', roundId: 'r1', date: '2025-05-10' }
		];
		const moves = [
			// a: applied the day of the letter, then was approved.
			{ memberId: 'a', to: 'applicant', at: '2025-05-10T15:00:00.000Z' },
			{ memberId: 'a', to: 'verified', at: '2025-06-01T09:00:00.000Z' },
			{ memberId: 'a', to: 'active', at: '2025-06-02T09:00:00.000Z' },
			// b: applied between the two rounds: counts for r1 only.
			{ memberId: 'b', to: 'inquiry', at: '2025-05-11T09:00:00.000Z' },
			{ memberId: 'b', to: 'applicant', at: '2025-07-01T09:00:00.000Z' },
			// d: applied before its letter: not a conversion of it.
			{ memberId: 'd', to: 'applicant', at: '2025-05-11T09:00:00.000Z' }
		];
		const f = roundFigures({ activities, moves });
		expect(f.get('r1')).toEqual({ recipients: 4, applied: 2, joined: 1 });
		expect(f.get('r2')).toEqual({ recipients: 1, applied: 0, joined: 0 });
		expect([...recipientsByRound(activities).get('r1')!].sort()).toEqual(['a', 'b', 'c', 'd']);
	});

	it('a year’s rounds are those started in it in the fiscal calendar, against 4', () => {
		// 1 Farvardin 1404 is 2025-03-21; 1 Farvardin 1405 is 2026-03-21.
		const rounds = [
			round('old', '2025-03-20T10:00:00.000Z', { year: 1403, number: 4 }),
			round('r1', '2025-03-21T08:00:00.000Z', { number: 1 }),
			round('r2', '2025-09-01T08:00:00.000Z', { number: 2 }),
			round('next', '2026-03-21T08:00:00.000Z', { year: 1405 })
		];
		expect(roundsOfYear(rounds, 1404, 'persian').map((r) => r.id)).toEqual(['r1', 'r2']);
		expect(yearProgress(rounds, 1404, 'persian')).toEqual({ done: 2, target: 4, missing: 2 });
		expect(nextRoundNumber(rounds, 1404, 'persian')).toBe(3);
		expect(nextRoundNumber(rounds, 1406, 'persian')).toBe(1);
		// In a Gregorian fiscal calendar 2025 holds the first three.
		expect(roundsOfYear(rounds, 2025, 'gregory').map((r) => r.id)).toEqual(['old', 'r1', 'r2']);
		expect(yearProgress(rounds, 2025, 'gregory').missing).toBe(1);
	});

	it('a letter’s row id is one per round and member, and a valid row id', () => {
		const a = recruitmentActivityId('Rk3xP0q9ZvB1mN2c', 'Mb7yT5u8WnE4rQ6s');
		expect(a).toBe(recruitmentActivityId('Rk3xP0q9ZvB1mN2c', 'Mb7yT5u8WnE4rQ6s'));
		expect(a).not.toBe(recruitmentActivityId('Rk3xP0q9ZvB1mN2c', 'other-member-01'));
		expect(a).toMatch(ROW_ID_PATTERN);
		expect(recruitmentActivityId('r'.repeat(64), 'm'.repeat(64))).toMatch(ROW_ID_PATTERN);
	});
});

describe('[RC4] the guard keeps rounds and letters as written', () => {
	function setup() {
		const server = new Y.Doc();
		const client = new Y.Doc();
		server.on('update', (u: Uint8Array) => Y.applyUpdate(client, u));
		const send = (fn: (doc: Y.Doc) => void) => {
			const sv = Y.encodeStateVector(client);
			fn(client);
			applyGuardedUpdate({
				doc: server,
				update: Y.encodeStateAsUpdate(client, sv),
				origin: 'peer',
				guard: guardRegistry,
				author: { username: 'reza', sessionStart: Date.now() }
			});
		};
		return { server, send };
	}
	const row = (doc: Y.Doc, table: string, id: string) =>
		doc.getMap(table).get(id) as Y.Map<unknown> | undefined;
	const put = (d: Y.Doc, table: string, id: string, fields: Record<string, unknown>) => {
		const y = new Y.Map<unknown>();
		d.getMap(table).set(id, y);
		for (const [k, v] of Object.entries(fields)) y.set(k, v);
	};

	it('a round is checked field by field, then never changes and is never deleted', () => {
		const { server, send } = setup();
		send((d) =>
			put(d, 'recruitmentRounds', 'round0001', {
				channel: 'post',
				year: 1404,
				number: 1,
				segment: JSON.stringify({ regions: ['Tehran'] }),
				language: 'fa',
				createdAt: '2025-05-10T08:00:00.000Z',
				createdBy: 'reza',
				colour: 'red'
			})
		);
		send((d) =>
			put(d, 'recruitmentRounds', 'round0002', {
				channel: 'pigeon',
				year: 1700,
				number: 1,
				segment: JSON.stringify({ statuses: ['active'] }),
				createdAt: '2025-05-10T08:00:00.000Z'
			})
		);
		expect(row(server, 'recruitmentRounds', 'round0001')!.toJSON()).toEqual({
			channel: 'post',
			year: 1404,
			number: 1,
			segment: '{"regions":["Tehran"]}',
			language: 'fa',
			createdAt: '2025-05-10T08:00:00.000Z',
			createdBy: 'reza'
		});
		// A channel, year and segment that are not valid are not stored.
		expect(row(server, 'recruitmentRounds', 'round0002')!.toJSON()).toEqual({
			number: 1,
			createdAt: '2025-05-10T08:00:00.000Z'
		});
		send((d) => row(d, 'recruitmentRounds', 'round0001')!.set('channel', 'email'));
		send((d) => d.getMap('recruitmentRounds').delete('round0001'));
		expect(row(server, 'recruitmentRounds', 'round0001')!.get('channel')).toBe('post');
	});

	it('a recruitment letter in a member file never changes; other activities still do', () => {
		const { server, send } = setup();
		send((d) => {
			put(d, 'activities', 'rc_round0001_member0001', {
				memberId: 'member0001',
				kind: 'recruitment',
				roundId: 'round0001',
				title: 'Recruitment letter sent (Round 1 of 1404, Post)',
				date: '2025-05-10',
				createdAt: '2025-05-10T08:00:00.000Z'
			});
			put(d, 'activities', 'event00001', {
				memberId: 'member0001',
				kind: 'event',
				title: 'Fair',
				date: '2025-05-10'
			});
		});
		send((d) => {
			row(d, 'activities', 'rc_round0001_member0001')!.set('title', 'Never sent');
			row(d, 'activities', 'event00001')!.set('title', 'Spring fair');
		});
		send((d) => d.getMap('activities').delete('rc_round0001_member0001'));
		expect(row(server, 'activities', 'rc_round0001_member0001')!.toJSON()).toMatchObject({
			kind: 'recruitment',
			roundId: 'round0001',
			title: 'Recruitment letter sent (Round 1 of 1404, Post)'
		});
		expect(row(server, 'activities', 'event00001')!.get('title')).toBe('Spring fair');
		send((d) => d.getMap('activities').delete('event00001'));
		expect(row(server, 'activities', 'event00001')).toBeUndefined();
	});
});

describe('[RC8] unique round numbers per year, by arrival', () => {
	it('a new round whose number its year holds gets the next free one; other years and bad rows aside', () => {
		const held = [
			{ year: 1404, number: 1 },
			{ year: 1404, number: 2 },
			{ year: 1403, number: 5 },
			{ year: 'x', number: 9 }
		];
		const added = [
			// Recorded in this order on the device (createdAt), whatever the order given.
			{ id: 'r3', year: 1404, number: 3, createdAt: '2025-05-01T10:00:00.000Z' },
			{ id: 'r2', year: 1404, number: 2, createdAt: '2025-05-01T09:00:00.000Z' },
			{ id: 'y3', year: 1403, number: 3, createdAt: '2025-05-01T09:00:00.000Z' },
			{ id: 'bad', year: 1404, number: 0.5, createdAt: '2025-05-01T08:00:00.000Z' }
		];
		expect([...renumberRounds({ held, added })]).toEqual([
			['r2', 3],
			['r3', 4]
		]);
		expect(renumberRounds({ held: [], added: added.slice(0, 1) }).size).toBe(0);
	});
});

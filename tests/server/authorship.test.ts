/**
 * Who wrote a row and when it was created are the server's to say ([G17]-[G19], [L9]),
 * and a root the layout does not know is neither stored nor served ([G20]). Real
 * server, real y-websocket clients writing the docs as a raw client would (no app
 * state in between), one of them observing every state it is in.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CLOCK_SKEW_MS } from '../../src/lib/domain/guard';
import { SESSION_TTL_MS } from '../../src/lib/domain/protocol';
import { answerId, responseId } from '../../src/lib/domain/survey';
import {
	canonical,
	connect,
	createUser,
	docFromLog,
	loginAdmin,
	removeDir,
	startTestServer,
	waitFor,
	type Client,
	type TestServer,
	type TestUser
} from './helpers';

const LEDGER = 'default/ledger';
const REGISTRY = 'default/registry';
const SURVEYS = 'default/surveys';
const MEMBER = 'memberAAAAAAAAAA';
const TABLES: Record<string, string[]> = {
	[LEDGER]: ['entries', 'allocations', 'rounds', 'reminders'],
	[REGISTRY]: ['recruitmentRounds'],
	[SURVEYS]: ['campaigns', 'items', 'complaints', 'responses', 'answers']
};

let server: TestServer;
let finance: TestUser;
let staff: TestUser;
/** When finance's session began, at the latest (it signed in after this). */
let financeSignedIn: number;
const writers: Record<string, Client> = {};
const observers: Record<string, Client> = {};
/** Every state of the observed docs, one per transaction of the observer. */
const seen: string[] = [];

const serverDoc = (room: string) => server.app.rooms.get(room)!.doc;
const json = (room: string, doc: Y.Doc) =>
	canonical(Object.fromEntries(TABLES[room].map((t) => [t, doc.getMap(t).toJSON()])));
const row = (room: string, table: string, id: string) =>
	(serverDoc(room).getMap(table).get(id) as Y.Map<unknown>).toJSON();

async function settle(room: string) {
	await waitFor(
		() =>
			json(room, writers[room].doc) === json(room, serverDoc(room)) &&
			json(room, observers[room].doc) === json(room, serverDoc(room)),
		{ what: `clients of ${room} and server to agree` }
	);
}

function put(doc: Y.Doc, table: string, id: string, fields: Record<string, unknown>) {
	doc.transact(() => {
		const r = new Y.Map<unknown>();
		doc.getMap(table).set(id, r);
		for (const [k, v] of Object.entries(fields)) r.set(k, v);
	});
}

const charge = (extra: Record<string, unknown>) => ({
	memberId: MEMBER,
	kind: 'charge',
	amount: 1200,
	date: '2026-01-10',
	year: 2026,
	posted: true,
	...extra
});

const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
	server = await startTestServer();
	const adminCookie = await loginAdmin(server);
	financeSignedIn = Date.now();
	finance = await createUser(server, adminCookie, ['finance']);
	staff = await createUser(server, adminCookie, ['staff']);
	writers[LEDGER] = await connect(server, finance.cookie, { room: LEDGER });
	writers[REGISTRY] = await connect(server, staff.cookie, { room: REGISTRY });
	writers[SURVEYS] = await connect(server, staff.cookie, { room: SURVEYS });
	for (const room of [LEDGER, REGISTRY, SURVEYS]) {
		const o = await connect(server, adminCookie, { room });
		o.doc.on('afterTransaction', () => seen.push(json(room, o.doc)));
		observers[room] = o;
	}
});

beforeEach(() => {
	seen.length = 0;
});

afterAll(async () => {
	for (const c of [...Object.values(writers), ...Object.values(observers)]) c.destroy();
	await server.close();
	removeDir(server.dataDir);
});

describe('who wrote a row', () => {
	it("[G17][L9] an entry's createdBy is the writer's; a legitimate entry is stored as written", async () => {
		const f = writers[LEDGER].doc;
		const now = Date.now();
		put(f, 'entries', 'forgedEntry00001', charge({ createdBy: 'admin', createdAt: iso(now) }));
		put(f, 'entries', 'forgedEntry00002', charge({ createdBy: 42, createdAt: iso(now) }));
		put(
			f,
			'entries',
			'legitEntry000001',
			charge({ createdBy: finance.username, createdAt: iso(now) })
		);
		await settle(LEDGER);
		expect(row(LEDGER, 'entries', 'forgedEntry00001').createdBy).toBe(finance.username);
		expect(row(LEDGER, 'entries', 'forgedEntry00002').createdBy).toBe(finance.username);
		expect(row(LEDGER, 'entries', 'legitEntry000001')).toEqual(
			charge({ createdBy: finance.username, createdAt: iso(now) })
		);
		expect(seen.some((s) => s.includes('"createdBy":"admin"'))).toBe(false);
	});

	it("[G17] a draft's createdBy never changes afterwards, whoever writes it", async () => {
		const draft = charge({
			posted: false,
			createdBy: finance.username,
			createdAt: iso(Date.now())
		});
		put(writers[LEDGER].doc, 'entries', 'draftEntry000001', draft);
		await settle(LEDGER);
		const mine = writers[LEDGER].doc.getMap('entries').get('draftEntry000001') as Y.Map<unknown>;
		mine.set('createdBy', 'someoneElse');
		await settle(LEDGER);
		const theirs = observers[LEDGER].doc
			.getMap('entries')
			.get('draftEntry000001') as Y.Map<unknown>;
		theirs.set('createdBy', 'admin');
		await settle(LEDGER);
		mine.delete('createdBy');
		mine.set('amount', 1300);
		await settle(LEDGER);
		expect(row(LEDGER, 'entries', 'draftEntry000001')).toEqual({ ...draft, amount: 1300 });
		// (The admin's own doc held its write until the server's answer; finance's never.)
		expect(seen.some((s) => s.includes('someoneElse'))).toBe(false);
	});

	it("[G17][L9] a reminder's sentBy and a collection round's createdBy are the writer's", async () => {
		const f = writers[LEDGER].doc;
		const sentAt = iso(Date.now());
		put(f, 'rounds', 'forgedRound00001', { name: 'Autumn', createdBy: 'admin', createdAt: sentAt });
		put(f, 'reminders', 'forgedReminder01', {
			memberId: MEMBER,
			roundId: 'forgedRound00001',
			channel: 'email',
			sentAt,
			amount: 5,
			sentBy: 'admin'
		});
		await settle(LEDGER);
		expect(row(LEDGER, 'rounds', 'forgedRound00001').createdBy).toBe(finance.username);
		expect(row(LEDGER, 'reminders', 'forgedReminder01').sentBy).toBe(finance.username);
		(f.getMap('rounds').get('forgedRound00001') as Y.Map<unknown>).set('createdBy', 'admin');
		await settle(LEDGER);
		expect(row(LEDGER, 'rounds', 'forgedRound00001').createdBy).toBe(finance.username);
		expect(
			seen.some((s) => s.includes('"createdBy":"admin"') || s.includes('"sentBy":"admin"'))
		).toBe(false);
	});

	it("[G17] a recruitment round's createdBy is the writer's", async () => {
		put(writers[REGISTRY].doc, 'recruitmentRounds', 'forgedRecruit001', {
			channel: 'post',
			year: 2026,
			number: 1,
			segment: JSON.stringify({ regions: ['Tehran'] }),
			createdAt: iso(Date.now()),
			createdBy: 'admin'
		});
		await settle(REGISTRY);
		expect(row(REGISTRY, 'recruitmentRounds', 'forgedRecruit001').createdBy).toBe(staff.username);
		expect(seen.some((s) => s.includes('"createdBy":"admin"'))).toBe(false);
	});

	it('[G17][G18] survey campaigns, items, complaints and responses name their writer', async () => {
		const s = writers[SURVEYS].doc;
		const at = iso(Date.now());
		put(s, 'campaigns', 'forgedCampaign01', { status: 'draft', createdAt: at, createdBy: 'boss' });
		put(s, 'items', 'forgedItem000001', {
			memberId: MEMBER,
			kind: 'need',
			status: 'answered',
			answer: 'Done',
			answeredAt: at,
			answeredBy: 'boss',
			createdAt: at,
			createdBy: 'boss'
		});
		put(s, 'complaints', 'forgedCompl00001', {
			memberId: MEMBER,
			status: 'open',
			createdAt: at,
			createdBy: 'boss'
		});
		put(s, 'responses', 'forgedResp000001', {
			campaignId: 'forgedCampaign01',
			memberId: MEMBER,
			source: 'staff',
			submittedAt: at,
			updatedBy: 'boss'
		});
		await settle(SURVEYS);
		expect(row(SURVEYS, 'campaigns', 'forgedCampaign01').createdBy).toBe(staff.username);
		expect(row(SURVEYS, 'items', 'forgedItem000001')).toMatchObject({
			createdBy: staff.username,
			answeredBy: staff.username
		});
		expect(row(SURVEYS, 'complaints', 'forgedCompl00001').createdBy).toBe(staff.username);
		expect(row(SURVEYS, 'responses', 'forgedResp000001').updatedBy).toBe(staff.username);
		expect(seen.some((x) => x.includes('boss'))).toBe(false);

		// Who answered is whoever writes it now (here the admin); removing it puts it back.
		const item = observers[SURVEYS].doc.getMap('items').get('forgedItem000001') as Y.Map<unknown>;
		item.set('answeredBy', 'boss');
		await settle(SURVEYS);
		expect(row(SURVEYS, 'items', 'forgedItem000001').answeredBy).toBe('admin');
		(s.getMap('items').get('forgedItem000001') as Y.Map<unknown>).delete('answeredBy');
		await settle(SURVEYS);
		expect(row(SURVEYS, 'items', 'forgedItem000001').answeredBy).toBe('admin');
	});
});

describe("an entry's creation time", () => {
	it('[G19] a time within the writer’s session is kept (an offline entry synced later)', async () => {
		// Written before this test's clock read, but after the session began (with the
		// device clock's allowance): what a device that was offline sends.
		const early = iso(financeSignedIn - CLOCK_SKEW_MS / 2);
		put(writers[LEDGER].doc, 'entries', 'offlineEntry0001', charge({ createdAt: early }));
		// Written offline a week ago on a session that has ended since; the user signed in
		// again and the device sends what it kept ([C25]).
		const lastWeek = iso(financeSignedIn - 7 * 24 * 3600 * 1000);
		put(writers[LEDGER].doc, 'entries', 'offlineEntry0002', charge({ createdAt: lastWeek }));
		await settle(LEDGER);
		expect(row(LEDGER, 'entries', 'offlineEntry0001').createdAt).toBe(early);
		expect(row(LEDGER, 'entries', 'offlineEntry0002').createdAt).toBe(lastWeek);
	});

	it('[G19] a time over a session lifetime before the session, or in the future, becomes the server’s', async () => {
		const f = writers[LEDGER].doc;
		const before = Date.now();
		put(f, 'entries', 'oldEntry00000001', charge({ createdAt: '2020-01-01T00:00:00.000Z' }));
		const tooOld = iso(financeSignedIn - SESSION_TTL_MS - CLOCK_SKEW_MS - 60 * 60 * 1000);
		put(f, 'entries', 'oldEntry00000002', charge({ createdAt: tooOld }));
		put(f, 'entries', 'futureEntry00001', charge({ createdAt: iso(before + 24 * 3600 * 1000) }));
		await settle(LEDGER);
		const after = Date.now();
		for (const id of ['oldEntry00000001', 'oldEntry00000002', 'futureEntry00001']) {
			const t = Date.parse(String(row(LEDGER, 'entries', id).createdAt));
			expect(t).toBeGreaterThanOrEqual(before);
			expect(t).toBeLessThanOrEqual(after);
		}
		expect(seen.some((s) => s.includes('2020-01-01') || s.includes(tooOld))).toBe(false);
	});

	it("[G19] a draft's creation time never changes afterwards", async () => {
		const createdAt = iso(Date.now());
		put(writers[LEDGER].doc, 'entries', 'draftEntry000002', charge({ posted: false, createdAt }));
		await settle(LEDGER);
		const mine = writers[LEDGER].doc.getMap('entries').get('draftEntry000002') as Y.Map<unknown>;
		mine.set('createdAt', iso(Date.now() + 1000));
		await settle(LEDGER);
		expect(row(LEDGER, 'entries', 'draftEntry000002').createdAt).toBe(createdAt);
	});
});

describe("an allocation's, a collection round's and a reminder's creation time", () => {
	const reminder = (id: string, sentAt: string) =>
		put(writers[LEDGER].doc, 'reminders', id, {
			memberId: MEMBER,
			roundId: 'timedRound000001',
			channel: 'email',
			sentAt
		});
	const allocation = (id: string, createdAt: string) =>
		put(writers[LEDGER].doc, 'allocations', id, {
			paymentId: 'somePayment00001',
			chargeId: 'someCharge000001',
			amount: 100,
			createdAt
		});

	it('[G19][L9] is kept within the writer’s session, else becomes the server’s', async () => {
		const f = writers[LEDGER].doc;
		const lastWeek = iso(financeSignedIn - 7 * 24 * 3600 * 1000);
		const tooOld = iso(financeSignedIn - SESSION_TTL_MS - CLOCK_SKEW_MS - 60 * 60 * 1000);
		const future = iso(Date.now() + 24 * 3600 * 1000);
		const before = Date.now();
		put(f, 'rounds', 'timedRound000001', { name: 'Offline', createdAt: lastWeek });
		put(f, 'rounds', 'timedRound000002', { name: 'Backdated', createdAt: tooOld });
		put(f, 'rounds', 'timedRound000003', { name: 'Postdated', createdAt: future });
		reminder('timedReminder001', lastWeek);
		reminder('timedReminder002', tooOld);
		reminder('timedReminder003', future);
		allocation('timedAlloc000001', lastWeek);
		allocation('timedAlloc000002', tooOld);
		allocation('timedAlloc000003', future);
		await settle(LEDGER);
		const after = Date.now();
		expect(row(LEDGER, 'rounds', 'timedRound000001').createdAt).toBe(lastWeek);
		expect(row(LEDGER, 'reminders', 'timedReminder001').sentAt).toBe(lastWeek);
		expect(row(LEDGER, 'allocations', 'timedAlloc000001').createdAt).toBe(lastWeek);
		const times = [2, 3].flatMap((n) => [
			row(LEDGER, 'rounds', `timedRound00000${n}`).createdAt,
			row(LEDGER, 'reminders', `timedReminder00${n}`).sentAt,
			row(LEDGER, 'allocations', `timedAlloc00000${n}`).createdAt
		]);
		for (const t of times.map((t) => Date.parse(String(t)))) {
			expect(t).toBeGreaterThanOrEqual(before);
			expect(t).toBeLessThanOrEqual(after);
		}
		expect(seen.some((s) => s.includes(tooOld) || s.includes(future))).toBe(false);
	});

	it('[G19][L9] never changes afterwards, whoever writes it', async () => {
		const createdAt = iso(Date.now());
		put(writers[LEDGER].doc, 'rounds', 'timedRound000004', { name: 'Spring', createdAt });
		allocation('timedAlloc000004', createdAt);
		await settle(LEDGER);
		const mine = (table: string, id: string) =>
			writers[LEDGER].doc.getMap(table).get(id) as Y.Map<unknown>;
		const theirs = (table: string, id: string) =>
			observers[LEDGER].doc.getMap(table).get(id) as Y.Map<unknown>;
		const later = iso(Date.now() + 1000);
		mine('rounds', 'timedRound000004').set('createdAt', later);
		theirs('allocations', 'timedAlloc000004').set('createdAt', later);
		await settle(LEDGER);
		mine('rounds', 'timedRound000004').delete('createdAt');
		mine('allocations', 'timedAlloc000004').delete('createdAt');
		await settle(LEDGER);
		expect(row(LEDGER, 'rounds', 'timedRound000004')).toMatchObject({ name: 'Spring', createdAt });
		expect(row(LEDGER, 'allocations', 'timedAlloc000004').createdAt).toBe(createdAt);
	});
});

describe('who answered', () => {
	const item = (doc: Y.Doc) => doc.getMap('items').get('answeredItem0001') as Y.Map<unknown>;

	it("[G18][SV1] whoever changes an item's answer becomes its answeredBy, said so or not", async () => {
		const at = iso(Date.now());
		put(writers[SURVEYS].doc, 'items', 'answeredItem0001', {
			memberId: MEMBER,
			kind: 'need',
			status: 'inProgress',
			answer: 'We will call',
			answeredAt: at,
			answeredBy: staff.username
		});
		await settle(SURVEYS);
		// Another field, or an answer the field rules refuse, changes no answer.
		item(observers[SURVEYS].doc).set('owner', 'desk');
		await settle(SURVEYS);
		item(observers[SURVEYS].doc).set('answer', '   ');
		await settle(SURVEYS);
		expect(row(SURVEYS, 'items', 'answeredItem0001')).toMatchObject({
			answer: 'We will call',
			answeredBy: staff.username
		});
		item(observers[SURVEYS].doc).set('answer', 'Called on Monday');
		await settle(SURVEYS);
		expect(row(SURVEYS, 'items', 'answeredItem0001')).toMatchObject({
			answer: 'Called on Monday',
			answeredBy: 'admin'
		});
		// Changed with the old name written beside it: still the writer's.
		writers[SURVEYS].doc.transact(() => {
			item(writers[SURVEYS].doc).set('answer', 'Called twice');
			item(writers[SURVEYS].doc).set('answeredBy', 'admin');
		});
		await settle(SURVEYS);
		expect(row(SURVEYS, 'items', 'answeredItem0001').answeredBy).toBe(staff.username);
	});

	it('[G18][SV3] whoever changes a response or one of its answers becomes its updatedBy', async () => {
		const s = writers[SURVEYS].doc;
		const o = observers[SURVEYS].doc;
		const campaignId = 'answeredCampaign';
		const at = iso(Date.now());
		put(s, 'responses', responseId(campaignId, MEMBER), {
			campaignId,
			memberId: MEMBER,
			source: 'staff',
			submittedAt: at,
			updatedBy: staff.username
		});
		put(s, 'answers', answerId(campaignId, MEMBER, 'question00000001'), {
			campaignId,
			memberId: MEMBER,
			questionId: 'question00000001',
			value: 'Yes',
			updatedAt: at
		});
		await settle(SURVEYS);
		const updatedBy = () => row(SURVEYS, 'responses', responseId(campaignId, MEMBER)).updatedBy;
		const answer = (doc: Y.Doc) =>
			doc.getMap('answers').get(answerId(campaignId, MEMBER, 'question00000001')) as Y.Map<unknown>;
		const response = (doc: Y.Doc) =>
			doc.getMap('responses').get(responseId(campaignId, MEMBER)) as Y.Map<unknown>;
		expect(updatedBy()).toBe(staff.username);
		// An answer changed alone, without the response.
		answer(o).set('value', 'No');
		await settle(SURVEYS);
		expect(updatedBy()).toBe('admin');
		// Cleared, by the other user.
		answer(s).delete('value');
		await settle(SURVEYS);
		expect(updatedBy()).toBe(staff.username);
		// The response itself, without updatedBy.
		response(o).set('submittedAt', iso(Date.now()));
		await settle(SURVEYS);
		expect(updatedBy()).toBe('admin');
		// A new answer of the member, as the app writes it (the response beside it).
		s.transact(() => {
			put(s, 'answers', answerId(campaignId, MEMBER, 'question00000002'), {
				campaignId,
				memberId: MEMBER,
				questionId: 'question00000002',
				value: 3,
				updatedAt: iso(Date.now())
			});
			response(s).set('updatedBy', staff.username);
		});
		await settle(SURVEYS);
		expect(updatedBy()).toBe(staff.username);
	});

	it('[G18][SV3] an answer change the field rules refuse is no change of its response', async () => {
		const campaignId = 'refusedCampaign1';
		const rid = responseId(campaignId, MEMBER);
		const aid = answerId(campaignId, MEMBER, 'question00000001');
		const o = observers[SURVEYS].doc;
		const answerRow = (doc: Y.Doc) => doc.getMap('answers').get(aid) as Y.Map<unknown>;
		put(writers[SURVEYS].doc, 'responses', rid, {
			campaignId,
			memberId: MEMBER,
			source: 'staff',
			updatedBy: staff.username
		});
		put(writers[SURVEYS].doc, 'answers', aid, {
			campaignId,
			memberId: MEMBER,
			questionId: 'question00000001',
			value: 'Yes'
		});
		await settle(SURVEYS);
		// A value of no answer's kind, an unknown field: both undone, and the response is
		// still staff's.
		answerRow(o).set('value', true);
		await settle(SURVEYS);
		answerRow(o).set('bogus', 1);
		await settle(SURVEYS);
		expect(row(SURVEYS, 'answers', aid)).toMatchObject({ value: 'Yes' });
		expect(row(SURVEYS, 'answers', aid).bogus).toBeUndefined();
		expect(row(SURVEYS, 'responses', rid).updatedBy).toBe(staff.username);
		// An accepted change is a change of the response (as for an item or a response).
		answerRow(o).set('value', 'No');
		await settle(SURVEYS);
		expect(row(SURVEYS, 'responses', rid).updatedBy).toBe('admin');
	});
});

describe('when a survey row was created, and when its parts were written', () => {
	const s = () => writers[SURVEYS].doc;
	const o = () => observers[SURVEYS].doc;
	const lastWeek = () => iso(financeSignedIn - 7 * 24 * 3600 * 1000);
	const tooOld = () => iso(financeSignedIn - SESSION_TTL_MS - CLOCK_SKEW_MS - 60 * 60 * 1000);
	const future = () => iso(Date.now() + 24 * 3600 * 1000);
	const mine = (doc: Y.Doc, table: string, id: string) =>
		doc.getMap(table).get(id) as Y.Map<unknown>;
	/** The row's field is the server's time, between `before` and now. */
	const serverTime = (table: string, id: string, key: string, before: number) => {
		const t = Date.parse(String(row(SURVEYS, table, id)[key]));
		expect(t, `${table}.${key}`).toBeGreaterThanOrEqual(before);
		expect(t, `${table}.${key}`).toBeLessThanOrEqual(Date.now());
	};

	it("[G19] a campaign's, an item's and a complaint's createdAt: the writer's window, then never changes", async () => {
		const before = Date.now();
		const times = { Offline: lastWeek(), Backdate: tooOld(), Postdate: future(), NotTime: 'today' };
		for (const [n, createdAt] of Object.entries(times)) {
			const id = (t: string) => `${t}${n}`.padEnd(16, '0');
			put(s(), 'campaigns', id('campaign'), { status: 'draft', createdAt });
			put(s(), 'items', id('item'), { memberId: MEMBER, kind: 'need', createdAt });
			put(s(), 'complaints', id('compl'), { memberId: MEMBER, status: 'open', createdAt });
		}
		await settle(SURVEYS);
		const tables = { campaigns: 'campaign', items: 'item', complaints: 'compl' };
		const id = (table: string, n: string) =>
			`${tables[table as keyof typeof tables]}${n}`.padEnd(16, '0');
		const stamped: Record<string, unknown> = {};
		for (const table of Object.keys(tables)) {
			expect(row(SURVEYS, table, id(table, 'Offline')).createdAt).toBe(times.Offline);
			for (const n of ['Backdate', 'Postdate', 'NotTime'])
				serverTime(table, id(table, n), 'createdAt', before);
			stamped[table] = row(SURVEYS, table, id(table, 'Backdate')).createdAt;
			// Afterwards nobody changes it.
			mine(o(), table, id(table, 'Offline')).set('createdAt', iso(Date.now()));
			mine(s(), table, id(table, 'Backdate')).delete('createdAt');
		}
		await settle(SURVEYS);
		for (const table of Object.keys(tables)) {
			expect(row(SURVEYS, table, id(table, 'Offline')).createdAt).toBe(times.Offline);
			expect(row(SURVEYS, table, id(table, 'Backdate')).createdAt).toBe(stamped[table]);
		}
		expect(seen.some((x) => x.includes(times.Backdate) || x.includes(times.Postdate))).toBe(false);
	});

	it("[G19][G18] an item's answeredAt is when it was first answered, within the window; its answeredBy the answer's last writer", async () => {
		const id = 'timedItem0000001';
		let before = Date.now();
		put(s(), 'items', id, {
			memberId: MEMBER,
			kind: 'need',
			status: 'answered',
			answer: 'We will call',
			answeredAt: tooOld(),
			answeredBy: staff.username
		});
		await settle(SURVEYS);
		serverTime('items', id, 'answeredAt', before);
		// A time written offline last week: kept.
		const offline = lastWeek();
		s().transact(() => {
			mine(s(), 'items', id).set('answer', 'Called on Monday');
			mine(s(), 'items', id).set('answeredAt', offline);
		});
		await settle(SURVEYS);
		expect(row(SURVEYS, 'items', id)).toMatchObject({ answeredAt: offline });
		// Another user corrects the answer and leaves the time: theirs is the answer now,
		// and it was still answered when it first was ("days to answer" does not move).
		mine(o(), 'items', id).set('answer', 'Called twice');
		await settle(SURVEYS);
		expect(row(SURVEYS, 'items', id)).toMatchObject({ answeredAt: offline, answeredBy: 'admin' });
		// A time in the future: the server's.
		before = Date.now();
		mine(o(), 'items', id).set('answeredAt', future());
		await settle(SURVEYS);
		serverTime('items', id, 'answeredAt', before);
		// Removed alone: put back. Another field: no time moved.
		const now = row(SURVEYS, 'items', id).answeredAt;
		mine(s(), 'items', id).delete('answeredAt');
		await settle(SURVEYS);
		mine(s(), 'items', id).set('owner', 'desk');
		await settle(SURVEYS);
		expect(row(SURVEYS, 'items', id)).toMatchObject({ answeredAt: now, answeredBy: 'admin' });
		expect(seen.some((x) => x.includes(tooOld()))).toBe(false);
	});

	it("[G19][SV3] a response's submittedAt and an answer's updatedAt date their own last write", async () => {
		const campaignId = 'timedCampaign001';
		const rid = responseId(campaignId, MEMBER);
		const aid = answerId(campaignId, MEMBER, 'question00000001');
		let before = Date.now();
		put(s(), 'responses', rid, {
			campaignId,
			memberId: MEMBER,
			source: 'staff',
			submittedAt: future(),
			updatedBy: staff.username
		});
		put(s(), 'answers', aid, {
			campaignId,
			memberId: MEMBER,
			questionId: 'question00000001',
			value: 'Yes',
			updatedAt: tooOld()
		});
		await settle(SURVEYS);
		serverTime('responses', rid, 'submittedAt', before);
		serverTime('answers', aid, 'updatedAt', before);
		// Written offline last week: kept.
		const offline = lastWeek();
		s().transact(() => {
			mine(s(), 'answers', aid).set('value', 'No');
			mine(s(), 'answers', aid).set('updatedAt', offline);
			mine(s(), 'responses', rid).set('submittedAt', offline);
		});
		await settle(SURVEYS);
		expect(row(SURVEYS, 'answers', aid).updatedAt).toBe(offline);
		expect(row(SURVEYS, 'responses', rid).submittedAt).toBe(offline);
		// Changed without a new time: the write is now.
		before = Date.now();
		mine(o(), 'answers', aid).set('value', 'Maybe');
		mine(o(), 'responses', rid).set('language', 'fa');
		await settle(SURVEYS);
		serverTime('answers', aid, 'updatedAt', before);
		serverTime('responses', rid, 'submittedAt', before);
		expect(seen.some((x) => x.includes(tooOld()))).toBe(false);
	});
});

describe('roots the layout does not know', () => {
	const STRAY = ['evil', 'list', 'note', 'nested'];
	const strays = (doc: Y.Doc) => STRAY.filter((n) => doc.share.has(n));

	it('[G20] are neither stored nor served to anyone, and the writer carries on', async () => {
		const o = observers[LEDGER].doc;
		const everHad: string[] = [];
		const watch = () => everHad.push(...strays(o));
		o.on('afterTransaction', watch);
		const f = writers[LEDGER].doc;
		f.getMap('evil').set('payload', 'x'.repeat(10));
		f.getArray('list').push([1, 2, 3]);
		f.getText('note').insert(0, 'hello');
		f.transact(() => {
			const inner = new Y.Map<unknown>();
			f.getMap('nested').set('row', inner);
			inner.set('a', 1);
		});
		put(f, 'entries', 'afterStrayEntry1', charge({}));
		await settle(LEDGER);
		// Written again: a new key, and the key the server dropped.
		f.getMap('evil').set('payload', 'y'.repeat(10));
		f.getMap('evil').set('other', 'z'.repeat(10));
		put(f, 'entries', 'afterStrayEntry2', charge({}));
		await settle(LEDGER);
		o.off('afterTransaction', watch);

		expect(row(LEDGER, 'entries', 'afterStrayEntry2').amount).toBe(1200);
		expect(strays(serverDoc(LEDGER))).toEqual([]);
		expect(everHad).toEqual([]);
		// The log (what a restart and a new device's answer are made of) never names them.
		expect(strays(docFromLog(server, LEDGER))).toEqual([]);
		const fresh = await connect(server, finance.cookie, { room: LEDGER });
		try {
			await waitFor(() => json(LEDGER, fresh.doc) === json(LEDGER, serverDoc(LEDGER)), {
				what: 'a new device to sync'
			});
			expect(strays(fresh.doc)).toEqual([]);
		} finally {
			fresh.destroy();
		}
	});
});

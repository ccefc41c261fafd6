/**
 * Personal survey links against a real server: issuing (CSV), answering, and every
 * way a link is refused (wrong token, expired, closed, revoked, another member's
 * response, over the rate limit) with nothing written to the surveys doc.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LINK_MISSES_PER_WINDOW, LINK_REQUESTS_PER_WINDOW } from '../../server/api/surveys';
import { hashLinkToken } from '../../server/surveys-links';
import { answerId, responseId } from '../../src/lib/domain/survey';
import { newRowId } from '../../src/lib/domain/text';
import {
	api,
	canonical,
	connect,
	createUser,
	loginAdmin,
	removeDir,
	startTestServer,
	waitFor,
	type TestServer
} from './helpers';

const SURVEYS = 'default/surveys';
let server: TestServer;
let staffCookie: string;
let staffName: string;
let boardCookie: string;
let adminCookie: string;

const members = {
	ava: newRowId(),
	bo: newRowId(),
	cy: newRowId(),
	gone: newRowId()
};

function setRow(doc: Y.Doc, table: string, id: string, fields: Record<string, unknown>) {
	const map = doc.getMap<Y.Map<unknown>>(table);
	let row = map.get(id);
	if (!(row instanceof Y.Map)) {
		row = new Y.Map<unknown>();
		map.set(id, row);
	}
	for (const [k, v] of Object.entries(fields)) row.set(k, v);
}

async function asServer(room: string, fn: (doc: Y.Doc) => void) {
	await server.app.rooms.withRoom(room, async (r) => {
		r.transactAsServer(fn);
		await r.flush();
	});
}

const surveysJson = () =>
	server.app.rooms.withRoom(SURVEYS, (r) =>
		canonical({
			responses: r.doc.getMap('responses').toJSON(),
			answers: r.doc.getMap('answers').toJSON()
		})
	);

interface Setup {
	campaign: string;
	q: { pick: string; rate: string; note: string };
	opt: { a: string; b: string };
}

async function makeCampaign(fields: Record<string, unknown> = {}): Promise<Setup> {
	const campaign = newRowId();
	const q = { pick: newRowId(), rate: newRowId(), note: newRowId() };
	const opt = { a: newRowId(), b: newRowId() };
	await asServer(SURVEYS, (doc) => {
		setRow(doc, 'campaigns', campaign, {
			title_en: 'Service needs Q1',
			title_fa: 'نیازهای خدمات',
			languages: 'en,fa',
			audience: 'allActive',
			status: 'open',
			expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
			...fields
		});
		setRow(doc, 'questions', q.pick, {
			campaignId: campaign,
			kind: 'single',
			order: 1,
			required: true,
			text_en: 'Which service?',
			text_fa: 'کدام خدمت؟'
		});
		setRow(doc, 'options', opt.a, {
			questionId: q.pick,
			order: 1,
			label_en: 'Training',
			label_fa: 'آموزش'
		});
		setRow(doc, 'options', opt.b, {
			questionId: q.pick,
			order: 2,
			label_en: 'Fairs',
			label_fa: 'نمایشگاه'
		});
		setRow(doc, 'questions', q.rate, {
			campaignId: campaign,
			kind: 'rating',
			order: 2,
			text_en: 'How satisfied are you?'
		});
		setRow(doc, 'questions', q.note, {
			campaignId: campaign,
			kind: 'text',
			order: 3,
			text_en: 'Anything else?'
		});
	});
	return { campaign, q, opt };
}

/** Issue links for the campaign; returns memberId → token. */
async function issue(campaign: string, body: Record<string, unknown> = {}) {
	const r = await fetch(`${server.url}/api/surveys/default/campaigns/${campaign}/links`, {
		method: 'POST',
		headers: { cookie: staffCookie, origin: server.origin, 'content-type': 'application/json' },
		body: JSON.stringify(body)
	});
	const buf = new Uint8Array(await r.arrayBuffer());
	const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(buf);
	const tokens = new Map<string, string>();
	for (const line of text.split('\r\n').slice(1)) {
		if (!line) continue;
		const cells = line.split(',');
		// A row id may start with "-": the CSV defuses it for spreadsheets with a leading "'".
		const memberId = cells[cells.length - 1].replace(/^'(?=[-+=@])/, '');
		tokens.set(memberId, /\/s\/([A-Za-z0-9_-]+)/.exec(line)![1]);
	}
	return { status: r.status, bytes: buf, text, tokens, headers: r.headers };
}

beforeAll(async () => {
	// The test client stands in for a reverse proxy on this machine ([SV5], TRUST_PROXY);
	// what has expired is swept often ([SV4]).
	server = await startTestServer({
		trustProxy: ['127.0.0.1', '::1'],
		tuning: { sweepMs: 50 }
	});
	const admin = await loginAdmin(server);
	adminCookie = admin;
	const staffUser = await createUser(server, admin, ['staff']);
	staffCookie = staffUser.cookie;
	staffName = staffUser.username;
	boardCookie = (await createUser(server, admin, ['board'])).cookie;
	await asServer('default/registry', (doc) => {
		setRow(doc, 'members', members.ava, {
			name: 'Ava Forge',
			status: 'active',
			email: 'ava@example.org',
			memberNo: 1
		});
		setRow(doc, 'members', members.bo, {
			name: 'بو صنعت',
			status: 'active',
			region: 'Tehran',
			memberNo: 2,
			certificateNo: 'TA-00002',
			language: 'fa'
		});
		setRow(doc, 'members', members.cy, { name: '=cmd()', status: 'active', memberNo: 3 });
		setRow(doc, 'members', members.gone, { name: 'Gone Ltd', status: 'resigned' });
	});
});

afterAll(async () => {
	await server.close();
	removeDir(server.dataDir);
});

describe('survey links: issuing', () => {
	it('creates one link per active member as UTF-8 CSV with a BOM; only staff; tokens stored hashed', async () => {
		const s = await makeCampaign();
		const r = await issue(s.campaign);
		expect(r.status).toBe(200);
		expect(r.headers.get('content-type')).toContain('text/csv');
		expect([...r.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		expect([...r.tokens.keys()].sort()).toEqual([members.ava, members.bo, members.cy].sort());
		expect(r.text).toContain('بو صنعت');
		expect(r.text).toContain("'=cmd()"); // defused for spreadsheets
		// The member number as printed on the certificate: the stored one, else the format's.
		expect(r.text).toContain('\r\n00001,Ava Forge,');
		expect(r.text).toContain('\r\nTA-00002,بو صنعت,');
		// Without headers from the client, the column keys; with them, the reader's words.
		expect(r.text.slice(1).split('\r\n')[0]).toBe(
			'memberNo,name,email,language,link,expiresAt,memberId'
		);
		const zh = await issue(s.campaign, {
			reissue: true,
			headers: ['会员编号', '名称', '电子邮件', '调查语言', '专属链接', '截止时间', '会员标识']
		});
		expect(zh.text.slice(1).split('\r\n')[0]).toBe(
			'会员编号,名称,电子邮件,调查语言,专属链接,截止时间,会员标识'
		);
		// Issuing again skips members who have a live link.
		const again = await issue(s.campaign);
		expect(again.tokens.size).toBe(0);
		expect(again.headers.get('x-links-skipped')).toBe('3');
		// Board may not issue links.
		const board = await api(server, 'POST', `/api/surveys/default/campaigns/${s.campaign}/links`, {
			cookie: boardCookie,
			body: {}
		});
		expect(board.status).toBe(403);
		// The listing shows no token.
		const list = await api(server, 'GET', `/api/surveys/default/campaigns/${s.campaign}/links`, {
			cookie: staffCookie
		});
		expect(list.body.links).toHaveLength(3);
		expect(JSON.stringify(list.body)).not.toContain(r.tokens.get(members.ava)!);
		// Another org's path is refused.
		const other = await api(server, 'GET', `/api/surveys/other/campaigns/${s.campaign}/links`, {
			cookie: staffCookie
		});
		expect(other.status).toBe(404);
	});
});

describe('survey links: the CSV writes dates and languages as the other exports do', () => {
	it('the expiry as the last day the links work (ISO, the reader’s time zone) and the language by name', async () => {
		// 22:00 UTC on 4 January 2027 is 01:30 on the 5th in Tehran: the links still work
		// on the 5th there, not in UTC.
		const s = await makeCampaign({ expiresAt: '2027-01-04T22:00:00.000Z' });
		const row = (text: string, name: string) =>
			text
				.split('\r\n')
				.find((l) => l.includes(`,${name},`))!
				.split(',');
		const fa = await issue(s.campaign, {
			languageNames: { en: 'انگلیسی', fa: 'فارسی', zh: 'چینی' },
			timeZone: 'Asia/Tehran'
		});
		expect(fa.status).toBe(200);
		expect(row(fa.text, 'بو صنعت')).toEqual([
			'TA-00002',
			'بو صنعت',
			'',
			'فارسی',
			expect.stringMatching(/\/s\//),
			'2027-01-05',
			members.bo
		]);
		expect(row(fa.text, 'Ava Forge')[3]).toBe('انگلیسی');
		// Without them (another client): the codes, and the day in UTC.
		const plain = await issue(s.campaign, { reissue: true });
		expect(row(plain.text, 'بو صنعت').slice(3, 6)).toEqual([
			'fa',
			expect.stringMatching(/\/s\//),
			'2027-01-04'
		]);
		// A time zone nobody knows is refused, nothing issued.
		const bad = await api(server, 'POST', `/api/surveys/default/campaigns/${s.campaign}/links`, {
			cookie: staffCookie,
			body: { timeZone: 'Mars/Olympus' }
		});
		expect(bad.status).toBe(400);
	});
});

describe('survey links: the CSV is a recorded export, for the audience only', () => {
	const exportLog = async () =>
		(await api(server, 'GET', '/api/default/exports', { cookie: adminCookie })).body.entries as {
			view: string;
			rows: number;
			format: string;
			filters: string;
			userName: string;
		}[];

	it('[IE1] issuing links records an export of member data before the CSV is sent', async () => {
		const s = await makeCampaign();
		const before = (await exportLog()).length;
		const r = await issue(s.campaign);
		expect(r.tokens.size).toBe(3);
		const log = await exportLog();
		expect(log).toHaveLength(before + 1);
		expect(log[0]).toMatchObject({ view: 'surveyLinks', format: 'csv', rows: 3 });
		expect(JSON.parse(log[0].filters)).toMatchObject({ campaignId: s.campaign });
	});

	it('[SV4] links go only to members of the audience: others are refused, nothing issued', async () => {
		const s = await makeCampaign({ audience: 'region', audienceValue: 'Tehran' });
		const before = (await exportLog()).length;
		// Gone Ltd has resigned; Ava is active but not in Tehran.
		for (const memberIds of [[members.bo, members.gone], [members.ava]]) {
			const r = await api(server, 'POST', `/api/surveys/default/campaigns/${s.campaign}/links`, {
				cookie: staffCookie,
				body: { memberIds }
			});
			expect(r.status).toBe(409);
			expect(r.body.error.code).toBe('not_in_audience');
			expect(r.body.error.message).toContain('not in this survey’s audience');
		}
		const list = await api(server, 'GET', `/api/surveys/default/campaigns/${s.campaign}/links`, {
			cookie: staffCookie
		});
		expect(list.body.links).toEqual([]);
		expect(await exportLog()).toHaveLength(before);
		const ok = await issue(s.campaign, { memberIds: [members.bo] });
		expect([...ok.tokens.keys()]).toEqual([members.bo]);
	});
});

describe('survey links: answering', () => {
	it("shows only that survey in the member's language and writes only that member's response", async () => {
		const s = await makeCampaign();
		const { tokens } = await issue(s.campaign);
		const token = tokens.get(members.bo)!;
		// The member's own language (registry `language`), without asking.
		const got = await api(server, 'GET', `/api/s/${token}`);
		expect(got.status).toBe(200);
		expect(got.body.language).toBe('fa');
		expect(got.body.languages).toEqual(['en', 'fa']);
		expect((await api(server, 'GET', `/api/s/${token}?lang=en`)).body.title).toBe(
			'Service needs Q1'
		);
		expect((await api(server, 'GET', `/api/s/${token}?lang=zh`)).body.language).toBe('fa');
		expect(got.body.title).toBe('نیازهای خدمات');
		expect(got.body.questions.map((q: { id: string }) => q.id)).toEqual([
			s.q.pick,
			s.q.rate,
			s.q.note
		]);
		expect(got.body.questions[0].options[0].label).toBe('آموزش');
		expect(JSON.stringify(got.body)).not.toContain(members.bo);

		const post = await api(server, 'POST', `/api/s/${token}`, {
			body: { answers: { [s.q.pick]: s.opt.b, [s.q.rate]: '۴', [s.q.note]: ' more fairs ' } }
		});
		expect(post.status).toBe(200);
		await server.app.rooms.withRoom(SURVEYS, (r) => {
			const answers = r.doc.getMap<Y.Map<unknown>>('answers');
			expect(answers.get(answerId(s.campaign, members.bo, s.q.pick))?.get('value')).toBe(s.opt.b);
			expect(answers.get(answerId(s.campaign, members.bo, s.q.rate))?.get('value')).toBe(4);
			expect(answers.get(answerId(s.campaign, members.bo, s.q.note))?.get('value')).toBe(
				'more fairs'
			);
			const resp = r.doc
				.getMap<Y.Map<unknown>>('responses')
				.get(responseId(s.campaign, members.bo));
			expect(resp?.get('source')).toBe('link');
			expect(resp?.get('memberId')).toBe(members.bo);
		});
		const again = await api(server, 'GET', `/api/s/${token}`);
		expect(again.body.submittedAt).toBeTruthy();
		expect(again.body.questions[1].value).toBe(4);
	});

	it("[SV4] a member's own answers are not credited to the staff member who last entered them", async () => {
		const s = await makeCampaign();
		const client = await connect(server, staffCookie, { room: SURVEYS });
		try {
			// Staff took Ava's first answer on the phone, as the app enters it.
			const rid = responseId(s.campaign, members.ava);
			const at = new Date().toISOString();
			client.doc.transact(() => {
				setRow(client.doc, 'answers', answerId(s.campaign, members.ava, s.q.rate), {
					campaignId: s.campaign,
					memberId: members.ava,
					questionId: s.q.rate,
					value: 3,
					updatedAt: at
				});
				setRow(client.doc, 'responses', rid, {
					campaignId: s.campaign,
					memberId: members.ava,
					source: 'staff',
					submittedAt: at,
					updatedBy: staffName
				});
			});
			const onServer = () =>
				server.app.rooms.withRoom(SURVEYS, (r) =>
					r.doc.getMap<Y.Map<unknown>>('responses').get(rid)?.toJSON()
				);
			await waitFor(async () => (await onServer())?.updatedBy === staffName, {
				what: "staff's entry"
			});
			// Then Ava answers through her link.
			const { tokens } = await issue(s.campaign, { memberIds: [members.ava] });
			const post = await api(server, 'POST', `/api/s/${tokens.get(members.ava)!}`, {
				body: { answers: { [s.q.pick]: s.opt.a, [s.q.rate]: 5 } }
			});
			expect(post.status, JSON.stringify(post.body)).toBe(200);
			const sent = await onServer();
			expect(sent).toMatchObject({ source: 'link', submittedAt: post.body.submittedAt });
			expect(sent?.updatedBy).toBeUndefined();
			const responses = client.doc.getMap<Y.Map<unknown>>('responses');
			await waitFor(() => responses.get(rid)?.get('source') === 'link', { what: 'staff to sync' });
			expect(responses.get(rid)?.get('updatedBy')).toBeUndefined();
		} finally {
			client.destroy();
		}
	});

	it('refuses an empty response (nothing answered), writing nothing', async () => {
		const s = await makeCampaign();
		await asServer(SURVEYS, (doc) => {
			(doc.getMap('questions').get(s.q.pick) as Y.Map<unknown>).set('required', false);
		});
		const { tokens } = await issue(s.campaign);
		const before = await surveysJson();
		for (const answers of [{}, { [s.q.pick]: '', [s.q.rate]: '', [s.q.note]: '   ' }]) {
			const r = await api(server, 'POST', `/api/s/${tokens.get(members.ava)}`, {
				body: { answers }
			});
			expect(r.status).toBe(400);
			expect(r.body.error.code).toBe('empty_response');
		}
		expect(await surveysJson()).toBe(before);
		// One answer is a response.
		const ok = await api(server, 'POST', `/api/s/${tokens.get(members.ava)}`, {
			body: { answers: { [s.q.note]: 'ok' } }
		});
		expect(ok.status).toBe(200);
		// Clearing every answer again is refused too: the response would be empty.
		const cleared = await api(server, 'POST', `/api/s/${tokens.get(members.ava)}`, {
			body: { answers: { [s.q.note]: '' } }
		});
		expect(cleared.body.error?.code).toBe('empty_response');
	});

	it('refuses a missing required answer and a wrong option, writing nothing', async () => {
		const s = await makeCampaign();
		const { tokens } = await issue(s.campaign);
		const before = await surveysJson();
		const r1 = await api(server, 'POST', `/api/s/${tokens.get(members.ava)}`, {
			body: { answers: { [s.q.rate]: 3 } }
		});
		expect(r1.status).toBe(400);
		expect(r1.body.error.answers[0]).toMatchObject({ questionId: s.q.pick, code: 'required' });
		const r2 = await api(server, 'POST', `/api/s/${tokens.get(members.ava)}`, {
			body: { answers: { [s.q.pick]: 'nope-nope', [s.q.rate]: 9 } }
		});
		expect(r2.status).toBe(400);
		expect(await surveysJson()).toBe(before);
	});
});

describe('survey links: refused, nothing written', () => {
	it('a wrong token', async () => {
		const before = await surveysJson();
		for (const token of ['x'.repeat(43), 'short', '../../etc']) {
			const r = await api(server, 'POST', `/api/s/${encodeURIComponent(token)}`, {
				body: { answers: {} }
			});
			expect(r.status).toBe(404);
		}
		expect((await api(server, 'GET', `/api/s/${'y'.repeat(43)}`)).status).toBe(404);
		expect(await surveysJson()).toBe(before);
	});

	it('an expired campaign, and a closed one', async () => {
		const s = await makeCampaign();
		const { tokens } = await issue(s.campaign);
		await asServer(SURVEYS, (doc) =>
			setRow(doc, 'campaigns', s.campaign, { expiresAt: new Date(Date.now() - 1000).toISOString() })
		);
		const before = await surveysJson();
		const get = await api(server, 'GET', `/api/s/${tokens.get(members.ava)}`);
		expect(get.status).toBe(410);
		expect(get.body.error.code).toBe('closed');
		const post = await api(server, 'POST', `/api/s/${tokens.get(members.ava)}`, {
			body: { answers: { [s.q.pick]: s.opt.a } }
		});
		expect(post.status).toBe(410);
		await asServer(SURVEYS, (doc) =>
			setRow(doc, 'campaigns', s.campaign, {
				expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
				status: 'closed'
			})
		);
		const closed = await api(server, 'POST', `/api/s/${tokens.get(members.ava)}`, {
			body: { answers: { [s.q.pick]: s.opt.a } }
		});
		expect(closed.status).toBe(410);
		expect(await surveysJson()).toBe(before);
	});

	it('a revoked link (a reissued one replaces the old)', async () => {
		const s = await makeCampaign();
		const { tokens } = await issue(s.campaign);
		const rev = await api(
			server,
			'POST',
			`/api/surveys/default/campaigns/${s.campaign}/links/${members.ava}/revoke`,
			{ cookie: staffCookie }
		);
		expect(rev.status).toBe(204);
		const before = await surveysJson();
		const r = await api(server, 'POST', `/api/s/${tokens.get(members.ava)}`, {
			body: { answers: { [s.q.pick]: s.opt.a } }
		});
		expect(r.status).toBe(410);
		expect(r.body.error.code).toBe('revoked');
		expect(await surveysJson()).toBe(before);
		// Reissue: the member gets a new link; the old stays dead.
		const re = await issue(s.campaign, { memberIds: [members.ava] });
		expect(re.tokens.size).toBe(1);
		expect((await api(server, 'GET', `/api/s/${re.tokens.get(members.ava)}`)).status).toBe(200);
		const old = await api(server, 'GET', `/api/s/${tokens.get(members.ava)}`);
		expect(old.status).toBe(410);
		expect(old.body.error.code).toBe('replaced');
	});

	it('[SV4] an old link after a reissue says it was replaced by a newer one, and writes nothing', async () => {
		const s = await makeCampaign();
		const first = await issue(s.campaign);
		const second = await issue(s.campaign, { reissue: true, memberIds: [members.bo] });
		const before = await surveysJson();
		for (const method of ['GET', 'POST'] as const) {
			const r = await api(server, method, `/api/s/${first.tokens.get(members.bo)}`, {
				body: method === 'POST' ? { answers: { [s.q.pick]: s.opt.a } } : undefined
			});
			expect(r.status).toBe(410);
			expect(r.body.error).toMatchObject({
				code: 'replaced',
				message: expect.stringContaining('latest message')
			});
		}
		expect(await surveysJson()).toBe(before);
		// Replaced twice: the first link still says so; the second is replaced now too.
		await issue(s.campaign, { reissue: true, memberIds: [members.bo] });
		for (const t of [first.tokens.get(members.bo), second.tokens.get(members.bo)])
			expect((await api(server, 'GET', `/api/s/${t}`)).body.error.code).toBe('replaced');
		// Other members' links were not reissued: they work; a made-up token is still 404.
		expect((await api(server, 'GET', `/api/s/${first.tokens.get(members.ava)}`)).status).toBe(200);
		expect((await api(server, 'GET', `/api/s/${'x'.repeat(43)}`)).status).toBe(404);
	});

	it('[SV4] a replaced link is forgotten once the link would have expired, not before', async () => {
		// Expires in a few seconds: issued and reissued before then.
		const soon = await makeCampaign({ expiresAt: new Date(Date.now() + 3000).toISOString() });
		const later = await makeCampaign();
		const never = await makeCampaign();
		await asServer(SURVEYS, (doc) =>
			(doc.getMap('campaigns').get(never.campaign) as Y.Map<unknown>).delete('expiresAt')
		);
		const old = new Map<string, string>();
		for (const s of [soon, later, never]) {
			const first = await issue(s.campaign, { memberIds: [members.ava] });
			const second = await issue(s.campaign, { reissue: true, memberIds: [members.ava] });
			expect([first.status, second.status]).toEqual([200, 200]);
			old.set(s.campaign, first.tokens.get(members.ava)!);
		}
		const kept = (s: Setup) =>
			server.app.store.surveyLinkReplacedAt(hashLinkToken(old.get(s.campaign)!));
		// The server's own sweep, a few times while the others stay.
		await waitFor(async () => (await kept(soon)) === null, {
			timeout: 15_000,
			what: 'the expired replaced link to be forgotten'
		});
		const gone = await api(server, 'GET', `/api/s/${old.get(soon.campaign)}`, {
			headers: { 'x-forwarded-for': '192.0.2.40' }
		});
		expect(gone.body.error.code).toBe('no_such_link');
		for (const s of [later, never]) {
			expect(await kept(s)).not.toBeNull();
			expect((await api(server, 'GET', `/api/s/${old.get(s.campaign)}`)).body.error.code).toBe(
				'replaced'
			);
		}
	});

	it("another member's response: no member id is accepted, and questions of another survey are refused", async () => {
		const s = await makeCampaign();
		const other = await makeCampaign();
		const { tokens } = await issue(s.campaign);
		const before = await surveysJson();
		const r1 = await api(server, 'POST', `/api/s/${tokens.get(members.ava)}`, {
			body: { memberId: members.bo, answers: { [s.q.pick]: s.opt.a } }
		});
		expect(r1.status).toBe(400);
		const r2 = await api(server, 'POST', `/api/s/${tokens.get(members.ava)}`, {
			body: { answers: { [s.q.pick]: s.opt.a, [other.q.note]: 'sneaky' } }
		});
		expect(r2.status).toBe(400);
		expect(await surveysJson()).toBe(before);
		expect(JSON.parse(before).responses[responseId(s.campaign, members.bo)]).toBeUndefined();
	});

	it('[SV5] behind a trusted proxy, unknown tokens from one address do not block another', async () => {
		const s = await makeCampaign();
		const { tokens } = await issue(s.campaign);
		const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });
		const stale = 'A'.repeat(43);
		for (let i = 0; i < LINK_MISSES_PER_WINDOW; i++) {
			expect((await api(server, 'GET', `/api/s/${stale}`, from('203.0.113.9'))).status).toBe(404);
		}
		const token = tokens.get(members.ava)!;
		expect((await api(server, 'GET', `/api/s/${token}`, from('203.0.113.9'))).status).toBe(429);
		expect((await api(server, 'GET', `/api/s/${token}`, from('198.51.100.4'))).status).toBe(200);
	});

	it('over the rate limit', async () => {
		const s = await makeCampaign();
		const { tokens } = await issue(s.campaign);
		const token = tokens.get(members.cy)!;
		for (let i = 0; i < LINK_REQUESTS_PER_WINDOW; i++) {
			expect((await api(server, 'GET', `/api/s/${token}`)).status).toBe(200);
		}
		const before = await surveysJson();
		const r = await api(server, 'POST', `/api/s/${token}`, {
			body: { answers: { [s.q.pick]: s.opt.a } }
		});
		expect(r.status).toBe(429);
		expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(await surveysJson()).toBe(before);
	});
});

describe('surveys doc guard', () => {
	it('[SV6] staff cannot mark a response as sent through the personal link, nor change a link response', async () => {
		const s = await makeCampaign();
		const client = await connect(server, staffCookie, { room: SURVEYS });
		try {
			const responses = client.doc.getMap<Y.Map<unknown>>('responses');
			const forged = responseId(s.campaign, members.ava);
			client.doc.transact(() => {
				const row = new Y.Map<unknown>();
				responses.set(forged, row);
				row.set('campaignId', s.campaign);
				row.set('memberId', members.ava);
				row.set('source', 'link');
				row.set('language', 'en');
				row.set('submittedAt', '2026-12-01T09:00:00.000Z');
			});
			await waitFor(() => responses.get(forged)?.get('source') === undefined, {
				what: 'forged source removed'
			});
			const onServer = (id: string) =>
				server.app.rooms.withRoom(SURVEYS, (r) =>
					r.doc.getMap<Y.Map<unknown>>('responses').get(id)?.toJSON()
				);
			expect((await onServer(forged))?.source).toBeUndefined();
			// Staff's own entry is theirs to write.
			responses.get(forged)!.set('source', 'staff');
			await waitFor(async () => (await onServer(forged))?.source === 'staff');

			// A response the member sent through the link keeps its source and time.
			const { tokens } = await issue(s.campaign);
			const post = await api(server, 'POST', `/api/s/${tokens.get(members.bo)!}`, {
				body: { answers: { [s.q.pick]: s.opt.b, [s.q.rate]: '4', [s.q.note]: 'fairs' } }
			});
			expect(post.status, JSON.stringify(post.body)).toBe(200);
			const real = responseId(s.campaign, members.bo);
			await waitFor(() => responses.get(real)?.get('source') === 'link', { what: 'link response' });
			const sentAt = responses.get(real)!.get('submittedAt');
			client.doc.transact(() => {
				responses.get(real)!.set('source', 'staff');
				responses.get(real)!.set('submittedAt', '2020-01-01T00:00:00.000Z');
			});
			await waitFor(() => responses.get(real)?.get('source') === 'link', { what: 'put back' });
			expect(await onServer(real)).toMatchObject({ source: 'link', submittedAt: sentAt });
		} finally {
			client.destroy();
		}
	});

	it('[SV1] staff cannot close an item without an answer; the server corrects it for everyone', async () => {
		const client = await connect(server, staffCookie, { room: SURVEYS });
		try {
			const id = newRowId();
			client.doc.transact(() => {
				const row = new Y.Map<unknown>();
				client.doc.getMap('items').set(id, row);
				row.set('memberId', members.ava);
				row.set('subject', 'Needs export training');
				row.set('status', 'open');
				row.set('bogus', 1);
			});
			const item = () => client.doc.getMap<Y.Map<unknown>>('items').get(id);
			await waitFor(() => item()?.get('bogus') === undefined, { what: 'unknown field removed' });
			item()!.set('status', 'closed');
			await waitFor(() => item()?.get('status') === 'open', { what: 'status put back' });
			client.doc.transact(() => {
				item()!.set('answer', 'Course on 3 March');
				item()!.set('status', 'answered');
			});
			await waitFor(() => typeof item()?.get('answeredAt') === 'string', { what: 'answeredAt' });
			expect(item()!.get('status')).toBe('answered');
			item()!.delete('answer');
			await waitFor(() => item()?.get('answer') === 'Course on 3 March', {
				what: 'answer restored'
			});
		} finally {
			client.destroy();
		}
	});
});

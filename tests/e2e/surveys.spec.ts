/**
 * Surveys end to end: staff build a survey, create the personal links (CSV), a
 * member answers through their link (no login), staff answer for another member in
 * the live grid, raise a need from an answer and answer it; a Persian screenshot.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import * as Y from 'yjs';
import { adminCookie, baseURL, loginContext, loginCookie, openDoc, ownServer } from './fixtures';
import { imeCommit, imeCompose, imeKeyDown } from './ime';
import { USERS } from './users';
import { answerId } from '../../src/lib/domain/survey';

const SARA = USERS[0];
const SHOTS = 'test-results/screenshots';

async function command(url: string, cookie: string, body: Record<string, unknown>) {
	const r = await fetch(`${url}/api/default/commands`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: url, cookie },
		body: JSON.stringify({ id: randomUUID(), ...body })
	});
	expect(r.status, await r.clone().text()).toBe(200);
}

/**
 * Active members in the registry, the way the office makes them: an applicant row,
 * verified by staff, approved by an approver (only commands make a member active).
 */
async function seedMembers(names: string[], language = 'en'): Promise<string[]> {
	const url = baseURL();
	const admin = await adminCookie();
	const approverName = `svapp${Date.now().toString(36)}`;
	const created = await fetch(`${url}/api/users`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: url, cookie: admin },
		body: JSON.stringify({
			username: approverName,
			password: 'approver-pass-1',
			roles: ['approver']
		})
	});
	expect(created.status).toBe(201);
	const approver = await loginCookie(approverName, 'approver-pass-1');
	const staff = await loginCookie(SARA.username, SARA.password);
	const a = await openDoc('default/registry', admin);
	const ids = names.map(
		(_, i) => `e2eM${Date.now().toString(36)}${i}${Math.random().toString(36).slice(2, 8)}`
	);
	a.doc.transact(() => {
		names.forEach((name, i) => {
			const row = new Y.Map<unknown>();
			a.doc.getMap('members').set(ids[i], row);
			row.set('name', name);
			row.set('status', 'applicant');
			row.set('language', language);
			row.set('createdAt', new Date().toISOString());
		});
	});
	const b = await openDoc('default/registry', admin);
	const status = (id: string) => (b.doc.getMap('members').get(id) as Y.Map<unknown>)?.get('status');
	await expect
		.poll(() => ids.every((id) => status(id) === 'applicant'), { timeout: 10_000 })
		.toBe(true);
	for (const id of ids) {
		await command(url, staff, {
			type: 'verify',
			rowId: id,
			met: ['statutes', 'industry', 'registration', 'form'],
			note: 'seen'
		});
		await command(url, approver, {
			type: 'approve',
			rowId: id,
			tier: 'regular',
			category: 'manufacturer'
		});
	}
	await expect
		.poll(() => ids.every((id) => status(id) === 'active'), { timeout: 10_000 })
		.toBe(true);
	a.close();
	b.close();
	return ids;
}

const gridCell = (page: Page, rowId: string, colId: string) =>
	page.locator(`.ag-row[row-id="${rowId}"] .ag-cell[col-id="${colId}"]`);

test('build a survey, answer by link and in the grid, raise a need and answer it', async ({
	browser
}) => {
	const tag = Date.now().toString(36);
	const [ava, bahram] = await seedMembers([`Ava Trading ${tag}`, `Bahram Steel ${tag}`]);
	const { context, page } = await loginContext(browser, SARA);

	// ---- build ---------------------------------------------------------------------------
	await page.getByRole('link', { name: 'Surveys' }).click();
	await expect(page).toHaveURL(/\/surveys$/);
	await page.getByTestId('new-campaign-title').fill(`Service needs ${tag}`);
	await page.getByTestId('create-campaign').click();
	await expect(page).toHaveURL(/\/surveys\/[A-Za-z0-9_-]+$/);
	const campaignId = page.url().split('/').pop()!;
	await expect(page.getByTestId('campaign-heading')).toHaveText(`Service needs ${tag}`);

	await page.getByTestId('new-question-kind').selectOption('single');
	await page.getByTestId('add-question').click();
	const q1 = page.getByTestId('question').nth(0);
	await q1.getByTestId('question-text-en').fill('Which service do you need most?');
	await q1.getByTestId('question-text-en').press('Tab');
	await q1.getByTestId('add-option').click();
	await q1.getByTestId('option-label-en').nth(0).fill('Training');
	await q1.getByTestId('option-label-en').nth(0).press('Tab');
	await q1.getByTestId('add-option').click();
	await q1.getByTestId('option-label-en').nth(1).fill('Trade fairs');
	await q1.getByTestId('option-label-en').nth(1).press('Tab');

	await page.getByTestId('new-question-kind').selectOption('rating');
	await page.getByTestId('add-question').click();
	const q2 = page.getByTestId('question').nth(1);
	await q2.getByTestId('question-text-en').fill('How satisfied are you with our services?');
	await q2.getByTestId('question-text-en').press('Tab');
	await expect(page.getByTestId('question')).toHaveCount(2);
	const q1Id = (await q1.getAttribute('data-question-id'))!;
	const q2Id = (await q2.getAttribute('data-question-id'))!;

	await page.getByTestId('campaign-status').selectOption('open');
	await expect(page.getByTestId('campaign-status')).toHaveValue('open');

	// ---- personal links (CSV) -----------------------------------------------------------------
	await page.getByTestId('tab-links').click();
	const downloading = page.waitForEvent('download');
	await page.getByTestId('create-links').click();
	const download = await downloading;
	const bytes = readFileSync((await download.path())!);
	expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
	const csv = bytes.toString('utf8');
	const avaLine = csv.split('\r\n').find((l) => l.endsWith(ava))!;
	expect(avaLine).toContain(`Ava Trading ${tag}`);
	const link = /https?:\/\/\S+?\/s\/[A-Za-z0-9_-]{43}/.exec(avaLine)![0];
	await expect(page.getByTestId('links-message')).toBeVisible();

	// ---- the member answers through the link: no login, only this survey ---------------------
	const memberContext = await browser.newContext();
	const member = await memberContext.newPage();
	const requests: string[] = [];
	member.on('request', (r) => requests.push(new URL(r.url()).pathname));
	await member.goto(link);
	await expect(member.getByTestId('public-title')).toHaveText(`Service needs ${tag}`);
	await expect(member.getByTestId('public-question')).toHaveCount(2);
	await member.getByLabel('Trade fairs').check();
	await member.getByTestId('public-question').nth(1).getByLabel('4').check();
	await member.getByTestId('public-submit').click();
	await expect(member.getByTestId('public-thanks')).toBeVisible();
	// The public page asked for nothing but its survey: no session, no sync, no registry.
	expect(requests.some((p) => p.startsWith('/sync') || p === '/api/session')).toBe(false);
	expect(requests.filter((p) => p.startsWith('/api/')).every((p) => p.startsWith('/api/s/'))).toBe(
		true
	);
	await memberContext.close();

	// ---- the grid shows it live; staff answer for the other member -----------------------------
	await page.getByTestId('tab-responses').click();
	// The shared test organisation has many active members: find ours.
	await page.getByTestId('responses-search').fill(tag);
	await expect(gridCell(page, ava, `a_${q1Id}`)).toHaveText('Trade fairs');
	await expect(gridCell(page, ava, `a_${q2Id}`)).toHaveText('4');
	await expect(gridCell(page, ava, 'source')).toHaveText('Personal link');

	await gridCell(page, bahram, `a_${q1Id}`).dblclick();
	const select = page.locator('.gh-answer-editor select');
	await expect(select).toBeVisible();
	await select.selectOption({ label: 'Training' });
	await select.press('Enter');
	await expect(gridCell(page, bahram, `a_${q1Id}`)).toHaveText('Training');
	await gridCell(page, bahram, `a_${q2Id}`).click();
	await page.keyboard.press('5');
	await page.locator('.gh-answer-editor select').press('Enter');
	await expect(gridCell(page, bahram, `a_${q2Id}`)).toHaveText('5');
	await expect(gridCell(page, bahram, 'source')).toHaveText('Entered by staff');

	// Results count both.
	await page.getByTestId('tab-results').click();
	await expect(page.getByTestId('results-responded')).toHaveText('2');
	await expect(page.getByTestId('result-average')).toHaveText('4.5');

	// ---- raise a need from Ava's answer, then answer it ------------------------------------------
	await page.getByTestId('tab-responses').click();
	await page.getByTestId('responses-search').fill(tag);
	await gridCell(page, ava, `a_${q1Id}`).click();
	await page.getByTestId('raise-need').click();
	await expect(page.getByTestId('raise-subject')).toHaveValue('Trade fairs');
	await page.getByTestId('raise-subject').fill(`Wants a stand at the spring fair ${tag}`);
	await page.getByTestId('raise-department').fill('Exhibitions');
	await page.getByTestId('raise-save').click();
	await expect(page.getByTestId('raise-form')).toHaveCount(0);

	await page.getByRole('link', { name: 'Needs and questions' }).click();
	await expect(page).toHaveURL(/\/surveys\/items$/);
	const item = page.getByTestId('item').filter({ hasText: tag });
	await expect(item).toHaveCount(1);
	await expect(item.getByTestId('item-status')).toHaveText('Open');
	// Closing needs an answer: the button only appears after answering.
	await expect(item.getByTestId('close-item')).toHaveCount(0);
	await item.getByTestId('answer-item').click();
	await item.getByTestId('answer-save').click();
	await expect(item.getByRole('alert')).toContainText('Write the answer first');
	await item.getByTestId('answer-text').fill('A stand is reserved for you in hall 2.');
	await item.getByTestId('answer-save').click();
	// Answered items leave "my open items"; they are listed under "Answered".
	await expect(item).toHaveCount(0);
	await page.getByTestId('items-view').selectOption('answered');
	await expect(item.getByTestId('item-status')).toHaveText('Answered');
	await expect(item.getByTestId('item-answer')).toHaveText(
		'A stand is reserved for you in hall 2.'
	);
	await item.getByTestId('close-item').click();
	await expect(item).toHaveCount(0);
	await page.getByTestId('items-view').selectOption('closed');
	await expect(item.getByTestId('item-status')).toHaveText('Closed');

	// ---- the member's file shows the response, the question and its answer -----------------------
	await page.goto(`/members/${ava}`);
	const archive = page.getByTestId('member-survey-archive');
	const response = archive
		.getByTestId('archive-response')
		.filter({ hasText: `Service needs ${tag}` });
	await expect(response).toContainText('Which service do you need most?');
	await expect(response).toContainText('Trade fairs');
	await expect(response).toContainText('Personal link');
	const archived = archive.getByTestId('archive-item').filter({ hasText: tag });
	await expect(archived).toContainText('A stand is reserved for you in hall 2.');
	await expect(archived).toContainText('Closed');

	// ---- Persian ---------------------------------------------------------------------------------
	await page.evaluate(() => localStorage.setItem('gh.locale', 'fa'));
	await page.goto(`/surveys/${campaignId}#responses`);
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await page.getByTestId('responses-search').fill(tag);
	await expect(gridCell(page, ava, `a_${q2Id}`)).toHaveText('۴');
	await expect(page.getByTestId('responses-count')).toContainText('عضو');
	mkdirSync(SHOTS, { recursive: true });
	await page.screenshot({ path: `${SHOTS}/surveys-responses-fa.png` });
	await page.getByTestId('tab-results').click();
	await expect(page.getByTestId('results-responded')).toHaveText('۲');
	await page.screenshot({ path: `${SHOTS}/surveys-results-fa.png`, fullPage: true });
	await context.close();
});

test('staff answer a text question in the grid through an input method (Chinese)', async ({
	browser
}) => {
	const tag = Date.now().toString(36);
	const [member] = await seedMembers([`Chen Foods ${tag}`]);
	const { context, page } = await loginContext(browser, SARA, { locale: 'zh' });
	await page.goto('/surveys');
	await page.getByTestId('new-campaign-title').fill(`Needs ${tag}`);
	await page.getByTestId('create-campaign').click();
	await expect(page).toHaveURL(/\/surveys\/[A-Za-z0-9_-]+$/);
	await page.getByTestId('new-question-kind').selectOption('text');
	await page.getByTestId('add-question').click();
	const q = page.getByTestId('question').nth(0);
	// A campaign made in Chinese asks in Chinese.
	await q.getByTestId('question-text-zh').fill('什么能帮助您的企业？');
	await q.getByTestId('question-text-zh').press('Tab');
	const qId = (await q.getAttribute('data-question-id'))!;
	await page.getByTestId('campaign-status').selectOption('open');
	await page.getByTestId('tab-responses').click();
	await page.getByTestId('responses-search').fill(tag);

	// The IME's first key on the selected cell opens the editor; Enter inside the
	// composition is the IME's; the committed text is the answer.
	await gridCell(page, member, `a_${qId}`).click();
	const cdp = await context.newCDPSession(page);
	const input = page.locator('.gh-answer-editor textarea');
	await imeKeyDown(cdp, 'Process', 'KeyP');
	await expect(input).toBeFocused();
	await imeCompose(cdp, 'peixun');
	await imeKeyDown(cdp, 'Enter', 'Enter');
	await expect(input).toBeFocused();
	await imeCommit(cdp, '培训');
	await expect(input).toHaveValue('培训');
	await page.keyboard.press('Enter');
	await expect(input).toHaveCount(0);
	await expect(gridCell(page, member, `a_${qId}`)).toHaveText('培训');
	await context.close();
});

test('Persian: the builder numbers its questions and a number answered in Persian digits reads back in them', async ({
	browser
}) => {
	const tag = Date.now().toString(36);
	const [dariush] = await seedMembers([`Dariush Tiles ${tag}`], 'fa');
	const { context, page } = await loginContext(browser, SARA);
	await page.goto('/surveys');
	await page.getByTestId('locale-select').selectOption('fa');
	await page.getByTestId('new-campaign-title').fill(`کارکنان ${tag}`);
	await page.getByTestId('create-campaign').click();
	await expect(page).toHaveURL(/\/surveys\/[A-Za-z0-9_-]+$/);
	await page.getByTestId('new-question-kind').selectOption('number');
	await page.getByTestId('add-question').click();
	const q = page.getByTestId('question').nth(0);
	await expect(q.locator('.gh-q-n')).toHaveText('۱.');
	await q.getByTestId('question-text-fa').fill('چند نفر کارمند دارید؟');
	await q.getByTestId('question-text-fa').press('Tab');
	await page.getByTestId('campaign-status').selectOption('open');
	await page.getByTestId('tab-links').click();
	const downloading = page.waitForEvent('download');
	await page.getByTestId('create-links').click();
	const csv = readFileSync((await (await downloading).path())!).toString('utf8');
	// Headers in the reader's language (Persian here), as the grid's export has them.
	expect(csv.split('\r\n')[0]).toBe(
		'\uFEFFشماره عضویت,نام,ایمیل,زبان نظرسنجی,پیوند شخصی,پایان اعتبار,شناسه عضو'
	);
	const line = csv.split('\r\n').find((l) => l.endsWith(dariush))!;
	const link = /https?:\/\/\S+?\/s\/[A-Za-z0-9_-]{43}/.exec(line)![0];
	// As the registry export writes them: the language by name in the reader's language,
	// the expiry as the last day the link works (ISO), not the raw instant.
	expect(line).toContain(`,فارسی,${link},`);
	expect(line).toMatch(/,\d{4}-\d\d-\d\d,[^,]+$/);

	const memberContext = await browser.newContext();
	const member = await memberContext.newPage();
	await member.goto(link);
	await expect(member.locator('html')).toHaveAttribute('dir', 'rtl');
	const answer = member.locator('.gh-public-num');
	// Nothing answered is not a response: the page says so and sends nothing.
	await member.getByTestId('public-submit').click();
	await expect(member.getByTestId('public-error')).toHaveText(
		'پیش از ارسال، دست‌کم به یک پرسش پاسخ دهید.'
	);
	await expect(member.getByTestId('public-thanks')).toHaveCount(0);
	await answer.fill('۲۵');
	await member.getByTestId('public-submit').click();
	await expect(member.getByTestId('public-thanks')).toBeVisible();
	await member.reload();
	await expect(member.getByTestId('public-title')).toHaveText(`کارکنان ${tag}`);
	await expect(answer).toHaveValue('۲۵');
	await memberContext.close();

	// The surveys list counts questions and responses in Persian digits, as every count.
	await page.goto('/surveys');
	const listed = page.getByTestId('campaign-list').locator('tbody tr', { hasText: tag });
	await expect(listed.locator('td').nth(3)).toHaveText('۱');
	await expect(listed.locator('td').nth(4)).toHaveText('۱');
	await context.close();
});

test('a wrong personal link says so and writes nothing', async ({ browser }) => {
	const context = await browser.newContext({ baseURL: baseURL() });
	const page = await context.newPage();
	await page.goto(`/s/${'x'.repeat(43)}`);
	await expect(page.getByTestId('public-failure')).toHaveAttribute('data-code', 'no_such_link');
	await expect(page).toHaveURL(/\/s\//); // no login redirect
	await context.close();
});

test('[SV4] an old personal link after a reissue says it was replaced and to use the latest message', async ({
	browser
}) => {
	const [member] = await seedMembers([`Reissued Link Co ${Date.now().toString(36)}`]);
	const url = baseURL();
	const admin = await adminCookie();
	const surveys = await openDoc('default/surveys', admin);
	const campaign = `e2eReissue${Date.now().toString(36)}`;
	const question = `${campaign}q`;
	surveys.doc.transact(() => {
		const row = (table: string, id: string, fields: Record<string, unknown>) => {
			const r = new Y.Map<unknown>();
			surveys.doc.getMap(table).set(id, r);
			for (const [k, v] of Object.entries(fields)) r.set(k, v);
		};
		row('campaigns', campaign, {
			title_en: 'Reissue check',
			languages: 'en',
			audience: 'allActive',
			status: 'open',
			expiresAt: new Date(Date.now() + 86_400_000).toISOString()
		});
		row('questions', question, { campaignId: campaign, kind: 'text', order: 1, text_en: 'Why?' });
	});
	const issue = async (reissue: boolean) => {
		const r = await fetch(`${url}/api/surveys/default/campaigns/${campaign}/links`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', origin: url, cookie: admin },
			body: JSON.stringify({ memberIds: [member], reissue })
		});
		expect(r.status, await r.clone().text()).toBe(200);
		return /\/s\/([A-Za-z0-9_-]+)/.exec(await r.text())![1];
	};
	await expect.poll(() => surveys.doc.getMap('campaigns').has(campaign)).toBe(true);
	const old = await issue(false);
	const latest = await issue(true);
	surveys.close();

	const context = await browser.newContext({ baseURL: url });
	const page = await context.newPage();
	await page.goto(`/s/${old}`);
	const failure = page.getByTestId('public-failure');
	await expect(failure).toHaveAttribute('data-code', 'replaced');
	await expect(failure).toContainText(
		'This link was replaced by a newer one. Use the link in the latest message the association sent you.'
	);
	await page.goto(`/s/${latest}`);
	await expect(page.getByText('Why?')).toBeVisible();
	await context.close();
});

/**
 * A member numbered before the approval stored the printed number (no `certificateNo`)
 * reads in the organisation's format on the survey pages, as on every other page: they
 * follow the settings (before, they showed the default 00007 for GH-00007). The app cannot
 * make such a record today, so this test runs a server of its own (the built app, a temp
 * data dir) and writes the record as that server.
 */
test('a member without a stored certificate number reads in the organisation’s format on the survey pages', async ({
	browser
}) => {
	const own = await ownServer();
	const context = await browser.newContext({ baseURL: own.url });
	try {
		await own.rooms.withRoom('default/settings', (room) =>
			room.transactAsServer((doc) => doc.getMap('config').set('memberNoFormat', 'GH-{n:5}'))
		);
		await own.setRow('registry', 'members', 'legacyMember0001', {
			name: 'Legacy Looms Co',
			status: 'active',
			memberNo: 7,
			joinDate: '2019-05-01'
		});
		await own.setRow('surveys', 'campaigns', 'legacyCampaign01', {
			title_en: 'Needs survey',
			title_fa: 'نظرسنجی نیازها',
			title_zh: '服务需求征集',
			languages: 'en,fa,zh',
			audience: 'allActive',
			status: 'open',
			createdAt: new Date().toISOString(),
			createdBy: 'admin'
		});

		// Staff (who may read the settings) open the campaign straight away: nothing else
		// loaded the settings before.
		const page = await context.newPage();
		await page.addInitScript(() => localStorage.setItem('gh.locale', 'fa'));
		await own.signIn(page, SARA);
		await page.goto('/surveys/legacyCampaign01#responses');
		const memberNo = gridCell(page, 'legacyMember0001', 'memberNo');
		await expect(memberNo).toHaveText('GH-۰۰۰۰۷');
		// The grid follows the settings while open (they may also arrive after it is made).
		await own.rooms.withRoom('default/settings', (room) =>
			room.transactAsServer((doc) => doc.getMap('config').set('memberNoFormat', 'TA-{n:4}'))
		);
		await expect(memberNo).toHaveText('TA-۰۰۰۷');
		await page.getByTestId('tab-links').click();
		const row = page.getByTestId('links-table').locator('tr', { hasText: 'Legacy Looms Co' });
		await expect(row).toContainText('TA-۰۰۰۷');
	} finally {
		await context.close();
		await own.close();
	}
});

test('Persian: complaints’ satisfaction by quarter is labelled in Solar Hijri quarters', async ({
	browser
}) => {
	const admin = await adminCookie();
	const surveys = await openDoc('default/surveys', admin);
	const id = `e2eC${Date.now().toString(36)}`;
	// Resolved on 10 Tir 1404 (1 July 2025): the second quarter of 1404, not 2025's third.
	surveys.doc.transact(() => {
		const row = new Y.Map<unknown>();
		surveys.doc.getMap('complaints').set(id, row);
		row.set('description', 'Late certificate');
		row.set('status', 'resolved');
		row.set('resolution', 'Sent');
		row.set('satisfaction', 4);
		row.set('receivedAt', '2025-06-28');
		row.set('resolvedAt', '2025-07-01');
	});
	const { context, page } = await loginContext(browser, SARA, { locale: 'fa' });
	await page.goto('/surveys/complaints');
	const table = page.getByTestId('satisfaction-quarters');
	await expect(table).toContainText('فصل ۲ ۱۴۰۴');
	await expect(table).not.toContainText('Q');
	await expect(table).not.toContainText('۲۰۲۵');
	surveys.close();
	await context.close();
});

test('deleting an answered question or option asks first, naming how many answers it hides', async ({
	browser
}) => {
	const own = await ownServer();
	const context = await browser.newContext({ baseURL: own.url });
	try {
		const c = 'delCampaign00001';
		const q = { pick: 'delQuestionPick1', note: 'delQuestionNote1', rate: 'delQuestionRate1' };
		const opt = { yes: 'delOptionYes0001', no: 'delOptionNo00001' };
		const m = ['delMemberA000001', 'delMemberB000001', 'delMemberC000001'];
		for (const [i, id] of m.entries())
			await own.setRow('registry', 'members', id, { name: `Member ${i}`, status: 'active' });
		await own.setRow('surveys', 'campaigns', c, {
			title_en: 'Export plans',
			languages: 'en',
			audience: 'allActive',
			status: 'open'
		});
		await own.setRow('surveys', 'questions', q.pick, {
			campaignId: c,
			kind: 'single',
			order: 1,
			text_en: 'Do you export?'
		});
		await own.setRow('surveys', 'options', opt.yes, {
			questionId: q.pick,
			order: 1,
			label_en: 'Yes'
		});
		await own.setRow('surveys', 'options', opt.no, {
			questionId: q.pick,
			order: 2,
			label_en: 'No'
		});
		await own.setRow('surveys', 'questions', q.note, {
			campaignId: c,
			kind: 'text',
			order: 2,
			text_en: 'What do you need?'
		});
		await own.setRow('surveys', 'questions', q.rate, {
			campaignId: c,
			kind: 'rating',
			order: 3,
			text_en: 'How satisfied are you?'
		});
		const answers: [string, string, string][] = [
			[m[0], q.pick, opt.yes],
			[m[1], q.pick, opt.yes],
			[m[2], q.pick, opt.no],
			[m[0], q.note, 'Fairs abroad'],
			[m[2], q.note, 'Training']
		];
		for (const [member, question, value] of answers)
			await own.setRow('surveys', 'answers', answerId(c, member, question), {
				campaignId: c,
				memberId: member,
				questionId: question,
				value
			});

		const page = await context.newPage();
		await own.signIn(page, SARA);
		await page.goto(`/surveys/${c}#builder`);
		const questions = page.getByTestId('question');
		await expect(questions).toHaveCount(3);
		const dialog = page.locator('dialog[open]');

		// The option two members chose: asked, and kept on "Keep it".
		await questions.nth(0).getByTestId('delete-option').first().click();
		await expect(dialog).toContainText('Delete this option?');
		await expect(dialog).toContainText('2 members chose this option');
		await dialog.getByRole('button', { name: 'Keep it' }).click();
		await expect(dialog).toHaveCount(0);
		await expect(questions.nth(0).getByTestId('option')).toHaveCount(2);

		// The text question two members answered: asked, then deleted.
		await questions.nth(1).getByTestId('delete-question').click();
		await expect(dialog).toContainText('2 members have answered this question');
		await dialog.getByRole('button', { name: 'Delete' }).click();
		await expect(questions).toHaveCount(2);

		// The question nobody answered goes at once.
		await questions.nth(1).getByTestId('delete-question').click();
		await expect(questions).toHaveCount(1);
		await expect(dialog).toHaveCount(0);
	} finally {
		await context.close();
		await own.close();
	}
});

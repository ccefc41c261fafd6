/**
 * Live reports in the browser: a staff edit appears on an open board page without
 * a reload; the board sees figures and new members but never contact details; the
 * page works offline from the last synced copy and says how old it is; Persian is
 * right-to-left with Persian digits (screenshot for a person to look at).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { expect, test, type Browser, type Page } from '@playwright/test';
import * as Y from 'yjs';
import {
	adminCookie,
	baseURL,
	cell,
	controlledByServiceWorker,
	loginContext,
	openDoc,
	waitForGrid
} from './fixtures';
import { addMember, editText, uniqueTag } from './members-helpers';
import { USERS, type TestUser } from './users';
import { DEFAULT_CRITERIA } from '../../src/lib/domain/settings';
import { gregorianToPersian } from '../../src/lib/domain/calendar';
import {
	periodContaining,
	periodInCalendar,
	previousPeriod,
	type Period
} from '../../src/lib/domain/report';

const sara = USERS[0];
const bahar = USERS[3];
const amir = USERS[5];

/** Log in through the login page and land on /reports. */
async function reportsContext(browser: Browser, user: TestUser, locale?: 'en' | 'fa' | 'zh') {
	const context = await browser.newContext({ baseURL: baseURL() });
	const page = await context.newPage();
	if (locale) await page.addInitScript((l) => localStorage.setItem('gh.locale', l), locale);
	await page.goto('/login?next=/reports');
	await page.locator('input[name=username]').fill(user.username);
	await page.locator('input[name=password]').fill(user.password);
	await page.locator('button[type=submit]').click();
	// The path, not the URL: `/login?next=/reports` ends with /reports too, before the
	// login has finished (a navigation then would cancel it).
	await expect(page).toHaveURL((u) => u.pathname === '/reports');
	await expect(page.getByTestId('section-summary')).toBeVisible();
	await expect(page.getByTestId('live')).toBeVisible();
	return { context, page };
}

/** Choose a period kind or calendar as a person does: click its label (the radio is hidden). */
async function pick(page: Page, testId: string) {
	await page.locator('label', { has: page.getByTestId(testId) }).click();
	await expect(page.getByTestId(testId)).toBeChecked();
}

/** The 15th of last month (the month the page shows first), as ISO. */
function lastMonthDay(): string {
	const d = new Date();
	const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 15));
	return m.toISOString().slice(0, 10);
}

/** `POST /api/default/commands` from a page of a logged-in user; throws unless 200. */
async function command(page: Page, body: Record<string, unknown>) {
	const r = await page.evaluate(async (b) => {
		const res = await fetch('/api/default/commands', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ id: crypto.randomUUID(), ...b })
		});
		return { status: res.status, text: await res.text() };
	}, body);
	expect(r.status, r.text).toBe(200);
}

/**
 * Staff add an applicant in the grid with contact details and a join date; the office
 * verifies it and the approver approves it (the only way to an active member).
 */
async function addActiveMember(staff: Page, approver: Page, name: string, region: string) {
	const id = await addMember(staff);
	await editText(staff, id, 'name', name);
	await editText(staff, id, 'region', region);
	await editText(staff, id, 'phone', '+98 21 5555 7788');
	await editText(staff, id, 'email', 'secret@board-test.example');
	await cell(staff, id, 'joinDate').click();
	await staff.keyboard.press('Enter');
	await staff.locator('.gh-editor .gh-editor-input').fill(lastMonthDay());
	await staff.keyboard.press('Enter');
	await command(staff, { type: 'move', rowId: id, to: 'applicant' });
	await command(staff, { type: 'verify', rowId: id, met: Object.keys(DEFAULT_CRITERIA), note: '' });
	await command(approver, {
		type: 'approve',
		rowId: id,
		tier: 'regular',
		category: 'manufacturer'
	});
	return id;
}

test('[RP6] a staff edit appears on an open board page without a reload; no contact details', async ({
	browser
}) => {
	const board = await reportsContext(browser, bahar);
	// The board has no registry: no Members link.
	await expect(board.page.locator('nav a[href="/members"]')).toHaveCount(0);
	await board.page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
	const before = Number(await board.page.getByTestId('fig-joined').getAttribute('data-value'));

	const staff = await loginContext(browser, sara);
	const approver = await loginContext(browser, amir);
	await waitForGrid(staff.page);
	const tag = uniqueTag('RP');
	await addActiveMember(staff.page, approver.page, `${tag} Board Co`, `${tag}-Region`);
	await approver.context.close();

	const newMembers = board.page.getByTestId('new-members');
	await expect(newMembers).toContainText(`${tag} Board Co`);
	await expect(newMembers).toContainText(`${tag}-Region`);
	await expect(board.page.getByTestId('fig-joined')).toHaveAttribute(
		'data-value',
		String(before + 1)
	);
	await expect(board.page.getByTestId('dist-region')).toContainText(`${tag}-Region`);
	// Same page, never reloaded.
	expect(await board.page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(
		42
	);
	const text = await board.page.locator('main').innerText();
	expect(text).not.toContain('5555 7788');
	expect(text).not.toContain('board-test.example');
	// The board gets no change list (it holds contact details).
	await expect(board.page.getByTestId('section-changelist')).toHaveCount(0);
	await expect(board.page.locator('[data-testid="chart-summary"][data-state="ready"]')).toHaveCount(
		1
	);
	await board.context.close();
	await staff.context.close();
});

test('[RP7] staff export the month’s change list as CSV with a UTF-8 BOM; the member number as printed, in the reader’s digits', async ({
	browser
}) => {
	const staff = await loginContext(browser, sara);
	const approver = await loginContext(browser, amir);
	await waitForGrid(staff.page);
	const tag = uniqueTag('CSV');
	const id = await addActiveMember(staff.page, approver.page, `${tag} Csv Co`, 'Kerman');
	await approver.context.close();
	// The number the approval printed on the certificate: 00042 in the default format,
	// GH-00042 once another spec has set that format in the shared organisation.
	const registry = await openDoc('default/registry', await adminCookie());
	const printed = () =>
		(registry.doc.getMap('members').get(id) as Y.Map<unknown> | undefined)?.get('certificateNo');
	await expect.poll(printed).toMatch(/^(GH-)?\d{5}$/);
	const no = String(printed());
	registry.close();
	await staff.page.goto('/reports');
	const row = staff.page.getByTestId('change-list').locator('tr', { hasText: `${tag} Csv Co` });
	await expect(row).toContainText(no);
	const download = async () => {
		const [d] = await Promise.all([
			staff.page.waitForEvent('download'),
			staff.page.getByTestId('export-csv').click()
		]);
		return readFileSync((await d.path())!);
	};
	const bytes = await download();
	expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
	const csv = bytes.toString('utf8');
	expect(csv).toContain('Date,What,Member no.,Member,Field,Before,After');
	expect(csv).toContain(`,Joined,${no},${tag} Csv Co,`);
	// In Persian: the printed number in Persian digits, on the page and in the file.
	const fa = no.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[+d]);
	await staff.page.getByTestId('locale-select').selectOption('fa');
	await expect(row).toContainText(fa);
	expect((await download()).toString('utf8')).toContain(`,${fa},${tag} Csv Co,`);
	await staff.context.close();
});

test('[RP8] offline, the board page shows the last synced copy and how old it is', async ({
	browser
}) => {
	const board = await reportsContext(browser, bahar);
	const end = await board.page.getByTestId('fig-end').getAttribute('data-value');
	await controlledByServiceWorker(board.page);
	await board.context.setOffline(true);
	await expect(board.page.getByTestId('stale')).toBeVisible();
	await expect(board.page.getByTestId('stale')).toContainText(/figures as of .*(just now|minute)/);
	await expect(board.page.getByTestId('fig-end')).toHaveAttribute('data-value', end!);
	// A reload with no network opens from this device.
	await board.page.reload();
	await expect(board.page.getByTestId('fig-end')).toHaveAttribute('data-value', end!);
	await expect(board.page.getByTestId('stale')).toContainText('figures as of');
	await board.context.setOffline(false);
	await expect(board.page.getByTestId('live')).toBeVisible();
	await board.context.close();
});

test('[RP9] Persian: right to left, Persian digits and calendar; screenshot', async ({
	browser
}) => {
	const board = await reportsContext(browser, bahar, 'fa');
	const { page } = board;
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(page.locator('h1')).toHaveText('گزارش‌ها');
	await expect(page.getByTestId('fig-end').locator('.gh-figure-value')).toHaveText(/^[۰-۹]+$/);
	// A month: its name, then the year, as Persian writes it (ICU alone puts the year first).
	await expect(page.getByTestId('period-title')).toHaveText(/^[^\s۰-۹]+ ۱۴[۰-۹]{2}$/);
	await expect(page.getByTestId('period-select').locator('option').first()).toHaveText(
		/^[^\s۰-۹]+ ۱۴[۰-۹]{2}$/
	);
	await expect(page.locator('[data-testid="chart-summary"][data-state="ready"]')).toHaveCount(1);
	// The chart's own words (what a screen reader hears of it, its legend) in Persian too,
	// with Persian digits: ag-charts said "interactive chart" and "2 series".
	const chartWords = await page
		.getByTestId('chart-summary')
		.evaluate((el) =>
			[...el.querySelectorAll('*')]
				.flatMap((n) => [
					n.getAttribute('aria-label') ?? '',
					n.children.length ? '' : n.textContent
				])
				.join(' ')
		);
	expect(chartWords).toContain('نمودار تعاملی');
	expect(chartWords).toMatch(/[۰-۹]/);
	expect(chartWords).not.toMatch(/[A-Za-z0-9]/);
	mkdirSync('test-results/screenshots', { recursive: true });
	await page.screenshot({ path: 'test-results/screenshots/reports-fa.png', fullPage: true });
	// Chinese labels too.
	await page.getByTestId('locale-select').selectOption('zh');
	await expect(page.locator('h1')).toHaveText('报表');
	await expect(page.getByTestId('section-scorecard')).toContainText('会员工作评分表');
	await board.context.close();
});

test('[RP10] Persian: Solar Hijri quarters by default, switch period, compare, custom period, Gregorian on request; screenshot', async ({
	browser
}) => {
	const fa = (n: number) => n.toLocaleString('fa-IR', { useGrouping: false });
	const quarterLabel = (p: Period) => {
		const start = gregorianToPersian(p.from)!;
		return `فصل ${fa(Math.ceil(start.m / 3))} ${fa(start.y)}`;
	};
	const today = new Date().toISOString().slice(0, 10);
	// The page opens on the last complete quarter, compared with the one before.
	const last = previousPeriod(periodContaining('quarter', today, 'persian'));
	const before = previousPeriod(last);
	const older = previousPeriod(before);

	const board = await reportsContext(browser, bahar, 'fa');
	const { page } = board;
	await expect(page.getByTestId('calendar-persian')).toBeChecked();
	await pick(page, 'kind-quarter');
	const select = page.getByTestId('period-select');
	await expect(select).toHaveValue(last.key);
	expect(last.key).toMatch(/^jq:14\d\d-[1-4]$/);
	await expect(page.getByTestId('period-title')).toHaveText(quarterLabel(last));
	await expect(page.getByTestId('period-previous')).toContainText(quarterLabel(before));
	// Solar Hijri days in Persian digits: the quarter starts on the 1st of its first month.
	await expect(page.getByTestId('period-range')).toContainText(`${fa(1)} `);
	await expect(page.getByTestId('period-range')).not.toContainText(/[0-9]/);
	// Every quarter offered is a Solar Hijri one, in Persian digits.
	for (const text of await select.locator('option').allTextContents())
		expect(text).toMatch(/^فصل [۱-۴] ۱۴[۰-۹]{2}$/);

	// Another quarter, compared with the one before it.
	await select.selectOption(before.key);
	await expect(page.getByTestId('period-title')).toHaveText(quarterLabel(before));
	await expect(page.getByTestId('period-previous')).toContainText(quarterLabel(older));
	await expect(page.getByTestId('fig-end').locator('.gh-figure-value')).toHaveText(/^[۰-۹]+$/);
	await select.selectOption(last.key);
	await expect(page.getByTestId('period-title')).toHaveText(quarterLabel(last));
	await expect(page.locator('[data-testid="chart-summary"][data-state="ready"]')).toHaveCount(1);
	mkdirSync('test-results/screenshots', { recursive: true });
	await page.screenshot({
		path: 'test-results/screenshots/reports-fa-quarters.png',
		fullPage: true
	});

	// A custom period typed in the Solar Hijri calendar: 1 Farvardin - 31 Khordad.
	const y = gregorianToPersian(last.from)!.y;
	await pick(page, 'kind-custom');
	await page.getByTestId('custom-from').fill(`${fa(y)}/۰۱/۰۱`);
	await page.getByTestId('custom-to').fill(`${fa(y)}/۰۳/۳۱`);
	await page.getByRole('button', { name: 'نمایش' }).click();
	await expect(page.getByTestId('period-title')).toHaveText(
		`${fa(1)} فروردین ${fa(y)} – ${fa(31)} خرداد ${fa(y)}`
	);
	// The 93 days before: Esfand (29 or 30), Bahman and Dey (30 each) and the last days
	// of Azar of the year before.
	await expect(page.getByTestId('period-previous')).toContainText(`آذر ${fa(y - 1)}`);
	await expect(page.getByTestId('period-previous')).toContainText(`اسفند ${fa(y - 1)}`);

	// The reader may switch to the Gregorian calendar (remembered on this device).
	await pick(page, 'kind-quarter');
	await pick(page, 'calendar-gregory');
	const gLast = previousPeriod(periodContaining('quarter', today));
	await expect(select).toHaveValue(gLast.key);
	await expect(page.getByTestId('period-title')).toHaveText(
		`فصل ${fa(Math.ceil(+gLast.from.slice(5, 7) / 3))} ${fa(+gLast.from.slice(0, 4))}`
	);
	await page.reload();
	await expect(page.getByTestId('calendar-gregory')).toBeChecked();
	await pick(page, 'calendar-persian');
	await expect(page.getByTestId('calendar-persian')).toBeChecked();
	await board.context.close();
});

test('[RP14] dues figures by the association’s fiscal year for every reader, board included; Persian screenshot', async ({
	browser
}) => {
	const cookie = await adminCookie();
	const settings = await openDoc('default/settings', cookie);
	const ledger = await openDoc('default/ledger', cookie);
	const reports = await openDoc('default/reports', cookie);
	const today = new Date().toISOString().slice(0, 10);
	// This Gregorian year, and the Solar Hijri year that holds most of it (2026: 1405).
	const year = periodContaining('year', today);
	const fiscalYear = periodInCalendar(year, 'persian');
	const billed = (key: string) => {
		const row = reports.doc.getMap('periods').get(key);
		if (!(row instanceof Y.Map)) return undefined;
		return (JSON.parse(String(row.get('sections')))['dues.summary'] as { billed: number })?.billed;
	};
	try {
		// A charge of 15 January: in the Gregorian year, not in the Solar Hijri one.
		ledger.doc.transact(() => {
			const e = new Y.Map<unknown>();
			ledger.doc.getMap('entries').set(`e2eJanCharge${Date.now()}`, e);
			const fields = {
				memberId: 'e2eMemberFiscal1',
				kind: 'charge',
				amount: 7_777_000,
				date: `${year.from.slice(0, 4)}-01-15`,
				posted: true,
				createdAt: new Date().toISOString(),
				createdBy: 'admin'
			};
			for (const [k, v] of Object.entries(fields)) e.set(k, v);
		});
		settings.doc.getMap('config').set('fiscalCalendar', 'persian');
		await expect.poll(() => reports.doc.getMap('meta').get('fiscalCalendar')).toBe('persian');
		await expect.poll(() => billed(year.key)).toBeGreaterThanOrEqual(7_777_000);
		const fiscal = billed(fiscalYear.key)!;
		expect(fiscal).not.toBe(billed(year.key));

		// The board in English reads the Gregorian year; its dues are the fiscal year's
		// (before, the Gregorian year's: the board cannot read the settings).
		const board = await reportsContext(browser, bahar);
		await pick(board.page, 'kind-year');
		await expect(board.page.getByTestId('period-select')).toHaveValue(year.key);
		const dues = board.page.getByTestId('section-dues');
		await expect(dues.getByTestId('dues-period')).toContainText(
			`By the association’s fiscal year: ${fiscalYear.key.slice(3)} (Solar Hijri)`
		);
		await expect(dues.getByTestId('row-billed')).toHaveAttribute('data-value', String(fiscal));
		// The scorecard's collection rate is the dues section's.
		await expect(
			board.page.getByTestId('score-duesCollectionRate').locator('td').first()
		).toHaveText((await dues.getByTestId('row-rate').locator('td').first().textContent())!);
		await board.context.close();

		// In Persian, on the Solar Hijri year: the fiscal year itself, nothing to say.
		const fa = await reportsContext(browser, bahar, 'fa');
		const { page } = fa;
		await pick(page, 'kind-year');
		await expect(page.getByTestId('period-select')).toHaveValue(fiscalYear.key);
		await expect(page.getByTestId('row-billed')).toHaveAttribute('data-value', String(fiscal));
		await expect(page.getByTestId('dues-period')).toHaveCount(0);
		// Switched to Gregorian years: the dues stay by the Solar Hijri fiscal year, and say so.
		await pick(page, 'calendar-gregory');
		await expect(page.getByTestId('period-select')).toHaveValue(year.key);
		const persian = (n: string) => n.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[+d]);
		await expect(page.getByTestId('dues-period')).toContainText(
			`بر پایهٔ سال مالی تشکل: ${persian(fiscalYear.key.slice(3))} (هجری شمسی)`
		);
		await expect(page.getByTestId('row-billed')).toHaveAttribute('data-value', String(fiscal));
		await expect(page.getByTestId('dues-table')).not.toContainText(/[0-9]/);
		await page.getByTestId('section-dues').scrollIntoViewIfNeeded();
		mkdirSync('test-results/screenshots', { recursive: true });
		await page.screenshot({ path: 'test-results/screenshots/reports-dues-fiscal-fa.png' });
		await fa.context.close();
	} finally {
		// Every other spec shares this organisation: its ledger is Gregorian again.
		settings.doc.getMap('config').set('fiscalCalendar', 'gregory');
		await expect.poll(() => reports.doc.getMap('meta').get('fiscalCalendar')).toBe('gregory');
		settings.close();
		ledger.close();
		reports.close();
	}
});

test('[L16] the board’s dues figures show what was paid back as refunded, beside collected (in Chinese)', async ({
	browser
}) => {
	const cookie = await adminCookie();
	const ledger = await openDoc('default/ledger', cookie);
	const reports = await openDoc('default/reports', cookie);
	const today = new Date().toISOString().slice(0, 10);
	const year = periodContaining('year', today);
	const refunded = () => {
		const row = reports.doc.getMap('periods').get(year.key);
		if (!(row instanceof Y.Map)) return undefined;
		const d = JSON.parse(String(row.get('sections')))['dues.summary'] as { refunded?: number };
		return d?.refunded;
	};
	try {
		// Charged 414,000,000, paid 484,000,000, 70,000,000 of it paid back (QA pass 5).
		const memberId = `e2eRefundBoard${Date.now() % 1_000_000}`;
		ledger.doc.transact(() => {
			for (const [i, fields] of [
				{ kind: 'charge', amount: 414_000_000 },
				{ kind: 'payment', amount: 484_000_000, method: 'bankTransfer' },
				{ kind: 'refund', amount: 70_000_000, method: 'bankTransfer' }
			].entries()) {
				const e = new Y.Map<unknown>();
				ledger.doc.getMap('entries').set(`${memberId}_${i}`, e);
				for (const [k, v] of Object.entries({ memberId, date: today, posted: true, ...fields }))
					e.set(k, v);
			}
		});
		await expect.poll(refunded).toBeGreaterThanOrEqual(70_000_000);

		const board = await reportsContext(browser, bahar, 'zh');
		await pick(board.page, 'kind-year');
		await expect(board.page.getByTestId('period-select')).toHaveValue(year.key);
		const row = board.page.getByTestId('section-dues').getByTestId('row-refunded');
		await expect(row).toContainText('已退款');
		await expect(row).toHaveAttribute('data-value', String(refunded()));
		await board.page.getByTestId('section-dues').scrollIntoViewIfNeeded();
		mkdirSync('test-results/screenshots', { recursive: true });
		await board.page.screenshot({ path: 'test-results/screenshots/reports-dues-refunded-zh.png' });
		await board.context.close();
	} finally {
		ledger.close();
		reports.close();
	}
});

/**
 * Joining (issue 4) end to end: a prospect goes through inquiry, application,
 * verification and approval (the approval made offline and sent on reconnect), and
 * the certificate prints with the right member number, in Chinese and in Persian.
 * Screenshots go to test-results/screenshots/ for a person to look at.
 */
import { expect, test, type Page } from '@playwright/test';
import * as Y from 'yjs';
import {
	adminCookie,
	baseURL,
	cell,
	command,
	loginContext,
	loginCookie,
	openDoc,
	waitForGrid
} from './fixtures';
import { addMember, editText, search, uniqueTag } from './members-helpers';
import { card, openPipeline } from './pipeline-helpers';
import { ADMIN, USERS } from './users';

const SHOTS = 'test-results/screenshots';
const persianDigits = (s: string) => s.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]);
const sara = USERS[0];
const reza = USERS[2];
const approver = {
	username: `mina${Date.now().toString(36)}`,
	displayName: 'Mina Approver',
	password: 'mina-password-1',
	roles: ['approver']
} as const;

test('[J2][J4] a prospect joins: inquiry, application, verification, offline approval, certificate', async ({
	browser
}) => {
	const admin = await loginContext(browser, ADMIN);
	const created = await admin.page.request.post('/api/users', {
		headers: { origin: baseURL() },
		data: {
			username: approver.username,
			displayName: approver.displayName,
			password: approver.password,
			roles: approver.roles
		}
	});
	expect(created.status()).toBe(201);

	// The admin sets the member-number format in /settings.
	await admin.page.goto('/settings');
	const format = admin.page.locator('[data-config=memberNoFormat]');
	await expect(format).toBeVisible();
	await format.fill('not a format');
	await format.press('Tab');
	await expect(admin.page.getByTestId('settings-message')).toContainText('Not saved');
	// A number out of range says the range the field takes.
	const grace = admin.page.locator('[data-config=lapseGraceDays]');
	await grace.fill('99999');
	await grace.press('Tab');
	await expect(admin.page.getByTestId('settings-message')).toContainText(
		'Enter a whole number from 0 to 3650'
	);
	// A new currency asks first: amounts keep their numbers, so rials would read as yuan.
	const currency = admin.page.locator('[data-config=currency]');
	await currency.fill('cny');
	await currency.press('Tab');
	const change = admin.page.getByTestId('currency-change');
	await expect(change).toContainText('Change the currency from IRR to CNY?');
	await expect(change).toContainText(/IRR\s?[\d,]+ will read CN¥[\d,]+\.\d\d/);
	await change.getByRole('button', { name: 'Keep IRR' }).click();
	await expect(change).toHaveCount(0);
	await expect(currency).toHaveValue('IRR');
	await format.fill('GH-{n:5}');
	await format.press('Tab');
	await expect(admin.page.getByTestId('settings-message')).toHaveText('Saved');
	await expect(admin.page.locator('[data-testid=settings-general] small')).toContainText(
		'GH-00042'
	);

	// Staff record an inquiry with an overdue follow-up.
	const staff = await loginContext(browser, sara);
	await openPipeline(staff.page);
	const name = `${uniqueTag('J')} Silk Road Forging`;
	const form = staff.page.getByTestId('inquiry-form');
	if (!(await form.isVisible())) await staff.page.locator('.gh-inquiry summary').click();
	await form.locator('[name=name]').fill(name);
	await form.locator('[name=source]').selectOption('exhibition');
	await form.locator('[name=followUpOn]').fill('2020-01-15');
	await form.locator('[name=language]').selectOption('zh');
	await staff.page.getByTestId('inquiry-submit').click();
	const c = card(staff.page, name);
	await expect(c).toHaveAttribute('data-status', 'inquiry');
	await expect(staff.page.getByTestId('overdue-item').filter({ hasText: name })).toBeVisible();

	// Inquiry → applicant (a plain move), then verification with the checklist.
	const before = Number(await staff.page.getByTestId('count-applicant').getAttribute('data-count'));
	await c.getByTestId('action-move').selectOption('applicant');
	await expect(c).toHaveAttribute('data-status', 'applicant');
	await expect(staff.page.getByTestId('count-applicant')).toHaveAttribute(
		'data-count',
		String(before + 1)
	);
	await c.getByTestId('action-verify').click();
	const dialog = staff.page.getByTestId('action-dialog');
	await expect(dialog).toHaveAttribute('data-kind', 'verify');
	await dialog.getByTestId('action-submit').click();
	await expect(dialog.getByRole('alert')).toContainText('Still required');
	for (const id of ['statutes', 'industry', 'registration', 'form']) {
		await dialog.locator(`[data-criterion=${id}]`).check();
	}
	await dialog.locator('textarea').fill('Licence and signed form seen');
	await dialog.getByTestId('action-submit').click();
	await expect(c).toHaveAttribute('data-status', 'verified');
	// Staff cannot approve.
	await expect(c.getByTestId('action-approve')).toHaveCount(0);

	// The approver approves while offline: pending on the device, sent on reconnect.
	const ap = await loginContext(browser, approver);
	await openPipeline(ap.page);
	const ac = card(ap.page, name);
	await expect(ac).toHaveAttribute('data-status', 'verified');
	await ap.context.setOffline(true);
	await expect(ap.page.getByTestId('sync-status')).toHaveAttribute('data-state', 'offline');
	await ac.getByTestId('action-approve').click();
	const approve = ap.page.getByTestId('action-dialog');
	await approve.locator('select[name=tier]').selectOption('council');
	await approve.locator('select[name=category]').selectOption('manufacturer');
	await approve.getByTestId('action-submit').click();
	await expect(ac.getByTestId('card-pending')).toBeVisible();
	await expect(ap.page.getByTestId('outbox-item')).toHaveAttribute('data-state', 'pending');
	await expect(ap.page.getByTestId('outbox-pending-count')).toContainText('1 action waiting');
	await expect(ac).toHaveAttribute('data-status', 'verified');

	await ap.context.setOffline(false);
	await expect(ac).toHaveAttribute('data-status', 'active', { timeout: 30_000 });
	await expect(ap.page.getByTestId('outbox')).toHaveCount(0);
	const number = (await ac.getByTestId('card-number').textContent())!.trim();
	expect(number).toMatch(/^GH-\d{5}$/);
	await expect(ap.page.getByTestId('toast')).toContainText(number);
	// Staff see the same number.
	await expect(card(staff.page, name).getByTestId('card-number')).toHaveText(number);

	// Documents: in the member's language (Chinese), with the number.
	await ac.getByTestId('action-documents').click();
	await expect(ap.page).toHaveURL(/\/documents\?member=/);
	const cert = ap.page.getByTestId('doc-certificate');
	await expect(cert).toContainText('会员证书');
	await expect(cert).toContainText(number);
	await expect(cert).toContainText(name);
	await expect(ap.page.getByTestId('doc-duesNotice')).toContainText('理事单位');
	await expect(ap.page.getByTestId('doc-admission')).toContainText('入会通知书');
	await ap.page.screenshot({ path: `${SHOTS}/documents-zh.png`, fullPage: true });

	// Persian: right to left, Persian calendar and digits in dates, the same number.
	await ap.page.getByTestId('doc-language').selectOption('fa');
	await expect(cert).toHaveAttribute('dir', 'rtl');
	await expect(cert).toContainText('گواهی عضویت');
	// The same number in Persian digits (stored with ASCII ones).
	await expect(cert).toContainText(persianDigits(number));
	await expect(cert).toContainText(/[۰-۹]{4}/);

	// Printing keeps only the documents, one per page.
	await ap.page.emulateMedia({ media: 'print' });
	await expect(ap.page.locator('.gh-header')).toBeHidden();
	await expect(ap.page.getByTestId('doc-print')).toBeHidden();
	await expect(cert).toBeVisible();
	await cert.screenshot({ path: `${SHOTS}/certificate-fa-print.png` });
	const pdf = await ap.page.pdf({ format: 'A4', printBackground: true });
	expect(pdf.byteLength).toBeGreaterThan(10_000);
	await ap.page.emulateMedia({ media: 'screen' });

	// The member file in Persian prints the certificate number as the certificate does.
	const memberId = new URL(ap.page.url()).searchParams.get('member');
	await ap.page.evaluate(() => localStorage.setItem('gh.locale', 'fa'));
	await ap.page.goto(`/members/${memberId}`);
	await expect(ap.page.getByTestId('field-certificateNo')).toHaveText(persianDigits(number));
	// ...and so does the member number itself: one number, read the same everywhere.
	await expect(ap.page.getByTestId('field-memberNo')).toHaveText(persianDigits(number));
	await expect(ap.page.getByTestId('member-no')).toContainText(persianDigits(number));

	// The registry shows it as printed and finds the member by it, and by the bare number.
	await staff.page.goto('/members');
	await waitForGrid(staff.page);
	const bare = String(Number(number.slice(3)));
	for (const typed of [number, number.toLowerCase(), bare]) {
		await search(staff.page, typed);
		const found = staff.page.locator(`.gh-grid .ag-row[row-id="${memberId}"]`);
		await expect(found).toHaveCount(1);
		await expect(cell(staff.page, memberId!, 'memberNo')).toHaveText(number);
	}

	for (const x of [admin, staff, ap]) await x.context.close();
});

test('[J5] settings are edited by the admin only; the pipeline in Persian', async ({ browser }) => {
	const staff = await loginContext(browser, sara, { locale: 'fa' });
	await staff.page.goto('/settings');
	await expect(staff.page.locator('[data-config=currency]')).toHaveValue(/[A-Z]{3}/);
	await expect(staff.page.locator('[data-config=currency]')).toHaveAttribute('readonly', '');
	await expect(staff.page.getByText('فقط مدیران تنظیمات را تغییر می‌دهند')).toBeVisible();

	await staff.page.goto('/pipeline');
	await expect(staff.page.getByTestId('board')).toBeVisible();
	await expect(staff.page.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(staff.page.locator('#gh-pipeline-title')).toHaveText('روند عضویت');
	await staff.page.screenshot({ path: `${SHOTS}/pipeline-fa.png`, fullPage: true });

	// The counts link to the grid filtered by that state.
	await staff.page.getByTestId('count-verified').click();
	await expect(staff.page).toHaveURL(/\/members\?status=verified/);
	await expect(staff.page.getByTestId('status-filter')).toHaveValue('verified');
	await staff.context.close();
});

/** As the admin in /settings: add tier `id` labelled `label`; its label field. */
async function addTier(page: Page, id: string, label: string) {
	const tiers = page.getByTestId('settings-tiers');
	await tiers.getByPlaceholder(/^New id/).fill(id);
	await tiers.getByRole('button', { name: 'Add' }).click();
	const field = tiers.locator(`tr[data-row-id="${id}"] [data-field="labelEn"]`);
	await field.fill(label);
	await field.press('Tab');
	return field;
}

/** In the grid: choose `label` in member `id`'s tier editor. */
async function chooseTier(page: Page, id: string, label: string) {
	await cell(page, id, 'tier').click();
	await page.keyboard.press('Enter');
	await page.locator('.ag-select-list').getByText(label).click();
	await expect(cell(page, id, 'tier')).toHaveText(label);
}

test('[J5] a tier the admin adds in the settings is offered and labelled in the grid', async ({
	browser
}) => {
	const admin = await loginContext(browser, ADMIN);
	await admin.page.goto('/settings');
	await addTier(admin.page, 'gold', 'Gold partner');
	await admin.context.close();

	const staff = await loginContext(browser, sara);
	await waitForGrid(staff.page);
	const id = await addMember(staff.page);
	await chooseTier(staff.page, id, 'Gold partner');
	await staff.context.close();
});

test('[J5] a tier the admin adds is in the member file, the collection round filter and a survey audience', async ({
	browser
}) => {
	const tag = uniqueTag('T');
	const tierId = `t${Date.now().toString(36)}`;
	const label = `${tag} Tier`;
	const admin = await loginContext(browser, ADMIN);
	await admin.page.goto('/settings');
	await addTier(admin.page, tierId, label);
	await admin.context.close();

	const staff = await loginContext(browser, sara);
	const page = staff.page;
	await waitForGrid(page);
	const id = await addMember(page);
	await chooseTier(page, id, label);

	// The member file's dropdown offers it, and shows it as the member's tier.
	await page.goto(`/members/${id}`);
	const tier = page.getByTestId('field-tier');
	await expect(tier).toHaveValue(tierId);
	await expect(tier.locator(`option[value="${tierId}"]`)).toHaveText(label);

	// The collection round can pick members by it.
	await page.goto('/ledger/collection');
	await expect(page.locator('label', { hasText: label }).locator('input')).toHaveValue(tierId);

	// A survey for the members of one tier: chosen from the list, by its label, stored as the id.
	await page.goto('/surveys');
	await page.getByTestId('new-campaign-title').fill(`Tier survey ${tag}`);
	await page.getByTestId('create-campaign').click();
	await expect(page).toHaveURL(/\/surveys\/[A-Za-z0-9_-]+$/);
	await page.locator('#c-audience').selectOption('tier');
	const which = page.getByTestId('campaign-audience-value');
	await which.selectOption({ label });
	await expect(which).toHaveValue(tierId);
	await page.reload();
	await expect(page.getByTestId('campaign-audience-value')).toHaveValue(tierId);
	await staff.context.close();
});

test('[J5] a tier the admin adds shows in an open tier filter and in the editor, without a reload', async ({
	browser
}) => {
	const tag = uniqueTag('N');
	const tierId = `n${Date.now().toString(36)}`;
	const staff = await loginContext(browser, sara);
	const page = staff.page;
	await page.setViewportSize({ width: 1800, height: 800 });
	await waitForGrid(page);
	const id = await addMember(page);
	await page.locator('.ag-header-cell[col-id="tier"] .ag-header-cell-filter-button').click();
	const filter = page.locator('.gh-option-filter');
	await expect(filter).toBeVisible();
	await expect(filter).not.toContainText(tag);
	// Opened, the filter has the keyboard.
	await expect(filter.getByRole('button').first()).toBeFocused();

	const admin = await loginContext(browser, ADMIN);
	await admin.page.goto('/settings');
	await addTier(admin.page, tierId, `${tag} New`);

	// The open filter lists it by its label, ticked like every box while none is chosen.
	const box = filter.locator('label', { hasText: `${tag} New` }).locator('input');
	await expect(box).toBeChecked();
	// Drawn again, it keeps the keyboard: Escape closes it.
	await expect(filter.getByRole('button').first()).toBeFocused();
	await page.keyboard.press('Escape');
	await expect(filter).toBeHidden();
	// The select editor offers it.
	await chooseTier(page, id, `${tag} New`);
	await admin.context.close();
	await staff.context.close();
});

test('[J5] tiers the admin changes reach an open registry in place: scroll, focus and filters stay', async ({
	browser
}) => {
	const tag = uniqueTag('K');
	const tierId = `k${Date.now().toString(36)}`;
	const admin = await loginContext(browser, ADMIN);
	await admin.page.goto('/settings');
	const label = await addTier(admin.page, tierId, `${tag} Before`);

	// A grid a little wider than the window: it scrolls sideways.
	const staff = await loginContext(browser, sara);
	const page = staff.page;
	await page.setViewportSize({ width: 1800, height: 800 });
	await waitForGrid(page);
	const id = await addMember(page);
	await editText(page, id, 'name', `${tag} Tiered`);
	await chooseTier(page, id, `${tag} Before`);
	// A column filter (the toolbar's status choice) and the search narrow it to this row.
	const status = (await cell(page, id, 'status').innerText()).trim();
	await page.getByTestId('status-filter').selectOption({ label: status });
	await search(page, tag);
	await expect(page.getByTestId('row-count')).toHaveAttribute('data-count', '1');
	const statusHeader = page.locator('.ag-header-cell[col-id="status"]');
	await expect(statusHeader).toHaveClass(/ag-header-cell-filtered/);
	// The keyboard moves to a cell past the window's edge: the grid scrolls sideways just
	// enough to show it, and the tier column stays in view.
	await cell(page, id, 'name').click();
	const focused = page.locator('.gh-grid .ag-cell-focus');
	for (let i = 0; i < 20 && (await focused.getAttribute('col-id')) !== 'source'; i++) {
		await page.keyboard.press('ArrowRight');
	}
	await expect(cell(page, id, 'source')).toHaveClass(/ag-cell-focus/);
	await expect(cell(page, id, 'tier')).toBeInViewport();
	const viewport = page.locator('.gh-grid .ag-body-horizontal-scroll-viewport');
	const scrolled = await viewport.evaluate((el) => el.scrollLeft);
	expect(scrolled).toBeGreaterThan(0);

	// The admin renames the tier: the open grid shows the new name where it stands.
	await label.fill(`${tag} After`);
	await label.press('Tab');
	await expect(cell(page, id, 'tier')).toHaveText(`${tag} After`);
	expect(await viewport.evaluate((el) => el.scrollLeft)).toBe(scrolled);
	await expect(cell(page, id, 'source')).toHaveClass(/ag-cell-focus/);
	await expect(statusHeader).toHaveClass(/ag-header-cell-filtered/);
	await search(page, '');
	// The status filter still holds: only members in that state are shown.
	const shown = Number(await page.getByTestId('row-count').getAttribute('data-count'));
	const states = new Set(
		await page
			.locator('.gh-grid .ag-row[row-id] .ag-cell[col-id="status"]')
			.evaluateAll((cells) => cells.map((c) => (c as HTMLElement).innerText.trim()))
	);
	expect(shown).toBeGreaterThan(0);
	expect([...states]).toEqual([status]);
	await admin.context.close();
	await staff.context.close();
});

/** Members as the server holds them: name → row. */
const membersByName = (doc: Y.Doc) =>
	new Map(
		Object.entries(doc.getMap('members').toJSON()).map(([id, r]) => [
			String((r as Record<string, unknown>).name),
			{ id, ...(r as Record<string, unknown>) }
		])
	);

test('[J2] the Persian inquiry form says what is wrong with each field and adds nothing until it is right', async ({
	browser
}) => {
	const registry = await openDoc('default/registry', await adminCookie());
	const tag = uniqueTag('Q');
	// An applicant to verify: the checklist's missing items are listed in Persian.
	const applicant = `${tag} متقاضی`;
	registry.doc.transact(() => {
		const row = new Y.Map<unknown>();
		registry.doc.getMap('members').set(`q${Date.now().toString(36)}applicant`, row);
		row.set('name', applicant);
		row.set('status', 'applicant');
	});
	const { context, page } = await loginContext(browser, reza, { locale: 'fa' });
	await openPipeline(page);
	const form = page.getByTestId('inquiry-form');
	if (!(await form.isVisible())) await page.locator('.gh-inquiry summary').click();
	// The app's own messages, not the browser's English ones.
	await expect(form).toHaveAttribute('novalidate', '');
	await page.getByTestId('inquiry-submit').click();
	await expect(form.getByRole('alert')).toHaveText('نام شرکت یا شخص را وارد کنید.');

	const name = `${tag} شرکت آزمون`;
	await form.locator('[name=name]').fill(name);
	await form.locator('[name=phone]').fill('abc');
	await form.locator('[name=email]').fill('a@b');
	await page.getByTestId('inquiry-submit').click();
	// Each field says what to type; the summary joins the fields the Persian way.
	await expect(form.getByTestId('inquiry-error-phone')).toHaveText(
		'شمارهٔ تلفن وارد کنید: رقم، فاصله و + ( ) - . / و در صورت نیاز داخلی.'
	);
	await expect(form.getByTestId('inquiry-error-email')).toHaveText(
		'نشانی ایمیلی مانند name@example.com وارد کنید.'
	);
	await expect(form.locator('[name=email]')).toHaveAttribute('aria-invalid', 'true');
	await expect(form.getByRole('alert')).toHaveText('تلفن و ایمیل را بررسی کنید؛ چیزی افزوده نشد.');
	await page.screenshot({ path: `${SHOTS}/inquiry-invalid-fa.png`, fullPage: true });
	// Nothing was added, and the form is still open with what was typed.
	await expect(form).toBeVisible();
	await expect(form.locator('[name=name]')).toHaveValue(name);
	await expect(form.locator('[name=phone]')).toHaveValue('abc');
	await expect(form.locator('[name=email]')).toHaveValue('a@b');
	await expect(page.getByTestId('toast')).toHaveCount(0);
	await expect(card(page, name)).toHaveCount(0);
	expect(membersByName(registry.doc).has(name)).toBe(false);

	// Corrected (Persian digits in the phone are fine): added with both.
	await form.locator('[name=phone]').fill('۰۲۱ ۵۵۵۵ ۱۲۳۴');
	await form.locator('[name=email]').fill('a@b.ir');
	await expect(form.getByTestId('inquiry-error-phone')).toHaveCount(0);
	await page.getByTestId('inquiry-submit').click();
	await expect(page.getByTestId('toast')).toContainText(name);
	await expect(card(page, name)).toHaveAttribute('data-status', 'inquiry');
	await expect
		.poll(() => membersByName(registry.doc).get(name))
		.toMatchObject({ phone: '021 5555 1234', email: 'a@b.ir' });

	// The verify checklist lists what is missing with Persian separators.
	await card(page, applicant).getByTestId('action-verify').click();
	const dialog = page.getByTestId('action-dialog');
	await dialog.getByTestId('action-submit').click();
	const missing = dialog.getByRole('alert');
	await expect(missing).toContainText('هنوز الزامی: اساسنامه تشکل را می‌پذیرد؛ ');
	await expect(missing).not.toContainText(';');
	registry.close();
	await context.close();
});

test('[J2] a colleague’s change does not close a half-filled inquiry form', async ({ browser }) => {
	const registry = await openDoc('default/registry', await adminCookie());
	const { context, page } = await loginContext(browser, sara);
	await openPipeline(page);
	const form = page.getByTestId('inquiry-form');
	if (!(await form.isVisible())) await page.locator('.gh-inquiry summary').click();
	await form.locator('[name=name]').fill('Half typed');
	// A colleague adds a prospect, then a second one: the board shows them.
	for (const n of [1, 2]) {
		const other = `${uniqueTag('O')} Colleague ${n}`;
		registry.doc.transact(() => {
			const row = new Y.Map<unknown>();
			registry.doc.getMap('members').set(`o${Date.now().toString(36)}n${n}`, row);
			row.set('name', other);
			row.set('status', 'prospect');
		});
		await expect(card(page, other)).toBeVisible();
	}
	await expect(form).toBeVisible();
	await expect(form.locator('[name=name]')).toHaveValue('Half typed');
	// Closed by the user, it stays closed through the next change.
	await page.locator('.gh-inquiry summary').click();
	await expect(form).toBeHidden();
	const third = `${uniqueTag('O')} Colleague 3`;
	registry.doc.transact(() => {
		const row = new Y.Map<unknown>();
		registry.doc.getMap('members').set(`o${Date.now().toString(36)}n3`, row);
		row.set('name', third);
		row.set('status', 'prospect');
	});
	await expect(card(page, third)).toBeVisible();
	await expect(form).toBeHidden();
	registry.close();
	await context.close();
});

test('[J2] in Persian: the member number in Persian digits, the tier by its settings name everywhere, the dues notice at the ledger’s fee', async ({
	browser
}) => {
	const cookie = await adminCookie();
	const registry = await openDoc('default/registry', cookie);
	const ledger = await openDoc('default/ledger', cookie);
	const settings = await openDoc('default/settings', cookie);
	const tag = uniqueTag('P');
	const id = `p${Date.now().toString(36)}persian`;
	const name = `${tag} شرکت فولاد`;
	// Joined in 2025 (a roster imported with its join dates). The ledger's fee for the
	// regular tier this fiscal year is 120,000 (the settings say 50,000,000), and 2025's
	// 130,000: the notice states what the dues run of this year charges.
	const calendar =
		settings.doc.getMap('config').get('fiscalCalendar') === 'persian' ? 'persian' : 'gregory';
	settings.close();
	const thisYear = Number(
		new Intl.DateTimeFormat(`en-u-ca-${calendar}-nu-latn`, { year: 'numeric' })
			.formatToParts(new Date())
			.find((p) => p.type === 'year')!.value
	);
	registry.doc.transact(() => {
		const row = new Y.Map<unknown>();
		registry.doc.getMap('members').set(id, row);
		row.set('name', name);
		row.set('status', 'applicant');
		row.set('joinDate', '2025-06-01');
		row.set('language', 'fa');
	});
	const setFee = (year: number, amount: number) => {
		const fee = new Y.Map<unknown>();
		ledger.doc.getMap('fees').set(`f_${year}_regular`, fee);
		fee.set('year', year);
		fee.set('tier', 'regular');
		fee.set('amount', amount);
	};
	ledger.doc.transact(() => {
		setFee(thisYear, 120_000);
		setFee(calendar === 'persian' ? 1404 : 2025, 130_000);
	});
	await expect.poll(() => registry.doc.getMap('members').has(id)).toBe(true);
	await command(cookie, {
		type: 'verify',
		rowId: id,
		met: ['statutes', 'industry', 'registration', 'form', 'influence'],
		note: ''
	});

	const amir = USERS[5];
	const { context, page } = await loginContext(browser, amir, { locale: 'fa' });
	await openPipeline(page);
	const c = card(page, name);
	await c.getByTestId('action-approve').click();
	const approve = page.getByTestId('action-dialog');
	await approve.locator('select[name=tier]').selectOption('regular');
	await expect(approve.locator('select[name=tier] option:checked')).toHaveText('عضو عادی');
	await approve.getByTestId('action-submit').click();
	await expect(c).toHaveAttribute('data-status', 'active');
	const row = () => registry.doc.getMap('members').get(id) as Y.Map<unknown> | undefined;
	await expect.poll(() => row()?.get('certificateNo')).toBeTruthy();
	const stored = String(row()!.get('certificateNo'));
	const persian = persianDigits(stored);
	expect(persian).not.toBe(stored);
	// The card and the toast in Persian digits.
	await expect(c.getByTestId('card-number')).toHaveText(persian);
	await expect(page.getByTestId('toast')).toContainText(persian);
	await expect(page.getByTestId('toast')).not.toContainText(stored);

	// The documents: the number in Persian digits, the tier by its name in the settings,
	// and the first dues notice at the fee of the ledger's schedule for this fiscal year.
	await c.getByTestId('action-documents').click();
	const docs = ['admission', 'certificate', 'duesNotice'].map((k) => page.getByTestId(`doc-${k}`));
	for (const d of docs) {
		await expect(d).toContainText(persian);
		await expect(d).not.toContainText(stored);
	}
	await expect(docs[0]).toContainText('عضو عادی');
	await expect(docs[2]).toContainText('۱۲۰٬۰۰۰');
	await expect(docs[2]).toContainText(`سال مالی ${persianDigits(String(thisYear))}`);
	await expect(docs[2]).not.toContainText('۵۰٬۰۰۰٬۰۰۰');
	await expect(docs[2]).not.toContainText('۱۳۰٬۰۰۰');
	await page.screenshot({ path: `${SHOTS}/documents-fa.png`, fullPage: true });

	// The member file and the ledger's statement name the tier as the settings do.
	await page.goto(`/members/${id}`);
	// (An approved member's tier is the approver's: read here, changed with the control,
	// whose select offers the settings' tiers.)
	await expect(page.getByTestId('field-tier')).toContainText('عضو عادی');
	await page.getByTestId('membership-change').click();
	await expect(page.getByTestId('membership-tier').locator('option:checked')).toHaveText(
		'عضو عادی'
	);
	await expect(page.getByTestId('membership-tier')).toContainText('عضو حامی');
	await page.screenshot({ path: `${SHOTS}/member-file-tier-fa.png`, fullPage: true });
	await page.goto(`/ledger/statement?member=${id}`);
	await expect(page.getByTestId('statement')).toContainText('عضو عادی');
	await page.screenshot({ path: `${SHOTS}/statement-tier-fa.png`, fullPage: true });
	registry.close();
	ledger.close();
	await context.close();
});

test("[J2][J7] an approved member's tier and category: read-only for staff, changed by an approver in the file", async ({
	browser
}) => {
	const cookie = await adminCookie();
	const registry = await openDoc('default/registry', cookie);
	const id = `p${Date.now().toString(36)}tier`;
	const name = `${uniqueTag('T')} Delta Tex`;
	registry.doc.transact(() => {
		const row = new Y.Map<unknown>();
		registry.doc.getMap('members').set(id, row);
		row.set('name', name);
		row.set('status', 'applicant');
		row.set('tier', 'donor');
	});
	await expect.poll(() => registry.doc.getMap('members').has(id)).toBe(true);
	await command(cookie, {
		type: 'verify',
		rowId: id,
		met: ['statutes', 'industry', 'registration', 'form', 'influence'],
		note: ''
	});
	const amir = USERS[5];
	await command(await loginCookie(amir.username, amir.password), {
		type: 'approve',
		rowId: id,
		tier: 'regular',
		category: 'manufacturer'
	});
	const row = () => registry.doc.getMap('members').get(id) as Y.Map<unknown> | undefined;
	await expect.poll(() => row()?.get('memberNo')).toBeTruthy();

	// Staff: tier, category and join date are read, not edited; no control to change them.
	const staff = await loginContext(browser, sara);
	await staff.page.goto(`/members/${id}`);
	await expect(staff.page.getByTestId('member-no')).toBeVisible();
	for (const f of ['tier', 'category', 'joinDate']) {
		await expect(staff.page.getByTestId(`field-${f}`)).toHaveJSProperty('tagName', 'OUTPUT');
	}
	await expect(staff.page.getByTestId('field-tier')).toContainText('Regular member');
	await expect(staff.page.getByTestId('membership-change')).toHaveCount(0);
	// A field that is not the approver's stays editable.
	await expect(staff.page.getByTestId('field-region')).toHaveJSProperty('tagName', 'INPUT');
	await staff.context.close();

	// The approver changes them with the control; the server writes them.
	const { context, page } = await loginContext(browser, amir);
	await page.goto(`/members/${id}`);
	await page.getByTestId('membership-change').click();
	await page.getByTestId('membership-tier').selectOption('council');
	await page.getByTestId('membership-category').selectOption('supplier');
	await page.getByTestId('membership-save').click();
	await expect.poll(() => row()?.get('tier')).toBe('council');
	expect(row()?.get('category')).toBe('supplier');
	await expect(page.getByTestId('field-tier')).toContainText('Council member');
	registry.close();
	await context.close();
});

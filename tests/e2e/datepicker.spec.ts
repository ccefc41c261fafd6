/**
 * The date picker (components/date/DatePicker.svelte): a Persian user picks an
 * inquiry's follow-up date with the keyboard in the Solar Hijri month grid and the
 * stored ISO date survives a reload; an English user's bad date is refused with the
 * text kept; the grid's date editor in Chinese (weeks from Monday). Screenshots of
 * the open picker go to test-results/screenshots/ for a person to look at.
 */
import { expect, test, type Page } from '@playwright/test';
import { adminCookie, cell, loginContext, openDoc, showColumn, waitForGrid } from './fixtures';
import { addMember, uniqueTag } from './members-helpers';
import { card, openPipeline } from './pipeline-helpers';
import { ADMIN, USERS } from './users';

const SHOTS = 'test-results/screenshots';
const sara = USERS[0];
const li = USERS[1];
const reza = USERS[2];

/** The pipeline page with its inquiry form open. */
async function openInquiryForm(page: Page) {
	await openPipeline(page);
	const form = page.getByTestId('inquiry-form');
	if (!(await form.isVisible())) await page.locator('.gh-inquiry summary').click();
	return form;
}

/** Record an inquiry on the pipeline page and return its row id. */
async function addInquiry(page: Page, name: string): Promise<string> {
	const form = await openInquiryForm(page);
	await form.locator('[name=name]').fill(name);
	await page.getByTestId('inquiry-submit').click();
	const c = card(page, name);
	await expect(c).toHaveAttribute('data-status', 'inquiry');
	return (await c.getAttribute('data-row-id'))!;
}

/** The date picker around the input with this test id. */
const pickerOf = (page: Page, testid: string) =>
	page.getByTestId('date-picker').filter({ has: page.getByTestId(testid) });

test('Persian: pick an inquiry follow-up date with the keyboard in the Solar Hijri grid', async ({
	browser
}) => {
	const { context, page } = await loginContext(browser, reza, { locale: 'fa' });
	const id = await addInquiry(page, `${uniqueTag('D')} شرکت فولاد البرز`);
	await page.goto(`/members/${id}`);
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');

	const picker = pickerOf(page, 'field-followUpOn');
	const input = picker.getByTestId('field-followUpOn');
	const toggle = picker.getByTestId('date-open');
	// A typed Persian date in Persian digits: 28 Esfand 1403 (a leap year).
	await input.fill('۱۴۰۳/۱۲/۲۸');
	await input.press('Enter');
	await expect(picker).toHaveAttribute('data-value', '2025-03-18');

	await expect(toggle).toHaveAttribute('aria-expanded', 'false');
	await toggle.click();
	await expect(toggle).toHaveAttribute('aria-expanded', 'true');
	const popup = picker.getByTestId('date-popup');
	const grid = popup.getByRole('grid');
	const title = popup.getByTestId('date-title');
	await expect(grid).toBeVisible();
	await expect(title).toHaveText('اسفند ۱۴۰۳');
	// The grid is labelled by the month and year.
	await expect(grid).toHaveAccessibleName('اسفند ۱۴۰۳');
	// The week starts on Saturday (شنبه) and ends on Friday (جمعه).
	const heads = grid.locator('th');
	await expect(heads).toHaveCount(7);
	await expect(heads.first()).toHaveAttribute('abbr', 'شنبه');
	await expect(heads.last()).toHaveAttribute('abbr', 'جمعه');
	// Esfand 1403 has 30 days, in Persian digits; the stored day is selected and focused.
	await expect(grid.locator('td[data-date]')).toHaveCount(30);
	await expect(grid.locator('td[data-date="2025-03-20"]')).toHaveText('۳۰');
	const focused = grid.locator('td[data-date="2025-03-18"]');
	await expect(focused).toBeFocused();
	await expect(focused).toHaveAttribute('aria-selected', 'true');
	await page.screenshot({ path: `${SHOTS}/datepicker-fa.png` });
	await popup.screenshot({ path: `${SHOTS}/datepicker-fa-popup.png` });
	// RTL: "previous" sits on the right, its arrow mirrored to point right.
	const prev = await popup.getByTestId('date-prev-month').boundingBox();
	const next = await popup.getByTestId('date-next-month').boundingBox();
	expect(prev!.x).toBeGreaterThan(next!.x);
	await expect(popup.getByTestId('date-prev-month').locator('svg')).toHaveCSS(
		'transform',
		'matrix(-1, 0, 0, 1, 0, 0)'
	);

	// Right to left: ArrowLeft is the next day. Three days on is 1 Farvardin 1404.
	for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft');
	await expect(grid.locator('td[data-date="2025-03-21"]')).toBeFocused();
	await expect(title).toHaveText('فروردین ۱۴۰۴');
	// ArrowRight goes back a day: the leap day, 30 Esfand 1403.
	await page.keyboard.press('ArrowRight');
	await expect(grid.locator('td[data-date="2025-03-20"]')).toBeFocused();
	await expect(title).toHaveText('اسفند ۱۴۰۳');
	await page.keyboard.press('ArrowUp'); // a week back: 23 Esfand
	await page.keyboard.press('Home'); // Saturday: 18 Esfand
	await expect(grid.locator('td[data-date="2025-03-08"]')).toBeFocused();
	await page.keyboard.press('End'); // Friday: 24 Esfand
	await expect(grid.locator('td[data-date="2025-03-14"]')).toBeFocused();
	await page.keyboard.press('PageDown'); // a month on: 24 Farvardin 1404
	await expect(grid.locator('td[data-date="2025-04-13"]')).toBeFocused();
	await page.keyboard.press('Shift+PageDown'); // a year on: 24 Farvardin 1405
	await expect(title).toHaveText('فروردین ۱۴۰۵');
	await expect(grid.locator('td[data-date="2026-04-13"]')).toBeFocused();
	await page.keyboard.press('Enter');

	// Picked: the popup closes, focus is back on the button, the value is ISO.
	await expect(popup).toHaveCount(0);
	await expect(toggle).toBeFocused();
	await expect(toggle).toHaveAttribute('aria-expanded', 'false');
	await expect(picker).toHaveAttribute('data-value', '2026-04-13');
	await expect(input).toHaveValue('۱۴۰۵/۰۱/۲۴');
	// It reached the server (the history is read from the server's log).
	await expect(
		page
			.locator('[data-testid=history-entry][data-field=followUpOn]')
			.filter({ hasText: '۱۴۰۵' })
			.first()
	).toBeVisible();

	// After a reload the stored ISO date reads back, and the grid opens on it.
	await page.reload();
	await expect(picker).toHaveAttribute('data-value', '2026-04-13');
	await expect(input).toHaveValue('۱۴۰۵/۰۱/۲۴');
	await toggle.click();
	await expect(title).toHaveText('فروردین ۱۴۰۵');
	await expect(grid.locator('td[data-date="2026-04-13"]')).toHaveAttribute('aria-selected', 'true');
	// Escape closes and gives the focus back; nothing changes.
	await page.keyboard.press('Escape');
	await expect(popup).toHaveCount(0);
	await expect(toggle).toBeFocused();
	await expect(picker).toHaveAttribute('data-value', '2026-04-13');
	await context.close();
});

test('English: a bad date is refused with the typed text kept', async ({ browser }) => {
	const { context, page } = await loginContext(browser, sara);
	const name = `${uniqueTag('D')} Harbour Cranes`;
	// The inquiry form: 30 February does not exist; the form does not submit.
	const form = await openInquiryForm(page);
	await form.locator('[name=name]').fill(name);
	const follow = form.locator('[name=followUpOn]');
	await follow.fill('2026-02-30');
	await page.getByTestId('inquiry-submit').click();
	const error = pickerOf(page, 'inquiry-followup').getByTestId('date-error');
	await expect(error).toContainText('This is not a date');
	await expect(follow).toHaveValue('2026-02-30');
	await expect(follow).toHaveAttribute('aria-invalid', 'true');
	await expect(form.locator('[name=name]')).toHaveValue(name);
	await expect(card(page, name)).toHaveCount(0);
	// Corrected, it goes in with the date.
	await follow.fill('2020-03-02');
	await expect(error).toHaveCount(0);
	await page.getByTestId('inquiry-submit').click();
	await expect(card(page, name)).toContainText('2 Mar 2020');
	const id = (await card(page, name).getAttribute('data-row-id'))!;

	// 2 March 2020 has passed: the inquiry is in my overdue follow-ups, where the next
	// date is set (a bad one refused first); a future date takes it off the list.
	const overdue = page.getByTestId('overdue-item').filter({ hasText: name });
	const next = overdue.getByTestId('overdue-followup');
	await page.getByTestId('overdue').screenshot({ path: `${SHOTS}/datepicker-overdue-en.png` });
	await next.fill('2099-13-01');
	await next.press('Enter');
	await expect(overdue.getByTestId('date-error')).toContainText('This is not a date');
	await expect(next).toHaveValue('2099-13-01');
	await next.fill('2099-01-15');
	await next.press('Enter');
	await expect(overdue).toHaveCount(0);
	await expect(card(page, name)).toContainText('15 Jan 2099');

	// The member file: free text is refused, kept, and the stored date stays.
	await page.goto(`/members/${id}`);
	const picker = pickerOf(page, 'field-followUpOn');
	const input = picker.getByTestId('field-followUpOn');
	await expect(input).toHaveValue('2099-01-15');
	await input.fill('next tuesday');
	await input.press('Enter');
	await expect(picker.getByTestId('date-error')).toHaveText(
		/This is not a date\. Type one such as \d{4}-\d{2}-\d{2}, or pick it in the calendar\./
	);
	await expect(input).toHaveValue('next tuesday');
	await expect(picker).toHaveAttribute('data-value', '2099-01-15');
	await page.reload();
	await expect(input).toHaveValue('2099-01-15');
	await context.close();
});

test('Chinese: the grid date editor, weeks from Monday, Chinese labels', async ({ browser }) => {
	const { context, page } = await loginContext(browser, li, { locale: 'zh' });
	await waitForGrid(page);
	const id = await addMember(page);
	// A double click opens the editor with the calendar.
	await showColumn(page, 'joinDate');
	await cell(page, id, 'joinDate').dblclick();
	const popup = page.locator('.gh-editor').getByTestId('date-popup');
	const grid = popup.getByRole('grid');
	await expect(grid).toBeVisible();
	await expect(popup.getByTestId('date-title')).toHaveText(/^\d{4}年\d{1,2}月$/);
	await expect(grid.locator('th').first()).toHaveAttribute('abbr', '星期一');
	await expect(grid.locator('th').last()).toHaveAttribute('abbr', '星期日');
	await expect(popup.getByTestId('date-today')).toHaveText('今天');
	await page.screenshot({ path: `${SHOTS}/datepicker-zh.png` });
	// Today is focused; one week on, then Enter stores that day.
	const today = await grid.locator('td[tabindex="0"]').getAttribute('data-date');
	await page.keyboard.press('ArrowDown');
	await page.keyboard.press('Enter');
	await expect(page.locator('.gh-editor')).toHaveCount(0);
	const d = new Date(`${today}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + 7);
	await expect(cell(page, id, 'joinDate')).toHaveText(
		`${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`
	);
	await context.close();
});

test('min and max: a survey period cannot end before it starts', async ({ browser }) => {
	const { context, page } = await loginContext(browser, sara);
	await page.goto('/surveys');
	await page.getByTestId('new-campaign-title').fill(`Period ${uniqueTag('D')}`);
	await page.getByTestId('create-campaign').click();
	await expect(page).toHaveURL(/\/surveys\/[A-Za-z0-9_-]+$/);
	const start = page.getByTestId('campaign-start');
	await start.fill('2026-03-10');
	await start.press('Enter');
	await expect(pickerOf(page, 'campaign-start')).toHaveAttribute('data-value', '2026-03-10');

	// An end before the start is refused, with the bound in words; the text stays.
	const endPicker = pickerOf(page, 'campaign-end');
	const end = page.getByTestId('campaign-end');
	const endBefore = (await endPicker.getAttribute('data-value')) ?? '';
	await end.fill('2026-03-01');
	await end.press('Enter');
	await expect(endPicker.getByTestId('date-error')).toHaveText('Choose 10 Mar 2026 or later.');
	await expect(end).toHaveValue('2026-03-01');
	await expect(endPicker).toHaveAttribute('data-value', endBefore);

	// The calendar opens on the first allowed day; earlier days cannot be chosen.
	await endPicker.getByTestId('date-open').click();
	const grid = endPicker.getByRole('grid');
	await expect(grid.locator('td[data-date="2026-03-10"]')).toBeFocused();
	await expect(grid.locator('td[data-date="2026-03-09"]')).toHaveAttribute('aria-disabled', 'true');
	await grid.locator('td[data-date="2026-03-05"]').click({ force: true }); // aria-disabled
	await expect(endPicker.getByTestId('date-popup')).toBeVisible();
	await page.keyboard.press('ArrowLeft'); // stays on the first allowed day
	await expect(grid.locator('td[data-date="2026-03-10"]')).toBeFocused();
	await page.keyboard.press('ArrowRight');
	await page.keyboard.press('Enter');
	await expect(endPicker).toHaveAttribute('data-value', '2026-03-11');
	await expect(end).toHaveValue('2026-03-11');
	await expect(endPicker.getByTestId('date-error')).toHaveCount(0);
	// The start may not pass the end either.
	await start.fill('2026-04-01');
	await start.press('Enter');
	await expect(pickerOf(page, 'campaign-start').getByTestId('date-error')).toHaveText(
		'Choose 11 Mar 2026 or earlier.'
	);
	await context.close();
});

test('in a modal dialog: the calendar shows above it, and Escape closes only the calendar', async ({
	browser
}) => {
	const { context, page } = await loginContext(browser, ADMIN, { locale: 'fa' });
	await page.goto('/ledger/entries');
	await page.getByTestId('record-payment').click();
	const dialog = page.getByTestId('payment-dialog');
	await expect(dialog).toBeVisible();
	const picker = pickerOf(page, 'pay-date');
	await picker.getByTestId('date-open').click();
	const today = picker.getByRole('grid').locator('td[aria-current="date"]');
	await expect(today).toBeFocused();
	// A required date has no Clear button.
	await expect(picker.getByTestId('date-clear')).toHaveCount(0);
	await page.screenshot({ path: `${SHOTS}/datepicker-fa-dialog.png` });
	await page.keyboard.press('Escape');
	await expect(picker.getByTestId('date-popup')).toHaveCount(0);
	await expect(dialog).toBeVisible();
	await context.close();
});

test('Persian: a survey’s links expire at the end of a Solar Hijri day picked like any other date', async ({
	browser
}) => {
	const { context, page } = await loginContext(browser, reza, { locale: 'fa' });
	await page.goto('/surveys');
	await page.getByTestId('new-campaign-title').fill(`انقضا ${uniqueTag('D')}`);
	await page.getByTestId('create-campaign').click();
	await expect(page).toHaveURL(/\/surveys\/[A-Za-z0-9_-]+$/);
	const id = new URL(page.url()).pathname.split('/').pop()!;
	const expires = page.getByTestId('campaign-expires');
	await expires.fill('۱۴۰۵/۱۰/۱۳');
	await expires.press('Enter');
	await expect(pickerOf(page, 'campaign-expires')).toHaveAttribute('data-value', '2027-01-03');
	// Stored as the moment the next day starts on this device: links work all of 13 Dey.
	const endOfDay = await page.evaluate(() => new Date(2027, 0, 4).toISOString());
	const surveys = await openDoc('default/surveys', await adminCookie());
	const stored = () =>
		(surveys.doc.getMap('campaigns').get(id) as { get(k: string): unknown } | undefined)?.get(
			'expiresAt'
		);
	await expect.poll(stored).toBe(endOfDay);
	surveys.close();
	await page.reload();
	await expect(page.getByTestId('campaign-expires')).toHaveValue('۱۴۰۵/۱۰/۱۳');
	await context.close();
});

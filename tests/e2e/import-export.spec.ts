/**
 * Import and export (issue 8), end to end in Chromium against the built server:
 * an XLSX with a rejected row fixed in the preview, a GB18030 CSV that updates a
 * matched record, the view exported to XLSX and read back, the export in the
 * admin's export log, an import undone; and the Persian mapping step (RTL,
 * Windows-1256 detected, mapping remembered), with a screenshot.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { readSheet } from 'read-excel-file/node';
import { loginContext, ownServer, waitForGrid } from './fixtures';
import { addMember, editText, search } from './members-helpers';
import { ADMIN, USERS } from './users';

const FIXTURES = path.resolve('tests/fixtures/import');
const SHOTS = 'test-results/screenshots';
const sara = USERS[0];
const reza = USERS[2];

async function chooseFile(page: Page, name: string) {
	await page.getByTestId('import-file').setInputFiles(path.join(FIXTURES, name));
	await expect(page.getByTestId('import-mapping')).toBeVisible();
}

async function confirmImport(page: Page) {
	await page.getByTestId('import-confirm').click();
	await expect(page.getByTestId('import-done')).toBeVisible({ timeout: 30_000 });
}

test('import XLSX and GB18030 CSV, fix a rejected row, update a match, export to XLSX and read it back', async ({
	browser
}, testInfo) => {
	const { context, page } = await loginContext(browser, sara);
	await waitForGrid(page);

	// A record the Chinese visitor list will match by name.
	const id = await addMember(page);
	await editText(page, id, 'name', '上海华东机械有限公司');
	await editText(page, id, 'region', '江苏');

	// 1. XLSX with one broken row, fixed in the preview.
	await page.getByTestId('import-link').click();
	await chooseFile(page, 'zh-en-exhibitors.xlsx');
	await expect(page.getByTestId('import-summary')).toContainText('3 rows');
	await expect(page.getByTestId('map-1')).toHaveValue('phone');
	await page.getByTestId('import-check').click();
	await expect(page.getByTestId('import-review')).toBeVisible();
	// Row 2 says "正式会员" (active): a roster of existing members comes in as it is.
	await expect(page.getByTestId('count-rejected')).toHaveAttribute('data-count', '1');
	await expect(page.getByTestId('import-confirm')).toBeDisabled();
	const rejects = page.getByTestId('rejects');
	await expect(rejects.locator('tr[data-line="4"]')).toContainText('Phone');
	await page.getByTestId('fix-4-phone').fill('0532 1111 2222');
	await page.getByTestId('fix-4-phone').press('Enter');
	await page.getByTestId('fix-4-email').fill('contact@broken.example');
	await page.getByTestId('fix-4-email').press('Enter');
	// A choice is fixed from the list of the valid ones, as its message says.
	await page.getByTestId('fix-4-status').selectOption({ label: 'Prospect' });
	await expect(page.getByTestId('count-rejected')).toHaveAttribute('data-count', '0');
	await expect(page.getByTestId('count-add')).toHaveAttribute('data-count', '3');
	await expect(page.getByTestId('preview')).toContainText('Harbin Boiler Works');
	await confirmImport(page);
	await expect(page.getByTestId('import-done')).toContainText('3 added');

	// 2. GB18030 CSV: the encoding is detected, one row matches and updates.
	await page.getByRole('button', { name: 'Import another file' }).click();
	await chooseFile(page, 'zh-visitors-gb18030.csv');
	await expect(page.getByTestId('import-encoding')).toContainText('gb18030 (detected)');
	await expect(page.getByTestId('import-mapping')).toContainText('上海华东机械有限公司');
	await page.getByTestId('import-check').click();
	await expect(page.getByTestId('count-update')).toHaveAttribute('data-count', '1');
	await expect(page.getByTestId('count-add')).toHaveAttribute('data-count', '2');
	const match = page.getByTestId('matches').locator('tr[data-line="2"]');
	await expect(match.locator('[data-field="region"]')).toContainText('江苏');
	await expect(match.locator('[data-field="region"]')).toContainText('上海');
	await expect(page.getByTestId('action-2')).toHaveValue('update');
	await confirmImport(page);
	await expect(page.getByTestId('import-done')).toContainText('2 added, 1 updated');
	await expect(page.getByTestId('import-history').locator('tbody tr')).toHaveCount(2);

	// 3. The grid shows the update; export the filtered view to XLSX and read it back.
	await page.getByRole('link', { name: 'Back to members' }).first().click();
	await waitForGrid(page);
	await search(page, '华东');
	await expect(page.getByTestId('row-count')).toHaveAttribute('data-count', '1');
	await page.locator('.ag-header-cell[col-id="name"] .ag-header-cell-label').click();
	const download = page.waitForEvent('download');
	await page.getByTestId('export-menu').click();
	await page.getByTestId('export-xlsx').click();
	const file = testInfo.outputPath('members.xlsx');
	await (await download).saveAs(file);
	await expect(page.getByTestId('toast')).toContainText('export log');
	const sheet = await readSheet(file);
	const header = sheet[0] as string[];
	expect(header).toContain('Name');
	expect(header).toContain('Region');
	expect(sheet).toHaveLength(2);
	const row = Object.fromEntries(header.map((h, i) => [h, sheet[1][i]]));
	expect(row).toMatchObject({
		Name: '上海华东机械有限公司',
		Region: '上海',
		'Legal representative': '王伟',
		Status: 'Prospect'
	});

	// The same view as CSV: UTF-8 with a BOM, so Excel opens Chinese correctly.
	const csvDownload = page.waitForEvent('download');
	await page.getByTestId('export-menu').click();
	await page.getByTestId('export-csv').click();
	const csvFile = testInfo.outputPath('members.csv');
	await (await csvDownload).saveAs(csvFile);
	const csv = fs.readFileSync(csvFile);
	expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
	expect(csv.toString('utf8')).toContain('上海华东机械有限公司');

	// 4. The admin sees the export in the log.
	const admin = await loginContext(browser, ADMIN);
	await admin.page.goto('/admin/exports');
	const log = admin.page.getByTestId('export-log').locator('tbody tr');
	for (const [i, format] of [
		[0, 'CSV'],
		[1, 'XLSX']
	] as const) {
		await expect(log.nth(i)).toContainText(sara.displayName);
		await expect(log.nth(i)).toContainText(format);
		await expect(log.nth(i)).toContainText('华东');
		// The sort as the admin reads it, not the column's id.
		await expect(log.nth(i)).toContainText('Name ↑');
		await expect(log.nth(i)).toContainText('Members');
		await expect(log.nth(i).getByTestId('export-rows')).toHaveText('1');
	}
	await admin.context.close();

	// 5. Undo the XLSX import: two rows go; Harbin came in as an active member and stays
	// (members leave through the pipeline, [J1]).
	await page.getByTestId('import-link').click();
	const xlsxRow = page
		.getByTestId('import-history')
		.locator('tr', { hasText: 'zh-en-exhibitors.xlsx' });
	await xlsxRow.getByTestId('import-undo').click();
	await expect(page.locator('dialog[open]')).toContainText('2 rows will be removed');
	await expect(page.locator('dialog[open]')).toContainText('1 row is a member now');
	await page.locator('dialog[open]').getByRole('button', { name: 'Undo the import' }).click();
	await expect(page.getByTestId('import-notice')).toContainText('2 rows');
	await expect(xlsxRow).toHaveAttribute('data-status', 'undone');
	await page.getByRole('link', { name: 'Back to members' }).first().click();
	await waitForGrid(page);
	await search(page, 'Qingdao');
	await expect(page.getByTestId('row-count')).toHaveAttribute('data-count', '0');
	await search(page, 'Harbin');
	await expect(page.getByTestId('row-count')).toHaveAttribute('data-count', '1');
	await context.close();
});

test('Persian: the mapping step of a Windows-1256 file, right to left, remembered next time', async ({
	browser
}) => {
	const { context, page } = await loginContext(browser, reza, { locale: 'fa' });
	await waitForGrid(page);
	await page.getByTestId('import-link').click();
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await chooseFile(page, 'fa-subscribers-1256.csv');
	await expect(page.getByTestId('import-encoding')).toContainText('windows-1256');
	await expect(page.getByTestId('import-mapping')).toContainText('فولاد سپاهان');
	await expect(page.getByTestId('map-0')).toHaveValue('name');
	await expect(page.getByTestId('map-7')).toHaveValue('joinDate');
	await page.getByTestId('map-8').selectOption({ label: '— وارد نشود —' });
	await page.screenshot({ path: `${SHOTS}/import-mapping-fa.png`, fullPage: true });
	await page.getByTestId('import-check').click();
	// Row 2 says "فعال" (active): existing members come in as they are.
	await expect(page.getByTestId('count-rejected')).toHaveAttribute('data-count', '0');
	await expect(page.getByTestId('count-add')).toHaveAttribute('data-count', '3');
	await expect(page.getByTestId('preview')).toContainText('۱۴۰۱');
	await page.screenshot({ path: `${SHOTS}/import-review-fa.png`, fullPage: true });

	// The same file again: the choice made above is remembered.
	await page.getByTestId('import-mapping').waitFor({ state: 'detached' });
	await page.reload();
	await chooseFile(page, 'fa-subscribers-1256.csv');
	await expect(page.getByTestId('mapping-remembered')).toBeVisible();
	await expect(page.getByTestId('map-8')).toHaveValue('');
	await context.close();
});

test('a 20,000-row CSV imports with progress, lands whole in the grid, and is undone', async ({
	browser
}, testInfo) => {
	test.setTimeout(240_000);
	const rows = ['Company,Phone,Email,City'];
	for (let i = 0; i < 20_000; i++) {
		rows.push(`Bulk Trading ${i} Ltd,021 ${20_000_000 + i},bulk${i}@bulk.example,Tabriz`);
	}
	const file = testInfo.outputPath('bulk-20000.csv');
	fs.writeFileSync(file, rows.join('\r\n'));

	const { context, page } = await loginContext(browser, USERS[1]);
	await waitForGrid(page);
	await page.getByTestId('import-link').click();
	await page.getByTestId('import-file').setInputFiles(file);
	await expect(page.getByTestId('import-summary')).toContainText('20000 rows', { timeout: 60_000 });
	await page.getByTestId('import-check').click();
	await expect(page.getByTestId('count-add')).toHaveAttribute('data-count', '20000', {
		timeout: 60_000
	});
	// Chunks of 5,000 rows: the page shows how far it got between them. On a quiet machine
	// the import can be over before a poll sees it, so every text the progress line shows
	// is recorded as it appears.
	await page.evaluate(() => {
		const seen: string[] = [];
		(window as unknown as { __progress: string[] }).__progress = seen;
		const note = () => {
			const text = document.querySelector('[data-testid=import-progress]')?.textContent?.trim();
			if (text && seen.at(-1) !== text) seen.push(text);
		};
		new MutationObserver(note).observe(document.body, {
			subtree: true,
			childList: true,
			characterData: true
		});
	});
	await page.getByTestId('import-confirm').click();
	await expect(page.getByTestId('import-done')).toContainText('20000 added', { timeout: 120_000 });
	const progress = await page.evaluate(
		() => (window as unknown as { __progress: string[] }).__progress
	);
	expect(progress.some((p) => /Importing… [\d,]+ of 20,?000 rows/.test(p))).toBe(true);

	await page.getByRole('link', { name: 'Back to members' }).first().click();
	await waitForGrid(page);
	await search(page, 'Bulk Trading 19999');
	await expect(page.getByTestId('row-count')).toHaveAttribute('data-count', '1');
	await search(page, 'bulk.example');
	await expect(page.getByTestId('row-count')).toHaveAttribute('data-count', '20000', {
		timeout: 60_000
	});

	// Leave the shared registry as it was for the other tests.
	await page.getByTestId('import-link').click();
	const bulk = page.getByTestId('import-history').locator('tr', { hasText: 'bulk-20000.csv' });
	await bulk.getByTestId('import-undo').click();
	await page.locator('dialog[open]').getByRole('button', { name: 'Undo the import' }).click();
	await expect(page.getByTestId('import-notice')).toContainText('20000 rows', { timeout: 60_000 });
	await context.close();
});

test('the done screen lists the import just made, opened straight at /members/import', async ({
	browser
}, testInfo) => {
	const own = await ownServer();
	const context = await browser.newContext({ baseURL: own.url });
	try {
		const file = testInfo.outputPath('multi-line.csv');
		fs.writeFileSync(file, 'Company,City\r\n"Multi\r\nLine Co",Tabriz\r\nPlain Co,Yazd\r\n');
		const page = await context.newPage();
		await own.signIn(page, sara);
		await page.goto('/members/import');
		await expect(page.getByText('No imports yet')).toBeVisible();
		await page.getByTestId('import-file').setInputFiles(file);
		await expect(page.getByTestId('import-mapping')).toBeVisible();
		await page.getByTestId('import-check').click();
		await expect(page.getByTestId('preview')).toContainText('Multi Line Co');
		// Every moment the done screen shows, the history must already list the import.
		await page.evaluate(() => {
			const w = window as unknown as { __doneWithoutHistory: boolean };
			w.__doneWithoutHistory = false;
			const check = () => {
				const done = document.querySelector('[data-testid=import-done]');
				if (done && !document.querySelector('[data-testid=import-history] tbody tr'))
					w.__doneWithoutHistory = true;
			};
			new MutationObserver(check).observe(document.body, { subtree: true, childList: true });
		});
		await confirmImport(page);
		await expect(page.getByTestId('import-done')).toContainText('2 added');
		expect(
			await page.evaluate(
				() => (window as unknown as { __doneWithoutHistory: boolean }).__doneWithoutHistory
			)
		).toBe(false);
		const row = page
			.getByTestId('import-history')
			.locator('tbody tr', { hasText: 'multi-line.csv' });
		await expect(row).toBeVisible();
		await expect(page.getByText('No imports yet')).toHaveCount(0);
	} finally {
		await context.close();
		await own.close();
	}
});

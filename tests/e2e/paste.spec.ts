/**
 * The clipboard in the members grid: a range copied from a spreadsheet pasted with
 * Ctrl+V on a focused cell, Ctrl+C of a cell and of ticked rows, and a paste into a
 * cell editor longer than the field holds. Real key presses on the system clipboard.
 */
import { expect, test, type Page } from '@playwright/test';
import { adminCookie, baseURL, cell, loginContext, showColumn, waitForGrid } from './fixtures';
import {
	addMember,
	cellValue,
	columnValues,
	editText,
	editor,
	expectRowCount,
	search,
	uniqueTag
} from './members-helpers';
import { USERS } from './users';

const sara = USERS[0];
const reza = USERS[2];

async function clipboardContext(page: Page) {
	await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
}
const writeClipboard = (page: Page, text: string) =>
	page.evaluate((t) => navigator.clipboard.writeText(t), text);
const readClipboard = (page: Page) => page.evaluate(() => navigator.clipboard.readText());

/** Rows named `${tag} ${names[i]}` from the top down, shown alone; their ids. */
async function rowsTagged(page: Page, tag: string, names: string[]): Promise<string[]> {
	for (let i = 0; i < names.length; i++) {
		const id = await addMember(page);
		await editText(page, id, 'name', `${tag} ${i}`);
	}
	await search(page, tag);
	await expectRowCount(page, names.length);
	const ids = await page
		.locator('.gh-grid .ag-row[row-id]')
		.evaluateAll((rows) => [
			...new Set(
				rows
					.sort((a, b) => Number(a.getAttribute('row-index')) - Number(b.getAttribute('row-index')))
					.map((r) => r.getAttribute('row-id')!)
			)
		]);
	for (let i = 0; i < ids.length; i++) await editText(page, ids[i], 'name', `${tag} ${names[i]}`);
	return ids;
}

test('[C28] a spreadsheet range pasted on a cell fills the cells it covers, in one undo step', async ({
	browser
}) => {
	const { context, page } = await loginContext(browser, sara);
	await clipboardContext(page);
	await waitForGrid(page);
	const tag = uniqueTag('P');
	const ids = await rowsTagged(page, tag, ['one', 'two', 'three']);
	await editText(page, ids[2], 'legalRep', 'Kept Before');

	// Region, legal rep., phone, email, join date, source: as Excel writes it (CRLF, a
	// quoted cell with quotes and a line break), five rows for three.
	const tsv = [
		'Tehran\t"Ali ""Rez"" Karimi"\t0912 123 4567\tone@x.example\t2024-04-03\tExhibition',
		'Shiraz\tSara\tnot a phone\ttwo@x.example\t2024/05/01\tWebsite / QR sign-up',
		'Tabriz\t\t021 555 0101\tthree@x.example\tnot a date\tnonsense',
		'"Below\nthe last"\tx\tx\tx\tx\tx',
		'Below too\tx\tx\tx\tx\tx',
		''
	].join('\r\n');
	await writeClipboard(page, tsv);
	await showColumn(page, 'region');
	await cell(page, ids[0], 'region').click();
	await page.keyboard.press('Control+V');

	await expect(cellValue(page, ids[0], 'region')).toHaveText('Tehran');
	await expect(cellValue(page, ids[0], 'legalRep')).toHaveText('Ali "Rez" Karimi');
	await expect(cellValue(page, ids[1], 'region')).toHaveText('Shiraz');
	await expect(cellValue(page, ids[2], 'region')).toHaveText('Tabriz');
	// A blank pasted cell clears, as Delete does.
	await expect(cellValue(page, ids[2], 'legalRep')).toHaveText('');
	await showColumn(page, 'email');
	await expect(cellValue(page, ids[0], 'phone')).toHaveText('0912 123 4567');
	await expect(cellValue(page, ids[1], 'phone')).toHaveText('');
	await expect(cellValue(page, ids[2], 'email')).toHaveText('three@x.example');
	await showColumn(page, 'source');
	await expect(cellValue(page, ids[0], 'joinDate')).toHaveText(/2024/);
	await expect(cellValue(page, ids[1], 'source')).toHaveText('Website / QR sign-up');
	await expect(cellValue(page, ids[2], 'joinDate')).toHaveText('');
	await expect(cellValue(page, ids[2], 'source')).toHaveText('');
	// Nothing else moved: the names are as they were, no row was added.
	await expectRowCount(page, 3);
	await showColumn(page, 'name');
	await expect(cellValue(page, ids[0], 'name')).toHaveText(`${tag} one`);

	const report = page.getByTestId('paste-report');
	await expect(report).toContainText('15 cells pasted.');
	await expect(report).toContainText(
		'2 pasted rows fell below the last row and are not pasted yet'
	);
	await expect(report).toContainText('3 cells were not written');
	await expect(report).toContainText(`${tag} two, Phone: “not a phone”.`);
	await expect(report).toContainText(`${tag} three, Join date: “not a date”.`);
	await expect(report).toContainText(`${tag} three, Source channel: “nonsense”.`);

	// One undo step takes the whole paste back.
	await page.getByTestId('toast-undo').click();
	await showColumn(page, 'phone');
	await expect(cellValue(page, ids[0], 'phone')).toHaveText('');
	await showColumn(page, 'source');
	await expect(cellValue(page, ids[1], 'source')).toHaveText('');
	await showColumn(page, 'region');
	await expect(cellValue(page, ids[0], 'region')).toHaveText('');
	await expect(cellValue(page, ids[2], 'legalRep')).toHaveText('Kept Before');
	await showColumn(page, 'name');
	await expect(cellValue(page, ids[0], 'name')).toHaveText(`${tag} one`);
	await context.close();
});

test('[C31] pasted rows below the last row are offered as new members, added in the paste’s undo step', async ({
	browser
}) => {
	const { context, page } = await loginContext(browser, sara);
	await clipboardContext(page);
	await waitForGrid(page);
	const tag = uniqueTag('N');
	const ids = await rowsTagged(page, tag, ['one', 'two']);
	// Name, status, tier: two rows for the two shown, three below the last row.
	const tsv = [
		`${tag} first`,
		`${tag} second`,
		`${tag} third\tapplicant`,
		`${tag} fourth\t\tno such tier`,
		`${tag} fifth\t\tCouncil member`
	].join('\r\n');
	await writeClipboard(page, tsv);
	await cell(page, ids[0], 'name').click();
	await page.keyboard.press('Control+V');
	await expect(cellValue(page, ids[1], 'name')).toHaveText(`${tag} second`);
	const report = page.getByTestId('paste-report');
	await expect(report).toContainText('2 cells pasted.');
	await expect(report).toContainText(
		'3 pasted rows fell below the last row and are not pasted yet'
	);
	// Nothing is added until the person says so.
	await expectRowCount(page, 2);

	await page.getByTestId('paste-add-rows').click();
	await expect(page.getByTestId('paste-add-rows')).toHaveCount(0);
	await expectRowCount(page, 5);
	await expect(report).toContainText('3 new members added.');
	// As typed in a cell: the status column is not written, a tier that is none is refused.
	await expect(report).toContainText('3 cells landed on columns that cannot be changed here');
	await expect(report).toContainText('1 cell was not written');
	await expect(report).toContainText('pasted row 4, Tier: “no such tier”.');
	expect((await columnValues(page, 'name')).sort()).toEqual(
		[`${tag} fifth`, `${tag} first`, `${tag} fourth`, `${tag} second`, `${tag} third`].sort()
	);
	const rows = page.locator('.gh-grid .ag-row[row-id]');
	const fifth = await rows
		.filter({ hasText: `${tag} fifth` })
		.first()
		.getAttribute('row-id');
	await expect(cellValue(page, fifth!, 'tier')).toHaveText('Council member');
	const third = await rows
		.filter({ hasText: `${tag} third` })
		.first()
		.getAttribute('row-id');
	await expect(cellValue(page, third!, 'status')).toHaveText('Prospect');

	// One Undo takes back the paste and the members it added.
	await page.getByTestId('toast-undo').click();
	await expectRowCount(page, 2);
	await expect(cellValue(page, ids[0], 'name')).toHaveText(`${tag} one`);
	await expect(cellValue(page, ids[1], 'name')).toHaveText(`${tag} two`);
	await context.close();
});

test('[C31] rows added from a paste under a quick search that hides them: the search is cleared and they show', async ({
	browser
}) => {
	const { context, page } = await loginContext(browser, sara);
	await clipboardContext(page);
	await waitForGrid(page);
	const tag = uniqueTag('H');
	const other = uniqueTag('F');
	// The search shows one row; the two rows pasted below it do not match it.
	const [id] = await rowsTagged(page, tag, ['one']);
	await writeClipboard(page, [`${tag} first`, `${other} second`, `${other} third`].join('\r\n'));
	await cell(page, id, 'name').click();
	await page.keyboard.press('Control+V');
	await expect(cellValue(page, id, 'name')).toHaveText(`${tag} first`);
	await page.getByTestId('paste-add-rows').click();
	const report = page.getByTestId('paste-report');
	await expect(report).toContainText('2 new members added.');
	await expect(report).toContainText(
		'The search and filters were cleared so that the new members show'
	);
	await expect(page.getByTestId('quick-search')).toHaveValue('');
	// The first of them is scrolled to and focused.
	const rows = page.locator('.gh-grid .ag-row[row-id]');
	await expect(rows.filter({ hasText: `${other} second` }).first()).toBeVisible();
	await search(page, other);
	await expectRowCount(page, 2);
	await context.close();
});

test('[C28] Ctrl+C copies the focused cell, or the ticked rows as TSV that pastes back', async ({
	browser
}) => {
	const { context, page } = await loginContext(browser, sara);
	await clipboardContext(page);
	await waitForGrid(page);
	const tag = uniqueTag('C');
	const ids = await rowsTagged(page, tag, ['one', 'two']);
	await editText(page, ids[0], 'region', 'Line\twith tab');

	await cell(page, ids[1], 'name').click();
	await page.keyboard.press('Control+C');
	await expect.poll(() => readClipboard(page)).toBe(`${tag} two`);

	for (const id of ids) {
		await page.locator(`.ag-row[row-id="${id}"] .ag-selection-checkbox input`).check();
	}
	await cell(page, ids[0], 'name').click();
	await page.keyboard.press('Control+C');
	// Written once the copy is on record (below), so not at once.
	await expect.poll(() => readClipboard(page)).toContain('\r\n');
	const lines = (await readClipboard(page)).split('\r\n');
	expect(lines[0].split('\t').slice(0, 4)).toEqual(['', `${tag} one`, 'Prospect', '']);
	expect(lines[0]).toContain('"Line\twith tab"');
	expect(lines[1]).toContain(`${tag} two`);
	expect(lines[2]).toBe('');
	// Rows copied are an export of member data [IE1]: on record before the clipboard has them.
	await expect(page.getByTestId('toast')).toContainText('2 rows copied');
	const cookie = await adminCookie();
	const logged = (await (
		await fetch(`${baseURL()}/api/default/exports`, { headers: { cookie } })
	).json()) as { entries: { view: string; format: string; rows: number; userName: string }[] };
	expect(logged.entries.find((e) => e.view === 'membersCopy')).toMatchObject({
		format: 'tsv',
		rows: 2
	});

	// Offline, the copy cannot be recorded: nothing is copied, and the person is told why.
	await writeClipboard(page, 'before');
	await context.setOffline(true);
	await cell(page, ids[0], 'name').click();
	await page.keyboard.press('Control+C');
	await expect(page.getByTestId('toast')).toContainText('Nothing was copied');
	expect(await readClipboard(page)).toBe('before');
	await context.setOffline(false);
	await context.close();
});

test('[C28] Persian: a pasted Persian-digit date and a Persian select label land right', async ({
	browser
}) => {
	const { context, page } = await loginContext(browser, reza, { locale: 'fa' });
	await clipboardContext(page);
	await waitForGrid(page);
	const tag = uniqueTag('F');
	const [id] = await rowsTagged(page, tag, ['یک']);
	await writeClipboard(page, '۱۴۰۳/۰۱/۱۵\tنمایشگاه\n');
	await showColumn(page, 'joinDate');
	await cell(page, id, 'joinDate').click();
	await page.keyboard.press('Control+V');
	await expect(cellValue(page, id, 'joinDate')).toHaveText('۱۵ فروردین ۱۴۰۳');
	await showColumn(page, 'source');
	await expect(cellValue(page, id, 'source')).toHaveText('نمایشگاه');
	await expect(page.getByTestId('paste-report')).toContainText('۲ خانه چسبانده شد.');
	await context.close();
});

test('[C5] a paste longer than the field holds says it was cut, and to what length', async ({
	browser
}) => {
	const { context, page } = await loginContext(browser, sara);
	await clipboardContext(page);
	await waitForGrid(page);
	const tag = uniqueTag('L');
	const [id] = await rowsTagged(page, tag, ['one']);
	// The QA's case: a 500-row range pasted into the name's editor.
	const range = Array.from(
		{ length: 500 },
		(_, i) => `Pasted Co ${i}\tRegion ${i}\t0912${String(i).padStart(7, '0')}\tp${i}@x.example`
	).join('\r\n');
	await writeClipboard(page, range);
	await showColumn(page, 'name');
	await cell(page, id, 'name').click();
	await page.keyboard.press('Enter');
	await expect(editor(page)).toBeFocused();
	await page.keyboard.press('Control+V');
	await expect(editor(page)).toHaveValue(/^Pasted Co 0\t/);
	expect((await editor(page).inputValue()).length).toBe(200);
	const notice = page.getByTestId('cell-notice');
	await expect(notice).toContainText('cut to 200 characters');
	await expect(notice).toContainText('press Esc and paste on the cell');
	await page.keyboard.press('Escape');
	await expect(cellValue(page, id, 'name')).toHaveText(`${tag} one`);

	// Products hold 2,000 characters: a long paste is kept whole, not cut at 100.
	await page.getByRole('button', { name: 'Columns' }).click();
	await page.getByRole('checkbox', { name: 'Products and services' }).check();
	await page.getByRole('button', { name: 'Columns' }).click();
	const products = 'Cotton yarn, dyed fabric and knitwear for export. '.repeat(6).trim();
	await writeClipboard(page, products);
	await showColumn(page, 'products');
	await cell(page, id, 'products').click();
	await page.keyboard.press('Enter');
	await expect(editor(page)).toBeFocused();
	await page.keyboard.press('Control+V');
	await expect(editor(page)).toHaveValue(products);
	await expect(page.getByTestId('cell-notice')).toBeHidden();
	await page.keyboard.press('Control+Enter');
	await expect(cellValue(page, id, 'products')).toHaveText(products);
	await context.close();
});

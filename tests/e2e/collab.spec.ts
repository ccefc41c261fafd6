/**
 * Two staff in two browsers on the same registry: live edits, presence, per-cell
 * merge of concurrent edits, and undo that only undoes one's own edits.
 */
import { expect, test, type Browser } from '@playwright/test';
import { cell, loginContext, showColumn, waitForGrid } from './fixtures';
import { addMember, cellValue, editText, editor, search, uniqueTag } from './members-helpers';
import { USERS } from './users';

const sara = USERS[0];
const li = USERS[1];

async function twoStaff(browser: Browser) {
	const a = await loginContext(browser, sara);
	const b = await loginContext(browser, li);
	await waitForGrid(a.page);
	await waitForGrid(b.page);
	return { a, b };
}

test('[C7] an edit in one browser shows in the other at once, and presence follows the cursor', async ({
	browser
}) => {
	const { a, b } = await twoStaff(browser);
	const tag = uniqueTag('C');
	await search(b.page, tag); // B watches this test's rows only
	const id = await addMember(a.page);
	await editText(a.page, id, 'name', `${tag} Shared Co`);
	await expect(cellValue(b.page, id, 'name')).toHaveText(`${tag} Shared Co`, { timeout: 3000 });

	// B sees where A is: A's name on A's colour, in that cell.
	await cell(a.page, id, 'region').click();
	const onRegion = cell(b.page, id, 'region').locator('.gh-presence[data-user="sara"]');
	await expect(onRegion).toHaveText(sara.displayName);
	await expect(onRegion).toHaveCSS('background-color', /^rgb\(/);
	await expect(cell(b.page, id, 'region')).toHaveClass(/gh-presence-cell/);
	// A moves; the badge moves with A. Nobody sees themselves.
	await a.page.keyboard.press('ArrowLeft');
	await expect(onRegion).toHaveCount(0);
	await expect(b.page.locator('.gh-presence[data-user="sara"]')).toHaveCount(1);
	await expect(a.page.locator('.gh-presence[data-user="sara"]')).toHaveCount(0);
	// And the other way round.
	await cell(b.page, id, 'name').click();
	await expect(cell(a.page, id, 'name').locator('.gh-presence[data-user="li"]')).toHaveText(
		li.displayName
	);

	// A remote edit does not move B's focus.
	await editText(a.page, id, 'legalRep', 'Chen Wei');
	await expect(cellValue(b.page, id, 'legalRep')).toHaveText('Chen Wei');
	await expect(cell(b.page, id, 'name')).toHaveClass(/ag-cell-focus/);

	// A goes to a column B has not scrolled to (the grid draws only the columns in
	// view): B sees A there once B scrolls to it.
	await showColumn(a.page, 'email');
	await cell(a.page, id, 'email').click();
	await expect(b.page.locator('.gh-presence[data-user="sara"]')).toHaveCount(0);
	await showColumn(b.page, 'email');
	await expect(cell(b.page, id, 'email').locator('.gh-presence[data-user="sara"]')).toHaveText(
		sara.displayName
	);

	// When A leaves, A's badge goes away.
	await a.context.close();
	await expect(b.page.locator('.gh-presence[data-user="sara"]')).toHaveCount(0);
	await b.context.close();
});

test('[C4] edits of different fields of one member at the same time both stay; undo is per person', async ({
	browser
}) => {
	const { a, b } = await twoStaff(browser);
	const tag = uniqueTag('M');
	await search(b.page, tag); // B watches this test's rows only
	const id = await addMember(a.page);
	await editText(a.page, id, 'name', `${tag} Merge Co`);
	await expect(cellValue(b.page, id, 'name')).toHaveText(`${tag} Merge Co`);

	// Both open an editor, then both commit at once.
	await cell(a.page, id, 'region').click();
	await a.page.keyboard.press('Enter');
	await editor(a.page).fill('Isfahan');
	await cell(b.page, id, 'legalRep').click();
	await b.page.keyboard.press('Enter');
	await editor(b.page).fill('Li Na');
	await Promise.all([a.page.keyboard.press('Enter'), b.page.keyboard.press('Enter')]);

	for (const p of [a.page, b.page]) {
		await expect(cellValue(p, id, 'region')).toHaveText('Isfahan');
		await expect(cellValue(p, id, 'legalRep')).toHaveText('Li Na');
	}
	await waitForGrid(a.page);
	await waitForGrid(b.page);

	// A's undo takes back A's region only; B's legal representative stays, for both.
	await cell(a.page, id, 'name').click();
	await a.page.keyboard.press('Control+z');
	for (const p of [a.page, b.page]) {
		await expect(cellValue(p, id, 'region')).toHaveText('');
		await expect(cellValue(p, id, 'legalRep')).toHaveText('Li Na');
		// Reaching the legal representative may have scrolled the name out of view (and
		// so out of the page: columns are virtual): whether it does depends on the
		// widths, and the tier column is wider when the settings' tiers came first.
		await showColumn(p, 'name');
		await expect(cellValue(p, id, 'name')).toHaveText(`${tag} Merge Co`);
	}
	// Redo brings it back everywhere.
	await a.page.getByTestId('redo').click();
	await expect(cellValue(b.page, id, 'region')).toHaveText('Isfahan');
	await a.context.close();
	await b.context.close();
});

test('[C9] a cell being edited is not overwritten under the person editing it', async ({
	browser
}) => {
	const { a, b } = await twoStaff(browser);
	const tag = uniqueTag('E');
	await search(b.page, tag); // B watches this test's rows only
	const id = await addMember(a.page);
	await editText(a.page, id, 'name', `${tag} First`);
	await expect(cellValue(b.page, id, 'name')).toHaveText(`${tag} First`);

	// B is typing in the name when A changes it.
	await cell(b.page, id, 'name').click();
	await b.page.keyboard.press('Enter');
	await editor(b.page).fill(`${tag} From B`);
	await editText(a.page, id, 'name', `${tag} From A`);
	await editText(a.page, id, 'region', 'Mashhad');
	// A's changes have reached B (the region shows), yet B's editor keeps B's text.
	await expect(cellValue(b.page, id, 'region')).toHaveText('Mashhad');
	await expect(editor(b.page)).toBeVisible();
	await expect(editor(b.page)).toHaveValue(`${tag} From B`);
	// B's later commit wins, for everyone.
	await editor(b.page).press('Enter');
	for (const p of [a.page, b.page]) {
		await expect(cellValue(p, id, 'name')).toHaveText(`${tag} From B`);
	}
	await a.context.close();
	await b.context.close();
});

test('[C9] a row deleted under someone typing in it: they are told who deleted it and keep their text', async ({
	browser
}) => {
	const { a, b } = await twoStaff(browser);
	const tag = uniqueTag('L');
	await search(b.page, tag); // B watches this test's rows only
	const id = await addMember(a.page);
	await editText(a.page, id, 'name', `${tag} Going Co`);
	await expect(cellValue(b.page, id, 'name')).toHaveText(`${tag} Going Co`);

	// B is typing the legal representative when A deletes the member.
	await cell(b.page, id, 'legalRep').click();
	await b.page.keyboard.press('Enter');
	await editor(b.page).fill('Typed by B');
	await search(a.page, tag);
	await a.page.locator(`.ag-row[row-id="${id}"] .ag-selection-checkbox input`).check();
	await a.page.getByTestId('delete-selected').click();

	// The row and B's editor are gone, but B is told, by whom, and sees the text.
	await expect(b.page.locator(`.ag-row[row-id="${id}"]`)).toHaveCount(0);
	const lost = b.page.getByTestId('edit-lost');
	await expect(lost).toBeVisible();
	await expect(lost.getByTestId('edit-lost-message')).toHaveText(
		`${sara.displayName} deleted “${tag} Going Co” while you were editing Legal representative. Your text is below, so you can copy it.`
	);
	await expect(lost.getByTestId('edit-lost-value')).toHaveValue('Typed by B');

	// A undoes the deletion: B can save the text after all.
	await a.page.getByTestId('toast-undo').click();
	await expect(lost.getByTestId('edit-lost-back')).toBeVisible();
	await lost.getByTestId('edit-lost-save').click();
	await expect(lost).toHaveCount(0);
	for (const p of [a.page, b.page]) {
		await expect(cellValue(p, id, 'legalRep')).toHaveText('Typed by B');
	}
	await a.context.close();
	await b.context.close();
});

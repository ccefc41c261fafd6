/**
 * Grid helpers for the members, collaboration, offline and read-only tests: adding a
 * member through the toolbar, editing a cell with the keyboard, and reading the
 * grid's order and counts.
 */
import { expect, type Page } from '@playwright/test';
import { cell, showColumn } from './fixtures';

/** A tag that makes this test's rows findable with the quick search. */
export const uniqueTag = (prefix = 'T') =>
	`${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;

/** A cell's shown value, without the presence badge that may sit in the cell. */
export const cellValue = (page: Page, rowId: string, field: string) =>
	cell(page, rowId, field).locator('.gh-cell-value');

export const editor = (page: Page) => page.locator('.gh-editor .gh-editor-input');

/** Click "Add member" and return the new row's id (the new row gets the focus). */
export async function addMember(page: Page): Promise<string> {
	const before = Number(await page.getByTestId('row-count').getAttribute('data-count'));
	await page.getByTestId('add-member').click();
	await expect(page.getByTestId('row-count')).not.toHaveAttribute('data-count', String(before));
	const row = page.locator('.ag-row:has(.ag-cell-focus)').first();
	await expect(row).toHaveCount(1);
	const id = await row.getAttribute('row-id');
	expect(id).toBeTruthy();
	return id!;
}

/** Edit a text-like cell: click, Enter, type, Enter. */
export async function editText(page: Page, id: string, field: string, text: string) {
	await showColumn(page, field);
	await cell(page, id, field).click();
	await page.keyboard.press('Enter');
	await expect(editor(page)).toBeVisible();
	await editor(page).fill(text);
	await editor(page).press('Enter');
	await expect(editor(page)).toHaveCount(0);
}

/** The values of one column in display order, for the rows rendered now. */
export async function columnValues(page: Page, field: string): Promise<string[]> {
	return page.locator('.gh-grid .ag-row[row-id]').evaluateAll(
		(rows, f) =>
			rows
				.map((r) => ({
					i: Number(r.getAttribute('row-index')),
					v: (r.querySelector(`.ag-cell[col-id="${f}"]`) as HTMLElement | null)?.innerText ?? ''
				}))
				.sort((a, b) => a.i - b.i)
				.map((x) => x.v.trim()),
		field
	);
}

export async function search(page: Page, text: string) {
	await page.getByTestId('quick-search').fill(text);
}

export async function expectRowCount(page: Page, n: number) {
	await expect(page.getByTestId('row-count')).toHaveAttribute('data-count', String(n));
}

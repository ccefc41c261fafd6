/** Helpers for tests of the pipeline page (/pipeline). */
import { expect, type Page } from '@playwright/test';

/** The pipeline card of the member with this name. */
export const card = (page: Page, name: string) =>
	page.getByTestId('card').filter({ has: page.getByText(name, { exact: true }) });

export async function openPipeline(page: Page) {
	await page.goto('/pipeline');
	await expect(page.getByTestId('board')).toBeVisible();
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
}

/**
 * Working with no network (a trade fair): edits are kept on the device, counted as
 * waiting, survive a reload while offline, and merge both ways when the network is
 * back, with nothing lost on either side.
 */
import { expect, test, type Page } from '@playwright/test';
import { controlledByServiceWorker, loginContext, waitForGrid } from './fixtures';
import {
	addMember,
	cellValue,
	editText,
	expectRowCount,
	search,
	uniqueTag
} from './members-helpers';
import { USERS } from './users';

const sara = USERS[0];
const li = USERS[1];

const pending = (page: Page) => page.getByTestId('pending-count');

test('[C1][C2] offline edits survive a reload and merge both ways when back online', async ({
	browser
}) => {
	const a = await loginContext(browser, sara);
	const b = await loginContext(browser, li);
	await waitForGrid(a.page);
	await waitForGrid(b.page);
	const tag = uniqueTag('O');
	await search(b.page, tag); // B watches this test's rows only
	const id = await addMember(a.page);
	await editText(a.page, id, 'name', `${tag} Fair Co`);
	await expect(cellValue(b.page, id, 'name')).toHaveText(`${tag} Fair Co`);
	await controlledByServiceWorker(a.page);

	// A loses the network.
	await a.context.setOffline(true);
	const status = a.page.getByTestId('sync-status');
	await expect(status).toHaveAttribute('data-state', 'offline');
	await expect(status).toHaveText('Offline');

	// A keeps working: the edits wait on the device and are counted.
	await editText(a.page, id, 'region', 'Guangzhou');
	const added = await addMember(a.page);
	await editText(a.page, added, 'name', `${tag} Met at the fair`);
	await expect.poll(async () => Number(await pending(a.page).getAttribute('data-count'))).toBe(3);
	await expect(pending(a.page)).toHaveText(/3 changes waiting/);

	// A reload without network opens the local copy, with the count.
	await a.page.reload();
	await expect(a.page.locator('.ag-root')).toBeVisible();
	await expect(status).toHaveAttribute('data-state', 'offline');
	await search(a.page, tag);
	await expect(cellValue(a.page, id, 'region')).toHaveText('Guangzhou');
	await expect(cellValue(a.page, added, 'name')).toHaveText(`${tag} Met at the fair`);
	await expect(pending(a.page)).toHaveAttribute('data-count', '3');
	// Still editable offline after the reload.
	await editText(a.page, added, 'region', 'Shenzhen');
	await expect(pending(a.page)).toHaveAttribute('data-count', '4');

	// Meanwhile B edits the same member (another field) and B's own row.
	await editText(b.page, id, 'legalRep', 'Chen Wei');
	await search(b.page, '');
	const fromB = await addMember(b.page);
	await editText(b.page, fromB, 'name', `${tag} Added by B`);
	await search(b.page, tag);

	// Back online: both converge and nothing waits any more.
	await a.context.setOffline(false);
	await waitForGrid(a.page);
	await expect(pending(a.page)).toHaveAttribute('data-count', '0');
	for (const p of [a.page, b.page]) {
		await expect(cellValue(p, id, 'name')).toHaveText(`${tag} Fair Co`);
		await expect(cellValue(p, id, 'region')).toHaveText('Guangzhou');
		await expect(cellValue(p, id, 'legalRep')).toHaveText('Chen Wei');
		await expect(cellValue(p, added, 'name')).toHaveText(`${tag} Met at the fair`);
		await expect(cellValue(p, added, 'region')).toHaveText('Shenzhen');
		await expect(cellValue(p, fromB, 'name')).toHaveText(`${tag} Added by B`);
		await search(p, tag);
		await expectRowCount(p, 3);
	}
	await a.context.close();
	await b.context.close();
});

test('[C3] a cell cleared offline counts as waiting, and is sent when the network is back', async ({
	browser
}) => {
	const a = await loginContext(browser, sara);
	await waitForGrid(a.page);
	const tag = uniqueTag('Z');
	const id = await addMember(a.page);
	await editText(a.page, id, 'name', `${tag} Cleared`);
	await waitForGrid(a.page);
	await expect(pending(a.page)).toHaveAttribute('data-count', '0');
	await a.context.setOffline(true);
	await expect(a.page.getByTestId('sync-status')).toHaveAttribute('data-state', 'offline');
	// A clear (a delete-only change) counts as waiting too.
	await editText(a.page, id, 'region', 'Harbin');
	await a.page.keyboard.press('ArrowUp');
	await cellValue(a.page, id, 'region').click();
	await a.page.keyboard.press('Delete');
	await expect(cellValue(a.page, id, 'region')).toHaveText('');
	await expect
		.poll(async () => Number(await pending(a.page).getAttribute('data-count')))
		.toBeGreaterThanOrEqual(2);
	await a.context.setOffline(false);
	await waitForGrid(a.page);
	await expect(pending(a.page)).toHaveAttribute('data-count', '0');
	await a.page.reload();
	await waitForGrid(a.page);
	await search(a.page, tag);
	await expect(cellValue(a.page, id, 'name')).toHaveText(`${tag} Cleared`);
	await expect(cellValue(a.page, id, 'region')).toHaveText('');
	await a.context.close();
});

/**
 * Working with no network (a trade fair): edits are kept on the device, counted as
 * waiting, survive a reload while offline, and merge both ways when the network is
 * back, with nothing lost on either side.
 */
import { expect, test, type Page } from '@playwright/test';
import {
	baseURL,
	controlledByServiceWorker,
	loginContext,
	newDeviceContext,
	waitForGrid
} from './fixtures';
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

test('[C1] an offline edit to a member someone else deleted meanwhile: told at sync, with the text', async ({
	browser
}) => {
	const a = await loginContext(browser, sara);
	const b = await loginContext(browser, li);
	await waitForGrid(a.page);
	await waitForGrid(b.page);
	const tag = uniqueTag('Q');
	await search(b.page, tag); // B watches this test's rows only
	const id = await addMember(a.page);
	await editText(a.page, id, 'name', `${tag} Gone Co`);
	await expect(cellValue(b.page, id, 'name')).toHaveText(`${tag} Gone Co`);
	await controlledByServiceWorker(a.page);

	await a.context.setOffline(true);
	await expect(a.page.getByTestId('sync-status')).toHaveAttribute('data-state', 'offline');
	await editText(a.page, id, 'legalRep', 'Typed at the fair');
	// Meanwhile B deletes that member.
	await b.page.locator(`.ag-row[row-id="${id}"] .ag-selection-checkbox input`).check();
	await b.page.getByTestId('delete-selected').click();
	await expectRowCount(b.page, 0);
	await expect(a.page.getByTestId('edit-lost')).toHaveCount(0);

	// Back online: the member goes, and A is told what was not saved and by whom.
	await a.context.setOffline(false);
	await waitForGrid(a.page);
	await expect(a.page.locator(`.ag-row[row-id="${id}"]`)).toHaveCount(0);
	const lost = a.page.getByTestId('edit-lost');
	await expect(lost.getByTestId('edit-lost-message')).toHaveText(
		`${li.displayName} deleted “${tag} Gone Co” while you were offline. Your changes to it (Legal representative) were not saved; your text is below.`
	);
	await expect(lost.getByTestId('edit-lost-value')).toHaveValue('Typed at the fair');
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

test('[C19] the offline shell installs at load on the login page, and after the first sync on a data page', async ({
	browser
}) => {
	// Where the page was when the app asked for the service worker.
	const recordRegister = () => {
		const w = window as unknown as { shellAsked?: string };
		const register = ServiceWorkerContainer.prototype.register;
		ServiceWorkerContainer.prototype.register = function (
			this: ServiceWorkerContainer,
			...args: Parameters<ServiceWorkerContainer['register']>
		) {
			w.shellAsked ??=
				document.querySelector('[data-testid=sync-status]')?.getAttribute('data-state') ??
				'no sync status';
			return register.apply(this, args);
		};
	};
	const shellAsked = (page: Page) =>
		page.evaluate(() => (window as unknown as { shellAsked?: string }).shellAsked);

	// The login page has no data to wait for.
	const login = await browser.newContext({ baseURL: baseURL() });
	await login.addInitScript(recordRegister);
	const loginPage = await login.newPage();
	await loginPage.goto('/login');
	await controlledByServiceWorker(loginPage);
	expect(await shellAsked(loginPage)).toBe('no sync status');
	await login.close();

	// A new device opening /members itself (a bookmark; the session cookie from the API).
	const context = await newDeviceContext(browser, sara);
	await context.addInitScript(recordRegister);
	const page = await context.newPage();
	await page.goto('/members');
	await waitForGrid(page);
	await controlledByServiceWorker(page);
	// Asked only once the registry was in step, not at load.
	expect(await shellAsked(page)).toBe('online');

	// And it serves: the page reloads with no network, from this device's copy.
	await context.setOffline(true);
	const shell = page.waitForResponse((r) => r.request().isNavigationRequest());
	await page.reload();
	await expect(page.locator('.ag-root')).toBeVisible();
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'offline');
	// The shell keeps its Content-Security-Policy, whose nonce its scripts carry.
	expect((await shell).headers()['content-security-policy']).toMatch(/script-src 'self' 'nonce-/);
	await context.close();
});

test('[C19] build files come from the shell cache without running the worker, and from the network when it lacks one', async ({
	browser
}) => {
	const context = await browser.newContext({ baseURL: baseURL() });
	const page = await context.newPage();
	await page.goto('/login');
	await controlledByServiceWorker(page);
	await page.reload();
	await expect(page.locator('input[name=username]')).toBeVisible();
	// Resource Timing says how the worker's router answered each request.
	type Routed = { name: string; matched: string; final: string };
	const routed = (): Routed[] =>
		performance
			.getEntriesByType('resource')
			.filter((e) => new URL(e.name).pathname.startsWith('/_app/immutable/'))
			.map((e) => {
				const r = e as PerformanceResourceTiming & {
					workerMatchedSourceType?: string;
					workerFinalSourceType?: string;
				};
				return {
					name: r.name,
					matched: r.workerMatchedSourceType ?? '',
					final: r.workerFinalSourceType ?? ''
				};
			});
	const loaded = await page.evaluate(routed);
	expect(loaded.filter((e) => e.name.endsWith('.js')).length).toBeGreaterThan(3);
	for (const e of loaded) expect(e, e.name).toMatchObject({ matched: 'cache', final: 'cache' });

	// A file the cache does not hold (caches cleared here) still loads, from the network.
	const missed = await page.evaluate(async (url) => {
		for (const key of await caches.keys()) await caches.delete(key);
		const res = await fetch(url, { cache: 'no-store' });
		return { status: res.status, body: (await res.text()).length };
	}, loaded[0].name);
	expect(missed.status).toBe(200);
	expect(missed.body).toBeGreaterThan(0);
	await expect
		.poll(async () => (await page.evaluate(routed)).filter((e) => e.name === loaded[0].name).at(-1))
		.toMatchObject({ matched: 'cache', final: 'network' });
	await context.close();
});

/**
 * Working with no network (a trade fair): edits are kept on the device, counted as
 * waiting, survive a reload while offline, and merge both ways when the network is
 * back, with nothing lost on either side.
 */
import { expect, test, type Page } from '@playwright/test';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { MESSAGE } from '../../src/lib/domain/protocol';
import {
	baseURL,
	controlledByServiceWorker,
	loginContext,
	loginCookie,
	newDeviceContext,
	openDoc,
	showColumn,
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
import { USERS, type TestUser } from './users';

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

/** A cell's shown value, its column scrolled into view first. */
async function shownValue(page: Page, rowId: string, field: string) {
	await showColumn(page, field);
	return cellValue(page, rowId, field);
}

/**
 * Write fields of members as `user` through a sync client in this process whose Yjs
 * client id is chosen: of concurrent writes to one field, Yjs keeps the one of the
 * higher client id, so the highest (0xffffffff) always wins over the app's and the
 * lowest (1) always loses. Resolves once the server has stored the write (its ACK).
 */
async function writeConcurrently(
	user: TestUser,
	clientID: number,
	values: Record<string, Record<string, string>>
) {
	const { doc, provider, close } = await openDoc(
		'default/registry',
		await loginCookie(user.username, user.password)
	);
	const stored = new Promise<void>((resolve) => {
		provider.messageHandlers[MESSAGE.ack] = (_enc, dec) => {
			const acked = Y.decodeStateVector(decoding.readVarUint8Array(dec));
			if ((acked.get(clientID) ?? 0) > 0) resolve();
		};
	});
	// Written in a doc of that client id, then sent through the synced one.
	const writer = new Y.Doc();
	writer.clientID = clientID;
	Y.applyUpdate(writer, Y.encodeStateAsUpdate(doc));
	writer.transact(() => {
		for (const [rowId, fields] of Object.entries(values)) {
			const row = writer.getMap('members').get(rowId) as Y.Map<unknown>;
			for (const [k, v] of Object.entries(fields)) row.set(k, v);
		}
	});
	Y.applyUpdate(doc, Y.encodeStateAsUpdate(writer, Y.encodeStateVector(doc)));
	writer.destroy();
	await stored;
	close();
}

/** The edits waiting to be checked on this device (dexie `offlineEdits`, read straight from IndexedDB). */
function storedOfflineEdits(page: Page): Promise<{ key: string; rowId: string; field: string }[]> {
	return page.evaluate(
		() =>
			new Promise((resolve, reject) => {
				const req = indexedDB.open('guildhall');
				req.onerror = () => reject(req.error);
				req.onsuccess = () => {
					const db = req.result;
					if (!db.objectStoreNames.contains('offlineEdits')) {
						db.close();
						return resolve([]);
					}
					const all = db.transaction('offlineEdits').objectStore('offlineEdits').getAll();
					all.onsuccess = () => {
						db.close();
						resolve(all.result);
					};
					all.onerror = () => reject(all.error);
				};
			})
	);
}

const replacedField = (page: Page, rowId: string, field: string) =>
	page.locator(
		`[data-testid=replaced-row][data-row="${rowId}"] [data-testid=replaced-field][data-field="${field}"]`
	);

test('[C21] an offline edit and a concurrent one to the same field: only the side whose value was replaced is told, and can use theirs again', async ({
	browser
}) => {
	const a = await loginContext(browser, sara);
	const b = await loginContext(browser, li);
	await waitForGrid(a.page);
	await waitForGrid(b.page);
	const tag = uniqueTag('W');
	await search(b.page, tag); // B watches this test's rows only
	const id = await addMember(a.page);
	await editText(a.page, id, 'name', `${tag} Phone Co`);
	await editText(a.page, id, 'phone', '021 1111 0000');
	await expect(await shownValue(b.page, id, 'phone')).toHaveText('021 1111 0000');
	await controlledByServiceWorker(a.page);

	await a.context.setOffline(true);
	await expect(a.page.getByTestId('sync-status')).toHaveAttribute('data-state', 'offline');
	await editText(a.page, id, 'phone', '021 2222 0000');
	await editText(a.page, id, 'region', 'Guangzhou'); // nobody else writes it
	// Meanwhile B, online, writes the same field (and one A never touched).
	await editText(b.page, id, 'phone', '021 3333 0000');
	await editText(b.page, id, 'legalRep', 'Chen Wei');
	await waitForGrid(b.page);

	await a.context.setOffline(false);
	await waitForGrid(a.page);
	await expect(await shownValue(b.page, id, 'region')).toHaveText('Guangzhou');
	await expect(await shownValue(a.page, id, 'legalRep')).toHaveText('Chen Wei');
	// Both hold the one value Yjs kept (the higher client id's, [C1]).
	const kept = (await (await shownValue(a.page, id, 'phone')).innerText()).trim();
	expect(['021 2222 0000', '021 3333 0000']).toContain(kept);
	// Which case this run saw (the client ids are random): in the list reporter's output.
	test.info().annotations.push({ type: 'kept', description: kept === '021 2222 0000' ? 'A' : 'B' });
	await expect(await shownValue(b.page, id, 'phone')).toHaveText(kept);
	// B was online: B's write was replaced by a later one, as any online edit can be.
	await expect(b.page.getByTestId('edit-replaced')).toHaveCount(0);
	if (kept === '021 2222 0000') {
		// A's value stayed: nothing to tell A.
		await expect(a.page.getByTestId('edit-replaced')).toHaveCount(0);
	} else {
		// A's value was replaced: A is told which member and field, both values, who.
		const notice = a.page.getByTestId('edit-replaced');
		await expect(notice.getByTestId('replaced-member')).toHaveText(`${tag} Phone Co`);
		await expect(notice.getByTestId('replaced-field')).toHaveCount(1);
		const phone = replacedField(a.page, id, 'phone');
		await expect(phone.getByTestId('replaced-mine')).toHaveValue('021 2222 0000');
		await expect(phone.getByTestId('replaced-kept')).toContainText(
			`Kept: “021 3333 0000”, written by ${li.displayName} on `
		);
		await phone.getByTestId('replaced-use-mine').click();
		await expect(notice).toHaveCount(0);
		for (const p of [a.page, b.page])
			await expect(await shownValue(p, id, 'phone')).toHaveText('021 2222 0000');
		await expect(b.page.getByTestId('edit-replaced')).toHaveCount(0);
	}
	await a.context.close();
	await b.context.close();
});

test('[C21] offline edits made before a reload while offline are still checked when the network is back', async ({
	browser
}) => {
	const a = await loginContext(browser, sara);
	await waitForGrid(a.page);
	const tag = uniqueTag('R');
	const one = await addMember(a.page);
	await editText(a.page, one, 'name', `${tag} One`);
	await editText(a.page, one, 'phone', '021 1000');
	const two = await addMember(a.page);
	await editText(a.page, two, 'name', `${tag} Two`);
	await waitForGrid(a.page);
	await controlledByServiceWorker(a.page);
	const status = a.page.getByTestId('sync-status');

	await a.context.setOffline(true);
	await expect(status).toHaveAttribute('data-state', 'offline');
	await editText(a.page, one, 'phone', '021 2000');
	await editText(a.page, two, 'email', 'two@fair.cn');
	await editText(a.page, two, 'region', 'Harbin');
	// The edits are kept on the device, not only in the page.
	await expect
		.poll(async () => (await storedOfflineEdits(a.page)).map((e) => e.field).sort())
		.toEqual(['email', 'phone', 'region']);
	await a.page.reload();
	await expect(a.page.locator('.ag-root')).toBeVisible();
	await expect(status).toHaveAttribute('data-state', 'offline');
	await search(a.page, tag);
	await expect(await shownValue(a.page, one, 'phone')).toHaveText('021 2000');
	await editText(a.page, two, 'phone', '021 5000'); // after the reload

	// Meanwhile Li writes some of the same fields: these win (the highest client id)...
	await writeConcurrently(li, 0xffffffff, {
		[one]: { phone: '021 3000' },
		[two]: { email: 'li@fair.cn', phone: '021 6000' }
	});
	// ...and this one loses to A's value.
	await writeConcurrently(li, 1, { [two]: { region: 'Xi’an' } });

	await a.context.setOffline(false);
	await waitForGrid(a.page);
	const notice = a.page.getByTestId('edit-replaced');
	// One notice, by member: the replaced fields only (A's region stayed).
	await expect(notice).toHaveCount(1);
	await expect(notice.getByTestId('replaced-row')).toHaveCount(2);
	for (const [rowId, name] of [
		[one, `${tag} One`],
		[two, `${tag} Two`]
	])
		await expect(
			notice
				.locator(`[data-testid=replaced-row][data-row="${rowId}"]`)
				.getByTestId('replaced-member')
		).toHaveText(name);
	await expect(notice.getByTestId('replaced-field')).toHaveCount(3);
	await expect(await shownValue(a.page, two, 'region')).toHaveText('Harbin');
	const onePhone = replacedField(a.page, one, 'phone');
	await expect(onePhone.getByTestId('replaced-mine')).toHaveValue('021 2000');
	await expect(onePhone.getByTestId('replaced-kept')).toContainText(
		`Kept: “021 3000”, written by ${li.displayName} on `
	);
	await expect(replacedField(a.page, two, 'email').getByTestId('replaced-mine')).toHaveValue(
		'two@fair.cn'
	);
	await expect(replacedField(a.page, two, 'phone').getByTestId('replaced-mine')).toHaveValue(
		'021 5000'
	);

	// Use mine writes A's value again; Keep theirs leaves the kept one.
	await onePhone.getByTestId('replaced-use-mine').click();
	await expect(await shownValue(a.page, one, 'phone')).toHaveText('021 2000');
	await replacedField(a.page, two, 'email').getByTestId('replaced-keep').click();
	await expect(notice.getByTestId('replaced-field')).toHaveCount(1);
	await notice.getByTestId('replaced-close').click();
	await expect(notice).toHaveCount(0);
	await expect(await shownValue(a.page, two, 'email')).toHaveText('li@fair.cn');
	await expect(await shownValue(a.page, two, 'phone')).toHaveText('021 6000');

	// Checked once: nothing is left on the device to tell again.
	await expect.poll(() => storedOfflineEdits(a.page)).toEqual([]);
	await a.context.close();
});

test('[C21] logout deletes the offline edits kept on the device', async ({ browser }) => {
	const { context, page } = await loginContext(browser, sara);
	await waitForGrid(page);
	const id = await addMember(page);
	await editText(page, id, 'name', `${uniqueTag('L')} Logout`);
	await waitForGrid(page);
	await context.setOffline(true);
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'offline');
	await editText(page, id, 'phone', '021 7000');
	await expect.poll(async () => (await storedOfflineEdits(page)).length).toBe(1);
	await page.getByTestId('logout').click();
	await page
		.locator('dialog[open]')
		.getByRole('button', { name: 'Log out and discard changes' })
		.click();
	await expect(page).toHaveURL(/\/login$/);
	await expect.poll(() => storedOfflineEdits(page)).toEqual([]);
	await context.close();
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

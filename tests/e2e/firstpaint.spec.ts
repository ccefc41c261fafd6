/**
 * First paint from the row cache [C14][C15]: with a warm local copy and no server,
 * /members shows the cached rows read-only before the doc has loaded; the doc then
 * replaces them, and the server's news (another person's edit, a row deleted
 * meanwhile) shows once it is reachable. Logout wipes the cache with the local copy.
 * A new device, with nothing cached, shows the server's rows the same way [C20].
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import {
	baseURL,
	cell,
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
import { USERS, type TestUser } from './users';

const sara = USERS[0];
const li = USERS[1];

interface CacheDump {
	keys: string[];
	rows: { id: string; name?: string }[];
	chunks: number;
}

/** What dexie's row cache holds (read straight from IndexedDB). */
function readCache(page: Page): Promise<CacheDump> {
	return page.evaluate(
		() =>
			new Promise<CacheDump>((resolve, reject) => {
				const req = indexedDB.open('guildhall');
				req.onerror = () => reject(req.error);
				req.onsuccess = () => {
					const db = req.result;
					if (!db.objectStoreNames.contains('rowCaches')) {
						db.close();
						resolve({ keys: [], rows: [], chunks: 0 });
						return;
					}
					const tx = db.transaction(['rowCaches', 'rowChunks'], 'readonly');
					const metas = tx.objectStore('rowCaches').getAll();
					const chunks = tx.objectStore('rowChunks').getAll();
					tx.oncomplete = () => {
						db.close();
						const m = metas.result as { key: string; gen: string }[];
						const c = chunks.result as { gen: string; rows: CacheDump['rows'] }[];
						const gens = new Set(m.map((x) => x.gen));
						resolve({
							keys: m.map((x) => x.key),
							rows: c.filter((x) => gens.has(x.gen)).flatMap((x) => x.rows),
							chunks: c.length
						});
					};
				};
			})
	);
}

/**
 * Hold the opening of the local copies (`gh:*` databases) until the test releases
 * them, so the moment before the doc has loaded can be looked at.
 */
function holdLocalCopies() {
	const open = IDBFactory.prototype.open;
	const held: (() => void)[] = [];
	let released = false;
	(window as unknown as { __releaseCopies: () => void }).__releaseCopies = () => {
		released = true;
		for (const f of held.splice(0)) f();
	};
	IDBFactory.prototype.open = function (this: IDBFactory, name: string, version?: number) {
		const real = () =>
			version === undefined ? open.call(this, name) : open.call(this, name, version);
		if (released || !name.startsWith('gh:')) return real();
		// A stand-in request: lib0/indexeddb sets on* handlers and reads event.target.
		const fake = {
			onsuccess: null as ((e: Event) => void) | null,
			onerror: null as ((e: Event) => void) | null,
			onupgradeneeded: null as ((e: Event) => void) | null,
			onblocked: null as ((e: Event) => void) | null
		};
		held.push(() => {
			const req = real();
			req.onsuccess = (e) => fake.onsuccess?.(e);
			req.onerror = (e) => fake.onerror?.(e);
			req.onupgradeneeded = (e) => fake.onupgradeneeded?.(e);
			req.onblocked = (e) => fake.onblocked?.(e);
		});
		return fake as unknown as IDBOpenDBRequest;
	};
}

test('[C14][C15] cached rows show before the doc loads, the live doc replaces them, logout wipes them', async ({
	browser
}) => {
	const a = await loginContext(browser, sara);
	await waitForGrid(a.page);
	const tag = uniqueTag('P');
	const gone = await addMember(a.page);
	await editText(a.page, gone, 'name', `${tag} Deleted meanwhile`);
	const kept = await addMember(a.page);
	await editText(a.page, kept, 'name', `${tag} Before`);
	await expect(a.page.getByTestId('pending-count')).toHaveAttribute('data-count', '0');
	await controlledByServiceWorker(a.page);
	// The cache follows the doc (written after a quiet moment).
	await expect
		.poll(async () => {
			const c = await readCache(a.page);
			return c.rows.filter((r) => r.id === gone || r.id === kept).map((r) => r.name);
		})
		.toEqual(expect.arrayContaining([`${tag} Deleted meanwhile`, `${tag} Before`]));
	const keys = (await readCache(a.page)).keys;
	expect(keys.length).toBeGreaterThan(0);

	// This device goes away; meanwhile another person edits one row and deletes the other.
	await a.context.setOffline(true);
	await a.page.close();
	const b = await loginContext(browser, li);
	await waitForGrid(b.page);
	await search(b.page, tag);
	await expectRowCount(b.page, 2);
	await editText(b.page, kept, 'name', `${tag} After`);
	await b.page.locator(`.ag-row[row-id="${gone}"] .ag-selection-checkbox input`).check();
	await b.page.getByTestId('delete-selected').click();
	await expectRowCount(b.page, 1);
	await expect(b.page.getByTestId('pending-count')).toHaveAttribute('data-count', '0');

	// Back on this device, server unreachable, local copy slow: the cached rows show,
	// read-only, with a status saying so.
	const page = await a.context.newPage();
	await page.addInitScript(holdLocalCopies);
	await page.goto('/members');
	await expect(page.getByTestId('cache-status')).toBeVisible();
	await expect(page.getByTestId('cache-status')).toContainText('saved on this device');
	await expect(page.getByTestId('add-member')).toBeDisabled();
	await search(page, tag);
	await expect(cellValue(page, kept, 'name')).toHaveText(`${tag} Before`);
	await expect(cellValue(page, gone, 'name')).toHaveText(`${tag} Deleted meanwhile`);
	await cell(page, kept, 'name').click();
	await page.keyboard.press('Enter');
	await expect(page.locator('.gh-editor')).toHaveCount(0);

	// The doc loads (still offline): it replaces the cache, and editing is possible.
	await page.evaluate(() =>
		(window as unknown as { __releaseCopies: () => void }).__releaseCopies()
	);
	await expect(page.getByTestId('cache-status')).toHaveCount(0);
	await expect(page.getByTestId('add-member')).toBeEnabled();
	await expect(cellValue(page, kept, 'name')).toHaveText(`${tag} Before`);

	// The server is reachable again: the other person's edit shows, the deleted row goes.
	await a.context.setOffline(false);
	await waitForGrid(page);
	await expect(cellValue(page, kept, 'name')).toHaveText(`${tag} After`);
	await expect(page.locator(`.ag-row[row-id="${gone}"]`)).toHaveCount(0);
	await expectRowCount(page, 1);
	// ...and the cache follows: the deleted row is not shown again next time.
	await expect
		.poll(async () => {
			const c = await readCache(page);
			return c.rows.filter((r) => r.id === gone || r.id === kept).map((r) => r.name);
		})
		.toEqual([`${tag} After`]);

	// Logout deletes the cached rows (member data) with the local copy.
	await page.getByTestId('logout').click();
	await expect(page).toHaveURL(/\/login$/);
	await expect
		.poll(async () => {
			const c = await readCache(page);
			return { keys: c.keys.filter((k) => keys.includes(k)), chunks: c.chunks };
		})
		.toEqual({ keys: [], chunks: 0 });
	await a.context.close();
	await b.context.close();
});

/** Record what app.html's early read of the row cache did: set, found, taken by the page. */
function watchEarlyRows() {
	const w = window as unknown as {
		__early: { log: string[]; found?: { key: string; chunks: number } | null };
	};
	w.__early = { log: [] };
	let value: unknown;
	Object.defineProperty(window, '__guildhallEarlyRows', {
		configurable: true,
		get: () => value,
		set(v: Promise<{ key: string; chunks: unknown[] } | null> | undefined) {
			value = v;
			w.__early.log.push(v ? 'set' : 'taken');
			v?.then((f) => (w.__early.found = f && { key: f.key, chunks: f.chunks.length }));
		}
	});
}

const earlyRows = (page: Page) =>
	page.evaluate(
		() =>
			(
				window as unknown as {
					__early: { log: string[]; found?: { key: string; chunks: number } | null };
				}
			).__early
	);

test("[C14] the cached rows are read while the app's code loads, and the page takes them", async ({
	browser
}) => {
	// A device with nothing stored: the early read finds nothing.
	const fresh = await browser.newContext({ baseURL: baseURL() });
	const first = await fresh.newPage();
	await first.addInitScript(watchEarlyRows);
	await first.goto('/members');
	await expect(first).toHaveURL(/\/login$/);
	await expect.poll(async () => (await earlyRows(first)).found).toBeNull();
	await fresh.close();

	const { context, page } = await loginContext(browser, sara);
	await waitForGrid(page);
	const id = await addMember(page);
	await editText(page, id, 'name', `${uniqueTag('E')} Early`);
	await expect
		.poll(async () => (await readCache(page)).rows.some((r) => r.id === id && !!r.name))
		.toBe(true);
	const me = await page.evaluate(async () => (await (await fetch('/api/session')).json()).user);
	// The registry page, and the start page that leads to it.
	for (const path of ['/members', '/']) {
		const next = await context.newPage();
		await next.addInitScript(watchEarlyRows);
		await next.addInitScript(holdLocalCopies);
		await next.goto(path);
		await expect(next).toHaveURL(/\/members$/);
		await expect(next.getByTestId('cache-status')).toBeVisible();
		await expect(next.locator(`.ag-row[row-id="${id}"]`).first()).toBeVisible();
		const early = await earlyRows(next);
		expect(early.log).toEqual(['set', 'taken']);
		expect(early.found?.key).toBe(`${me.id}:${me.org}/registry`);
		expect(early.found?.chunks).toBeGreaterThan(0);
		await next.close();
	}
	await context.close();
});

test('[C14] Persian: the cached rows and their status line, right to left', async ({ browser }) => {
	const reza = USERS[2];
	const { context, page } = await loginContext(browser, reza, { locale: 'fa' });
	await waitForGrid(page);
	const id = await addMember(page);
	await editText(page, id, 'name', `${uniqueTag('F')} شرکت نمونه`);
	await expect
		.poll(async () => (await readCache(page)).rows.some((r) => r.id === id && !!r.name))
		.toBe(true);
	const next = await context.newPage();
	await next.addInitScript(holdLocalCopies);
	await next.goto('/members');
	const status = next.getByTestId('cache-status');
	await expect(status).toContainText('ذخیره‌شده در این دستگاه');
	await expect(next.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(next.locator('.gh-grid .ag-rtl')).toHaveCount(1);
	await expect(next.locator(`.ag-row[row-id="${id}"]`).first()).toBeVisible();
	await next.screenshot({ path: 'test-results/screenshots/members-cached-fa.png' });
	await next.evaluate(() =>
		(window as unknown as { __releaseCopies: () => void }).__releaseCopies()
	);
	await expect(status).toHaveCount(0);
	await context.close();
});

/**
 * A new device (fresh context, signed in through the API) whose registry socket gets
 * nothing from the server until `release()`: the moment before its first sync.
 */
async function newDeviceWithSyncHeld(browser: Browser, user: TestUser, locale?: 'fa') {
	const context = await newDeviceContext(browser, user);
	const held: (() => void)[] = [];
	let released = false;
	await context.routeWebSocket(/\/sync\/[^?]+\/registry/, (ws) => {
		const server = ws.connectToServer();
		server.onMessage((m) => {
			if (released) ws.send(m);
			else held.push(() => ws.send(m));
		});
	});
	const page = await context.newPage();
	if (locale) await page.addInitScript((l) => localStorage.setItem('gh.locale', l), locale);
	return {
		context,
		page,
		release() {
			released = true;
			for (const send of held.splice(0)) send();
		}
	};
}

test("[C20] a new device shows the server's rows at once, read-only, then the doc's, editable", async ({
	browser
}) => {
	const a = await loginContext(browser, sara);
	await waitForGrid(a.page);
	const tag = uniqueTag('S');
	const id = await addMember(a.page);
	await editText(a.page, id, 'name', `${tag} 上海丝绸贸易`);
	await expect(a.page.getByTestId('pending-count')).toHaveAttribute('data-count', '0');

	// Nothing from the sync yet: the server's rows show, read-only, with a status line.
	const b = await newDeviceWithSyncHeld(browser, li);
	await b.page.goto('/members');
	const status = b.page.getByTestId('preview-status');
	await expect(status).toContainText('as the server has them');
	await expect(b.page.getByTestId('sync-status')).not.toHaveAttribute('data-state', 'online');
	await expect(b.page.getByTestId('add-member')).toBeDisabled();
	await search(b.page, tag);
	await expect(cellValue(b.page, id, 'name')).toHaveText(`${tag} 上海丝绸贸易`);
	await cell(b.page, id, 'name').click();
	await b.page.keyboard.press('Enter');
	await expect(b.page.locator('.gh-editor')).toHaveCount(0);

	// Meanwhile the row changes on the server; the sync then brings the doc, which
	// replaces the rows shown, and editing is possible.
	await editText(a.page, id, 'name', `${tag} 上海丝绸贸易有限公司`);
	await expect(a.page.getByTestId('pending-count')).toHaveAttribute('data-count', '0');
	b.release();
	await waitForGrid(b.page);
	await expect(status).toHaveCount(0);
	await expect(b.page.getByTestId('add-member')).toBeEnabled();
	await expect(cellValue(b.page, id, 'name')).toHaveText(`${tag} 上海丝绸贸易有限公司`);
	await editText(b.page, id, 'name', `${tag} Shanghai Silk`);
	await expect(cellValue(a.page, id, 'name')).toHaveText(`${tag} Shanghai Silk`);
	await a.context.close();
	await b.context.close();
});

test("[C20] Persian: the server's rows and their status line, right to left, Persian digits", async ({
	browser
}) => {
	const reza = USERS[2];
	const b = await newDeviceWithSyncHeld(browser, reza, 'fa');
	await b.page.goto('/members');
	const status = b.page.getByTestId('preview-status');
	await expect(status).toContainText('همان‌گونه که در سرور');
	// The count of members shown, in Persian digits.
	await expect(status).toHaveText(/^\s*[۰-۹٬]+ عضو/);
	await expect(b.page.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(b.page.locator('.gh-grid .ag-rtl')).toHaveCount(1);
	await expect(b.page.locator('.ag-row[row-id]').first()).toBeVisible();
	await b.page.screenshot({ path: 'test-results/screenshots/members-preview-fa.png' });
	b.release();
	await waitForGrid(b.page);
	await expect(status).toHaveCount(0);
	await b.context.close();
});

/**
 * Login, logout and the session boundary: nothing of the app opens without a login,
 * the API refuses what a role may not do, and a logged-in device opens offline.
 */
import { expect, test } from '@playwright/test';
import {
	adminCookie,
	baseURL,
	controlledByServiceWorker,
	loginContext,
	waitForGrid
} from './fixtures';
import { ADMIN, USERS, type TestUser } from './users';

const sara = USERS[0];
const bahar = USERS[3];

test('visiting /members without a login lands on /login', async ({ browser }) => {
	const context = await browser.newContext({ baseURL: baseURL() });
	const page = await context.newPage();
	await page.goto('/members');
	await expect(page).toHaveURL(/\/login$/);
	await expect(page.locator('input[name=username]')).toBeVisible();
	await expect(page.getByTestId('user-menu')).toHaveCount(0);
	expect((await page.request.get('/api/session')).status()).toBe(401);
	await context.close();
});

test('[C30] opening /login, directly or sent there from a data page, logs no console error', async ({
	browser
}) => {
	const context = await browser.newContext({ baseURL: baseURL() });
	const page = await context.newPage();
	const errors: string[] = [];
	page.on('console', (m) => {
		if (m.type() === 'error') errors.push(m.text());
	});
	page.on('pageerror', (e) => errors.push(e.message));
	const sessionAnswers: number[] = [];
	page.on('response', (r) => {
		if (new URL(r.url()).pathname === '/api/session') sessionAnswers.push(r.status());
	});
	await page.goto('/login');
	await expect(page.locator('input[name=username]')).toBeVisible();
	await page.goto('/members');
	await expect(page).toHaveURL(/\/login$/);
	await expect(page.locator('input[name=username]')).toBeVisible();
	// Each page asked for the session once; a round trip to the page after that has the
	// console messages of those answers delivered (the browser's events come in order).
	await expect.poll(() => sessionAnswers.length).toBe(2);
	await page.evaluate(() => document.title);
	expect(errors).toEqual([]);
	// Nobody signed in is an answer, not a failed request.
	expect(sessionAnswers).toEqual([200, 200]);
	await context.close();
});

test('a wrong password shows the error and keeps the user on /login', async ({ browser }) => {
	const context = await browser.newContext({ baseURL: baseURL() });
	const page = await context.newPage();
	await page.goto('/login');
	await page.locator('input[name=username]').fill(bahar.username);
	await page.locator('input[name=password]').fill('not-the-password');
	await page.locator('button[type=submit]').click();
	await expect(page.locator('[role=alert]')).toContainText('Wrong username or password');
	await expect(page).toHaveURL(/\/login$/);
	// The password field is cleared for the next try; the username stays.
	await expect(page.locator('input[name=password]')).toHaveValue('');
	await expect(page.locator('input[name=username]')).toHaveValue(bahar.username);
	await context.close();
});

test('an empty form says what is missing without asking the server', async ({ browser }) => {
	const context = await browser.newContext({ baseURL: baseURL() });
	const page = await context.newPage();
	await page.goto('/login');
	let posted = false;
	page.on('request', (r) => {
		if (r.url().endsWith('/api/session') && r.method() === 'POST') posted = true;
	});
	await page.locator('button[type=submit]').click();
	await expect(page.locator('[role=alert]')).toContainText('Enter your username and password');
	expect(posted).toBe(false);
	await context.close();
});

test('login with Enter shows the display name; logout returns to /login and ends the session', async ({
	browser
}) => {
	const context = await browser.newContext({ baseURL: baseURL() });
	const page = await context.newPage();
	await page.goto('/login');
	await page.locator('input[name=username]').fill(sara.username);
	await page.locator('input[name=password]').fill(sara.password);
	await page.locator('input[name=password]').press('Enter');
	await expect(page).toHaveURL(/\/members$/);
	await expect(page.getByTestId('user-menu')).toContainText(sara.displayName);
	expect((await page.request.get('/api/session')).status()).toBe(200);

	await page.getByTestId('logout').click();
	await expect(page).toHaveURL(/\/login$/);
	await expect(page.getByTestId('user-menu')).toHaveCount(0);
	expect((await page.request.get('/api/session')).status()).toBe(401);
	// The device no longer remembers the user, so a reload stays on /login.
	await page.goto('/members');
	await expect(page).toHaveURL(/\/login$/);
	await context.close();
});

test('after login the user returns to the page they asked for (?next=)', async ({ browser }) => {
	const context = await browser.newContext({ baseURL: baseURL() });
	const page = await context.newPage();
	await page.goto('/admin/users');
	await expect(page).toHaveURL(/\/login\?next=%2Fadmin%2Fusers$/);
	await page.locator('input[name=username]').fill(ADMIN.username);
	await page.locator('input[name=password]').fill(ADMIN.password);
	await page.locator('button[type=submit]').click();
	await expect(page).toHaveURL(/\/admin\/users$/);
	await expect(page.getByTestId('new-user-form')).toBeVisible();
	await context.close();
});

test('?next= never leaves the app', async ({ browser }) => {
	const context = await browser.newContext({ baseURL: baseURL() });
	const page = await context.newPage();
	await page.goto('/login?next=' + encodeURIComponent('//example.org/x'));
	// Staff: the board's start page is /reports (it has no registry).
	await page.locator('input[name=username]').fill(sara.username);
	await page.locator('input[name=password]').fill(sara.password);
	await page.locator('button[type=submit]').click();
	await expect(page).toHaveURL(new RegExp(`^${baseURL()}/members$`));
	await context.close();
});

test('a staff member fetching /api/users directly gets 403', async ({ browser }) => {
	const { context, page } = await loginContext(browser, sara);
	const status = await page.evaluate(async () => (await fetch('/api/users')).status);
	expect(status).toBe(403);
	await context.close();
});

test('with no network, a reload of /members still opens the app from this device', async ({
	browser
}) => {
	const { context, page } = await loginContext(browser, sara);
	await controlledByServiceWorker(page);
	await context.setOffline(true);
	await page.reload();
	await expect(page).toHaveURL(/\/members$/);
	await expect(page.getByTestId('user-menu')).toContainText(sara.displayName);
	await expect(page.getByTestId('offline-banner')).toBeVisible();
	// /api answers from the worker say "offline", never a cached copy.
	const api = await page.evaluate(async () => {
		const r = await fetch('/api/session');
		return { status: r.status, body: await r.json() };
	});
	expect(api).toEqual({
		status: 503,
		body: { error: expect.objectContaining({ code: 'offline' }) }
	});

	// Member data and sessions never enter the HTTP cache: only the shell and build files.
	const cached = await page.evaluate(async () => {
		const urls: string[] = [];
		for (const k of await caches.keys()) {
			for (const r of await (await caches.open(k)).keys()) urls.push(new URL(r.url).pathname);
		}
		return urls;
	});
	expect(cached.length).toBeGreaterThan(0);
	expect(cached.filter((p) => /^\/(api|sync|healthz)(\/|$)/.test(p))).toEqual([]);

	await context.setOffline(false);
	await page.evaluate(() => window.dispatchEvent(new Event('online')));
	await expect(page.getByTestId('offline-banner')).toHaveCount(0);
	await context.close();
});

const localCopies = (page: import('@playwright/test').Page) =>
	page.evaluate(async () =>
		(await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => n.startsWith('gh:'))
	);

test('logout deletes this device’s copy of the data', async ({ browser }) => {
	const { context, page } = await loginContext(browser, sara);
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
	await expect.poll(() => localCopies(page)).not.toEqual([]);
	await page.getByTestId('logout').click();
	await expect(page).toHaveURL(/\/login$/);
	await expect.poll(() => localCopies(page)).toEqual([]);
	await context.close();
});

test('logging out offline with unsynced changes asks first, and the logout reaches the server later', async ({
	browser
}) => {
	const { context, page } = await loginContext(browser, sara);
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
	await context.setOffline(true);
	await page.getByTestId('add-member').click();
	await page.keyboard.press('Escape');
	await expect(page.getByTestId('pending-count')).not.toHaveAttribute('data-count', '0');

	// Staying keeps the user and the change.
	await page.getByTestId('logout').click();
	const dialog = page.locator('dialog[open]');
	await expect(dialog).toContainText('You are offline');
	await dialog.getByRole('button', { name: 'Stay logged in' }).click();
	await expect(page.getByTestId('user-menu')).toContainText(sara.displayName);

	// Confirming logs out now, deletes the copy, and owes the server the logout.
	await page.getByTestId('logout').click();
	await dialog.getByRole('button', { name: 'Log out and discard changes' }).click();
	await expect(page).toHaveURL(/\/login$/);
	await expect.poll(() => localCopies(page)).toEqual([]);

	// Back online, the next start ends the server session before anything else,
	// so the cookie left in the browser no longer opens the app.
	await context.setOffline(false);
	await page.goto('/members');
	await expect(page).toHaveURL(/\/login$/);
	expect((await page.request.get('/api/session')).status()).toBe(401);
	await context.close();
});

/** A fresh staff user, so that resetting its password disturbs no other test. */
async function freshStaff(): Promise<{ id: number; username: string; password: string }> {
	const user = {
		username: `shared-${Math.random().toString(36).slice(2, 8)}`,
		password: 'shared-password-1'
	};
	const r = await fetch(`${baseURL()}/api/users`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: baseURL(), cookie: await adminCookie() },
		body: JSON.stringify({ ...user, roles: ['staff'] })
	});
	expect(r.status).toBe(201);
	return { id: (await r.json()).user.id, ...user };
}

/** An administrator sets a new password: the user's sessions end (4401). */
async function resetPassword(id: number): Promise<void> {
	const r = await fetch(`${baseURL()}/api/users/${id}`, {
		method: 'PATCH',
		headers: { 'content-type': 'application/json', origin: baseURL(), cookie: await adminCookie() },
		body: JSON.stringify({ password: 'another-password-2' })
	});
	expect(r.status).toBe(200);
}

/** What this browser holds of a user: local copies and cached rows (as devtools shows them). */
const dataOf = (page: import('@playwright/test').Page, userId: number) =>
	page.evaluate(async (id) => {
		const names = (await indexedDB.databases()).map((d) => d.name ?? '');
		const out = names.filter((n) => n.startsWith(`gh:${id}:`));
		if (!names.includes('guildhall')) return out;
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const q = indexedDB.open('guildhall');
			q.onsuccess = () => resolve(q.result);
			q.onerror = () => reject(q.error);
		});
		for (const store of ['rowChunks', 'rowCaches', 'pending']) {
			if (!db.objectStoreNames.contains(store)) continue;
			const rows = await new Promise<unknown[]>((resolve) => {
				const q = db.transaction(store).objectStore(store).getAll();
				q.onsuccess = () => resolve(q.result);
			});
			const mine = rows.filter((r) => {
				const key = (r as { key?: string; room?: string }).key ?? (r as { room?: string }).room;
				return typeof key === 'string' && key.startsWith(`${id}:`);
			});
			if (mine.length > 0) out.push(`${store}:${mine.length}`);
		}
		db.close();
		return out;
	}, userId);

async function signInOnPage(
	page: import('@playwright/test').Page,
	user: Pick<TestUser, 'username' | 'password'>
) {
	await page.locator('input[name=username]').fill(user.username);
	await page.locator('input[name=password]').fill(user.password);
	await page.locator('button[type=submit]').click();
}

test('[C25] a session ended by a password reset leaves no member data for the next user of the browser', async ({
	browser
}) => {
	const staff = await freshStaff();
	const { context, page } = await loginContext(browser, staff);
	await waitForGrid(page);
	await expect.poll(() => dataOf(page, staff.id)).toContain(`gh:${staff.id}:default/registry`);

	await resetPassword(staff.id);
	await expect(page).toHaveURL(/\/login/);
	// Gone before anyone signs in: nothing waited to be sent.
	await expect.poll(() => dataOf(page, staff.id)).toEqual([]);

	await signInOnPage(page, bahar);
	await expect(page.getByTestId('user-menu')).toContainText(bahar.displayName);
	expect(await dataOf(page, staff.id)).toEqual([]);
	await context.close();
});

test('[C25] unsent changes of an ended session stay, and the next user is asked before they go', async ({
	browser
}) => {
	const staff = await freshStaff();
	const { context, page } = await loginContext(browser, staff);
	await waitForGrid(page);
	await context.setOffline(true);
	await page.getByTestId('add-member').click();
	await page.keyboard.press('Escape');
	await expect(page.getByTestId('pending-count')).not.toHaveAttribute('data-count', '0');

	await resetPassword(staff.id);
	await context.setOffline(false);
	await page.evaluate(() => window.dispatchEvent(new Event('online')));
	await expect(page).toHaveURL(/\/login/);
	await expect.poll(() => dataOf(page, staff.id)).toContain(`gh:${staff.id}:default/registry`);

	// Cancel: not signed in, the changes stay for their owner.
	let asked = '';
	page.once('dialog', (d) => {
		asked = d.message();
		void d.dismiss();
	});
	await signInOnPage(page, bahar);
	await expect(page.locator('[role=alert]')).toContainText('You are not signed in');
	expect(asked).toContain('never reached the server');
	expect((await page.request.get('/api/session')).status()).toBe(401);
	expect(await dataOf(page, staff.id)).toContain(`gh:${staff.id}:default/registry`);

	// OK: signed in, and the earlier user's data is gone.
	page.once('dialog', (d) => void d.accept());
	await signInOnPage(page, bahar);
	await expect(page.getByTestId('user-menu')).toContainText(bahar.displayName);
	await expect.poll(() => dataOf(page, staff.id)).toEqual([]);
	await context.close();
});

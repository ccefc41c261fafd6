/**
 * The users admin page: an administrator adds, changes and disables users through
 * the form; everyone else is refused, in the UI and by the server.
 */
import { expect, test, type Page } from '@playwright/test';
import {
	baseURL,
	controlledByServiceWorker,
	loginContext,
	loginCookie,
	waitForGrid
} from './fixtures';
import { addMember, editText, search, uniqueTag } from './members-helpers';
import { card, openPipeline } from './pipeline-helpers';
import { ADMIN, USERS, type TestUser } from './users';

const sara = USERS[0];
const suffix = Date.now().toString(36);

async function addUser(
	page: Page,
	u: { username: string; displayName: string; password: string; roles: string[] }
) {
	const form = page.getByTestId('new-user-form');
	await form.locator('input[name=username]').fill(u.username);
	await form.locator('input[name=displayName]').fill(u.displayName);
	await form.locator('input[name=password]').fill(u.password);
	for (const box of await form.locator('input[name=roles]').all()) {
		const v = await box.getAttribute('value');
		await box.setChecked(u.roles.includes(v ?? ''));
	}
	await form.locator('button[type=submit]').click();
}

const row = (page: Page, username: string) =>
	page.locator(`[data-testid=user-row][data-username="${username}"]`);

test('an admin adds a user with roles through the form, and the new user can log in', async ({
	browser
}) => {
	const { context, page } = await loginContext(browser, ADMIN);
	await page.getByRole('link', { name: 'Users' }).click();
	await expect(page).toHaveURL(/\/admin\/users$/);
	await expect(row(page, 'sara')).toBeVisible();

	const newcomer = {
		username: `nasrin-${suffix}`,
		displayName: 'نسرین',
		password: 'nasrin-password-1',
		roles: ['staff', 'approver']
	};
	await addUser(page, newcomer);
	const r = row(page, newcomer.username);
	await expect(r).toBeVisible();
	await expect(r).toContainText('نسرین');
	await expect(r.locator('.gh-chip[data-role]')).toHaveText(['Membership staff', 'Approver']);
	await expect(r.locator('[data-state]')).toHaveText('Active');
	// The form is ready for the next person.
	await expect(page.getByTestId('new-user-form').locator('input[name=username]')).toHaveValue('');
	await context.close();

	const second = await loginContext(browser, newcomer as unknown as TestUser);
	await expect(second.page.getByTestId('user-menu')).toContainText('نسرین');
	await expect(second.page.getByTestId('user-menu')).toContainText('Approver');
	await expect(second.page.locator('a[href="/admin/users"]')).toHaveCount(0);
	await second.context.close();
});

test('the form checks input before sending and shows the server’s refusal of a taken name', async ({
	browser
}) => {
	const { context, page } = await loginContext(browser, ADMIN);
	await page.goto('/admin/users');
	let posts = 0;
	page.on('request', (r) => {
		if (r.url().endsWith('/api/users') && r.method() === 'POST') posts++;
	});
	await addUser(page, { username: 'a b', displayName: '', password: 'short', roles: [] });
	const form = page.getByTestId('new-user-form');
	await expect(form).toContainText('without spaces');
	await expect(form).toContainText('at least 8 characters');
	await expect(form).toContainText('Choose at least one role');
	expect(posts).toBe(0);

	await addUser(page, {
		username: 'sara',
		displayName: 'Another Sara',
		password: 'another-password',
		roles: ['staff']
	});
	await expect(form.locator('[role=alert]')).toContainText('already taken');
	expect(posts).toBe(1);
	await context.close();
});

test('an admin changes roles, resets a password and disables a user', async ({ browser }) => {
	const u = {
		username: `omid-${suffix}`,
		displayName: 'Omid',
		password: 'omid-password-1',
		roles: ['staff']
	};
	const { context, page } = await loginContext(browser, ADMIN);
	await page.goto('/admin/users');
	await addUser(page, u);
	const r = row(page, u.username);
	await expect(r).toBeVisible();

	await r.getByTestId('edit-roles').click();
	await r.locator('input[name=roles][value=finance]').check();
	await r.getByTestId('save-roles').click();
	await expect(r.locator('.gh-chip[data-role]')).toHaveText(['Membership staff', 'Finance']);

	await r.getByTestId('reset-password').click();
	const dialog = page.getByTestId('reset-password-form');
	await dialog.locator('input[name=password]').fill('omid-new-password');
	await dialog.locator('button[type=submit]').click();
	await expect(page.locator('.gh-status')).toContainText('was changed');

	// The new password works (and the old one does not).
	const api = await browser.newContext({ baseURL: baseURL() });
	const login = (password: string) =>
		api.request.post('/api/session', {
			data: { username: u.username, password },
			headers: { origin: baseURL() }
		});
	expect((await login(u.password)).status()).toBe(401);
	expect((await login('omid-new-password')).status()).toBe(200);

	await r.getByTestId('toggle-disabled').click();
	await expect(r.locator('[data-state]')).toHaveText('Disabled');
	expect((await login('omid-new-password')).status()).toBe(401);
	await api.close();

	// An admin cannot lock themselves out from this page.
	await expect(row(page, ADMIN.username).getByTestId('toggle-disabled')).toBeDisabled();
	await context.close();
});

test('a non-admin sees no Users link, and /admin/users refuses', async ({ browser }) => {
	const { context, page } = await loginContext(browser, sara);
	await expect(page.getByTestId('user-menu')).toBeVisible();
	await expect(page.locator('a[href="/admin/users"]')).toHaveCount(0);
	await page.goto('/admin/users');
	await expect(page.getByTestId('not-allowed')).toContainText('Only administrators');
	await expect(page.getByTestId('new-user-form')).toHaveCount(0);
	await expect(page.getByTestId('user-row')).toHaveCount(0);
	await context.close();
});

test('a disabled user’s open tab signs out and the login page says why, in their language', async ({
	browser
}) => {
	const admin = await loginCookie(ADMIN.username, ADMIN.password);
	const user = {
		username: `wang-${suffix}`,
		displayName: '王芳',
		password: 'wang-password-1',
		roles: ['staff']
	};
	const created = await fetch(`${baseURL()}/api/users`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: baseURL(), cookie: admin },
		body: JSON.stringify(user)
	});
	expect(created.status).toBe(201);
	const { user: made } = (await created.json()) as { user: { id: number } };
	const { context, page } = await loginContext(browser, user as unknown as TestUser, {
		locale: 'zh'
	});
	await waitForGrid(page);

	const r = await fetch(`${baseURL()}/api/users/${made.id}`, {
		method: 'PATCH',
		headers: { 'content-type': 'application/json', origin: baseURL(), cookie: admin },
		body: JSON.stringify({ disabled: true })
	});
	expect(r.status).toBe(200);
	await expect(page).toHaveURL(/\/login/);
	await expect(page.getByTestId('login-disabled')).toHaveText(
		'管理员已停用您的账号，因此您已被登出。请联系本协会的 Guildhall 管理员重新启用。尚未发送的修改仍保存在本设备上，重新登录后将自动发送。'
	);
	// Trying again says the same, from the server's answer.
	await page.locator('input[name=username]').fill(user.username);
	await page.locator('input[name=password]').fill(user.password);
	await page.locator('button[type=submit]').click();
	await expect(page.getByRole('alert')).toHaveText('此账户已停用。请联系管理员启用。');
	await context.close();
});

/** This page's local copies (y-indexeddb) and cached rows (dexie) of the org's rooms. */
function localData(page: Page): Promise<{ copies: string[]; cached: string[]; edits: string[] }> {
	return page.evaluate(async () => {
		const copies = (await indexedDB.databases())
			.map((d) => d.name ?? '')
			.filter((n) => n.startsWith('gh:'))
			.map((n) => n.replace(/^gh:\d+:default\//, ''))
			.sort();
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const r = indexedDB.open('guildhall');
			r.onsuccess = () => resolve(r.result);
			r.onerror = () => reject(r.error);
		});
		try {
			const all = <T>(store: string, keys: boolean) =>
				new Promise<T[]>((resolve, reject) => {
					const os = db.transaction(store).objectStore(store);
					const r = keys ? os.getAllKeys() : os.getAll();
					r.onsuccess = () => resolve(r.result as T[]);
					r.onerror = () => reject(r.error);
				});
			const strip = (k: string) => k.replace(/^\d+:default\//, '');
			const keys = await all<IDBValidKey>('rowCaches', true);
			const edits = await all<{ key: string }>('offlineEdits', false);
			return {
				copies,
				cached: keys.map((k) => strip(String(k))),
				edits: edits.map((e) => strip(e.key))
			};
		} finally {
			db.close();
		}
	});
}

test('a signed-in user demoted to the board loses the local copies of the rooms the board cannot read', async ({
	browser
}) => {
	const admin = await loginCookie(ADMIN.username, ADMIN.password);
	const user = {
		username: `maryam-${suffix}`,
		displayName: 'Maryam',
		password: 'maryam-password-1',
		roles: ['staff']
	};
	const created = await fetch(`${baseURL()}/api/users`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: baseURL(), cookie: admin },
		body: JSON.stringify(user)
	});
	expect(created.status).toBe(201);
	const staff = await loginContext(browser, user as unknown as TestUser);
	await waitForGrid(staff.page);
	// The registry and the settings are on this device, with rows cached for first paint,
	// and an edit made offline still waiting to be checked [C21] (it holds what was typed).
	await staff.page.evaluate(async () => {
		const copy = (await indexedDB.databases()).find((d) => d.name?.endsWith('/registry'));
		const key = copy!.name!.replace(/^gh:/, '');
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const r = indexedDB.open('guildhall');
			r.onsuccess = () => resolve(r.result);
			r.onerror = () => reject(r.error);
		});
		await new Promise((resolve, reject) => {
			const tx = db.transaction('offlineEdits', 'readwrite');
			tx.objectStore('offlineEdits').put({
				id: `${key}|someMember0001|phone`,
				key,
				rowId: 'someMember0001',
				field: 'phone',
				name: 'Someone',
				mine: '021 5555 0000'
			});
			tx.oncomplete = resolve;
			tx.onerror = () => reject(tx.error);
		});
		db.close();
	});
	await expect
		.poll(() => localData(staff.page))
		.toEqual({ copies: ['registry', 'settings'], cached: ['registry'], edits: ['registry'] });

	const { context, page } = await loginContext(browser, ADMIN);
	await page.goto('/admin/users');
	const r = row(page, user.username);
	await r.getByTestId('edit-roles').click();
	await r.locator('input[name=roles][value=staff]').uncheck();
	await r.locator('input[name=roles][value=board]').check();
	await r.getByTestId('save-roles').click();
	await expect(r.locator('.gh-chip[data-role]')).toHaveText(['Board']);

	// The page says so plainly, with no endless "opening" and no stale count.
	await expect(staff.page.getByRole('alert')).toHaveText(
		'Your account no longer has access to the member registry.'
	);
	await expect(staff.page.getByText('Opening the member registry…')).toHaveCount(0);
	await expect(staff.page.getByTestId('row-count')).toHaveCount(0);
	await expect(staff.page.locator('.ag-root')).toHaveCount(0);
	// Nothing of the registry or the settings is left on the device.
	await expect.poll(() => localData(staff.page)).toEqual({ copies: [], cached: [], edits: [] });
	await staff.context.close();
	await context.close();
});

/** What this page's device holds of the user: copies, saved grid layouts, commands. */
function heldByDevice(
	page: Page
): Promise<{ copies: string[]; views: string[]; commands: number }> {
	return page.evaluate(async () => {
		const copies = (await indexedDB.databases())
			.map((d) => d.name ?? '')
			.filter((n) => n.startsWith('gh:'))
			.map((n) => n.replace(/^gh:\d+:default\//, ''))
			.sort();
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const r = indexedDB.open('guildhall');
			r.onsuccess = () => resolve(r.result);
			r.onerror = () => reject(r.error);
		});
		try {
			const keys = (store: string) =>
				new Promise<IDBValidKey[]>((resolve, reject) => {
					const r = db.transaction(store).objectStore(store).getAllKeys();
					r.onsuccess = () => resolve(r.result);
					r.onerror = () => reject(r.error);
				});
			return {
				copies,
				views: (await keys('views')).map((k) => String(k).replace(/^\d+:/, '')),
				commands: (await keys('outbox')).length
			};
		} finally {
			db.close();
		}
	});
}

test('[C29] a user demoted while offline: the commands the new role may not send and the registry’s grid layout are dropped, and told', async ({
	browser
}) => {
	const admin = await loginCookie(ADMIN.username, ADMIN.password);
	const user = {
		username: `dariush-${suffix}`,
		displayName: 'Dariush',
		password: 'dariush-password-1',
		roles: ['staff']
	};
	const created = await fetch(`${baseURL()}/api/users`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: baseURL(), cookie: admin },
		body: JSON.stringify(user)
	});
	expect(created.status).toBe(201);
	const { id: userId } = ((await created.json()) as { user: { id: number } }).user;
	const { context, page } = await loginContext(browser, user as unknown as TestUser);
	await waitForGrid(page);
	const name = `${uniqueTag('C29')} Trading Co`;
	const id = await addMember(page);
	await editText(page, id, 'name', name);
	// The grid's layout (with the quick search typed) is saved on the device [C10].
	await search(page, name);
	await expect.poll(async () => (await heldByDevice(page)).views).toEqual(['members']);

	// Offline, the staff member moves the prospect on: the command waits on the device.
	await openPipeline(page);
	const c = card(page, name);
	await context.setOffline(true);
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'offline');
	await c.getByTestId('action-move').selectOption('inquiry');
	await expect(page.getByTestId('outbox-item')).toHaveAttribute('data-state', 'pending');
	expect((await heldByDevice(page)).commands).toBe(1);

	// Meanwhile an administrator makes them board: no registry, no pipeline commands.
	const patched = await fetch(`${baseURL()}/api/users/${userId}`, {
		method: 'PATCH',
		headers: { 'content-type': 'application/json', origin: baseURL(), cookie: admin },
		body: JSON.stringify({ roles: ['board'] })
	});
	expect(patched.status).toBe(200);
	await context.setOffline(false);

	// Back online, the device learns the new roles (the server refuses the rooms before
	// the upgrade): the command is dropped, not kept as waiting or refused, and told.
	const notice = page.getByTestId('dropped-commands');
	await expect(notice).toContainText('An action waiting on this device was dropped');
	await expect(notice.getByRole('listitem')).toHaveText([`Move ${name} to Inquiry`]);
	await expect(page.getByTestId('outbox')).toHaveCount(0);
	await expect.poll(() => heldByDevice(page)).toEqual({ copies: [], views: [], commands: 0 });
	// The command never reached the server: the member is still a prospect.
	const staffCookie = await loginCookie(USERS[0].username, USERS[0].password);
	const rows = await fetch(`${baseURL()}/api/default/members`, {
		headers: { cookie: staffCookie }
	});
	const members = (await rows.json()) as { rows: unknown[][]; fields: string[] };
	const status = members.fields.indexOf('status');
	expect(members.rows.find((r) => r[0] === id)?.[status]).toBe('prospect');

	// Told until understood, also after a reload; then gone.
	await page.reload();
	await expect(notice).toBeVisible();
	await notice.getByRole('button', { name: 'Understood' }).click();
	await expect(notice).toHaveCount(0);
	await page.reload();
	await expect(page.getByText('Your role has no access to the membership pipeline.')).toBeVisible();
	await expect(notice).toHaveCount(0);
	await context.close();
});

/** A new user with these roles, made through the API; returns their id. */
async function createUser(
	admin: string,
	user: { username: string; displayName: string; password: string; roles: string[] }
): Promise<number> {
	const created = await fetch(`${baseURL()}/api/users`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: baseURL(), cookie: admin },
		body: JSON.stringify(user)
	});
	expect(created.status).toBe(201);
	return ((await created.json()) as { user: { id: number } }).user.id;
}

async function setRoles(admin: string, userId: number, roles: string[]) {
	const patched = await fetch(`${baseURL()}/api/users/${userId}`, {
		method: 'PATCH',
		headers: { 'content-type': 'application/json', origin: baseURL(), cookie: admin },
		body: JSON.stringify({ roles })
	});
	expect(patched.status).toBe(200);
}

test('[C29] staff demoted to the board while offline, on the pipeline (Persian): the pipeline closes and the registry edit never sent is told, then dropped', async ({
	browser
}) => {
	const admin = await loginCookie(ADMIN.username, ADMIN.password);
	const user = {
		username: `kaveh-${suffix}`,
		displayName: 'کاوه',
		password: 'kaveh-password-1',
		roles: ['staff']
	};
	const userId = await createUser(admin, user);
	const { context, page } = await loginContext(browser, user as unknown as TestUser, {
		locale: 'fa'
	});
	await waitForGrid(page);
	const name = `کاشی میبد ${uniqueTag('C29')}`;
	const id = await addMember(page);
	await editText(page, id, 'name', name);
	await search(page, name);
	// In step (the new member is the server's), and the app opens offline.
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
	await controlledByServiceWorker(page);

	// Offline: a grid edit, then a move on the pipeline; both wait on the device.
	await context.setOffline(true);
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'offline');
	await editText(page, id, 'legalRep', 'نماینده آفلاین');
	await page.goto('/pipeline');
	const c = card(page, name);
	await c.getByTestId('action-move').selectOption('inquiry');
	await expect(page.getByTestId('outbox-item')).toHaveAttribute('data-state', 'pending');

	// Meanwhile an administrator makes them board: no registry, no pipeline.
	await setRoles(admin, userId, ['board']);
	await context.setOffline(false);

	// The pipeline closes: no member's name, no moves, no "change waiting" left on screen;
	// the page says what it lost and where the board may go.
	const noAccess = page.getByTestId('no-access');
	await expect(noAccess).toContainText('نقش شما به روند عضویت دسترسی ندارد');
	await expect(noAccess.getByRole('link', { name: 'گزارش‌ها' })).toBeVisible();
	await expect(page.getByTestId('card')).toHaveCount(0);
	await expect(page.locator('main').getByText(name)).toHaveCount(0);
	await expect(page.getByTestId('sync-status')).toHaveCount(0);
	// The edit that could not be sent is told, by member and field, in Persian.
	const refused = page.getByTestId('refused-changes');
	await expect(refused).toContainText(
		'۱ تغییری که در این دستگاه در فهرست اعضا داده شد ذخیره نشد: نقش شما دیگر به آن دسترسی ندارد.'
	);
	await expect(refused.getByRole('listitem')).toHaveText([`${name}: نمایندهٔ قانونی`]);
	await expect(page.getByTestId('dropped-commands').getByRole('listitem')).toHaveCount(1);
	// Nothing of it waits on the device any more, and the server never got it.
	await expect.poll(() => heldByDevice(page)).toEqual({ copies: [], views: [], commands: 0 });
	const staffCookie = await loginCookie(USERS[0].username, USERS[0].password);
	const rows = await fetch(`${baseURL()}/api/default/members`, {
		headers: { cookie: staffCookie }
	});
	const members = (await rows.json()) as { rows: unknown[][]; fields: string[] };
	const member = members.rows.find((r) => r[0] === id);
	expect(member).toBeDefined();
	expect(member![members.fields.indexOf('legalRep')] ?? null).toBeNull();

	// Told until understood, also after a reload.
	await page.reload();
	await expect(refused).toBeVisible();
	await refused.getByRole('button', { name: 'متوجه شدم' }).click();
	await expect(refused).toHaveCount(0);
	await context.close();
});

test('[C27][C29] staff lowered to finance while offline: the registry edit the server refuses is told by member and field', async ({
	browser
}) => {
	const admin = await loginCookie(ADMIN.username, ADMIN.password);
	const user = {
		username: `golnar-${suffix}`,
		displayName: 'Golnar',
		password: 'golnar-password-1',
		roles: ['staff']
	};
	const userId = await createUser(admin, user);
	const { context, page } = await loginContext(browser, user as unknown as TestUser);
	await waitForGrid(page);
	const name = `${uniqueTag('C27')} Tiles Co`;
	const id = await addMember(page);
	await editText(page, id, 'name', name);
	await search(page, name);
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');

	await context.setOffline(true);
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'offline');
	await editText(page, id, 'legalRep', 'Typed offline');
	// Finance may only view the registry: the server drops what the device sends there.
	await setRoles(admin, userId, ['finance']);
	await context.setOffline(false);

	const refused = page.getByTestId('refused-changes');
	await expect(refused).toContainText(
		'A change made on this device to the member registry could not be saved: you can now only view it.'
	);
	await expect(refused.getByRole('listitem')).toHaveText([`${name}: Legal representative`]);
	await expect(page.getByTestId('readonly-badge')).toBeVisible();
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
	await context.close();
});

test('[C29] finance demoted to the board with a payment half typed: the ledger and its tabs close, and the form is told', async ({
	browser
}) => {
	const admin = await loginCookie(ADMIN.username, ADMIN.password);
	const user = {
		username: `firouzeh-${suffix}`,
		displayName: 'Firouzeh',
		password: 'firouzeh-password-1',
		roles: ['finance']
	};
	const userId = await createUser(admin, user);
	const { context, page } = await loginContext(browser, user as unknown as TestUser);
	await page.goto('/ledger/entries');
	await page.getByTestId('record-payment').click();
	await page.getByTestId('pay-amount').fill('1000000');

	await setRoles(admin, userId, ['board']);

	const noAccess = page.getByTestId('no-access');
	await expect(noAccess).toContainText('Your role has no access to the dues ledger');
	await expect(noAccess.getByRole('link', { name: 'Reports' })).toBeVisible();
	await expect(page.getByTestId('ledger-tabs')).toHaveCount(0);
	await expect(page.getByTestId('pay-amount')).toHaveCount(0);
	await expect(page.getByTestId('sync-status')).toHaveCount(0);
	await expect(page.getByText('member registry')).toHaveCount(0);
	await expect(page.getByTestId('form-closed')).toContainText(
		'The form you had open, “Record a payment”, was closed and nothing in it was saved'
	);
	await context.close();
});

test('[C29] staff lowered to finance on the surveys: the surveys open again view-only, in step', async ({
	browser
}) => {
	const admin = await loginCookie(ADMIN.username, ADMIN.password);
	const user = {
		username: `shirin-${suffix}`,
		displayName: 'Shirin',
		password: 'shirin-password-1',
		roles: ['staff']
	};
	const userId = await createUser(admin, user);
	const { context, page } = await loginContext(browser, user as unknown as TestUser);
	await page.goto('/surveys');
	await expect(page.getByTestId('new-campaign-title')).toBeVisible();
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');

	await setRoles(admin, userId, ['finance']);

	await expect(page.getByTestId('readonly-badge')).toBeVisible();
	await expect(page.getByTestId('new-campaign-title')).toHaveCount(0);
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
	await expect(page.getByRole('alert')).toHaveCount(0);
	await context.close();
});

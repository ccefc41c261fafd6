/**
 * View-only access (finance): the registry is visible and live, but nothing in the UI
 * can change it, no write is ever sent, and a write forged from the viewer's own
 * page is dropped by the server.
 */
import { expect, test, type Page, type WebSocket } from '@playwright/test';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { baseURL, cell, loginContext, waitForGrid } from './fixtures';
import {
	addMember,
	cellValue,
	editText,
	expectRowCount,
	search,
	uniqueTag
} from './members-helpers';
import { ADMIN, USERS } from './users';

const sara = USERS[0];
const farid = USERS[4];

/** Sync messages (type 0) a page sends, by sync type: 0 step 1, 1 step 2, 2 update. */
function watchSyncFrames(page: Page) {
	const sent: number[] = [];
	page.on('websocket', (ws: WebSocket) => {
		ws.on('framesent', (f) => {
			if (typeof f.payload === 'string') return;
			const b = f.payload as Buffer;
			if (b[0] === 0) sent.push(b[1]);
		});
	});
	return sent;
}

test('[C6] a view-only (finance) user sees the registry live but cannot change it', async ({
	browser
}) => {
	const staff = await loginContext(browser, sara);
	await waitForGrid(staff.page);
	const tag = uniqueTag('R');
	const id = await addMember(staff.page);
	await editText(staff.page, id, 'name', `${tag} Visible Co`);

	const board = await loginContext(browser, farid);
	const frames = watchSyncFrames(board.page);
	await board.page.reload();
	await waitForGrid(board.page);
	const page = board.page;
	await search(page, tag);
	await expect(cellValue(page, id, 'name')).toHaveText(`${tag} Visible Co`);
	await expect(page.getByTestId('readonly-badge')).toBeVisible();
	for (const tid of ['add-member', 'delete-selected', 'undo', 'redo']) {
		await expect(page.getByTestId(tid)).toHaveCount(0);
	}
	await expect(page.locator('.ag-selection-checkbox')).toHaveCount(0);

	// No way into an editor: double click, Enter, F2, typing; Delete clears nothing.
	await cell(page, id, 'name').dblclick();
	await page.keyboard.press('Enter');
	await page.keyboard.press('F2');
	await page.keyboard.type('xyz');
	await page.keyboard.press('Delete');
	await page.keyboard.press('Control+z');
	await expect(page.locator('.gh-editor, .ag-popup-editor, .ag-cell-inline-editing')).toHaveCount(
		0
	);
	await cell(page, id, 'status').dblclick();
	await expect(page.locator('.ag-select-list, .ag-popup-editor')).toHaveCount(0);
	await expect(cellValue(page, id, 'name')).toHaveText(`${tag} Visible Co`);
	await expect(page.getByTestId('pending-count')).toHaveAttribute('data-count', '0');

	// Still live: a staff edit shows up.
	await editText(staff.page, id, 'region', 'Chengdu');
	await expect(cellValue(page, id, 'region')).toHaveText('Chengdu');
	// The board page never sent an update (sync type 2).
	expect(frames.length).toBeGreaterThan(0);
	expect(frames.filter((t) => t === 2)).toEqual([]);
	await staff.context.close();
	await board.context.close();
});

test('[C6] a Y update forged on a view-only user’s own socket does not reach staff', async ({
	browser
}) => {
	const staff = await loginContext(browser, sara);
	await waitForGrid(staff.page);
	const tag = uniqueTag('H');
	const id = await addMember(staff.page);
	await editText(staff.page, id, 'name', `${tag} Original`);

	// Two forged changes: a new row, and a replacement of the staff member's row.
	const forged = new Y.Doc();
	const members = forged.getMap<Y.Map<unknown>>('members');
	forged.transact(() => {
		const added = new Y.Map<unknown>();
		members.set(`forged${tag}`.slice(0, 30), added);
		added.set('name', `${tag} Forged row`);
		const replaced = new Y.Map<unknown>();
		members.set(id, replaced);
		replaced.set('name', `${tag} Forged name`);
	});
	const enc = encoding.createEncoder();
	encoding.writeVarUint(enc, 0); // sync
	encoding.writeVarUint(enc, 2); // update
	encoding.writeVarUint8Array(enc, Y.encodeStateAsUpdate(forged));
	const message = [...encoding.toUint8Array(enc)];

	const board = await loginContext(browser, farid);
	await waitForGrid(board.page);
	const replies = await board.page.evaluate(async (bytes) => {
		const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/sync/default/registry?v=1`);
		ws.binaryType = 'arraybuffer';
		const types: number[] = [];
		ws.onmessage = (e) => types.push(new Uint8Array(e.data as ArrayBuffer)[0]);
		await new Promise<void>((resolve, reject) => {
			ws.onopen = () => resolve();
			ws.onerror = () => reject(new Error('socket failed'));
		});
		ws.send(new Uint8Array(bytes));
		await new Promise((r) => setTimeout(r, 1500));
		const open = ws.readyState === WebSocket.OPEN;
		ws.close();
		return { types, open };
	}, message);
	// The server answered with permission-denied (auth, type 2) and kept the socket for presence.
	expect(replies.types).toContain(2);
	expect(replies.open).toBe(true);

	// Staff (and the board page) still see the original, and no forged row.
	for (const p of [staff.page, board.page]) {
		await search(p, tag);
		await expectRowCount(p, 1);
		await expect(cellValue(p, id, 'name')).toHaveText(`${tag} Original`);
	}
	await staff.page.reload();
	await waitForGrid(staff.page);
	await search(staff.page, tag);
	await expectRowCount(staff.page, 1);
	await expect(cellValue(staff.page, id, 'name')).toHaveText(`${tag} Original`);
	await staff.context.close();
	await board.context.close();
});

test('[C8] when an admin makes a staff member view-only, the open grid turns read-only', async ({
	browser
}) => {
	const admin = await loginContext(browser, ADMIN);
	const username = uniqueTag('rc').toLowerCase();
	const password = 'changing-roles-1';
	const created = await admin.page.evaluate(
		async (body) => {
			const r = await fetch('/api/users', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body)
			});
			return (await r.json()) as { user: { id: number } };
		},
		{ username, password, displayName: 'Roles Change', roles: ['staff'] }
	);
	const staff = await loginContext(browser, { username, password });
	await waitForGrid(staff.page);
	await expect(staff.page.getByTestId('add-member')).toBeVisible();

	const status = await admin.page.evaluate(
		async (id) =>
			(
				await fetch(`/api/users/${id}`, {
					method: 'PATCH',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ roles: ['finance'] })
				})
			).status,
		created.user.id
	);
	expect(status).toBe(200);
	await expect(staff.page.getByTestId('readonly-badge')).toBeVisible();
	await expect(staff.page.getByTestId('add-member')).toHaveCount(0);
	await waitForGrid(staff.page);
	await admin.context.close();
	await staff.context.close();
});

test('[C8][C25] when the session ends on the server, the page goes to the login and, nothing waiting, deletes the local copy', async ({
	browser
}) => {
	const { context, page } = await loginContext(browser, sara);
	await waitForGrid(page);
	const tag = uniqueTag('L');
	const id = await addMember(page);
	await editText(page, id, 'name', `${tag} Kept`);
	await waitForGrid(page);
	// Stored and acknowledged: nothing waits to be sent (in a busy suite the ACK may
	// still be on its way when the grid is in step).
	await expect(page.getByTestId('pending-count')).toHaveAttribute('data-count', '0');
	// Another tab of the same browser logs out: the server closes our socket (4401). That
	// tab shows a file of the server, not the app: the login page of a signed-in user goes
	// on to the registry, whose copy that tab would then open (and keep, closed at once).
	const other = await context.newPage();
	await other.goto('/favicon.png');
	await other.evaluate(() => fetch('/api/session', { method: 'DELETE' }));
	await expect(page).toHaveURL(/\/login/);
	await other.close();
	// Every change had reached the server: the next person at this browser reads nothing.
	await expect
		.poll(() =>
			page.evaluate(
				async () => (await indexedDB.databases()).filter((d) => d.name?.startsWith('gh:')).length
			)
		)
		.toBe(0);
	// Logging in again shows the row, from the server.
	await page.locator('input[name=username]').fill(sara.username);
	await page.locator('input[name=password]').fill(sara.password);
	await page.locator('button[type=submit]').click();
	await expect(page).toHaveURL(/\/members/);
	// Typed at once, while the saved grid layout is still being read: the text stays.
	await search(page, tag);
	await expect(page.getByTestId('quick-search')).toHaveValue(tag);
	await expect(cellValue(page, id, 'name')).toHaveText(`${tag} Kept`);
	await context.close();
});

test('[C6] the board, who has no registry, is told in Persian which pages are not for its role', async ({
	browser
}) => {
	const bahar = USERS[3];
	const context = await browser.newContext({ baseURL: baseURL() });
	const page = await context.newPage();
	await page.addInitScript(() => localStorage.setItem('gh.locale', 'fa'));
	await page.goto('/login?next=/reports');
	await page.locator('input[name=username]').fill(bahar.username);
	await page.locator('input[name=password]').fill(bahar.password);
	await page.locator('button[type=submit]').click();
	// The path, not the URL: `/login?next=/reports` ends with /reports too, before the
	// login has finished (a navigation then would cancel it).
	await expect(page).toHaveURL((u) => u.pathname === '/reports');
	const ask = 'اگر لازم دارید از مدیر سامانه بخواهید.';
	const pages = [
		['/documents?member=anyMember0001', 'نقش شما به اسناد اعضا دسترسی ندارد.'],
		['/pipeline', 'نقش شما به روند عضویت دسترسی ندارد.'],
		['/settings', 'نقش شما به تنظیمات دسترسی ندارد.'],
		['/members/anyMember0001', 'نقش شما به پرونده اعضا دسترسی ندارد.']
	] as const;
	for (const [path, message] of pages) {
		await page.goto(path);
		// Not "no longer" (the board never had it), not loading for ever. A page may add
		// where the role can go instead ([C29], NoAccess).
		await expect(page.getByRole('alert')).toContainText(`${message} ${ask}`);
		await expect(page.getByRole('alert')).not.toContainText('دیگر');
		await expect(page.getByRole('status').filter({ hasText: 'بارگذاری' })).toHaveCount(0);
	}
	await expect(page.getByTestId('member-title')).toHaveText('پرونده عضو');
	await page.screenshot({ path: 'test-results/screenshots/board-member-file-fa.png' });
	await context.close();
});

test('[C6] staff, who read the ledger, cannot edit the collection round letter they cannot save', async ({
	browser
}) => {
	const { context, page } = await loginContext(browser, sara);
	await page.goto('/ledger/collection');
	await expect(page.getByTestId('tpl-body')).toBeVisible();
	for (const tid of ['tpl-body', 'tpl-howtopay']) {
		await expect(page.getByTestId(tid)).toHaveAttribute('readonly', '');
	}
	await expect(page.getByTestId('tpl-save')).toHaveCount(0);
	await context.close();
});

/**
 * The dues ledger end to end: the admin sets the fee schedule; finance generates a
 * year's dues (twice: nothing is charged twice), records a payment online and one
 * offline (counted once), runs a collection round, checks a member's statement and
 * the quarterly figures; a Persian screenshot of the figures.
 */
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { PROTOCOL_VERSION } from '../../src/lib/domain/protocol';
import { baseURL, loginContext } from './fixtures';
import { ADMIN, USERS } from './users';

const SHOTS = 'test-results/screenshots';
const FIONA: { username: string; displayName: string; password: string; roles: string[] } = {
	username: 'fiona',
	displayName: 'Fiona Finance',
	password: 'fiona-password-1',
	roles: ['finance']
};

async function adminCookie(): Promise<string> {
	const r = await fetch(`${baseURL()}/api/session`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: baseURL() },
		body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password })
	});
	return (r.headers.get('set-cookie') ?? '').split(';')[0];
}

const APPROVER = {
	username: 'apu',
	displayName: 'Approver',
	password: 'approver-password-1',
	roles: ['approver']
};

/** Create the user if needed (as admin) and sign in as them. */
async function userCookie(u: typeof FIONA, admin: string): Promise<string> {
	const created = await fetch(`${baseURL()}/api/users`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: baseURL(), cookie: admin },
		body: JSON.stringify(u)
	});
	expect([201, 409]).toContain(created.status);
	const r = await fetch(`${baseURL()}/api/session`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: baseURL() },
		body: JSON.stringify({ username: u.username, password: u.password })
	});
	expect(r.status).toBe(200);
	return (r.headers.get('set-cookie') ?? '').split(';')[0];
}

/** A server command (joining: verify, approve, move) as the given user. */
async function command(cookie: string, body: Record<string, unknown>) {
	const r = await fetch(`${baseURL()}/api/default/commands`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: baseURL(), cookie },
		body: JSON.stringify({ id: crypto.randomUUID(), ...body })
	});
	expect(r.status, await r.clone().text()).toBeLessThan(300);
}

/** A y-websocket client in Node with the admin's session (to seed and to check the server). */
async function openDoc(room: string, cookie: string) {
	const doc = new Y.Doc();
	const url = baseURL();
	const Socket = class extends WebSocket {
		constructor(u: string | URL, p?: string | string[]) {
			super(u, p, { headers: { cookie, origin: url } });
		}
	};
	const provider = new WebsocketProvider(url.replace(/^http/, 'ws') + '/sync', room, doc, {
		disableBc: true,
		params: { v: String(PROTOCOL_VERSION) },
		WebSocketPolyfill: Socket as never
	});
	await new Promise<void>((resolve) => {
		if (provider.synced) resolve();
		else provider.on('sync', (s: boolean) => s && resolve());
	});
	return { doc, close: () => (provider.destroy(), doc.destroy()) };
}

const MEMBERS = {
	alpha: { id: 'e2eMemberAlpha01', name: 'Alpha Forge Co', tier: 'regular', region: 'North' },
	beta: { id: 'e2eMemberBeta001', name: 'Beta Metals Ltd', tier: 'regular', region: 'South' },
	gamma: { id: 'e2eMemberGamma01', name: 'Gamma Presses', tier: 'council', region: 'North' }
};

async function pickMember(page: Page, dialog: string, name: string) {
	const d = page.getByTestId(dialog);
	await d.getByTestId('member-search').fill(name);
	await d.getByRole('option').first().getByRole('button').click();
	await expect(d.getByTestId('picked-member')).toContainText(name);
}

test.describe.configure({ mode: 'serial' });

test('dues ledger: fees, dues twice, payments (one offline), collection round, statement, figures', async ({
	browser
}) => {
	const cookie = await adminCookie();
	await userCookie(FIONA, cookie);

	// Seed the registry the way the office does: applications, verified by the office,
	// approved by the approver (member numbers); and a prospect, who is not charged.
	const registry = await openDoc('default/registry', cookie);
	registry.doc.transact(() => {
		const members = registry.doc.getMap('members');
		for (const m of Object.values(MEMBERS)) {
			const row = new Y.Map<unknown>();
			members.set(m.id, row);
			row.set('name', m.name);
			row.set('region', m.region);
			row.set('status', 'applicant');
		}
		const p = new Y.Map<unknown>();
		members.set('e2eProspect00001', p);
		p.set('name', 'Delta Prospect');
		p.set('status', 'prospect');
	});
	await expect.poll(() => registry.doc.getMap('members').size).toBeGreaterThanOrEqual(4);
	const approver = await userCookie(APPROVER, cookie);
	for (const m of Object.values(MEMBERS)) {
		await command(cookie, {
			type: 'verify',
			rowId: m.id,
			met: ['statutes', 'industry', 'registration', 'form', 'influence'],
			note: ''
		});
		await command(approver, {
			type: 'approve',
			rowId: m.id,
			tier: m.tier,
			category: 'manufacturer'
		});
	}
	await expect
		.poll(() =>
			Object.values(MEMBERS).every(
				(m) =>
					(registry.doc.getMap('members').get(m.id) as Y.Map<unknown>)?.get('status') === 'active'
			)
		)
		.toBe(true);

	// The admin sets the 2026 fee schedule.
	const admin = await loginContext(browser, ADMIN);
	await admin.page.goto('/ledger/fees');
	await admin.page.getByTestId('fees-year').fill('2026');
	await admin.page.getByTestId('fee-regular').fill('1,200,000');
	await admin.page.getByTestId('fee-regular').press('Tab');
	await admin.page.getByTestId('fee-council').fill('2000000');
	await admin.page.getByTestId('fee-council').press('Tab');
	await expect(admin.page.getByTestId('fees-table')).toBeVisible();
	await expect(admin.page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');

	// Finance generates 2026's dues, with a preview, then again: nothing new.
	const { context, page } = await loginContext(browser, FIONA as never);
	await page.getByRole('link', { name: 'Dues', exact: true }).click();
	await expect(page).toHaveURL(/\/ledger$/);
	await page.goto('/ledger/dues');
	await page.getByTestId('dues-year').fill('2026');
	await page.getByTestId('dues-date').fill('2026-01-15');
	await expect(page.getByTestId('dues-summary')).toHaveAttribute('data-new', '3');
	await expect(page.getByTestId('dues-summary')).toContainText('4,400,000');
	await page.getByTestId('dues-generate').click();
	await expect(page.getByTestId('dues-result')).toContainText('3 charges written');
	await expect(page.getByTestId('dues-summary')).toHaveAttribute('data-new', '0');
	await expect(page.getByTestId('dues-summary')).toHaveAttribute('data-exists', '3');
	await expect(page.getByTestId('dues-generate')).toBeDisabled();

	// A payment online: Alpha pays in full.
	await page.goto('/ledger/entries');
	await page.getByTestId('record-payment').click();
	await pickMember(page, 'payment-dialog', 'Alpha');
	await page.getByTestId('pay-amount').fill('1200000');
	await page.getByTestId('pay-date').fill('2026-02-10');
	await page.getByTestId('pay-method').selectOption('cash');
	await page.getByTestId('pay-receipt').fill('R-1001');
	await page.getByTestId('alloc-2026').fill('1200000');
	await page.getByTestId('pay-submit').click();
	await expect(page.getByTestId('payment-dialog')).not.toBeVisible();
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');

	// Bad input says what is wrong and records nothing.
	await page.getByTestId('record-payment').click();
	await pickMember(page, 'payment-dialog', 'Beta');
	await page.getByTestId('pay-amount').fill('12 apples');
	await page.getByTestId('pay-submit').click();
	await expect(page.getByTestId('pay-error')).toContainText('not an amount');

	// A payment offline (a trade fair): Beta pays part, in Persian digits.
	await context.setOffline(true);
	await page.evaluate(() => window.dispatchEvent(new Event('offline')));
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'offline');
	await page.getByTestId('pay-amount').fill('۵۰۰٬۰۰۰');
	await page.getByTestId('pay-date').fill('2026-05-05');
	await page.getByTestId('pay-payer').fill('Beta treasurer');
	await page.getByTestId('alloc-2026').fill('500000');
	await page.getByTestId('pay-submit').click();
	await expect(page.getByTestId('payment-dialog')).not.toBeVisible();
	await expect(page.getByTestId('pending-count')).not.toHaveAttribute('data-count', '0');
	await context.setOffline(false);
	await page.evaluate(() => window.dispatchEvent(new Event('online')));
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
	await page.reload();
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');

	// On the server: three dues, each payment exactly once.
	const ledger = await openDoc('default/ledger', cookie);
	const entries = () =>
		Object.values(ledger.doc.getMap('entries').toJSON()) as Record<string, unknown>[];
	await expect
		.poll(
			() => entries().filter((e) => e.kind === 'payment' && e.memberId === MEMBERS.beta.id).length
		)
		.toBe(1);
	expect(entries().filter((e) => e.kind === 'charge')).toHaveLength(3);
	expect(
		entries().find((e) => e.memberId === MEMBERS.beta.id && e.kind === 'payment')
	).toMatchObject({
		amount: 500000,
		posted: true,
		payer: 'Beta treasurer'
	});

	// Collection round: Beta (700,000) and Gamma (2,000,000) owe.
	await page.goto('/ledger/collection');
	await expect(page.getByTestId('round-count')).toHaveAttribute('data-count', '2');
	await page.getByTestId('round-min-amount').fill('1,000,000');
	await expect(page.getByTestId('round-count')).toHaveAttribute('data-count', '1');
	await page.getByTestId('round-min-amount').fill('');
	await expect(page.getByTestId('round-count')).toHaveAttribute('data-count', '2');
	// Beta's letter in Persian, Gamma's in Chinese.
	const beta = page.locator(`[data-testid=round-debtors] tr[data-member=${MEMBERS.beta.id}]`);
	const gamma = page.locator(`[data-testid=round-debtors] tr[data-member=${MEMBERS.gamma.id}]`);
	await beta.getByRole('combobox').selectOption('fa');
	await gamma.getByRole('combobox').selectOption('zh');
	const betaLetter = page.locator(`.gh-letter[data-member=${MEMBERS.beta.id}]`);
	await expect(betaLetter).toHaveAttribute('dir', 'rtl');
	await expect(betaLetter).toContainText('۷۰۰٬۰۰۰');
	await expect(betaLetter).toContainText('Beta Metals Ltd');
	await expect(page.locator(`.gh-letter[data-member=${MEMBERS.gamma.id}]`)).toContainText('会费');
	const download = page.waitForEvent('download');
	await page.getByTestId('round-csv').click();
	const csvPath = await (await download).path();
	const csv = readFileSync(csvPath!, 'utf8');
	expect(csv.startsWith('\uFEFFmemberNo,name,language,email,phone,total')).toBe(true);
	expect(csv).toContain(',Beta Metals Ltd,fa,');
	expect(csv).toContain(',Gamma Presses,zh,');
	expect(csv).toContain(',700000,IRR,2026,');
	await page.getByTestId('round-channel').selectOption('email');
	await page.getByTestId('round-record').click();
	await expect(page.getByTestId('round-message')).toContainText('2 reminders recorded');
	await expect.poll(() => Object.values(ledger.doc.getMap('reminders').toJSON()).length).toBe(2);

	// Beta's statement: charged 1,200,000, paid 500,000, 700,000 due for 2026.
	await page.goto(`/ledger/statement?member=${MEMBERS.beta.id}`);
	await expect(page.getByTestId('statement-balance')).toHaveAttribute('data-amount', '700000');
	await expect(page.getByTestId('statement-due').locator('li[data-year="2026"]')).toHaveAttribute(
		'data-amount',
		'700000'
	);
	await expect(page.getByTestId('statement-lines').locator('tbody tr')).toHaveCount(2);

	// Quarterly figures for 2026: billed 4.4M in Q1; collected 1.2M (Q1) and 0.5M (Q2).
	await page.goto('/ledger/figures');
	await page.getByTestId('figures-year').fill('2026');
	const q = (n: number) => page.locator(`[data-testid=figures-table] tr[data-quarter="${n}"]`);
	await expect(q(1)).toHaveAttribute('data-billed', '4400000');
	await expect(q(1)).toHaveAttribute('data-collected', '1200000');
	await expect(q(1)).toHaveAttribute('data-outstanding', '3200000');
	await expect(q(2)).toHaveAttribute('data-collected', '500000');
	await expect(q(2)).toHaveAttribute('data-outstanding', '2700000');
	// (4.4M - 2.7M) / 4.4M = 38.64 %
	await expect(q(2)).toHaveAttribute('data-rate', '3864');
	await page.getByTestId('figures-by').selectOption('region');
	await expect(
		page.locator('[data-testid=figures-table] tr[data-quarter="1"][data-group="North"]')
	).toHaveAttribute('data-billed', '3200000');

	// A posted entry offers reversal, not editing: reverse Alpha's payment.
	await page.goto('/ledger/entries');
	await page.getByTestId('entries-search').fill('R-1001');
	await expect(page.getByTestId('entries-count')).toHaveAttribute('data-count', '1');
	await page
		.locator('[data-testid=entries-grid] .ag-row .ag-selection-checkbox input')
		.first()
		.check();
	await page.getByTestId('reverse').click();
	await page.getByTestId('reverse-reason').fill('Cheque bounced');
	await page.getByTestId('reverse-submit').click();
	await expect.poll(() => entries().filter((e) => e.kind === 'reversal').length).toBe(1);

	// Persian: the figures page, RTL with Persian digits.
	await page.evaluate(() => localStorage.setItem('gh.locale', 'fa'));
	await page.goto('/ledger/figures');
	await page.getByTestId('figures-year').fill('2026');
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(q(1).locator('td').nth(1)).toContainText('۴٬۴۰۰٬۰۰۰');
	mkdirSync(SHOTS, { recursive: true });
	await page.screenshot({ path: `${SHOTS}/ledger-figures-fa.png`, fullPage: true });
	await page.goto('/ledger');
	await expect(page.getByTestId('balances-grid').locator('.ag-row')).toHaveCount(3);
	await expect(page.getByTestId('balances-grid')).toContainText('۷۰۰٬۰۰۰');
	await page.screenshot({ path: `${SHOTS}/ledger-balances-fa.png`, fullPage: true });

	ledger.close();
	registry.close();
	await admin.context.close();
	await context.close();
});

test('lapse review: finance sees who is past the grace period; staff set the status in the registry', async ({
	browser
}) => {
	const cookie = await adminCookie();
	// Finance reviews but cannot change the registry.
	const fin = await loginContext(browser, FIONA as never);
	await fin.page.goto('/ledger/lapse');
	await expect(fin.page.getByTestId('lapse-staff-note')).toBeVisible();
	await expect(
		fin.page.locator(`[data-testid=lapse-list] tr[data-member=${MEMBERS.gamma.id}]`)
	).toBeVisible();
	await expect(fin.page.getByTestId('lapse-one')).toHaveCount(0);
	await fin.context.close();

	// Staff (membership office) view the ledger read-only and apply the lapse.
	const staff = await loginContext(browser, USERS[0]);
	await staff.page.goto('/ledger/lapse');
	await expect(staff.page.getByTestId('ledger-readonly')).toBeVisible();
	const row = staff.page.locator(`[data-testid=lapse-list] tr[data-member=${MEMBERS.gamma.id}]`);
	await row.getByTestId('lapse-one').click();
	await expect(row).toHaveCount(0);
	const registry = await openDoc('default/registry', cookie);
	await expect
		.poll(() =>
			(registry.doc.getMap('members').get(MEMBERS.gamma.id) as Y.Map<unknown>)?.get('status')
		)
		.toBe('lapsed');
	registry.close();
	await staff.context.close();
});

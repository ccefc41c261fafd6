/**
 * The dues ledger end to end: the admin sets the fee schedule; finance generates a
 * year's dues (twice: nothing is charged twice), records a payment online and one
 * offline (counted once), runs a collection round, checks a member's statement and
 * the quarterly figures; a Persian screenshot of the figures.
 *
 * All specs share one server, and specs that run earlier leave active members of their
 * own, who are charged dues too (by design). So this spec gives its members regions
 * nobody else uses and checks the collection round, figures and balances for those
 * regions, and checks the dues preview against what was actually written.
 */
import { test, expect, type CDPSession, type Locator, type Page } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import * as Y from 'yjs';
import {
	adminCookie,
	baseURL,
	cell,
	command,
	loginContext,
	loginCookie,
	openDoc
} from './fixtures';
import { imeCommit, imeCompose, imeKeyDown } from './ime';
import { ADMIN, USERS } from './users';

const SHOTS = 'test-results/screenshots';
/** Today as the browser's calendar counts it (same machine, same time zone): YYYY-MM-DD. */
const TODAY = new Date().toLocaleDateString('sv');
const FIONA: { username: string; displayName: string; password: string; roles: string[] } = {
	username: 'fiona',
	displayName: 'Fiona Finance',
	password: 'fiona-password-1',
	roles: ['finance']
};

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
	return loginCookie(u.username, u.password);
}

const NORTH = 'Ledger Test North';
const SOUTH = 'Ledger Test South';
const MEMBERS = {
	alpha: { id: 'e2eMemberAlpha01', name: 'Alpha Forge Co', tier: 'regular', region: NORTH },
	beta: { id: 'e2eMemberBeta001', name: 'Beta Metals Ltd', tier: 'regular', region: SOUTH },
	gamma: { id: 'e2eMemberGamma01', name: 'Gamma Presses', tier: 'council', region: NORTH }
};
/** A volunteer: no fee in the 2026 schedule, 0 in the settings' tiers, so never charged. */
const EPSILON = { id: 'e2eMemberEpsil01', name: 'Epsilon Volunteers', tier: 'volunteer' };
const OURS = new Set([...Object.values(MEMBERS), EPSILON].map((m) => m.id));

async function pickMember(page: Page, dialog: string, name: string, ime?: CDPSession) {
	const d = page.getByTestId(dialog);
	if (ime) {
		// Typed through an input method: Enter inside the composition is the IME's and
		// picks nothing (before, it picked the first match of the half-typed text).
		await d.getByTestId('member-search').focus();
		await imeKeyDown(ime);
		await imeCompose(ime, name.slice(0, 3));
		await expect(d.getByRole('option').first()).toBeVisible();
		await imeKeyDown(ime, 'Enter', 'Enter');
		await imeCommit(ime, name.slice(0, 3));
		await expect(d.getByTestId('member-search')).toHaveValue(name.slice(0, 3));
		await expect(d.getByTestId('picked-member')).toHaveCount(0);
	}
	await d.getByTestId('member-search').fill(name);
	await d.getByRole('option').first().getByRole('button').click();
	await expect(d.getByTestId('picked-member')).toContainText(name);
}

test.describe.configure({ mode: 'serial' });

test('dues ledger: fees, dues twice, payments (one offline), collection round, statement, figures', async ({
	browser
}) => {
	// Three logins, an offline round and a dozen pages: ~40 s alone on this 2-core
	// machine, and over the default 60 s in a CI run that shared the machine.
	test.slow();
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
		const e = new Y.Map<unknown>();
		members.set(EPSILON.id, e);
		e.set('name', EPSILON.name);
		e.set('status', 'applicant');
		const p = new Y.Map<unknown>();
		members.set('e2eProspect00001', p);
		p.set('name', 'Delta Prospect');
		p.set('status', 'prospect');
	});
	await expect.poll(() => registry.doc.getMap('members').size).toBeGreaterThanOrEqual(5);
	const approver = await userCookie(APPROVER, cookie);
	for (const m of [...Object.values(MEMBERS), EPSILON]) {
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
			[...OURS].every(
				(id) =>
					(registry.doc.getMap('members').get(id) as Y.Map<unknown>)?.get('status') === 'active'
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

	// The ledger as the server has it (to check what the pages write).
	const ledger = await openDoc('default/ledger', cookie);
	const entries = () =>
		Object.entries(ledger.doc.getMap('entries').toJSON()).map(
			([id, e]) => ({ id, ...(e as Record<string, unknown>) }) as Record<string, unknown>
		);
	const dues2026 = () =>
		entries().filter((e) => e.kind === 'charge' && String(e.id).startsWith('d_2026_'));
	const ours = (e: Record<string, unknown>) => OURS.has(String(e.memberId));
	const chargedBefore = new Set(dues2026().map((e) => String(e.id)));

	// Finance generates 2026's dues, with a preview, then again: nothing new.
	const { context, page } = await loginContext(browser, FIONA as never);
	await page.getByRole('link', { name: 'Dues', exact: true }).click();
	await expect(page).toHaveURL(/\/ledger$/);
	await page.goto('/ledger/dues');
	await page.getByTestId('dues-year').fill('2026');
	await page.getByTestId('dues-date').fill('2026-01-15');
	const summary = page.getByTestId('dues-summary');
	// The preview is complete once the ledger is in step (online) and the registry and
	// the settings have loaded: only then is Epsilon counted as free (fee 0 from settings).
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
	await expect(summary).toContainText(/\b[1-9]\d* with no fee/);
	// Our three are new (Epsilon is free); other specs' active members may add to it.
	const previewNew = Number(await summary.getAttribute('data-new'));
	const previewExists = Number(await summary.getAttribute('data-exists'));
	const previewText = (await summary.textContent()) ?? '';
	expect(previewNew).toBeGreaterThanOrEqual(3);
	await page.getByTestId('dues-generate').click();
	await expect(page.getByTestId('dues-result')).toContainText(`${previewNew} charges written`);
	await expect(summary).toHaveAttribute('data-new', '0');
	await expect(summary).toHaveAttribute('data-exists', String(previewExists + previewNew));
	await expect(page.getByTestId('dues-generate')).toBeDisabled();
	// On the server: exactly the previewed charges, for the previewed total; ours at
	// the schedule's fees (4,400,000 of it), once each, and nothing for Epsilon.
	await expect.poll(() => dues2026().length).toBe(chargedBefore.size + previewNew);
	const written = dues2026().filter((e) => !chargedBefore.has(String(e.id)));
	const writtenTotal = written.reduce((sum, e) => sum + Number(e.amount), 0);
	expect(previewText).toContain(writtenTotal.toLocaleString('en-US'));
	expect(
		Object.fromEntries(
			dues2026()
				.filter(ours)
				.map((e) => [e.memberId, e.amount])
		)
	).toEqual({
		[MEMBERS.alpha.id]: 1200000,
		[MEMBERS.beta.id]: 1200000,
		[MEMBERS.gamma.id]: 2000000
	});

	// A payment online: Alpha pays in full (the member searched through an input method).
	await page.goto('/ledger/entries');
	await page.getByTestId('record-payment').click();
	await pickMember(page, 'payment-dialog', MEMBERS.alpha.name, await context.newCDPSession(page));
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
	await pickMember(page, 'payment-dialog', MEMBERS.beta.name);
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

	// On the server: our three dues, each payment exactly once.
	await expect
		.poll(
			() => entries().filter((e) => e.kind === 'payment' && e.memberId === MEMBERS.beta.id).length
		)
		.toBe(1);
	expect(entries().filter((e) => e.kind === 'charge' && ours(e))).toHaveLength(3);
	expect(entries().filter((e) => e.kind === 'payment' && ours(e))).toHaveLength(2);
	expect(
		entries().find((e) => e.memberId === MEMBERS.beta.id && e.kind === 'payment')
	).toMatchObject({
		amount: 500000,
		posted: true,
		payer: 'Beta treasurer'
	});

	// Collection round in our regions: Beta (700,000) and Gamma (2,000,000) owe.
	await page.goto('/ledger/collection');
	await page.getByTestId('round-regions').selectOption([NORTH, SOUTH]);
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
	// Headers in the reader's language (English here), as the grid's export has them.
	expect(
		csv.startsWith('\uFEFFMember no.,Name,Letter language,Email,Phone,Amount due,Currency')
	).toBe(true);
	expect(csv).toContain(',Beta Metals Ltd,fa,');
	expect(csv).toContain(',Gamma Presses,zh,');
	expect(csv).toContain(',700000,IRR,2026,');
	await page.getByTestId('round-channel').selectOption('email');
	await page.getByTestId('round-record').click();
	await expect(page.getByTestId('round-message')).toContainText('2 reminders recorded');
	const reminded = () =>
		(Object.values(ledger.doc.getMap('reminders').toJSON()) as Record<string, unknown>[])
			.map((r) => r.memberId)
			.sort();
	await expect.poll(reminded).toEqual([MEMBERS.beta.id, MEMBERS.gamma.id].sort());

	// Beta's statement: charged 1,200,000, paid 500,000, 700,000 due for 2026.
	await page.goto(`/ledger/statement?member=${MEMBERS.beta.id}`);
	await expect(page.getByTestId('statement-balance')).toHaveAttribute('data-amount', '700000');
	await expect(page.getByTestId('statement-due').locator('li[data-year="2026"]')).toHaveAttribute(
		'data-amount',
		'700000'
	);
	await expect(page.getByTestId('statement-lines').locator('tbody tr')).toHaveCount(2);

	// Quarterly figures for 2026 in our regions: billed 4.4M in Q1 (North 3.2M, South
	// 1.2M); collected 1.2M in Q1 (North) and 0.5M in Q2 (South).
	await page.goto('/ledger/figures');
	await page.getByTestId('figures-year').fill('2026');
	await page.getByTestId('figures-by').selectOption('region');
	const q = (n: number, region: string) =>
		page.locator(`[data-testid=figures-table] tr[data-quarter="${n}"][data-group="${region}"]`);
	await expect(q(1, NORTH)).toHaveAttribute('data-billed', '3200000');
	await expect(q(1, NORTH)).toHaveAttribute('data-collected', '1200000');
	await expect(q(1, NORTH)).toHaveAttribute('data-outstanding', '2000000');
	await expect(q(1, SOUTH)).toHaveAttribute('data-billed', '1200000');
	await expect(q(1, SOUTH)).toHaveAttribute('data-collected', '0');
	await expect(q(1, SOUTH)).toHaveAttribute('data-outstanding', '1200000');
	await expect(q(2, NORTH)).toHaveAttribute('data-collected', '0');
	await expect(q(2, NORTH)).toHaveAttribute('data-outstanding', '2000000');
	await expect(q(2, SOUTH)).toHaveAttribute('data-collected', '500000');
	await expect(q(2, SOUTH)).toHaveAttribute('data-outstanding', '700000');
	// (3.2M - 2.0M) / 3.2M = 37.50 %; (1.2M - 0.7M) / 1.2M = 41.67 % (half up)
	await expect(q(2, NORTH)).toHaveAttribute('data-rate', '3750');
	await expect(q(2, SOUTH)).toHaveAttribute('data-rate', '4167');
	// The total row adds up every region's figures, ours included.
	const sumOf = (n: number, attr: string) =>
		page
			.locator(`[data-testid=figures-table] tr[data-quarter="${n}"]`)
			.evaluateAll((rows, a) => rows.reduce((s, r) => s + Number(r.getAttribute(a)), 0), attr);
	await page.getByTestId('figures-by').selectOption('total');
	const totalQ1 = page.locator('[data-testid=figures-table] tr[data-quarter="1"]');
	await expect(totalQ1).toHaveAttribute('data-group', '');
	const totalBilled = Number(await totalQ1.getAttribute('data-billed'));
	const totalCollected = Number(await totalQ1.getAttribute('data-collected'));
	// Every charge written above is dated 2026-01-15.
	expect(totalBilled).toBeGreaterThanOrEqual(writtenTotal);
	expect(totalCollected).toBeGreaterThanOrEqual(1200000);
	await page.getByTestId('figures-by').selectOption('region');
	await expect.poll(() => sumOf(1, 'data-billed')).toBe(totalBilled);
	await expect.poll(() => sumOf(1, 'data-collected')).toBe(totalCollected);

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
	await expect.poll(() => entries().filter((e) => e.kind === 'reversal' && ours(e)).length).toBe(1);

	// Persian: the figures page, RTL with Persian digits.
	await page.evaluate(() => localStorage.setItem('gh.locale', 'fa'));
	await page.goto('/ledger/figures');
	await page.getByTestId('figures-year').fill('2026');
	await page.getByTestId('figures-by').selectOption('region');
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(q(1, NORTH)).toContainText('۳٬۲۰۰٬۰۰۰');
	mkdirSync(SHOTS, { recursive: true });
	await page.screenshot({ path: `${SHOTS}/ledger-figures-fa.png`, fullPage: true });
	await page.goto('/ledger');
	await page.getByTestId('ledger-search').fill('Ledger Test');
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

/** A member of our own, made active the office's way (verified, then approved: a member number). */
async function activeMember(
	cookie: string,
	m: { id: string; name: string; tier: string; region: string }
): Promise<{ no: number; printed: string }> {
	const registry = await openDoc('default/registry', cookie);
	const row = () => registry.doc.getMap('members').get(m.id) as Y.Map<unknown> | undefined;
	if (!row()) {
		registry.doc.transact(() => {
			const r = new Y.Map<unknown>();
			registry.doc.getMap('members').set(m.id, r);
			r.set('name', m.name);
			r.set('region', m.region);
			r.set('status', 'applicant');
		});
		await command(cookie, {
			type: 'verify',
			rowId: m.id,
			met: ['statutes', 'industry', 'registration', 'form', 'influence'],
			note: ''
		});
		await command(await userCookie(APPROVER, cookie), {
			type: 'approve',
			rowId: m.id,
			tier: m.tier,
			category: 'manufacturer'
		});
	}
	await expect.poll(() => row()?.get('status')).toBe('active');
	const no = Number(row()!.get('memberNo'));
	const printed = String(row()!.get('certificateNo'));
	registry.close();
	return { no, printed };
}

const FARSI = {
	id: 'e2eMemberFarsi01',
	name: 'شرکت فرش ایرانیان',
	tier: 'regular',
	region: 'Ledger Test Persian'
};

test('Persian: years and amounts typed in Persian digits are read, saved and shown in Persian', async ({
	browser
}) => {
	test.slow();
	const cookie = await adminCookie();
	const { no: memberNo, printed } = await activeMember(cookie, FARSI);
	const ledger = await openDoc('default/ledger', cookie);
	const { context, page } = await loginContext(browser, ADMIN, { locale: 'fa' });
	const online = () =>
		expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
	const persian = (n: number | string) => String(n).replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[+d]);
	// This year as a year box on a Persian page shows it: in Persian digits, read back as a year.
	const thisYear = persian(new Date().getFullYear());
	// How the ledger pages name the member: the member number as printed on the
	// certificate (00012), in Persian digits.
	const label = `${persian(printed)} | ${FARSI.name}`;

	// Fees: a Solar Hijri year is not a dues year. It says so, and takes no fee (that would
	// be saved for no year).
	await page.goto('/ledger/fees');
	await online();
	await expect(page.getByTestId('fees-year')).toHaveValue(thisYear);
	await expect(page.getByTestId('fee-regular')).toBeEnabled();
	// A heading names the currency as the amounts do.
	await expect(page.getByTestId('fees-table').locator('thead')).toContainText(
		'تعرفه سالانه (ریال)'
	);
	await expect(page.getByTestId('fees-table').locator('thead')).not.toContainText('IRR');
	await page.getByTestId('fees-year').fill('۱۴۰۵');
	await expect(page.getByTestId('fees-year-error')).toContainText('میلادی');
	await expect(page.getByTestId('fee-regular')).toBeDisabled();
	// The year in Persian digits: the fee is saved for 2027, and is there after a reload.
	await page.getByTestId('fees-year').fill('۲۰۲۷');
	await expect(page.getByTestId('fees-year-error')).toHaveCount(0);
	await page.getByTestId('fee-regular').fill('۲۰۰٬۰۰۰');
	await page.getByTestId('fee-regular').press('Tab');
	await expect(page.getByTestId('fees-table').locator('.gh-field-error')).toHaveCount(0);
	await expect
		.poll(() => (ledger.doc.getMap('fees').toJSON() as Record<string, unknown>).f_2027_regular)
		.toMatchObject({ year: 2027, tier: 'regular', amount: 200000 });
	await page.reload();
	await online();
	await page.getByTestId('fees-year').fill('۲۰۲۷');
	await expect(page.getByTestId('fee-regular')).toHaveValue('۲۰۰٬۰۰۰');

	// Dues: the same year in Persian digits finds the active members, ours among them.
	await page.goto('/ledger/dues');
	await online();
	await expect(page.getByTestId('dues-year')).toHaveValue(thisYear);
	await expect(page.getByTestId('dues-generate')).toContainText(`سال ${thisYear}`);
	await page.getByTestId('dues-year').fill('۱۴۰۵');
	await expect(page.getByTestId('dues-year-error')).toContainText('میلادی');
	await expect(page.getByTestId('dues-generate')).toBeDisabled();
	await page.getByTestId('dues-year').fill('۲۰۲۷');
	await expect(page.getByTestId('dues-year-error')).toHaveCount(0);
	// The charges are dated 1 January of the dues year, not of this one: ۱۴۰۵/۱۰/۱۱.
	await expect(page.getByTestId('dues-date')).toHaveValue('۱۴۰۵/۱۰/۱۱');
	await expect(page.getByTestId('dues-summary')).not.toHaveAttribute('data-new', '0');
	await expect(page.getByTestId('dues-generate')).toBeEnabled();
	await expect(page.getByTestId('dues-generate')).toContainText('سال ۲۰۲۷');

	// A manual charge for 2027, its year typed in Persian digits.
	await page.goto('/ledger/entries');
	await online();
	await page.getByTestId('new-entry').click();
	await expect(page.getByTestId('entry-year')).toHaveValue(thisYear);
	await pickMember(page, 'entry-dialog', FARSI.name);
	await page.getByTestId('entry-amount').fill('۲۰۰٬۰۰۰');
	await page.getByTestId('entry-year').fill('۲۰۲۷');
	await page.getByTestId('entry-submit').click();
	await expect(page.getByTestId('entry-dialog')).not.toBeVisible();
	const charges = () =>
		(Object.values(ledger.doc.getMap('entries').toJSON()) as Record<string, unknown>[]).filter(
			(e) => e.memberId === FARSI.id && e.kind === 'charge'
		);
	await expect.poll(charges).toEqual([expect.objectContaining({ year: 2027, amount: 200000 })]);

	// A payment of half: the allocation table shows the charge's year as the entries grid does.
	await page.getByTestId('record-payment').click();
	// The member is found by their number, bare or as printed, in either digits, and shown
	// as printed in Persian digits.
	const pay = page.getByTestId('payment-dialog');
	for (const typed of [persian(memberNo), String(memberNo), printed, persian(printed)]) {
		await pay.getByTestId('member-search').fill(typed);
		await expect(pay.getByRole('option', { name: label, exact: true })).toBeVisible();
	}
	await pickMember(page, 'payment-dialog', FARSI.name);
	await expect(pay.getByTestId('picked-member')).toHaveText(label);
	await expect(pay.locator('label[for=gh-pay-amount]')).toHaveText('مبلغ (ریال)');
	await page.getByTestId('pay-amount').fill('۱۰۰٬۰۰۰');
	await page.getByTestId('pay-amount').blur();
	const allocRow = pay.locator('tr', { has: page.getByTestId('alloc-2027') });
	await expect(allocRow.locator('td').first()).toHaveText('۲۰۲۷');
	await expect(pay.getByLabel('مبلغ برای ۲۰۲۷')).toHaveValue('۱۰۰٬۰۰۰');
	await page.getByTestId('pay-submit').click();
	await expect(pay).not.toBeVisible();
	await expect
		.poll(
			() =>
				(Object.values(ledger.doc.getMap('entries').toJSON()) as Record<string, unknown>[]).filter(
					(e) => e.memberId === FARSI.id && e.kind === 'payment'
				).length
		)
		.toBe(1);

	// The entries grid, the statement and the collection round label the member the same way.
	await expect(page.getByTestId('entries-grid')).toContainText(label);
	await expect(page.getByTestId('entries-grid').locator('.ag-header')).toContainText('مبلغ (ریال)');
	// With no member chosen, the statement asks for one (no empty statement of zeros).
	await page.goto('/ledger/statement');
	await expect(page.getByTestId('statement-choose')).toContainText(
		'عضوی را که صورت‌حسابش را می‌خواهید برگزینید'
	);
	await expect(page.getByTestId('statement')).toHaveCount(0);
	const choose = page.getByTestId('statement-choose');
	await choose.getByTestId('member-search').fill(FARSI.name);
	await choose.getByRole('option').first().getByRole('button').click();
	await expect(page).toHaveURL(new RegExp(`/ledger/statement\\?member=${FARSI.id}$`));
	await expect(page.getByTestId('statement').locator('h2')).toContainText(label);
	await page.goto('/ledger/collection');
	await online();
	await page.getByTestId('round-regions').selectOption([FARSI.region]);
	await expect(
		page.locator(`[data-testid=round-debtors] tr[data-member=${FARSI.id}]`)
	).toContainText(label);

	// Figures: this year's, from the year box as shown.
	await page.goto('/ledger/figures');
	await online();
	await expect(page.getByTestId('figures-year')).toHaveValue(thisYear);
	await expect(page.getByTestId('figures-year-error')).toHaveCount(0);
	await expect(page.locator('[data-testid=figures-table] tr[data-quarter="1"]')).toContainText(
		thisYear
	);
	// Half of this quarter's charge is paid: the collection rate with the Persian percent sign.
	await page.getByTestId('figures-by').selectOption('region');
	const quarter = Math.floor(new Date().getMonth() / 3) + 1;
	const ourQuarter = page.locator(
		`[data-testid=figures-table] tr[data-quarter="${quarter}"][data-group="${FARSI.region}"]`
	);
	await expect(ourQuarter).toHaveAttribute('data-rate', '5000');
	await expect(ourQuarter.locator('td').last()).toHaveText('۵۰٪');
	mkdirSync(SHOTS, { recursive: true });
	await page.screenshot({ path: `${SHOTS}/ledger-figures-persian-digits-fa.png`, fullPage: true });
	await page.goto('/ledger');
	await expect(page.getByText('مبالغ به ریال')).toBeVisible();

	ledger.close();
	await context.close();
});

/** A posted entry written straight into the ledger doc, as another device would. */
function putEntry(doc: Y.Doc, id: string, fields: Record<string, string | number>) {
	doc.transact(() => {
		const e = new Y.Map<unknown>();
		doc.getMap('entries').set(id, e);
		const createdAt = new Date().toISOString();
		const all = { ...fields, posted: true, createdAt, createdBy: ADMIN.username };
		for (const [k, v] of Object.entries(all)) e.set(k, v);
	});
}

test('a currency change redraws the amounts of the ledger pages open at the time', async ({
	browser
}) => {
	const cookie = await adminCookie();
	const m = {
		id: 'e2eMemberCurr001',
		name: 'Currency Check Co',
		tier: 'regular',
		region: 'Ledger Test Currency'
	};
	await activeMember(cookie, m);
	const ledger = await openDoc('default/ledger', cookie);
	const settings = await openDoc('default/settings', cookie);
	const config = settings.doc.getMap('config');
	const before = config.get('currency');
	if (!ledger.doc.getMap('entries').has('e2eChargeCurr01')) {
		putEntry(ledger.doc, 'e2eChargeCurr01', {
			memberId: m.id,
			kind: 'charge',
			amount: 1234567,
			date: '2026-01-01'
		});
	}
	const { context, page } = await loginContext(browser, ADMIN);
	try {
		// The dues preview open in another tab, with fees in whole rials.
		const dues = await context.newPage();
		await dues.goto('/ledger/dues');
		const duesGrid = dues.getByTestId('dues-grid');
		await expect(duesGrid.locator('.ag-row').first()).toBeVisible();
		await expect(duesGrid).not.toContainText(/\d\.\d\d/);
		await page.goto('/ledger/entries');
		const grid = page.getByTestId('entries-grid');
		await page.getByTestId('entries-search').fill(m.name);
		await expect(grid).toContainText('1,234,567');
		await expect(grid.locator('.ag-header')).toContainText('IRR');

		// The admin changes the currency: the page open at the time redraws its amounts
		// and its heading (before, it kept the first currency until the page was left).
		config.set('currency', 'USD');
		await expect(grid).toContainText('12,345.67');
		await expect(grid.locator('.ag-header')).toContainText('US$');
		await expect(duesGrid).toContainText(/\d\.\d\d/);
		await page.goto('/ledger');
		await page.getByTestId('ledger-search').fill(m.name);
		await expect(page.getByTestId('balances-grid')).toContainText('12,345.67');
	} finally {
		config.set('currency', typeof before === 'string' ? before : 'IRR');
		await context.close();
		ledger.close();
		settings.close();
	}
});

test('one receipt recorded twice: the dialog warns before, the entries page shows it after', async ({
	browser
}) => {
	const cookie = await adminCookie();
	const m = {
		id: 'e2eMemberRcpt001',
		name: 'Receipt Check Co',
		tier: 'regular',
		region: 'Ledger Test Receipts'
	};
	await activeMember(cookie, m);
	const ledger = await openDoc('default/ledger', cookie);
	const receipt = `RC-${Date.now()}`;
	// One payment with the receipt, as recorded on another device.
	putEntry(ledger.doc, `e2eRcptA${Date.now()}`, {
		memberId: m.id,
		kind: 'payment',
		amount: 5000,
		date: '2026-03-01',
		method: 'cash',
		receiptNo: receipt
	});
	const { context, page } = await loginContext(browser, ADMIN);
	try {
		await page.goto('/ledger/entries');
		await expect(page.getByTestId('duplicate-receipt')).toHaveCount(0);
		await page.getByTestId('record-payment').click();
		const pay = page.getByTestId('payment-dialog');
		await pickMember(page, 'payment-dialog', m.name);
		await pay.getByTestId('pay-amount').fill('5000');
		// Typed in lower case: still the same receipt. The field says where it is recorded.
		await pay.getByTestId('pay-receipt').fill(receipt.toLowerCase());
		await expect(pay.getByTestId('pay-receipt-taken')).toContainText(m.name);
		// The first press asks to check; the second records it anyway.
		await pay.getByTestId('pay-submit').click();
		await expect(pay.getByTestId('pay-error')).toContainText('already recorded');
		await expect(pay.getByTestId('pay-submit')).toHaveText('Record anyway');
		await pay.getByTestId('pay-submit').click();
		await expect(pay).not.toBeVisible();

		// Recorded twice now (as two devices offline would): the entries page says so.
		const dup = page.getByTestId('duplicate-receipt');
		await expect(dup).toHaveCount(1);
		await expect(dup).toContainText(receipt);
		await dup.getByRole('button').click();
		await expect(page.getByTestId('entries-count')).toHaveAttribute('data-count', '2');
	} finally {
		await context.close();
		ledger.close();
	}
});

const HIJRI = {
	id: 'e2eMemberHijri01',
	name: 'شرکت نوروز صنعت',
	tier: 'regular',
	region: 'Ledger Test Solar Hijri'
};

/** The settings' fiscal calendar on the server, set as the admin (Node sync client). */
async function setFiscalCalendar(cookie: string, calendar: 'gregory' | 'persian') {
	const settings = await openDoc('default/settings', cookie);
	settings.doc.getMap('config').set('fiscalCalendar', calendar);
	const check = await openDoc('default/settings', cookie);
	await expect.poll(() => check.doc.getMap('config').get('fiscalCalendar')).toBe(calendar);
	check.close();
	settings.close();
}

test('Solar Hijri fiscal year: the admin chooses it; finance in Persian charges dues for ۱۴۰۵ dated the day of the run ([L6]) and reads Solar Hijri quarters', async ({
	browser
}) => {
	test.slow();
	const cookie = await adminCookie();
	await userCookie(FIONA, cookie);
	await activeMember(cookie, HIJRI);
	const persian = (n: number) => String(n).replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[+d]);
	// This Solar Hijri year, as Intl's Persian calendar counts it (the app's own conversion).
	const thisYear = Number(
		new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', { year: 'numeric' })
			.formatToParts(new Date())
			.find((p) => p.type === 'year')!.value
	);
	const ledger = await openDoc('default/ledger', cookie);
	const admin = await loginContext(browser, ADMIN);
	try {
		// The admin reads what the setting means and that it renumbers nothing, then picks it.
		await admin.page.goto('/settings');
		const fiscal = admin.page.getByTestId('settings-fiscal-calendar');
		await expect(fiscal.getByTestId('fiscal-calendar-gregory')).toBeChecked();
		await expect(fiscal).toContainText('Nowruz');
		await expect(fiscal.getByRole('note')).toContainText('does not renumber');
		await fiscal.getByTestId('fiscal-calendar-persian').check();
		await expect(admin.page.getByTestId('settings-message')).toHaveText('Saved');
		const settings = await openDoc('default/settings', cookie);
		await expect.poll(() => settings.doc.getMap('config').get('fiscalCalendar')).toBe('persian');
		settings.close();

		// Finance, in Persian: the year box shows this Solar Hijri year, and says which calendar.
		const { context, page } = await loginContext(browser, FIONA as never, { locale: 'fa' });
		const online = () =>
			expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
		await page.goto('/ledger/dues');
		await online();
		const year = page.getByTestId('dues-year');
		await expect(year).toHaveValue(persian(thisYear));
		await expect(page.locator('label', { has: year })).toContainText('هجری شمسی');

		// A Gregorian year is refused with what to type instead; what was typed stays.
		await year.fill('۲۰۲۶');
		await expect(page.getByTestId('dues-year-error')).toContainText('۲۰۲۶ سال میلادی است');
		await expect(page.getByTestId('dues-year-error')).toContainText('هجری شمسی وارد کنید');
		await expect(page.getByTestId('dues-generate')).toBeDisabled();
		await expect(year).toHaveValue('۲۰۲۶');

		// ۱۴۰۵, this year: the charges are dated the day of the run, not 1 Farvardin ([L6]).
		await year.fill('۱۴۰۵');
		await expect(page.getByTestId('dues-year-error')).toHaveCount(0);
		await expect(page.getByTestId('dues-date-note')).toHaveAttribute('data-date', TODAY);
		await expect(page.getByTestId('dues-date')).not.toHaveValue('۱۴۰۵/۰۱/۰۱');
		await expect(page.getByTestId('dues-year-span')).toContainText(
			'سال مالی ۱۴۰۵ (هجری شمسی): ۱ فروردین ۱۴۰۵ تا ۲۹ اسفند ۱۴۰۵'
		);
		await expect(page.getByTestId('dues-summary')).not.toHaveAttribute('data-new', '0');
		await expect(page.getByTestId('dues-generate')).toContainText('سال ۱۴۰۵');
		await page.getByTestId('dues-generate').click();
		await expect(page.getByTestId('dues-result')).toBeVisible();
		const ours = () =>
			(ledger.doc.getMap('entries').toJSON() as Record<string, Record<string, unknown>>)[
				`d_1405_${HIJRI.id}`
			];
		await expect.poll(ours).toMatchObject({ kind: 'charge', year: 1405, date: TODAY });
		const amount = Number(ours().amount);

		// A manual charge with a Gregorian year: the dialog says so and keeps what was typed.
		await page.goto('/ledger/entries');
		await online();
		await page.getByTestId('new-entry').click();
		const dialog = page.getByTestId('entry-dialog');
		await expect(dialog.getByTestId('entry-year')).toHaveValue(persian(thisYear));
		await pickMember(page, 'entry-dialog', HIJRI.name);
		await page.getByTestId('entry-amount').fill('۳۰۰٬۰۰۰');
		await page.getByTestId('entry-note').fill('Exhibition stand');
		await page.getByTestId('entry-year').fill('۲۰۲۶');
		await page.getByTestId('entry-submit').click();
		await expect(dialog.getByRole('alert')).toContainText('۲۰۲۶ سال میلادی است');
		await expect(dialog).toBeVisible();
		await expect(page.getByTestId('entry-amount')).toHaveValue('۳۰۰٬۰۰۰');
		await expect(page.getByTestId('entry-note')).toHaveValue('Exhibition stand');
		await expect(dialog.getByTestId('picked-member')).toContainText(HIJRI.name);
		const manual = () =>
			(Object.values(ledger.doc.getMap('entries').toJSON()) as Record<string, unknown>[]).filter(
				(e) => e.memberId === HIJRI.id && e.note === 'Exhibition stand'
			);
		expect(manual()).toEqual([]);
		await page.getByTestId('entry-year').fill('۱۴۰۵');
		await page.getByTestId('entry-submit').click();
		await expect(dialog).not.toBeVisible();
		await expect.poll(manual).toEqual([expect.objectContaining({ year: 1405, amount: 300000 })]);

		// The statement: the dues charge, due for 1405.
		await page.goto(`/ledger/statement?member=${HIJRI.id}`);
		await online();
		const lines = page.getByTestId('statement-lines').locator('tbody tr');
		await expect(lines.first()).toHaveAttribute('data-kind', 'charge');
		await expect(page.getByTestId('statement-due').locator('li[data-year="1405"]')).toHaveAttribute(
			'data-amount',
			String(amount + 300000)
		);

		// The reminder letter names the year's calendar (it has no heading that would), and
		// so does the CSV's years column.
		await page.goto('/ledger/collection');
		await online();
		await page.getByTestId('round-regions').selectOption([HIJRI.region]);
		await expect(page.getByTestId('round-count')).toHaveAttribute('data-count', '1');
		const letter = page.locator(`.gh-letter[data-member=${HIJRI.id}]`);
		await expect(letter).toHaveAttribute('dir', 'rtl');
		await expect(letter).toContainText('۱۴۰۵ (هجری شمسی): ');
		const download = page.waitForEvent('download');
		await page.getByTestId('round-csv').click();
		const csv = readFileSync((await (await download).path())!, 'utf8');
		expect(csv.split('\r\n')[0]).toContain(',سال‌ها (هجری شمسی),');
		expect(csv).toContain(',1405,');
		mkdirSync(SHOTS, { recursive: true });
		await letter.scrollIntoViewIfNeeded();
		await page.screenshot({ path: `${SHOTS}/ledger-letter-solar-hijri-fa.png`, fullPage: true });

		// The figures by Solar Hijri quarter: Q1 is Farvardin–Khordad; the dues and the
		// manual charge are billed in the quarter of the run, nothing before it ([L6]).
		await page.goto('/ledger/figures');
		await online();
		await page.getByTestId('figures-year').fill('۱۴۰۵');
		await page.getByTestId('figures-by').selectOption('region');
		const q = (n: number) =>
			page.locator(
				`[data-testid=figures-table] tr[data-quarter="${n}"][data-group="${HIJRI.region}"]`
			);
		await expect(q(1)).toHaveAttribute('data-start', '2026-03-21');
		await expect(q(1)).toHaveAttribute('data-end', '2026-06-21');
		await expect(q(1)).toContainText('فصل ۱ سال ۱۴۰۵');
		await expect(q(1)).toContainText('۱ فروردین ۱۴۰۵ تا ۳۱ خرداد ۱۴۰۵');
		for (const n of [1, 2, 3, 4]) {
			const from = (await q(n).getAttribute('data-start'))!;
			const to = (await q(n).getAttribute('data-end'))!;
			const billed = from <= TODAY && TODAY <= to ? amount + 300000 : 0;
			await expect(q(n)).toHaveAttribute('data-billed', String(billed));
		}
		await expect(q(4)).toHaveAttribute('data-start', '2026-12-22');
		await expect(q(4)).toContainText('۱ دی ۱۴۰۵ تا ۲۹ اسفند ۱۴۰۵');
		mkdirSync(SHOTS, { recursive: true });
		await page.screenshot({ path: `${SHOTS}/ledger-figures-solar-hijri-fa.png`, fullPage: true });
		await context.close();
	} finally {
		// Every other spec shares this organisation: its ledger is Gregorian again.
		await setFiscalCalendar(cookie, 'gregory');
		ledger.close();
		await admin.context.close();
	}
});

const KEEP = {
	id: 'e2eMergeKeep0001',
	name: 'Keepwell Castings',
	tier: 'regular',
	region: 'Ledger Test Merge'
};
const GONE = {
	id: 'e2eMergeGone0001',
	name: 'Goneby Foundry',
	tier: 'regular',
	region: 'Ledger Test Merge'
};

test("[L4][L5] after a real merge the survivor's statement carries the merged record's charge and a payment recorded for it offline", async ({
	browser
}) => {
	test.slow();
	const cookie = await adminCookie();
	await userCookie(FIONA, cookie);
	await activeMember(cookie, KEEP);
	const gone = await activeMember(cookie, GONE);
	// The merged record's 2025 dues, posted before anyone saw the two were one company.
	const ledger = await openDoc('default/ledger', cookie);
	const dues2025 = `d_2025_${GONE.id}`;
	ledger.doc.transact(() => {
		const row = new Y.Map<unknown>();
		ledger.doc.getMap('entries').set(dues2025, row);
		for (const [k, v] of Object.entries({
			memberId: GONE.id,
			kind: 'charge',
			amount: 900000,
			date: '2025-01-15',
			year: 2025,
			posted: true,
			source: 'dues',
			tier: 'regular'
		}))
			row.set(k, v);
	});

	// Finance's device holds the ledger and the registry, then loses the network.
	const { context, page } = await loginContext(browser, FIONA as never);
	await page.goto('/ledger/entries');
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
	// The registry (the payment dialog's member picker reads it) holds both records before
	// the network goes: it syncs beside the ledger, and may come after it.
	const payment = page.getByTestId('payment-dialog');
	await page.getByTestId('record-payment').click();
	await payment.getByTestId('member-search').fill(GONE.name);
	await expect(payment.getByRole('listbox').getByRole('option')).toHaveCount(1);
	await payment.getByRole('button', { name: 'Cancel' }).click();
	await expect(payment).not.toBeVisible();
	await context.setOffline(true);
	await page.evaluate(() => window.dispatchEvent(new Event('offline')));
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'offline');

	// Meanwhile the office merges the two records (the server's merge command).
	const merged = await fetch(`${baseURL()}/api/default/members/merge`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: baseURL(), cookie },
		body: JSON.stringify({ survivorId: KEEP.id, mergedId: GONE.id })
	});
	expect(merged.status, await merged.clone().text()).toBe(200);

	// Offline, the device still knows the merged record: the payment is recorded for it.
	await page.getByTestId('record-payment').click();
	await pickMember(page, 'payment-dialog', GONE.name);
	await page.getByTestId('pay-amount').fill('900000');
	await page.getByTestId('pay-date').fill('2026-06-01');
	await page.getByTestId('pay-receipt').fill('R-MERGE-1');
	await page.getByTestId('alloc-2025').fill('900000');
	await page.getByTestId('pay-submit').click();
	await expect(page.getByTestId('payment-dialog')).not.toBeVisible();
	await context.setOffline(false);
	await page.evaluate(() => window.dispatchEvent(new Event('online')));
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');

	// On the server the entries keep the record they were posted on ([L1]).
	const mine = () =>
		(Object.values(ledger.doc.getMap('entries').toJSON()) as Record<string, unknown>[]).filter(
			(e) => e.receiptNo === 'R-MERGE-1'
		);
	await expect.poll(() => mine().map((e) => e.memberId)).toEqual([GONE.id]);

	// The survivor's statement: the merged record's charge and the late payment, each
	// saying which record it was booked on; nothing owed.
	const bookedOn = `Booked on ${gone.printed} · ${GONE.name} (merged into this record)`;
	await page.goto(`/ledger/statement?member=${KEEP.id}`);
	await expect(page.getByTestId('statement-lines').locator('tbody tr')).toHaveCount(2);
	await expect(page.getByTestId('booked-on')).toHaveText([bookedOn, bookedOn]);
	await expect(page.getByTestId('statement-balance')).toHaveAttribute('data-amount', '0');
	await expect(page.getByTestId('statement-merged')).toHaveCount(0);
	// The merged record's own link shows the survivor's statement, and says so.
	await page.goto(`/ledger/statement?member=${GONE.id}`);
	await expect(page.getByTestId('statement-merged')).toContainText(
		`${gone.printed} · ${GONE.name} has been merged into`
	);
	await expect(page.locator('[data-testid=statement] h2')).toContainText(KEEP.name);
	await expect(page.getByTestId('booked-on')).toHaveCount(2);

	// Entries list the payment under the survivor; the picker finds it by the merged name.
	await page.goto('/ledger/entries');
	await page.getByTestId('entries-search').fill('R-MERGE-1');
	await expect(page.getByTestId('entries-count')).toHaveAttribute('data-count', '1');
	await expect(page.getByTestId('entries-grid').locator('.ag-row')).toContainText(
		`${KEEP.name} (booked on ${gone.printed} · ${GONE.name}, merged into it)`
	);
	await page.getByTestId('record-payment').click();
	await page.getByTestId('payment-dialog').getByTestId('member-search').fill(GONE.name);
	await expect(
		page.getByTestId('payment-dialog').getByRole('listbox').getByRole('option')
	).toHaveText([new RegExp(`${KEEP.name} \\(also ${gone.printed} · ${GONE.name}\\)`)]);
	await page.keyboard.press('Escape');

	// [L5] The 2025 dues run does not charge the survivor again, and says why.
	await page.goto('/ledger/dues');
	await page.getByTestId('dues-year').fill('2025');
	await expect(
		page.getByTestId('dues-grid').locator('.ag-row', { hasText: KEEP.name })
	).toContainText(`Already charged on ${gone.printed} · ${GONE.name} (merged into this record)`);
	// The merged record is no member of its own: no line.
	await expect(
		page.getByTestId('dues-grid').locator('.ag-cell[col-id="member"]', { hasText: GONE.name })
	).toHaveCount(0);

	ledger.close();
	await context.close();
});

test('Enter in the date field of a new entry confirms the date only; the entry is posted by its button', async ({
	browser
}) => {
	const cookie = await adminCookie();
	const member = {
		id: 'e2eMemberEnter01',
		name: 'Enter Key Works',
		tier: 'regular',
		region: 'Ledger Test Enter'
	};
	await activeMember(cookie, member);
	const ledger = await openDoc('default/ledger', cookie);
	const ours = () =>
		(Object.values(ledger.doc.getMap('entries').toJSON()) as Record<string, unknown>[]).filter(
			(e) => e.memberId === member.id
		);
	const { context, page } = await loginContext(browser, ADMIN);
	await page.goto('/ledger/entries');
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
	await page.getByTestId('new-entry').click();
	const dialog = page.getByTestId('entry-dialog');
	await dialog.getByRole('radio', { name: 'Credit' }).check();
	await pickMember(page, 'entry-dialog', member.name);
	await page.getByTestId('entry-amount').fill('25,000');
	const date = page.getByTestId('entry-date');
	await date.fill('2026-12-06');
	await date.press('Enter');
	// The date is taken, and nothing is posted: the note and "keep as draft" are still to come.
	await expect(
		page.getByTestId('date-picker').filter({ has: page.getByTestId('entry-date') })
	).toHaveAttribute('data-value', '2026-12-06');
	await expect(dialog).toBeVisible();
	await page.getByTestId('entry-note').fill('Refund of the fair stand');
	await page.getByTestId('entry-draft').check();
	expect(ours()).toEqual([]);
	await page.getByTestId('entry-submit').click();
	await expect(dialog).not.toBeVisible();
	await expect.poll(ours).toEqual([
		expect.objectContaining({
			kind: 'credit',
			date: '2026-12-06',
			note: 'Refund of the fair stand',
			posted: false
		})
	]);
	ledger.close();
	await context.close();
});

test('[C23] the fiscal calendar changed in another tab: open ledger pages read their years in the new one, and the next charge asks first', async ({
	browser
}) => {
	test.slow();
	const cookie = await adminCookie();
	await userCookie(FIONA, cookie);
	const m = {
		id: 'e2eMemberCalSw01',
		name: 'Calendar Switch Co',
		tier: 'regular',
		region: 'Ledger Test Calendar Switch'
	};
	await activeMember(cookie, m);
	const yearIn = (calendar: string) =>
		Number(
			new Intl.DateTimeFormat(`en-u-ca-${calendar}-nu-latn`, { year: 'numeric' })
				.formatToParts(new Date())
				.find((p) => p.type === 'year')!.value
		);
	const gregorian = yearIn('gregory');
	const solarHijri = yearIn('persian');
	const ledger = await openDoc('default/ledger', cookie);
	const admin = await loginContext(browser, ADMIN);
	const finance = await loginContext(browser, FIONA as never);
	try {
		const online = (p: Page) =>
			expect(p.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
		// Finance: the dues page open in one tab, a manual charge half typed in another.
		const dues = finance.page;
		await dues.goto('/ledger/dues');
		await online(dues);
		await expect(dues.getByTestId('dues-year')).toHaveValue(String(gregorian));
		const entries = await finance.context.newPage();
		await entries.goto('/ledger/entries');
		await online(entries);
		await entries.getByTestId('new-entry').click();
		const dialog = entries.getByTestId('entry-dialog');
		await pickMember(entries, 'entry-dialog', m.name);
		await entries.getByTestId('entry-amount').fill('250,000');
		await expect(entries.getByTestId('entry-year')).toHaveValue(String(gregorian));

		// The admin, on another device, keeps the books in Solar Hijri years from now on.
		await admin.page.goto('/settings');
		await admin.page.getByTestId('fiscal-calendar-persian').check();
		await expect(admin.page.getByTestId('settings-message')).toHaveText('Saved');

		// The dues page follows: its year is this Solar Hijri year, read as one, and the
		// page says what changed (before, it kept 2026 and said the person typed it wrong).
		await expect(dues.getByTestId('fiscal-calendar-changed')).toContainText(
			`changed to Solar Hijri in the settings while this page was open`
		);
		await expect(dues.getByTestId('dues-year')).toHaveValue(String(solarHijri));
		await expect(dues.locator('label', { has: dues.getByTestId('dues-year') })).toContainText(
			'Dues year (Solar Hijri)'
		);
		await expect(dues.getByTestId('dues-year-span')).toContainText(
			`Fiscal year ${solarHijri} (Solar Hijri)`
		);
		// A Gregorian year typed now is refused, with what to type instead.
		await dues.getByTestId('dues-year').fill(String(gregorian));
		await expect(dues.getByTestId('dues-year-error')).toContainText(
			`${gregorian} is a Gregorian year`
		);
		await expect(dues.getByTestId('dues-generate')).toBeDisabled();
		await dues.getByTestId('fiscal-calendar-changed').getByRole('button').click();
		await expect(dues.getByTestId('fiscal-calendar-changed')).toHaveCount(0);

		// The half-typed charge: its year follows too, and the first Save asks to check it.
		await expect(entries.getByTestId('entry-year')).toHaveValue(String(solarHijri));
		const charges = () =>
			(Object.values(ledger.doc.getMap('entries').toJSON()) as Record<string, unknown>[]).filter(
				(e) => e.memberId === m.id && e.kind === 'charge'
			);
		await entries.getByTestId('entry-submit').click();
		await expect(dialog.getByRole('alert')).toContainText(
			'changed to Solar Hijri while this page was open. Check the dues year'
		);
		await expect(dialog).toBeVisible();
		expect(charges()).toEqual([]);
		await entries.getByTestId('entry-submit').click();
		await expect(dialog).not.toBeVisible();
		await expect
			.poll(charges)
			.toEqual([expect.objectContaining({ year: solarHijri, amount: 250000 })]);
		await expect(entries.getByTestId('fiscal-calendar-changed')).toHaveCount(0);
	} finally {
		// Every other spec shares this organisation: its ledger is Gregorian again.
		await setFiscalCalendar(cookie, 'gregory');
		ledger.close();
		await finance.context.close();
		await admin.context.close();
	}
});

const KEEP2 = {
	id: 'e2eMergeKeep0002',
	name: 'Twice Billed Works',
	tier: 'regular',
	region: 'Ledger Test Merge Twice'
};
const GONE2 = {
	id: 'e2eMergeGone0002',
	name: 'Twice Billed Branch',
	tier: 'regular',
	region: 'Ledger Test Merge Twice'
};

test('[L4][L5] a payment allocated to two open charges of one year, one booked on a merged record: each input says which', async ({
	browser
}) => {
	const cookie = await adminCookie();
	await userCookie(FIONA, cookie);
	await activeMember(cookie, KEEP2);
	const gone = await activeMember(cookie, GONE2);
	// Both records charged for 2025 while apart, then merged: two open 2025 charges.
	const ledger = await openDoc('default/ledger', cookie);
	const charge = (memberId: string, amount: number, date: string) => {
		const id = `d_2025_${memberId}`;
		const row = new Y.Map<unknown>();
		ledger.doc.getMap('entries').set(id, row);
		for (const [k, v] of Object.entries({
			memberId,
			kind: 'charge',
			amount,
			date,
			year: 2025,
			posted: true,
			source: 'dues',
			tier: 'regular'
		}))
			row.set(k, v);
		return id;
	};
	let own = '';
	let booked = '';
	ledger.doc.transact(() => {
		own = charge(KEEP2.id, 500000, '2025-01-10');
		booked = charge(GONE2.id, 900000, '2025-01-20');
	});
	const merged = await fetch(`${baseURL()}/api/default/members/merge`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: baseURL(), cookie },
		body: JSON.stringify({ survivorId: KEEP2.id, mergedId: GONE2.id })
	});
	expect(merged.status, await merged.clone().text()).toBe(200);

	const { context, page } = await loginContext(browser, FIONA as never);
	try {
		await page.goto('/ledger/entries');
		await page.getByTestId('record-payment').click();
		await pickMember(page, 'payment-dialog', KEEP2.name);
		const dialog = page.getByTestId('payment-dialog');
		// The member's own charge keeps the plain test id; the other has one of its own, and
		// a screen reader hears which record it was booked on.
		const ownInput = dialog.getByTestId('alloc-2025');
		const bookedInput = dialog.getByTestId(`alloc-2025-${booked}`);
		await expect(ownInput).toHaveAccessibleName('Amount for 2025');
		await expect(bookedInput).toHaveAccessibleName(
			`Amount for 2025, booked on ${gone.printed} · ${GONE2.name}`
		);
		await page.getByTestId('pay-amount').fill('1400000');
		await page.getByTestId('pay-date').fill('2026-06-01');
		await page.getByTestId('pay-receipt').fill('R-MERGE-2');
		await ownInput.fill('500000');
		await bookedInput.fill('900000');
		await page.getByTestId('pay-submit').click();
		await expect(dialog).not.toBeVisible();
		const allocated = () =>
			Object.fromEntries(
				(Object.values(ledger.doc.getMap('allocations').toJSON()) as Record<string, unknown>[])
					.filter((a) => a.chargeId === own || a.chargeId === booked)
					.map((a) => [a.chargeId, a.amount])
			);
		await expect.poll(allocated).toEqual({ [own]: 500000, [booked]: 900000 });
	} finally {
		ledger.close();
		await context.close();
	}
});

const FINN = {
	username: 'finn',
	displayName: 'Finn Finance',
	password: 'finn-password-1',
	roles: ['finance']
};
const REFUSED = {
	id: 'e2eMemberRefus01',
	name: 'Refused Payment Co',
	tier: 'regular',
	region: 'Ledger Test Refused'
};

test('[C27] a payment recorded offline by finance made view-only meanwhile is told, not kept or counted', async ({
	browser
}) => {
	test.slow();
	const cookie = await adminCookie();
	await userCookie(FINN, cookie);
	const { printed } = await activeMember(cookie, REFUSED);
	const listed = (await (
		await fetch(`${baseURL()}/api/users`, { headers: { cookie } })
	).json()) as { users: { id: number; username: string }[] };
	const finnId = listed.users.find((u) => u.username === FINN.username)!.id;
	const setRoles = async (roles: string[]) => {
		const r = await fetch(`${baseURL()}/api/users/${finnId}`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/json', origin: baseURL(), cookie },
			body: JSON.stringify({ roles })
		});
		expect(r.status).toBe(200);
	};

	const { context, page } = await loginContext(browser, FINN as never);
	await page.goto(`/ledger/statement?member=${REFUSED.id}`);
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
	// The device's registry has the approval (the number) before it goes offline.
	await expect(page.locator('h2').first()).toContainText(`${printed} · ${REFUSED.name}`);
	const balance = page.getByTestId('statement-balance');
	const serverBalance = (await balance.getAttribute('data-amount'))!;

	// Offline, Finn records a payment: shown at once, one change waiting.
	await context.setOffline(true);
	await page.evaluate(() => window.dispatchEvent(new Event('offline')));
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'offline');
	await page.getByTestId('statement-pay').click();
	await page.getByTestId('pay-amount').fill('777777');
	await page.getByTestId('pay-receipt').fill('R-REFUSED-1');
	await page.getByTestId('pay-submit').click();
	await expect(page.getByTestId('payment-dialog')).not.toBeVisible();
	await expect(page.getByTestId('pending-count')).not.toHaveAttribute('data-count', '0');
	await expect(balance).not.toHaveAttribute('data-amount', serverBalance);

	// Meanwhile an administrator makes Finn staff: the ledger is view-only for him now,
	// and the server drops what his device sends there.
	await setRoles(['staff']);
	await context.setOffline(false);
	await page.evaluate(() => window.dispatchEvent(new Event('online')));

	// He is told what was not saved and what to do; the page shows the server's ledger.
	const notice = page.getByTestId('refused-changes');
	await expect(notice).toContainText(
		'A change made on this device to the dues ledger could not be saved: you can now only view it.'
	);
	await expect(notice.locator('li')).toHaveCount(1);
	await expect(notice.locator('li')).toContainText(/^Payment · .+ · /);
	await expect(notice.locator('li')).toContainText(`${printed} · ${REFUSED.name}`);
	await expect(notice).toContainText('Ask someone who may edit it to enter them again');
	await expect(page.getByTestId('ledger-readonly')).toBeVisible();
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
	await expect(page.getByTestId('pending-count')).toHaveAttribute('data-count', '0');
	await expect(balance).toHaveAttribute('data-amount', serverBalance);
	await expect(page.getByTestId('statement-lines')).not.toContainText('R-REFUSED-1');
	const ledger = await openDoc('default/ledger', cookie);
	const refused = () =>
		(Object.values(ledger.doc.getMap('entries').toJSON()) as Record<string, unknown>[]).filter(
			(e) => e.receiptNo === 'R-REFUSED-1'
		);
	expect(refused()).toEqual([]);

	// A reload keeps the server's figures, and the notice until it is dismissed.
	await page.reload();
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
	await expect(notice).toBeVisible();
	await expect(balance).toHaveAttribute('data-amount', serverBalance);
	await expect(page.getByTestId('pending-count')).toHaveAttribute('data-count', '0');
	await notice.getByRole('button', { name: 'Understood' }).click();
	await expect(notice).toHaveCount(0);
	await page.reload();
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
	await expect(notice).toHaveCount(0);
	expect(refused()).toEqual([]);

	ledger.close();
	await setRoles(['finance']);
	await context.close();
});

const NEWCOMER = {
	id: 'e2eMemberNewRun1',
	name: 'Newcomer Glassworks',
	tier: 'regular',
	region: 'Ledger Test Run Date'
};

test('[L6] the dues run charges on the day of the run: a member approved today is not overdue, and the page says the date first', async ({
	browser
}) => {
	test.slow();
	const cookie = await adminCookie();
	await userCookie(FIONA, cookie);
	await activeMember(cookie, NEWCOMER);
	const year = new Date().getFullYear();
	const ledger = await openDoc('default/ledger', cookie);
	const { context, page } = await loginContext(browser, FIONA as never);
	try {
		const online = () =>
			expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
		await page.goto('/ledger/dues');
		await online();
		await expect(page.getByTestId('dues-year')).toHaveValue(String(year));
		// Before anyone is charged, the page says the date the charges will carry: today
		// (before, 1 January, so the newcomer was months overdue the day it joined).
		const note = page.getByTestId('dues-date-note');
		await expect(note).toHaveAttribute('data-date', TODAY);
		await expect(note).toContainText('The charges will be dated');
		await expect(note).not.toContainText('before today');
		// A backdated day is allowed, with what it does.
		if (`${year}-01-01` < TODAY) {
			await page.getByTestId('dues-date').fill(`${year}-01-01`);
			await page.getByTestId('dues-date').press('Enter');
			await expect(note).toHaveAttribute('data-date', `${year}-01-01`);
			await expect(note).toContainText('before today');
			await expect(note).toContainText('figures and reports');
			await page.getByTestId('dues-date').fill(TODAY);
			await page.getByTestId('dues-date').press('Enter');
			await expect(note).toHaveAttribute('data-date', TODAY);
		}
		await expect(page.getByTestId('dues-summary')).not.toHaveAttribute('data-new', '0');
		await page.getByTestId('dues-generate').click();
		await expect(page.getByTestId('dues-result')).toBeVisible();
		const charge = () =>
			(ledger.doc.getMap('entries').toJSON() as Record<string, Record<string, unknown>>)[
				`d_${year}_${NEWCOMER.id}`
			];
		await expect.poll(charge).toMatchObject({ kind: 'charge', year, date: TODAY });

		// The collection round ages the debt from the charge's date: 0 days.
		await page.goto('/ledger/collection');
		await online();
		await page.getByTestId('round-regions').selectOption([NEWCOMER.region]);
		const row = page.locator(`[data-testid=round-debtors] tr[data-member=${NEWCOMER.id}]`);
		await expect(row.locator('td').nth(6)).toHaveText('0');
		// Not past the grace period: not in the lapse review.
		await page.goto('/ledger/lapse');
		await online();
		await expect(page.getByTestId('lapse-list')).toBeVisible();
		await expect(
			page.locator(`[data-testid=lapse-list] tr[data-member=${NEWCOMER.id}]`)
		).toHaveCount(0);
	} finally {
		ledger.close();
		await context.close();
	}
});

const TWICE = {
	id: 'e2eMemberOverlp1',
	name: 'Overlap Billing Co',
	tier: 'regular',
	region: 'Ledger Test Overlap'
};

/** A posted dues-run charge written straight into the ledger (as the dues page writes it). */
function postDues(
	ledger: Awaited<ReturnType<typeof openDoc>>,
	memberId: string,
	year: number,
	date: string,
	amount = 1200000
) {
	ledger.doc.transact(() => {
		const row = new Y.Map<unknown>();
		ledger.doc.getMap('entries').set(`d_${year}_${memberId}`, row);
		for (const [k, v] of Object.entries({
			memberId,
			kind: 'charge',
			amount,
			date,
			posted: true,
			year,
			source: 'dues',
			tier: 'regular',
			currency: 'IRR'
		}))
			row.set(k, v);
	});
}

test('[L7] after a switch to Solar Hijri the dues run leaves out members charged for an overlapping Gregorian year, says why, and charges them only when asked', async ({
	browser
}) => {
	test.slow();
	const cookie = await adminCookie();
	await userCookie(FIONA, cookie);
	await activeMember(cookie, TWICE);
	const ledger = await openDoc('default/ledger', cookie);
	const entry = (id: string) =>
		(ledger.doc.getMap('entries').toJSON() as Record<string, Record<string, unknown>>)[id];
	// Already billed for Gregorian 2026, before the admin switched the calendar.
	postDues(ledger, TWICE.id, 2026, '2026-01-10');
	await expect.poll(() => entry(`d_2026_${TWICE.id}`)).toMatchObject({ posted: true });
	await setFiscalCalendar(cookie, 'persian');
	const { context, page } = await loginContext(browser, FIONA as never);
	try {
		await page.goto('/ledger/dues');
		await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
		await page.getByTestId('dues-year').fill('1405');
		// Before, "0 already charged" and the button billed them for 21 Mar to 31 Dec twice.
		const notice = page.getByTestId('dues-overlap');
		await expect(notice).toContainText('overlaps 1405 (Solar Hijri)');
		await expect(notice).toContainText('2026 (shares 21 Mar 2026 to 31 Dec 2026)');
		await expect(notice).toContainText('nobody pays twice');
		const left = Number(await notice.getAttribute('data-count'));
		expect(left).toBeGreaterThanOrEqual(1);
		await expect(page.getByTestId('dues-summary')).toHaveAttribute('data-overlap', String(left));
		const summary = page.getByTestId('dues-summary');
		const without = Number(await summary.getAttribute('data-new'));

		// Ticked: they are counted in, knowingly.
		await page.getByTestId('dues-include-overlap').check();
		await expect(page.getByTestId('dues-include-overlap')).toHaveAccessibleName(
			`Charge ${left === 1 ? 'this member' : `these ${left} members`} for 1405 (Solar Hijri) too: the shared months will then be owed twice`
		);
		await expect(summary).toHaveAttribute('data-new', String(without + left));
		// Unticked again, the run leaves them out.
		await page.getByTestId('dues-include-overlap').uncheck();
		await expect(summary).toHaveAttribute('data-new', String(without));
		if (without > 0) {
			await page.getByTestId('dues-generate').click();
			await expect(page.getByTestId('dues-result')).toBeVisible();
		}
		await expect(summary).toHaveAttribute('data-new', '0');
		expect(entry(`d_1405_${TWICE.id}`)).toBeUndefined();

		// Finance decides to charge them after all.
		await page.getByTestId('dues-include-overlap').check();
		await expect(summary).toHaveAttribute('data-new', String(left));
		await page.getByTestId('dues-generate').click();
		await expect(page.getByTestId('dues-result')).toContainText(
			`${left} ${left === 1 ? 'charge' : 'charges'} written`
		);
		await expect
			.poll(() => entry(`d_1405_${TWICE.id}`))
			.toMatchObject({ kind: 'charge', year: 1405, posted: true });
	} finally {
		// Every other spec shares this organisation: its ledger is Gregorian again.
		await setFiscalCalendar(cookie, 'gregory');
		ledger.close();
		await context.close();
	}
});

const BOTH = {
	id: 'e2eMemberBothCal',
	name: 'Two Calendars Trading',
	tier: 'regular',
	region: 'Ledger Test Both Calendars'
};

test('after a switch to Solar Hijri a Gregorian dues year reads as Gregorian on the statement, in the payment dialog and in the collection CSV', async ({
	browser
}) => {
	test.slow();
	const cookie = await adminCookie();
	await userCookie(FIONA, cookie);
	await activeMember(cookie, BOTH);
	const ledger = await openDoc('default/ledger', cookie);
	postDues(ledger, BOTH.id, 2026, '2026-01-10', 1000000);
	await setFiscalCalendar(cookie, 'persian');
	const { context, page } = await loginContext(browser, FIONA as never);
	try {
		const online = () =>
			expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
		await page.goto(`/ledger/statement?member=${BOTH.id}`);
		await online();
		// Only 2026 is owed: a Gregorian year, whatever the setting is now.
		const due = page.getByTestId('statement-due');
		const dueHeading = page.getByTestId('statement').getByRole('heading', { name: /^Due by year/ });
		await expect(due.locator('li[data-year="2026"]')).toHaveText('2026: IRR 1,000,000');
		await expect(dueHeading).toHaveText('Due by year');
		const lines = page.getByTestId('statement-lines');
		await expect(lines.locator('th').nth(2)).toHaveText('Dues year');

		// 1405 charged too: each year says its own calendar.
		postDues(ledger, BOTH.id, 1405, '2026-12-01', 500000);
		await expect(due.locator('li[data-year="1405"]')).toHaveText('1405 (Solar Hijri): IRR 500,000');
		await expect(due.locator('li[data-year="2026"]')).toHaveText('2026: IRR 1,000,000');
		await expect(dueHeading).toHaveText('Due by year');
		await expect(lines.locator('th').nth(2)).toHaveText('Dues year');
		await expect(lines.locator('tbody tr td:nth-child(3)')).toHaveText([
			'2026',
			'1405 (Solar Hijri)'
		]);

		// The payment dialog's allocation table reads the same.
		await page.getByTestId('statement-pay').click();
		const alloc = page.getByTestId('payment-dialog').locator('.gh-ledger-alloc table');
		await expect(alloc.locator('th').first()).toHaveText('Dues year');
		await expect(alloc.locator('tbody tr td:first-child')).toHaveText([
			'2026',
			'1405 (Solar Hijri)'
		]);
		await page.keyboard.press('Escape');

		// The collection round's CSV: its years column is headed by no calendar, and each
		// year names its own, as the page's debtors table does.
		await page.goto('/ledger/collection');
		await online();
		await page.getByTestId('round-regions').selectOption([BOTH.region]);
		await expect(page.getByTestId('round-count')).toHaveAttribute('data-count', '1');
		const download = page.waitForEvent('download');
		await page.getByTestId('round-csv').click();
		const csv = readFileSync((await (await download).path())!, 'utf8').split('\r\n');
		expect(csv[0]).toContain(',Currency,Years,');
		expect(csv[1]).toContain(',IRR,1405 (Solar Hijri) 2026,');
	} finally {
		// Every other spec shares this organisation: its ledger is Gregorian again.
		await setFiscalCalendar(cookie, 'gregory');
		ledger.close();
		await context.close();
	}
});

const DELTA = {
	id: 'e2eMemberDeltaRf',
	name: 'Delta Tex Refunds',
	tier: 'regular',
	region: 'Ledger Test Refund'
};

test('[L8] finance pays an overpaid member back: the balance is zero and the figures do not move', async ({
	browser
}) => {
	test.slow();
	const cookie = await adminCookie();
	await userCookie(FIONA, cookie);
	await activeMember(cookie, DELTA);
	const ledger = await openDoc('default/ledger', cookie);
	// Charged 60,000,000 for 2026, paid 90,000,000: 30,000,000 in credit.
	postDues(ledger, DELTA.id, 2026, '2026-01-15', 60_000_000);
	ledger.doc.transact(() => {
		const row = new Y.Map<unknown>();
		ledger.doc.getMap('entries').set('e2eDeltaPayment1', row);
		for (const [k, v] of Object.entries({
			memberId: DELTA.id,
			kind: 'payment',
			amount: 90_000_000,
			date: '2026-02-01',
			posted: true,
			method: 'bankTransfer',
			currency: 'IRR'
		}))
			row.set(k, v);
	});
	const ours = () =>
		(Object.values(ledger.doc.getMap('entries').toJSON()) as Record<string, unknown>[]).filter(
			(e) => e.memberId === DELTA.id && e.kind === 'refund'
		);
	const { context, page } = await loginContext(browser, FIONA as never);
	try {
		// The quarterly figures of the member's region before the refund.
		const figures = async () => {
			await page.goto('/ledger/figures');
			await page.getByTestId('figures-year').fill('2026');
			await page.getByTestId('figures-by').selectOption('region');
			const rows = page.locator(`[data-testid=figures-table] tr[data-group="${DELTA.region}"]`);
			await expect(rows).toHaveCount(4);
			await expect(rows.first()).toHaveAttribute('data-billed', '60000000');
			return rows.evaluateAll((trs) =>
				trs.map((tr) => ({
					billed: tr.getAttribute('data-billed'),
					collected: tr.getAttribute('data-collected'),
					outstanding: tr.getAttribute('data-outstanding'),
					rate: tr.getAttribute('data-rate'),
					refunded: tr.getAttribute('data-refunded')
				}))
			);
		};
		const before = await figures();
		expect(before.map((q) => q.refunded)).toEqual(['0', '0', '0', '0']);

		await page.goto(`/ledger/statement?member=${DELTA.id}`);
		await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
		const balance = page.getByTestId('statement-balance');
		await expect(balance).toHaveAttribute('data-amount', '-30000000');
		await page.getByTestId('statement-refund').click();
		const dialog = page.getByTestId('entry-dialog');
		await expect(dialog.getByRole('heading')).toHaveText('New refund');
		await expect(dialog.getByRole('radio', { name: 'Refund' })).toBeChecked();
		// All the credit, unless finance types less; no dues year for a refund.
		await expect(page.getByTestId('entry-amount')).toHaveValue('30,000,000');
		await expect(page.getByTestId('entry-refund-credit')).toContainText('IRR 30,000,000');
		await expect(page.getByTestId('entry-year')).toHaveCount(0);
		const date = page.getByTestId('entry-date');
		await date.fill('2026-06-10');
		await date.press('Enter');
		await page.getByTestId('entry-method').selectOption('cheque');
		await page.getByTestId('entry-reference').fill('CHQ-4471');

		// More than the credit would make the member owe what is not dues: refused, saying why.
		await page.getByTestId('entry-amount').fill('40,000,000');
		await page.getByTestId('entry-submit').click();
		await expect(dialog.getByRole('alert')).toContainText(
			'A refund can pay back at most the member’s credit, IRR 30,000,000'
		);
		expect(ours()).toEqual([]);

		await page.getByTestId('entry-amount').fill('30,000,000');
		await page.getByTestId('entry-submit').click();
		await expect(dialog).not.toBeVisible();
		await expect(balance).toHaveAttribute('data-amount', '0');
		await expect(page.getByTestId('statement-refund')).toHaveCount(0);
		await expect(page.getByTestId('statement-refunded')).toContainText('IRR 30,000,000');
		const line = page.locator('[data-testid=statement-lines] tr[data-kind="refund"]');
		await expect(line).toContainText('Refund');
		await expect(line).toContainText('Cheque');
		await expect(line).toContainText('CHQ-4471');
		await expect.poll(ours).toEqual([
			expect.objectContaining({
				amount: 30_000_000,
				date: '2026-06-10',
				posted: true,
				method: 'cheque',
				receiptNo: 'CHQ-4471'
			})
		]);
		expect(ours()[0].year).toBeUndefined();

		// Neither billed nor collected: the figures are what they were; the refund shows
		// beside them in its quarter.
		const after = await figures();
		const core = (qs: typeof before) => qs.map(({ refunded: _, ...rest }) => rest);
		expect(core(after)).toEqual(core(before));
		expect(after.map((q) => q.refunded)).toEqual(['0', '30000000', '0', '0']);

		// In Persian the line reads as a refund, its amount in Persian digits.
		const fa = await loginContext(browser, FIONA as never, { locale: 'fa' });
		try {
			await fa.page.goto(`/ledger/statement?member=${DELTA.id}`);
			const faLine = fa.page.locator('[data-testid=statement-lines] tr[data-kind="refund"]');
			await expect(faLine).toContainText('استرداد');
			await expect(faLine).toContainText('۳۰٬۰۰۰٬۰۰۰');
			await fa.page.screenshot({ path: `${SHOTS}/ledger-refund-statement-fa.png`, fullPage: true });
		} finally {
			await fa.context.close();
		}
	} finally {
		ledger.close();
		await context.close();
	}
});

test('reversals without effect (a second one, one on another member) read "No effect" with why, on the entries page and the statements', async ({
	browser
}) => {
	const cookie = await adminCookie();
	await userCookie(FIONA, cookie);
	const x = {
		id: 'e2eMemberNoEff01',
		name: 'No Effect Owner Co',
		tier: 'regular',
		region: 'Ledger Test No Effect'
	};
	const y = {
		id: 'e2eMemberNoEff02',
		name: 'No Effect Other Co',
		tier: 'regular',
		region: 'Ledger Test No Effect'
	};
	await activeMember(cookie, x);
	await activeMember(cookie, y);
	const ledger = await openDoc('default/ledger', cookie);
	const run = Date.now();
	const charge = `e2eNoEffC${run}`;
	const paid = `e2eNoEffP${run}`;
	const second = `zzNoEffR${run}`; // sorts after r_…: the one left without effect
	const elsewhere = `e2eNoEffO${run}`;
	// As raw clients can write them: the reversal of the charge, a second reversal of it,
	// and a reversal of x's payment booked on y. Only the first changes a balance.
	putEntry(ledger.doc, charge, {
		memberId: x.id,
		kind: 'charge',
		amount: 9000,
		date: '2026-02-01'
	});
	putEntry(ledger.doc, paid, {
		memberId: x.id,
		kind: 'payment',
		amount: 4000,
		date: '2026-02-02',
		method: 'cash'
	});
	const rev = (id: string, memberId: string, of: string, amount: number) =>
		putEntry(ledger.doc, id, {
			memberId,
			kind: 'reversal',
			reversalOf: of,
			amount,
			date: '2026-02-03'
		});
	rev(`r_${charge}`, x.id, charge, 9000);
	rev(second, x.id, charge, 9000);
	rev(elsewhere, y.id, paid, 4000);
	const { context, page } = await loginContext(browser, FIONA as never);
	try {
		await page.goto('/ledger/entries');
		await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
		await page.getByTestId('entries-search').fill('No Effect');
		await expect(page.getByTestId('entries-count')).toHaveAttribute('data-count', '5');
		// The state column is past the right edge: scroll there, as a person would.
		await page
			.getByTestId('entries-grid')
			.locator('.ag-body-horizontal-scroll-viewport')
			.evaluate((bar) => (bar.scrollLeft = bar.scrollWidth));
		await expect(cell(page, charge, 'state')).toHaveText('Reversed');
		await expect(cell(page, `r_${charge}`, 'state')).toHaveText('Posted');
		await expect(cell(page, second, 'state')).toHaveText(
			'No effect: that entry was already reversed'
		);
		await expect(cell(page, elsewhere, 'state')).toHaveText(
			'No effect: the entry it reverses is another member’s; reverse it on that member'
		);
		await page
			.getByTestId('entries-grid')
			.locator('.ag-body-horizontal-scroll-viewport')
			.evaluate((bar) => (bar.scrollLeft = 0));
		await expect(cell(page, second, 'amount')).toHaveClass(/gh-cell-void/);
		await expect(cell(page, `r_${charge}`, 'amount')).not.toHaveClass(/gh-cell-void/);

		// x's statement: the second reversal says why it changes nothing; x owes nothing
		// for the charge and is 4,000 in credit from the payment.
		await page.goto(`/ledger/statement?member=${x.id}`);
		const lines = page.getByTestId('statement-lines');
		await expect(lines.locator('tbody tr')).toHaveCount(4);
		const void2 = lines.locator('tbody tr[data-no-effect="alreadyReversed"]');
		await expect(void2.getByTestId('no-effect')).toHaveText(
			'No effect: that entry was already reversed'
		);
		await expect(void2.locator('td').nth(1)).toHaveText('Reversal (Charge)');
		// y's statement: one line, the reversal of x's payment, which names it and why.
		await page.goto(`/ledger/statement?member=${y.id}`);
		const other = lines.locator('tbody tr');
		await expect(other).toHaveCount(1);
		await expect(other.locator('td').nth(1)).toHaveText('Reversal (Payment)');
		await expect(other.getByTestId('no-effect')).toContainText('another member’s');
	} finally {
		ledger.close();
		await context.close();
	}
});

const EARLY = {
	id: 'e2eMemberEarly01',
	name: 'Early Bird Textiles',
	tier: 'regular',
	region: 'Ledger Test Early'
};

test('[L10] a member who pays early the fee less the discount is settled: the dialog says what is due, the balance is zero', async ({
	browser
}) => {
	test.slow();
	const cookie = await adminCookie();
	await userCookie(FIONA, cookie);
	await activeMember(cookie, EARLY);
	const ledger = await openDoc('default/ledger', cookie);
	// 10 % off the 2031 dues when paid by 31 March 2031 (a year no other spec charges).
	const discountId = 'e2eDiscEarly2031';
	ledger.doc.transact(() => {
		const row = new Y.Map<unknown>();
		ledger.doc.getMap('discounts').set(discountId, row);
		for (const [k, v] of Object.entries({
			kind: 'earlyPayment',
			name: 'Early bird',
			percent: 1000,
			year: 2031,
			until: '2031-03-31',
			active: true
		}))
			row.set(k, v);
	});
	const chargeId = `d_2031_${EARLY.id}`;
	postDues(ledger, EARLY.id, 2031, TODAY, 60_000_000);
	const { context, page } = await loginContext(browser, FIONA as never);
	try {
		// In Persian the open charge says what settles it in time, in Persian digits.
		const fa = await loginContext(browser, FIONA as never, { locale: 'fa' });
		try {
			await fa.page.goto(`/ledger/statement?member=${EARLY.id}`);
			await fa.page.getByTestId('statement-pay').click();
			const due = fa.page.getByTestId('alloc-2031-due');
			// 31 March 2031 is 11 Farvardin 1410.
			await expect(due).toContainText(
				'با پرداخت تا ۱۱ فروردین ۱۴۱۰، ۵۴٬۰۰۰٬۰۰۰ ریال آن را تسویه می‌کند'
			);
			await expect(due).toContainText('Early bird: ۶٬۰۰۰٬۰۰۰ ریال تخفیف');
			await fa.page.screenshot({ path: `${SHOTS}/ledger-early-discount-fa.png` });
		} finally {
			await fa.context.close();
		}

		await page.goto(`/ledger/statement?member=${EARLY.id}`);
		await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
		const balance = page.getByTestId('statement-balance');
		await expect(balance).toHaveAttribute('data-amount', '60000000');
		await page.getByTestId('statement-pay').click();
		const dialog = page.getByTestId('payment-dialog');
		await expect(dialog.getByTestId('alloc-2031-due')).toContainText(
			'IRR 54,000,000 settles it if paid by'
		);
		await expect(dialog.getByTestId('alloc-2031-due')).toContainText(
			'Early bird: IRR 6,000,000 off'
		);
		// The member paid what they were told: the fee less the discount.
		await page.getByTestId('pay-amount').fill('54,000,000');
		await page.getByTestId('pay-amount').blur();
		await expect(dialog.getByTestId('alloc-2031')).toHaveValue('54,000,000');
		await expect(dialog.getByTestId('pay-discounts')).toContainText('IRR 6,000,000');
		await page.getByTestId('pay-receipt').fill('R-EARLY-1');
		await page.getByTestId('pay-submit').click();
		await expect(dialog).not.toBeVisible();
		await expect(balance).toHaveAttribute('data-amount', '0');
		await expect(page.getByTestId('statement-due')).toHaveCount(0);
		const rows = () =>
			ledger.doc.getMap('entries').toJSON() as Record<string, Record<string, unknown>>;
		await expect
			.poll(() => rows()[`c_${discountId}_${chargeId}`])
			.toEqual(
				expect.objectContaining({
					kind: 'credit',
					amount: 6_000_000,
					posted: true,
					source: 'discount',
					discountId,
					year: 2031
				})
			);
	} finally {
		ledger.doc.transact(() => ledger.doc.getMap('discounts').delete(discountId));
		ledger.close();
		await context.close();
	}
});

const LETTERED = {
	id: 'e2eMemberLetter1',
	name: 'Letterpress Looms',
	tier: 'regular',
	region: 'Ledger Test Letters'
};

test('[L11] the reminder and the dues notice say what settles an open charge by the early-payment deadline, in English and in Persian', async ({
	browser
}) => {
	test.slow();
	const cookie = await adminCookie();
	await userCookie(FIONA, cookie);
	await activeMember(cookie, LETTERED);
	const ledger = await openDoc('default/ledger', cookie);
	const yesterday = new Date(Date.now() - 86_400_000).toLocaleDateString('sv');
	const offer = { kind: 'earlyPayment', percent: 1000, year: 2032, active: true };
	// 10 % off the 2032 dues paid by 31 March 2032 (a year no other spec charges); the
	// others are not stated: past their deadline, withdrawn, for another year.
	const discounts: Record<string, Record<string, unknown>> = {
		e2eDiscLetter032: { ...offer, name: 'Early bird', until: '2032-03-31' },
		e2eDiscLetterOld: { ...offer, name: 'Too late', percent: 2000, until: yesterday },
		e2eDiscLetterOff: { ...offer, name: 'Withdrawn', until: '2032-03-31', active: false },
		e2eDiscLetter033: { ...offer, name: 'Next year', year: 2033, until: '2033-03-31' }
	};
	ledger.doc.transact(() => {
		for (const [id, fields] of Object.entries(discounts)) {
			const row = new Y.Map<unknown>();
			ledger.doc.getMap('discounts').set(id, row);
			for (const [k, v] of Object.entries(fields)) row.set(k, v);
		}
	});
	postDues(ledger, LETTERED.id, 2032, TODAY, 60_000_000);
	const { context, page } = await loginContext(browser, FIONA as never);
	const fa = await loginContext(browser, FIONA as never, { locale: 'fa' });
	try {
		const letterOf = async (p: Page) => {
			await p.goto('/ledger/collection');
			await expect(p.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
			await p.getByTestId('round-regions').selectOption([LETTERED.region]);
			await expect(p.getByTestId('round-count')).toHaveAttribute('data-count', '1');
			return p.locator(`.gh-letter[data-member=${LETTERED.id}]`);
		};
		const noOthers = async (l: ReturnType<Page['locator']>) => {
			for (const name of ['Too late', 'Withdrawn', 'Next year'])
				await expect(l).not.toContainText(name);
		};

		const letter = await letterOf(page);
		await expect(letter).toContainText(
			'2032: pay IRR 54,000,000 instead of IRR 60,000,000 by 31 March 2032 and the early-payment discount settles it (Early bird: IRR 6,000,000 off).'
		);
		await noOthers(letter);

		// In Persian: Persian digits and the Solar Hijri date (31 March 2032 is 12 Farvardin 1411).
		const faLetter = await letterOf(fa.page);
		await expect(faLetter).toHaveAttribute('dir', 'rtl');
		await expect(faLetter).toContainText(
			'۲۰۳۲: با پرداخت ۵۴٬۰۰۰٬۰۰۰ ریال به جای ۶۰٬۰۰۰٬۰۰۰ ریال تا ۱۲ فروردین ۱۴۱۱، تخفیف پرداخت زودهنگام آن را تسویه می‌کند (Early bird: ۶٬۰۰۰٬۰۰۰ ریال تخفیف).'
		);
		await noOthers(faLetter);
		mkdirSync(SHOTS, { recursive: true });
		await faLetter.scrollIntoViewIfNeeded();
		await fa.page.screenshot({
			path: `${SHOTS}/ledger-letter-early-payment-fa.png`,
			fullPage: true
		});

		// The dues notice printed from the member's documents says it too.
		await fa.page.goto(`/documents?member=${LETTERED.id}&kind=duesNotice`);
		await fa.page.getByTestId('doc-language').selectOption('fa');
		const notice = fa.page.getByTestId('doc-duesNotice');
		await expect(notice).toContainText('۵۴٬۰۰۰٬۰۰۰ ریال به جای ۶۰٬۰۰۰٬۰۰۰ ریال تا ۱۲ فروردین ۱۴۱۱');
		await noOthers(notice);
		await page.goto(`/documents?member=${LETTERED.id}&kind=duesNotice`);
		await page.getByTestId('doc-language').selectOption('en');
		await expect(page.getByTestId('doc-duesNotice')).toContainText(
			'2032: pay IRR 54,000,000 instead of IRR 60,000,000 by 31 March 2032'
		);
	} finally {
		ledger.doc.transact(() => {
			for (const id of Object.keys(discounts)) ledger.doc.getMap('discounts').delete(id);
		});
		ledger.close();
		await fa.context.close();
		await context.close();
	}
});
const DRAFTER = {
	id: 'e2eMemberRefDrft',
	name: 'Draft Refund Looms',
	tier: 'regular',
	region: 'Ledger Test Draft Refund'
};

test('[L2] a draft refund without its method is not posted: the page says why and what to do', async ({
	browser
}) => {
	const cookie = await adminCookie();
	await userCookie(FIONA, cookie);
	const member = { ...DRAFTER, id: 'e2eMemberRefNoMt', name: 'Methodless Refund Mills' };
	await activeMember(cookie, member);
	const ledger = await openDoc('default/ledger', cookie);
	// Credit of 30,000,000; a draft refund of it saved by a client that left out the method.
	putEntry(ledger.doc, 'e2eNoMethodPay01', {
		memberId: member.id,
		kind: 'payment',
		amount: 30_000_000,
		date: '2026-02-01',
		method: 'bankTransfer',
		currency: 'IRR'
	});
	const draftId = 'e2eNoMethodRef01';
	ledger.doc.transact(() => {
		const e = new Y.Map<unknown>();
		ledger.doc.getMap('entries').set(draftId, e);
		for (const [k, v] of Object.entries({
			memberId: member.id,
			kind: 'refund',
			amount: 30_000_000,
			date: '2026-06-10',
			currency: 'IRR',
			posted: false
		}))
			e.set(k, v);
	});
	const { context, page } = await loginContext(browser, FIONA as never);
	try {
		await page.goto('/ledger/entries');
		await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
		await page.getByTestId('entries-search').fill(member.name);
		await page
			.locator(
				`[data-testid=entries-grid] .ag-row[row-id="${draftId}"] .ag-selection-checkbox input`
			)
			.first()
			.check();
		await page.getByTestId('post-drafts').click();
		// Before, the page said "1 entry posted." and the server put it back to a draft.
		await expect(page.getByTestId('post-refused')).toContainText(
			`${member.name} dated 10 Jun 2026 was not posted: it does not say how the money is paid back. It stays a draft: delete it and record the refund again with its method.`
		);
		await expect(page.getByText('1 entry posted.')).toHaveCount(0);
		expect((ledger.doc.getMap('entries').get(draftId) as Y.Map<unknown>).get('posted')).toBe(false);
	} finally {
		ledger.close();
		await context.close();
	}
});

test('[L12] a draft refund is posted only within the credit left then: refused with what is left, kept as a draft', async ({
	browser
}) => {
	test.slow();
	const cookie = await adminCookie();
	await userCookie(FIONA, cookie);
	await activeMember(cookie, DRAFTER);
	const ledger = await openDoc('default/ledger', cookie);
	// Charged 60,000,000 for 2026, paid 90,000,000: 30,000,000 in credit.
	postDues(ledger, DRAFTER.id, 2026, '2026-01-15', 60_000_000);
	putEntry(ledger.doc, 'e2eDraftPayment1', {
		memberId: DRAFTER.id,
		kind: 'payment',
		amount: 90_000_000,
		date: '2026-02-01',
		method: 'bankTransfer',
		currency: 'IRR'
	});
	const refunds = () =>
		Object.entries(ledger.doc.getMap('entries').toJSON() as Record<string, Record<string, unknown>>)
			.filter(([, e]) => e.memberId === DRAFTER.id && e.kind === 'refund')
			.map(([id, e]) => ({ id, ...e }));
	const { context, page } = await loginContext(browser, FIONA as never);
	try {
		// Finance saves all the credit as a refund to post once the cheque is signed.
		await page.goto(`/ledger/statement?member=${DRAFTER.id}`);
		await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
		await expect(page.getByTestId('statement-balance')).toHaveAttribute('data-amount', '-30000000');
		await page.getByTestId('statement-refund').click();
		await expect(page.getByTestId('entry-amount')).toHaveValue('30,000,000');
		const date = page.getByTestId('entry-date');
		await date.fill('2026-06-10');
		await date.press('Enter');
		await page.getByTestId('entry-method').selectOption('cheque');
		await page.getByTestId('entry-draft').check();
		await page.getByTestId('entry-submit').click();
		await expect(page.getByTestId('entry-dialog')).not.toBeVisible();
		await expect
			.poll(refunds)
			.toEqual([
				expect.objectContaining({ amount: 30_000_000, date: '2026-06-10', posted: false })
			]);
		const draftId = refunds()[0].id;

		// Meanwhile another device charges the member 25,000,000: 5,000,000 of credit is left.
		const chargeId = 'e2eDraftCharge01';
		putEntry(ledger.doc, chargeId, {
			memberId: DRAFTER.id,
			kind: 'charge',
			amount: 25_000_000,
			date: '2026-07-01',
			source: 'manual',
			currency: 'IRR'
		});
		await expect(page.getByTestId('statement-balance')).toHaveAttribute('data-amount', '-5000000');

		// Posting the draft now would pay back more than the credit: refused, saying what is
		// left and what to do; the draft stays as it was.
		await page.goto('/ledger/entries');
		await page.getByTestId('entries-search').fill(DRAFTER.name);
		const select = page
			.locator(
				`[data-testid=entries-grid] .ag-row[row-id="${draftId}"] .ag-selection-checkbox input`
			)
			.first();
		await select.check();
		await page.getByTestId('post-drafts').click();
		const refused = page.getByTestId('post-refused');
		await expect(refused).toContainText('The draft refund of IRR 30,000,000 to ');
		await expect(refused).toContainText(
			`${DRAFTER.name} dated 10 Jun 2026 was not posted: their credit is now IRR 5,000,000. It stays a draft: delete it and record a refund of at most IRR 5,000,000.`
		);
		expect(refunds()).toEqual([
			expect.objectContaining({ id: draftId, amount: 30_000_000, posted: false })
		]);

		// The charge is reversed: the credit is back, and the same draft posts.
		putEntry(ledger.doc, `r_${chargeId}`, {
			memberId: DRAFTER.id,
			kind: 'reversal',
			amount: 25_000_000,
			date: '2026-07-02',
			reversalOf: chargeId,
			currency: 'IRR'
		});
		await select.check();
		await page.getByTestId('post-drafts').click();
		await expect(page.getByText('1 entry posted.')).toBeVisible();
		await expect(page.getByTestId('post-refused')).toHaveCount(0);
		await expect
			.poll(refunds)
			.toEqual([expect.objectContaining({ id: draftId, amount: 30_000_000, posted: true })]);
	} finally {
		ledger.close();
		await context.close();
	}
});

const LATE = {
	id: 'e2eMemberLateDt1',
	name: 'Late Date Weavers',
	tier: 'regular',
	region: 'Ledger Test Payment Date'
};

test('[L13] a new payment date redoes the suggested split over two charges; parts typed by hand are kept and the dialog says what they no longer settle', async ({
	browser
}) => {
	test.slow();
	const cookie = await adminCookie();
	await userCookie(FIONA, cookie);
	await activeMember(cookie, LATE);
	const ledger = await openDoc('default/ledger', cookie);
	// 10 % off the 2032 dues when paid by 31 March 2032; the 2033 dues have no discount.
	const discountId = 'e2eDiscEarly2032';
	ledger.doc.transact(() => {
		const row = new Y.Map<unknown>();
		ledger.doc.getMap('discounts').set(discountId, row);
		for (const [k, v] of Object.entries({
			kind: 'earlyPayment',
			name: 'Early bird 2032',
			percent: 1000,
			year: 2032,
			until: '2032-03-31',
			active: true
		}))
			row.set(k, v);
	});
	postDues(ledger, LATE.id, 2032, TODAY, 60_000_000);
	postDues(ledger, LATE.id, 2033, TODAY, 60_000_000);
	const { context, page } = await loginContext(browser, FIONA as never);
	try {
		await page.goto(`/ledger/statement?member=${LATE.id}`);
		await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
		await expect(page.getByTestId('statement-balance')).toHaveAttribute('data-amount', '120000000');
		await page.getByTestId('statement-pay').click();
		const dialog = page.getByTestId('payment-dialog');
		const a32 = dialog.getByTestId('alloc-2032');
		const a33 = dialog.getByTestId('alloc-2033');
		const setDate = async (iso: string) => {
			await dialog.getByTestId('pay-date').fill(iso);
			await dialog.getByTestId('pay-date').press('Enter');
		};
		// Paid in time, 114,000,000 settles 2032 less its discount and 2033 in full.
		await page.getByTestId('pay-amount').fill('114,000,000');
		await page.getByTestId('pay-amount').blur();
		await expect(a32).toHaveValue('54,000,000');
		await expect(a33).toHaveValue('60,000,000');

		// After the deadline 2032 takes its full amount: the split is made again.
		await setDate('2032-04-05');
		await expect(a32).toHaveValue('60,000,000');
		await expect(a33).toHaveValue('54,000,000');
		// And back before it.
		await setDate('2032-03-01');
		await expect(a32).toHaveValue('54,000,000');
		await expect(a33).toHaveValue('60,000,000');

		// Parts typed by hand are the bookkeeper's: a new date keeps them, and the dialog
		// says which charge they no longer settle and what settles it now.
		await a33.fill('60,000,000');
		await setDate('2032-04-05');
		await expect(a32).toHaveValue('54,000,000');
		await expect(a33).toHaveValue('60,000,000');
		await expect(dialog.getByTestId('pay-date-unsettles')).toHaveText(
			'The date changed what settles each charge: on 5 Apr 2032 the amounts you typed no longer settle 2032, which takes IRR 60,000,000. Change them, or press “Allocate oldest first”.'
		);
		await dialog.getByRole('button', { name: 'Allocate oldest first' }).click();
		await expect(a32).toHaveValue('60,000,000');
		await expect(a33).toHaveValue('54,000,000');
		await expect(dialog.getByTestId('pay-date-unsettles')).toHaveCount(0);

		// Recorded on the late date: 2032 is settled, 2033 owes what the payment left.
		await page.getByTestId('pay-receipt').fill('R-LATE-1');
		await page.getByTestId('pay-submit').click();
		await expect(dialog).not.toBeVisible();
		await expect(page.getByTestId('statement-balance')).toHaveAttribute('data-amount', '6000000');
		const due = page.getByTestId('statement-due').locator('li');
		await expect(due).toHaveCount(1);
		await expect(due).toHaveAttribute('data-year', '2033');
		await expect(due).toHaveAttribute('data-amount', '6000000');
	} finally {
		ledger.doc.transact(() => ledger.doc.getMap('discounts').delete(discountId));
		ledger.close();
		await context.close();
	}
});

const RETURNED = {
	id: 'e2eMemberRetPay1',
	name: 'Returned Cheque Dyeworks',
	tier: 'regular',
	region: 'Ledger Test Returned'
};

/**
 * A member in the ledger with an active "Early bird" discount of 10 % off the `year` dues
 * paid by 31 March of that year (a year no other spec charges), and those dues of
 * 60,000,000 posted today; finance (Fiona) exists. `close` removes the discount.
 */
async function earlyBirdDues(member: typeof RETURNED, year: number) {
	const cookie = await adminCookie();
	await userCookie(FIONA, cookie);
	await activeMember(cookie, member);
	const ledger = await openDoc('default/ledger', cookie);
	const discountId = `e2eDiscEarly${year}`;
	ledger.doc.transact(() => {
		const row = new Y.Map<unknown>();
		ledger.doc.getMap('discounts').set(discountId, row);
		for (const [k, v] of Object.entries({
			kind: 'earlyPayment',
			name: 'Early bird',
			percent: 1000,
			year,
			until: `${year}-03-31`,
			active: true
		}))
			row.set(k, v);
	});
	const chargeId = `d_${year}_${member.id}`;
	postDues(ledger, member.id, year, TODAY, 60_000_000);
	return {
		discountId,
		chargeId,
		creditId: `c_${discountId}_${chargeId}`,
		rows: () => ledger.doc.getMap('entries').toJSON() as Record<string, Record<string, unknown>>,
		close: () => {
			ledger.doc.transact(() => ledger.doc.getMap('discounts').delete(discountId));
			ledger.close();
		}
	};
}

/** Reverse the statement line `line` for `reason`; the dialog first says `discount` goes too. */
async function reverseSaying(line: Locator, discount: string, reason: string) {
	const page = line.page();
	await line.getByRole('button', { name: 'Reverse' }).click();
	const rev = page.getByTestId('reverse-dialog');
	await expect(rev.getByTestId('reverse-discount')).toHaveText(discount);
	await page.getByTestId('reverse-reason').fill(reason);
	await page.getByTestId('reverse-submit').click();
	await expect(rev).not.toBeVisible();
}

test('[L14] reversing the payment that earned an early-payment discount reverses the discount too; a later payment in time earns it again', async ({
	browser
}) => {
	test.slow();
	const { discountId, chargeId, creditId, rows, close } = await earlyBirdDues(RETURNED, 2035);
	const { context, page } = await loginContext(browser, FIONA as never);
	try {
		await page.goto(`/ledger/statement?member=${RETURNED.id}`);
		await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
		const balance = page.getByTestId('statement-balance');
		await expect(balance).toHaveAttribute('data-amount', '60000000');
		const dialog = page.getByTestId('payment-dialog');
		const pay = async (amount: string, receipt: string, due?: string) => {
			await page.getByTestId('statement-pay').click();
			if (due) await expect(dialog.getByTestId('alloc-2035-due')).toContainText(due);
			await page.getByTestId('pay-amount').fill(amount);
			await page.getByTestId('pay-amount').blur();
			await expect(dialog.getByTestId('alloc-2035')).toHaveValue(amount);
			await page.getByTestId('pay-receipt').fill(receipt);
			await page.getByTestId('pay-submit').click();
			await expect(dialog).not.toBeVisible();
		};
		// Half first; then the rest less the discount, in time: settled, the discount earned.
		await pay('30,000,000', 'R-RET-1');
		await expect(balance).toHaveAttribute('data-amount', '30000000');
		await pay('24,000,000', 'R-RET-2');
		await expect(balance).toHaveAttribute('data-amount', '0');
		await expect.poll(() => rows()[creditId]?.amount).toBe(6_000_000);

		// [L15] The credit names its discount and charge, right after the payment that earned it.
		const lines = page.getByTestId('statement-lines').locator('tbody tr');
		await expect(lines).toHaveCount(4);
		await expect(lines.nth(2)).toHaveAttribute('data-kind', 'payment');
		await expect(lines.nth(3)).toHaveAttribute('data-kind', 'credit');
		await expect(lines.nth(3)).toContainText('Early bird, on the 2035 dues');

		// In Persian the dialog says it too, in Persian digits (looked at, not confirmed).
		const fa = await loginContext(browser, FIONA as never, { locale: 'fa' });
		try {
			await fa.page.goto(`/ledger/statement?member=${RETURNED.id}`);
			const faLines = fa.page.getByTestId('statement-lines').locator('tbody tr');
			await expect(faLines.nth(3)).toContainText('Early bird، بابت حق عضویت ۲۰۳۵');
			await faLines.nth(2).getByRole('button', { name: 'برگشت' }).click();
			await expect(fa.page.getByTestId('reverse-discount')).toContainText(
				'تخفیف ۶٬۰۰۰٬۰۰۰ ریال که این پرداخت به دست آورد (Early bird، بابت حق عضویت ۲۰۳۵) هم برگشت می‌خورد'
			);
			await fa.page.screenshot({ path: `${SHOTS}/ledger-reverse-discount-fa.png` });
		} finally {
			await fa.context.close();
		}

		// The bank returns the second payment: the dialog says the discount goes with it.
		await reverseSaying(
			lines.nth(2),
			'The discount of IRR 6,000,000 it earned (Early bird, on the 2035 dues) is reversed too: without this payment the charge is not settled in time, so it is owed at full price again.',
			'Returned by the bank'
		);
		// What was paid before is all that counts: 30,000,000 owed, not 24,000,000.
		await expect(balance).toHaveAttribute('data-amount', '30000000');
		await expect
			.poll(() => rows()[`r_${creditId}`])
			.toEqual(
				expect.objectContaining({
					kind: 'reversal',
					reversalOf: creditId,
					amount: 6_000_000,
					posted: true,
					note: 'Returned by the bank'
				})
			);

		// Paid again in time, the discounted rest settles it and earns the discount anew.
		await pay('24,000,000', 'R-RET-3', 'IRR 24,000,000 settles it if paid by');
		await expect(balance).toHaveAttribute('data-amount', '0');
		await expect
			.poll(() => rows()[`c2_${discountId}_${chargeId}`])
			.toEqual(expect.objectContaining({ kind: 'credit', amount: 6_000_000, source: 'discount' }));

		// [L15] The Entries page names them too: both credits are found by their discount.
		await page.goto('/ledger/entries');
		await page.getByTestId('entries-search').fill('Early bird, on the 2035 dues');
		await expect(page.getByTestId('entries-count')).toHaveAttribute('data-count', '2');
	} finally {
		close();
		await context.close();
	}
});

const CHARGE_DROPPED = {
	id: 'e2eMemberChgRev1',
	name: 'Withdrawn Charge Tannery',
	tier: 'regular',
	region: 'Ledger Test Charge Reversed'
};

test('[L17] reversing a charge reverses the discount credit on it: the member keeps what was paid, not the discount', async ({
	browser
}) => {
	const { creditId, rows, close } = await earlyBirdDues(CHARGE_DROPPED, 2036);
	const { context, page } = await loginContext(browser, FIONA as never);
	try {
		await page.goto(`/ledger/statement?member=${CHARGE_DROPPED.id}`);
		await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
		const balance = page.getByTestId('statement-balance');
		await expect(balance).toHaveAttribute('data-amount', '60000000');
		// Paid in time, less the discount: settled, the discount earned.
		const dialog = page.getByTestId('payment-dialog');
		await page.getByTestId('statement-pay').click();
		await page.getByTestId('pay-amount').fill('54,000,000');
		await page.getByTestId('pay-amount').blur();
		await expect(dialog.getByTestId('alloc-2036')).toHaveValue('54,000,000');
		await page.getByTestId('pay-receipt').fill('R-CHG-1');
		await page.getByTestId('pay-submit').click();
		await expect(dialog).not.toBeVisible();
		await expect(balance).toHaveAttribute('data-amount', '0');
		await expect.poll(() => rows()[creditId]?.amount).toBe(6_000_000);

		// In Persian the dialog says it too, in Persian digits (looked at, not confirmed).
		const fa = await loginContext(browser, FIONA as never, { locale: 'fa' });
		try {
			await fa.page.goto(`/ledger/statement?member=${CHARGE_DROPPED.id}`);
			const faLines = fa.page.getByTestId('statement-lines').locator('tbody tr');
			await expect(faLines.nth(0)).toHaveAttribute('data-kind', 'charge');
			await faLines.nth(0).getByRole('button', { name: 'برگشت' }).click();
			await expect(fa.page.getByTestId('reverse-discount')).toContainText(
				'تخفیف ۶٬۰۰۰٬۰۰۰ ریال این بدهی (Early bird، بابت حق عضویت ۲۰۳۶) هم برگشت می‌خورد'
			);
			await fa.page.screenshot({ path: `${SHOTS}/ledger-reverse-charge-discount-fa.png` });
		} finally {
			await fa.context.close();
		}

		// The charge was a mistake (the member had resigned): finance reverses it, and the
		// dialog says the discount on it goes too.
		const lines = page.getByTestId('statement-lines').locator('tbody tr');
		await expect(lines.nth(0)).toHaveAttribute('data-kind', 'charge');
		await reverseSaying(
			lines.nth(0),
			"The discount of IRR 6,000,000 on this charge (Early bird, on the 2036 dues) is reversed too: with the charge gone there is nothing to discount, and only what was paid stays to the member's credit.",
			'Resigned before the year'
		);
		// The member is owed the 54,000,000 paid; before [L17] the statement said 60,000,000.
		await expect(balance).toHaveAttribute('data-amount', '-54000000');
		await expect
			.poll(() => rows()[`r_${creditId}`])
			.toEqual(
				expect.objectContaining({
					kind: 'reversal',
					reversalOf: creditId,
					amount: 6_000_000,
					note: 'Resigned before the year'
				})
			);
	} finally {
		close();
		await context.close();
	}
});

test('[L9] the entries page shows who recorded each entry, by display name', async ({
	browser
}) => {
	const cookie = await adminCookie();
	const m = {
		id: 'e2eMemberWhoRec1',
		name: 'Who Recorded Co',
		tier: 'regular',
		region: 'Ledger Test Who'
	};
	await activeMember(cookie, m);
	// Written by finance's own connection: the guard makes fiona its author ([L9]).
	const ledger = await openDoc('default/ledger', await userCookie(FIONA, cookie));
	const id = `e2eWhoRec${Date.now()}`;
	putEntry(ledger.doc, id, { memberId: m.id, kind: 'charge', amount: 1000, date: '2026-03-01' });
	await expect
		.poll(() => (ledger.doc.getMap('entries').get(id) as Y.Map<unknown>).get('createdBy'))
		.toBe(FIONA.username);
	const { context, page } = await loginContext(browser, ADMIN);
	try {
		await page.goto('/ledger/entries');
		await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
		await page.getByTestId('entries-search').fill(m.name);
		await expect(page.getByTestId('entries-count')).toHaveAttribute('data-count', '1');
		// The last column: scroll there, as a person would.
		await page
			.getByTestId('entries-grid')
			.locator('.ag-body-horizontal-scroll-viewport')
			.evaluate((bar) => (bar.scrollLeft = bar.scrollWidth));
		const header = page.locator('.ag-header-cell[col-id="createdBy"]');
		await expect(header).toBeVisible();
		await expect(header).toHaveText('Recorded by');
		// By display name, as the other who-columns name people; the row keeps the username.
		await expect(cell(page, id, 'createdBy')).toHaveText(FIONA.displayName);
	} finally {
		ledger.close();
		await context.close();
	}
});

test('[C32] a Persian name on a Chinese page: the statement heading reads the number first, the name isolated', async ({
	browser
}) => {
	const cookie = await adminCookie();
	const { printed } = await activeMember(cookie, FARSI);
	const { context, page } = await loginContext(browser, ADMIN, { locale: 'zh' });
	try {
		await page.goto(`/ledger/statement?member=${FARSI.id}`);
		const heading = page.getByTestId('statement').locator('h2');
		await expect(heading).toHaveText(`对账单：${printed} · ${FARSI.name}`);
		await expect(heading.locator('bdi')).toHaveText(FARSI.name);
		// Where each part is drawn: the number left of the name, as the page reads (under
		// dir="auto" the Persian name made the line right to left and put it on the right).
		const [noLeft, nameLeft] = await heading.evaluate(
			(h, [no, name]) => {
				const left = (text: string) => {
					const walk = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
					for (let n = walk.nextNode(); n; n = walk.nextNode()) {
						const at = n.textContent!.indexOf(text);
						if (at < 0) continue;
						const r = document.createRange();
						r.setStart(n, at);
						r.setEnd(n, at + text.length);
						return r.getBoundingClientRect().left;
					}
					return NaN;
				};
				return [left(no), left(name)];
			},
			[printed, FARSI.name]
		);
		expect(noLeft).toBeLessThan(nameLeft);
	} finally {
		await context.close();
	}
});

/**
 * A recruitment round end to end (docs/SPEC.md [RC1]-[RC7]): prospects of one region,
 * a round chosen in Persian by segment, the letters in Persian (right to left, Persian
 * digits, Solar Hijri date) printed one per page, the CSV for a mail merge, the round
 * recorded offline and synced, the letter in a member's file, and the round's figures
 * once a recipient applies and is approved. Screenshots go to test-results/screenshots/.
 */
import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import * as Y from 'yjs';
import {
	adminCookie,
	command,
	loginContext,
	loginCookie,
	newDeviceContext,
	openDoc
} from './fixtures';
import { uniqueTag } from './members-helpers';
import { ADMIN, USERS } from './users';

const SHOTS = 'test-results/screenshots';
const reza = USERS[2];
const amir = USERS[5];
const farid = USERS[4];
const bahar = USERS[3];
const fa = (n: number) => String(n).replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]);
const PERSIAN_MONTH =
	/(فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند) [۰-۹]{4}/;

test('[RC1][RC2][RC3][RC4][RC5][RC6][RC7] a recruitment round in Persian: letters, CSV, member file, conversion', async ({
	browser
}, testInfo) => {
	test.setTimeout(180_000);
	const tag = uniqueTag('R');
	const region = `کرج ${tag}`;
	const registry = await openDoc('default/registry', await adminCookie());
	const id = (k: string) => `${tag}${k}`.replace(/[^A-Za-z0-9_-]/g, '').padEnd(10, '0');
	const put = (table: string, rowId: string, fields: Record<string, string>) => {
		const row = new Y.Map<unknown>();
		registry.doc.getMap(table).set(rowId, row);
		for (const [k, v] of Object.entries(fields)) row.set(k, v);
	};
	const base = { region, size: 'small', createdAt: new Date().toISOString() };
	registry.doc.transact(() => {
		put('members', id('a'), {
			...base,
			name: `فولاد البرز ${tag}`,
			status: 'prospect',
			source: 'exhibition',
			address: 'کرج، بلوار جمهوری، پلاک ۱۲',
			language: 'fa'
		});
		// No language of its own: the round's (Persian).
		put('members', id('b'), {
			...base,
			name: `Alborz Valves ${tag}`,
			status: 'eventContact',
			address: 'Karaj, Azadi Street'
		});
		// Left out: no address for a postal round.
		put('members', id('c'), { ...base, name: `بی‌نشانی ${tag}`, status: 'prospect' });
		// Left out: its contact prefers the phone.
		put('members', id('d'), {
			...base,
			name: `تلفنی ${tag}`,
			status: 'inquiry',
			address: 'کرج، خیابان ۲'
		});
		put('contacts', id('dc'), { memberId: id('d'), name: 'Hamid', channel: 'phone' });
		// Not in the segment: a large company; an active member of the region.
		put('members', id('e'), {
			...base,
			size: 'large',
			name: `بزرگ ${tag}`,
			status: 'prospect',
			address: 'کرج'
		});
		put('members', id('f'), { ...base, name: `عضو ${tag}`, status: 'active', address: 'کرج' });
	});

	// The admin edits the association's Persian recruitment letter in /settings.
	const admin = await loginContext(browser, ADMIN);
	await admin.page.goto('/settings');
	await admin.page.getByTestId('template-kind').selectOption('recruitment');
	await admin.page.getByTestId('template-language').selectOption('fa');
	const body = admin.page.getByTestId('template-body');
	await expect(body).toHaveValue(/فرم عضویت/);
	const phoneLine = `تلفن واحد عضویت: ۰۲۶۳۲۰۰۰۰۰۰ (${tag})`;
	await body.fill(`${await body.inputValue()}\n\n${phoneLine}`);
	await body.press('Tab');
	await expect(admin.page.getByTestId('settings-message')).toHaveText('Saved');

	// Finance and the board cannot run rounds.
	for (const who of [farid, bahar]) {
		const other = await newDeviceContext(browser, who);
		const p = await other.newPage();
		await p.goto('/pipeline/recruitment');
		await expect(p.getByTestId('no-access')).toBeVisible();
		await other.close();
	}

	const { context, page } = await loginContext(browser, reza, { locale: 'fa' });
	await page.goto('/pipeline');
	await page.getByTestId('recruitment-link').click();
	await expect(page).toHaveURL(/\/pipeline\/recruitment$/);
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
	await expect(page.getByTestId('recruit-progress')).toContainText(`از ${fa(4)}`);

	// The segment: this region, small companies.
	await page.getByTestId('recruit-regions').selectOption(region);
	await page.getByTestId('recruit-sizes').getByRole('checkbox', { name: 'کوچک' }).check();
	const count = page.getByTestId('recruit-count');
	await expect(count).toHaveAttribute('data-count', '2');
	await expect(count).toContainText(`${fa(2)} نامه`);
	await expect(page.getByTestId('recruit-excluded')).toContainText(`${fa(1)} بدون نشانی`);
	await expect(page.getByTestId('recruit-excluded')).toContainText(
		`${fa(1)} که افراد رابطشان راه دیگری را ترجیح می‌دهند`
	);
	await expect(page.getByTestId('recipient')).toHaveCount(2);

	// The letters: in Persian for both, right to left, Solar Hijri date in Persian digits.
	const letters = page.getByTestId('recruit-letter');
	await expect(letters).toHaveCount(2);
	for (const member of [id('a'), id('b')]) {
		const l = page.locator(`[data-testid=recruit-letter][data-member="${member}"]`);
		await expect(l).toHaveAttribute('dir', 'rtl');
		await expect(l).toHaveAttribute('lang', 'fa-IR');
		await expect(l.locator('h2')).toContainText('دعوت به عضویت در');
		await expect(l).toContainText('فرم عضویت');
		await expect(l).toContainText(PERSIAN_MONTH);
		// Every number the letter writes is in Persian digits (the names keep what was typed).
		expect((await l.textContent())!.replaceAll(tag, '')).not.toMatch(/[0-9]/);
	}
	const first = page.locator(`[data-testid=recruit-letter][data-member="${id('a')}"]`);
	await expect(first).toContainText(`فولاد البرز ${tag}`);
	await expect(first).toContainText('کرج، بلوار جمهوری، پلاک ۱۲');
	await expect(first).toContainText('عضو عادی');
	await expect(first).toContainText(phoneLine);
	await page.screenshot({ path: `${SHOTS}/recruitment-fa.png`, fullPage: true });

	// Printing keeps only the letters, one per page.
	await page.emulateMedia({ media: 'print' });
	await expect(page.locator('.gh-header')).toBeHidden();
	await expect(page.getByTestId('recruit-print')).toBeHidden();
	await expect(first).toBeVisible();
	await page.screenshot({ path: `${SHOTS}/recruitment-letters-fa-print.png`, fullPage: true });
	const pdf = await page.pdf({ format: 'A4', printBackground: true });
	expect(pdf.byteLength).toBeGreaterThan(10_000);
	await page.emulateMedia({ media: 'screen' });

	// The CSV for a mail merge: headers in Persian, one row per letter, the letter's text.
	const download = page.waitForEvent('download');
	await page.getByTestId('recruit-csv').click();
	const file = testInfo.outputPath('recruitment.csv');
	await (await download).saveAs(file);
	const csv = fs.readFileSync(file);
	expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
	const text = csv.toString('utf8');
	const header = text.slice(1, text.indexOf('\r\n')).split(',');
	expect(header).toEqual(expect.arrayContaining(['نام', 'نشانی', 'عنوان', 'متن نامه']));
	expect(text).toContain(`فولاد البرز ${tag}`);
	expect(text).toContain(`Alborz Valves ${tag}`);
	expect(text).toContain('دعوت به عضویت در');
	expect(text).not.toContain(`بی‌نشانی ${tag}`);

	// Recorded offline (as at a fair): kept on the device, synced when back online.
	await context.setOffline(true);
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'offline');
	await page.getByTestId('recruit-record').click();
	await expect(page.getByTestId('recruit-batch')).toContainText(fa(2));
	await expect(page.getByTestId('pending-count')).not.toHaveAttribute('data-count', '0');
	// The CSV says it needs the server.
	await page.getByTestId('recruit-csv').click();
	await expect(page.getByTestId('recruit-error')).toContainText('بدون اتصال');
	const row = page.getByTestId('round-row');
	await expect(row).toHaveCount(1);
	await expect(row.getByTestId('round-recipients')).toHaveText(fa(2));
	await context.setOffline(false);
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online', {
		timeout: 30_000
	});
	await expect(page.getByTestId('pending-count')).toHaveAttribute('data-count', '0');
	const rounds = registry.doc.getMap<Y.Map<unknown>>('recruitmentRounds');
	await expect.poll(() => rounds.size).toBe(1);
	const [roundId, round] = [...rounds.entries()][0];
	expect(round.get('channel')).toBe('post');
	expect(JSON.parse(String(round.get('segment')))).toMatchObject({
		regions: [region],
		sizes: ['small']
	});
	expect(round.get('createdBy')).toBe(reza.username);

	// Those already mailed in this round are left out of it.
	await page.getByTestId('recruit-sizes').getByRole('checkbox', { name: 'کوچک' }).uncheck();
	await page.getByTestId('recruit-sizes').getByRole('checkbox', { name: 'کوچک' }).check();
	await expect(count).toHaveAttribute('data-count', '0');
	await expect(page.getByTestId('recruit-excluded')).toContainText(
		`${fa(2)} که در این دور نامه گرفته‌اند`
	);

	// The member file shows the letter.
	await page.goto(`/members/${id('a')}`);
	const activity = page.getByTestId('activity-recruitment');
	await expect(activity).toContainText('نامه دعوت به عضویت فرستاده شد');
	await expect(activity).toContainText('پست');
	// A record of a letter sent: read-only, nothing to edit or remove.
	const letterRow = page.locator('[data-testid=activity][data-kind=recruitment]');
	await expect(letterRow.getByTestId('remove-activity')).toHaveCount(0);
	await expect(letterRow.locator('input, select, textarea')).toHaveCount(0);
	expect(
		registry.doc
			.getMap<Y.Map<unknown>>('activities')
			.get(`rc_${roundId}_${id('a')}`)
			?.get('kind')
	).toBe('recruitment');

	// One recipient applies, is verified and approved: the round's figures say so.
	const staff = await loginCookie(reza.username, reza.password);
	await command(staff, { type: 'move', rowId: id('a'), to: 'applicant' });
	await command(staff, {
		type: 'verify',
		rowId: id('a'),
		met: ['statutes', 'industry', 'registration', 'form'],
		note: 'Seen'
	});
	await command(await loginCookie(amir.username, amir.password), {
		type: 'approve',
		rowId: id('a'),
		tier: 'regular',
		category: 'manufacturer'
	});
	await page.goto('/pipeline/recruitment');
	await expect(row.getByTestId('round-applied')).toHaveText(fa(1));
	await expect(row.getByTestId('round-joined')).toHaveText(fa(1));
	await expect(row.getByTestId('round-recipients')).toHaveText(fa(2));
	await page
		.getByTestId('recruit-rounds')
		.screenshot({ path: `${SHOTS}/recruitment-rounds-fa.png` });

	// The export is on record for the admin.
	await admin.page.goto('/admin/exports');
	await expect(admin.page.getByTestId('export-log').locator('tbody tr').first()).toContainText(
		'Recruitment letters'
	);

	registry.close();
	for (const c of [context, admin.context]) await c.close();
});

test('[RC8] a round that reached the server second with a taken number is renumbered, and the rounds table says so', async ({
	browser
}) => {
	const cookie = await adminCookie();
	// Two devices that were offline at a fair: each recorded "Round 900" of this year.
	const a = await openDoc('default/registry', cookie);
	const b = await openDoc('default/registry', cookie);
	b.provider.disconnect();
	const record = (doc: Y.Doc, id: string) =>
		doc.transact(() => {
			const r = new Y.Map<unknown>();
			doc.getMap('recruitmentRounds').set(id, r);
			const fields = { channel: 'post', year: new Date().getFullYear(), number: 900 };
			const rest = { segment: '{}', language: 'en', createdAt: new Date().toISOString() };
			for (const [k, v] of Object.entries({ ...fields, ...rest })) r.set(k, v);
		});
	const tag = uniqueTag();
	const [first, second] = [`e2eRoundA${tag}`, `e2eRoundB${tag}`];
	record(a.doc, first);
	record(b.doc, second);
	const number = (id: string) =>
		(a.doc.getMap('recruitmentRounds').get(id) as Y.Map<unknown> | undefined)?.get('number');
	await expect.poll(() => number(first)).toBe(900);
	b.provider.connect();
	await expect.poll(() => number(second)).toBe(901);
	a.close();
	b.close();

	const { context, page } = await loginContext(browser, ADMIN);
	try {
		await page.goto('/pipeline/recruitment');
		const row = (id: string) => page.locator(`[data-testid=round-row][data-round=${id}]`);
		await expect(row(second).getByTestId('round-renumbered')).toHaveText(
			'Recorded as round 900 on a device offline: another round of the year reached the server first with that number.'
		);
		await expect(row(first).getByTestId('round-renumbered')).toHaveCount(0);
	} finally {
		await context.close();
	}
});

test('[RC8] the page that recorded a round offline names it by its number once the server renumbers it', async ({
	browser
}) => {
	const cookie = await adminCookie();
	const tag = uniqueTag('N');
	const region = `Renumber ${tag}`;
	const registry = await openDoc('default/registry', cookie);
	registry.doc.transact(() => {
		const row = new Y.Map<unknown>();
		registry.doc.getMap('members').set(`${tag}m`.replace(/[^A-Za-z0-9_-]/g, ''), row);
		const fields = {
			name: `Renumber Works ${tag}`,
			status: 'prospect',
			region,
			address: 'Main St 1'
		};
		for (const [k, v] of Object.entries({ ...fields, createdAt: new Date().toISOString() }))
			row.set(k, v);
	});
	const { context, page } = await loginContext(browser, ADMIN);
	try {
		await page.goto('/pipeline/recruitment');
		await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
		await page.getByTestId('recruit-regions').selectOption(region);
		await expect(page.getByTestId('recruit-count')).toHaveAttribute('data-count', '1');
		// Recorded offline, as at a fair: the device numbers the round itself.
		await context.setOffline(true);
		await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'offline');
		await page.getByTestId('recruit-record').click();
		const message = page.getByTestId('recruit-message');
		await expect(message).toHaveText(/^One letter recorded in Round \d+ of \d+\.$/);
		const [, number, year] = /Round (\d+) of (\d+)/.exec((await message.textContent())!)!;
		// Meanwhile another device records a round with that number, and reaches the server first.
		const otherId = `e2eRoundO${tag}`.replace(/[^A-Za-z0-9_-]/g, '');
		registry.doc.transact(() => {
			const r = new Y.Map<unknown>();
			registry.doc.getMap('recruitmentRounds').set(otherId, r);
			const fields = { channel: 'post', year: Number(year), number: Number(number) };
			const rest = { segment: '{}', language: 'en', createdAt: new Date().toISOString() };
			for (const [k, v] of Object.entries({ ...fields, ...rest })) r.set(k, v);
		});
		const rounds = registry.doc.getMap<Y.Map<unknown>>('recruitmentRounds');
		await expect.poll(() => rounds.get(otherId)?.get('number')).toBe(Number(number));
		await context.setOffline(false);
		await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online', {
			timeout: 30_000
		});
		// The page's own round is now the year's next number, and the page says that one.
		const next = `Round ${Number(number) + 1} of ${year}`;
		await expect(message).toHaveText(`One letter recorded in ${next}.`);
		await expect(page.getByTestId('recruit-batch')).toContainText(
			`One letter of ${next}, recorded`
		);
		await expect(
			page
				.getByTestId('round-renumbered')
				.filter({ hasText: `Recorded as round ${number} on a device offline` })
		).toHaveCount(1);
	} finally {
		registry.close();
		await context.close();
	}
});

test('the rounds table names who recorded a round by display name, as the other who-columns do', async ({
	browser
}) => {
	// Recorded from reza's own connection: whatever it says, the guard makes him its author.
	const registry = await openDoc(
		'default/registry',
		await loginCookie(reza.username, reza.password)
	);
	const id = `e2eRoundBy${uniqueTag()}`.replace(/[^A-Za-z0-9_-]/g, '');
	registry.doc.transact(() => {
		const r = new Y.Map<unknown>();
		registry.doc.getMap('recruitmentRounds').set(id, r);
		const fields = { channel: 'post', year: new Date().getFullYear(), number: 950 };
		const rest = {
			segment: '{}',
			language: 'en',
			createdAt: new Date().toISOString(),
			createdBy: 'admin'
		};
		for (const [k, v] of Object.entries({ ...fields, ...rest })) r.set(k, v);
	});
	const round = () => registry.doc.getMap<Y.Map<unknown>>('recruitmentRounds').get(id);
	await expect.poll(() => round()?.get('createdBy')).toBe(reza.username);
	registry.close();
	const { context, page } = await loginContext(browser, ADMIN);
	try {
		await page.goto('/pipeline/recruitment');
		// The "By" column.
		const by = page.locator(`[data-testid=round-row][data-round=${id}] td`).nth(3);
		await expect(by).toHaveText(reza.displayName);
	} finally {
		await context.close();
	}
});

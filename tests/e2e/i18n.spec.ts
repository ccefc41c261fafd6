/**
 * Languages: Persian lays the whole app out right-to-left with Persian digits and
 * the Persian calendar; Chinese shows Chinese text and dates like 2026年11月22日.
 * The choice is remembered on the device. Screenshots of the Persian pages go to
 * test-results/screenshots/ for a person to look at.
 */
import { expect, test } from '@playwright/test';
import { baseURL, loginContext } from './fixtures';
import { ADMIN, USERS } from './users';

const SHOTS = 'test-results/screenshots';
const sara = USERS[0];

test('switching to Persian on the login page sets rtl and Persian texts, and survives a reload', async ({
	browser
}) => {
	const context = await browser.newContext({ baseURL: baseURL() });
	const page = await context.newPage();
	await page.goto('/login');
	await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
	await page.getByTestId('locale-select').selectOption('fa');
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(page.locator('html')).toHaveAttribute('lang', /^fa/);
	await expect(page.locator('button[type=submit]')).toHaveText('ورود');
	await expect(page.locator('label[for=login-username]')).toHaveText('نام کاربری');

	await page.reload();
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(page.locator('html')).toHaveAttribute('lang', /^fa/);
	await expect(page.getByTestId('locale-select')).toHaveValue('fa');
	await expect(page.locator('button[type=submit]')).toHaveText('ورود');

	// The form lies on the right: the card's labels start at its right edge.
	const label = await page.locator('label[for=login-username]').boundingBox();
	const input = await page.locator('input[name=username]').boundingBox();
	expect(label && input && Math.abs(label.x + label.width - (input.x + input.width))).toBeLessThan(
		2
	);

	await page.locator('input[name=username]').fill(sara.username);
	await page.locator('input[name=password]').fill('wrong-password-here');
	await page.locator('button[type=submit]').click();
	await expect(page.locator('[role=alert]')).toContainText('نام کاربری یا رمز عبور نادرست است');
	await page.screenshot({ path: `${SHOTS}/login-fa.png` });
	await context.close();
});

test('Persian after login: header, digits and the Persian calendar on the users page', async ({
	browser
}) => {
	const { context, page } = await loginContext(browser, ADMIN, { locale: 'fa' });
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await expect(page.getByTestId('logout')).toHaveText('خروج');
	await expect(page.locator('nav a[href="/members"]')).toHaveText('اعضا');
	await page.locator('nav a[href="/admin/users"]').click();
	await expect(page.locator('h1')).toHaveText('کاربران');
	// The tab's title names the page, as on every other page.
	await expect(page).toHaveTitle('کاربران · گیلدهال');
	const created = page.locator('[data-testid=user-row][data-username=admin] .gh-date');
	// A Persian-calendar date in Persian digits, e.g. ۱ آذر ۱۴۰۵ (years 13xx/14xx).
	await expect(created).toHaveText(/^[۰-۹]{1,2} \S+ ۱[۳۴][۰-۹]{2}$/);
	await expect(page.getByTestId('user-count')).toHaveText(/^[۰-۹]+ کاربر$/);
	await expect(
		page.locator('[data-testid=user-row][data-username=admin] .gh-chip[data-role]')
	).toHaveText('مدیر سامانه');

	// The header is mirrored: the brand sits at the right, logout at the left.
	const brand = await page.locator('.gh-brand').boundingBox();
	const logout = await page.getByTestId('logout').boundingBox();
	expect(brand && logout && brand.x > logout.x).toBe(true);
	await page.screenshot({ path: `${SHOTS}/admin-fa.png`, fullPage: true });
	await context.close();
});

test('Persian settings show numbers in Persian digits, amounts grouped, and read them back', async ({
	browser
}) => {
	const { context, page } = await loginContext(browser, ADMIN, { locale: 'fa' });
	await page.goto('/settings');
	await expect(page.locator('[data-config=lapseGraceDays]')).toHaveValue(/^[۰-۹]+$/);
	const tiers = page.getByTestId('settings-tiers');
	const id = `fa${Date.now().toString(36)}`;
	await tiers.getByPlaceholder(/^شناسه جدید/).fill(id);
	await tiers.getByRole('button', { name: 'افزودن' }).click();
	await expect(tiers.locator('th', { hasText: 'حق عضویت سالانه' })).toHaveText(/\(ریال\)/);
	const row = tiers.locator(`tr[data-row-id="${id}"]`);
	await expect(row.locator('[data-field="order"]')).toHaveValue(/^[۰-۹]+$/);
	const fee = row.locator('[data-field="annualFee"]');
	await fee.fill('۱۲۰۰۰۰۰');
	await fee.press('Tab');
	await expect(fee).toHaveValue('۱٬۲۰۰٬۰۰۰');
	await page.reload();
	await expect(fee).toHaveValue('۱٬۲۰۰٬۰۰۰');
	// Typed with its separators, as it is shown, it is read back the same.
	await fee.fill('۲٬۵۰۰٬۰۰۰');
	await fee.press('Tab');
	await page.reload();
	await expect(fee).toHaveValue('۲٬۵۰۰٬۰۰۰');

	// The member-number format takes its width in Persian digits, as its hint writes
	// it; the hint's example is the example's own, and a preview shows this format.
	const format = page.locator('[data-config=memberNoFormat]');
	const before = await format.inputValue();
	const general = page.locator('[data-testid=settings-general] small');
	await expect(general).toContainText('TA-{n:5} می‌شود TA-۰۰۰۴۲');
	try {
		await format.fill('ع-{n:۵}');
		await format.press('Tab');
		await expect(page.getByTestId('settings-message')).toHaveText('ذخیره شد');
		await expect(format).toHaveValue('ع-{n:5}');
		await expect(page.getByTestId('member-no-preview')).toHaveText(
			'با این قالب، عضو ۴۲ این‌گونه خوانده می‌شود: ع-۰۰۰۴۲.'
		);
	} finally {
		await format.fill(before);
		await format.press('Tab');
		await expect(format).toHaveValue(before);
	}
	await context.close();
});

test('Chinese shows Chinese texts and dates like 2026年11月22日', async ({ browser }) => {
	const context = await browser.newContext({ baseURL: baseURL() });
	const page = await context.newPage();
	await page.goto('/login');
	await page.getByTestId('locale-select').selectOption('zh');
	await expect(page.locator('html')).toHaveAttribute('lang', /^zh/);
	await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
	await expect(page.locator('button[type=submit]')).toHaveText('登录');
	await page.locator('input[name=username]').fill(ADMIN.username);
	await page.locator('input[name=password]').fill(ADMIN.password);
	await page.locator('button[type=submit]').click();
	await expect(page).toHaveURL(/\/members$/);
	await expect(page.getByTestId('logout')).toHaveText('退出登录');
	await expect(page.locator('nav a[href="/members"]')).toHaveText('会员');
	await page.goto('/admin/users');
	await expect(page.locator('h1')).toHaveText('用户管理');
	await expect(page.locator('[data-testid=user-row][data-username=admin] .gh-date')).toHaveText(
		/^\d{4}年\d{1,2}月\d{1,2}日$/
	);
	await page.screenshot({ path: `${SHOTS}/admin-zh.png`, fullPage: true });
	await context.close();
});

test('the language can be changed from the header and is remembered', async ({ browser }) => {
	const { context, page } = await loginContext(browser, sara);
	await page.getByTestId('locale-select').selectOption('fa');
	await expect(page.getByTestId('logout')).toHaveText('خروج');
	await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
	await page.reload();
	await expect(page.getByTestId('logout')).toHaveText('خروج');
	await page.getByTestId('locale-select').selectOption('en');
	await expect(page.getByTestId('logout')).toHaveText('Log out');
	await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
	await context.close();
});

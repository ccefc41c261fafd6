/**
 * The pages' Content-Security-Policy (svelte.config.js) and the headers sent with every
 * answer (server/app.ts): member data is confidential, so only the app's own scripts
 * run, and nothing the app needs is refused by its own policy.
 */
import http from 'node:http';
import { expect, test, type Page } from '@playwright/test';
import { baseURL, loginContext, waitForGrid } from './fixtures';
import { ADMIN, USERS } from './users';

const sara = USERS[0];

/** Record every CSP violation and console report of one in the page's window. */
async function watchViolations(page: Page): Promise<string[]> {
	const seen: string[] = [];
	page.on('console', (m) => {
		if (/Content Security Policy/i.test(m.text())) seen.push(`console: ${m.text()}`);
	});
	await page.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (e) => {
			const w = window as unknown as { __cspViolations?: string[] };
			(w.__cspViolations ??= []).push(`${e.violatedDirective} ${e.blockedURI}`);
		});
	});
	return seen;
}

const violationsIn = (page: Page) =>
	page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);

test('[A8] pages carry a policy with a nonce, and every answer the security headers', async ({
	request
}) => {
	const page = await request.get(`${baseURL()}/login`);
	const csp = page.headers()['content-security-policy'] ?? '';
	const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
	expect(nonce, csp).toBeTruthy();
	const directives = new Map(
		csp.split(';').map((d) => {
			const [name, ...values] = d.trim().split(/\s+/);
			return [name, values] as const;
		})
	);
	expect(directives.get('script-src')).toEqual(["'self'", `'nonce-${nonce}'`]);
	expect(directives.get('default-src')).toEqual(["'self'"]);
	// Its own WebSocket named too, for browsers whose 'self' does not cover ws:.
	const host = new URL(baseURL()).host;
	expect(directives.get('connect-src')).toEqual(["'self'", `ws://${host}`, `wss://${host}`]);
	expect(directives.get('object-src')).toEqual(["'none'"]);
	expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
	// Every inline script of the page (app.html's and SvelteKit's start) carries it.
	const html = await page.text();
	const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((m) => m[1]);
	expect(inline.length).toBeGreaterThanOrEqual(2);
	for (const attrs of inline) expect(attrs).toContain(`nonce="${nonce}"`);
	// A fresh nonce for each answer.
	const again = await request.get(`${baseURL()}/login`);
	expect(again.headers()['content-security-policy']).not.toContain(`'nonce-${nonce}'`);

	// A forged Host header cannot write into the policy.
	const forged = await new Promise<string>((resolve, reject) => {
		const u = new URL(baseURL());
		http
			.get({ host: u.hostname, port: u.port, path: '/login', headers: { host: 'x;y' } }, (r) => {
				r.resume();
				resolve(String(r.headers['content-security-policy'] ?? ''));
			})
			.on('error', reject);
	});
	expect(forged).toContain("connect-src 'self';");
	expect(forged).not.toContain('x;y');

	for (const path of ['/login', '/api/session', '/healthz', '/favicon.png']) {
		const r = await request.get(`${baseURL()}${path}`);
		expect(r.headers()['x-content-type-options'], path).toBe('nosniff');
		expect(r.headers()['x-frame-options'], path).toBe('DENY');
		expect(r.headers()['referrer-policy'], path).toBe('same-origin');
	}
});

test('[A8] the app runs under its policy: no page is refused anything, a foreign script is', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const { context, page } = await loginContext(browser, sara);
	const seen = await watchViolations(page);
	await page.reload();
	await waitForGrid(page);
	const paths = [
		'/members',
		'/members/import',
		'/ledger',
		'/ledger/dues',
		'/pipeline',
		'/reports',
		'/surveys',
		'/documents',
		'/settings'
	];
	for (const path of paths) {
		await page.goto(path);
		await expect(page.locator('main')).toBeVisible();
		await page.waitForTimeout(500);
		expect(await violationsIn(page), path).toEqual([]);
	}
	expect(seen).toEqual([]);

	// A script put into the page (as an injection would) does not run, and is reported.
	const ran = await page.evaluate(async () => {
		const s = document.createElement('script');
		s.textContent = '(window).__injected = true';
		document.head.append(s);
		await new Promise((r) => setTimeout(r, 100));
		return (window as unknown as { __injected?: boolean }).__injected === true;
	});
	expect(ran).toBe(false);
	expect((await violationsIn(page)).join('\n')).toContain('script-src');
	await context.close();

	// Persian, and the admin's pages.
	const fa = await loginContext(browser, ADMIN, { locale: 'fa' });
	const faSeen = await watchViolations(fa.page);
	for (const path of ['/members', '/admin/users', '/admin/exports']) {
		await fa.page.goto(path);
		await expect(fa.page.locator('main')).toBeVisible();
		if (path === '/members') await waitForGrid(fa.page);
		await fa.page.waitForTimeout(500);
		expect(await violationsIn(fa.page), path).toEqual([]);
	}
	expect(faSeen).toEqual([]);
	await fa.context.close();
});

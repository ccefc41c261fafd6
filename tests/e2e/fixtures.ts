/**
 * Shared helpers for end-to-end tests: the server URL from global-setup, logging a
 * browser context in through the real login page, and reading the grid.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { WebsocketProvider } from 'y-websocket';
import type { KitHandler } from '../../server/app';
import type { Rooms } from '../../server/rooms';
import { MESSAGE, PROTOCOL_VERSION } from '../../src/lib/domain/protocol';
import { ADMIN, type TestUser } from './users';

export const baseURL = () => {
	const u = process.env.E2E_BASE_URL;
	if (!u) throw new Error('E2E_BASE_URL is not set: global-setup did not run');
	return u;
};

/** A session cookie (`name=value`) for `username`, signed in through the API. */
export async function loginCookie(username: string, password: string): Promise<string> {
	const url = baseURL();
	const r = await fetch(`${url}/api/session`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: url },
		body: JSON.stringify({ username, password })
	});
	expect(r.status).toBe(200);
	return (r.headers.get('set-cookie') ?? '').split(';')[0];
}

export const adminCookie = () => loginCookie(ADMIN.username, ADMIN.password);

/** A server command (joining: verify, approve, move) as the user of `cookie`. */
export async function command(cookie: string, body: Record<string, unknown>) {
	const r = await fetch(`${baseURL()}/api/default/commands`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: baseURL(), cookie },
		body: JSON.stringify({ id: crypto.randomUUID(), ...body })
	});
	expect(r.status, await r.clone().text()).toBeLessThan(300);
}

/** A fresh browser context (own cookies, IndexedDB, service worker) logged in as `user`. */
export async function loginContext(
	browser: Browser,
	user: Pick<TestUser, 'username' | 'password'>,
	opts: { locale?: 'en' | 'fa' | 'zh' } = {}
): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext({ baseURL: baseURL() });
	const page = await context.newPage();
	if (opts.locale) {
		await page.addInitScript((l) => localStorage.setItem('gh.locale', l), opts.locale);
	}
	await page.goto('/login');
	await page.locator('input[name=username]').fill(user.username);
	await page.locator('input[name=password]').fill(user.password);
	await page.locator('button[type=submit]').click();
	await expect(page).toHaveURL(/\/members/);
	return { context, page };
}

/** A new device: a fresh context signed in through the API (as a bookmark would find it), no page yet. */
export async function newDeviceContext(browser: Browser, user: TestUser): Promise<BrowserContext> {
	const context = await browser.newContext({ baseURL: baseURL() });
	const r = await context.request.post('/api/session', {
		data: { username: user.username, password: user.password },
		headers: { origin: baseURL() }
	});
	expect(r.status()).toBe(200);
	return context;
}

/** Wait until the grid shows rows and the sync indicator says we are in step with the server. */
export async function waitForGrid(page: Page) {
	await expect(page.locator('.ag-root')).toBeVisible();
	await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'online');
	// The rows shown are the doc's, not a first look at the server's [C20].
	await expect(page.getByTestId('preview-status')).toHaveCount(0);
}

export const cell = (page: Page, rowId: string, field: string) =>
	page.locator(`.ag-row[row-id="${rowId}"] .ag-cell[col-id="${field}"]`);

/**
 * The grid draws only the columns in view (and their headers): scroll it sideways, from
 * its start, until `field`'s column is drawn, as a person scrolls to reach it.
 */
export async function showColumn(page: Page, field: string): Promise<void> {
	const shown = await page.evaluate(async (f) => {
		const drawn = () => document.querySelector(`.gh-grid .ag-header-cell[col-id="${f}"]`) !== null;
		const bar = document.querySelector<HTMLElement>('.gh-grid .ag-body-horizontal-scroll-viewport');
		if (drawn() || !bar) return drawn();
		// The grid draws the columns of a new scroll position in a frame, or several while
		// it is busy (just after a reload or a search): each position is given up to 20
		// frames to show the column before the next step, so none is passed unseen.
		const frame = () => new Promise((r) => requestAnimationFrame(r));
		const settle = async () => {
			for (let i = 0; i < 20 && !drawn(); i++) await frame();
		};
		// Right to left, the grid scrolls towards negative scrollLeft.
		const step = (getComputedStyle(bar).direction === 'rtl' ? -1 : 1) * (bar.clientWidth / 2);
		const atEnd = () => Math.abs(bar.scrollLeft) + bar.clientWidth >= bar.scrollWidth - 1;
		bar.scrollLeft = 0;
		await settle();
		// A step that did not move (the grid put its scroll back while laying out) is tried
		// again, a few times, unless the bar is at its end.
		for (let stuck = 0; !drawn() && stuck < 10;) {
			const before = bar.scrollLeft;
			bar.scrollLeft += step;
			await settle();
			if (bar.scrollLeft !== before) stuck = 0;
			else if (atEnd()) break;
			else stuck++;
		}
		return drawn();
	}, field);
	expect(shown, `the grid has no column "${field}" to scroll to`).toBe(true);
}

/** The service worker must control the page, or a reload without network shows nothing. */
export async function controlledByServiceWorker(page: Page) {
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
		if (!navigator.serviceWorker.controller) {
			await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r));
		}
	});
}

/**
 * A sync client in this (Node) process with a session cookie, resolved once in step:
 * to seed the server and to check what it holds. It reads our server's ACKs as the
 * app does (y-websocket alone does not know them and logs "Unable to compute message").
 */
export async function openDoc(
	room: string,
	cookie: string
): Promise<{ doc: Y.Doc; provider: WebsocketProvider; close: () => void }> {
	const doc = new Y.Doc();
	const url = baseURL();
	const Socket = class extends WebSocket {
		constructor(u: string | URL, p?: string | string[]) {
			super(u, p, { headers: { cookie, origin: url } });
		}
	};
	const provider = new WebsocketProvider(url.replace(/^http/, 'ws') + '/sync', room, doc, {
		connect: false,
		disableBc: true,
		params: { v: String(PROTOCOL_VERSION) },
		WebSocketPolyfill: Socket as never
	});
	provider.messageHandlers[MESSAGE.ack] = (_enc, dec) => void decoding.readVarUint8Array(dec);
	provider.connect();
	await new Promise<void>((resolve) => {
		if (provider.synced) resolve();
		else provider.on('sync', (s: boolean) => s && resolve());
	});
	return { doc, provider, close: () => (provider.destroy(), doc.destroy()) };
}

export interface OwnServer {
	url: string;
	rooms: Rooms;
	/** Write a row (`<table>` of `default/<doc>`) as the server, as no client could. */
	setRow(doc: string, table: string, id: string, fields: Record<string, unknown>): Promise<void>;
	/** Sign the page's context in as `user` (the admin creates them first). */
	signIn(page: Page, user: TestUser): Promise<void>;
	close(): Promise<void>;
}

/**
 * A server of the test's own, in this process (the built app, a temp data dir), for a
 * record the app cannot make today (a member numbered before certificate numbers were
 * stored): the test writes it as that server.
 */
export async function ownServer(): Promise<OwnServer> {
	const dataDir = mkdtempSync(path.join(tmpdir(), 'guildhall-e2e-own-'));
	// Loaded here, not with the fixtures: only the tests that run a server of their own need it.
	const { startServer } = await import('../../server/app');
	const kit = (await import(pathToFileURL(path.resolve('build/handler.js')).href)) as {
		handler: KitHandler;
	};
	const running = await startServer({
		config: { port: 0, host: '127.0.0.1', dataDir, adminPassword: ADMIN.password, org: 'default' },
		kitHandler: kit.handler
	});
	const rooms = running.app.rooms;
	return {
		url: running.url,
		rooms,
		setRow: (doc, table, id, fields) =>
			rooms.withRoom(`default/${doc}`, (room) =>
				room.transactAsServer((d) => {
					const row = new Y.Map<unknown>();
					d.getMap(table).set(id, row);
					for (const [k, v] of Object.entries(fields)) row.set(k, v);
				})
			),
		async signIn(page, user) {
			const post = async (url: string, data: unknown, status: number) =>
				expect(
					(await page.request.post(url, { data, headers: { origin: running.url } })).status()
				).toBe(status);
			await post('/api/session', { username: ADMIN.username, password: ADMIN.password }, 200);
			if (user.username === ADMIN.username) return;
			await post('/api/users', user, 201);
			await post('/api/session', { username: user.username, password: user.password }, 200);
		},
		async close() {
			await running.close();
			rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

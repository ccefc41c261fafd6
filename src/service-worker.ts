/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * The offline shell. With no network, a reload of any page still opens the app,
 * which then runs from the device's own copy (IndexedDB).
 *
 * What is cached, and why:
 * - On install: every file of this build (`build`: hashed JS/CSS), the static files
 *   (`files`), and the app shell: the HTML of `/`, which serves every route (the app
 *   is a client-side SPA, `ssr = false`).
 * - Never: `/api/*`, `/sync/*`, `/healthz`. Member data is confidential and lives
 *   in IndexedDB, where logout deletes it; an HTTP cache would keep copies that
 *   nobody cleans up. For `/api/*` a failed network becomes a JSON 503
 *   `{error:{code:'offline'}}` so the app can tell "offline" from "logged out".
 * - Build files: cache first (their names change with their content). Where the
 *   browser has static routes (Chromium 123+), `/_app/immutable/*` is routed to this
 *   build's cache at install: the browser answers those requests itself, without
 *   running the fetch handler below. Each of the ~30 scripts of a page load waited
 *   for that handler before: opening 10k members took ~200 ms longer with the
 *   worker than without it (docs/BENCHMARKS.md). A file missing
 *   from the cache goes to the network, as the handler does.
 * - Page loads: network first, with a short timeout, then the cached shell.
 * - Anything else: the network, untouched.
 *
 * Each deploy has its own cache (named by `version`); activation deletes the others.
 */
import { build, files, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;

const CACHE = `gh-shell-${version}`;
/** The cache key of the app shell (the HTML of every route). */
const SHELL = '/__shell';
/**
 * Where the shell is fetched from. With `ssr = false` and absolute asset paths
 * (svelte.config.js `paths.relative: false`) every route returns the same HTML except
 * for the route's own stylesheet links; `/` has none, and the client loads each
 * route's CSS with its code anyway.
 */
const SHELL_SOURCE = '/';
const NAVIGATION_TIMEOUT_MS = 3000;

const ASSETS = new Set([...build, ...files]);

/** Paths whose answers hold or guard user data: never cached, never served from cache. */
const PRIVATE = /^\/(api|sync|healthz)(\/|$)/;

/** The Static Routing API's part of the install event (not in TypeScript's lib yet). */
interface RoutingInstallEvent extends ExtendableEvent {
	addRoutes?(
		rules: { condition: { urlPattern: string }; source: { cacheName: string } }[]
	): Promise<void>;
}

sw.addEventListener('install', (event) => {
	// Without routes (other browsers, or rules refused) the fetch handler serves them.
	(event as RoutingInstallEvent)
		.addRoutes?.([{ condition: { urlPattern: '/_app/immutable/*' }, source: { cacheName: CACHE } }])
		.catch(() => undefined);
	event.waitUntil(
		(async () => {
			const cache = await caches.open(CACHE);
			await cache.addAll([...ASSETS]);
			// `credentials: 'omit'`: the shell is the same for everyone, and must not be
			// a page rendered for whoever happened to be logged in.
			const res = await fetch(SHELL_SOURCE, { cache: 'reload', credentials: 'omit' });
			if (!res.ok || !(res.headers.get('content-type') ?? '').includes('text/html')) {
				throw new Error(`app shell: ${res.status}`);
			}
			// A fresh response: a redirected one (a server sending / on to /login) must not
			// answer a navigation, which browsers refuse.
			const headers = new Headers({ 'content-type': 'text/html; charset=utf-8' });
			// The shell's scripts carry the nonce of its policy: they go together.
			const csp = res.headers.get('content-security-policy');
			if (csp) headers.set('content-security-policy', csp);
			await cache.put(SHELL, new Response(await res.blob(), { status: 200, headers }));
			await sw.skipWaiting();
		})()
	);
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) {
				if (key.startsWith('gh-shell-') && key !== CACHE) await caches.delete(key);
			}
			await sw.clients.claim();
		})()
	);
});

function offlineApi(): Response {
	return new Response(
		JSON.stringify({ error: { code: 'offline', message: 'The server cannot be reached.' } }),
		{ status: 503, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } }
	);
}

async function cachedShell(): Promise<Response | undefined> {
	const cache = await caches.open(CACHE);
	return cache.match(SHELL);
}

async function cacheFirst(request: Request): Promise<Response> {
	const cache = await caches.open(CACHE);
	const hit = await cache.match(request);
	if (hit) return hit;
	const res = await fetch(request);
	if (res.ok && res.type === 'basic') await cache.put(request, res.clone());
	return res;
}

/**
 * Network first: an online reader always gets the current app. When the network
 * fails, is slower than the timeout, or the server (or a proxy) answers 5xx, the
 * cached shell opens the app instead.
 */
async function navigate(request: Request): Promise<Response> {
	const network = fetch(request);
	// When the timeout wins, a later network failure has nobody to report to.
	network.catch(() => undefined);
	const timeout = new Promise<'timeout'>((r) =>
		setTimeout(() => r('timeout'), NAVIGATION_TIMEOUT_MS)
	);
	try {
		const res = await Promise.race([network, timeout]);
		if (res !== 'timeout' && res.status < 500) return res;
		const shell = await cachedShell();
		if (shell) return shell;
		return res === 'timeout' ? await network : res;
	} catch (err) {
		const shell = await cachedShell();
		if (shell) return shell;
		throw err;
	}
}

sw.addEventListener('fetch', (event) => {
	const request = event.request;
	if (request.method !== 'GET') return;
	const url = new URL(request.url);
	if (url.origin !== sw.location.origin) return;

	if (PRIVATE.test(url.pathname)) {
		if (url.pathname.startsWith('/api/') || url.pathname === '/api') {
			event.respondWith(fetch(request).catch(offlineApi));
		}
		// /sync and /healthz: straight to the network, as if there were no worker.
		return;
	}
	if (ASSETS.has(url.pathname)) {
		event.respondWith(cacheFirst(request));
		return;
	}
	if (request.mode === 'navigate') {
		event.respondWith(navigate(request));
	}
});

/**
 * When the offline shell's service worker (src/service-worker.ts) is registered
 * (docs/CLIENT.md [C19]).
 *
 * Installing it fetches and caches every file of the build, well over a hundred. Left
 * to SvelteKit it is registered at the window's `load`, which in this app comes before
 * the data: on a new device the install then ran alongside the first sync and took
 * about a third of it (10k members, 2 cores). So:
 *  - a page that opens rooms registers it once every room it opened is in step and
 *    its first paint done (`holdShell` / `releaseShell`, called by the rooms);
 *  - pages with no data work (login, a survey link) register it at `load`;
 *  - a page with no room waiting registers it SHELL_FALLBACK_MS after `load` (a page
 *    without rooms), and any page SHELL_LAST_MS after `load` at the latest (a room that
 *    never gets in step: a server that cannot be reached). A first sync of a big
 *    registry, still running at SHELL_FALLBACK_MS, is left alone.
 * Registering again is harmless: the browser only checks for a new worker.
 */
export const SHELL_FALLBACK_MS = 10_000;
export const SHELL_LAST_MS = 60_000;

const holds = new Set<object>();
let settledOnce = false;
let registered = false;

function register(): void {
	if (registered || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
	registered = true;
	// In development Vite serves the worker as a module; the build is a classic script.
	navigator.serviceWorker
		.register('/service-worker.js', { type: import.meta.env.DEV ? 'module' : 'classic' })
		.catch((e: unknown) => {
			// Offline, or the browser refuses: a later fallback or the next load tries again.
			registered = false;
			console.warn('Guildhall: the offline shell could not be installed', e);
		});
}

function afterLoad(f: () => void): void {
	if (document.readyState === 'complete') f();
	else window.addEventListener('load', f, { once: true });
}

/** From the root layout: at `load` when `now`, else when the rooms let it (see above). */
export function scheduleShell(opts: { now: boolean }): void {
	afterLoad(() => {
		if (opts.now) return register();
		setTimeout(() => {
			if (holds.size === 0) register();
		}, SHELL_FALLBACK_MS);
		setTimeout(register, SHELL_LAST_MS);
	});
}

/** A room is loading: the shell waits for it. */
export function holdShell(room: object): void {
	holds.add(room);
}

/** The room is in step and painted, or gone: the shell goes once no room waits. */
export function releaseShell(room: object, settled: boolean): void {
	if (!holds.delete(room)) return;
	if (settled) settledOnce = true;
	if (holds.size === 0 && settledOnce) afterLoad(register);
}

/**
 * [C19] When the offline shell's service worker is registered: after the page's rooms
 * are in step, with fallbacks for pages without rooms and rooms that never get there.
 * The browser's registration is stood in for (the e2e test "[C19] ..." in
 * tests/e2e/offline.spec.ts runs the real one in Chromium); the timers are Vitest's.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';

let asked: string[];

async function shell() {
	vi.resetModules();
	return import('../../src/lib/sync/offline-shell');
}

beforeEach(() => {
	vi.useFakeTimers();
	asked = [];
	vi.stubGlobal('document', { readyState: 'complete' });
	vi.stubGlobal('window', { addEventListener: () => undefined });
	vi.stubGlobal('navigator', {
		serviceWorker: {
			register: (url: string) => {
				asked.push(url);
				return Promise.resolve();
			}
		}
	});
});

afterEach(() => {
	vi.useRealTimers();
	vi.unstubAllGlobals();
});

it('a page with no data (login, a survey link) asks at load', async () => {
	const s = await shell();
	s.scheduleShell({ now: true });
	expect(asked).toEqual(['/service-worker.js']);
});

it('a data page asks once every room it opened is in step, once only', async () => {
	const s = await shell();
	s.scheduleShell({ now: false });
	const registry = {};
	const settings = {};
	s.holdShell(registry);
	s.holdShell(settings);
	s.releaseShell(settings, true);
	expect(asked).toEqual([]);
	s.releaseShell(registry, true);
	expect(asked).toEqual(['/service-worker.js']);
	vi.advanceTimersByTime(s.SHELL_LAST_MS);
	expect(asked).toHaveLength(1);
});

it('a first sync still running at the fallback is left alone; the last fallback asks anyway', async () => {
	const s = await shell();
	s.scheduleShell({ now: false });
	s.holdShell({});
	vi.advanceTimersByTime(s.SHELL_FALLBACK_MS);
	expect(asked).toEqual([]);
	vi.advanceTimersByTime(s.SHELL_LAST_MS - s.SHELL_FALLBACK_MS);
	expect(asked).toEqual(['/service-worker.js']);
});

it('a page without rooms asks at the fallback', async () => {
	const s = await shell();
	s.scheduleShell({ now: false });
	vi.advanceTimersByTime(s.SHELL_FALLBACK_MS - 1);
	expect(asked).toEqual([]);
	vi.advanceTimersByTime(1);
	expect(asked).toEqual(['/service-worker.js']);
});

it('rooms that only closed (refused, destroyed) do not ask; the fallback does', async () => {
	const s = await shell();
	s.scheduleShell({ now: false });
	const room = {};
	s.holdShell(room);
	s.releaseShell(room, false);
	expect(asked).toEqual([]);
	vi.advanceTimersByTime(s.SHELL_FALLBACK_MS);
	expect(asked).toEqual(['/service-worker.js']);
});

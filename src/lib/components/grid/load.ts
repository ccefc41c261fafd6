/**
 * ag-grid, loaded apart from the pages' own code. It is the app's biggest script
 * (~1 MB). Imported statically, it held back every page with a grid: the page's code
 * ran only once ag-grid was fetched and compiled, and only then did the page ask for
 * the session and open the device's copy. Loaded this way it compiles (off the main
 * thread) while those run, and a grid awaits it when it is created.
 *
 * The load starts when this module is evaluated, i.e. with the code of a page that
 * has a grid. A failed load (no network and no offline shell yet, or a new deploy)
 * rejects, and the next call tries again.
 */
import { browser } from '$app/environment';

export type AgGrid = typeof import('./ag');

let lib: Promise<AgGrid> | null = null;

export function loadGrid(): Promise<AgGrid> {
	lib ??= import('./ag').catch((err: unknown) => {
		lib = null;
		throw err;
	});
	return lib;
}

if (browser) loadGrid().catch(() => undefined);

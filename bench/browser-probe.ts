/**
 * In-page timing for the browser measures. `probe` is installed with
 * `context.addInitScript`, so it runs in every document of the context before the
 * app's own scripts; it must be self-contained (Playwright sends its source text).
 *
 * All marks are `performance.now()` values: milliseconds since the navigation
 * started (the document's time origin), so they do not include the round trips
 * between this process and the browser.
 *
 * Marks (first time seen):
 *  - htmlEnd: the app's page has come; scriptsEnd: the last of the scripts asked for
 *    before the session; gridCodeAsk / gridCodeEnd: ag-grid's script is asked for / has
 *    come (the biggest script)
 *  - sessionAsk / sessionEnd: the app asks who is logged in / the answer's last byte
 *  - cacheRead / cacheReadDone: the row cache's chunks are asked for / have come [C14]
 *  - idbOpen / idbReadDone: the local copy's database is opened / its updates are read
 *  - wsCreate: the app connects to /sync, right after the local copy was applied to
 *    the Y.Doc (room.svelte.ts connects in `whenSynced.then`)
 *  - wsBig: a sync message over 256 KiB arrived (the server's state, for a new device)
 *  - grid: `.ag-root` is in the page
 *  - rows: grid rows are in the page and the row count says N (checked once per frame,
 *    just before the browser paints, so this is the frame that shows them)
 *  - scrolled: after scrolling the grid viewport to the middle, the row at the new
 *    scroll position is in the page (a scroll target of 0 means it could not scroll)
 *  - online: the sync status says online (in step with the server)
 *  - live: online, rows shown, and no status line of a first look left (cached rows
 *    [C14], the server's rows [C20], a first sync [C17]): the grid shows the doc's rows
 *    and can be edited
 */
export interface ProbeOptions {
	/** Rows the registry holds: the row count to wait for. */
	n: number;
	/** Scroll to the middle once rows show, and wait for the rows there. */
	scroll: boolean;
	/** Also wait for the `live` mark. */
	live?: boolean;
}

export interface ProbeResult {
	marks: Record<string, number>;
	info: Record<string, number>;
}

export function probe(opts: ProbeOptions): void {
	if (location.pathname !== '/members') return;
	const marks: Record<string, number> = {};
	const info: Record<string, number> = {};
	const mark = (k: string) => {
		if (marks[k] === undefined) marks[k] = performance.now();
	};
	let finish!: (r: { marks: Record<string, number>; info: Record<string, number> }) => void;
	const done = new Promise<{ marks: Record<string, number>; info: Record<string, number> }>(
		(r) => (finish = r)
	);
	(window as unknown as { __ghBench: unknown }).__ghBench = { marks, info, done };

	const open = IDBFactory.prototype.open;
	IDBFactory.prototype.open = function (this: IDBFactory, name: string, version?: number) {
		const req = version === undefined ? open.call(this, name) : open.call(this, name, version);
		if (name.startsWith('gh:')) {
			mark('idbOpen');
			req.addEventListener('success', () => mark('idbOpened'));
		}
		return req;
	};
	const getAll = IDBObjectStore.prototype.getAll;
	IDBObjectStore.prototype.getAll = function (this: IDBObjectStore, ...args: unknown[]) {
		const req = (getAll as (...a: unknown[]) => IDBRequest<unknown[]>).apply(this, args);
		if (this.name === 'updates' && marks.idbRead === undefined) {
			mark('idbRead');
			req.addEventListener('success', () => {
				mark('idbReadDone');
				const rows = req.result ?? [];
				info.idbRecords = rows.length;
				info.idbBytes = rows.reduce<number>(
					(s, r) => s + ((r as Uint8Array | undefined)?.byteLength ?? 0),
					0
				);
			});
		}
		return req;
	} as typeof getAll;

	// The row cache's chunks [C14] (dexie reads them through the `[key+gen]` index).
	const indexGetAll = IDBIndex.prototype.getAll;
	IDBIndex.prototype.getAll = function (this: IDBIndex, ...args: unknown[]) {
		const req = (indexGetAll as (...a: unknown[]) => IDBRequest<unknown[]>).apply(this, args);
		if (this.objectStore.name === 'rowChunks' && marks.cacheRead === undefined) {
			mark('cacheRead');
			req.addEventListener('success', () => mark('cacheReadDone'));
		}
		return req;
	} as typeof indexGetAll;

	// The server's rows for a first look [C20]: asked (previewAsk); the resource timing
	// entry gives when the last byte came (previewEnd) and the body's size. Resource
	// timing gives the page's, the session's and the scripts' last bytes too.
	const isPreview = (url: string) =>
		/\/api\/[^/]+\/members$/.test(new URL(url, location.href).pathname);
	const nativeFetch = window.fetch;
	window.fetch = function (input: RequestInfo | URL, init?: RequestInit) {
		const url = input instanceof Request ? input.url : String(input);
		if (isPreview(url)) mark('previewAsk');
		if (new URL(url, location.href).pathname === '/api/session') mark('sessionAsk');
		return nativeFetch.call(this, input, init);
	};
	const resourceMarks = () => {
		const session = performance
			.getEntriesByType('resource')
			.find((x) => new URL(x.name).pathname === '/api/session') as
			PerformanceResourceTiming | undefined;
		if (session) marks.sessionEnd = session.responseEnd;
		const nav = performance.getEntriesByType('navigation')[0] as
			PerformanceNavigationTiming | undefined;
		if (nav) marks.htmlEnd = nav.responseEnd;
		const scripts = performance
			.getEntriesByType('resource')
			.filter(
				(x) => /\.js$/.test(new URL(x.name).pathname) && x.startTime < (marks.sessionAsk ?? 0)
			)
			.map((x) => (x as PerformanceResourceTiming).responseEnd);
		if (scripts.length) marks.scriptsEnd = Math.max(...scripts);
		// The grid's code: the biggest script (ag-grid), loaded apart (grid/load.ts).
		const gridCode = (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
			.filter((x) => /\.js$/.test(new URL(x.name).pathname))
			.sort((a, b) => b.decodedBodySize - a.decodedBodySize)[0];
		if (gridCode) {
			marks.gridCodeAsk = gridCode.startTime;
			marks.gridCodeEnd = gridCode.responseEnd;
		}
		const e = performance.getEntriesByType('resource').find((x) => isPreview(x.name)) as
			PerformanceResourceTiming | undefined;
		if (!e) return;
		marks.previewEnd = e.responseEnd;
		info.previewBytes = e.encodedBodySize;
	};

	const NativeWebSocket = window.WebSocket;
	class ProbedWebSocket extends NativeWebSocket {
		constructor(url: string | URL, protocols?: string | string[]) {
			super(url, protocols);
			if (String(url).includes('/sync/')) {
				mark('wsCreate');
				this.addEventListener('open', () => mark('wsOpen'));
				this.addEventListener('message', (e: MessageEvent) => {
					const size =
						e.data instanceof ArrayBuffer
							? e.data.byteLength
							: e.data instanceof Blob
								? e.data.size
								: 0;
					info.wsBytes = (info.wsBytes ?? 0) + size;
					if (size > 256 * 1024) {
						mark('wsBig');
						info.wsBigBytes = size;
					}
				});
			}
		}
	}
	window.WebSocket = ProbedWebSocket;

	let scrollTarget: number | null = null;
	let finished = false;
	const tick = () => {
		if (finished) return;
		if (document.querySelector('.ag-root')) mark('grid');
		const status = document.querySelector('[data-testid=sync-status]');
		if (status?.getAttribute('data-state') === 'online') mark('online');
		const count = document.querySelector('[data-testid=row-count]');
		// ag-grid 36: `.ag-grid-viewport` scrolls, rows sit in `.ag-grid-scrolling-container`.
		const row = document.querySelector<HTMLElement>('.ag-grid-viewport .ag-row[row-index]');
		if (row && count?.getAttribute('data-count') === String(opts.n)) mark('rows');
		const firstLook = document.querySelector(
			'[data-testid=cache-status], [data-testid=preview-status], [data-testid=first-sync-status]'
		);
		if (marks.rows !== undefined && marks.online !== undefined && !firstLook) mark('live');
		if (marks.rows !== undefined) {
			if (!opts.scroll) {
				finished = !opts.live || marks.live !== undefined;
			} else if (scrollTarget === null) {
				const viewport = document.querySelector<HTMLElement>('.ag-grid-viewport');
				const rowHeight = row?.getBoundingClientRect().height ?? 0;
				if (viewport && rowHeight > 0) {
					viewport.scrollTop = Math.floor(opts.n / 2) * rowHeight;
					scrollTarget = Math.floor(viewport.scrollTop / rowHeight);
					info.scrollTarget = scrollTarget;
					mark('scroll');
				}
			} else if (
				scrollTarget === 0 ||
				document.querySelector(`.ag-grid-viewport .ag-row[row-index="${scrollTarget}"]`)
			) {
				mark('scrolled');
				finished = true;
			}
		}
		if (finished) {
			resourceMarks();
			finish({ marks, info });
		} else requestAnimationFrame(tick);
	};
	requestAnimationFrame(tick);
}

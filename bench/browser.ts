/**
 * Browser-side measures (issue 3, items 1 and 2), in headless Debian Chromium driven
 * by Playwright, against the production build served by our own server:
 *
 *  - open-local: a logged-in browser context whose IndexedDB already holds the
 *    registry (primed by one full load) opens /members in a new tab; timed from the
 *    navigation to the frame that shows the rows in the middle of the grid after
 *    scrolling there (rows visible AND scrollable). Then the tab's JS heap after a
 *    forced GC (open-local-heap).
 *  - first-sync: a fresh context (empty IndexedDB) with a session cookie from a
 *    login through the API opens /members; timed from the navigation to the frame
 *    where the grid shows and the row count says N.
 *
 * Times are taken in the page (bench/browser-probe.ts). Where a size is profiled,
 * one more open runs under the CDP profiler; the profiles are summarised at the end
 * (after the twin source-map build, so that build never competes with a measure)
 * and written to dist/bench-profiles/.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import {
	BENCH_ADMIN,
	BENCH_ROOM,
	ROOT,
	snapshotBuild,
	startSeededServer,
	type SeededServer
} from './browser-server';
import { probe, type ProbeOptions, type ProbeResult } from './browser-probe';
import {
	namedProfile,
	profileNote,
	profileReport,
	s as secs,
	summariseProfile,
	type CpuProfile,
	type LandmarkId,
	type ProfileSummary
} from './cpuprofile';
import { stats, type Measure } from './report';
import { BuildSourceMaps } from './sourcemap';

/**
 * Chromium as the tests launch it. For trying things out, `BENCH_CHROMIUM_ARGS` adds
 * flags (space-separated), e.g. `--disable-features=BackgroundResourceFetch`, with
 * which module scripts use V8's code cache (docs/BENCHMARKS.md); `BENCH_NO_SW=1`
 * blocks the service worker.
 */
const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-quic',
	'--no-first-run',
	...(process.env.BENCH_CHROMIUM_ARGS ?? '').split(' ').filter(Boolean)
];

const TARGETS: Record<string, Record<number, number>> = {
	'open-local': { 10_000: 1000, 100_000: 3000 },
	'open-local-heap': { 10_000: 120, 100_000: 600 },
	'first-sync': { 10_000: 2000, 100_000: 8000 }
};

const LABELS: Record<string, string> = {
	'open-local': 'Open from the local copy',
	'open-local-heap': 'Tab JS heap after open',
	'first-sync': 'First sync of a new device',
	'first-sync-live': 'First sync of a new device: until editable'
};

export const PROFILE_DIR = path.join(ROOT, 'dist', 'bench-profiles');

interface Opts {
	sizes: number[];
	quick: boolean;
	log: (s: string) => void;
}

interface Opened {
	page: Page;
	result: ProbeResult;
	/** Measured in this process, round trips included: a cross-check only. */
	wallMs: number;
}

interface PendingProfile {
	kind: 'open' | 'sync';
	measure: Measure;
	file: string;
	title: string;
	profile: CpuProfile;
}

/** The y-indexeddb database of a room (src/lib/sync/local-copies.ts, which needs a browser). */
const localCopyName = (userId: number, room: string) => `gh:${userId}:${room}`;

const mib = (bytes: number) => bytes / 2 ** 20;
const ms = (x: number) => `${Math.round(x)} ms`;
const median = (xs: number[]) => stats(xs).median;

function samplesFor(kind: 'open' | 'sync', size: number, quick: boolean): number {
	// For trying a change: `BENCH_OPENS=<n>` opens from the local copy n times, and
	// `BENCH_OPEN_ONLY=1` leaves out the first syncs, and the profiled open unless
	// `BENCH_TRACE` asks for its trace.
	const opens = Number(process.env.BENCH_OPENS);
	if (kind === 'open' && opens > 0) return opens;
	if (kind === 'sync' && process.env.BENCH_OPEN_ONLY) return 0;
	if (quick) return kind === 'open' && size <= 10_000 ? 2 : 1;
	if (size <= 10_000) return 5;
	if (size <= 50_000) return 3;
	return kind === 'open' ? 3 : 2;
}

/** Generous (130 s at 100k; priming gets 1.5×): a size that cannot open in this long is reported as not opening at all. */
const openTimeoutMs = (size: number) => 30_000 + size;

function measure(id: string, size: number, unit: Measure['unit']): Measure {
	const t = TARGETS[id]?.[size];
	return {
		id,
		label: LABELS[id],
		size,
		server: 'ours',
		unit,
		samples: [],
		...(t !== undefined
			? { target: { value: t, kind: 'max' as const, on: 'median' as const } }
			: {})
	};
}

async function newContext(
	browser: Browser,
	server: SeededServer,
	probeOptions: ProbeOptions
): Promise<{ context: BrowserContext; userId: number }> {
	const context = await browser.newContext({
		baseURL: server.url,
		...(process.env.BENCH_NO_SW ? { serviceWorkers: 'block' as const } : {})
	});
	await context.addInitScript(probe, probeOptions);
	// Log in through the API (the cookie lands in the context): login is not timed.
	const r = await context.request.post('/api/session', {
		data: BENCH_ADMIN,
		headers: { origin: server.url }
	});
	if (r.status() !== 200) {
		await context.close();
		throw new Error(`login failed: ${r.status()} ${await r.text()}`);
	}
	const { user } = (await r.json()) as { user: { id: number } };
	return { context, userId: user.id };
}

async function withTimeout<T>(p: Promise<T>, timeoutMs: number, what: string): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	try {
		return await Promise.race([
			p,
			new Promise<never>((_, reject) => {
				timer = setTimeout(
					() => reject(new Error(`${what}: no result within ${timeoutMs / 1000} s`)),
					timeoutMs
				);
			})
		]);
	} finally {
		clearTimeout(timer);
	}
}

/** Navigate `page` to /members and wait for the probe's result. */
async function openMembers(page: Page, timeoutMs: number): Promise<Opened> {
	const crashed = new Promise<never>((_, reject) =>
		page.once('crash', () => reject(new Error('the tab crashed (out of memory?)')))
	);
	crashed.catch(() => {});
	const t0 = performance.now();
	try {
		const result = await withTimeout(
			Promise.race([
				(async () => {
					await page.goto('/members', { waitUntil: 'commit', timeout: timeoutMs });
					return page.evaluate(() => {
						const b = (window as unknown as { __ghBench?: { done: Promise<ProbeResult> } })
							.__ghBench;
						return b ? b.done : Promise.reject(new Error(`no probe at ${location.href}`));
					});
				})(),
				crashed
			]),
			timeoutMs,
			'opening /members'
		);
		return { page, result, wallMs: performance.now() - t0 };
	} catch (e) {
		// Say how far it got, if the tab still answers.
		const seen = await withTimeout(
			page.evaluate(() => {
				const b = (window as unknown as { __ghBench?: ProbeResult }).__ghBench;
				const count = document.querySelector('[data-testid=row-count]')?.getAttribute('data-count');
				const chain: string[] = [];
				for (
					let el = document.querySelector('.ag-row');
					el && chain.length < 4;
					el = el.parentElement
				)
					chain.push(el.className);
				return JSON.stringify({
					url: location.pathname,
					count,
					rowIn: chain,
					marks: b?.marks,
					info: b?.info,
					// Where the grid stands: a scroll undone by a rebuild shows as top 0.
					grid: (() => {
						const v = document.querySelector<HTMLElement>('.ag-grid-viewport');
						const shown = [
							...document.querySelectorAll('.ag-grid-viewport .ag-row[row-index]')
						].map((r) => Number(r.getAttribute('row-index')));
						return {
							scrollTop: v?.scrollTop,
							scrollHeight: v?.scrollHeight,
							rows: shown.length ? [Math.min(...shown), Math.max(...shown)] : []
						};
					})()
				});
			}),
			5000,
			'asking the tab'
		).catch(() => 'the tab does not answer');
		throw new Error(`${(e as Error).message} (${seen.slice(0, 1500)})`, { cause: e });
	}
}

async function closeQuietly(x: { close(): Promise<unknown> }): Promise<void> {
	await withTimeout(x.close(), 30_000, 'closing').catch(() => {});
}

/** JS heap of the tab after a forced GC, once it is in step with the server. */
async function heapAfterOpen(
	page: Page
): Promise<{ usedMiB: number; totalMiB: number; online: boolean }> {
	const online = await page
		.waitForSelector('[data-testid=sync-status][data-state=online]', { timeout: 60_000 })
		.then(
			() => true,
			() => false
		);
	await page.waitForTimeout(500);
	const cdp = await page.context().newCDPSession(page);
	try {
		await cdp.send('HeapProfiler.enable');
		await cdp.send('HeapProfiler.collectGarbage');
		await cdp.send('HeapProfiler.collectGarbage');
		await cdp.send('Performance.enable');
		const { metrics } = await cdp.send('Performance.getMetrics');
		const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
		return { usedMiB: mib(get('JSHeapUsedSize')), totalMiB: mib(get('JSHeapTotalSize')), online };
	} finally {
		await cdp.detach().catch(() => {});
	}
}

/**
 * Rows in the room's row cache for first paint (dexie `guildhall`, src/lib/sync/
 * row-cache.ts [C14]): the count of the cache's meta record, 0 without one.
 */
async function rowCacheCount(page: Page, key: string): Promise<number> {
	return page.evaluate(
		(k) =>
			new Promise<number>((resolve, reject) => {
				const req = indexedDB.open('guildhall');
				req.onerror = () => reject(req.error);
				req.onsuccess = () => {
					const db = req.result;
					if (!db.objectStoreNames.contains('rowCaches')) {
						db.close();
						resolve(0);
						return;
					}
					const get = db.transaction('rowCaches', 'readonly').objectStore('rowCaches').get(k);
					get.onerror = () => reject(get.error);
					get.onsuccess = () => {
						db.close();
						resolve((get.result as { count?: number } | undefined)?.count ?? 0);
					};
				};
			}),
		key
	);
}

/** Bytes in the room's local copy (a readonly read waits for pending writes). */
async function localCopyBytes(
	page: Page,
	dbName: string
): Promise<{ records: number; bytes: number }> {
	return page.evaluate(
		(name) =>
			new Promise<{ records: number; bytes: number }>((resolve, reject) => {
				const req = indexedDB.open(name);
				req.onerror = () => reject(req.error);
				req.onsuccess = () => {
					const db = req.result;
					if (!db.objectStoreNames.contains('updates')) {
						db.close();
						resolve({ records: 0, bytes: 0 });
						return;
					}
					const all = db.transaction('updates', 'readonly').objectStore('updates').getAll();
					all.onerror = () => reject(all.error);
					all.onsuccess = () => {
						const rows = all.result as Uint8Array[];
						db.close();
						resolve({ records: rows.length, bytes: rows.reduce((s, r) => s + r.byteLength, 0) });
					};
				};
			}),
		dbName
	);
}

/**
 * Run one open with the CDP profiler on (not a sample: profiling slows it down).
 * `BENCH_TRACE=<dir>` also records a Chromium trace of it (every thread: the network,
 * script compilation, IndexedDB, the service worker) as `<dir>/<name>.trace.json`, for
 * Perfetto or DevTools' performance panel.
 */
async function profiledOpen(
	context: BrowserContext,
	timeoutMs: number,
	name: string
): Promise<{ profile: CpuProfile; opened: Opened }> {
	const page = await context.newPage();
	try {
		// Same origin first, so the navigation to /members stays in this renderer
		// (and in the profiled V8 isolate).
		await page.goto('/healthz');
		const cdp = await context.newCDPSession(page);
		await cdp.send('Profiler.enable');
		await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
		await cdp.send('Profiler.start');
		const trace = process.env.BENCH_TRACE;
		const browser = context.browser();
		if (trace && browser)
			await browser.startTracing(page, {
				path: path.join(trace, `${name}.trace.json`),
				categories: [
					'devtools.timeline',
					'v8',
					'blink',
					'loading',
					'IndexedDB',
					'disabled-by-default-devtools.timeline'
				]
			});
		const opened = await openMembers(page, timeoutMs);
		if (trace && browser) await browser.stopTracing();
		const { profile } = await cdp.send('Profiler.stop');
		await cdp.detach().catch(() => {});
		return { profile: profile as CpuProfile, opened };
	} finally {
		await closeQuietly(page);
	}
}

function phase(results: ProbeResult[], from: string, to: string): number {
	const xs = results
		.filter((r) => r.marks[from] !== undefined && r.marks[to] !== undefined)
		.map((r) => r.marks[to] - r.marks[from]);
	return xs.length ? median(xs) : NaN;
}

function openPhases(results: ProbeResult[]): string {
	if (results.length === 0) return '';
	const info = results[0].info;
	const read = phase(results, 'start', 'idbReadDone');
	return (
		`median phases: app start until the local copy is opened ${ms(phase(results, 'start', 'idbOpen'))}, ` +
		`until the grid is in the page ${ms(phase(results, 'start', 'grid'))} (with the rows of the row cache for first paint [C14]; ` +
		`the Y.Doc is applied in slices after they paint [C16]), ` +
		`until the rows show ${ms(phase(results, 'grid', 'rows'))} more, ` +
		`scroll to the middle until those rows show ${ms(phase(results, 'rows', 'scrolled'))}` +
		(Number.isNaN(read)
			? '; the local copy was still being read when the scrolled rows showed'
			: `; the local copy (${info.idbRecords ?? '?'} records, ${mib(info.idbBytes ?? NaN).toFixed(1)} MiB) was read by ${ms(read)}`)
	);
}

function syncPhases(results: ProbeResult[]): string {
	const withPreview = results.filter((r) => r.marks.previewEnd !== undefined);
	if (withPreview.length === 0) {
		if (results.length === 0) return '';
		return `no rows came from the server (${results.length} opens); ${livePhases(results)}`;
	}
	const info = withPreview[0].info;
	return (
		`median phases: app start until it asks the server for its rows ${ms(phase(withPreview, 'start', 'previewAsk'))}, ` +
		`until the last byte of them (${mib(info.previewBytes ?? NaN).toFixed(1)} MiB of JSON) ${ms(phase(withPreview, 'previewAsk', 'previewEnd'))}, ` +
		`parsing them, row checks and the grid until all rows show ${ms(phase(withPreview, 'previewEnd', 'rows'))}`
	);
}

function livePhases(results: ProbeResult[]): string {
	if (results.length === 0) return '';
	const info = results[0].info;
	return (
		`median phases: app start until it connects ${ms(phase(results, 'start', 'wsCreate'))} (the first of its sockets), ` +
		`socket open ${ms(phase(results, 'wsCreate', 'wsOpen'))}, ` +
		`until the server's state arrives (the first part, ${mib(info.wsBigBytes ?? NaN).toFixed(1)} MiB; the server answers an empty state vector from the stored snapshot parts, no encoding [R4]) ${ms(phase(results, 'wsOpen', 'wsBig'))}, ` +
		`applying it, row objects from the doc and the grid's update until editable ${ms(phase(results, 'wsBig', 'live'))}`
	);
}

/** What the profile says about where the time goes, in words. */
function finding(kind: 'open' | 'sync', p: ProfileSummary): string {
	const l = (id: LandmarkId) => p.landmarks.find((x) => x.id === id)?.ms ?? 0;
	const rest = `row objects (toRow) ${secs(l('rows'))}, ag-grid ${secs(l('createGrid') + l('gridTx'))}, Svelte ${secs(l('svelte'))}, garbage collection ${secs(l('gc'))}`;
	if (kind === 'open') {
		const waste = l('updateEvent') + l('bcConnect');
		return (
			`Finding: whole-doc encodes for no reader take ${secs(waste)} of the main thread: ` +
			`the Yjs 'update' event (${secs(l('updateEvent'))}; any 'update' listener makes Yjs encode a transaction, so y-indexeddb's is off during its own load [C13]) ` +
			`and the BroadcastChannel connect (${secs(l('bcConnect'))}; y-websocket broadcast the whole doc to other tabs, ours only its state vector [C12]); before those two rules they were ~45% of the open. ` +
			`Y.applyUpdate itself (string decoding, item integration) takes ${secs(l('apply'))}; then ${rest}.`
		);
	}
	return (
		`Finding: applying the server's state takes ${secs(l('apply'))} with its observers, of which the Yjs 'update' event ${secs(l('updateEvent'))} (big server updates are stored in the local copy as received, without it [C13]; it re-encoded the whole state before); ` +
		`${rest}.`
	);
}

/**
 * CPU cores used by other processes (Chromium's included) over about `ms`: the
 * machine's busy time minus this process's. NaN off Linux.
 */
async function otherLoad(ms = 1000): Promise<number> {
	const busy = () => {
		const f = readFileSync('/proc/stat', 'utf8')
			.split('\n')[0]
			.trim()
			.split(/\s+/)
			.slice(1)
			.map(Number);
		// user nice system idle iowait irq softirq steal …, in USER_HZ (100 per second)
		return f.slice(0, 8).reduce((a, b) => a + b, 0) - f[3] - f[4];
	};
	try {
		const b0 = busy();
		const c0 = process.cpuUsage();
		const t0 = performance.now();
		await new Promise((r) => setTimeout(r, ms));
		const seconds = (performance.now() - t0) / 1000;
		const c = process.cpuUsage(c0);
		const machine = (busy() - b0) / 100 / seconds;
		return Math.max(0, machine - (c.user + c.system) / 1e6 / seconds);
	} catch {
		return NaN;
	}
}

const sentence = (s: string) => (s ? `${s[0].toUpperCase()}${s.slice(1)}.` : '');

const busyNote = (load: number) =>
	load > 0.3
		? `Noisy: other processes (the browser's included) used ${load.toFixed(2)} cores when these samples started.`
		: '';

/** Wait (up to a minute) for other processes to leave the CPU; returns the load left. */
async function quiet(log: (s: string) => void, what: string): Promise<number> {
	let load = await otherLoad();
	for (let i = 0; i < 12 && load > 0.3; i++) {
		if (i === 0)
			log(`${what}: other processes use ${load.toFixed(2)} cores; waiting for a quiet machine`);
		await new Promise((r) => setTimeout(r, 4000));
		load = await otherLoad();
	}
	if (load > 0.3) log(`${what}: measuring anyway with ${load.toFixed(2)} cores used by others`);
	return load;
}

/** The marks of one open in the order they came, for the log: `idbOpen 702, grid 1180, …`. */
const markList = (marks: Record<string, number>): string =>
	Object.entries(marks)
		.sort((a, b) => a[1] - b[1])
		.map(([k, v]) => `${k} ${Math.round(v)}`)
		.join(', ');

const withStart = (r: ProbeResult): ProbeResult => ({ ...r, marks: { start: 0, ...r.marks } });

async function benchSize(
	browser: Browser,
	size: number,
	opts: Opts & { profile: boolean; buildDir: string },
	profiles: PendingProfile[]
): Promise<Measure[]> {
	const { log, quick } = opts;
	const open = measure('open-local', size, 'ms');
	const heap = measure('open-local-heap', size, 'MB');
	const sync = measure('first-sync', size, 'ms');
	const live = measure('first-sync-live', size, 'ms');
	const timeoutMs = openTimeoutMs(size);
	log(`browser ${size}: seeding the store and starting the server`);
	const server = await startSeededServer({ size, buildDir: opts.buildDir });
	try {
		// ---- 1. open from the local copy ----------------------------------------------
		const openResults: ProbeResult[] = [];
		let primeNote = '';
		let openLoad = NaN;
		let failed: string | null = null;
		const { context, userId } = await newContext(browser, server, { n: size, scroll: true });
		try {
			// Prime: one full load from the server (the room is cold: it loads from the store).
			const primePage = await context.newPage();
			try {
				const primed = await openMembers(primePage, timeoutMs * 1.5);
				const dbName = localCopyName(userId, BENCH_ROOM);
				let copy = { records: 0, bytes: 0 };
				for (let i = 0; i < 120; i++) {
					copy = await localCopyBytes(primePage, dbName);
					if (copy.bytes >= server.snapshotBytes * 0.9) break;
					await primePage.waitForTimeout(500);
				}
				primeNote = `The priming load (new device, room cold on the server) took ${ms(primed.result.marks.rows)}; the local copy then held ${copy.records} record(s), ${mib(copy.bytes).toFixed(1)} MiB (server snapshot ${mib(server.snapshotBytes).toFixed(1)} MiB).`;
				log(
					`browser ${size}: primed in ${ms(primed.result.marks.rows)}, local copy ${mib(copy.bytes).toFixed(1)} MiB`
				);
				if (copy.bytes < server.snapshotBytes * 0.9)
					throw new Error('the local copy was not written');
				// The rows cached for first paint are part of "the data already in IndexedDB".
				let cachedRows = 0;
				for (let i = 0; i < 120 && cachedRows < size; i++) {
					cachedRows = await rowCacheCount(primePage, `${userId}:${BENCH_ROOM}`);
					if (cachedRows < size) await primePage.waitForTimeout(500);
				}
				primeNote += ` The row cache for first paint then held ${cachedRows} rows.`;
				log(`browser ${size}: row cache ${cachedRows} rows`);
			} finally {
				await closeQuietly(primePage);
			}

			openLoad = await quiet(log, `browser ${size}: open-local`);
			for (let i = 0; i < samplesFor('open', size, quick); i++) {
				const page = await context.newPage();
				try {
					const o = await openMembers(page, timeoutMs);
					const t = o.result.marks.scrolled;
					open.samples.push(t);
					openResults.push(withStart(o.result));
					const h = await heapAfterOpen(page);
					heap.samples.push(h.usedMiB);
					log(
						`browser ${size}: open-local #${i + 1} ${ms(t)} (wall ${ms(o.wallMs)}), heap ${h.usedMiB.toFixed(0)} MiB used / ${h.totalMiB.toFixed(0)} MiB${h.online ? '' : ' (not online)'}; marks ${markList(o.result.marks)}`
					);
				} finally {
					await closeQuietly(page);
				}
			}
			const missed =
				(open.target && median(open.samples) > open.target.value) ||
				(heap.target && median(heap.samples) > heap.target.value);
			if ((opts.profile || missed) && (!process.env.BENCH_OPEN_ONLY || process.env.BENCH_TRACE)) {
				const { profile, opened } = await profiledOpen(context, timeoutMs, `open-local-${size}`);
				log(`browser ${size}: profiled open-local ${ms(opened.result.marks.scrolled)}`);
				profiles.push({
					kind: 'open',
					measure: open,
					file: `open-local-${size}`,
					title: `open-local, ${size} members (profiled run: ${ms(opened.result.marks.scrolled)})`,
					profile
				});
			}
		} catch (e) {
			failed = (e as Error).message;
			log(`browser ${size}: open-local failed: ${failed}`);
		} finally {
			await closeQuietly(context);
		}
		open.note = [
			'Timed in the page from navigation start (a new tab in a logged-in context whose IndexedDB holds the registry) to the frame showing the rows in the middle of the grid after scrolling there, i.e. rows visible and scrollable.',
			sentence(openPhases(openResults)),
			primeNote,
			busyNote(openLoad),
			failed ? `Did not complete: ${failed}.` : ''
		]
			.filter(Boolean)
			.join(' ');
		heap.note = [
			'JSHeapUsedSize (CDP Performance.getMetrics) of the tab after two forced GCs (HeapProfiler.collectGarbage), once the opened tab is in step with the server.',
			failed ? `Did not complete: ${failed}.` : ''
		]
			.filter(Boolean)
			.join(' ');

		// ---- 2. first sync of a new device ------------------------------------------------
		const syncResults: ProbeResult[] = [];
		failed = null;
		const runs = samplesFor('sync', size, quick);
		const syncLoad = await quiet(log, `browser ${size}: first-sync`);
		for (let i = 0; i < runs && !failed; i++) {
			const { context: fresh } = await newContext(browser, server, {
				n: size,
				scroll: false,
				live: true
			});
			try {
				const page = await fresh.newPage();
				const o = await openMembers(page, timeoutMs);
				sync.samples.push(o.result.marks.rows);
				live.samples.push(o.result.marks.live);
				syncResults.push(withStart(o.result));
				log(
					`browser ${size}: first-sync #${i + 1} ${ms(o.result.marks.rows)}, editable ${ms(o.result.marks.live)} (wall ${ms(o.wallMs)})`
				);
			} catch (e) {
				failed = (e as Error).message;
				log(`browser ${size}: first-sync failed: ${failed}`);
			} finally {
				await closeQuietly(fresh);
			}
		}
		const syncMissed = sync.target && median(sync.samples) > sync.target.value;
		if (!failed && (opts.profile || syncMissed) && runs > 0) {
			const { context: fresh } = await newContext(browser, server, {
				n: size,
				scroll: false,
				live: true
			});
			try {
				const { profile, opened } = await profiledOpen(fresh, timeoutMs, `first-sync-${size}`);
				log(`browser ${size}: profiled first-sync ${ms(opened.result.marks.rows)}`);
				profiles.push({
					kind: 'sync',
					measure: sync,
					file: `first-sync-${size}`,
					title: `first-sync, ${size} members (profiled run: ${ms(opened.result.marks.rows)})`,
					profile
				});
			} catch (e) {
				log(`browser ${size}: profiling first-sync failed: ${(e as Error).message}`);
			} finally {
				await closeQuietly(fresh);
			}
		}
		sync.note = [
			"Timed in the page from navigation start (a fresh context: empty IndexedDB, session cookie from a login through the API; loopback server with the room loaded) to the frame where the grid shows and the row count says all N. The rows shown first are the server's plain rows, read-only [C20], when the server answers them.",
			sentence(syncPhases(syncResults)),
			busyNote(syncLoad),
			failed ? `Did not complete: ${failed}.` : ''
		]
			.filter(Boolean)
			.join(' ');
		live.note = [
			"Same opens, until the page can be edited: the room's whole state received and applied, in step with the server (sync status online), the rows built from the doc and no first-look status line left.",
			sentence(livePhases(syncResults)),
			failed ? `Did not complete: ${failed}.` : ''
		]
			.filter(Boolean)
			.join(' ');
	} finally {
		await server.close();
	}
	return [open, heap, sync, live];
}

export async function runBrowserBench(
	opts: Opts
): Promise<{ measures: Measure[]; browser: string }> {
	const build = snapshotBuild();
	try {
		const { measures, browser, profiles } = await measureAll(opts, build.dir);
		if (profiles.length > 0) await summariseProfiles(profiles, build.dir, opts.log);
		return { measures, browser };
	} finally {
		build.remove();
	}
}

async function measureAll(
	opts: Opts,
	buildDir: string
): Promise<{ measures: Measure[]; browser: string; profiles: PendingProfile[] }> {
	const { sizes, quick, log } = opts;
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		headless: true,
		args: CHROMIUM_ARGS
	});
	const name = `Chromium ${browser.version()} (headless)`;
	const measures: Measure[] = [];
	const profiles: PendingProfile[] = [];
	const started = performance.now();
	try {
		const largest = Math.max(...sizes);
		for (const size of sizes) {
			// `BENCH_TRACE` asks for the profiled open (and its trace) at every size.
			const profile =
				(quick ? size === largest : size >= 50_000) || Boolean(process.env.BENCH_TRACE);
			try {
				measures.push(
					...(await benchSize(browser, size, { ...opts, profile, buildDir }, profiles))
				);
			} catch (e) {
				log(`browser ${size}: failed: ${(e as Error).stack ?? e}`);
				for (const id of ['open-local', 'open-local-heap', 'first-sync', 'first-sync-live']) {
					const m = measure(id, size, id === 'open-local-heap' ? 'MB' : 'ms');
					m.note = `Did not run: ${(e as Error).message}.`;
					measures.push(m);
				}
			}
		}
	} finally {
		await browser.close();
	}
	log(`browser: measured in ${((performance.now() - started) / 1000).toFixed(0)} s`);
	return { measures, browser: name, profiles };
}

/** Name the profiles' functions (twin build), write them out, and add the findings to the notes. */
async function summariseProfiles(
	profiles: PendingProfile[],
	buildDir: string,
	log: (s: string) => void
): Promise<void> {
	const maps = new BuildSourceMaps(log, buildDir);
	try {
		const mapped = await maps.build();
		mkdirSync(PROFILE_DIR, { recursive: true });
		for (const p of profiles) {
			const summary = summariseProfile(p.profile, mapped ? maps : null);
			const base = path.join(PROFILE_DIR, p.file);
			writeFileSync(
				`${base}.cpuprofile`,
				JSON.stringify(namedProfile(p.profile, mapped ? maps : null))
			);
			writeFileSync(`${base}.txt`, profileReport(p.title, summary));
			p.measure.note = [
				p.measure.note ?? '',
				finding(p.kind, summary),
				`Profile (${p.title.split('(')[1]?.replace(')', '') ?? 'one run'}): ${profileNote(summary, { areas: 5, fns: 5 })}.`,
				`Full report: dist/bench-profiles/${p.file}.txt.`
			]
				.filter(Boolean)
				.join(' ');
			log(
				`browser: profile ${p.file}: ${profileNote(summary, { areas: 5, fns: 4, landmarks: true })}`
			);
		}
	} finally {
		maps.dispose();
	}
}

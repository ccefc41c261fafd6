/**
 * Live reports: the server computes them from the source docs (REPORT_AREAS'
 * sources: `registry` now; `ledger`, `surveys` as their areas land) and writes them
 * into each organisation's `reports` doc as itself (clients never write it: the doc
 * has no guard, SPEC [D1]).
 *
 *  - Source rooms are observed while loaded (Rooms.lifecycle tells when one is
 *    loaded or unloaded; every change goes through a loaded room, so nothing is
 *    missed while one is unloaded and no room is kept in memory for the reports).
 *    Each transaction updates a plain-row cache of the touched rows only (no full
 *    scan per edit) and, for the registry, the history of changes.
 *  - A change schedules a recomputation: `debounceMs` after the last change, but no
 *    later than `maxWaitMs` after the first one of a burst, so a burst of edits causes
 *    one recomputation and the reports follow an edit within about 2 s.
 *  - A recomputation prepares every area once, then computes the standard periods one
 *    at a time, yielding to the event loop between them; only periods whose figures
 *    changed are written. At UTC midnight the set of periods moves on.
 */
import * as Y from 'yjs';
import type { DocName } from '../src/lib/domain/access';
import {
	dayOf,
	isCell,
	previousPeriod,
	REPORTS_META,
	REPORTS_PERIODS,
	REPORTS_SCHEMA_VERSION,
	standardPeriods,
	type Cell,
	type DocTables,
	type HistoryEvent,
	type LiveArea,
	type Period,
	type PeriodReport,
	type ReportArea,
	type ReportInputs,
	type Row,
	type ScoreItem,
	type SourceChanges,
	UNREPORTED_FIELDS
} from '../src/lib/domain/report';
import {
	computePeriod,
	REPORT_AREAS,
	reportSources,
	SCORECARD_SECTION,
	type PreparedAreas
} from '../src/lib/domain/report-areas';
import { buildChangeList, type ChangeList } from '../src/lib/domain/report-changes';
import { readConfig } from '../src/lib/domain/settings';
import { freshMillisecond, observeTable, replayHistory } from './reports-history';
import type { Room, Rooms } from './rooms';
import type { Store } from './store/types';

export interface ReportsTuning {
	/** Quiet time after the last change before recomputing. */
	debounceMs: number;
	/** Longest wait after the first change of a burst. */
	maxWaitMs: number;
	/**
	 * Largest share of the event loop the reports may take, over all organisations:
	 * after a recomputation that blocked the loop d ms in total, the next one (of any
	 * organisation) starts no sooner than d·(1 − share)/share later (at most maxPauseMs).
	 * 1: no pause.
	 */
	maxShare: number;
	/**
	 * Longest such pause: a rare very long recomputation (the first of a big registry,
	 * a new day) must not hold every organisation's reports back for minutes.
	 */
	maxPauseMs: number;
	/**
	 * How long an organisation keeps its `reports` room held after writing to it. A room
	 * whose last holder lets go writes a snapshot: released after every write, a busy
	 * organisation's reports room would be snapshotted at every recomputation.
	 */
	holdReportsMs: number;
}

export const DEFAULT_REPORTS_TUNING: ReportsTuning = {
	debounceMs: 300,
	maxWaitMs: 1200,
	maxShare: 0.2,
	maxPauseMs: 1000,
	holdReportsMs: 30_000
};

export interface ReportsOptions {
	rooms: Rooms;
	store: Store;
	tuning?: Partial<ReportsTuning>;
	areas?: readonly ReportArea[];
	/** The clock (tests move it). */
	now?: () => number;
}

/** Measures of the last recomputation, for logs and tests. */
export interface RecomputeStats {
	at: number;
	/** Wall time from start to written. */
	totalMs: number;
	/** Time the event loop was blocked, in total and in the longest synchronous stretch. */
	blockedMs: number;
	longestBlockMs: number;
	/** From the first change not yet in the reports to the written report (null: none, e.g. midnight). */
	lagMs: number | null;
	/** Waiting for the scheduler (other organisations' turns and the pause between). */
	queuedMs: number;
	periods: number;
	/** Periods whose sections were serialised again, and of those, written (changed). */
	serialised: number;
	written: number;
	/** Areas prepared from every row, and live areas brought up to date from the changes. */
	prepared: number;
	liveUpdates: number;
}

const tick = () => new Promise<void>((r) => setImmediate(r));
/** Runs a function and hands its synchronous run time (ms) to `onBlock`. */
const timer =
	(onBlock: (ms: number) => void) =>
	<T>(fn: () => T): T => {
		const t = performance.now();
		try {
			return fn();
		} finally {
			onBlock(performance.now() - t);
		}
	};

/** How long a recomputation runs before it lets other work (edits) run. */
const SLICE_MS = 4;

/**
 * The synchronous stretches of one recomputation: `next()` lets other work run once the
 * current one has lasted SLICE_MS (a turn of the event loop per step would cost more than
 * the step for a small organisation), and keeps the longest.
 */
class Stretches {
	private start = performance.now();
	longest = 0;

	/**
	 * Whether this stretch has run its time; then `await pause()`. Asked first, so that a
	 * loop step that need not wait makes no promise (56 periods per recomputation).
	 */
	due(): boolean {
		return performance.now() - this.start >= SLICE_MS;
	}

	async pause(): Promise<void> {
		this.longest = Math.max(this.longest, performance.now() - this.start);
		await tick();
		this.start = performance.now();
	}

	/** The stretch ends here (before waiting for something else); `restart` after. */
	end(): void {
		this.longest = Math.max(this.longest, performance.now() - this.start);
	}

	restart(): void {
		this.start = performance.now();
	}
}
/* eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs's own type parameters */
type AnyType = Y.AbstractType<any>;
/** Registry tables whose changes are kept as history (basic information, status). */
const HISTORY_TABLES = ['members', 'contacts'] as const;

const NO_ROWS: ReadonlyMap<string, Row> = new Map();
const NO_VALUES: ReadonlyMap<string, Cell> = new Map();

/** History the reports keep: not the changes of free text no area reads (UNREPORTED_FIELDS). */
const reportedEvent = (e: HistoryEvent) => !UNREPORTED_FIELDS.registry?.[e.table]?.has(e.field);

function readRow(id: string, y: Y.Map<unknown>): Row {
	const row: Record<string, Cell> = { id };
	for (const [k, v] of y.entries()) {
		if (k === 'id' || k === '__proto__') continue;
		if (isCell(v)) row[k] = v;
	}
	return row as Row;
}

/**
 * `prev` with the `keys` a transaction changed read again from `y`: a new object (rows
 * handed out stay as they were), without going over every field of the row as
 * `readRow` does, which on every edit of a busy server was a tenth of its garbage.
 */
function patchRow(prev: Row, y: Y.Map<unknown>, keys: ReadonlySet<string | null>): Row {
	const row: Record<string, Cell> = { ...prev };
	for (const k of keys) {
		if (k === null || k === 'id' || k === '__proto__') continue;
		const v = valueAt(y, k);
		if (isCell(v)) row[k] = v;
		else if (k in row) delete row[k];
	}
	return row as Row;
}

/** Whether every key is one of `ignored` (a change of those fields only). */
function onlyIgnored(keys: ReadonlySet<string | null>, ignored: ReadonlySet<string>): boolean {
	for (const k of keys) if (k === null || !ignored.has(k)) return false;
	return true;
}

/** A map's live value under `key`, read without defining the type (roots may be placeholders). */
function valueAt(type: AnyType, key: string): unknown {
	const item = type._map.get(key);
	if (!item || item.deleted) return undefined;
	const c = item.content.getContent();
	return c[c.length - 1];
}

/**
 * Plain rows of every root map of a doc whose values are row maps, kept in step with the
 * doc's transactions. A transaction only notes which rows it touched (and which of their
 * keys); the rows are read again when the cache is next read. So an edit's path through
 * the server (applied, stored, broadcast) does not copy its row, and several edits of
 * one row between two reads read it once. Roots are read through `_map`, never with
 * `getMap`, so the cache never defines a root type in the doc.
 */
export class TableCache {
	private readonly tables = new Map<string, Map<string, Row>>();
	/** Root maps whose entries are plain values (settings' `config`): key → value. */
	private readonly values = new Map<string, Map<string, Cell>>();
	/** What changed since the last `drain`: everything (a load), or row ids per table. */
	private changedAll = true;
	private changedRows = new Map<string, Set<string>>();
	private changedValues = false;
	/** The doc's root types by name, kept between transactions. */
	private rootNames: { doc: Y.Doc; size: number; names: Map<AnyType, string> } | null = null;
	/**
	 * Not read again yet, per root: key → the row's changed keys, or `null` when the
	 * root's entry itself changed (a row added, replaced or deleted; a plain value).
	 */
	private stale = new Map<string, Map<string, Set<string | null> | null>>();
	private doc: Y.Doc | null = null;

	/** (Re)read every table of `doc`. */
	load(doc: Y.Doc): void {
		this.tables.clear();
		this.values.clear();
		this.stale.clear();
		this.doc = doc;
		for (const [name, type] of doc.share) this.loadRoot(name, type);
		this.changedAll = true;
	}

	/** What changed since the last call. */
	drain(): { all: boolean; rows: Map<string, Set<string>>; values: boolean } {
		this.settle();
		const out = { all: this.changedAll, rows: this.changedRows, values: this.changedValues };
		this.changedAll = this.changedValues = false;
		this.changedRows = new Map();
		return out;
	}

	private touched(table: string, key: string) {
		let s = this.changedRows.get(table);
		if (!s) this.changedRows.set(table, (s = new Set()));
		s.add(key);
	}

	/** A table's rows (empty when it does not exist). */
	table(name: string): ReadonlyMap<string, Row> {
		this.settle();
		return this.tables.get(name) ?? NO_ROWS;
	}

	/** A root's plain values (settings' `config`), key → value. */
	valueMap(name: string): ReadonlyMap<string, Cell> {
		this.settle();
		return this.values.get(name) ?? NO_VALUES;
	}

	private loadRoot(name: string, type: AnyType) {
		const rows = new Map<string, Row>();
		const values = new Map<string, Cell>();
		for (const key of type._map.keys()) this.put(rows, values, key, valueAt(type, key));
		this.tables.set(name, rows);
		this.values.set(name, values);
	}

	private put(rows: Map<string, Row>, values: Map<string, Cell>, key: string, v: unknown) {
		const wasRow = rows.delete(key);
		const wasValue = values.delete(key);
		if (v instanceof Y.Map) rows.set(key, readRow(key, v));
		else if (isCell(v)) values.set(key, v);
		return { row: wasRow || v instanceof Y.Map, value: wasValue || values.has(key) };
	}

	private rootName(doc: Y.Doc, type: AnyType): string | undefined {
		// Roots are only ever added (a stray root the guard drops, [G20], leaves in the
		// transaction that made it): the names are read again when there are more.
		if (this.rootNames?.doc !== doc || this.rootNames.size !== doc.share.size)
			this.rootNames = {
				doc,
				size: doc.share.size,
				names: new Map([...doc.share].map(([n, t]) => [t as AnyType, n]))
			};
		return this.rootNames.names.get(type);
	}

	/** Note that `key` of root `name` changed (`keys` of its row, or null: the entry). */
	private markStale(name: string, key: string, keys: ReadonlySet<string | null> | null) {
		let roots = this.stale.get(name);
		if (!roots) this.stale.set(name, (roots = new Map()));
		const had = roots.get(key);
		if (keys === null || had === null) roots.set(key, null);
		else if (had === undefined) roots.set(key, new Set(keys));
		else for (const k of keys) had.add(k);
	}

	/**
	 * Note the rows a transaction touched, but not as a reported change when only
	 * `ignore`d fields changed. Answers whether it changed anything the reports read.
	 * The rows are read when the cache is next read (`settle`).
	 */
	apply(
		doc: Y.Doc,
		tr: Y.Transaction,
		ignore: Readonly<Record<string, ReadonlySet<string>>> = {}
	): boolean {
		this.doc = doc;
		let reported = false;
		for (const [type, keys] of tr.changed) {
			if (type._item === null) {
				const name = this.rootName(doc, type);
				if (name === undefined) continue;
				for (const key of keys) {
					if (key === null) continue;
					this.markStale(name, key, null);
					reported = true;
				}
			} else if (type instanceof Y.Map) {
				const item = type._item;
				const parent = item.parent as AnyType | null;
				if (!parent || parent._item !== null || typeof item.parentSub !== 'string') continue;
				const name = this.rootName(doc, parent);
				if (name === undefined) continue;
				this.markStale(name, item.parentSub, item.deleted ? null : keys);
				// Only free text no area reads: the row is read again (a new device's first
				// look shows it, [R7]) but nothing the reports read has changed.
				const ignored = ignore[name];
				if (!item.deleted && ignored && onlyIgnored(keys, ignored)) continue;
				this.touched(name, item.parentSub);
				reported = true;
			}
		}
		return reported;
	}

	/** Read again what transactions touched since the last read. */
	settle(): void {
		if (this.stale.size === 0 || !this.doc) return;
		const stale = this.stale;
		this.stale = new Map();
		for (const [name, entries] of stale) {
			const root = this.doc.share.get(name);
			if (!root) continue;
			let rows = this.tables.get(name);
			if (!rows) this.tables.set(name, (rows = new Map()));
			let values = this.values.get(name);
			if (!values) this.values.set(name, (values = new Map()));
			for (const [key, keys] of entries) {
				const v = valueAt(root, key);
				const prev = rows.get(key);
				if (keys !== null && prev && v instanceof Y.Map) {
					// The same row map (a replaced one changes the root's entry: `null`).
					rows.set(key, patchRow(prev, v, keys));
					continue;
				}
				const was = this.put(rows, values, key, v);
				// A change inside a row was named by `apply`; a change of the root's entry is named here.
				if (keys !== null) continue;
				if (was.row) this.touched(name, key);
				if (was.value) this.changedValues = true;
			}
		}
	}

	snapshot(): DocTables {
		this.settle();
		const out: Record<string, Row[]> = {};
		for (const [name, rows] of this.tables) if (rows.size > 0) out[name] = [...rows.values()];
		return out;
	}

	valuesSnapshot(): Record<string, Record<string, Cell>> {
		this.settle();
		const out: Record<string, Record<string, Cell>> = {};
		for (const [name, values] of this.values)
			if (values.size > 0) out[name] = Object.fromEntries(values);
		return out;
	}
}

/** One area's sections of one period as last made, with each section's JSON. */
interface AreaPeriod {
	/** The preparation they were computed from (non-live areas). */
	prep: unknown;
	sections: Record<string, unknown>;
	json: Map<string, string>;
}

/**
 * One recomputation at a time over all organisations, in the order they asked, and
 * at most `maxShare` of the event loop: after one that blocked the loop d ms, the next
 * starts d·(1 − share)/share later (at most maxPauseMs: a rare very long one must not hold
 * every organisation back for minutes). Under a heavy load the reports lag behind (each
 * organisation's next recomputation then covers all its edits since), and edits stay
 * fast; under a light one a recomputation starts as soon as it is asked for.
 */
class ReportsScheduler {
	private readonly queue: OrgReports[] = [];
	private current: OrgReports | null = null;
	private timer: ReturnType<typeof setTimeout> | null = null;
	private notBefore = 0;
	/** Recomputations run, and the event-loop time they blocked in total. */
	runs = 0;
	blockedMs = 0;
	/** Recomputations running now, and the most ever at once (1: they never overlap). */
	active = 0;
	maxConcurrent = 0;
	private stopped = false;

	constructor(private readonly tuning: () => ReportsTuning) {}

	request(o: OrgReports): void {
		if (this.stopped || this.current === o || this.queue.includes(o)) return;
		this.queue.push(o);
		o.queuedAt ??= performance.now();
		this.pump();
	}

	isQueued(o: OrgReports): boolean {
		return this.current === o || this.queue.includes(o);
	}

	get waiting(): number {
		return this.queue.length;
	}

	private pump(): void {
		if (this.stopped || this.current || this.timer || this.queue.length === 0) return;
		const wait = this.notBefore - performance.now();
		if (wait > 0) {
			this.timer = setTimeout(() => {
				this.timer = null;
				this.pump();
			}, wait);
			this.timer.unref?.();
			return;
		}
		const o = this.queue.shift()!;
		this.current = o;
		void o.runTurn().then((blocked) => {
			this.current = null;
			this.runs++;
			this.blockedMs += blocked;
			const { maxShare, maxPauseMs } = this.tuning();
			const share = Math.min(1, Math.max(0.01, maxShare));
			this.notBefore = performance.now() + Math.min(maxPauseMs, (blocked * (1 - share)) / share);
			this.pump();
		});
	}

	remove(o: OrgReports): void {
		const i = this.queue.indexOf(o);
		if (i >= 0) this.queue.splice(i, 1);
	}

	stop(): void {
		this.stopped = true;
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		this.queue.length = 0;
	}
}

/** One organisation's reports: its held source rooms, caches, history and schedule. */
class OrgReports {
	private readonly attached = new Map<DocName, { room: Room; off: () => void }>();
	/** Log rows stored before this moment are read as history; later changes were seen live. */
	private historyBefore: number | null = null;
	private readonly caches = new Map<DocName, TableCache>();
	/** Source docs whose cache holds the doc's whole state (read from a room or the store). */
	private readonly filled = new Set<DocName>();
	private readonly offs: (() => void)[] = [];
	private replayed: HistoryEvent[] = [];
	private live: HistoryEvent[] = [];
	historyReady = false;
	/** Per source doc: bumped on each of its transactions (and the registry's history). */
	private readonly docVersion = new Map<DocName, number>();
	/** Per non-live area: its preparation and the source versions it was made from. */
	private readonly areaCache = new Map<string, { key: string; prep: unknown }>();
	/** Live areas (kept up to date from the changes), by area id. */
	private readonly liveAreas = new Map<string, LiveArea<unknown>>();
	/** What the live areas have not seen yet. */
	private pendingAll = true;
	private historySeen: { list: readonly HistoryEvent[]; length: number } | null = null;
	private liveState: { today: string; historyReady: boolean } | null = null;
	/** Per area, per period key: the sections as last made. */
	private readonly periodCache = new Map<string, Map<string, AreaPeriod>>();
	/** Per period key: the sections JSON last written (or found written). */
	private readonly written = new Map<string, string>();
	private writtenMeta: string | null = null;
	/** Serialises updates of the areas (a recomputation and a custom period's request). */
	private lock: Promise<unknown> = Promise.resolve();

	private timer: ReturnType<typeof setTimeout> | null = null;
	private midnight: ReturnType<typeof setTimeout> | null = null;
	private burstStart: number | null = null;
	private running: Promise<number> | null = null;
	private dirty = false;
	private stopped = false;
	/** When the first change not yet in the written reports happened (performance.now()). */
	private unreportedSince: number | null = null;
	/** When this organisation asked the scheduler for a turn (performance.now()). */
	queuedAt: number | null = null;
	lastStats: RecomputeStats | null = null;
	/** Completed recomputations (tests check that a burst of edits causes one). */
	computations = 0;
	/** Resolvers waiting for the next completed recomputation. */
	private waiters: (() => void)[] = [];
	/** The reports room while held between writes (holdReportsMs). */
	private reportsHold: { room: Promise<Room>; timer: ReturnType<typeof setTimeout> | null } | null =
		null;

	constructor(
		readonly org: string,
		private readonly svc: ReportsService
	) {}

	/**
	 * Observe the source rooms while they are loaded (every change goes through a
	 * loaded room, so the caches stay right while a room is unloaded); fill the
	 * caches from the store; read the registry's history from its log.
	 */
	async start(): Promise<void> {
		const sources = reportSources(this.svc.areas);
		const onLoaded = (room: Room) => {
			if (room.org === this.org && sources.includes(room.docName)) this.attach(room);
		};
		const onUnloading = (room: Room) => {
			if (this.attached.get(room.docName)?.room === room) this.detach(room.docName);
		};
		this.svc.rooms.lifecycle.loaded.add(onLoaded);
		this.svc.rooms.lifecycle.unloading.add(onUnloading);
		this.offs.push(() => {
			this.svc.rooms.lifecycle.loaded.delete(onLoaded);
			this.svc.rooms.lifecycle.unloading.delete(onUnloading);
		});
		for (const room of this.svc.rooms.loaded()) onLoaded(room);
		// Fill the caches from the store, not by loading the rooms (a room is loaded
		// only for people and commands). A room loaded meanwhile replaces this read.
		for (const doc of sources) {
			if (this.stopped || doc === 'registry') continue;
			const { snapshot, updates } = await this.svc.store.loadRoom(`${this.org}/${doc}`);
			if (this.attached.has(doc)) continue;
			const scratch = new Y.Doc();
			for (const part of snapshot?.parts ?? []) Y.applyUpdate(scratch, part);
			for (const u of updates) Y.applyUpdate(scratch, u.update);
			this.fill(doc, scratch);
			scratch.destroy();
		}
		this.scheduleMidnight();
		if (!sources.includes('registry')) {
			this.historyReady = true;
			this.changed();
			return;
		}
		try {
			this.replayed = await replayHistory({
				store: this.svc.store,
				room: `${this.org}/registry`,
				tables: HISTORY_TABLES,
				before: () => this.historyBefore,
				isStopped: () => this.stopped,
				keep: reportedEvent,
				onDoc: (doc, complete) => {
					// The whole log read and the room still not loaded: this is its state.
					if (complete && !this.attached.has('registry')) {
						this.fill('registry', doc);
						this.historyBefore = freshMillisecond();
					}
				}
			});
		} catch (e) {
			console.error(`Guildhall reports: could not read the history of ${this.org}/registry`, e);
		}
		if (this.stopped) return;
		// One list from now on, which only grows (live areas read the new part of it).
		this.live = this.replayed.concat(this.live);
		this.replayed = [];
		this.historyReady = true;
		this.changed();
	}

	/** The doc's cache; asking for it marks the doc changed (it is about to be (re)loaded). */
	private cacheOf(doc: DocName): TableCache {
		this.docVersion.set(doc, (this.docVersion.get(doc) ?? 0) + 1);
		let cache = this.caches.get(doc);
		if (!cache) this.caches.set(doc, (cache = new TableCache()));
		return cache;
	}

	/** Read the whole of `source` into the doc's cache. */
	private fill(doc: DocName, source: Y.Doc): TableCache {
		const c = this.cacheOf(doc);
		c.load(source);
		this.filled.add(doc);
		return c;
	}

	private attach(room: Room): void {
		if (this.stopped || this.attached.get(room.docName)?.room === room) return;
		this.detach(room.docName);
		const c = this.fill(room.docName, room.doc);
		const doc = room.docName;
		const ignore = UNREPORTED_FIELDS[doc];
		const onTr = (tr: Y.Transaction) => {
			// Only free text no area reads (notes...): no figure can move.
			if (!c.apply(room.doc, tr, ignore)) return;
			this.docVersion.set(doc, (this.docVersion.get(doc) ?? 0) + 1);
			this.changed();
		};
		room.doc.on('afterTransaction', onTr);
		const offs = [() => room.doc.off('afterTransaction', onTr)];
		if (room.docName === 'registry') {
			// The log holds everything applied before this moment; later changes are seen live.
			this.historyBefore ??= freshMillisecond();
			for (const table of HISTORY_TABLES)
				offs.push(
					observeTable({
						doc: room.doc,
						table,
						at: () => Date.now(),
						onEvents: (e) => {
							for (const x of e) if (reportedEvent(x)) this.live.push(x);
						}
					})
				);
		}
		this.attached.set(room.docName, { room, off: () => offs.forEach((f) => f()) });
		this.changed();
	}

	private detach(doc: DocName): void {
		// Read what the room's last transactions touched while its doc is still there.
		this.caches.get(doc)?.settle();
		this.attached.get(doc)?.off();
		this.attached.delete(doc);
	}

	get history(): HistoryEvent[] {
		return this.replayed.length === 0 ? this.live : [...this.replayed, ...this.live];
	}

	/** The inputs of a full preparation; each doc's rows are copied out only when read. */
	inputs(today: string): ReportInputs {
		const docs: Partial<Record<DocName, DocTables>> = {};
		const values: NonNullable<ReportInputs['values']> = {};
		for (const [doc, cache] of this.caches) {
			let tables: DocTables | null = null;
			Object.defineProperty(docs, doc, {
				enumerable: true,
				get: () => (tables ??= cache.snapshot())
			});
			values[doc] = cache.valuesSnapshot();
		}
		return { today, docs, values, history: this.history, historyReady: this.historyReady };
	}

	/** Run `fn` after any update of the areas in progress (one at a time). */
	private exclusive<T>(fn: () => Promise<T>): Promise<T> {
		const p = this.lock.then(fn);
		this.lock = p.catch(() => {});
		return p;
	}

	/**
	 * Bring every area up to date, in steps with a turn of the event loop between them:
	 * live areas from the changes since their last update, the others prepared again
	 * when one of their source docs changed. `onBlock` gets each synchronous stretch.
	 */
	private async refresh(
		today: string,
		periods: readonly Period[],
		onBlock: (ms: number) => void,
		slices: Stretches
	): Promise<{ prep: PreparedAreas; prepared: number; liveUpdates: number }> {
		const timed = timer(onBlock);
		let inputs: ReportInputs | null = null;
		const getInputs = () => (inputs ??= timed(() => this.inputs(today)));
		// What changed since the live areas' last update.
		const history = this.history;
		const docs: Partial<Record<DocName, Map<string, Set<string>>>> = {};
		const values = new Set<DocName>();
		let all = this.pendingAll;
		for (const [doc, cache] of this.caches) {
			const d = cache.drain();
			if (d.all) all = true;
			if (d.rows.size) docs[doc] = d.rows;
			if (d.values) values.add(doc);
		}
		const seen = this.historySeen;
		if (!seen || seen.list !== history || history.length < seen.length) all = true;
		const state = this.liveState;
		if (!state || state.today !== today || state.historyReady !== this.historyReady) all = true;
		const changes: SourceChanges = {
			all,
			rows: docs,
			values,
			historyFrom: all ? 0 : seen!.length,
			history,
			historyReady: this.historyReady,
			table: (doc, table) => this.caches.get(doc)?.table(table) ?? NO_ROWS
		};
		this.pendingAll = false;
		this.historySeen = { list: history, length: history.length };
		this.liveState = { today, historyReady: this.historyReady };
		const anyChange =
			all || values.size > 0 || Object.keys(docs).length > 0 || history.length !== seen?.length;
		const prepared: unknown[] = [];
		let nPrepared = 0;
		let liveUpdates = 0;
		for (const area of this.svc.areas) {
			if (area.live) {
				let live = this.liveAreas.get(area.id);
				if (!live) {
					this.liveAreas.set(area.id, (live = area.live()));
					changes.all = true;
				}
				if (anyChange || changes.all) {
					liveUpdates++;
					const steps = live.update(changes, getInputs, periods);
					for (;;) {
						const r = timed(() => steps.next());
						if (r.done) break;
						if (slices.due()) await slices.pause();
					}
				}
				changes.all = all;
				prepared.push(live);
				continue;
			}
			// An area is prepared again only when one of its source docs changed.
			const key = `${today}|${area.sources.map((d) => this.docVersion.get(d) ?? 0).join(',')}|${this.historyReady}`;
			const cached = this.areaCache.get(area.id);
			if (cached && cached.key === key) {
				prepared.push(cached.prep);
				continue;
			}
			nPrepared++;
			const input = getInputs();
			const steps = area.prepareSteps ? area.prepareSteps(input) : null;
			let prep: unknown;
			if (!steps) prep = timed(() => area.prepare(input));
			else {
				for (;;) {
					const r = timed(() => steps.next());
					if (r.done) {
						prep = r.value;
						break;
					}
					if (slices.due()) await slices.pause();
				}
			}
			this.areaCache.set(area.id, { key, prep });
			prepared.push(prep);
			if (slices.due()) await slices.pause();
		}
		return {
			prep: { areas: this.svc.areas, prepared },
			prepared: nPrepared,
			liveUpdates
		};
	}

	/** The areas prepared for the current sources, for a period of any kind. */
	preparedAreas(today: string): Promise<PreparedAreas> {
		return this.exclusive(async () => {
			const slices = new Stretches();
			const { prep } = await this.refresh(today, this.svc.periodsOf(today), () => {}, slices);
			return {
				areas: prep.areas,
				prepared: prep.prepared.map((p, i) =>
					prep.areas[i].live ? (p as LiveArea<unknown>).prepared() : p
				)
			};
		});
	}

	registryRows(table = 'members'): Row[] {
		return [...(this.caches.get('registry')?.table(table).values() ?? [])];
	}

	/** A registry table's rows as they are now, or null until the cache holds the whole doc. */
	registryPreview(table: string): Row[] | null {
		return this.filled.has('registry') ? this.registryRows(table) : null;
	}

	private changed(): void {
		this.unreportedSince ??= performance.now();
		this.request();
	}

	/** Ask for a recomputation: debounced, then a turn from the scheduler. */
	private request(): void {
		if (this.stopped) return;
		const now = Date.now();
		this.burstStart ??= now;
		const { debounceMs, maxWaitMs } = this.svc.tuning;
		const wait = Math.max(0, Math.min(debounceMs, this.burstStart + maxWaitMs - now));
		if (this.timer) clearTimeout(this.timer);
		this.timer = setTimeout(() => {
			this.timer = null;
			this.burstStart = null;
			// Until the history (and with it the registry) has been read, the figures would
			// be wrong: the reports doc keeps the last ones written.
			if (!this.historyReady) return;
			if (this.running) this.dirty = true;
			else this.svc.scheduler.request(this);
		}, wait);
		this.timer.unref?.();
	}

	private scheduleMidnight(): void {
		const now = this.svc.now();
		const next = Date.parse(`${dayOf(now + 86_400_000)}T00:00:00Z`);
		this.midnight = setTimeout(
			() => {
				this.midnight = null;
				if (this.stopped) return;
				this.request();
				this.scheduleMidnight();
			},
			Math.max(1000, next - now + 1000)
		);
		this.midnight.unref?.();
	}

	/** The scheduler's turn: recompute; resolves with the event-loop time it blocked. */
	runTurn(): Promise<number> {
		this.running = (async () => {
			let blocked = 0;
			try {
				if (!this.stopped) blocked = await this.exclusive(() => this.recompute());
			} catch (e) {
				console.error(`Guildhall reports: could not compute the reports of ${this.org}`, e);
			} finally {
				this.running = null;
				const waiters = this.waiters;
				this.waiters = [];
				for (const w of waiters) w();
				if (this.dirty && !this.stopped) {
					this.dirty = false;
					this.request();
				}
			}
			return blocked;
		})();
		return this.running;
	}

	/** Nothing scheduled, queued or running (tests wait for this before counting computations). */
	get idle(): boolean {
		return this.timer === null && this.running === null && !this.svc.scheduler.isQueued(this);
	}

	/** Resolves after the next recomputation has been written. */
	nextComputation(): Promise<void> {
		return new Promise((r) => this.waiters.push(r));
	}

	/** The sections of one period: unchanged sections reuse their JSON; null when nothing changed. */
	private periodJson(
		prep: PreparedAreas,
		period: Period,
		timed: <T>(fn: () => T) => T
	): { json: string; changed: boolean } {
		const made: AreaPeriod[] = [];
		let changed = false;
		for (let i = 0; i < prep.areas.length; i++) {
			const area = prep.areas[i];
			const p = prep.prepared[i];
			let byPeriod = this.periodCache.get(area.id);
			if (!byPeriod) this.periodCache.set(area.id, (byPeriod = new Map()));
			const before = byPeriod.get(period.key);
			let sections: Record<string, unknown>;
			if (area.live) sections = timed(() => (p as LiveArea<unknown>).compute(period));
			else if (before && before.prep === p) sections = before.sections;
			else sections = timed(() => computeArea(area, p, period));
			// Unchanged values (the same objects): nothing to serialise (the usual case).
			if (before && sameSections(before.sections, sections)) {
				made.push(before);
				continue;
			}
			const json = new Map<string, string>();
			for (const [id, value] of Object.entries(sections)) {
				let j = before && before.sections[id] === value ? before.json.get(id) : undefined;
				if (j === undefined) {
					j = timed(() => JSON.stringify(value));
					if (j !== before?.json.get(id)) changed = true;
				}
				json.set(id, j);
			}
			if (!before || before.json.size !== json.size) changed = true;
			const entry = { prep: p, sections, json };
			byPeriod.set(period.key, entry);
			made.push(entry);
		}
		const written = this.written.get(period.key);
		if (!changed && written !== undefined) return { json: written, changed };
		const parts: string[] = [];
		const all: Record<string, unknown> = {};
		for (const m of made)
			for (const [id, j] of m.json) {
				parts.push(`${JSON.stringify(id)}:${j}`);
				all[id] = m.sections[id];
			}
		const items: ScoreItem[] = prep.areas.flatMap((a) => a.scorecard?.(all) ?? []);
		parts.push(`${JSON.stringify(SCORECARD_SECTION)}:${JSON.stringify({ items })}`);
		return { json: `{${parts.join(',')}}`, changed: true };
	}

	/** Recompute and write what changed; returns the event-loop time it blocked. */
	private async recompute(): Promise<number> {
		const s = this.svc.scheduler;
		s.maxConcurrent = Math.max(s.maxConcurrent, ++s.active);
		try {
			return await this.recomputeNow();
		} finally {
			s.active--;
		}
	}

	private async recomputeNow(): Promise<number> {
		const started = performance.now();
		const queuedMs = this.queuedAt === null ? 0 : started - this.queuedAt;
		this.queuedAt = null;
		// Every change before this moment is in the caches, so in this recomputation.
		const since = this.unreportedSince;
		this.unreportedSince = null;
		let longest = 0;
		let blocked = 0;
		const onBlock = (ms: number) => {
			blocked += ms;
			longest = Math.max(longest, ms);
		};
		const timed = timer(onBlock);
		const nowMs = this.svc.now();
		const today = dayOf(nowMs);
		const computedAt = new Date(nowMs).toISOString();
		const periods = this.svc.periodsOf(today);
		const slices = new Stretches();
		const { prep, prepared, liveUpdates } = await this.refresh(today, periods, onBlock, slices);
		const results = new Map<string, { period: Period; json: string }>();
		let serialised = 0;
		for (const period of periods) {
			if (this.stopped) return blocked;
			const r = this.periodJson(prep, period, timed);
			if (r.changed) serialised++;
			if (this.written.get(period.key) !== r.json)
				results.set(period.key, { period, json: r.json });
			if (slices.due()) await slices.pause();
		}
		if (this.stopped) return blocked;
		const keys = new Set(periods.map((p) => p.key));
		const published = this.publishedSettings();
		const meta = `${REPORTS_SCHEMA_VERSION}|${today}|${this.historyReady}|${published.fiscalCalendar}|${published.memberNoFormat}`;
		const stale = [...this.written.keys()].some((k) => !keys.has(k));
		let written = 0;
		if (results.size > 0 || stale || this.writtenMeta !== meta) {
			// Should the write fail, the next recomputation serialises and writes everything.
			const forget = () => {
				this.periodCache.clear();
				this.written.clear();
				this.writtenMeta = null;
			};
			slices.end();
			await this.withReportsRoom((room) =>
				timed(() =>
					room.transactAsServer((doc) => {
						const rows = doc.getMap<Y.Map<unknown>>(REPORTS_PERIODS);
						for (const period of periods) {
							const key = period.key;
							const r = results.get(key);
							let row = rows.get(key);
							// The doc may hold them already (written before a restart).
							if (!r) continue;
							if (!(row instanceof Y.Map)) {
								row = new Y.Map<unknown>();
								rows.set(key, row);
							}
							this.written.set(key, r.json);
							if (row.get('sections') === r.json) continue;
							row.set('kind', period.kind);
							row.set('from', period.from);
							row.set('to', period.to);
							row.set('computedAt', computedAt);
							row.set('sections', r.json);
							written++;
						}
						for (const key of [...rows.keys()]) if (!keys.has(key)) rows.delete(key);
						for (const key of [...this.written.keys()])
							if (!keys.has(key)) this.written.delete(key);
						const m = doc.getMap<unknown>(REPORTS_META);
						const set = (k: string, v: unknown) => {
							if (m.get(k) !== v) m.set(k, v);
						};
						set('schemaVersion', REPORTS_SCHEMA_VERSION);
						set('today', today);
						set('historyReady', this.historyReady);
						set('fiscalCalendar', published.fiscalCalendar);
						set('memberNoFormat', published.memberNoFormat);
						if (written > 0 || m.get('computedAt') === undefined) set('computedAt', computedAt);
						this.writtenMeta = meta;
					})
				)
			).catch((e: unknown) => {
				forget();
				throw e;
			});
		}
		this.computations++;
		const end = performance.now();
		this.lastStats = {
			at: nowMs,
			totalMs: end - started,
			blockedMs: blocked,
			longestBlockMs: Math.max(longest, slices.longest),
			lagMs: since === null ? null : end - since,
			queuedMs,
			periods: periods.length,
			serialised,
			written,
			prepared,
			liveUpdates
		};
		return blocked;
	}

	/**
	 * What of the settings the reports are read with, written into the reports' meta: a
	 * board member cannot read the settings doc, yet reads the dues figures by fiscal
	 * year and the change list's printed member numbers.
	 */
	private publishedSettings(): { fiscalCalendar: string; memberNoFormat: string } {
		const config = readConfig(
			Object.fromEntries(this.caches.get('settings')?.valueMap('config') ?? [])
		);
		return { fiscalCalendar: config.fiscalCalendar, memberNoFormat: config.memberNoFormat };
	}

	/** Run `fn` with the reports room, held until holdReportsMs after the last write. */
	private async withReportsRoom<T>(fn: (room: Room) => T): Promise<T> {
		if (!this.reportsHold) {
			const fresh = { room: this.svc.rooms.acquire(`${this.org}/reports`), timer: null };
			// A room that could not be loaded is not kept: the next write tries again.
			fresh.room.catch(() => {
				if (this.reportsHold === fresh) this.reportsHold = null;
			});
			this.reportsHold = fresh;
		}
		const hold = this.reportsHold;
		if (hold.timer) clearTimeout(hold.timer);
		hold.timer = null;
		try {
			return fn(await hold.room);
		} finally {
			if (this.reportsHold === hold && !this.stopped) {
				hold.timer = setTimeout(() => this.releaseReportsRoom(), this.svc.tuning.holdReportsMs);
				hold.timer.unref?.();
			}
		}
	}

	private releaseReportsRoom(): void {
		const hold = this.reportsHold;
		if (!hold) return;
		this.reportsHold = null;
		if (hold.timer) clearTimeout(hold.timer);
		hold.room.then(
			(room) => this.svc.rooms.release(room),
			() => {}
		);
	}

	async stop(): Promise<void> {
		this.stopped = true;
		if (this.timer) clearTimeout(this.timer);
		if (this.midnight) clearTimeout(this.midnight);
		this.timer = this.midnight = null;
		this.svc.scheduler.remove(this);
		await this.running;
		this.releaseReportsRoom();
		for (const off of this.offs.reverse()) off();
		for (const doc of [...this.attached.keys()]) this.detach(doc);
		for (const w of this.waiters) w();
		this.waiters = [];
	}
}

/** The same sections: the same ids, each the same object. */
function sameSections(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
	if (a === b) return true;
	let n = 0;
	for (const id in b) {
		if (a[id] !== b[id]) return false;
		n++;
	}
	let m = 0;
	for (const _ in a) m++;
	return n === m;
}

/** One area's sections of a period from its preparation (as computePeriodSteps does). */
function computeArea(area: ReportArea, prep: unknown, period: Period): Record<string, unknown> {
	if (!area.sections) return area.compute(prep, period);
	const out: Record<string, unknown> = {};
	for (const [id, f] of Object.entries(area.sections)) out[id] = f(prep, period);
	return out;
}

/** The reports service's figures over all organisations, for logs and tests. */
export interface ReportsServiceStats {
	/** Recomputations run, and the event-loop time they blocked in total. */
	runs: number;
	blockedMs: number;
	/** Organisations waiting for their turn now. */
	waiting: number;
	/** Most recomputations ever running at the same time (1: one at a time). */
	maxConcurrent: number;
}

export class ReportsService {
	readonly rooms: Rooms;
	readonly store: Store;
	readonly tuning: ReportsTuning;
	readonly areas: readonly ReportArea[];
	readonly now: () => number;
	readonly scheduler: ReportsScheduler;
	private readonly orgs = new Map<string, OrgReports>();
	private readonly starting: Promise<void>[] = [];

	constructor(opts: ReportsOptions) {
		this.rooms = opts.rooms;
		this.store = opts.store;
		this.tuning = { ...DEFAULT_REPORTS_TUNING, ...opts.tuning };
		this.areas = opts.areas ?? REPORT_AREAS;
		this.now = opts.now ?? Date.now;
		this.scheduler = new ReportsScheduler(() => this.tuning);
	}

	/** Start computing for `org` (idempotent). Resolves once its history has been read. */
	startOrg(org: string): Promise<void> {
		if (this.orgs.has(org)) return Promise.resolve();
		const o = new OrgReports(org, this);
		this.orgs.set(org, o);
		const p = o.start().catch((e) => {
			console.error(`Guildhall reports: could not start the reports of ${org}`, e);
		});
		this.starting.push(p);
		return p;
	}

	org(org: string): OrgReports | undefined {
		return this.orgs.get(org);
	}

	private periods: { today: string; list: readonly Period[] } | null = null;
	/** The standard periods of `today` (made once a day: both calendars' date arithmetic). */
	periodsOf(today: string): readonly Period[] {
		if (this.periods?.today !== today) this.periods = { today, list: standardPeriods(today) };
		return this.periods.list;
	}

	stats(): ReportsServiceStats {
		const s = this.scheduler;
		return {
			runs: s.runs,
			blockedMs: s.blockedMs,
			waiting: s.waiting,
			maxConcurrent: s.maxConcurrent
		};
	}

	/** A period and the one before it, computed now (for custom periods). */
	async compare(
		org: string,
		period: Period
	): Promise<{ current: PeriodReport; previous: PeriodReport } | null> {
		const o = this.orgs.get(org);
		if (!o || !o.historyReady) return null;
		const nowMs = this.now();
		const prep = await o.preparedAreas(dayOf(nowMs));
		const computedAt = new Date(nowMs).toISOString();
		const prev = previousPeriod(period);
		return {
			current: { period, computedAt, sections: computePeriod(prep, period) },
			previous: { period: prev, computedAt, sections: computePeriod(prep, prev) }
		};
	}

	/**
	 * The registry's `table` as plain rows, kept in step per transaction (one pass, no
	 * Y.Doc built): a new device's first look [R7]. Null until the organisation's
	 * registry has been read (the server starting, or an organisation without reports).
	 */
	registryRows(org: string, table: string): Row[] | null {
		return this.orgs.get(org)?.registryPreview(table) ?? null;
	}

	/** The change list of a period (holds contact details: registry readers only). */
	changeList(org: string, period: Period): ChangeList | null {
		const o = this.orgs.get(org);
		if (!o || !o.historyReady) return null;
		return buildChangeList({
			members: o.registryRows(),
			contacts: o.registryRows('contacts'),
			history: o.history,
			period,
			historyReady: o.historyReady
		});
	}

	async stop(): Promise<void> {
		this.scheduler.stop();
		const stops = [...this.orgs.values()].map((o) => o.stop());
		await Promise.all(this.starting);
		await Promise.all(stops);
		this.orgs.clear();
	}
}

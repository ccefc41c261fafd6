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
	previousPeriod,
	REPORTS_META,
	REPORTS_PERIODS,
	REPORTS_SCHEMA_VERSION,
	standardPeriods,
	type Cell,
	type DocTables,
	type HistoryEvent,
	type Period,
	type PeriodReport,
	type ReportArea,
	type ReportInputs,
	type Row
} from '../src/lib/domain/report';
import {
	computePeriod,
	computePeriodSteps,
	REPORT_AREAS,
	reportSources,
	type PreparedAreas
} from '../src/lib/domain/report-areas';
import { buildChangeList, type ChangeList } from '../src/lib/domain/report-changes';
import { freshMillisecond, observeTable, replayHistory } from './reports-history';
import type { Room, Rooms } from './rooms';
import type { Store } from './store/types';

export interface ReportsTuning {
	/** Quiet time after the last change before recomputing. */
	debounceMs: number;
	/** Longest wait after the first change of a burst. */
	maxWaitMs: number;
}

export const DEFAULT_REPORTS_TUNING: ReportsTuning = { debounceMs: 300, maxWaitMs: 1200 };

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
	/** Longest synchronous stretch (prepare, one period, or the write). */
	longestBlockMs: number;
	periods: number;
	written: number;
}

const tick = () => new Promise<void>((r) => setImmediate(r));
/* eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs's own type parameters */
type AnyType = Y.AbstractType<any>;
/** Registry tables whose changes are kept as history (basic information, status). */
const HISTORY_TABLES = ['members', 'contacts'] as const;

function readRow(id: string, y: Y.Map<unknown>): Row {
	const row: Record<string, Cell> = { id };
	for (const [k, v] of y.entries()) {
		if (k === 'id' || k === '__proto__') continue;
		if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') row[k] = v;
	}
	return row as Row;
}

/** A map's live value under `key`, read without defining the type (roots may be placeholders). */
function valueAt(type: AnyType, key: string): unknown {
	const item = type._map.get(key);
	if (!item || item.deleted) return undefined;
	const c = item.content.getContent();
	return c[c.length - 1];
}

/**
 * Plain rows of every root map of a doc whose values are row maps, kept in step
 * per transaction (only the touched rows are read again). Roots are read through
 * `_map`, never with `getMap`, so the cache never defines a root type in the doc.
 */
export class TableCache {
	readonly tables = new Map<string, Map<string, Row>>();
	/** Root maps whose entries are plain values (settings' `config`): key → value. */
	readonly values = new Map<string, Map<string, Cell>>();

	/** (Re)read every table of `doc`. */
	load(doc: Y.Doc): void {
		this.tables.clear();
		this.values.clear();
		for (const [name, type] of doc.share) this.loadRoot(name, type);
	}

	private loadRoot(name: string, type: AnyType) {
		const rows = new Map<string, Row>();
		const values = new Map<string, Cell>();
		for (const key of type._map.keys()) this.put(rows, values, key, valueAt(type, key));
		this.tables.set(name, rows);
		this.values.set(name, values);
	}

	private put(rows: Map<string, Row>, values: Map<string, Cell>, key: string, v: unknown) {
		rows.delete(key);
		values.delete(key);
		if (v instanceof Y.Map) rows.set(key, readRow(key, v));
		else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
			values.set(key, v);
	}

	/** Re-read the rows a transaction touched. */
	apply(doc: Y.Doc, tr: Y.Transaction): void {
		let names: Map<AnyType, string> | null = null;
		const rootName = (type: AnyType) => {
			names ??= new Map([...doc.share].map(([n, t]) => [t as AnyType, n]));
			return names.get(type);
		};
		for (const [type, keys] of tr.changed) {
			if (type._item === null) {
				const name = rootName(type);
				if (name === undefined) continue;
				let rows = this.tables.get(name);
				if (!rows) this.tables.set(name, (rows = new Map()));
				let values = this.values.get(name);
				if (!values) this.values.set(name, (values = new Map()));
				for (const key of keys) if (key !== null) this.put(rows, values, key, valueAt(type, key));
			} else if (type instanceof Y.Map) {
				const item = type._item;
				const parent = item.parent as AnyType | null;
				if (!parent || parent._item !== null || typeof item.parentSub !== 'string') continue;
				const name = rootName(parent);
				const rows = name === undefined ? undefined : this.tables.get(name);
				if (!rows) continue;
				if (item.deleted) rows.delete(item.parentSub);
				else rows.set(item.parentSub, readRow(item.parentSub, type as Y.Map<unknown>));
			}
		}
	}

	snapshot(): DocTables {
		const out: Record<string, Row[]> = {};
		for (const [name, rows] of this.tables) if (rows.size > 0) out[name] = [...rows.values()];
		return out;
	}

	valuesSnapshot(): Record<string, Record<string, Cell>> {
		const out: Record<string, Record<string, Cell>> = {};
		for (const [name, values] of this.values)
			if (values.size > 0) out[name] = Object.fromEntries(values);
		return out;
	}
}

/** One organisation's reports: its held source rooms, caches, history and schedule. */
class OrgReports {
	private readonly attached = new Map<DocName, { room: Room; off: () => void }>();
	/** Log rows stored before this moment are read as history; later changes were seen live. */
	private historyBefore: number | null = null;
	private readonly caches = new Map<DocName, TableCache>();
	private readonly offs: (() => void)[] = [];
	private replayed: HistoryEvent[] = [];
	private live: HistoryEvent[] = [];
	historyReady = false;
	/** Bumped on every source change; the cached preparation is valid for one version. */
	private version = 0;
	private prepared: { version: number; today: string; prep: PreparedAreas } | null = null;
	/** Per source doc: bumped on each of its transactions (and the registry's history). */
	private readonly docVersion = new Map<DocName, number>();
	/** Per area: its preparation and the source versions it was made from. */
	private readonly areaCache = new Map<string, { key: string; prep: unknown }>();

	private timer: ReturnType<typeof setTimeout> | null = null;
	private midnight: ReturnType<typeof setTimeout> | null = null;
	private burstStart: number | null = null;
	private running: Promise<void> | null = null;
	private dirty = false;
	private stopped = false;
	lastStats: RecomputeStats | null = null;
	/** Completed recomputations (tests check that a burst of edits causes one). */
	computations = 0;
	/** Resolvers waiting for the next completed recomputation. */
	private waiters: (() => void)[] = [];

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
			this.cacheOf(doc).load(scratch);
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
				onDoc: (doc, complete) => {
					// The whole log read and the room still not loaded: this is its state.
					if (complete && !this.attached.has('registry')) {
						this.cacheOf('registry').load(doc);
						this.historyBefore = freshMillisecond();
					}
				}
			});
		} catch (e) {
			console.error(`Guildhall reports: could not read the history of ${this.org}/registry`, e);
		}
		if (this.stopped) return;
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

	private attach(room: Room): void {
		if (this.stopped || this.attached.get(room.docName)?.room === room) return;
		this.detach(room.docName);
		const c = this.cacheOf(room.docName);
		c.load(room.doc);
		const doc = room.docName;
		const onTr = (tr: Y.Transaction) => {
			c.apply(room.doc, tr);
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
							for (const x of e) this.live.push(x);
						}
					})
				);
		}
		this.attached.set(room.docName, { room, off: () => offs.forEach((f) => f()) });
		this.changed();
	}

	private detach(doc: DocName): void {
		this.attached.get(doc)?.off();
		this.attached.delete(doc);
	}

	get history(): HistoryEvent[] {
		return this.live.length === 0 ? this.replayed : [...this.replayed, ...this.live];
	}

	inputs(today: string): ReportInputs {
		const docs: Partial<Record<DocName, DocTables>> = {};
		const values: NonNullable<ReportInputs['values']> = {};
		for (const [doc, cache] of this.caches) {
			docs[doc] = cache.snapshot();
			values[doc] = cache.valuesSnapshot();
		}
		return { today, docs, values, history: this.history, historyReady: this.historyReady };
	}

	/**
	 * The areas prepared for the current version of the sources (cached between
	 * calls), in steps with a turn of the event loop between them. `onBlock` gets the
	 * length of each synchronous stretch.
	 */
	async prepare(today: string, onBlock?: (ms: number) => void): Promise<PreparedAreas> {
		if (this.prepared && this.prepared.version === this.version && this.prepared.today === today)
			return this.prepared.prep;
		const version = this.version;
		const inputs = this.inputs(today);
		const prepared: unknown[] = [];
		for (const area of this.svc.areas) {
			// An area is prepared again only when one of its source docs changed.
			const key = `${today}|${area.sources.map((d) => this.docVersion.get(d) ?? 0).join(',')}|${this.historyReady}`;
			const cached = this.areaCache.get(area.id);
			if (cached && cached.key === key) {
				prepared.push(cached.prep);
				continue;
			}
			const steps = area.prepareSteps ? area.prepareSteps(inputs) : null;
			let prep: unknown;
			if (!steps) {
				const t = performance.now();
				prep = area.prepare(inputs);
				onBlock?.(performance.now() - t);
			} else {
				for (;;) {
					const t = performance.now();
					const r = steps.next();
					onBlock?.(performance.now() - t);
					if (r.done) {
						prep = r.value;
						break;
					}
					await tick();
				}
			}
			this.areaCache.set(area.id, { key, prep });
			prepared.push(prep);
			await tick();
		}
		const prep: PreparedAreas = { areas: this.svc.areas, prepared };
		this.prepared = { version, today, prep };
		return prep;
	}

	registryRows(table = 'members'): Row[] {
		return [...(this.caches.get('registry')?.tables.get(table)?.values() ?? [])];
	}

	private changed(): void {
		this.version++;
		if (this.stopped) return;
		const now = Date.now();
		this.burstStart ??= now;
		const { debounceMs, maxWaitMs } = this.svc.tuning;
		const wait = Math.max(0, Math.min(debounceMs, this.burstStart + maxWaitMs - now));
		if (this.timer) clearTimeout(this.timer);
		this.timer = setTimeout(() => {
			this.timer = null;
			this.burstStart = null;
			void this.run();
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
				this.changed();
				this.scheduleMidnight();
			},
			Math.max(1000, next - now + 1000)
		);
		this.midnight.unref?.();
	}

	private run(): Promise<void> {
		// Until the history (and with it the registry) has been read, the figures would
		// be wrong: the reports doc keeps the last ones written.
		if (!this.historyReady) return Promise.resolve();
		if (this.running) {
			this.dirty = true;
			return this.running;
		}
		this.running = (async () => {
			try {
				await this.recompute();
			} catch (e) {
				console.error(`Guildhall reports: could not compute the reports of ${this.org}`, e);
			} finally {
				this.running = null;
				const waiters = this.waiters;
				this.waiters = [];
				for (const w of waiters) w();
				if (this.dirty && !this.stopped) {
					this.dirty = false;
					this.changed();
				}
			}
		})();
		return this.running;
	}

	/** Nothing scheduled or running (tests wait for this before counting computations). */
	get idle(): boolean {
		return this.timer === null && this.running === null;
	}

	/** Resolves after the next recomputation has been written. */
	nextComputation(): Promise<void> {
		return new Promise((r) => this.waiters.push(r));
	}

	private async recompute(): Promise<void> {
		const started = performance.now();
		let longest = 0;
		const timed = <T>(fn: () => T): T => {
			const t = performance.now();
			try {
				return fn();
			} finally {
				longest = Math.max(longest, performance.now() - t);
			}
		};
		const nowMs = this.svc.now();
		const today = dayOf(nowMs);
		const computedAt = new Date(nowMs).toISOString();
		const prep = await this.prepare(today, (ms) => (longest = Math.max(longest, ms)));
		const periods = standardPeriods(today);
		const results = new Map<string, { period: Period; json: string }>();
		for (const period of periods) {
			if (this.stopped) return;
			const steps = computePeriodSteps(prep, period);
			let sections: Record<string, unknown> | null = null;
			while (sections === null) {
				const r = timed(() => steps.next());
				if (r.done) sections = r.value;
				else await tick();
				if (this.stopped) return;
			}
			const done = sections;
			const json = timed(() => JSON.stringify(done));
			results.set(period.key, { period, json });
			await tick();
		}
		if (this.stopped) return;
		let written = 0;
		await this.svc.rooms.withRoom(`${this.org}/reports`, (room) =>
			timed(() =>
				room.transactAsServer((doc) => {
					const rows = doc.getMap<Y.Map<unknown>>(REPORTS_PERIODS);
					for (const [key, { period, json }] of results) {
						let row = rows.get(key);
						if (!(row instanceof Y.Map)) {
							row = new Y.Map<unknown>();
							rows.set(key, row);
						}
						if (row.get('sections') === json) continue;
						row.set('kind', period.kind);
						row.set('from', period.from);
						row.set('to', period.to);
						row.set('computedAt', computedAt);
						row.set('sections', json);
						written++;
					}
					for (const key of [...rows.keys()]) if (!results.has(key)) rows.delete(key);
					const meta = doc.getMap<unknown>(REPORTS_META);
					const set = (k: string, v: unknown) => {
						if (meta.get(k) !== v) meta.set(k, v);
					};
					set('schemaVersion', REPORTS_SCHEMA_VERSION);
					set('today', today);
					set('historyReady', this.historyReady);
					if (written > 0 || meta.get('computedAt') === undefined) set('computedAt', computedAt);
				})
			)
		);
		this.computations++;
		this.lastStats = {
			at: nowMs,
			totalMs: performance.now() - started,
			longestBlockMs: longest,
			periods: periods.length,
			written
		};
	}

	async stop(): Promise<void> {
		this.stopped = true;
		if (this.timer) clearTimeout(this.timer);
		if (this.midnight) clearTimeout(this.midnight);
		this.timer = this.midnight = null;
		await this.running;
		for (const off of this.offs.reverse()) off();
		for (const doc of [...this.attached.keys()]) this.detach(doc);
		for (const w of this.waiters) w();
		this.waiters = [];
	}
}

export class ReportsService {
	readonly rooms: Rooms;
	readonly store: Store;
	readonly tuning: ReportsTuning;
	readonly areas: readonly ReportArea[];
	readonly now: () => number;
	private readonly orgs = new Map<string, OrgReports>();
	private readonly starting: Promise<void>[] = [];

	constructor(opts: ReportsOptions) {
		this.rooms = opts.rooms;
		this.store = opts.store;
		this.tuning = { ...DEFAULT_REPORTS_TUNING, ...opts.tuning };
		this.areas = opts.areas ?? REPORT_AREAS;
		this.now = opts.now ?? Date.now;
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

	/** A period and the one before it, computed now (for custom periods). */
	async compare(
		org: string,
		period: Period
	): Promise<{ current: PeriodReport; previous: PeriodReport } | null> {
		const o = this.orgs.get(org);
		if (!o || !o.historyReady) return null;
		const nowMs = this.now();
		const prep = await o.prepare(dayOf(nowMs));
		const computedAt = new Date(nowMs).toISOString();
		const prev = previousPeriod(period);
		return {
			current: { period, computedAt, sections: computePeriod(prep, period) },
			previous: { period: prev, computedAt, sections: computePeriod(prep, prev) }
		};
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
		const stops = [...this.orgs.values()].map((o) => o.stop());
		await Promise.all(this.starting);
		await Promise.all(stops);
		this.orgs.clear();
	}
}

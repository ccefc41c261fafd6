/**
 * Member history from the server's update log (issue 4, member file).
 *
 * Who changed which field from what to what, and when, must come from something no
 * client can forge: the log rows the server appended itself (room, update, user of
 * the connection, time), holding each update as the guard left it. A replica of the
 * registry doc replays the log row by row; the Yjs events of each row give the
 * per-field changes (old and new value), attributed to the row's user. They are
 * stored in the history index (store/history.ts) so that a request reads one member's
 * entries through an index instead of replaying a long log.
 *
 * The index is built lazily: each request catches up with the log (within a time
 * budget, in batches, yielding between them; the answer then says how far it got).
 * The replica stays in memory while in use and is saved (encoded state + seq) every
 * `saveEvery` rows and when it is unloaded, so the next catch-up resumes there; on
 * resume, entries after the saved state are dropped and replayed, so a crash between
 * the two writes can never duplicate or lose an entry.
 *
 * A row created in one update is one `create` entry with its first values (an
 * import of 100k members is 100k entries, not 2M); later changes are `set` entries,
 * a removed row one `delete` entry with its last values. A value that a guard
 * corrected in the same update never shows: the stored update holds only the result.
 */
import * as Y from 'yjs';
import { keepValuesCompact } from './compact-values';
import { MEMBER_FILE_TABLE_NAMES } from '../src/lib/domain/contacts';
import { MEMBERS } from './guard';
import { isCell } from '../src/lib/domain/report';
import type { HistoryEntry, Primitive } from './store/history';
import type { Store, StoredUpdate } from './store/types';

export const HISTORY_TABLES: readonly string[] = [MEMBERS, ...MEMBER_FILE_TABLE_NAMES];

export interface HistoryTuning {
	/** Log rows read per batch. */
	batch: number;
	/** Stop catching up after this long in one request (the answer says how far it got). */
	budgetMs: number;
	/** Save the replica after this many replayed rows. */
	saveEvery: number;
	/** Unload (and save) a replica this long after its last use. */
	idleMs: number;
}

export const DEFAULT_HISTORY_TUNING: HistoryTuning = {
	batch: 500,
	budgetMs: 3000,
	saveEvery: 5000,
	idleMs: 60_000
};

interface Replica {
	doc: Y.Doc;
	seq: number;
	stateSeq: number;
	idle: ReturnType<typeof setTimeout> | null;
}

type Values = Record<string, Primitive>;

/** A row map's values, including items deleted in the running transaction (not yet GC'd). */
function valuesOf(row: Y.Map<unknown>, includeDeleted: boolean): Values {
	const out: Values = {};
	for (const [key, item] of row._map) {
		if (item.deleted && !includeDeleted) continue;
		const c = item.content.getContent();
		const v = c[c.length - 1];
		if (isCell(v)) out[key] = v;
	}
	return out;
}

const memberOf = (table: string, rowId: string, values: Values): string | null =>
	table === MEMBERS ? rowId : typeof values.memberId === 'string' ? values.memberId : null;

/** Replay one log row on the replica; the entries it makes. */
export function replayRow(doc: Y.Doc, row: StoredUpdate): HistoryEntry[] {
	const entries: HistoryEntry[] = [];
	const base = { seq: row.seq, at: row.at, userId: row.userId };
	const push = (
		table: string,
		rowId: string,
		memberIds: (string | null)[],
		e: Pick<HistoryEntry, 'kind' | 'field' | 'from' | 'to'>
	) => {
		for (const memberId of new Set(memberIds)) {
			if (memberId) entries.push({ ...base, table, rowId, memberId, ...e });
		}
	};
	const handlers: [Y.Map<unknown>, (ev: Y.YEvent<Y.AbstractType<unknown>>[]) => void][] = [];
	for (const table of HISTORY_TABLES) {
		const map = doc.getMap<unknown>(table);
		const handler = (events: Y.YEvent<Y.AbstractType<unknown>>[]) => {
			for (const ev of events) {
				if (!(ev instanceof Y.YMapEvent)) continue;
				if (ev.target === map) {
					for (const [rowId, change] of ev.keys) {
						const before =
							change.action !== 'add' && change.oldValue instanceof Y.Map
								? valuesOf(change.oldValue, true)
								: null;
						const now = map.get(rowId);
						const after = now instanceof Y.Map ? valuesOf(now, false) : null;
						if (!before && after) {
							push(table, rowId, [memberOf(table, rowId, after)], {
								kind: 'create',
								field: null,
								from: null,
								to: after
							});
						} else if (before && !after) {
							push(table, rowId, [memberOf(table, rowId, before)], {
								kind: 'delete',
								field: null,
								from: before,
								to: null
							});
						} else if (before && after) {
							// Replaced (e.g. a deleted numbered row restored by the guard): what differs.
							const members = [memberOf(table, rowId, before), memberOf(table, rowId, after)];
							for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
								if (before[field] === after[field]) continue;
								push(table, rowId, members, {
									kind: 'set',
									field,
									from: before[field] ?? null,
									to: after[field] ?? null
								});
							}
						}
					}
				} else if (ev.target instanceof Y.Map && ev.target.parent === map) {
					const rowMap = ev.target as Y.Map<unknown>;
					const item = rowMap._item;
					if (!item || typeof item.parentSub !== 'string') continue;
					const rowId = item.parentSub;
					const now = valuesOf(rowMap, false);
					for (const [field, change] of ev.keys) {
						const from = isCell(change.oldValue) ? change.oldValue : null;
						const v = rowMap.get(field);
						const to = isCell(v) ? v : null;
						if (from === to) continue;
						const members = [memberOf(table, rowId, now)];
						// A child row moved to another member shows in both files.
						if (field === 'memberId' && typeof from === 'string') members.push(from);
						push(table, rowId, members, { kind: 'set', field, from, to });
					}
				}
			}
		};
		map.observeDeep(handler);
		handlers.push([map, handler]);
	}
	try {
		Y.applyUpdate(doc, row.update);
	} catch (e) {
		// The room loader skips such a row too; the history must not stop at it.
		console.error(`Guildhall: history could not replay log row #${row.seq}; skipped.`, e);
	} finally {
		for (const [map, handler] of handlers) map.unobserveDeep(handler);
	}
	return entries;
}

export interface CatchUp {
	/** Entries exist for every log row up to here. */
	indexedSeq: number;
	/** The newest log row when the catch-up ended. */
	lastSeq: number;
	complete: boolean;
}

/** One per server: the replicas of the rooms whose history was asked for. */
export class HistoryIndex {
	private readonly replicas = new Map<string, Replica>();
	/** One catch-up at a time per room. */
	private readonly chains = new Map<string, Promise<unknown>>();
	private readonly tuning: HistoryTuning;

	constructor(
		private readonly store: Store,
		tuning: Partial<HistoryTuning> = {}
	) {
		this.tuning = { ...DEFAULT_HISTORY_TUNING, ...tuning };
	}

	private serial<T>(room: string, fn: () => Promise<T>): Promise<T> {
		const prev = this.chains.get(room) ?? Promise.resolve();
		const next = prev.then(fn, fn);
		const settled = next.catch(() => undefined);
		this.chains.set(room, settled);
		void settled.then(() => {
			if (this.chains.get(room) === settled) this.chains.delete(room);
		});
		return next;
	}

	private async open(room: string): Promise<Replica> {
		const loaded = this.replicas.get(room);
		if (loaded) return loaded;
		const h = this.store.history;
		const progress = await h.progress(room);
		const doc = keepValuesCompact(new Y.Doc({ gc: true }));
		for (const t of HISTORY_TABLES) doc.getMap(t);
		let seq = 0;
		if (progress?.state) {
			Y.applyUpdate(doc, progress.state);
			seq = progress.stateSeq;
		}
		// Entries after the saved state are replayed again: drop them first.
		if (!progress || progress.upToSeq !== seq) await h.truncate(room, seq);
		const replica: Replica = { doc, seq, stateSeq: seq, idle: null };
		this.replicas.set(room, replica);
		return replica;
	}

	private async save(room: string, r: Replica): Promise<void> {
		if (r.seq === r.stateSeq) return;
		await this.store.history.saveState(room, Y.encodeStateAsUpdate(r.doc), r.seq);
		r.stateSeq = r.seq;
	}

	private scheduleUnload(room: string, r: Replica): void {
		if (r.idle) clearTimeout(r.idle);
		r.idle = setTimeout(() => {
			void this.serial(room, async () => {
				if (this.replicas.get(room) !== r) return;
				await this.save(room, r).catch((e) =>
					console.error(`Guildhall: could not save the history replica of ${room}`, e)
				);
				this.replicas.delete(room);
				r.doc.destroy();
			});
		}, this.tuning.idleMs);
		r.idle.unref?.();
	}

	/** Bring the index of `room` up to the log (or as far as the time budget allows). */
	catchUp(room: string): Promise<CatchUp> {
		return this.serial(room, async () => {
			const started = Date.now();
			const r = await this.open(room);
			try {
				const { batch, budgetMs, saveEvery } = this.tuning;
				for (;;) {
					const rows = await this.store.listUpdates(room, { afterSeq: r.seq, limit: batch });
					if (rows.length === 0) break;
					const entries: HistoryEntry[] = [];
					for (const row of rows) entries.push(...replayRow(r.doc, row));
					const last = rows[rows.length - 1].seq;
					await this.store.history.append(room, entries, last);
					r.seq = last;
					if (r.seq - r.stateSeq >= saveEvery) await this.save(room, r);
					if (rows.length < batch || Date.now() - started > budgetMs) break;
					await new Promise((resolve) => setImmediate(resolve));
				}
				const lastSeq = await this.store.history.lastLogSeq(room);
				return { indexedSeq: r.seq, lastSeq, complete: r.seq >= lastSeq };
			} catch (e) {
				// A half-applied batch leaves the replica ahead of the index: start over from
				// the saved state next time.
				this.replicas.delete(room);
				r.doc.destroy();
				throw e;
			} finally {
				if (this.replicas.get(room) === r) this.scheduleUnload(room, r);
			}
		});
	}

	/** The member and every record merged into it (and into those), from the index. */
	async withMerged(room: string, memberId: string): Promise<string[]> {
		const ids = [memberId];
		for (let i = 0; i < ids.length && ids.length < 1000; i++) {
			for (const id of await this.store.history.mergedInto(room, ids[i])) {
				if (!ids.includes(id)) ids.push(id);
			}
		}
		return ids;
	}

	/** Whether the replica (as far as indexed) knows the member. */
	knows(room: string, memberId: string): boolean {
		return this.replicas.get(room)?.doc.getMap(MEMBERS).has(memberId) ?? false;
	}

	/** Save and drop every replica (shutdown). */
	async close(): Promise<void> {
		for (const [room, r] of this.replicas) {
			if (r.idle) clearTimeout(r.idle);
			await this.serial(room, () => this.save(room, r)).catch(() => undefined);
			r.doc.destroy();
		}
		this.replicas.clear();
	}
}

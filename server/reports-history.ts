/**
 * The registry's history of changes (who changed which field of which row, when,
 * from what to what), read from the update log and kept up to date live.
 *
 * Live: an observer on the (held) registry room's doc turns each transaction into
 * HistoryEvents stamped with the time it was applied. History: the log rows stored
 * before the observer was attached are replayed into a scratch doc with the same
 * observer, stamped with each row's stored time; the scratch doc is dropped after.
 * The split point is a millisecond boundary: the observer is attached at the start
 * of a fresh millisecond T, so rows with `at < T` were applied before it (replay)
 * and everything applied later has `at >= T` (seen live). Replay yields to the
 * event loop between log rows.
 */
import * as Y from 'yjs';
import { isCell, type Cell, type HistoryEvent } from '../src/lib/domain/report';
import type { Store } from './store/types';

type RowMap = Y.Map<unknown>;

const cell = (v: unknown): Cell | null => (isCell(v) ? v : null);

/** Observe `table` of `doc` and report each field change. Returns the unsubscribe. */
export function observeTable(opts: {
	doc: Y.Doc;
	table: string;
	at: () => number;
	userId?: () => number | null;
	onEvents: (events: HistoryEvent[]) => void;
}): () => void {
	const root = opts.doc.getMap<RowMap>(opts.table);
	// Yjs reports only types that existed before the transaction: a row created in it
	// shows up as a key of the root map, never with an event of its own.
	const handler = (events: Y.YEvent<Y.AbstractType<unknown>>[]) => {
		const at = opts.at();
		const userId = opts.userId?.() ?? null;
		const out: HistoryEvent[] = [];
		const push = (rowId: string, field: string, old: unknown, value: unknown, created: boolean) => {
			const o = cell(old);
			const v = cell(value);
			if (o === v) return;
			out.push({ table: opts.table, rowId, field, at, old: o, value: v, userId, created });
		};
		for (const e of events) {
			if (e.target === root && e instanceof Y.YMapEvent) {
				for (const [rowId, change] of e.keys) {
					if (change.action === 'delete') continue;
					const row = root.get(rowId);
					if (!(row instanceof Y.Map)) continue;
					// A new row (or one replaced): its fields are all new.
					for (const [field, value] of row.entries()) push(rowId, field, null, value, true);
				}
			} else if (e instanceof Y.YMapEvent) {
				const item = e.target._item;
				if (!item || item.parent !== root || typeof item.parentSub !== 'string') continue;
				const rowId = item.parentSub;
				for (const [field, change] of e.keys) {
					push(
						rowId,
						field,
						change.action === 'add' ? null : change.oldValue,
						change.action === 'delete' ? null : (e.target as RowMap).get(field),
						false
					);
				}
			}
		}
		if (out.length > 0) opts.onEvents(out);
	};
	root.observeDeep(handler);
	return () => root.unobserveDeep(handler);
}

const tick = () => new Promise<void>((r) => setImmediate(r));

/** Start the next millisecond: everything applied from now on is stamped later than the return. */
export function freshMillisecond(): number {
	const t0 = Date.now();
	let t = t0;
	while (t === t0) t = Date.now();
	return t;
}

/**
 * Replay `room`'s log rows stored before `before()` (epoch ms; null: all of them)
 * and return their events for `tables`, in the order they happened. `onDoc` gets the replayed doc
 * before it is dropped (it is the room's current state when every row was read).
 */
export async function replayHistory(opts: {
	store: Store;
	room: string;
	tables: readonly string[];
	before: () => number | null;
	pageSize?: number;
	isStopped?: () => boolean;
	onDoc?: (doc: Y.Doc, complete: boolean) => void;
	/** Which events to keep (all when absent). */
	keep?: (e: HistoryEvent) => boolean;
}): Promise<HistoryEvent[]> {
	const doc = new Y.Doc({ gc: true });
	const events: HistoryEvent[] = [];
	let at = 0;
	let userId: number | null = null;
	let complete = true;
	const offs = opts.tables.map((table) =>
		observeTable({
			doc,
			table,
			at: () => at,
			userId: () => userId,
			onEvents: (e) => {
				for (const x of e) if (!opts.keep || opts.keep(x)) events.push(x);
			}
		})
	);
	const off = () => offs.forEach((f) => f());
	try {
		let afterSeq = 0;
		outer: for (;;) {
			const rows = await opts.store.listUpdates(opts.room, {
				afterSeq,
				limit: opts.pageSize ?? 200
			});
			if (rows.length === 0) break;
			for (const row of rows) {
				if (opts.isStopped?.()) {
					complete = false;
					break outer;
				}
				const before = opts.before();
				if (before !== null && row.at >= before) {
					complete = false;
					break outer;
				}
				afterSeq = row.seq;
				at = row.at;
				userId = row.userId;
				try {
					Y.applyUpdate(doc, row.update);
				} catch (e) {
					console.error(`Guildhall reports: skipped log row #${row.seq} of ${opts.room}`, e);
				}
				await tick();
			}
		}
		opts.onDoc?.(doc, complete);
	} finally {
		off();
		doc.destroy();
	}
	return events;
}

/**
 * The Y-specific half of the guard (the pure half is src/lib/domain/guard.ts).
 *
 * A client's update is applied inside ONE server transaction together with the
 * corrections it needs. Yjs emits a single 'update' for the transaction, encoded
 * after garbage collection, so the merged update that is stored and broadcast holds
 * the client's items already deleted and emptied: no peer, and not the log, ever
 * receives the bad value. The sender gets the same merged update back and converges.
 *
 * What is checked is found through `transaction.changed` (type → changed keys). Yjs
 * records changes only on types that existed before the transaction, so a row
 * created in this transaction is checked field by field as a whole.
 *
 * Rules for the `registry` doc (ids as in docs/SPEC.md):
 *  [G1]-[G5] field rules, decided by correctMemberChanges.
 *  [G6] `members` only holds Y.Map rows under ids matching ROW_ID_PATTERN.
 *  [G7] a row that has a member number is never deleted or replaced: it is restored.
 *  [G8] field values are primitives; nested Y types are removed.
 *  [G9] `meta` is server-owned: client changes are reverted.
 *  [G10] any other root type is cleared.
 * Corrections are decided first (reads only) and applied afterwards, because
 * YEvent.keys reads `transaction.changed`, which the corrections themselves extend.
 */
import * as Y from 'yjs';
import { correctMemberChanges, type FieldChange } from '../src/lib/domain/guard';
import { ROW_ID_PATTERN } from '../src/lib/domain/member';

export const MEMBERS = 'members';
export const META = 'meta';
/** Registry tables only the server writes (issue 4): pipeline moves, verification checks. */
export const SERVER_TABLES: readonly string[] = ['moves', 'checks'];

/** Key under which the guard records its number of corrections in `transaction.meta`. */
export const CORRECTIONS = Symbol('guildhall.corrections');

type Write = () => void;
/* eslint-disable @typescript-eslint/no-explicit-any -- Yjs's own event type parameters */
type AnyType = Y.AbstractType<any>;
type AnyMap = Y.Map<any>;
/* eslint-enable @typescript-eslint/no-explicit-any */
type Keys = readonly (string | null)[];

const lastContent = (item: Y.Item): unknown => {
	const c = item.content.getContent();
	return c[c.length - 1];
};

/** Old values must never be re-inserted as (deleted) Y types. */
const primitive = (v: unknown): unknown => (v instanceof Y.AbstractType ? undefined : v);

/**
 * The row's field values as they were before this transaction: for each key, the
 * newest item not added in this transaction, if it was not already deleted before.
 */
function entriesBefore(row: AnyMap, event: Y.YEvent<AnyType>) {
	const out: [string, unknown][] = [];
	for (const [key, newest] of row._map) {
		let item: Y.Item | null = newest;
		while (item !== null && event.adds(item)) item = item.left;
		if (item === null || (item.deleted && !event.deletes(item))) continue;
		const value = primitive(lastContent(item));
		if (value !== undefined) out.push([key, value]);
	}
	return out;
}

/** Items in a map's list part (parentSub null): never valid in our layout. */
function deleteListItems(type: AnyType, tr: Y.Transaction, writes: Write[]) {
	for (let item = type._start; item !== null; item = item.right) {
		const it = item;
		if (!it.deleted) writes.push(() => it.delete(tr));
	}
}

function correctRow(row: AnyMap, changes: FieldChange[], writes: Write[], newRow = false) {
	for (const c of correctMemberChanges(changes, { newRow })) {
		if (c.op === 'delete') writes.push(() => row.delete(c.key));
		else {
			const value = c.value;
			writes.push(() => row.set(c.key, value));
		}
	}
}

function planNewRow(row: AnyMap, tr: Y.Transaction, writes: Write[]) {
	const changes: FieldChange[] = [];
	for (const [key, item] of row._map) {
		if (item.deleted) continue;
		changes.push({ key, action: 'add', oldValue: undefined, newValue: lastContent(item) });
	}
	correctRow(row, changes, writes, true);
	deleteListItems(row, tr, writes);
}

function planMembers(members: AnyMap, keys: Keys, tr: Y.Transaction, writes: Write[]) {
	const event = new Y.YMapEvent(members, tr, new Set(keys));
	const info = event.keys;
	for (const key of keys) {
		if (key === null) {
			deleteListItems(members, tr, writes);
			continue;
		}
		const item = members._map.get(key);
		const current = item && !item.deleted ? lastContent(item) : undefined;
		if (!ROW_ID_PATTERN.test(key)) {
			if (current !== undefined) writes.push(() => members.delete(key));
			continue;
		}
		const change = info.get(key);
		if (change && change.action !== 'add' && change.oldValue instanceof Y.Map) {
			const old = entriesBefore(change.oldValue, event);
			if (old.some(([k]) => k === 'memberNo')) {
				writes.push(() => members.set(key, new Y.Map<unknown>(old)));
				continue;
			}
		}
		if (current === undefined) continue;
		if (!(current instanceof Y.Map)) {
			writes.push(() => members.delete(key));
			continue;
		}
		if (current._item !== null && event.adds(current._item)) planNewRow(current, tr, writes);
	}
}

function planRow(row: AnyMap, keys: Keys, tr: Y.Transaction, writes: Write[]) {
	const event = new Y.YMapEvent(row, tr, new Set(keys));
	const changes: FieldChange[] = [];
	for (const key of keys) {
		if (key === null) {
			deleteListItems(row, tr, writes);
			continue;
		}
		const c = event.keys.get(key);
		if (!c) continue;
		changes.push({
			key,
			action: c.action,
			oldValue: primitive(c.oldValue),
			newValue: c.action === 'delete' ? undefined : row.get(key)
		});
	}
	correctRow(row, changes, writes);
}

/** Put every changed key of a server-owned map back as it was. */
function planRevert(map: AnyMap, keys: Keys, tr: Y.Transaction, writes: Write[]) {
	const event = new Y.YMapEvent(map, tr, new Set(keys));
	for (const key of keys) {
		if (key === null) {
			deleteListItems(map, tr, writes);
			continue;
		}
		const c = event.keys.get(key);
		if (!c) continue;
		const old = primitive(c.oldValue);
		writes.push(() => (old === undefined ? map.delete(key) : map.set(key, old)));
	}
}

/** A server-owned table: rows added by a client are removed, changed or deleted rows restored. */
function planServerTable(table: AnyMap, keys: Keys, tr: Y.Transaction, writes: Write[]) {
	const event = new Y.YMapEvent(table, tr, new Set(keys));
	for (const key of keys) {
		if (key === null) {
			deleteListItems(table, tr, writes);
			continue;
		}
		const c = event.keys.get(key);
		if (!c) continue;
		if (c.action === 'add') {
			writes.push(() => table.delete(key));
			continue;
		}
		const old = c.oldValue instanceof Y.Map ? entriesBefore(c.oldValue, event) : null;
		writes.push(() => (old ? table.set(key, new Y.Map<unknown>(old)) : table.delete(key)));
	}
}

function planClear(type: AnyType, tr: Y.Transaction, writes: Write[]) {
	for (const item of type._map.values()) {
		if (!item.deleted) writes.push(() => item.delete(tr));
	}
	deleteListItems(type, tr, writes);
}

/**
 * Decide and apply the corrections for everything a client changed in `tr`.
 * Returns how many writes were made.
 */
export function guardRegistry(doc: Y.Doc, tr: Y.Transaction): number {
	const members: AnyType = doc.getMap(MEMBERS);
	const meta: AnyType = doc.getMap(META);
	const serverTables = new Set<AnyType>(SERVER_TABLES.map((t) => doc.getMap(t)));
	const writes: Write[] = [];
	const changed = [...tr.changed].map(([type, keys]) => [type, [...keys]] as const);
	for (const [type, keys] of changed) {
		if (type === members) planMembers(members as AnyMap, keys, tr, writes);
		else if (type === meta) planRevert(meta as AnyMap, keys, tr, writes);
		else if (serverTables.has(type)) planServerTable(type as unknown as AnyMap, keys, tr, writes);
		else if (type instanceof Y.Map && serverTables.has(type.parent as AnyType)) {
			planRevert(type as unknown as AnyMap, keys, tr, writes);
		} else if (type._item === null) planClear(type, tr, writes);
		else if (type instanceof Y.Map && type.parent === members) planRow(type, keys, tr, writes);
		else {
			// A type nested deeper than a row (cannot be created under the guard, but may
			// exist in old data): remove it rather than let it change.
			const item = type._item;
			if (!item.deleted) writes.push(() => item.delete(tr));
		}
	}
	if (writes.length > 0) {
		// Y.applyUpdate marked the transaction remote; if it stays so, Yjs takes the
		// server's own new items as a client-id clash and gives the server doc a new id
		// on every correction, growing every state vector.
		tr.local = true;
	}
	for (const write of writes) write();
	return writes.length;
}

export type Guard = (doc: Y.Doc, tr: Y.Transaction) => number;

/**
 * Apply a client's update and the guard's corrections in one transaction with
 * `origin`. If Yjs throws while integrating (a hostile update), whatever part was
 * integrated is still guarded, and the error is returned for the caller to act on.
 */
export function applyGuardedUpdate(opts: {
	doc: Y.Doc;
	update: Uint8Array;
	origin: unknown;
	guard: Guard;
}): { corrections: number; error: unknown } {
	let corrections = 0;
	let error: unknown = null;
	opts.doc.transact((tr) => {
		try {
			Y.applyUpdate(opts.doc, opts.update);
		} catch (e) {
			error = e;
		}
		corrections = opts.guard(opts.doc, tr);
		tr.meta.set(CORRECTIONS, corrections);
	}, opts.origin);
	return { corrections, error };
}

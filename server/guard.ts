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
 * `makeDocGuard(rules)` builds a doc's guard from its layout: tables (root maps of
 * rows), value maps (root maps of settings) and server-owned maps. Rules (ids as in
 * docs/SPEC.md):
 *  [G1]-[G5] field rules, decided by correctFieldChanges with the table's FieldRules.
 *  [G6] a table only holds Y.Map rows under ids matching its id pattern.
 *  [G7] a row the table `keep`s (registry: it has a member number) or has `frozen`
 *       is never deleted or replaced: it is restored.
 *  [G8] field values are primitives; nested Y types are removed.
 *  [G9] `meta` and the doc's other server-owned maps: client changes are reverted.
 *  [G10] any other root type is cleared.
 *  [G12] a `frozen` row (ledger: a posted entry) never changes: every change reverted.
 *  [G13] a table's `row` rule corrects a row as a whole, after the field rules.
 *  [G15] a row whose creation arrives in parts (a split update) is checked as new.
 *  [G16] a table whose rows only the server adds (`serverRows`): a client's row is removed.
 *  [G17]-[G19] who created or wrote a row is the connection's user; a creation time,
 *       and the time of each write, within the author's session (correctAuthorship). A
 *       row that is part of another (`partOf`: a survey answer of its response) makes its
 *       writer that row's writer; a change the field rules undo writes neither.
 *  [G20] a root the layout does not know is dropped: its items become GC structs, so
 *       neither the store nor any peer ever gets its name.
 *  [G21] a table's `added` rule corrects the rows a transaction adds, seen together
 *       with the rows the table already holds (recruitment round numbers, [RC8]).
 * Corrections are decided first (reads only) and applied afterwards, because
 * YEvent.keys reads `transaction.changed`, which the corrections themselves extend.
 */
import * as Y from 'yjs';
import {
	IMPORT_PARTS_TABLE,
	IMPORTS_TABLE,
	importFields,
	importPartFields
} from '../src/lib/domain/import';
import {
	correctAuthorship,
	correctFieldChanges,
	hasAuthorRules,
	MEMBER_RULES,
	type Author,
	type AuthorRules,
	type Correction,
	type FieldChange,
	type FieldRules
} from '../src/lib/domain/guard';
import { ROW_ID_PATTERN } from '../src/lib/domain/member';
import { MEMBER_FILE_TABLES } from '../src/lib/domain/contacts';
import { JOINING_TABLES, KEPT_STATUSES, memberRowRule } from '../src/lib/domain/lifecycle';
import { RECRUITMENT_TABLES } from '../src/lib/domain/recruitment';

export const MEMBERS = 'members';
export const META = 'meta';

/** Key under which the guard records its number of corrections in `transaction.meta`. */
export const CORRECTIONS = Symbol('guildhall.corrections');

type Values = Readonly<Record<string, unknown>>;

export interface TableRules extends FieldRules, AuthorRules {
	/** Valid row ids; ROW_ID_PATTERN when absent. */
	idPattern?: RegExp;
	/** A row whose stored values satisfy this is never deleted or replaced [G7]. */
	keep?(before: Values): boolean;
	/** A row whose stored values satisfy this never changes [G12] (nor is deleted [G7]). */
	frozen?(before: Values): boolean;
	/** Only the server adds rows: a row a client adds is removed, not left empty [G16]. */
	serverRows?: boolean;
	/** Cross-field rules on the row as it will be, after the field rules [G13]. */
	row?(after: Values, before: Values | null): Correction[];
	/**
	 * [G18] A row of this table is part of another row (a survey answer, of its member's
	 * response): a client's change of it is a write of that row's `field` (`writtenBy`),
	 * which becomes the author. `id` finds the row from this one's values.
	 */
	partOf?: { table: string; field: string; id(row: Values): string | null };
	/** [G21] Corrections (by row id) of the rows this transaction adds, given the others. */
	added?(opts: {
		held: readonly Values[];
		added: readonly { id: string; values: Values }[];
	}): Map<string, Correction[]>;
}

export interface DocRules {
	/** Root maps that are tables: Y.Map<rowId, Y.Map<field, primitive>>. */
	tables: Readonly<Record<string, TableRules>>;
	/** Root maps of primitive values by key (settings), with rules per key. */
	values?: Readonly<Record<string, FieldRules>>;
	/** Root maps only the server writes; `meta` always is. */
	serverOwned?: readonly string[];
}

type Write = () => void;

/** Who sends the update being guarded, and the server's clock then ([G17]-[G19]). */
interface Context {
	author: Author | null;
	now: number;
	/** [G18] The rows whose part (`partOf`) the transaction changed, and their field. */
	wholes: { table: string; id: string; field: string }[];
}
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
 * The value of `key` before this transaction: the newest item not added in this
 * transaction, if it was not already deleted before.
 */
function valueBefore(map: AnyMap, event: Y.YEvent<AnyType>, key: string): unknown {
	let item: Y.Item | null = map._map.get(key) ?? null;
	while (item !== null && event.adds(item)) item = item.left;
	if (item === null || (item.deleted && !event.deletes(item))) return undefined;
	return primitive(lastContent(item));
}

/** The map's values as they were before this transaction (see valueBefore). */
function entriesBefore(map: AnyMap, event: Y.YEvent<AnyType>): [string, unknown][] {
	const out: [string, unknown][] = [];
	for (const key of map._map.keys()) {
		const value = valueBefore(map, event, key);
		if (value !== undefined) out.push([key, value]);
	}
	return out;
}

/** The current primitive value of `key`. */
function valueNow(map: AnyMap, key: string): unknown {
	const item = map._map.get(key);
	return item === undefined || item.deleted ? undefined : primitive(lastContent(item));
}

/**
 * A row's values as the rules see them, read key by key when a rule asks. The rules
 * read two or three keys; copying the whole row on every edit was most of the garbage
 * the guard made (and so of the server's GC pauses under many rooms).
 */
function lazyValues(read: (key: string) => unknown): Values {
	return new Proxy(
		{},
		{
			get: (_, key) => (typeof key === 'string' ? read(key) : undefined),
			has: (_, key) => typeof key === 'string' && read(key) !== undefined
		}
	);
}

/** Items in a map's list part (parentSub null): never valid in our layout. */
function deleteListItems(type: AnyType, tr: Y.Transaction, writes: Write[]) {
	for (let item = type._start; item !== null; item = item.right) {
		const it = item;
		if (!it.deleted) writes.push(() => it.delete(tr));
	}
}

function pushCorrections(map: AnyMap, corrections: readonly Correction[], writes: Write[]) {
	for (const c of corrections) {
		if (c.op === 'delete') writes.push(() => map.delete(c.key));
		else {
			const value = c.value;
			writes.push(() => map.set(c.key, value));
		}
	}
}

/** [G18] Note that a row of a table with `partOf` changed: its whole is written too. */
function notePart(rules: TableRules, read: (key: string) => unknown, ctx: Context) {
	if (!rules.partOf) return;
	const { table, field } = rules.partOf;
	const id = rules.partOf.id(lazyValues(read));
	if (id !== null) ctx.wholes.push({ table, id, field });
}

/** Field corrections, then the table's row rule on the row as the corrections leave it. */
function correctRow(
	row: AnyMap,
	changes: FieldChange[],
	rules: TableRules,
	before: Values | null,
	creating: boolean,
	ctx: Context,
	writes: Write[]
) {
	let corrections = correctFieldChanges(changes, rules);
	// A change the field rules undo is no change: it writes no part of the row ([G18],
	// [G19]) and no row it is part of (`partOf`).
	const undone = new Set<string>();
	for (const c of corrections) {
		const old = changes.find((ch) => ch.key === c.key)?.oldValue;
		if (c.op === 'delete' ? old === undefined : c.value === old) undone.add(c.key);
	}
	if (changes.some((c) => !undone.has(c.key))) notePart(rules, (key) => valueNow(row, key), ctx);
	const authored = new Set<string>();
	if (hasAuthorRules(rules)) {
		// Who and when are the server's to say: these replace the field rules' word on them.
		const made = changes.filter((c) => isAuthorField(rules, c.key) || !undone.has(c.key));
		const own = correctAuthorship(made, rules, {
			creating,
			...ctx,
			current: (key) => valueNow(row, key)
		});
		const keys = new Set(changes.map((c) => c.key).filter((k) => isAuthorField(rules, k)));
		corrections = [...corrections.filter((c) => !keys.has(c.key)), ...own];
		for (const c of own) authored.add(c.key);
	}
	if (rules.row) {
		const corrected = new Map(corrections.map((c) => [c.key, c]));
		const after = lazyValues((key) => {
			const c = corrected.get(key);
			if (c === undefined) return valueNow(row, key);
			return c.op === 'delete' ? undefined : c.value;
		});
		// The row rule has the last word over a time the server stamped (a link response's
		// submittedAt stays the member's, [SV6]), never over the field rules.
		const more = rules
			.row(after, before)
			.filter((c) => !corrected.has(c.key) || authored.has(c.key));
		const over = new Set(more.map((c) => c.key));
		corrections = [...corrections.filter((c) => !over.has(c.key)), ...more];
	}
	pushCorrections(row, corrections, writes);
}

const isAuthorField = (rules: AuthorRules, key: string) =>
	!!(
		rules.createdBy?.includes(key) ||
		(rules.writtenBy !== undefined && Object.hasOwn(rules.writtenBy, key)) ||
		rules.createdAt?.includes(key) ||
		(rules.writtenAt !== undefined && Object.hasOwn(rules.writtenAt, key))
	);

function planNewRow(
	row: AnyMap,
	rules: TableRules,
	tr: Y.Transaction,
	ctx: Context,
	writes: Write[]
) {
	const changes: FieldChange[] = [];
	for (const [key, item] of row._map) {
		if (item.deleted) continue;
		changes.push({ key, action: 'add', oldValue: undefined, newValue: lastContent(item) });
	}
	correctRow(row, changes, rules, null, true, ctx, writes);
	deleteListItems(row, tr, writes);
}

/** Rows a transaction adds, by id, for the tables with an `added` rule [G21]. */
type AddedRows = Map<string, AnyMap>;

function planTable(
	table: AnyMap,
	rules: TableRules,
	keys: Keys,
	tr: Y.Transaction,
	ctx: Context,
	writes: Write[],
	added?: AddedRows
) {
	const event = new Y.YMapEvent(table, tr, new Set(keys));
	const info = event.keys;
	const idPattern = rules.idPattern ?? ROW_ID_PATTERN;
	for (const key of keys) {
		if (key === null) {
			deleteListItems(table, tr, writes);
			continue;
		}
		const item = table._map.get(key);
		const current = item && !item.deleted ? lastContent(item) : undefined;
		if (!idPattern.test(key)) {
			if (current !== undefined) writes.push(() => table.delete(key));
			continue;
		}
		const change = info.get(key);
		if (change && change.action !== 'add' && change.oldValue instanceof Y.Map) {
			const old = entriesBefore(change.oldValue, event);
			const before = Object.fromEntries(old);
			notePart(rules, (k) => before[k], ctx);
			if (rules.keep?.(before) || rules.frozen?.(before)) {
				writes.push(() => table.set(key, new Y.Map<unknown>(old)));
				continue;
			}
		}
		if (current === undefined) continue;
		if (!(current instanceof Y.Map)) {
			writes.push(() => table.delete(key));
			continue;
		}
		if (current._item !== null && event.adds(current._item)) {
			if (rules.serverRows) writes.push(() => table.delete(key));
			else {
				planNewRow(current, rules, tr, ctx, writes);
				added?.set(key, current);
			}
		}
	}
}

/** The changes of `keys` in `map` during `tr`, as the pure rules see them. */
function fieldChanges(map: AnyMap, keys: Keys, tr: Y.Transaction, writes: Write[]) {
	const event = new Y.YMapEvent(map, tr, new Set(keys));
	const changes: FieldChange[] = [];
	for (const key of keys) {
		if (key === null) {
			deleteListItems(map, tr, writes);
			continue;
		}
		const c = event.keys.get(key);
		if (!c) continue;
		changes.push({
			key,
			action: c.action,
			oldValue: primitive(c.oldValue),
			newValue: c.action === 'delete' ? undefined : map.get(key)
		});
	}
	return { event, changes };
}

/**
 * [G15] Whether this transaction goes on creating `row`: a big update is split at any
 * struct to fit a message ([C11]), so a row's item and its first values can arrive one
 * message before the rest. True when every key the transaction writes gets its first
 * value (no earlier item) from the row's creator, deletes nothing, and continues the
 * creator's run of the row: the first new item comes right after the row's newest item,
 * and no value of the row is another client's. Such a row is checked as new.
 */
function stillCreating(row: AnyMap, keys: Keys, event: Y.YEvent<AnyType>): boolean {
	const created = row._item?.id;
	if (!created || keys.includes(null)) return false;
	// The usual edit: a key that had a value gets a new one (the loop below would say no
	// too, after reading every value of the row).
	for (const key of keys) {
		const item = row._map.get(key!);
		if (item !== undefined && item.left !== null && event.adds(item)) return false;
	}
	let lastBefore = created.clock;
	let firstNew = Infinity;
	for (const item of row._map.values()) {
		if (item.id.client !== created.client) return false;
		if (event.adds(item)) {
			if (item.left !== null) return false;
			firstNew = Math.min(firstNew, item.id.clock);
		} else {
			if (event.deletes(item)) return false;
			lastBefore = Math.max(lastBefore, item.id.clock + item.length - 1);
		}
	}
	return firstNew === lastBefore + 1;
}

function planRow(
	row: AnyMap,
	rules: TableRules,
	keys: Keys,
	tr: Y.Transaction,
	ctx: Context,
	writes: Write[],
	added?: AddedRows
) {
	const { event, changes } = fieldChanges(row, keys, tr, writes);
	const needBefore = rules.frozen !== undefined || rules.row !== undefined || added !== undefined;
	const creating = (needBefore || hasAuthorRules(rules)) && stillCreating(row, keys, event);
	if (creating && typeof row._item?.parentSub === 'string') added?.set(row._item.parentSub, row);
	const before = needBefore && !creating ? lazyValues((key) => valueBefore(row, event, key)) : null;
	if (before && rules.frozen?.(before)) {
		planRevertChanges(row, changes, writes);
		return;
	}
	correctRow(row, changes, rules, before, creating, ctx, writes);
}

/** A root map of settings: each key is a field. */
function planValues(
	map: AnyMap,
	rules: FieldRules,
	keys: Keys,
	tr: Y.Transaction,
	writes: Write[]
) {
	const { changes } = fieldChanges(map, keys, tr, writes);
	pushCorrections(map, correctFieldChanges(changes, rules), writes);
}

function planRevertChanges(map: AnyMap, changes: readonly FieldChange[], writes: Write[]) {
	for (const c of changes) {
		const old = c.oldValue;
		writes.push(() => (old === undefined ? map.delete(c.key) : map.set(c.key, old)));
	}
}

/** Put every changed key of a server-owned map back as it was. */
function planRevert(map: AnyMap, keys: Keys, tr: Y.Transaction, writes: Write[]) {
	planRevertChanges(map, fieldChanges(map, keys, tr, writes).changes, writes);
}

function planClear(type: AnyType, tr: Y.Transaction, writes: Write[]) {
	for (const item of type._map.values()) {
		if (!item.deleted) writes.push(() => item.delete(tr));
	}
	deleteListItems(type, tr, writes);
}

/**
 * [G20] A root the layout does not know, once `planClear` deleted what it holds: Yjs
 * cannot delete a root, and a deleted item under a root keeps the root's name in every
 * encoding of it (the stored update, what peers get). Its items become GC structs, as
 * Yjs does for the items of a deleted nested type: a GC struct names no parent, so the
 * stored and broadcast update holds only the client's clock range and its deletion,
 * and the root leaves the server's doc. An item sent later that names the root again
 * makes a new one, dropped again; one whose neighbour is GC'd becomes a GC itself.
 */
function dropRoot(doc: Y.Doc, type: AnyType): void {
	const items: Y.Item[] = [];
	for (let item = type._start; item !== null; item = item.right) items.push(item);
	for (const last of type._map.values()) {
		for (let item: Y.Item | null = last; item !== null; item = item.left) items.push(item);
	}
	// An item still alive would have to name the root when encoded: keep the root then.
	if (items.some((item) => !item.deleted)) return;
	for (const item of items) item.gc(doc.store, true);
	type._start = null;
	type._map = new Map();
	type._length = 0;
	for (const [name, root] of doc.share) if (root === type) doc.share.delete(name);
}

/**
 * YEvent.deletes (a binary search in the transaction's delete set) is only reliable
 * once Yjs has sorted and merged that set, which it does at the end of the
 * transaction; the guard asks earlier. Without this, a row restored by [G7] could
 * lose fields whose items were deleted out of clock order (e.g. one the guard had
 * put back earlier). Sorting and merging again at the end is harmless.
 */
function sortDeleteSet(tr: Y.Transaction): void {
	for (const dels of tr.deleteSet.clients.values()) {
		dels.sort((a, b) => a.clock - b.clock);
		let j = 1;
		for (let i = 1; i < dels.length; i++) {
			const left = dels[j - 1];
			const right = dels[i];
			if (left.clock + left.len >= right.clock) {
				left.len = Math.max(left.len, right.clock + right.len - left.clock);
			} else {
				dels[j++] = right;
			}
		}
		dels.length = Math.min(j, dels.length);
	}
}

/** The guard of a doc with the given layout (see the rules at the top). */
export function makeDocGuard(rules: DocRules): Guard {
	const serverOwned = new Set([META, ...(rules.serverOwned ?? [])]);
	const has = (o: object | undefined, k: string) =>
		o !== undefined && Object.prototype.hasOwnProperty.call(o, k);
	/** What the guard does with a change of each root map; built once per doc. */
	type Root = { map: AnyMap } & (
		| { kind: 'table'; rules: TableRules }
		| { kind: 'values'; rules: FieldRules }
		| { kind: 'revert' }
	);
	type TableRoot = Extract<Root, { kind: 'table' }>;
	const rootsOf = new WeakMap<Y.Doc, Map<AnyType, Root>>();
	const rootMap = (doc: Y.Doc) => {
		const known = rootsOf.get(doc);
		if (known) return known;
		// Root maps by name; getMap also creates them, so the guard recognises a root that
		// a client creates under a known name (and the same types stay the doc's roots).
		const roots = new Map<AnyType, Root>();
		const add = (root: Root) => roots.set(root.map, root);
		for (const [name, table] of Object.entries(rules.tables))
			add({ map: doc.getMap(name), kind: 'table', rules: table });
		for (const [name, fields] of Object.entries(rules.values ?? {}))
			add({ map: doc.getMap(name), kind: 'values', rules: fields });
		for (const name of serverOwned) {
			if (has(rules.tables, name) || has(rules.values, name)) continue;
			add({ map: doc.getMap(name), kind: 'revert' });
		}
		rootsOf.set(doc, roots);
		return roots;
	};
	const guard = (doc: Y.Doc, tr: Y.Transaction, author: Author | null): number => {
		const writes: Write[] = [];
		const ctx: Context = { author, now: Date.now(), wholes: [] };
		const strays: AnyType[] = [];
		sortDeleteSet(tr);
		const roots = rootMap(doc);
		const changed = [...tr.changed].map(([type, keys]) => [type, [...keys]] as const);
		const addedIn = new Map<TableRoot, AddedRows>();
		const addedTo = (root: TableRoot) => {
			if (!root.rules.added) return undefined;
			let rows = addedIn.get(root);
			if (!rows) addedIn.set(root, (rows = new Map()));
			return rows;
		};
		for (const [type, keys] of changed) {
			const root = roots.get(type);
			if (root) {
				const map = root.map;
				if (root.kind === 'table') planTable(map, root.rules, keys, tr, ctx, writes, addedTo(root));
				else if (root.kind === 'values') planValues(map, root.rules, keys, tr, writes);
				else planRevert(map, keys, tr, writes);
				continue;
			}
			if (type._item === null) {
				planClear(type, tr, writes);
				strays.push(type);
				continue;
			}
			const parent = type.parent === null ? undefined : roots.get(type.parent as AnyType);
			if (parent?.kind === 'table' && type instanceof Y.Map)
				planRow(type, parent.rules, keys, tr, ctx, writes, addedTo(parent));
			else {
				// A type nested deeper than a row, or under a map that is not a table
				// (cannot be created under the guard, but may exist in old data): remove
				// it rather than let it change.
				const item = type._item;
				if (!item.deleted) writes.push(() => item.delete(tr));
			}
		}
		for (const [root, rows] of addedIn) {
			if (!root.rules.added || rows.size === 0) continue;
			const held: Values[] = [];
			for (const [key, item] of root.map._map) {
				const row = item.deleted ? undefined : lastContent(item);
				if (row instanceof Y.Map && !rows.has(key)) held.push(lazyValues((k) => valueNow(row, k)));
			}
			const added = [...rows].map(([id, row]) => ({
				id,
				values: lazyValues((k) => valueNow(row, k))
			}));
			for (const [id, corrections] of root.rules.added({ held, added }))
				pushCorrections(rows.get(id)!, corrections, writes);
		}
		for (const { table, id, field } of ctx.wholes) {
			const whole: unknown = doc.getMap(table).get(id);
			if (!(whole instanceof Y.Map)) continue;
			// Read when written: the whole's own corrections (and other parts) come first.
			const value = author?.username;
			writes.push(() => {
				if (valueNow(whole, field) === value) return;
				if (value === undefined) whole.delete(field);
				else whole.set(field, value);
			});
		}
		if (writes.length > 0) {
			// Y.applyUpdate marked the transaction remote; if it stays so, Yjs takes the
			// server's own new items as a client-id clash and gives the server doc a new
			// id on every correction, growing every state vector.
			tr.local = true;
		}
		for (const write of writes) write();
		for (const type of strays) dropRoot(doc, type);
		return writes.length;
	};
	const roots = [...Object.keys(rules.tables), ...Object.keys(rules.values ?? {}), ...serverOwned];
	return Object.assign(guard, { roots: [...new Set(roots)] });
}

/**
 * The registry: members [G1]-[G11]; the member file's tables (contacts, activities,
 * notes); the import record (issue 8): `importParts` rows are written once with
 * their chunk and never change; `imports` is written only by the server (who and
 * when cannot be forged).
 */
export const guardRegistry: Guard = makeDocGuard({
	tables: {
		[MEMBERS]: {
			...MEMBER_RULES,
			// A numbered record is never deleted; a record merged into another is history:
			// kept and frozen (only the server's merge command writes it).
			keep: (before) =>
				before.memberNo !== undefined ||
				before.mergedInto !== undefined ||
				KEPT_STATUSES.has(String(before.status)),
			frozen: (before) => before.mergedInto !== undefined,
			// Pipeline moves are server commands (issue 4, [J1]); an approved member's tier,
			// category and join date are the approver's ([J2]).
			row: memberRowRule
		},
		...MEMBER_FILE_TABLES,
		...JOINING_TABLES,
		...RECRUITMENT_TABLES,
		[IMPORT_PARTS_TABLE]: {
			fields: importPartFields,
			frozen: (before) => before.importId !== undefined
		},
		[IMPORTS_TABLE]: {
			fields: importFields,
			serverOwned: new Set(Object.keys(importFields)),
			serverRows: true,
			keep: () => true
		}
	}
});

/**
 * Corrects a client's transaction sent by `author` (null: unknown, vouches for nobody);
 * returns how many writes it made.
 */
export interface Guard {
	(doc: Y.Doc, tr: Y.Transaction, author: Author | null): number;
	/** The root maps it knows: created as Y.Maps before any client update is applied. */
	readonly roots: readonly string[];
}

/** The guard whose known roots `applyGuardedUpdate` has typed in a doc. */
const typedRoots = new WeakMap<Y.Doc, Guard>();

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
	/** Who the connection is signed in as ([G17]-[G19]); absent: nobody is vouched for. */
	author?: Author | null;
}): { corrections: number; error: unknown } {
	let corrections = 0;
	let error: unknown = null;
	// A root first seen inside an update would be a plain AbstractType that the guard
	// cannot tell from a stray root: type the known ones first (once per doc: a known root
	// is never dropped).
	if (typedRoots.get(opts.doc) !== opts.guard) {
		for (const name of opts.guard.roots) opts.doc.getMap(name);
		typedRoots.set(opts.doc, opts.guard);
	}
	opts.doc.transact((tr) => {
		try {
			Y.applyUpdate(opts.doc, opts.update);
		} catch (e) {
			error = e;
		}
		corrections = opts.guard(opts.doc, tr, opts.author ?? null);
		tr.meta.set(CORRECTIONS, corrections);
	}, opts.origin);
	return { corrections, error };
}

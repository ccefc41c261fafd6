/**
 * The member registry as typed rows over the registry doc.
 *
 * Layout (contract): doc map `members` → rowId → Y.Map<field, primitive>. One Y.Map
 * per row gives per-cell merge: two people editing different fields of one member
 * both keep their edit.
 *
 * The grid gets plain row objects `{ id, ...fields }`. They are kept in step with
 * one `observeDeep`: each transaction yields the set of row ids it touched, and the
 * store hands the grid one batch of adds, updates and removes. Nothing rebuilds all
 * rows per edit (the registry will hold 100k rows).
 *
 * Live members only: a record merged into another (`mergedInto`, domain/merge.ts) stays
 * in the doc, frozen, with its number and history, but it is the same company as its
 * survivor. `rows()`, `count` and the batches leave it out (a record that becomes
 * merged arrives as a `remove`), so the grid, its counts and exports, the pipeline,
 * the duplicate index, pickers and imports never see it without asking. Only lookups
 * by id (`get`) and `mergedRecords` return it, for the member file that shows it
 * read-only; `setField` refuses it. `mergedInto()` maps every merged record to the record
 * it was merged into, for the ledger, whose entries follow the merge ([L4]).
 *
 * Commands run in `doc.transact(…, LOCAL)`; the undo manager tracks only LOCAL, so
 * undo and redo only ever touch this user's own edits.
 */
/* eslint-disable svelte/prefer-svelte-reactivity --
   Rows are deliberately not reactive state: 100k proxied rows would be slow, and the
   grid takes explicit batches instead. Only counts and undo flags are runes. */
import * as Y from 'yjs';
import { personalUndo } from './undo';
import {
	MEMBER_STATUS,
	SERVER_OWNED_FIELDS,
	type MemberField,
	MEMBERS_TABLE,
	type MemberRow
} from '$lib/domain/member';
import { approvedFieldFixed } from '$lib/domain/lifecycle';
import { newRowId } from '$lib/domain/text';
import { LOCAL, originKind, type OriginKind } from '$lib/sync/origins';
import { prepareFieldInput, readStoredField, type FieldInput } from './member-input';

export const MEMBERS_MAP = MEMBERS_TABLE;

export interface MemberBatch {
	add: MemberRow[];
	update: MemberRow[];
	remove: string[];
	/** Who made the change: the grid keeps focus and open editors for remote ones. */
	origin: OriginKind;
	/** This user's own edits (`local`, `undo`): the fields written, per updated row. */
	fields?: Map<string, string[]>;
}

export type SetFieldResult =
	| { ok: true; changed: boolean }
	| { ok: false; reason: 'invalid'; expectKey: string }
	| { ok: false; reason: 'readOnly' | 'serverOwned' | 'noSuchRow' | 'merged' | 'approved' };

type RowMap = Y.Map<unknown>;

function toRow(id: string, y: RowMap): MemberRow {
	const row: Record<string, string | number> = { id };
	// Only known fields with primitive values reach the grid: a peer (or an old copy)
	// may hold anything, including keys such as `__proto__`.
	for (const [k, v] of y.entries()) if (readStoredField(k, v)) row[k] = v;
	return row as MemberRow;
}

/** A record merged into another: kept in the doc, not a live member. */
const isMerged = (y: RowMap): boolean => y.get('mergedInto') !== undefined;

/**
 * A row read back from the row cache (IndexedDB is a boundary) or the server's first
 * look: an object with a string id; keys that are not member fields with primitive
 * values are dropped. Null for anything else, and for a merged record (not a live
 * member; a cache written before they were left out may hold one).
 */
export function cachedMemberRow(raw: unknown): MemberRow | null {
	if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
	const r = raw as Record<string, unknown>;
	if (typeof r.id !== 'string' || r.id === '' || r.mergedInto !== undefined) return null;
	let clean = true;
	for (const k in r) {
		if (k !== 'id' && !readStoredField(k, r[k])) {
			clean = false;
			break;
		}
	}
	if (clean && Object.getPrototypeOf(r) === Object.prototype) return r as MemberRow;
	const row: Record<string, string | number> = { id: r.id };
	for (const k of Object.keys(r)) if (k !== 'id' && readStoredField(k, r[k])) row[k] = r[k];
	return row as MemberRow;
}

/** Same id and the same fields with the same values. */
export function sameMemberRow(a: MemberRow, b: MemberRow): boolean {
	if (a === b) return true;
	const ra = a as unknown as Record<string, unknown>;
	const rb = b as unknown as Record<string, unknown>;
	let n = 0;
	for (const k in ra) {
		if (ra[k] !== rb[k]) return false;
		n++;
	}
	return n === Object.keys(rb).length;
}

export interface MembersStoreOptions {
	doc: Y.Doc;
	/** View-only users: every command is refused before it touches the doc. */
	readOnly?: boolean;
	/**
	 * Rows shown before the doc loaded (the row cache [C15]). `fresh`: they were made
	 * from exactly this doc state and are taken as they are; otherwise each row is
	 * built from the doc and an equal cached object is kept instead (the grid then
	 * updates only the rows that differ, and holds one object per row).
	 */
	cached?: { rows: readonly MemberRow[]; fresh: boolean };
}

export class MembersStore {
	readonly doc: Y.Doc;
	readonly members: Y.Map<RowMap>;
	readonly undoManager: Y.UndoManager;
	readOnly = $state(false);
	canUndo = $state(false);
	canRedo = $state(false);
	/** Number of live members in the doc (not after filters; merged records left out). */
	count = $state(0);

	/** Live members only. */
	#rows = new Map<string, MemberRow>();
	/** Merged records read so far by `get` (few, frozen; dropped when touched). */
	#merged = new Map<string, MemberRow>();
	/** Every merged record's `mergedInto`, once asked for (`mergedInto()`), then kept in step. */
	#mergedInto: Map<string, string> | null = null;
	/** Bumped when a record's `mergedInto` arrives or goes: what reads by live record ([L4]) depends on it. */
	mergesVersion = $state(0);
	#listeners = new Set<(b: MemberBatch) => void>();
	#offs: (() => void)[] = [];

	constructor(opts: MembersStoreOptions) {
		this.doc = opts.doc;
		this.readOnly = opts.readOnly ?? false;
		this.members = opts.doc.getMap<RowMap>(MEMBERS_MAP);
		if (opts.cached?.fresh) {
			for (const row of opts.cached.rows) {
				if (row.mergedInto === undefined) this.#rows.set(row.id, row);
			}
		} else {
			const before = new Map<string, MemberRow>();
			for (const row of opts.cached?.rows ?? []) before.set(row.id, row);
			this.#mergedInto = new Map();
			for (const [id, y] of this.members.entries()) {
				if (!(y instanceof Y.Map)) continue;
				if (isMerged(y)) {
					const to = y.get('mergedInto');
					if (typeof to === 'string') this.#mergedInto.set(id, to);
					continue;
				}
				const row = toRow(id, y);
				const old = before.get(id);
				this.#rows.set(id, old && sameMemberRow(old, row) ? old : row);
			}
		}
		this.count = this.#rows.size;

		const onDeep = (events: Y.YEvent<Y.AbstractType<unknown>>[], tr: Y.Transaction) =>
			this.#apply(events, tr);
		this.members.observeDeep(onDeep);
		this.#offs.push(() => this.members.unobserveDeep(onDeep));

		const undo = personalUndo(this.members, (canUndo, canRedo) => {
			this.canUndo = canUndo;
			this.canRedo = canRedo;
		});
		this.undoManager = undo.manager;
		this.#offs.push(undo.destroy);
	}

	#apply(events: Y.YEvent<Y.AbstractType<unknown>>[], tr: Y.Transaction) {
		const ids = new Set<string>();
		const origin = originKind(tr.origin);
		const fields =
			origin === 'local' || origin === 'undo' ? new Map<string, string[]>() : undefined;
		for (const e of events) {
			if (e.target === this.members && e instanceof Y.YMapEvent) {
				for (const k of e.keysChanged) if (k !== null) ids.add(k);
			} else {
				// A row map: its id is the key it sits under in `members`.
				const item = e.target._item;
				if (item && item.parent === this.members && typeof item.parentSub === 'string') {
					ids.add(item.parentSub);
					if (fields && e instanceof Y.YMapEvent) {
						fields.set(
							item.parentSub,
							[...e.keysChanged].filter((k) => k !== null)
						);
					}
				}
			}
		}
		if (ids.size === 0) return;
		const batch: MemberBatch = { add: [], update: [], remove: [], origin };
		if (fields) batch.fields = fields;
		let merges = false;
		for (const id of ids) {
			const y = this.members.get(id);
			const had = this.#rows.has(id);
			this.#merged.delete(id);
			const to = y instanceof Y.Map ? y.get('mergedInto') : undefined;
			if (typeof to === 'string' ? this.#mergedInto?.get(id) !== to : this.#mergedInto?.has(id)) {
				merges = true;
				if (typeof to === 'string') this.#mergedInto?.set(id, to);
				else this.#mergedInto?.delete(id);
			}
			if (y instanceof Y.Map && !isMerged(y)) {
				const row = toRow(id, y);
				this.#rows.set(id, row);
				(had ? batch.update : batch.add).push(row);
			} else if (had) {
				this.#rows.delete(id);
				batch.remove.push(id);
			}
		}
		if (merges) this.mergesVersion++;
		if (batch.add.length + batch.update.length + batch.remove.length === 0) return;
		this.count = this.#rows.size;
		for (const f of this.#listeners) f(batch);
	}

	/** All live members now (a new array; the row objects are shared, do not mutate them). */
	rows(): MemberRow[] {
		return [...this.#rows.values()];
	}

	/** One record by id: a live member, or a merged record (check `mergedInto`). */
	get(id: string): MemberRow | undefined {
		const live = this.#rows.get(id);
		if (live) return live;
		const known = this.#merged.get(id);
		if (known) return known;
		const y = this.members.get(id);
		if (!(y instanceof Y.Map) || !isMerged(y)) return undefined;
		const row = toRow(id, y);
		this.#merged.set(id, row);
		return row;
	}

	/**
	 * Every merged record's `mergedInto` by record id (read from the doc the first time,
	 * then kept in step). Read `mergesVersion` to depend on it.
	 */
	mergedInto(): ReadonlyMap<string, string> {
		if (!this.#mergedInto) {
			const map = new Map<string, string>();
			for (const [id, y] of this.members.entries()) {
				const to = y instanceof Y.Map ? y.get('mergedInto') : undefined;
				if (typeof to === 'string') map.set(id, to);
			}
			this.#mergedInto = map;
		}
		return this.#mergedInto;
	}

	/** The records merged into `survivorId` (a walk over the doc: for one member's file). */
	mergedRecords(survivorId: string): MemberRow[] {
		const out: MemberRow[] = [];
		for (const [id, y] of this.members.entries()) {
			if (y instanceof Y.Map && y.get('mergedInto') === survivorId) {
				const row = this.get(id);
				if (row) out.push(row);
			}
		}
		return out;
	}

	/** Be told of every change as one batch per transaction. Returns the unsubscribe. */
	subscribe(f: (b: MemberBatch) => void): () => void {
		this.#listeners.add(f);
		return () => this.#listeners.delete(f);
	}

	/**
	 * Add a member: a new random id, `createdAt` now, status `prospect` unless given.
	 * Invalid or server-owned fields in `fields` are left out. Returns the id, or null
	 * for a view-only store.
	 */
	addMember(fields: Partial<Record<MemberField, unknown>> = {}): string | null {
		if (this.readOnly) return null;
		const id = newRowId();
		const values = new Map<string, string | number>([
			['createdAt', new Date().toISOString()],
			['status', MEMBER_STATUS.prospect]
		]);
		for (const [k, raw] of Object.entries(fields) as [MemberField, unknown][]) {
			if (SERVER_OWNED_FIELDS.has(k)) continue;
			const r = prepareFieldInput(k, raw);
			if (r.ok && r.value !== null) values.set(k, r.value);
		}
		this.doc.transact(() => this.#insert(id, values), LOCAL);
		return id;
	}

	#insert(id: string, values: ReadonlyMap<string, string | number>) {
		const row: RowMap = new Y.Map();
		this.members.set(id, row);
		for (const [k, v] of values) row.set(k, v);
	}

	/** The last undo step, for `addMembers` to join (null: none). */
	lastStep(): unknown {
		return this.undoManager.undoStack.at(-1) ?? null;
	}

	/**
	 * Add members from typed rows (a pasted range's rows below the last row, [C31]), in one
	 * transaction: each as `addMember` makes one, each cell taken as `setFields` takes it
	 * (`prepare`); a refused cell is left out of its member and returned (`row`: the index
	 * in `rows`, `cell`: in that row). With `joinStep` still the last undo step (the paste's),
	 * the new members join it: one Undo takes back the paste and them.
	 */
	addMembers(
		rows: readonly (readonly { field: MemberField; raw: unknown }[])[],
		opts: { prepare?: (field: MemberField, raw: unknown) => FieldInput; joinStep?: unknown } = {}
	): {
		ids: string[];
		refused: { row: number; cell: number; result: Exclude<SetFieldResult, { ok: true }> }[];
	} {
		if (this.readOnly) return { ids: [], refused: [] };
		const prepare = opts.prepare ?? prepareFieldInput;
		const refused: ReturnType<MembersStore['addMembers']>['refused'] = [];
		const made = rows.map((cells, r) => {
			const values = new Map<string, string | number>([
				['createdAt', new Date().toISOString()],
				['status', MEMBER_STATUS.prospect]
			]);
			cells.forEach(({ field, raw }, c) => {
				if (SERVER_OWNED_FIELDS.has(field)) {
					return refused.push({ row: r, cell: c, result: { ok: false, reason: 'serverOwned' } });
				}
				const input = prepare(field, raw);
				if (!input.ok) {
					const result = { ok: false, reason: 'invalid', expectKey: input.expectKey } as const;
					return refused.push({ row: r, cell: c, result });
				}
				if (input.value !== null) values.set(field, input.value);
			});
			return { id: newRowId(), values };
		});
		if (made.length === 0) return { ids: [], refused };
		const um = this.undoManager;
		const join = opts.joinStep != null && um.undoStack.at(-1) === opts.joinStep;
		const timeout = um.captureTimeout;
		// The UndoManager appends a transaction to the last step within its capture time.
		if (join) um.captureTimeout = Number.POSITIVE_INFINITY;
		try {
			this.doc.transact(() => {
				for (const m of made) this.#insert(m.id, m.values);
			}, LOCAL);
		} finally {
			um.captureTimeout = timeout;
		}
		return { ids: made.map((m) => m.id), refused };
	}

	/**
	 * Write one cell. `raw` is what a person typed; it is validated with the member
	 * schema (digits normalised, dates ISO). Empty input clears the cell (deletes the
	 * key). Invalid input writes nothing and says what is expected.
	 */
	setField(id: string, field: MemberField, raw: unknown): SetFieldResult {
		if (this.readOnly) return { ok: false, reason: 'readOnly' };
		if (SERVER_OWNED_FIELDS.has(field)) return { ok: false, reason: 'serverOwned' };
		const row = this.members.get(id);
		if (!(row instanceof Y.Map)) return { ok: false, reason: 'noSuchRow' };
		// Frozen on the server (guard.ts): a write would be undone without a word.
		if (isMerged(row)) return { ok: false, reason: 'merged' };
		// An approved member's tier, category and join date are the approver's ([J2]).
		if (approvedFieldFixed({ memberNo: row.get('memberNo') }, field)) {
			return { ok: false, reason: 'approved' };
		}
		const input = prepareFieldInput(field, raw);
		if (!input.ok) return { ok: false, reason: 'invalid', expectKey: input.expectKey };
		const current = row.get(field);
		if (input.value === null ? current === undefined : current === input.value) {
			return { ok: true, changed: false };
		}
		this.doc.transact(() => {
			if (input.value === null) row.delete(field);
			else row.set(field, input.value);
		}, LOCAL);
		return { ok: true, changed: true };
	}

	/**
	 * Write many cells in one transaction, so one undo step (a pasted range). Each value
	 * goes through `prepare` (by default what `setField` does with typed input); a cell
	 * that `setField` would refuse is refused here too, and nothing is written for it.
	 */
	setFields(
		cells: readonly { id: string; field: MemberField; raw: unknown }[],
		prepare: (field: MemberField, raw: unknown) => FieldInput = prepareFieldInput
	): {
		changed: number;
		refused: { index: number; result: Exclude<SetFieldResult, { ok: true }> }[];
	} {
		const refused: { index: number; result: Exclude<SetFieldResult, { ok: true }> }[] = [];
		const writes: { row: RowMap; field: MemberField; value: string | number | null }[] = [];
		cells.forEach(({ id, field, raw }, index) => {
			const refuse = (result: Exclude<SetFieldResult, { ok: true }>) =>
				refused.push({ index, result });
			if (this.readOnly) return refuse({ ok: false, reason: 'readOnly' });
			if (SERVER_OWNED_FIELDS.has(field)) return refuse({ ok: false, reason: 'serverOwned' });
			const row = this.members.get(id);
			if (!(row instanceof Y.Map)) return refuse({ ok: false, reason: 'noSuchRow' });
			if (isMerged(row)) return refuse({ ok: false, reason: 'merged' });
			const input = prepare(field, raw);
			if (!input.ok) return refuse({ ok: false, reason: 'invalid', expectKey: input.expectKey });
			const current = row.get(field);
			if (input.value === null ? current === undefined : current === input.value) return;
			writes.push({ row, field, value: input.value });
		});
		if (writes.length > 0) {
			this.doc.transact(() => {
				for (const w of writes) {
					if (w.value === null) w.row.delete(w.field);
					else w.row.set(w.field, w.value);
				}
			}, LOCAL);
		}
		return { changed: writes.length, refused };
	}

	/**
	 * Delete rows in one undo step. A member with a member number is kept (one number
	 * for life; the server guard would restore the row anyway), and so is a merged record.
	 */
	deleteMembers(ids: readonly string[]): { deleted: number; kept: number } {
		if (this.readOnly) return { deleted: 0, kept: 0 };
		const present = ids.filter((id) => this.members.has(id));
		const deletable = present.filter((id) => {
			const row = this.#rows.get(id);
			return row !== undefined && row.memberNo === undefined;
		});
		const kept = present.length - deletable.length;
		if (deletable.length > 0) {
			this.doc.transact(() => {
				for (const id of deletable) this.members.delete(id);
			}, LOCAL);
		}
		return { deleted: deletable.length, kept };
	}

	undo(): boolean {
		if (this.readOnly) return false;
		return this.undoManager.undo() !== null;
	}

	redo(): boolean {
		if (this.readOnly) return false;
		return this.undoManager.redo() !== null;
	}

	destroy(): void {
		for (const f of this.#offs.reverse()) f();
		this.#offs = [];
		this.#listeners.clear();
	}
}

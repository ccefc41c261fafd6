/**
 * The member file's own rows (contacts, activities, notes) of ONE member, as typed
 * stores over the registry doc's tables (layout: domain/contacts.ts), and the
 * duplicate index over the members store.
 *
 * A `ChildRows` keeps the ids of the member's rows and re-reads only rows that a
 * transaction touched, so a table of 100k contacts costs one scan when the file
 * opens, not one per edit. Writes go through the table's zod schema first (the
 * server guard applies the same schema), in `LOCAL` transactions.
 */
/* eslint-disable svelte/prefer-svelte-reactivity --
   Internal id sets are bookkeeping; the rows handed to the UI are $state. */
import * as Y from 'yjs';
import type { z } from 'zod';
import { activityFields, noteFields } from '$lib/domain/activities';
import { ACTIVITIES, contactFields, CONTACTS, NOTES } from '$lib/domain/contacts';
import type { MemberRow } from '$lib/domain/member';
import { buildMatchIndex, type DuplicateMatch, type MatchIndex } from '$lib/domain/normalize';
import { newRowId, normalizeDigits } from '$lib/domain/text';
import { parseUserDate } from '$lib/i18n/calendar';
import { LOCAL } from '$lib/sync/origins';
import { DOC, type Access, type SessionUser } from '$lib/domain/access';
import { openRoom, type Room } from '$lib/sync/room.svelte';
import { MembersStore } from './members.svelte';

export type ChildValue = string | number;
export type ChildRow = { id: string } & Record<string, ChildValue>;

/** How a typed value is read before validation. */
export type ChildFieldKind = 'text' | 'select' | 'phone' | 'email' | 'date' | 'number';

export interface ChildTable {
	name: string;
	fields: Readonly<Record<string, z.ZodType>>;
	kinds: Readonly<Record<string, ChildFieldKind>>;
	/** Newest first by default. */
	sort(a: ChildRow, b: ChildRow): number;
}

const byCreated = (a: ChildRow, b: ChildRow) =>
	String(b.createdAt ?? '').localeCompare(String(a.createdAt ?? ''));

export const CONTACTS_TABLE: ChildTable = {
	name: CONTACTS,
	fields: contactFields,
	kinds: { name: 'text', role: 'text', phone: 'phone', email: 'email', channel: 'select' },
	sort: (a, b) => String(a.createdAt ?? '').localeCompare(String(b.createdAt ?? ''))
};

export const ACTIVITIES_TABLE: ChildTable = {
	name: ACTIVITIES,
	fields: activityFields,
	kinds: { kind: 'select', title: 'text', date: 'date', hours: 'number', notes: 'text' },
	sort: (a, b) => String(b.date ?? '').localeCompare(String(a.date ?? '')) || byCreated(a, b)
};

export const NOTES_TABLE: ChildTable = {
	name: NOTES,
	fields: noteFields,
	kinds: { text: 'text' },
	sort: byCreated
};

export type ChildInput = { ok: true; value: ChildValue | null } | { ok: false };

/** From what a person typed to a value of `field` (null: clear it), or not valid. */
export function prepareChildInput(
	table: ChildTable,
	field: string,
	raw: unknown,
	calendar: 'gregory' | 'persian'
): ChildInput {
	const schema = table.fields[field];
	const kind = table.kinds[field];
	if (!schema || !kind) return { ok: false };
	if (raw === null || raw === undefined) return { ok: true, value: null };
	let v: unknown = raw;
	if (typeof v === 'string') {
		if (v.trim() === '') return { ok: true, value: null };
		if (kind !== 'text' && kind !== 'select') v = normalizeDigits(v).trim();
		if (kind === 'date') v = parseUserDate(v as string, calendar) ?? v;
		if (kind === 'number') {
			const n = Number((v as string).replace(',', '.').replace('٫', '.'));
			v = (v as string) !== '' && Number.isFinite(n) ? n : v;
		}
	}
	const r = schema.safeParse(v);
	return r.success ? { ok: true, value: r.data as ChildValue } : { ok: false };
}

function readRow(id: string, y: Y.Map<unknown>, table: ChildTable): ChildRow {
	const row: ChildRow = { id } as ChildRow;
	for (const [k, v] of y.entries()) {
		if (
			Object.prototype.hasOwnProperty.call(table.fields, k) &&
			(typeof v === 'string' || typeof v === 'number')
		) {
			row[k] = v;
		}
	}
	return row;
}

/** One member's rows of one child table, live. */
export class ChildRows {
	rows = $state<ChildRow[]>([]);
	readonly map: Y.Map<Y.Map<unknown>>;
	#ids = new Set<string>();
	#off: () => void;

	constructor(
		readonly doc: Y.Doc,
		readonly table: ChildTable,
		readonly memberId: string,
		private readonly isReadOnly: () => boolean
	) {
		this.map = doc.getMap(table.name);
		for (const [id, y] of this.map.entries()) {
			if (y instanceof Y.Map && y.get('memberId') === memberId) this.#ids.add(id);
		}
		this.#refresh();
		const onDeep = (events: Y.YEvent<Y.AbstractType<unknown>>[]) => {
			let touched = false;
			for (const e of events) {
				if (e.target === this.map && e instanceof Y.YMapEvent) {
					for (const k of e.keysChanged) {
						if (k === null) continue;
						touched = this.#track(k) || touched;
					}
				} else {
					const item = e.target._item;
					if (item && item.parent === this.map && typeof item.parentSub === 'string') {
						touched = this.#track(item.parentSub) || touched;
					}
				}
			}
			if (touched) this.#refresh();
		};
		this.map.observeDeep(onDeep);
		this.#off = () => this.map.unobserveDeep(onDeep);
	}

	/** Whether `id` belongs (or belonged) to this member. */
	#track(id: string): boolean {
		const y = this.map.get(id);
		const mine = y instanceof Y.Map && y.get('memberId') === this.memberId;
		const had = this.#ids.has(id);
		if (mine) this.#ids.add(id);
		else this.#ids.delete(id);
		return mine || had;
	}

	#refresh() {
		const out: ChildRow[] = [];
		for (const id of this.#ids) {
			const y = this.map.get(id);
			if (y instanceof Y.Map) out.push(readRow(id, y, this.table));
		}
		this.rows = out.sort(this.table.sort);
	}

	/** Add a row with the fields that are valid; returns its id (null when read-only). */
	add(fields: Record<string, unknown>, calendar: 'gregory' | 'persian'): string | null {
		if (this.isReadOnly()) return null;
		const id = newRowId();
		const values = new Map<string, ChildValue>([
			['memberId', this.memberId],
			['createdAt', new Date().toISOString()]
		]);
		for (const [k, raw] of Object.entries(fields)) {
			const r = prepareChildInput(this.table, k, raw, calendar);
			if (r.ok && r.value !== null) values.set(k, r.value);
		}
		this.doc.transact(() => {
			const y = new Y.Map<unknown>();
			this.map.set(id, y);
			for (const [k, v] of values) y.set(k, v);
		}, LOCAL);
		return id;
	}

	/** Write one field; false (and nothing written) when the value is not valid. */
	set(id: string, field: string, raw: unknown, calendar: 'gregory' | 'persian'): boolean {
		if (this.isReadOnly()) return false;
		const y = this.map.get(id);
		if (!(y instanceof Y.Map) || y.get('memberId') !== this.memberId) return false;
		const r = prepareChildInput(this.table, field, raw, calendar);
		if (!r.ok) return false;
		if ((r.value === null && !y.has(field)) || y.get(field) === r.value) return true;
		this.doc.transact(() => {
			if (r.value === null) y.delete(field);
			else y.set(field, r.value);
		}, LOCAL);
		return true;
	}

	remove(id: string): void {
		if (this.isReadOnly() || !this.#ids.has(id)) return;
		this.doc.transact(() => this.map.delete(id), LOCAL);
	}

	destroy(): void {
		this.#off();
	}
}

/**
 * Records that look like the same company, over the whole registry: an index built
 * once from the members store and kept up to date from its batches.
 */
export class DuplicateIndex {
	#index: MatchIndex;
	#off: () => void;
	/** Bumped on every change, so `$derived` lookups re-run. */
	version = $state(0);

	constructor(private readonly store: MembersStore) {
		this.#index = buildMatchIndex(store.rows());
		this.#off = store.subscribe((b) => {
			for (const r of [...b.add, ...b.update]) this.#index.set(r);
			for (const id of b.remove) this.#index.delete(id);
			this.version++;
		});
	}

	find(row: Pick<MemberRow, 'id' | 'name' | 'phone' | 'email'>): DuplicateMatch[] {
		void this.version;
		return this.#index.find(row);
	}

	destroy(): void {
		this.#off();
	}
}

/**
 * The registry room and its members store for a page other than the grid (the
 * member file, the merge page): local copy first, then the server.
 */
export class RegistryPage {
	readonly room: Room | null;
	store = $state<MembersStore | null>(null);
	loadError = $state(false);
	#destroyed = false;

	constructor(opts: {
		user: SessionUser;
		/** Null: no access at all (nothing is opened). */
		access: Access | null;
		readOnly: boolean;
		onLoaded?: (store: MembersStore, room: Room) => void;
	}) {
		this.room = opts.access
			? openRoom({ user: opts.user, room: `${opts.user.org}/${DOC.registry}` })
			: null;
		const room = this.room;
		room?.whenLoaded.then(
			() => {
				if (this.#destroyed) return;
				const store = new MembersStore({ doc: room.doc, readOnly: opts.readOnly });
				opts.onLoaded?.(store, room);
				this.store = store;
			},
			() => (this.loadError = true)
		);
	}

	destroy(): void {
		this.#destroyed = true;
		this.store?.destroy();
		void this.room?.destroy();
	}
}

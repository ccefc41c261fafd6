/**
 * This user's registry edits made while the room was not in step with the server
 * (offline, connecting, or with changes the server has not acknowledged), checked
 * once it is in step again [C21]:
 *
 *  - the member is gone: someone else deleted it meanwhile (the page's "not saved"
 *    notice, with the text);
 *  - the field no longer holds what this user wrote: a concurrent write by someone
 *    else won (Yjs picks one of concurrent writes, SPEC [C1]); the person is told
 *    whose value was kept and can write theirs again.
 *
 * Only fields this user wrote are checked, with the last value they wrote; a value
 * the history says this same user wrote (another tab or device) is not a conflict.
 * The edits are kept on the device (dexie `offlineEdits`, per user and room), so a
 * reload while offline still checks the edits made before it; logout deletes them
 * (sync/local-copies.ts).
 */
import { z } from 'zod';
import { isMemberField, type MemberField, type MemberRow } from '$lib/domain/member';
import type { HistoryEntryView } from '$lib/domain/history';
import { localDb, type OfflineEditRow } from '$lib/local/db';
import type { MemberBatch } from './members.svelte';

export type FieldValue = string | number | null;

/** One field this user wrote, with the value it holds after their last write. */
export interface OwnEdit {
	rowId: string;
	field: MemberField;
	/** The member's name then (for a notice about a member that is gone). */
	name: string;
	mine: FieldValue;
}

/** A field whose value is no longer the one this user wrote. */
export interface Overwritten extends OwnEdit {
	theirs: FieldValue;
}

/** Who wrote a field's current value, from the server's history. */
export interface LastWrite {
	userId: number | null;
	who: string | null;
	/** ISO date-time. */
	at: string;
}

/** The device's key of a user's edits in a room: `${userId}:${org}/${doc}`. */
export const offlineEditsKey = (userId: number, room: string) => `${userId}:${room}`;

export const editId = (rowId: string, field: string) => `${rowId}|${field}`;

/** A list split by member, in the order the members first appear. */
export function byRow<T extends { rowId: string }>(list: readonly T[]): Map<string, T[]> {
	const out = new Map<string, T[]>();
	for (const x of list) {
		const row = out.get(x.rowId);
		if (row) row.push(x);
		else out.set(x.rowId, [x]);
	}
	return out;
}

export const cell = (v: unknown): FieldValue =>
	typeof v === 'string' || typeof v === 'number' ? v : null;

/** The fields this user wrote in one of their own batches, as the rows hold them after it. */
export function ownEdits(b: MemberBatch): OwnEdit[] {
	if (!b.fields) return [];
	const out: OwnEdit[] = [];
	for (const row of b.update) {
		for (const field of b.fields.get(row.id) ?? []) {
			if (!isMemberField(field)) continue;
			out.push({
				rowId: row.id,
				field,
				name: row.name ?? '',
				mine: cell(row[field as keyof MemberRow])
			});
		}
	}
	return out;
}

/**
 * Compare the edits with the rows as they are now (`rowOf`: a live member, or
 * undefined when there is none): the members that are gone, and the fields that do
 * not hold what this user wrote.
 */
export function checkOwnEdits(
	edits: Iterable<OwnEdit>,
	rowOf: (id: string) => MemberRow | undefined
): { gone: OwnEdit[]; overwritten: Overwritten[] } {
	const gone: OwnEdit[] = [];
	const overwritten: Overwritten[] = [];
	for (const e of edits) {
		const row = rowOf(e.rowId);
		if (!row) {
			gone.push(e);
			continue;
		}
		const theirs = cell(row[e.field as keyof MemberRow]);
		if (theirs !== e.mine) overwritten.push({ ...e, name: row.name ?? e.name, theirs });
	}
	return { gone, overwritten };
}

/**
 * The newest write of `field` in the member's history (entries newest first, as the
 * API answers), if it wrote `value`; null when the history does not say who did.
 */
export function lastWriteOf(
	entries: readonly HistoryEntryView[],
	rowId: string,
	field: string,
	value: FieldValue
): LastWrite | null {
	for (const e of entries) {
		if (e.table !== 'members' || e.rowId !== rowId) continue;
		let written: unknown;
		if (e.kind === 'set' && e.field === field) written = e.to;
		else if (e.kind === 'create' && e.to && typeof e.to === 'object' && field in e.to)
			written = e.to[field];
		else continue;
		if (cell(written) !== value) return null;
		return { userId: e.user?.id ?? null, who: e.user?.name ?? null, at: e.at };
	}
	return null;
}

/**
 * The overwritten fields to tell this user about, with who wrote the kept value: a
 * value this same user wrote (another tab or device) is their own later choice.
 */
export function conflictsToTell(
	overwritten: readonly Overwritten[],
	writeOf: (o: Overwritten) => LastWrite | null,
	userId: number
): (Overwritten & { by: LastWrite | null })[] {
	const out: (Overwritten & { by: LastWrite | null })[] = [];
	for (const o of overwritten) {
		const by = writeOf(o);
		if (by?.userId === userId) continue;
		out.push({ ...o, by });
	}
	return out;
}

const storedEdit = z.object({
	rowId: z.string(),
	field: z.string().refine(isMemberField),
	name: z.string(),
	mine: z.union([z.string(), z.number()]).nullable()
});

/** The device's copy of the edits not checked yet, per `${userId}:${org}/${doc}`. */
export const offlineEditsStore = {
	async load(key: string): Promise<OwnEdit[]> {
		const rows = await localDb().offlineEdits.where('key').equals(key).toArray();
		const out: OwnEdit[] = [];
		// IndexedDB is a boundary: a row that does not parse is dropped.
		for (const r of rows) {
			const e = storedEdit.safeParse(r);
			if (e.success) out.push(e.data as OwnEdit);
		}
		return out;
	},
	async put(key: string, edits: readonly OwnEdit[]): Promise<void> {
		if (edits.length === 0) return;
		await localDb().offlineEdits.bulkPut(
			edits.map((e): OfflineEditRow => ({ id: `${key}|${editId(e.rowId, e.field)}`, key, ...e }))
		);
	},
	async remove(key: string, ids: readonly string[]): Promise<void> {
		if (ids.length === 0) return;
		await localDb().offlineEdits.bulkDelete(ids.map((id) => `${key}|${id}`));
	}
};

/**
 * Changes the server will never store ([C27] in CLIENT.md): this device wrote them in a
 * room while it could edit it (offline, or not yet sent), and the room is view-only now
 * (the user's roles changed meanwhile). The server drops a view connection's writes
 * ([RO1]), so they would stay on the device for ever, counted as waiting and shown as if
 * they counted. The room finds them against the server's state vector, notes what they
 * were, and the device's copy of the room is replaced by the server's.
 */
import * as Y from 'yjs';
import { z } from 'zod';
import { getSetting, localDb, setSetting } from '$lib/local/db';

/** A row of a table (a root map of rows) that holds something the server does not have. */
export interface UnsentRow {
	table: string;
	id: string;
	values: Record<string, unknown>;
}

/** A struct the server (its state vector) does not have. */
const unsent = (item: Y.Item, server: ReadonlyMap<number, number>) =>
	item.id.clock >= (server.get(item.id.client) ?? 0);

/** True when `doc` holds changes that a server with state vector `server` lacks. */
export function hasUnsent(doc: Y.Doc, server: ReadonlyMap<number, number>): boolean {
	for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(doc))) {
		if (clock > (server.get(client) ?? 0)) return true;
	}
	return false;
}

/**
 * The rows of `doc`'s root maps added or changed by structs the server lacks, with the
 * values this device shows. Deleted rows are left out (their values are not shown).
 */
export function unsentRows(doc: Y.Doc, server: ReadonlyMap<number, number>): UnsentRow[] {
	const out: UnsentRow[] = [];
	for (const [table, root] of doc.share) {
		for (const [id, item] of root._map) {
			if (item.deleted) continue;
			const row = item.content.getContent()[0];
			const fields = row instanceof Y.Map ? [...row._map.values()] : [];
			if (unsent(item, server) || fields.some((f) => unsent(f, server))) {
				out.push({ table, id, values: row instanceof Y.Map ? row.toJSON() : {} });
			}
		}
	}
	return out;
}

/** The fields of one member this user wrote out of step ([C21]), for the notice. */
const memberEdits = z.object({ name: z.string(), fields: z.array(z.string()) });
export type MemberEdits = z.infer<typeof memberEdits>;

const refusedNotice = z.object({
	/** `<org>/<doc>` */
	room: z.string(),
	at: z.number(),
	/** Rows added or changed. */
	count: z.number(),
	/** What they were, as the page that owned the room described them when it happened. */
	lines: z.array(z.string()),
	/** Registry fields written out of step, by member (worded when shown). */
	edits: z.array(memberEdits).optional(),
	/** The room is view-only now (absent: the same), or the roles no longer read it. */
	access: z.enum(['view', 'none']).optional()
});
export type RefusedNotice = z.infer<typeof refusedNotice>;

/** Member data (what was typed): deleted on logout with the local copies. */
export const refusedKey = (userId: number) => `refused:${userId}`;

/** The notices this user has not dismissed yet, oldest first. */
export async function readRefused(userId: number): Promise<RefusedNotice[]> {
	return (await getSetting(refusedKey(userId), z.array(refusedNotice))) ?? [];
}

export async function addRefused(userId: number, notice: RefusedNotice): Promise<void> {
	await setSetting(refusedKey(userId), [...(await readRefused(userId)), notice]);
}

/**
 * Offline edits ([C21]) grouped by member: one entry per member (its name when written),
 * each field once.
 */
export function editsByMember(
	edits: readonly { rowId: string; name: string; field: string }[]
): MemberEdits[] {
	const out = new Map<string, MemberEdits>();
	for (const e of edits) {
		const m = out.get(e.rowId) ?? { name: e.name, fields: [] };
		if (!m.fields.includes(e.field)) m.fields.push(e.field);
		out.set(e.rowId, m);
	}
	return [...out.values()];
}

/**
 * What this user changed in `room` (`<org>/<doc>`) that its server has not stored: how many
 * changes wait (pending marks; a field is one change) and the registry fields written out
 * of step, by member. Read before the room's copy is deleted, for the notice.
 */
export async function unsentOf(
	userId: number,
	room: string
): Promise<{ count: number; edits: MemberEdits[] }> {
	const key = `${userId}:${room}`;
	const db = localDb();
	const marks = await db.pending.where('room').equals(key).count();
	const noted = marks > 0 ? await db.offlineEdits.where('key').equals(key).toArray() : [];
	return { count: Math.max(marks, noted.length), edits: editsByMember(noted) };
}

export async function clearRefused(userId: number): Promise<void> {
	await localDb().settings.delete(refusedKey(userId));
}

/**
 * Commands that waited on this device (the outbox) and that the user's new roles may not
 * send ([C29]): dropped, and told until dismissed. Kept as the outbox held them (type,
 * member's name, target state), so the notice is worded in the reader's language.
 */
const droppedCommand = z.object({
	type: z.string(),
	label: z.string(),
	args: z.object({ to: z.string().optional() })
});
export type DroppedCommand = z.infer<typeof droppedCommand>;

/** Member data (the members' names): deleted on logout with the local copies. */
export const droppedCommandsKey = (userId: number) => `droppedCommands:${userId}`;

export async function readDroppedCommands(userId: number): Promise<DroppedCommand[]> {
	return (await getSetting(droppedCommandsKey(userId), z.array(droppedCommand))) ?? [];
}

export async function addDroppedCommands(
	userId: number,
	commands: readonly DroppedCommand[]
): Promise<void> {
	if (commands.length === 0) return;
	const kept = commands.map((c) => ({
		type: c.type,
		label: c.label,
		args: typeof c.args.to === 'string' ? { to: c.args.to } : {}
	}));
	await setSetting(droppedCommandsKey(userId), [...(await readDroppedCommands(userId)), ...kept]);
}

export async function clearDroppedCommands(userId: number): Promise<void> {
	await localDb().settings.delete(droppedCommandsKey(userId));
}

/**
 * What this device keeps of a user's data, and how to count and remove it.
 *
 * - The y-indexeddb databases, one per room, named `gh:<userId>:<org>/<doc>`: the
 *   local copy that opens instantly and offline.
 * - Marks of local changes the server has not stored yet (dexie `pending`), keyed
 *   by `<userId>:<org>/<doc>` so one user's logout does not touch another's.
 * - Rows cached for first paint (dexie `rowCaches`/`rowChunks`, row-cache.ts [C14]),
 *   keyed the same way: member data, so they go with the local copy.
 * - The fields the user wrote while out of step, not yet checked (dexie
 *   `offlineEdits`, state/offline-edits.ts [C21]), keyed the same way: member data too.
 * - What the server refused when a room became view-only, as typed (refused.ts [C27]),
 *   and the commands dropped when the roles changed ([C29]).
 *
 * Logout (in the app shell) asks `countPending()` before it warns, then calls
 * `deleteLocalCopies(userId)`. When the user's roles change while signed in, the
 * session calls `deleteRoomCopies` and `deleteGridViews` for the rooms the new roles
 * cannot read. A session that ends otherwise (expired, password reset, disabled)
 * deletes them when nothing waits to be sent, and a sign-in deletes every other
 * user's ([C25], session.svelte.ts).
 */
import { liveQuery } from 'dexie';
import { localDb } from '$lib/local/db';
import type { PendingStore } from './pending';
import { droppedCommandsKey, refusedKey } from './refused';
import { deleteRowCaches, rowCacheKey } from './row-cache';

/** The local copy's database name of a room for a user (local-store.ts). */
export const localCopyName = (userId: number, room: string) => `gh:${userId}:${room}`;
/** The key of a room's pending marks for a user. */
export const pendingKey = (userId: number, room: string) => `${userId}:${room}`;

/** Open rooms register a closer here, so deleting a copy can close it first. */
const openCopies = new Map<string, () => Promise<void>>();
export function registerOpenCopy(name: string, close: () => Promise<void>): () => void {
	openCopies.set(name, close);
	return () => {
		if (openCopies.get(name) === close) openCopies.delete(name);
	};
}

function deleteDatabase(name: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const req = indexedDB.deleteDatabase(name);
		req.onsuccess = () => resolve();
		req.onerror = () => reject(req.error);
		// Another tab still holds it open; it is deleted once that tab closes it.
		req.onblocked = () => resolve();
	});
}

/**
 * Close and delete the user's local copies (and pending marks) of the rooms `inRoom`
 * accepts; `inRoom` gets the room name `<org>/<doc>`.
 */
async function deleteCopies(userId: number, inRoom: (room: string) => boolean): Promise<void> {
	const prefix = localCopyName(userId, '');
	const ours = (name: string) => name.startsWith(prefix) && inRoom(name.slice(prefix.length));
	for (const [name, close] of [...openCopies]) {
		if (ours(name)) {
			openCopies.delete(name);
			await close();
		}
	}
	const dbs = typeof indexedDB.databases === 'function' ? await indexedDB.databases() : [];
	await Promise.all(
		dbs
			.map((d) => d.name)
			.filter((n): n is string => !!n && ours(n))
			.map(deleteDatabase)
	);
	const marks = pendingKey(userId, '');
	await localDb()
		.pending.filter((r) => r.room.startsWith(marks) && inRoom(r.room.slice(marks.length)))
		.delete();
}

/** Delete the user's local copies, pending marks and saved grid views on this device. */
export async function deleteLocalCopies(userId: number): Promise<void> {
	await localDb().views.where('id').startsWith(`${userId}:`).delete();
	await deleteCopies(userId, () => true);
	// Commands waiting to be sent (issue 4) are the user's data too.
	await localDb().outbox.where('userId').equals(userId).delete();
	await deleteRowCaches({ userId });
	await localDb().offlineEdits.where('key').startsWith(`${userId}:`).delete();
	// What the server refused, as typed ([C27], refused.ts).
	await localDb().settings.delete(refusedKey(userId));
	// Commands dropped when the roles changed, by member name ([C29], refused.ts).
	await localDb().settings.delete(droppedCommandsKey(userId));
}

/**
 * The grids whose layout is saved (dexie `views`, `<userId>:<grid>`, [C10]) by the doc
 * whose rows they show: a layout holds the quick search and filters typed, so it goes
 * with the doc's copy when the roles no longer read it ([C29]).
 */
const DOC_GRIDS: Readonly<Record<string, readonly string[]>> = { registry: ['members'] };

/**
 * The user's roles no longer let them read these rooms (`<org>/<doc>`): delete their
 * local copies, pending marks (the server refuses them now), cached rows, offline
 * edits waiting to be checked (they hold the values typed).
 */
export async function deleteRoomCopies(userId: number, rooms: readonly string[]): Promise<void> {
	if (rooms.length === 0) return;
	await deleteCopies(userId, (room) => rooms.includes(room));
	for (const room of rooms) {
		await deleteRowCaches({ key: rowCacheKey(userId, room) });
		await localDb().offlineEdits.where('key').equals(`${userId}:${room}`).delete();
	}
}

/** Delete the user's saved layouts of the grids that show these rooms' rows ([C29]). */
export async function deleteGridViews(userId: number, rooms: readonly string[]): Promise<void> {
	const grids = rooms.flatMap((room) => DOC_GRIDS[room.slice(room.indexOf('/') + 1)] ?? []);
	await localDb().views.bulkDelete(grids.map((grid) => `${userId}:${grid}`));
}

/** The user id at the start of a `<userId>:…` key or a `gh:<userId>:…` database name. */
const userIdOf = (key: string): number | null => {
	const m = /^(?:gh:)?([0-9]+):/.exec(key);
	return m ? Number(m[1]) : null;
};

/**
 * The users other than `userId` of whom this device holds anything (local copies, pending
 * marks, commands, cached rows, offline edits, grid views) [C25].
 */
export async function otherUsersOnDevice(userId: number): Promise<number[]> {
	const db = localDb();
	const dbs = typeof indexedDB.databases === 'function' ? await indexedDB.databases() : [];
	const keys = [
		...dbs.map((d) => d.name ?? ''),
		...((await db.pending.orderBy('room').uniqueKeys()) as string[]),
		...((await db.rowCaches.toCollection().primaryKeys()) as string[]),
		...((await db.offlineEdits.orderBy('key').uniqueKeys()) as string[]),
		...((await db.views.toCollection().primaryKeys()) as string[])
	];
	const ids = new Set<number>((await db.outbox.orderBy('userId').uniqueKeys()) as number[]);
	for (const key of keys) {
		const id = userIdOf(key);
		if (id !== null) ids.add(id);
	}
	ids.delete(userId);
	return [...ids];
}

/** Local changes on this device not yet stored by the server; of one user, or of everyone. */
export async function countPending(userId?: number): Promise<number> {
	const table = localDb().pending;
	const commands = localDb().outbox.filter(
		(r) => r.state === 'pending' && (userId === undefined || r.userId === userId)
	);
	if (userId === undefined) return (await table.count()) + (await commands.count());
	return (
		(await table.filter((r) => r.room.startsWith(`${userId}:`)).count()) + (await commands.count())
	);
}

export const dexiePendingStore: PendingStore = {
	async add({ room, client, clock }) {
		await localDb().pending.add({ room, client, clock, at: Date.now() });
	},
	async settle(room, acked) {
		// The server's sync step 1 can name thousands of clients; the marks of a room
		// are few, so filter them rather than query per client.
		await localDb()
			.pending.where('room')
			.equals(room)
			.filter((r) => {
				const a = acked.get(r.client);
				return a !== undefined && r.clock <= a;
			})
			.delete();
	},
	count: (room) => localDb().pending.where('room').equals(room).count()
};

/** Live count of a room's pending marks (updates across tabs too). Returns the unsubscribe. */
export function watchPending(room: string, onCount: (n: number) => void): () => void {
	const sub = liveQuery(() => localDb().pending.where('room').equals(room).count()).subscribe({
		next: onCount,
		error: () => onCount(0)
	});
	return () => sub.unsubscribe();
}

/**
 * Writing a checked import into the registry doc, and undoing it.
 *
 * Apply: the rows go in transactions of at most IMPORT_CHUNK_ROWS (5,000 rows,
 * about 3 MB of update): one transaction of 20,000 rows would be about 12 MB,
 * over the server's 8 MiB message limit, and this works whether or not the sync
 * layer splits large updates. Each chunk's transaction also writes its
 * `importParts` row (which rows it added, what the updated rows held before, and
 * the Yjs client and clock range of its writes), so every chunk is
 * self-describing; all chunks carry the same import id and are applied
 * back-to-back, yielding to the page between them for the progress bar. The
 * local copy (IndexedDB) holds every chunk as soon as it is applied and the
 * provider sends whatever the server lacks on reconnect, so the file reaches the
 * server whole.
 *
 * Undo: a row is put back only if nothing of it changed since the import: every
 * field the import wrote is still the item the import wrote (same client, clock in
 * the chunk's range, not deleted), and an added row has no field anyone else
 * wrote (a member number from an approval, an edit). Rows edited since are kept
 * and counted.
 */
import * as Y from 'yjs';
import {
	chunk,
	IMPORT_CHUNK_ROWS,
	IMPORT_PARTS_TABLE,
	readImportPart,
	ROW_ACTION,
	type BeforeValues,
	type ImportPart
} from '$lib/domain/import';
import { KEPT_STATUSES } from '$lib/domain/lifecycle';
import { MEMBER_STATUS } from '$lib/domain/member';
import { newRowId } from '$lib/domain/text';
import { IMPORT } from '$lib/sync/origins';
import { MEMBERS_MAP } from '$lib/state/members.svelte';
import type { PlannedRow } from './check';

type RowMap = Y.Map<unknown>;

export interface ApplyResult {
	added: number;
	updated: number;
	parts: number;
}

const nextClock = (doc: Y.Doc) => Y.getState(doc.store, doc.clientID);
const tick = () => new Promise<void>((r) => setTimeout(r, 0));

/** The rows that will be written (valid, not skipped) in chunk order. */
export function rowsToWrite(rows: readonly PlannedRow[]): PlannedRow[] {
	return rows.filter(
		(r) =>
			r.errors.length === 0 &&
			(r.action === ROW_ACTION.add || (r.action === ROW_ACTION.update && r.match))
	);
}

export function partCount(rows: readonly PlannedRow[]): number {
	return Math.ceil(rowsToWrite(rows).length / IMPORT_CHUNK_ROWS);
}

export async function applyImport(opts: {
	doc: Y.Doc;
	importId: string;
	rows: readonly PlannedRow[];
	chunkRows?: number;
	onProgress?: (done: number, total: number) => void;
}): Promise<ApplyResult> {
	const { doc, importId } = opts;
	const members = doc.getMap<RowMap>(MEMBERS_MAP);
	const parts = doc.getMap<RowMap>(IMPORT_PARTS_TABLE);
	const todo = rowsToWrite(opts.rows);
	const chunks = chunk(todo, opts.chunkRows ?? IMPORT_CHUNK_ROWS);
	const result: ApplyResult = { added: 0, updated: 0, parts: chunks.length };
	let done = 0;
	opts.onProgress?.(0, todo.length);
	for (const [n, rows] of chunks.entries()) {
		doc.transact(() => {
			const added: string[] = [];
			const updated: string[] = [];
			const before: BeforeValues = {};
			const clockStart = nextClock(doc);
			const now = new Date().toISOString();
			for (const r of rows) {
				const target = r.action === ROW_ACTION.update && r.match ? members.get(r.match.id) : null;
				if (target instanceof Y.Map) {
					const prev: Record<string, string | number | null> = {};
					for (const c of r.changes) {
						const old = target.get(c.field);
						prev[c.field] = typeof old === 'string' || typeof old === 'number' ? old : null;
						target.set(c.field, c.to);
					}
					if (r.changes.length > 0) {
						before[r.match!.id] = prev;
						updated.push(r.match!.id);
						result.updated++;
					}
				} else if (r.action === ROW_ACTION.add) {
					const id = newRowId();
					const row: RowMap = new Y.Map();
					members.set(id, row);
					row.set('createdAt', now);
					row.set('status', MEMBER_STATUS.prospect);
					for (const [k, v] of Object.entries(r.values)) row.set(k, v);
					added.push(id);
					result.added++;
				}
			}
			const clockEnd = nextClock(doc);
			const part: RowMap = new Y.Map();
			parts.set(`${importId}-${n}`, part);
			part.set('importId', importId);
			part.set('part', n);
			part.set('added', JSON.stringify(added));
			part.set('updated', JSON.stringify(updated));
			part.set('before', JSON.stringify(before));
			part.set('client', doc.clientID);
			part.set('clockStart', clockStart);
			part.set('clockEnd', clockEnd);
		}, IMPORT);
		done += rows.length;
		opts.onProgress?.(done, todo.length);
		await tick();
	}
	return result;
}

/** The import's parts found in the doc (a part not yet synced is missing). */
export function importParts(doc: Y.Doc, importId: string): ImportPart[] {
	const out: ImportPart[] = [];
	for (const [, row] of doc.getMap<RowMap>(IMPORT_PARTS_TABLE).entries()) {
		if (!(row instanceof Y.Map) || row.get('importId') !== importId) continue;
		const p = readImportPart(Object.fromEntries(row.entries()));
		if (p) out.push(p);
	}
	return out.sort((a, b) => a.part - b.part);
}

const writtenBy = (item: Y.Item | undefined, p: ImportPart): boolean =>
	!!item &&
	!item.deleted &&
	item.id.client === p.client &&
	item.id.clock >= p.clockStart &&
	item.id.clock < p.clockEnd;

export interface UndoPreview {
	/** Rows that can be removed (added) or put back (updated). */
	undoable: number;
	/** Rows someone changed since the import: kept as they are. */
	edited: number;
	/** Rows already gone (deleted since). */
	gone: number;
	/**
	 * Added rows now in a member state (verified, active, lapsed...): never deleted
	 * ([J1]); they stay, and staff move them out through the pipeline.
	 */
	members: number;
}

function planUndo(doc: Y.Doc, parts: readonly ImportPart[]) {
	const members = doc.getMap<RowMap>(MEMBERS_MAP);
	const remove: string[] = [];
	const restore: { id: string; before: Record<string, string | number | null> }[] = [];
	const preview: UndoPreview = { undoable: 0, edited: 0, gone: 0, members: 0 };
	for (const p of parts) {
		for (const id of p.added) {
			const row = members.get(id);
			if (!(row instanceof Y.Map)) {
				preview.gone++;
				continue;
			}
			// A member is kept whoever made it one: an approval writes its status and number,
			// so an approved row is never "untouched", and it is counted as a member, not as edited.
			if (KEPT_STATUSES.has(String(row.get('status')))) {
				preview.members++;
				continue;
			}
			const untouched =
				writtenBy(members._map.get(id), p) &&
				[...row._map.values()].every((it) => writtenBy(it, p));
			if (untouched) {
				remove.push(id);
				preview.undoable++;
			} else preview.edited++;
		}
		for (const id of p.updated) {
			const row = members.get(id);
			const before = p.before[id];
			if (!(row instanceof Y.Map) || !before) {
				preview.gone++;
				continue;
			}
			if (Object.keys(before).every((f) => writtenBy(row._map.get(f), p))) {
				restore.push({ id, before });
				preview.undoable++;
			} else preview.edited++;
		}
	}
	return { remove, restore, preview };
}

export function previewUndo(doc: Y.Doc, importId: string): UndoPreview {
	return planUndo(doc, importParts(doc, importId)).preview;
}

/** Undo what can be undone, in transactions of at most a chunk's size. */
export async function undoImport(opts: {
	doc: Y.Doc;
	importId: string;
	chunkRows?: number;
}): Promise<UndoPreview> {
	const { doc } = opts;
	const members = doc.getMap<RowMap>(MEMBERS_MAP);
	const { remove, restore, preview } = planUndo(doc, importParts(doc, opts.importId));
	const size = opts.chunkRows ?? IMPORT_CHUNK_ROWS;
	for (const ids of chunk(remove, size)) {
		doc.transact(() => {
			for (const id of ids) members.delete(id);
		}, IMPORT);
		await tick();
	}
	for (const rows of chunk(restore, size)) {
		doc.transact(() => {
			for (const r of rows) {
				const row = members.get(r.id);
				if (!(row instanceof Y.Map)) continue;
				for (const [f, v] of Object.entries(r.before)) {
					if (v === null) row.delete(f);
					else row.set(f, v);
				}
			}
		}, IMPORT);
		await tick();
	}
	return preview;
}

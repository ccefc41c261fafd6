/**
 * A grid's layout on this device, per user: column order, widths, visibility, sort
 * and filters, plus the quick search. Kept in dexie `views` under `<userId>:<grid>`
 * and parsed when read (an old or damaged row reads as "no saved view").
 */
import { z } from 'zod';
import type { ColDef, ColumnState } from 'ag-grid-community';
import { localDb } from '$lib/local/db';

const columnState = z
	.object({
		colId: z.string(),
		width: z.number().optional(),
		hide: z.boolean().nullable().optional(),
		pinned: z.enum(['left', 'right']).nullable().optional(),
		sort: z.enum(['asc', 'desc']).nullable().optional(),
		sortIndex: z.number().nullable().optional(),
		flex: z.number().nullable().optional()
	})
	.loose();

const savedView = z.object({
	columnState: z.array(columnState).nullable(),
	filterModel: z.record(z.string(), z.unknown()).nullable(),
	quickFilter: z.string().max(500)
});
export type SavedView = {
	columnState: ColumnState[] | null;
	filterModel: Record<string, unknown> | null;
	quickFilter: string;
};

export const viewId = (userId: number, grid: string) => `${userId}:${grid}`;

export async function loadView(id: string): Promise<SavedView | null> {
	try {
		const row = await localDb().views.get(id);
		if (!row) return null;
		const r = savedView.safeParse(row);
		return r.success ? (r.data as SavedView) : null;
	} catch {
		return null;
	}
}

export async function saveView(id: string, view: SavedView): Promise<void> {
	try {
		await localDb().views.put({ id, ...view, updatedAt: Date.now() });
	} catch {
		/* no IndexedDB: the layout lasts for this page only */
	}
}

export async function clearView(id: string): Promise<void> {
	try {
		await localDb().views.delete(id);
	} catch {
		/* nothing saved */
	}
}

/**
 * `defs` laid out as a saved column state says: its order, widths, visibility, pinning
 * and sort, for `createGrid` to start with. Applying the state after the grid is made
 * (`applyColumnState`) laid out and drew every visible row a second time (150 ms of a
 * 1.6 s open at 10k rows). Columns the state does not know (new in this version) follow
 * the known ones in their own order; state for columns that no longer exist is ignored.
 */
export function withColumnState<T>(defs: ColDef<T>[], state: ColumnState[] | null): ColDef<T>[] {
	if (!state || state.length === 0) return defs;
	const saved = new Map(state.map((s, i) => [s.colId, { s, i }]));
	const known: { def: ColDef<T>; i: number }[] = [];
	const added: ColDef<T>[] = [];
	for (const def of defs) {
		const hit = def.colId === undefined ? undefined : saved.get(def.colId);
		if (!hit) {
			added.push(def);
			continue;
		}
		const { s, i } = hit;
		const out: ColDef<T> = { ...def };
		if (s.width != null) out.width = s.width;
		if (s.hide != null) out.hide = s.hide;
		if (s.pinned !== undefined) out.pinned = s.pinned;
		if (s.sort !== undefined) out.sort = s.sort;
		if (s.sortIndex !== undefined) out.sortIndex = s.sortIndex;
		if (s.flex != null) out.flex = s.flex;
		known.push({ def: out, i });
	}
	known.sort((a, b) => a.i - b.i);
	return [...known.map((k) => k.def), ...added];
}

/**
 * A grid's layout on this device, per user: column order, widths, visibility, sort
 * and filters, plus the quick search. Kept in dexie `views` under `<userId>:<grid>`
 * and parsed when read (an old or damaged row reads as "no saved view").
 */
import { z } from 'zod';
import type { ColumnState } from 'ag-grid-community';
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

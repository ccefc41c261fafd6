/**
 * The member history as the API returns it (`GET /api/<org>/members/<rowId>/history`):
 * per-field changes derived by the server from its update log (server/history.ts).
 */
import { z } from 'zod';
import { ROW_ID_PATTERN } from './member';

const primitive = z.union([z.string(), z.number(), z.boolean()]);
const value = z.union([primitive, z.record(z.string(), primitive)]).nullable();

export const historyEntry = z.object({
	seq: z.number().int(),
	/** ISO date-time. */
	at: z.string(),
	/** Null: the server itself (e.g. a migration). */
	user: z.object({ id: z.number().int(), name: z.string() }).nullable(),
	memberId: z.string(),
	table: z.string(),
	rowId: z.string(),
	kind: z.enum(['create', 'set', 'delete']),
	field: z.string().nullable(),
	from: value,
	to: value
});
export type HistoryEntryView = z.infer<typeof historyEntry>;

export const historyResponse = z.object({
	entries: z.array(historyEntry),
	/** The member and the records merged into it, whose entries are included. */
	memberIds: z.array(z.string()),
	/** False while the server is still indexing a long log: ask again. */
	complete: z.boolean(),
	progress: z.object({ indexed: z.number(), total: z.number() }),
	/** Pass as `before` for older entries; null when there are none. */
	next: z.number().int().nullable()
});
export type HistoryResponse = z.infer<typeof historyResponse>;

export const HISTORY_PAGE = 200;

export const historyQuery = z.object({
	before: z.coerce.number().int().positive().optional(),
	limit: z.coerce.number().int().min(1).max(1000).default(HISTORY_PAGE)
});

export const isRowId = (s: string): boolean => ROW_ID_PATTERN.test(s);

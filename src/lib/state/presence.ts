/**
 * Who else is on which cell, from the room's awareness states.
 *
 * Awareness state (presence only, never stored in the doc):
 *   { user: { id, username, name, color }, cell: { rowId, field } | null }
 * Peers are untrusted: states are parsed, the colour must be a hex colour (it ends
 * up in a style), and names are shown as text only.
 *
 * `apply()` returns the cells whose presence changed, so the grid refreshes only
 * those cells.
 */
import { z } from 'zod';

const presenceState = z.object({
	user: z.object({
		id: z.number().int(),
		username: z.string().min(1).max(64),
		name: z.string().min(1).max(100),
		color: z.string().regex(/^#[0-9a-fA-F]{6}$/)
	}),
	cell: z
		.object({ rowId: z.string().min(1).max(64), field: z.string().min(1).max(64) })
		.nullable()
		.optional()
});

export interface PresencePeer {
	clientId: number;
	username: string;
	name: string;
	color: string;
}
export interface CellRef {
	rowId: string;
	field: string;
}

const keyOf = (c: CellRef) => `${c.rowId}\u0000${c.field}`;

export class PresenceIndex {
	#byClient = new Map<number, { peer: PresencePeer; cell: CellRef | null }>();
	#byCell = new Map<string, PresencePeer[]>();

	constructor(readonly ownClientId: number) {}

	/** Peers on a cell, in client order (stable between refreshes). */
	at(rowId: string, field: string): readonly PresencePeer[] {
		return this.#byCell.get(keyOf({ rowId, field })) ?? [];
	}

	/** Replace the view with the given awareness states; returns the cells that changed. */
	apply(states: ReadonlyMap<number, unknown>): CellRef[] {
		const next = new Map<number, { peer: PresencePeer; cell: CellRef | null }>();
		for (const [clientId, raw] of states) {
			if (clientId === this.ownClientId) continue;
			const p = presenceState.safeParse(raw);
			if (!p.success) continue;
			const { user, cell } = p.data;
			next.set(clientId, {
				peer: { clientId, username: user.username, name: user.name, color: user.color },
				cell: cell ?? null
			});
		}
		const touched = new Map<string, CellRef>();
		const same = (a: PresencePeer, b: PresencePeer) =>
			a.username === b.username && a.name === b.name && a.color === b.color;
		for (const [id, old] of this.#byClient) {
			const now = next.get(id);
			const moved =
				!now ||
				!same(old.peer, now.peer) ||
				(old.cell ? keyOf(old.cell) : '') !== (now.cell ? keyOf(now.cell) : '');
			if (moved) {
				if (old.cell) touched.set(keyOf(old.cell), old.cell);
				if (now?.cell) touched.set(keyOf(now.cell), now.cell);
			}
		}
		for (const [id, now] of next) {
			if (!this.#byClient.has(id) && now.cell) touched.set(keyOf(now.cell), now.cell);
		}
		this.#byClient = next;
		this.#byCell = new Map();
		for (const [, { peer, cell }] of [...next].sort((a, b) => a[0] - b[0])) {
			if (!cell) continue;
			const k = keyOf(cell);
			const list = this.#byCell.get(k);
			if (list) list.push(peer);
			else this.#byCell.set(k, [peer]);
		}
		return [...touched.values()];
	}
}

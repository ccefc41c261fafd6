/**
 * Who removed a member, for the notice that tells a person their edit to it was not
 * saved: the server's history of the row (its log says who deleted it). Null when it
 * cannot say (offline, no access to the history, not found): the notice then says
 * "someone else".
 */
import { historyResponse } from '$lib/domain/history';

export async function whoDeleted(org: string, rowId: string): Promise<string | null> {
	try {
		const res = await fetch(
			`/api/${encodeURIComponent(org)}/members/${encodeURIComponent(rowId)}/history?limit=20`,
			{ credentials: 'same-origin' }
		);
		if (!res.ok) return null;
		const body = historyResponse.safeParse(await res.json());
		if (!body.success) return null;
		const gone = body.data.entries.find(
			(e) => e.kind === 'delete' && e.table === 'members' && e.rowId === rowId
		);
		return gone?.user?.name ?? null;
	} catch {
		return null;
	}
}

/**
 * What the server's history of a member says, for the notices about this user's edits
 * that did not stay ([C21]): who removed a member, and who wrote the value that replaced
 * theirs, and when. Null when it cannot say (offline, no access to the history, not
 * found): the notice then says "someone else".
 */
import { historyResponse, type HistoryEntryView } from '$lib/domain/history';
import { lastWriteOf, type LastWrite, type Overwritten } from '$lib/state/offline-edits';

/** A long log is indexed in steps ([H3]): ask again a few times while it is not complete. */
const HISTORY_TRIES = 5;
const HISTORY_RETRY_MS = 500;

/** The member's newest history entries (newest first), or null. */
async function recentHistory(org: string, rowId: string): Promise<HistoryEntryView[] | null> {
	const url = `/api/${encodeURIComponent(org)}/members/${encodeURIComponent(rowId)}/history?limit=50`;
	for (let tries = 1; ; tries++) {
		try {
			const res = await fetch(url, { credentials: 'same-origin' });
			if (!res.ok) return null;
			const body = historyResponse.safeParse(await res.json());
			if (!body.success) return null;
			if (body.data.complete || tries >= HISTORY_TRIES) return body.data.entries;
		} catch {
			return null;
		}
		await new Promise((r) => setTimeout(r, HISTORY_RETRY_MS));
	}
}

export async function whoDeleted(org: string, rowId: string): Promise<string | null> {
	const entries = await recentHistory(org, rowId);
	const gone = entries?.find(
		(e) => e.kind === 'delete' && e.table === 'members' && e.rowId === rowId
	);
	return gone?.user?.name ?? null;
}

/** Who wrote the value each overwritten field of one member holds now (one request). */
export async function whoWrote(
	org: string,
	rowId: string,
	fields: readonly Overwritten[]
): Promise<Map<string, LastWrite | null>> {
	const entries = (await recentHistory(org, rowId)) ?? [];
	return new Map(fields.map((o) => [o.field, lastWriteOf(entries, rowId, o.field, o.theirs)]));
}

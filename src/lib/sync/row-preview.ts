/**
 * A first look at the registry from the server [C20] (docs/CLIENT.md; SPEC [R7]).
 *
 * A device with no rows cached for first paint (a new device, or one whose cache was
 * never written) would show nothing until the room's whole state has arrived and been
 * applied: at 100k members that is tens of megabytes of Yjs updates and seconds of
 * `Y.applyUpdate`. The server keeps the registry's rows as plain objects anyway, so
 * it sends them as JSON; the page shows them read-only, like cached rows [C14], and
 * the doc replaces them once in step.
 */
import { readRowsJson } from '$lib/domain/rows-json';

/** Where a room's rows are answered; only the registry's members have a preview. */
export const previewUrl = (org: string) => `/api/${encodeURIComponent(org)}/members`;

/**
 * The server's member rows, unchecked (the caller checks each row: the network is a
 * boundary), or null: offline, not signed in, no access, the server not ready, a
 * broken answer, aborted. A null only means the page waits for the sync as before.
 */
export async function fetchRowPreview(org: string, signal: AbortSignal): Promise<unknown[] | null> {
	if (typeof navigator !== 'undefined' && !navigator.onLine) return null;
	try {
		const res = await fetch(previewUrl(org), { credentials: 'same-origin', signal });
		if (!res.ok) return null;
		return readRowsJson(await res.json());
	} catch (e) {
		if (!signal.aborted) console.warn('Guildhall: no first look at the registry', e);
		return null;
	}
}

/**
 * Who-columns (the Entries page's "Recorded by", the recruitment rounds' "By") show a
 * user's display name, as presence and the member history do; rows store the username
 * ([L9], [RC8]). The names come from `GET /api/users/names`, asked once per user signed
 * in on this page and kept in memory. Until it answers, offline, or for a user not
 * listed, a username reads as itself.
 */
import { userNames } from '$lib/domain/access';

let names = $state.raw<Record<string, string>>({});
/** Whose session the names were asked for (another user signing in asks again). */
let askedFor: number | null = null;

async function ask(userId: number): Promise<void> {
	askedFor = userId;
	try {
		const r = await fetch('/api/users/names', {
			credentials: 'same-origin',
			headers: { accept: 'application/json' }
		});
		const body = userNames.safeParse(r.ok ? await r.json() : null);
		if (body.success && askedFor === userId) names = body.data.names;
		else if (askedFor === userId) askedFor = null;
	} catch {
		// Offline: usernames for now; the next page that needs a name asks again.
		if (askedFor === userId) askedFor = null;
	}
}

/** The name to show for `username`, asked for `userId`'s organisation. */
export function userName(username: string | undefined, userId: number): string {
	if (!username) return '';
	if (askedFor !== userId) void ask(userId);
	return names[username] ?? username;
}

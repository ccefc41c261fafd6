/**
 * The member history endpoint (issue 4, member file):
 *
 *   GET /api/<org>/members/<rowId>/history[?before=<seq>&limit=<n>]
 *     → 200 HistoryResponse (src/lib/domain/history.ts), newest first
 *
 * Only people who edit the registry (admin, staff, approver) read it: it says which
 * staff member changed what, which board and finance users do not see; everyone
 * else, and another organisation, gets 403. Entries come from the server's update
 * log through the history index (server/history.ts), never from the doc.
 */
import { accessFor, DOC } from '../../src/lib/domain/access';
import { historyQuery, isRowId, type HistoryResponse } from '../../src/lib/domain/history';
import { HistoryIndex, type HistoryTuning } from '../history';
import { HttpError, parse, send, type ApiRoute, methodNotAllowed } from '../http';
import type { AreaDeps } from './index';

export function requireRegistryEditor(
	user: { org: string; roles: Parameters<typeof accessFor>[1] },
	org: string,
	what: string
): void {
	if (user.org !== org || accessFor(DOC.registry, user.roles) !== 'edit') {
		throw new HttpError(
			403,
			'forbidden',
			`Only staff who edit the member registry can ${what}. Ask an administrator for that role.`
		);
	}
}

export function historyRoutes(deps: AreaDeps, tuning: Partial<HistoryTuning> = {}): ApiRoute[] {
	const index = new HistoryIndex(deps.store, tuning);
	return [
		{
			pattern: /^\/api\/([^/]+)\/members\/([^/]+)\/history$/,
			async handle(ctx) {
				if (ctx.method !== 'GET') {
					throw methodNotAllowed('GET');
				}
				const { user } = await ctx.requireUser();
				const org = decodeURIComponent(ctx.match[1]);
				const memberId = decodeURIComponent(ctx.match[2]);
				requireRegistryEditor(user, org, "read a member's history");
				if (!isRowId(memberId)) {
					throw new HttpError(404, 'not_found', 'There is no such member. Reload the registry.');
				}
				const url = new URL(ctx.req.url ?? '/', 'http://x');
				const q = parse(historyQuery, Object.fromEntries(url.searchParams), 'history request');
				const room = `${org}/${DOC.registry}`;
				const progress = await index.catchUp(room);
				const memberIds = await index.withMerged(room, memberId);
				const rows = await deps.store.history.list(room, memberIds, {
					beforeSeq: q.before,
					limit: q.limit + 1
				});
				const more = rows.length > q.limit;
				let page = more ? rows.slice(0, q.limit) : rows;
				let next: number | null = null;
				if (more) {
					// One log row can make several entries: never split it across pages.
					const oldest = page[page.length - 1].seq;
					const whole = page.filter((e) => e.seq > oldest);
					if (whole.length > 0) {
						page = whole;
						next = oldest + 1;
					} else next = oldest;
				}
				if (page.length === 0 && progress.complete && !index.knows(room, memberId)) {
					throw new HttpError(404, 'not_found', 'There is no such member. Reload the registry.');
				}
				const names = new Map<number, string>();
				for (const id of new Set(page.map((e) => e.userId))) {
					if (id === null) continue;
					const u = await deps.store.getUserById(id);
					names.set(id, u ? (u.displayName ?? u.username) : `#${id}`);
				}
				const body: HistoryResponse = {
					entries: page.map((e) => ({
						seq: e.seq,
						at: new Date(e.at).toISOString(),
						user: e.userId === null ? null : { id: e.userId, name: names.get(e.userId)! },
						memberId: e.memberId,
						table: e.table,
						rowId: e.rowId,
						kind: e.kind,
						field: e.field,
						from: e.from,
						to: e.to
					})),
					memberIds,
					complete: progress.complete,
					progress: { indexed: progress.indexedSeq, total: progress.lastSeq },
					next
				};
				send(ctx.res, 200, body);
			}
		}
	];
}

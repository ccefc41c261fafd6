/**
 * The merge command (issue 4, duplicates):
 *
 *   POST /api/<org>/members/merge  { survivorId, mergedId, choose: { field: 'survivor'|'merged' } }
 *     → 200 { survivorId, mergedId, moved: { contacts, activities, notes }, done }
 *
 * Registry editors only (403 otherwise). The decision is planMerge (domain/merge.ts);
 * here it is applied in ONE server transaction on the registry doc, stored in the log
 * as the person who asked: the survivor's chosen fields, the merged record's
 * `mergedInto`/`mergedAt` (it stays, frozen, with its number) and the move of its
 * contacts, activities and notes. The answer comes once that change is committed to
 * the log (a failing store: 503, the change undone). Sending the same merge again
 * answers `done: true` and changes nothing.
 */
import * as Y from 'yjs';
import { DOC } from '../../src/lib/domain/access';
import { MEMBER_FILE_TABLE_NAMES } from '../../src/lib/domain/contacts';
import { mergeRequest, planMerge, type MergeError } from '../../src/lib/domain/merge';
import { MEMBERS } from '../guard';
import { HttpError, parse, readJson, send, type ApiRoute, methodNotAllowed } from '../http';
import { requireRegistryEditor } from './history';
import type { AreaDeps } from './index';

const MESSAGES: Record<MergeError, [number, string]> = {
	same: [400, 'A record cannot be merged with itself. Choose two different records.'],
	notFound: [404, 'One of the two records does not exist (any more). Reload the registry.'],
	alreadyMerged: [
		409,
		'That record has already been merged into another one. Open the record it was merged into.'
	],
	survivorMerged: [
		409,
		'The record to keep has itself been merged into another one. Merge into that one instead.'
	],
	numberedMustSurvive: [
		400,
		'Only the other record has a member number, and a member number never moves: keep that record and merge this one into it.'
	]
};

const valuesOf = (m: unknown): Record<string, unknown> | null =>
	m instanceof Y.Map ? (m.toJSON() as Record<string, unknown>) : null;

export function mergeRoutes(deps: AreaDeps): ApiRoute[] {
	return [
		{
			pattern: /^\/api\/([^/]+)\/members\/merge$/,
			async handle(ctx) {
				if (ctx.method !== 'POST') {
					throw methodNotAllowed('POST');
				}
				const { user } = await ctx.requireUser();
				const org = decodeURIComponent(ctx.match[1]);
				requireRegistryEditor(user, org, 'merge member records');
				const body = parse(mergeRequest, await readJson(ctx.req), 'merge request');
				// Answered once the change is in the log: a 200 is never lost by a restart.
				const result = await deps.rooms
					.withRoom(`${org}/${DOC.registry}`, (room) =>
						room.transactAsServerStored((doc) => {
							const members = doc.getMap<unknown>(MEMBERS);
							const survivor = members.get(body.survivorId);
							const merged = members.get(body.mergedId);
							const plan = planMerge({
								survivorId: body.survivorId,
								mergedId: body.mergedId,
								survivor: valuesOf(survivor),
								merged: valuesOf(merged),
								choose: body.choose
							});
							if (!plan.ok) return plan;
							const moved: Record<string, number> = {};
							for (const t of MEMBER_FILE_TABLE_NAMES) moved[t] = 0;
							if (plan.done) return { ...plan, moved };
							const s = survivor as Y.Map<unknown>;
							const m = merged as Y.Map<unknown>;
							for (const [field, value] of Object.entries(plan.survivor)) {
								if (value === null) s.delete(field);
								else s.set(field, value);
							}
							m.set('mergedInto', body.survivorId);
							m.set('mergedAt', new Date().toISOString());
							for (const t of MEMBER_FILE_TABLE_NAMES) {
								for (const row of doc.getMap<unknown>(t).values()) {
									if (row instanceof Y.Map && row.get('memberId') === body.mergedId) {
										row.set('memberId', body.survivorId);
										moved[t]++;
									}
								}
							}
							return { ...plan, moved };
						}, user.id)
					)
					.catch((err: unknown) => {
						console.error('Guildhall: could not store a merge', err);
						throw new HttpError(
							503,
							'store_failed',
							'The server could not save the merge, so nothing was changed. Try again; if this keeps happening, tell an administrator.'
						);
					});
				if (!result.ok) {
					const [status, message] = MESSAGES[result.error];
					throw new HttpError(status, `merge_${result.error}`, message);
				}
				send(ctx.res, 200, {
					survivorId: body.survivorId,
					mergedId: body.mergedId,
					moved: result.moved,
					done: result.done
				});
			}
		}
	];
}

/**
 * The import record (issue 8). An import is registered here before its rows are
 * written, and marked undone here, so that who and when are the server's and no
 * client can forge them; the `imports` table of the registry is server-owned.
 * The rows themselves are written by the importing client in chunk transactions
 * (see src/lib/domain/import.ts), each with its `importParts` row.
 *
 *   POST /api/<org>/imports             (registry editors) importStart → 201 { import }
 *   POST /api/<org>/imports/<id>/done   (registry editors) → 200 { import }
 *   POST /api/<org>/imports/<id>/undone (registry editors) → 200 { import }
 */
import * as Y from 'yjs';
import { accessFor, DOC } from '../../src/lib/domain/access';
import {
	IMPORT_STATUS,
	IMPORTS_TABLE,
	importStart,
	type ImportRecord
} from '../../src/lib/domain/import';
import {
	HttpError,
	parse,
	readJson,
	send,
	type ApiRoute,
	type RouteContext,
	methodNotAllowed
} from '../http';
import { requireOwnOrg } from './exports';
import type { AreaDeps } from './index';

const toRecord = (id: string, row: Y.Map<unknown>): ImportRecord =>
	({ id, ...Object.fromEntries(row.entries()) }) as ImportRecord;

async function requireEditor(ctx: RouteContext, org: string) {
	const a = await ctx.requireUser();
	requireOwnOrg(org, a.user.org);
	if (accessFor(DOC.registry, a.user.roles) !== 'edit') {
		throw new HttpError(
			403,
			'forbidden',
			'Only people who edit the member registry can import. Ask an administrator for the staff role.'
		);
	}
	return a.user;
}

export function importsRoutes(deps: AreaDeps): ApiRoute[] {
	return [
		{
			pattern: /^\/api\/([a-z0-9][a-z0-9-]{0,62})\/imports$/,
			async handle(ctx) {
				if (ctx.method !== 'POST') {
					throw methodNotAllowed('POST');
				}
				const org = ctx.match[1];
				const user = await requireEditor(ctx, org);
				const body = parse(importStart, await readJson(ctx.req), 'import');
				const record = await deps.rooms.withRoom(`${org}/${DOC.registry}`, (room) =>
					room.transactAsServer((doc) => {
						const imports = doc.getMap<Y.Map<unknown>>(IMPORTS_TABLE);
						const existing = imports.get(body.id);
						// A retry of the same registration is harmless.
						if (existing instanceof Y.Map) return toRecord(body.id, existing);
						const row = new Y.Map<unknown>();
						imports.set(body.id, row);
						const fields: Record<string, string | number> = {
							fileName: body.fileName,
							byId: user.id,
							byName: user.displayName ?? user.username,
							at: new Date().toISOString(),
							status: IMPORT_STATUS.open,
							parts: body.parts,
							added: body.added,
							updated: body.updated,
							skipped: body.skipped,
							rejected: body.rejected
						};
						for (const [k, v] of Object.entries(fields)) row.set(k, v);
						return toRecord(body.id, row);
					})
				);
				send(ctx.res, 201, { import: record });
			}
		},
		{
			pattern: /^\/api\/([a-z0-9][a-z0-9-]{0,62})\/imports\/([A-Za-z0-9_-]{8,64})\/(done|undone)$/,
			async handle(ctx) {
				if (ctx.method !== 'POST') {
					throw methodNotAllowed('POST');
				}
				const [, org, id, what] = ctx.match;
				const user = await requireEditor(ctx, org);
				const record = await deps.rooms.withRoom(`${org}/${DOC.registry}`, (room) =>
					room.transactAsServer((doc) => {
						const row = doc.getMap<Y.Map<unknown>>(IMPORTS_TABLE).get(id);
						if (!(row instanceof Y.Map)) return null;
						const status = row.get('status');
						if (what === 'done' && status === IMPORT_STATUS.open) {
							row.set('status', IMPORT_STATUS.done);
						} else if (what === 'undone' && status !== IMPORT_STATUS.undone) {
							row.set('status', IMPORT_STATUS.undone);
							row.set('undoneAt', new Date().toISOString());
							row.set('undoneById', user.id);
							row.set('undoneByName', user.displayName ?? user.username);
						}
						return toRecord(id, row);
					})
				);
				if (!record) {
					throw new HttpError(404, 'not_found', 'There is no such import. Reload the page.');
				}
				send(ctx.res, 200, { import: record });
			}
		}
	];
}

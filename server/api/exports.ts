/**
 * The export log (issue 8). Member data is confidential (seed 001, art. 1): the
 * client records every export here BEFORE it hands the file over, and refuses to
 * export when this call fails.
 *
 *   POST /api/<org>/exports   (anyone who may see the registry) exportLogInput → 201 { entry }
 *   GET  /api/<org>/exports   (admin) ?limit=&before= → 200 { entries } newest first
 *
 * Who and when are the server's: the signed-in user and the server clock.
 */
import { accessFor, DOC } from '../../src/lib/domain/access';
import {
	exportLogInput,
	type ExportLogEntry,
	type ExportLogInput
} from '../../src/lib/domain/export';
import { HttpError, parse, readJson, send, type ApiRoute, methodNotAllowed } from '../http';
import type { AreaDeps } from './index';

export function requireOwnOrg(org: string, userOrg: string): void {
	if (org !== userOrg) {
		throw new HttpError(404, 'not_found', 'There is no such organisation. Reload the app.');
	}
}

/**
 * Record one export of member data ([IE1]): who and when from the session and the
 * server clock. Call it before the file is handed over; when it fails, no file.
 */
export function recordExport(
	deps: AreaDeps,
	opts: {
		org: string;
		user: { id: number; username: string; displayName?: string | null };
		input: ExportLogInput;
	}
): Promise<ExportLogEntry> {
	return deps.store.appendExportLog({
		...opts.input,
		org: opts.org,
		userId: opts.user.id,
		userName: opts.user.displayName ?? opts.user.username,
		at: new Date().toISOString()
	});
}

const positiveInt = (s: string | null, fallback: number | undefined) => {
	if (s === null || s === '') return fallback;
	const n = Number(s);
	if (!Number.isSafeInteger(n) || n < 1) {
		throw new HttpError(400, 'invalid_input', 'Paging values must be positive whole numbers.');
	}
	return n;
};

export function exportsRoutes(deps: AreaDeps): ApiRoute[] {
	return [
		{
			pattern: /^\/api\/([a-z0-9][a-z0-9-]{0,62})\/exports$/,
			async handle(ctx) {
				const org = ctx.match[1];
				if (ctx.method === 'POST') {
					const { user } = await ctx.requireUser();
					requireOwnOrg(org, user.org);
					if (!accessFor(DOC.registry, user.roles)) {
						throw new HttpError(
							403,
							'forbidden',
							'You have no access to the member registry, so you cannot export it.'
						);
					}
					const body = parse(exportLogInput, await readJson(ctx.req), 'export');
					const entry = await recordExport(deps, { org, user, input: body });
					send(ctx.res, 201, { entry });
					return;
				}
				if (ctx.method === 'GET') {
					const { user } = await ctx.requireRole(['admin'], 'see the export log');
					requireOwnOrg(org, user.org);
					const q = new URL(ctx.req.url ?? '/', 'http://x').searchParams;
					const entries = await deps.store.listExportLog(org, {
						limit: positiveInt(q.get('limit'), 100),
						beforeId: positiveInt(q.get('before'), undefined)
					});
					send(ctx.res, 200, { entries });
					return;
				}
				throw methodNotAllowed('GET, POST');
			}
		}
	];
}

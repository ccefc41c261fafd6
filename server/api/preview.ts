/**
 * A new device's first look at the registry [R7] (docs/SPEC.md):
 *
 *   GET /api/<org>/members
 *     anyone who may read the registry → 200 { "rows": [[id, ...values]], "fields" }
 *     (src/lib/domain/rows-json.ts: each row's values by position in `fields`)
 *
 * The member rows as the server holds them now, as plain JSON: no Yjs to decode, so
 * a browser with an empty local copy shows the registry (read-only) long before the
 * room's whole state has arrived and been applied ([C20] in docs/CLIENT.md). The
 * rows come from the server's plain-row cache of the registry (server/reports.ts
 * `TableCache`, kept in step per transaction), never from building a Y.Doc; until
 * that cache has read the registry (the server starting) the answer is 503 and the
 * device waits for its sync as before. The body is written in slices, one per
 * event-loop turn, so other rooms carry on while 100k rows go out.
 */
import type { ServerResponse } from 'node:http';
import { accessFor, DOC } from '../../src/lib/domain/access';
import { isMemberField, MEMBERS_TABLE } from '../../src/lib/domain/member';
import type { Row } from '../../src/lib/domain/report';
import { RowsJsonWriter } from '../../src/lib/domain/rows-json';
import { HttpError, methodNotAllowed, type ApiRoute } from '../http';
import type { AreaDeps } from './index';

/** Rows per slice of the body (~0.6 MB of JSON at 20 fields). */
export const PREVIEW_SLICE_ROWS = 2000;

const nextTurn = () => new Promise<void>((r) => setImmediate(r));

/** The response can take more (drained), or never will (closed); no listener is left behind. */
function writable(res: ServerResponse): Promise<void> {
	return new Promise((resolve) => {
		const done = () => {
			res.off('drain', done);
			res.off('close', done);
			resolve();
		};
		res.on('drain', done);
		res.on('close', done);
	});
}

/** Write the member fields of `rows` as rows-json, a slice per turn; stops when the client goes away. */
export async function streamRows(res: ServerResponse, rows: readonly Row[]): Promise<void> {
	res.writeHead(200, {
		'Cache-Control': 'no-store',
		'Content-Type': 'application/json; charset=utf-8'
	});
	const writer = new RowsJsonWriter(isMemberField);
	res.write('{"rows":[');
	for (let i = 0; i < rows.length; i += PREVIEW_SLICE_ROWS) {
		if (res.destroyed) return;
		const json = JSON.stringify(rows.slice(i, i + PREVIEW_SLICE_ROWS).map((r) => writer.row(r)));
		const more = res.write(`${i > 0 ? ',' : ''}${json.slice(1, -1)}`);
		if (more) await nextTurn();
		else await writable(res);
	}
	if (!res.destroyed) res.end(`],"fields":${JSON.stringify(writer.fields)}}`);
}

export function previewRoutes(deps: AreaDeps): ApiRoute[] {
	return [
		{
			pattern: /^\/api\/([^/]+)\/members$/,
			async handle(ctx) {
				if (ctx.method !== 'GET') throw methodNotAllowed('GET');
				const { user } = await ctx.requireUser();
				const org = decodeURIComponent(ctx.match[1]);
				if (org !== user.org || !accessFor(DOC.registry, user.roles)) {
					throw new HttpError(
						403,
						'forbidden',
						'Only people who may read the member registry can see its members; ask an administrator.'
					);
				}
				// A copy of the row list, taken now: later changes come with the sync.
				const rows = deps.reports.registryRows(org, MEMBERS_TABLE);
				if (!rows) {
					throw new HttpError(
						503,
						'not_ready',
						'The server is still reading the registry; the members arrive with the sync.'
					);
				}
				await streamRows(ctx.res, rows);
			}
		}
	];
}

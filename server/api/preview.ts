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
 * event-loop turn, so other rooms carry on while 100k rows go out, and compressed
 * when the client takes it (brotli, else gzip; at their fastest levels, in Node's
 * thread pool): 100k generated members are 35 MiB of JSON, 7.1 MiB with brotli and
 * 7.7 MiB with gzip, which a new device on a trade fair's network waits for.
 */
import type { ServerResponse } from 'node:http';
import { pipeline, type Writable } from 'node:stream';
import zlib from 'node:zlib';
import { accessFor, DOC } from '../../src/lib/domain/access';
import { isMemberField, MEMBERS_TABLE } from '../../src/lib/domain/member';
import type { Row } from '../../src/lib/domain/report';
import { RowsJsonWriter } from '../../src/lib/domain/rows-json';
import { HttpError, methodNotAllowed, type ApiRoute } from '../http';
import type { AreaDeps } from './index';

/** Rows per slice of the body (~0.6 MB of JSON at 20 fields). */
export const PREVIEW_SLICE_ROWS = 2000;

const nextTurn = () => new Promise<void>((r) => setImmediate(r));

export type BodyEncoding = 'br' | 'gzip' | 'identity';

/** What to compress with, from the request's Accept-Encoding (q=0 refuses). */
export function pickEncoding(accept: string | undefined): BodyEncoding {
	const ok = new Set<string>();
	for (const part of (accept ?? '').toLowerCase().split(',')) {
		const [name, ...params] = part.split(';').map((x) => x.trim());
		const q = params.find((x) => x.startsWith('q='));
		if (name && !(q && Number(q.slice(2)) === 0)) ok.add(name);
	}
	if (ok.has('br')) return 'br';
	if (ok.has('gzip') || ok.has('*')) return 'gzip';
	return 'identity';
}

function compressor(encoding: 'br' | 'gzip'): zlib.Gzip | zlib.BrotliCompress {
	return encoding === 'br'
		? zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } })
		: zlib.createGzip({ level: 1 });
}

/** The stream can take more (drained), or never will (closed); no listener is left behind. */
function writable(out: Writable): Promise<void> {
	return new Promise((resolve) => {
		const done = () => {
			out.off('drain', done);
			out.off('close', done);
			resolve();
		};
		out.on('drain', done);
		out.on('close', done);
	});
}

/**
 * Write the member fields of `rows` as rows-json, a slice per turn, compressed with
 * `encoding`; stops when the client goes away (the compressor is destroyed with it).
 */
export async function streamRows(
	res: ServerResponse,
	rows: readonly Row[],
	encoding: BodyEncoding = 'identity'
): Promise<void> {
	res.writeHead(200, {
		'Cache-Control': 'no-store',
		'Content-Type': 'application/json; charset=utf-8',
		Vary: 'Accept-Encoding',
		...(encoding === 'identity' ? {} : { 'Content-Encoding': encoding })
	});
	let out: Writable = res;
	if (encoding !== 'identity') {
		const z = compressor(encoding);
		// Ends `res` after the last bytes; destroys `z` when the client goes away.
		pipeline(z, res, () => {});
		out = z;
	}
	const writer = new RowsJsonWriter(isMemberField);
	out.write('{"rows":[');
	for (let i = 0; i < rows.length; i += PREVIEW_SLICE_ROWS) {
		if (out.destroyed) return;
		const json = JSON.stringify(rows.slice(i, i + PREVIEW_SLICE_ROWS).map((r) => writer.row(r)));
		const more = out.write(`${i > 0 ? ',' : ''}${json.slice(1, -1)}`);
		if (more) await nextTurn();
		else await writable(out);
	}
	if (!out.destroyed) out.end(`],"fields":${JSON.stringify(writer.fields)}}`);
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
				await streamRows(ctx.res, rows, pickEncoding(ctx.req.headers['accept-encoding']));
			}
		}
	];
}

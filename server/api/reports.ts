/**
 * Reports API (the standard periods live in the `reports` doc; these answer what
 * the doc does not hold):
 *
 *   GET /api/reports/:org/compare?from=YYYY-MM-DD&to=YYYY-MM-DD
 *       any role that may read `reports` → 200 { current, previous }: the sections of
 *       a custom period and of as many days just before it (aggregates only).
 *   GET /api/reports/:org/changes?from=YYYY-MM-DD&to=YYYY-MM-DD
 *       roles that may read `registry` (never board) → 200 ChangeList: who joined,
 *       lapsed, resigned or changed basic information, with the new values.
 *
 * 400 for a bad period, 403 for another org or a role without access, 503 while the
 * server is still starting the organisation's reports.
 */
import { accessFor, DOC, type DocName } from '../../src/lib/domain/access';
import { customPeriod, PeriodError } from '../../src/lib/domain/report';
import { HttpError, methodNotAllowed, send, type ApiRoute, type RouteContext } from '../http';
import type { AreaDeps } from './index';

async function userFor(ctx: RouteContext, doc: DocName) {
	const { user } = await ctx.requireUser();
	const org = decodeURIComponent(ctx.match[1]);
	if (org !== user.org || !accessFor(doc, user.roles)) {
		throw new HttpError(
			403,
			'forbidden',
			doc === DOC.registry
				? 'Only people who may read the member registry can see this list; ask an administrator.'
				: 'Your roles do not give access to the reports; ask an administrator.'
		);
	}
	return { user, org };
}

function periodFrom(ctx: RouteContext) {
	const url = new URL(ctx.req.url ?? '/', 'http://localhost');
	try {
		return customPeriod(url.searchParams.get('from') ?? '', url.searchParams.get('to') ?? '');
	} catch (e) {
		if (e instanceof PeriodError) {
			throw new HttpError(400, 'invalid_period', e.message, { reason: e.reason });
		}
		throw e;
	}
}

const notReady = () =>
	new HttpError(503, 'not_ready', 'The reports are still being prepared; try again in a moment.');

export function reportsRoutes(deps: AreaDeps): ApiRoute[] {
	const onlyGet = (ctx: RouteContext) => {
		if (ctx.method !== 'GET') throw methodNotAllowed('GET');
	};
	return [
		{
			pattern: /^\/api\/reports\/([^/]+)\/compare$/,
			async handle(ctx) {
				onlyGet(ctx);
				const { org } = await userFor(ctx, DOC.reports);
				const period = periodFrom(ctx);
				const r = await deps.reports.compare(org, period);
				if (!r) throw notReady();
				send(ctx.res, 200, r);
			}
		},
		{
			pattern: /^\/api\/reports\/([^/]+)\/changes$/,
			async handle(ctx) {
				onlyGet(ctx);
				const { org } = await userFor(ctx, DOC.registry);
				const period = periodFrom(ctx);
				const r = deps.reports.changeList(org, period);
				if (!r) throw notReady();
				send(ctx.res, 200, r);
			}
		}
	];
}

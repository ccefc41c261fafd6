/**
 * Every area's own API endpoints, in one list for app.ts. An area puts its routes
 * in server/api/<area>.ts as `(deps) => ApiRoute[]` and adds one line here.
 */
import type { Config } from '../config';
import { reportsRoutes } from './reports';
import type { ApiRoute } from '../http';
import type { ReportsService } from '../reports';
import type { Rooms } from '../rooms';
import type { Store } from '../store/types';
import type { Transport } from '../transport';
import { historyRoutes } from './history';
import { mergeRoutes } from './merge';
import { exportsRoutes } from './exports';
import { importsRoutes } from './imports';
import { surveysRoutes } from './surveys';
import { joiningRoutes } from './joining';
import { previewRoutes } from './preview';

export interface AreaDeps {
	config: Config;
	store: Store;
	rooms: Rooms;
	transport: Transport;
	reports: ReportsService;
}

export function areaRoutes(deps: AreaDeps): ApiRoute[] {
	return [
		...historyRoutes(deps),
		...mergeRoutes(deps),
		...reportsRoutes(deps),
		...exportsRoutes(deps),
		...importsRoutes(deps),
		...surveysRoutes(deps),
		...joiningRoutes(deps),
		...previewRoutes(deps)
	];
}

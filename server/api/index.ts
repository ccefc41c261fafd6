/**
 * Every area's own API endpoints, in one list for app.ts. An area puts its routes
 * in server/api/<area>.ts as `(deps) => ApiRoute[]` and adds one line here.
 */
import type { Config } from '../config';
import type { ApiRoute } from '../http';
import type { Rooms } from '../rooms';
import type { Store } from '../store/types';
import type { Transport } from '../transport';
import { joiningRoutes } from './joining';

export interface AreaDeps {
	config: Config;
	store: Store;
	rooms: Rooms;
	transport: Transport;
}

export function areaRoutes(deps: AreaDeps): ApiRoute[] {
	return [...joiningRoutes(deps)];
}

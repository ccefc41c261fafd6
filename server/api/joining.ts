/**
 * Joining (issue 4): the general command endpoint `POST /api/<org>/commands` with
 * the joining commands registered. Other areas add their commands to COMMANDS.
 */
import { commandRoutes, type AnyCommand } from '../commands';
import { JOINING_COMMANDS } from '../joining';
import type { ApiRoute } from '../http';
import type { AreaDeps } from './index';

/** Every registered command type (one endpoint for all of them). */
export const COMMANDS: readonly AnyCommand[] = [...JOINING_COMMANDS];

export function joiningRoutes(deps: AreaDeps): ApiRoute[] {
	return commandRoutes({ store: deps.store, rooms: deps.rooms, commands: COMMANDS });
}

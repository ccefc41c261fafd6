import { t } from '$lib/i18n/index.svelte';
import { ROOM_CLOSED, type RoomClosed } from '$lib/sync/room.svelte';

/**
 * Why a page's room was closed, for a page other than the registry's: a 4403 there means
 * the roles changed, and the page opens again with the new ones ([C29]); it never says
 * the registry was lost when it was not.
 */
export const roomClosedText = (closed: RoomClosed): string =>
	closed === ROOM_CLOSED.forbidden ? t('sync.closed.rolesChanged') : t(`sync.closed.${closed}`);

import { t, type MessageKey } from '$lib/i18n/index.svelte';
import type { AdminApiError } from './api';

/** A failed users-API call in the reader's language, saying what to do. */
export function apiErrorText(e: AdminApiError): string {
	switch (e.code) {
		case 'network':
			return t('admin.error.save');
		case 'unauthorized':
			return t('error.sessionEnded');
		case 'forbidden':
			return t('admin.error.forbidden');
		case 'notFound':
			return t('admin.error.notFound');
		case 'duplicate':
			return t('admin.error.taken');
		case 'invalid':
			return invalidText(e);
		case 'server':
			return t('error.server');
	}
}

const FIELD_ERROR: Record<string, MessageKey> = {
	username: 'admin.error.username',
	password: 'admin.error.password',
	displayName: 'admin.error.displayName',
	roles: 'admin.error.roles'
};

/** A 400/422 worded by the server's code and the fields it named, not its English. */
function invalidText(e: AdminApiError): string {
	if (e.serverCode === 'cannot_disable_self') return t('admin.error.disableSelf');
	if (e.serverCode === 'cannot_remove_own_admin') return t('admin.error.ownAdmin');
	const known = e.fields.filter((f) => f in FIELD_ERROR);
	if (known.length > 0) return known.map((f) => t(FIELD_ERROR[f])).join(' ');
	return t('error.invalid');
}

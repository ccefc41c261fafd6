import { t } from '$lib/i18n/index.svelte';
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
			return t('admin.error.duplicate', { username: e.message });
		case 'invalid':
			return t('admin.error.invalid', { message: e.message || '—' });
		case 'server':
			return t('error.server');
	}
}

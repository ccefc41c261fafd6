/**
 * A refusal from the server's HTTP API in the reader's language, worded from the
 * error's `code` (server/http.ts HttpError), never from its English `message`. Areas
 * with codes of their own check those first and fall back to this.
 */
import { t } from '$lib/i18n/index.svelte';

export function serverErrorText(code: string | undefined, status = 0): string {
	switch (code) {
		case 'offline':
			return t('error.network');
		case 'unauthenticated':
			return t('error.sessionEnded');
		case 'forbidden':
		case 'bad_origin':
			return t('error.forbidden');
		case 'not_found':
			return t('error.notFound');
		case 'invalid_input':
		case 'bad_json':
		case 'method_not_allowed':
			return t('error.invalid');
		case 'payload_too_large':
			return t('error.tooLarge');
		case 'too_many_requests':
			return t('error.tooMany');
		default:
			if (status === 401) return t('error.sessionEnded');
			if (status === 403) return t('error.forbidden');
			if (status === 404) return t('error.notFound');
			return t('error.server');
	}
}

/**
 * Server refusals outside the command outbox (survey links, exports, imports, users,
 * report periods) read in the reader's language, worded from the error code: never the
 * server's English message.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { serverErrorText } from '../../src/lib/components/server-error';
import { AdminApiError } from '../../src/routes/admin/users/api';
import { apiErrorText } from '../../src/routes/admin/users/labels';
import { customPeriod, PeriodError } from '../../src/lib/domain/report';
import { i18n } from '../../src/lib/i18n/index.svelte';

afterEach(() => {
	i18n.locale = 'en';
});

const CODES = [
	'unauthenticated',
	'forbidden',
	'not_found',
	'invalid_input',
	'payload_too_large',
	'too_many_requests',
	'server_error',
	'store_failed',
	undefined
];

describe('server refusals in the reader’s language', () => {
	it('every common code has its own wording in en, fa and zh', () => {
		for (const locale of ['en', 'fa', 'zh'] as const) {
			i18n.locale = locale;
			const texts = CODES.map((c) => serverErrorText(c));
			for (const text of texts) expect(text).not.toMatch(/^error\./);
			// Distinct codes read differently (the server-side failures share one text).
			expect(new Set(texts).size).toBe(CODES.length - 2);
		}
		i18n.locale = 'zh';
		expect(serverErrorText('forbidden')).toBe(
			'您的账号无权执行此操作。如有需要，请向管理员申请相应角色。'
		);
		expect(serverErrorText('something_new', 404)).toBe(serverErrorText('not_found'));
	});

	it('the users page words its own refusals, not the server’s English', () => {
		i18n.locale = 'zh';
		const self = new AdminApiError(
			'invalid',
			'You cannot disable your own account. Ask another administrator to do it.',
			[],
			'cannot_disable_self'
		);
		expect(apiErrorText(self)).toBe('您不能停用自己的账号。请让另一位管理员操作。');
		const fields = new AdminApiError('invalid', 'Check the changes: password is not valid.', [
			'password'
		]);
		expect(apiErrorText(fields)).not.toContain('Check the changes');
		expect(apiErrorText(new AdminApiError('duplicate', 'The username "x" is taken'))).toBe(
			'该用户名已被使用，请换一个。'
		);
	});

	it('a custom report period says what is wrong by its reason', () => {
		const reason = (from: string, to: string) => {
			try {
				customPeriod(from, to);
				return null;
			} catch (e) {
				return e instanceof PeriodError ? e.reason : 'other';
			}
		};
		expect(reason('2026-02-01', '2026-01-01')).toBe('order');
		expect(reason('2000-01-01', '2026-01-01')).toBe('tooLong');
		expect(reason('2026-13-01', '2026-12-31')).toBe('badDate');
	});
});

/**
 * A refused server command (the outbox's failed rows) in the reader's language: what
 * happened to which member and what to do. Worded from the error's `code` and the
 * details the server sends with it (server/joining.ts, server/commands.ts), never from
 * the server's English `message`, which names internal states ("rejected").
 */
import { localDigits, t, type MessageKey } from '$lib/i18n/index.svelte';
import { COMMAND_ERROR } from '$lib/domain/commands';
import { isStatus } from '$lib/domain/lifecycle';
import type { OutboxRow } from '$lib/local/db';
import { optionLabel } from './grid/format';

type Refused = Pick<OutboxRow, 'type' | 'label' | 'args' | 'error'>;

const PIPELINE_BUTTON: Record<string, MessageKey> = {
	verify: 'pipeline.verify',
	approve: 'pipeline.approve',
	reject: 'pipeline.reject',
	move: 'pipeline.moveTo'
};

const statusLabel = (s: unknown): string => (isStatus(s) ? optionLabel('status', s) : '');

/** What a command does, in the reader's language ("Approve Acme Co"). */
export function describeCommand(r: Pick<OutboxRow, 'type' | 'label' | 'args'>): string {
	return t(`outbox.type.${r.type}` as MessageKey, { name: r.label, to: statusLabel(r.args.to) });
}

export function commandErrorText(r: Refused): string {
	const e = r.error;
	const name = r.label;
	const details = e?.details ?? {};
	switch (e?.code) {
		case COMMAND_ERROR.moveNotAllowed: {
			const from = statusLabel(details.from);
			const to = statusLabel(details.to ?? r.args.to);
			const needed = typeof details.needed === 'string' ? PIPELINE_BUTTON[details.needed] : null;
			if (needed) return t('outbox.error.useOther', { name, from, to, action: t(needed) });
			const key = (
				['approve', 'verify', 'reject'].includes(r.type)
					? `outbox.error.moveNotAllowed.${r.type}`
					: 'outbox.error.moveNotAllowed.move'
			) as MessageKey;
			return from ? t(key, { name, from, to }) : t('outbox.error.stateChanged', { name });
		}
		case COMMAND_ERROR.noSuchMember:
			return t('outbox.error.noSuchMember', { name });
		case COMMAND_ERROR.requirementsNotMet:
			return t('outbox.error.requirementsNotMet', { name });
		case COMMAND_ERROR.unknownSetting:
			return t('outbox.error.unknownSetting', { name });
		case COMMAND_ERROR.alreadyApproved:
			return t('outbox.error.alreadyApproved', {
				name,
				memberNo: localDigits(String(details.memberNo ?? '')),
				tier: details.tier ? optionLabel('tier', String(details.tier)) : '—',
				category: details.category ? optionLabel('category', String(details.category)) : '—'
			});
		case COMMAND_ERROR.notApproved:
			return t('outbox.error.notApproved', { name });
		case COMMAND_ERROR.idReused:
			return t('outbox.error.idReused');
		case COMMAND_ERROR.unknownCommand:
		case 'invalid_input':
		case 'bad_json':
		case 'method_not_allowed':
			return t('outbox.error.appOutdated');
		case 'forbidden':
			return t('outbox.error.forbidden');
		case 'not_found':
		case 'bad_origin':
			return t('outbox.error.wrongPlace');
		case 'payload_too_large':
			return t('outbox.error.tooLarge');
		default:
			return t('outbox.error.other', { code: e?.code ?? '—' });
	}
}

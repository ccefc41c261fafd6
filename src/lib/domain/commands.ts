/**
 * Server commands (issue 4): what the client sends to `POST /api/<org>/commands`
 * and what it gets back. Contract: a JSON object `{ id: <uuid>, type, ...arguments }`.
 * The same id sent again answers the same stored result; the same id with other
 * content answers 409. See docs/SPEC.md [CMD1]-[CMD6] and server/commands.ts.
 */
import { z } from 'zod';
import type { Role } from './access';
import { MEMBER_STATUS, rowId, SETTINGS_REF_PATTERN, type MemberStatus } from './member';

export const commandId = z.uuid();
export const COMMAND_TYPE_PATTERN = /^[a-zA-Z][a-zA-Z0-9.]{0,63}$/;

/** Every command has these; the rest of the object is the command's arguments. */
export const commandEnvelope = z
	.object({ id: commandId, type: z.string().regex(COMMAND_TYPE_PATTERN) })
	.loose();
export type CommandEnvelope = z.infer<typeof commandEnvelope>;

const settingsRef = z.string().regex(SETTINGS_REF_PATTERN);
const reason = z.string().trim().min(1).max(2000);

export const approveArgs = z.object({ rowId, tier: settingsRef, category: settingsRef }).strict();
/** [J7] An approved member's tier and category, changed by an approver. */
export const changeMembershipArgs = z
	.object({ rowId, tier: settingsRef, category: settingsRef })
	.strict();
export const rejectArgs = z.object({ rowId, reason }).strict();
export const verifyArgs = z
	.object({
		rowId,
		/** Ids of the criteria the office found met; the others count as not met. */
		met: z.array(settingsRef).max(200),
		note: z.string().trim().max(2000)
	})
	.strict();
export const moveArgs = z
	.object({
		rowId,
		to: z.enum(Object.values(MEMBER_STATUS) as [MemberStatus, ...MemberStatus[]]),
		reason: reason.optional()
	})
	.strict();

/**
 * The roles that may run each command ([CMD3]): the server refuses the others with 403,
 * and a device whose user lost the role drops the commands it still holds ([C29]).
 */
export const COMMAND_ROLES = {
	move: ['admin', 'staff', 'approver'],
	reject: ['staff', 'approver'],
	verify: ['admin', 'staff'],
	approve: ['approver'],
	changeMembership: ['approver']
} as const satisfies Record<string, readonly Role[]>;

/** Whether a user with `roles` may run a command of `type` (unknown types: no). */
export function mayRunCommand(type: string, roles: readonly Role[]): boolean {
	if (!Object.prototype.hasOwnProperty.call(COMMAND_ROLES, type)) return false;
	const allowed: readonly Role[] = COMMAND_ROLES[type as keyof typeof COMMAND_ROLES];
	return roles.some((r) => allowed.includes(r));
}

export const approveResult = z.object({ memberNo: z.string() });
export const moveResult = z.object({ status: z.string() });

export type ApproveArgs = z.infer<typeof approveArgs>;
export type ChangeMembershipArgs = z.infer<typeof changeMembershipArgs>;
export type RejectArgs = z.infer<typeof rejectArgs>;
export type VerifyArgs = z.infer<typeof verifyArgs>;
export type MoveArgs = z.infer<typeof moveArgs>;

/** JSON with sorted keys: two bodies with the same content compare equal. */
export function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const o = value as Record<string, unknown>;
		return `{${Object.keys(o)
			.filter((k) => o[k] !== undefined)
			.sort()
			.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
			.join(',')}}`;
	}
	return JSON.stringify(value);
}

/** Error codes the client acts on (see src/lib/state/outbox.svelte.ts). */
export const COMMAND_ERROR = {
	idReused: 'command_id_reused',
	unknownCommand: 'unknown_command',
	noSuchMember: 'no_such_member',
	moveNotAllowed: 'move_not_allowed',
	requirementsNotMet: 'requirements_not_met',
	unknownSetting: 'unknown_setting',
	/** [J7] tier and category of a member without a number are set in its file. */
	notApproved: 'not_approved',
	/** [J8] approved already, with another tier or category than this approval's. */
	alreadyApproved: 'already_approved',
	/** 503: the store failed; nothing changed and the same command can be sent again. */
	storeFailed: 'store_failed'
} as const;

/** The localised names of roles (messages in messages/common.ts), keyed by the closed set. */
import type { Role } from '$lib/domain/access';
import type { MessageKey } from './index.svelte';

export const ROLE_LABEL: Record<Role, MessageKey> = {
	admin: 'role.admin',
	staff: 'role.staff',
	approver: 'role.approver',
	finance: 'role.finance',
	board: 'role.board'
};

/** One line on what each role may do, for forms that grant roles. */
export const ROLE_HINT: Record<Role, MessageKey> = {
	admin: 'role.admin.hint',
	staff: 'role.staff.hint',
	approver: 'role.approver.hint',
	finance: 'role.finance.hint',
	board: 'role.board.hint'
};

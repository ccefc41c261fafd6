/**
 * The membership pipeline as a pure state machine (issue 4, "The pipeline").
 *
 * prospect → inquiry → applicant → verified → active, and out of it: lapsed,
 * resigned, removed. A prospect or inquiry that will not join becomes an event
 * contact and is kept; an application can be rejected (with a reason).
 *
 * Every move after a row's creation is a server command (docs/SPEC.md [J1]-[J4]):
 * the server checks the move with `moveCommand`, writes `status`, `statusAt`,
 * `statusBy` and appends a row to the registry's server-owned `moves` table with who
 * and when, so a client cannot forge either. Which command a move needs:
 *  - to `verified`: `verify` (staff, with the eligibility checklist);
 *  - `verified` to `active`: `approve` (approver only; allocates the member number);
 *  - to `rejected`: `reject` (with a reason);
 *  - every other allowed move: `move`.
 */
import { z } from 'zod';
import type { Correction } from './guard';
import { MEMBER_STATUS, type MemberStatus } from './member';

export const STATUS_ORDER: readonly MemberStatus[] = [
	'prospect',
	'inquiry',
	'applicant',
	'verified',
	'active',
	'lapsed',
	'resigned',
	'removed',
	'rejected',
	'eventContact'
];

/** Allowed moves: from → the states it may go to. */
export const MOVES: Readonly<Record<MemberStatus, readonly MemberStatus[]>> = {
	prospect: ['inquiry', 'applicant', 'eventContact'],
	inquiry: ['applicant', 'eventContact', 'prospect'],
	applicant: ['verified', 'rejected', 'inquiry'],
	// Back to applicant: the office found something to re-check before approval.
	verified: ['active', 'rejected', 'applicant'],
	active: ['lapsed', 'resigned', 'removed'],
	// A lapsed member who pays again is reinstated with the same number.
	lapsed: ['active', 'resigned', 'removed'],
	// Rejoining starts a new application; the member number (if any) stays.
	resigned: ['applicant', 'eventContact'],
	removed: [],
	rejected: ['applicant', 'eventContact'],
	eventContact: ['inquiry', 'applicant', 'prospect']
};

/**
 * States a new record starts in through the pipeline and the import (the import
 * refuses others: an active member comes through approval, not a file).
 */
export const INITIAL_STATUSES: ReadonlySet<MemberStatus> = new Set([
	'prospect',
	'inquiry',
	'applicant',
	'eventContact'
]);

export const MOVE_COMMAND = {
	move: 'move',
	verify: 'verify',
	approve: 'approve',
	reject: 'reject'
} as const;
export type MoveCommand = (typeof MOVE_COMMAND)[keyof typeof MOVE_COMMAND];

export const isStatus = (s: unknown): s is MemberStatus =>
	typeof s === 'string' && Object.prototype.hasOwnProperty.call(MEMBER_STATUS, s);

export function canMove(from: MemberStatus, to: MemberStatus): boolean {
	return MOVES[from].includes(to);
}

/** The command that makes the move `from → to`, or null when it is not allowed. */
export function moveCommand(from: MemberStatus, to: MemberStatus): MoveCommand | null {
	if (!canMove(from, to)) return null;
	if (to === 'verified') return 'verify';
	if (to === 'rejected') return 'reject';
	if (to === 'active' && from === 'verified') return 'approve';
	return 'move';
}

/** The states a `move` command may reach from `from` (the rest need their own command). */
export function plainMoves(from: MemberStatus): MemberStatus[] {
	return MOVES[from].filter((to) => moveCommand(from, to) === 'move');
}

/** A row without a valid status counts as a prospect (it was added without one). */
export const statusOf = (row: { status?: unknown }): MemberStatus =>
	isStatus(row.status) ? row.status : 'prospect';

/** Rows per state, every state present (0 when empty). */
export function pipelineCounts(rows: Iterable<{ status?: unknown }>): Record<MemberStatus, number> {
	const out = Object.fromEntries(STATUS_ORDER.map((s) => [s, 0])) as Record<MemberStatus, number>;
	for (const r of rows) out[statusOf(r)]++;
	return out;
}

/** States in which an inquiry's follow-up date still matters. */
const FOLLOWED_UP: ReadonlySet<MemberStatus> = new Set(['prospect', 'inquiry', 'applicant']);

/**
 * Follow-ups of `owner` that are due before `today` (ISO date), oldest first. A
 * follow-up due today is not overdue yet.
 */
export function overdueFollowUps<
	T extends { id: string; status?: unknown; owner?: unknown; followUpOn?: unknown }
>(rows: Iterable<T>, owner: string, today: string): T[] {
	const out: T[] = [];
	for (const r of rows) {
		if (r.owner !== owner || typeof r.followUpOn !== 'string') continue;
		if (!FOLLOWED_UP.has(statusOf(r))) continue;
		if (r.followUpOn < today) out.push(r);
	}
	return out.sort((a, b) => String(a.followUpOn).localeCompare(String(b.followUpOn)));
}

/** One move as the server records it in the registry's `moves` table (server-owned). */
export const moveRecord = z.object({
	memberId: z.string(),
	from: z.string(),
	to: z.string(),
	/** User id and display name of whoever made the move (from the session). */
	byId: z.number().int(),
	by: z.string(),
	at: z.iso.datetime(),
	reason: z.string().optional(),
	command: z.string()
});
export type MoveRecord = z.infer<typeof moveRecord>;

/** One criterion as checked at verification (`checks` table, server-owned). */
export const checkRecord = z.object({
	memberId: z.string(),
	criterionId: z.string(),
	/** The criterion's text and kind as they were: criteria may change or be dropped later. */
	textEn: z.string().optional(),
	textFa: z.string().optional(),
	textZh: z.string().optional(),
	required: z.boolean(),
	met: z.boolean(),
	at: z.iso.datetime(),
	command: z.string()
});
export type CheckRecord = z.infer<typeof checkRecord>;

/**
 * [J1] The registry's row rule for `status` (after the field rules): a client may
 * create a row in any state (the grid adds prospects; an import brings a roster of
 * active members, its creation is in the update log with who and when); on an
 * existing row only the server's commands change it, so a client change is put back.
 */
export function statusRowRule(
	after: Readonly<Record<string, unknown>>,
	before: Readonly<Record<string, unknown>> | null
): Correction[] {
	if (before === null || after.status === before.status) return [];
	return before.status === undefined
		? [{ key: 'status', op: 'delete' }]
		: [{ key: 'status', op: 'set', value: before.status }];
}

/**
 * [J2] Fields the approval decides: once a member has a number, only the server's
 * commands (approve, changeMembership) write them; before, staff may set them.
 */
export const APPROVED_FIELDS = ['tier', 'category', 'joinDate'] as const;

/** [J2] Whether `field` of this member is the approver's (it has a number): not editable. */
export const approvedFieldFixed = (row: { memberNo?: unknown }, field: string): boolean =>
	row.memberNo !== undefined && (APPROVED_FIELDS as readonly string[]).includes(field);

/** [J2] A client's change of an approved field of a numbered member is put back. */
export function approvedFieldsRowRule(
	after: Readonly<Record<string, unknown>>,
	before: Readonly<Record<string, unknown>> | null
): Correction[] {
	if (before === null || before.memberNo === undefined) return [];
	const out: Correction[] = [];
	for (const key of APPROVED_FIELDS) {
		if (after[key] === before[key]) continue;
		out.push(
			before[key] === undefined ? { key, op: 'delete' } : { key, op: 'set', value: before[key] }
		);
	}
	return out;
}

/** The registry's row rule for members: [J1] status, then [J2] approved fields. */
export const memberRowRule = (
	after: Readonly<Record<string, unknown>>,
	before: Readonly<Record<string, unknown>> | null
): Correction[] => [...statusRowRule(after, before), ...approvedFieldsRowRule(after, before)];

/**
 * [J1] Rows in these states are never deleted or replaced by a client (restored, as
 * [G7]): otherwise deleting and re-creating a row would skip the commands.
 */
export const KEPT_STATUSES: ReadonlySet<string> = new Set<MemberStatus>([
	'verified',
	'active',
	'lapsed',
	'resigned',
	'removed',
	'rejected'
]);

const allOwned = (shape: Record<string, unknown>) => ({
	fields: Object.fromEntries(Object.keys(shape).map((k) => [k, z.unknown()])),
	serverOwned: new Set(Object.keys(shape))
});

/**
 * The registry's server-owned tables (written by the joining commands): a client
 * cannot add, change or delete their rows (a row a client adds is removed).
 */
export const JOINING_TABLES = {
	moves: { ...allOwned(moveRecord.shape), serverRows: true, frozen: () => true },
	checks: {
		...allOwned(checkRecord.shape),
		serverRows: true,
		frozen: () => true
	}
} as const;

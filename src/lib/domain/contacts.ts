/**
 * The member file's own tables in the registry doc (contract: a list belongs in its
 * own table with a foreign key). Each is a root `Y.Map<rowId, Y.Map<field, primitive>>`
 * whose rows carry `memberId`, the row id of their member in `members`:
 *
 *  - `contacts`   contact persons: name, role, phone, email, preferred channel
 *  - `activities` participation: events, trainings, volunteer hours (activities.ts)
 *  - `notes`      dated notes about the member (activities.ts)
 *
 * Who wrote what is not stored in the rows (a client could write anything there):
 * the member file reads it from the server's history, derived from the update log.
 */
import { z } from 'zod';
import type { Correction, FieldRules } from './guard';
import { phoneSchema, ROW_ID_PATTERN } from './member';
import { ACTIVITY_RULES, isFrozenActivity, NOTE_RULES } from './activities';

export const CONTACTS = 'contacts';
export const ACTIVITIES = 'activities';
export const NOTES = 'notes';
export type MemberFileTable = typeof CONTACTS | typeof ACTIVITIES | typeof NOTES;

/** How a contact person prefers to be reached (003 §3: email, SMS, phone, post). */
export const CONTACT_CHANNEL = {
	email: 'email',
	phone: 'phone',
	sms: 'sms',
	post: 'post',
	wechat: 'wechat',
	whatsapp: 'whatsapp'
} as const;
export type ContactChannel = (typeof CONTACT_CHANNEL)[keyof typeof CONTACT_CHANNEL];

const text = (max: number) => z.string().trim().min(1).max(max);

export const memberRef = z.string().regex(ROW_ID_PATTERN);

export const contactFields = {
	memberId: memberRef,
	name: text(200),
	role: text(100),
	phone: phoneSchema,
	email: z.email().max(254),
	channel: z.enum(Object.values(CONTACT_CHANNEL) as [ContactChannel, ...ContactChannel[]]),
	createdAt: z.iso.datetime()
} as const;
export type ContactField = keyof typeof contactFields;
export type ContactRow = { id: string } & Partial<Record<ContactField, string>>;

/**
 * A child row belongs to one member for life: once `memberId` is set, a client
 * cannot change or clear it (only the merge command moves rows) [G13].
 */
export function keepMemberId(
	after: Readonly<Record<string, unknown>>,
	before: Readonly<Record<string, unknown>> | null
): Correction[] {
	const was = before?.memberId;
	if (typeof was === 'string' && after.memberId !== was) {
		return [{ key: 'memberId', op: 'set', value: was }];
	}
	return [];
}

export const CONTACT_RULES: FieldRules = { fields: contactFields };

/**
 * The member file's tables for the registry guard (`makeDocGuard({ tables })`), each
 * with `row: keepMemberId`; a recruitment letter's activity is frozen.
 */
export const MEMBER_FILE_TABLES = {
	[CONTACTS]: { ...CONTACT_RULES, row: keepMemberId },
	[ACTIVITIES]: { ...ACTIVITY_RULES, row: keepMemberId, frozen: isFrozenActivity },
	[NOTES]: { ...NOTE_RULES, row: keepMemberId }
} as const;

export const MEMBER_FILE_TABLE_NAMES: readonly MemberFileTable[] = [CONTACTS, ACTIVITIES, NOTES];

/**
 * Participation (events, trainings, volunteer hours) and notes of a member: rows of
 * the registry's `activities` and `notes` tables, keyed by their own id, with the
 * member's row id in `memberId` (see contacts.ts for the layout).
 */
import { z } from 'zod';
import type { FieldRules } from './guard';
import { ROW_ID_PATTERN } from './member';

export const ACTIVITY_KIND = {
	event: 'event',
	training: 'training',
	volunteer: 'volunteer',
	meeting: 'meeting',
	exhibition: 'exhibition',
	feedback: 'feedback',
	other: 'other',
	/** A recruitment letter sent in a round (domain/recruitment.ts): written by the round. */
	recruitment: 'recruitment'
} as const;
export type ActivityKind = (typeof ACTIVITY_KIND)[keyof typeof ACTIVITY_KIND];

const memberId = z.string().regex(ROW_ID_PATTERN);

export const activityFields = {
	memberId,
	kind: z.enum(Object.values(ACTIVITY_KIND) as [ActivityKind, ...ActivityKind[]]),
	title: z.string().trim().min(1).max(200),
	date: z.iso.date(),
	/** Volunteer (or training) hours, in quarter hours at most. */
	hours: z
		.number()
		.min(0)
		.max(10_000)
		.refine((h) => Number.isInteger(h * 4), 'quarter hours'),
	notes: z.string().trim().max(2000),
	/** The recruitment round (registry `recruitmentRounds`) of a recruitment letter. */
	roundId: z.string().regex(ROW_ID_PATTERN),
	createdAt: z.iso.datetime()
} as const;
export type ActivityField = keyof typeof activityFields;
export type ActivityRow = { id: string } & Partial<Record<ActivityField, string | number>>;

export const noteFields = {
	memberId,
	text: z.string().trim().min(1).max(5000),
	createdAt: z.iso.datetime()
} as const;
export type NoteField = keyof typeof noteFields;
export type NoteRow = { id: string } & Partial<Record<NoteField, string>>;

export const ACTIVITY_RULES: FieldRules = { fields: activityFields };

/** A record that a recruitment letter went out is history: it never changes (guard [G12]). */
export const isFrozenActivity = (before: Readonly<Record<string, unknown>>) =>
	before.kind === ACTIVITY_KIND.recruitment;
export const NOTE_RULES: FieldRules = { fields: noteFields };

/** Total volunteer hours of a list of activities (quarter hours are exact in floating point). */
export function volunteerHours(rows: readonly ActivityRow[]): number {
	let sum = 0;
	for (const r of rows) if (r.kind === 'volunteer' && typeof r.hours === 'number') sum += r.hours;
	return sum;
}

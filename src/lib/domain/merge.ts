/**
 * Merging two member records that are the same company: the pure decision. The
 * server's merge command (server/api/merge.ts) applies it in one transaction.
 *
 * Rules:
 *  - the survivor keeps its id, its member number and its history; for every other
 *    field staff choose side by side which value survives (a field not chosen keeps
 *    the survivor's value, or takes the other's when the survivor has none);
 *  - the merged-away record is not deleted (a numbered record never is): it keeps
 *    its values and its number, and gets `mergedInto` (the survivor) and `mergedAt`;
 *    from then on it is frozen, so its number is never reused nor moved;
 *  - a numbered record cannot be merged into an unnumbered one (the number is the
 *    archive number of that file): choose the numbered one as the survivor;
 *  - contact persons, activities and notes of the merged record move to the survivor.
 * Why a server command and not a guarded client write: the merge marks and the
 * member number are server-owned, the move of child rows and the marks must happen
 * together or not at all, and the server's log then attributes all of it to the
 * person who asked.
 */
import { z } from 'zod';
import {
	COMMAND_FIELDS,
	memberFields,
	ROW_ID_PATTERN,
	SERVER_OWNED_FIELDS,
	type MemberField
} from './member';

export const MERGE_SIDE = { survivor: 'survivor', merged: 'merged' } as const;
export type MergeSide = (typeof MERGE_SIDE)[keyof typeof MERGE_SIDE];

/**
 * Fields staff choose between when merging: client-owned fields, not `createdAt`,
 * and not the pipeline status (moved only by the joining commands, with who and when).
 */
export const MERGEABLE_FIELDS: readonly MemberField[] = (
	Object.keys(memberFields) as MemberField[]
).filter((f) => !SERVER_OWNED_FIELDS.has(f) && !COMMAND_FIELDS.has(f) && f !== 'createdAt');

const side = z.enum([MERGE_SIDE.survivor, MERGE_SIDE.merged]);

/** Body of `POST /api/<org>/members/merge`. */
export const mergeRequest = z
	.object({
		survivorId: z.string().regex(ROW_ID_PATTERN),
		mergedId: z.string().regex(ROW_ID_PATTERN),
		/** Field → which record's value survives. */
		choose: z
			.record(z.string(), side)
			.refine((o) => Object.keys(o).every((k) => (MERGEABLE_FIELDS as string[]).includes(k)), {
				message: 'unknown field'
			})
			.default({})
	})
	.strict();
export type MergeRequest = z.infer<typeof mergeRequest>;

export const MERGE_ERROR = {
	same: 'same',
	notFound: 'notFound',
	alreadyMerged: 'alreadyMerged',
	survivorMerged: 'survivorMerged',
	numberedMustSurvive: 'numberedMustSurvive'
} as const;
export type MergeError = (typeof MERGE_ERROR)[keyof typeof MERGE_ERROR];

type Values = Readonly<Record<string, unknown>>;

export type MergePlan =
	| {
			ok: true;
			/** Already merged into this survivor: nothing to do (a retried request). */
			done: boolean;
			/** Field writes on the survivor (`null`: remove the field). */
			survivor: Partial<Record<MemberField, string | number | null>>;
	  }
	| { ok: false; error: MergeError };

const present = (v: unknown): v is string | number =>
	(typeof v === 'string' && v !== '') || typeof v === 'number';

export function planMerge(opts: {
	survivorId: string;
	mergedId: string;
	survivor: Values | null;
	merged: Values | null;
	choose: Readonly<Record<string, MergeSide>>;
}): MergePlan {
	const { survivor, merged } = opts;
	if (opts.survivorId === opts.mergedId) return { ok: false, error: 'same' };
	if (!survivor || !merged) return { ok: false, error: 'notFound' };
	if (merged.mergedInto !== undefined) {
		return merged.mergedInto === opts.survivorId
			? { ok: true, done: true, survivor: {} }
			: { ok: false, error: 'alreadyMerged' };
	}
	if (survivor.mergedInto !== undefined) return { ok: false, error: 'survivorMerged' };
	if (merged.memberNo !== undefined && survivor.memberNo === undefined) {
		return { ok: false, error: 'numberedMustSurvive' };
	}
	const writes: Partial<Record<MemberField, string | number | null>> = {};
	for (const f of MERGEABLE_FIELDS) {
		const mine = survivor[f];
		const theirs = merged[f];
		const pick = opts.choose[f] ?? (present(mine) ? 'survivor' : 'merged');
		if (pick === 'survivor') continue;
		// Only values the schema accepts are carried over.
		const value = present(theirs) && memberFields[f].safeParse(theirs).success ? theirs : null;
		if (value === null ? mine !== undefined : value !== mine) writes[f] = value;
	}
	return { ok: true, done: false, survivor: writes };
}

// ---- reading by the live record ([L4] in docs/SPEC.md) ------------------------------

/** The record `id` was merged into (its `mergedInto`), or undefined for a live record. */
export type MergedIntoOf = (id: string) => string | undefined;

/**
 * The live record that member id `id` belongs to now: itself, or the end of its
 * `mergedInto` chain (a record merged into one that was merged in turn). Rows that
 * name a member and can never change (posted ledger entries, reminders sent, [L1]) keep
 * the id they were written with; whatever groups them by member reads them through
 * this. A chain that comes back on itself has no live end: the record stays its own
 * (the server never makes one, [H4]; a forged or half-synced registry might). An id
 * the registry does not know is its own, too.
 */
export function liveMemberId(id: string, mergedIntoOf: MergedIntoOf): string {
	let next = mergedIntoOf(id);
	if (next === undefined) return id;
	const seen = new Set([id]);
	let at = id;
	while (next !== undefined) {
		if (seen.has(next)) return id;
		seen.add(next);
		at = next;
		next = mergedIntoOf(at);
	}
	return at;
}

/** `mergedInto` by record id, for the records that have one (the registry's merged records). */
export function mergedIntoMap(
	rows: Iterable<{ readonly id: string; readonly mergedInto?: unknown }>
): Map<string, string> {
	const out = new Map<string, string>();
	for (const r of rows) if (typeof r.mergedInto === 'string') out.set(r.id, r.mergedInto);
	return out;
}

/** The records merged (directly or along a chain) into each live record, by its id. */
export function mergedRecordsByLive(
	mergedInto: ReadonlyMap<string, string>
): Map<string, string[]> {
	const out = new Map<string, string[]>();
	const of = (x: string) => mergedInto.get(x);
	for (const id of mergedInto.keys()) {
		const live = liveMemberId(id, of);
		if (live === id) continue;
		const list = out.get(live);
		if (list) list.push(id);
		else out.set(live, [id]);
	}
	return out;
}

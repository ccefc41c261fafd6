/**
 * Recruitment rounds (seeds 000 §1, 001 art. 2: mail recruitment documents to
 * non-member contacts at least 4 times a year, by segment). Pure.
 *
 * Layout in the `registry` doc (written by staff like the rest of the registry, so a
 * round recorded offline at a fair syncs later):
 *  - `recruitmentRounds`: roundId → { channel, year, number, segment, language,
 *    name?, createdAt, createdBy, renumberedFrom? }. Never changes and is never deleted
 *    once written (the guard restores it): a round is a record of letters that went
 *    out. Only on arrival may the guard renumber it (`renumberedFrom`, [RC8]).
 *  - each recipient gets a row of the member file's `activities` table:
 *    { memberId, kind: 'recruitment', roundId, title, date, createdAt }, id
 *    `recruitmentActivityId(round, member)`, so the same letter recorded twice (two
 *    devices offline) is one row. Frozen like the round.
 *
 * A round's recipients are the activities that name it; its conversion is read from
 * the server-owned `moves` table: a recipient converted when the pipeline moved it
 * to applicant (or further) on or after the day of its letter.
 */
import { z } from 'zod';
import type { CalendarName } from './calendar';
import { FISCAL_YEAR_RANGE, fiscalYearOf } from './fiscal';
import {
	COMPANY_SIZE,
	ENTERPRISE_TYPE,
	MEMBER_LANGUAGE,
	SETTINGS_REF_PATTERN,
	SOURCE_CHANNEL,
	type MemberStatus
} from './member';
import { ACTIVITY_KIND } from './activities';
import { statusOf } from './lifecycle';
import type { Correction } from './guard';

export const RECRUITMENT_ROUNDS = 'recruitmentRounds';
/** The seeds' minimum: recruitment documents at least 4 times a year. */
export const ROUNDS_PER_YEAR = 4;
/** The activity kind that records a recruitment letter (domain/activities.ts). */
export const RECRUITMENT_ACTIVITY = ACTIVITY_KIND.recruitment;

export const RECRUITMENT_CHANNEL = { post: 'post', email: 'email' } as const;
export type RecruitmentChannel = (typeof RECRUITMENT_CHANNEL)[keyof typeof RECRUITMENT_CHANNEL];

/**
 * Who may get a recruitment letter: records that are not members. Active, lapsed
 * (still on the roll), verified (about to be approved) and removed records never do;
 * merged records never do. Applicants, rejected applicants and former members only
 * when the round chooses them.
 */
export const RECRUITABLE_STATUSES = [
	'prospect',
	'inquiry',
	'eventContact',
	'applicant',
	'rejected',
	'resigned'
] as const satisfies readonly MemberStatus[];
export type RecruitableStatus = (typeof RECRUITABLE_STATUSES)[number];
/** A round's statuses when it chooses none: the never-joined records. */
export const DEFAULT_RECRUIT_STATUSES: readonly RecruitableStatus[] = [
	'prospect',
	'inquiry',
	'eventContact'
];

const values = <T extends Record<string, string>>(o: T) =>
	Object.values(o) as [T[keyof T], ...T[keyof T][]];
const list = <T extends z.ZodType>(item: T) => z.array(item).max(500).optional();

/** Which records a round is for: the registry's own fields; an empty list is any value. */
export const recruitmentSegment = z
	.object({
		statuses: list(z.enum(RECRUITABLE_STATUSES)),
		regions: list(z.string().trim().min(1).max(100)),
		sizes: list(z.enum(values(COMPANY_SIZE))),
		enterpriseTypes: list(z.enum(values(ENTERPRISE_TYPE))),
		categories: list(z.string().regex(SETTINGS_REF_PATTERN)),
		sources: list(z.enum(values(SOURCE_CHANNEL)))
	})
	.strict();
export type RecruitmentSegment = z.infer<typeof recruitmentSegment>;

/** The segment as stored on the round (JSON text), or null when it is not one. */
export function readSegment(text: unknown): RecruitmentSegment | null {
	if (typeof text !== 'string') return null;
	try {
		const r = recruitmentSegment.safeParse(JSON.parse(text));
		return r.success ? r.data : null;
	} catch {
		return null;
	}
}

const yearIn = (c: CalendarName) =>
	z.number().int().min(FISCAL_YEAR_RANGE[c].min).max(FISCAL_YEAR_RANGE[c].max);

export const roundFields = {
	channel: z.enum(values(RECRUITMENT_CHANNEL)),
	/** The fiscal year (either calendar's range, as the ledger's years) and its round number. */
	year: z.union([yearIn('gregory'), yearIn('persian')]),
	number: z.number().int().min(1).max(1000),
	/** JSON of a RecruitmentSegment. */
	segment: z
		.string()
		.max(20_000)
		.refine((s) => readSegment(s) !== null, 'a recruitment segment'),
	/** The letter's language for recipients that have none of their own. */
	language: z.enum(values(MEMBER_LANGUAGE)),
	/** Optional words of the staff ("Spring fair"). */
	name: z.string().trim().min(1).max(200),
	createdAt: z.iso.datetime(),
	/** The username; the guard writes the connection's user ([G17]). */
	createdBy: z.string().trim().min(1).max(100),
	/**
	 * Server-owned: the number the device wrote when the server renumbered the round
	 * because another round of the year reached it first with that number ([RC8]).
	 */
	renumberedFrom: z.number().int().min(1).max(1000)
} as const;
export type RoundField = keyof typeof roundFields;

export const round = z.object({
	channel: roundFields.channel,
	year: roundFields.year,
	number: roundFields.number,
	segment: roundFields.segment,
	language: roundFields.language.optional(),
	name: roundFields.name.optional(),
	createdAt: roundFields.createdAt,
	createdBy: roundFields.createdBy.optional(),
	renumberedFrom: roundFields.renumberedFrom.optional()
});
export type RoundRow = z.infer<typeof round> & { id: string };

/** A stored round, or null while it is incomplete (a half-synced row). */
export function readRound(id: string, raw: Record<string, unknown>): RoundRow | null {
	const r = round.safeParse(raw);
	return r.success ? { id, ...r.data } : null;
}

export interface NewRound {
	id: string;
	year: unknown;
	number: unknown;
	createdAt: unknown;
}

/**
 * [RC8] Unique round numbers per fiscal year, by arrival: two devices offline both
 * record "Round 2 of 1404"; the round that reaches the server first keeps its number,
 * a later one whose (year, number) is already held gets the year's next free number.
 * `held`: the rounds the server already has; `added`: those arriving together, taken
 * in the order they were recorded. Returns the new number of each renumbered round.
 */
export function renumberRounds(opts: {
	held: Iterable<{ readonly year?: unknown; readonly number?: unknown }>;
	added: readonly NewRound[];
}): Map<string, number> {
	const taken = new Map<number, Set<number>>();
	const ok = (r: { year?: unknown; number?: unknown }): r is { year: number; number: number } =>
		roundFields.year.safeParse(r.year).success && roundFields.number.safeParse(r.number).success;
	const take = (year: number, n: number) => {
		let s = taken.get(year);
		if (!s) taken.set(year, (s = new Set()));
		s.add(n);
	};
	for (const r of opts.held) if (ok(r)) take(r.year, r.number);
	const out = new Map<string, number>();
	const order = [...opts.added].sort(
		(a, b) => String(a.createdAt).localeCompare(String(b.createdAt)) || a.id.localeCompare(b.id)
	);
	for (const r of order) {
		if (!ok(r)) continue;
		const used = taken.get(r.year);
		let n = r.number;
		if (used?.has(n)) {
			n = Math.max(...used) + 1;
			out.set(r.id, n);
		}
		take(r.year, n);
	}
	return out;
}

/**
 * Table rules for the registry guard: a round, once written, is kept as it is; a new
 * round whose number its year already has is renumbered [RC8].
 */
export const RECRUITMENT_TABLES = {
	[RECRUITMENT_ROUNDS]: {
		fields: roundFields,
		serverOwned: new Set<string>(['renumberedFrom']),
		frozen: () => true,
		createdBy: ['createdBy'],
		added: (opts: {
			held: readonly Readonly<Record<string, unknown>>[];
			added: readonly { id: string; values: Readonly<Record<string, unknown>> }[];
		}): Map<string, Correction[]> => {
			const added = opts.added.map(({ id, values: v }) => ({
				id,
				year: v.year,
				number: v.number,
				createdAt: v.createdAt
			}));
			const wrote = new Map(added.map((r) => [r.id, r.number]));
			const out = new Map<string, Correction[]>();
			for (const [id, number] of renumberRounds({ held: opts.held, added }))
				out.set(id, [
					{ key: 'number', op: 'set', value: number },
					{ key: 'renumberedFrom', op: 'set', value: wrote.get(id) }
				]);
			return out;
		}
	}
} as const;

/** The activity row of `member`'s letter in `round`: one per member and round. */
export function recruitmentActivityId(roundId: string, memberId: string): string {
	const id = `rc_${roundId}_${memberId}`;
	return id.length <= 64 ? id : `rc_${roundId.slice(0, 20)}_${memberId.slice(-40)}`;
}

// ---- selection ----------------------------------------------------------------------

export interface RecruitCandidate {
	id: string;
	name?: string;
	status?: string;
	region?: string;
	size?: string;
	enterpriseType?: string;
	category?: string;
	source?: string;
	address?: string;
	email?: string;
	mergedInto?: string;
}

export interface RecruitContact {
	memberId?: string;
	channel?: string;
	email?: string;
}

/** Why a record of the segment gets no letter in this round. */
export const EXCLUSION = {
	/** Its contact persons said how they want to be reached, and it is not this channel. */
	prefersOther: 'prefersOther',
	/** A postal round without an address, an email round without an email. */
	noAddress: 'noAddress',
	noEmail: 'noEmail',
	alreadyInRound: 'alreadyInRound'
} as const;
export type Exclusion = (typeof EXCLUSION)[keyof typeof EXCLUSION];

export interface Recipient {
	memberId: string;
	/** Where an email round writes: the record's email, else a contact person's. */
	email?: string;
}

const inList = (allowed: readonly string[] | undefined, v: string | undefined) =>
	!allowed || allowed.length === 0 || (v !== undefined && allowed.includes(v));

/** Whether a record is one a recruitment letter may go to, and in the segment. */
export function inSegment(m: RecruitCandidate, segment: RecruitmentSegment): boolean {
	if (m.mergedInto !== undefined) return false;
	const statuses = segment.statuses?.length ? segment.statuses : DEFAULT_RECRUIT_STATUSES;
	const status = statusOf(m);
	if (!(RECRUITABLE_STATUSES as readonly string[]).includes(status)) return false;
	if (!(statuses as readonly string[]).includes(status)) return false;
	return (
		inList(segment.regions, m.region) &&
		inList(segment.sizes, m.size) &&
		inList(segment.enterpriseTypes, m.enterpriseType) &&
		inList(segment.categories, m.category) &&
		inList(segment.sources, m.source)
	);
}

/**
 * The recipients of a round: the segment's non-members, less those whose contact
 * persons prefer other channels (a record whose contacts state preferred channels
 * gets a letter only by one of them), those the channel cannot reach (no address for
 * post, no email for email) and those already mailed in this round. Counts per
 * reason of those left out, so the page can say why.
 */
export function selectRecipients(opts: {
	members: Iterable<RecruitCandidate>;
	contacts: Iterable<RecruitContact>;
	segment: RecruitmentSegment;
	channel: RecruitmentChannel;
	/** Members that already have a letter of this round. */
	alreadyMailed?: ReadonlySet<string>;
}): { recipients: Recipient[]; excluded: Record<Exclusion, number> } {
	const prefs = new Map<string, Set<string>>();
	const contactEmail = new Map<string, { email: string; preferred: boolean }>();
	for (const c of opts.contacts) {
		if (!c.memberId) continue;
		if (c.channel) {
			let s = prefs.get(c.memberId);
			if (!s) prefs.set(c.memberId, (s = new Set()));
			s.add(c.channel);
		}
		if (c.email) {
			const preferred = c.channel === RECRUITMENT_CHANNEL.email;
			const had = contactEmail.get(c.memberId);
			if (!had || (preferred && !had.preferred))
				contactEmail.set(c.memberId, { email: c.email, preferred });
		}
	}
	const excluded: Record<Exclusion, number> = {
		prefersOther: 0,
		noAddress: 0,
		noEmail: 0,
		alreadyInRound: 0
	};
	const recipients: Recipient[] = [];
	for (const m of opts.members) {
		if (!inSegment(m, opts.segment)) continue;
		if (opts.alreadyMailed?.has(m.id)) {
			excluded.alreadyInRound++;
			continue;
		}
		const p = prefs.get(m.id);
		if (p && !p.has(opts.channel)) {
			excluded.prefersOther++;
			continue;
		}
		if (opts.channel === RECRUITMENT_CHANNEL.post) {
			if (!m.address?.trim()) {
				excluded.noAddress++;
				continue;
			}
			recipients.push({ memberId: m.id });
		} else {
			const email = m.email || contactEmail.get(m.id)?.email;
			if (!email) {
				excluded.noEmail++;
				continue;
			}
			recipients.push({ memberId: m.id, email });
		}
	}
	return { recipients, excluded };
}

// ---- rounds and their figures ---------------------------------------------------------

export interface RecruitActivity {
	memberId?: unknown;
	kind?: unknown;
	roundId?: unknown;
	date?: unknown;
}

export interface RecruitMove {
	memberId?: unknown;
	to?: unknown;
	at?: unknown;
}

/** Members who have a letter of each round (round id → member ids). */
export function recipientsByRound(activities: Iterable<RecruitActivity>): Map<string, Set<string>> {
	const out = new Map<string, Set<string>>();
	for (const a of activities) {
		if (a.kind !== RECRUITMENT_ACTIVITY || typeof a.roundId !== 'string') continue;
		if (typeof a.memberId !== 'string') continue;
		let s = out.get(a.roundId);
		if (!s) out.set(a.roundId, (s = new Set()));
		s.add(a.memberId);
	}
	return out;
}

/** Moves that count as applying; `active` also counts as joining. */
const APPLIED: ReadonlySet<string> = new Set(['applicant', 'verified', 'active']);

export interface RoundFigures {
	recipients: number;
	/** Recipients the pipeline moved to applicant, verified or active since their letter. */
	applied: number;
	/** Recipients approved as members since their letter. */
	joined: number;
}

/**
 * Per round: how many got a letter and how many have since applied or joined. "Since"
 * is from the day of the member's letter (its activity's date), by the day of the move
 * (server time): a recipient who applied the day the letter went out counts.
 */
export function roundFigures(opts: {
	activities: Iterable<RecruitActivity>;
	moves: Iterable<RecruitMove>;
}): Map<string, RoundFigures> {
	// Per member, the last day it applied and the last day it joined (enough: a letter
	// counts when a move on or after its day exists).
	const lastApplied = new Map<string, string>();
	const lastJoined = new Map<string, string>();
	for (const m of opts.moves) {
		if (typeof m.memberId !== 'string' || typeof m.at !== 'string') continue;
		if (typeof m.to !== 'string' || !APPLIED.has(m.to)) continue;
		const day = m.at.slice(0, 10);
		if ((lastApplied.get(m.memberId) ?? '') < day) lastApplied.set(m.memberId, day);
		if (m.to === 'active' && (lastJoined.get(m.memberId) ?? '') < day)
			lastJoined.set(m.memberId, day);
	}
	const out = new Map<string, RoundFigures>();
	const seen = new Map<string, Set<string>>();
	for (const a of opts.activities) {
		if (a.kind !== RECRUITMENT_ACTIVITY || typeof a.roundId !== 'string') continue;
		if (typeof a.memberId !== 'string') continue;
		let s = seen.get(a.roundId);
		if (!s) seen.set(a.roundId, (s = new Set()));
		if (s.has(a.memberId)) continue;
		s.add(a.memberId);
		const f = out.get(a.roundId) ?? { recipients: 0, applied: 0, joined: 0 };
		out.set(a.roundId, f);
		f.recipients++;
		const day = typeof a.date === 'string' ? a.date : '';
		const applied = lastApplied.get(a.memberId);
		const joined = lastJoined.get(a.memberId);
		if (applied !== undefined && applied >= day) f.applied++;
		if (joined !== undefined && joined >= day) f.joined++;
	}
	return out;
}

/** The rounds started in fiscal year `year` (by their creation day), oldest first. */
export function roundsOfYear(
	rounds: Iterable<RoundRow>,
	year: number,
	calendar: CalendarName
): RoundRow[] {
	return [...rounds]
		.filter((r) => fiscalYearOf(r.createdAt.slice(0, 10), calendar) === year)
		.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** The number of the next round of fiscal year `year`: one more than the highest so far. */
export function nextRoundNumber(
	rounds: Iterable<RoundRow>,
	year: number,
	calendar: CalendarName
): number {
	let n = 0;
	for (const r of roundsOfYear(rounds, year, calendar))
		if (r.year === year) n = Math.max(n, r.number);
	return n + 1;
}

/** A year's rounds against the target: how many, how many more are due. */
export function yearProgress(
	rounds: Iterable<RoundRow>,
	year: number,
	calendar: CalendarName
): { done: number; target: number; missing: number } {
	const done = roundsOfYear(rounds, year, calendar).length;
	return { done, target: ROUNDS_PER_YEAR, missing: Math.max(0, ROUNDS_PER_YEAR - done) };
}

/** Whether an activity row (as stored) records a recruitment letter. */
export const isRecruitmentActivity = (row: Readonly<Record<string, unknown>>) =>
	row.kind === RECRUITMENT_ACTIVITY;

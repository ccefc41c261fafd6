/**
 * The `surveys` doc: needs-survey campaigns, their questions and answers, member
 * needs and questions ("items"), and complaints. Pure: zod schemas, the guard's
 * field rules and cross-field rules, and helpers shared by client and server.
 *
 * Layout (each a root `Y.Map<rowId, Y.Map<field, primitive>>`):
 *  - campaigns  one survey round: titles per language, period, languages, audience,
 *               status, expiry of its personal links.
 *  - questions  `campaignId`, `kind`, `order`, text per language (`text_en` ...).
 *  - options    choices of a single/multiple question: `questionId`, `order`, label per
 *               language. Own rows, not a JSON string: two staff adding options at
 *               once both keep theirs, and a label is translated cell by cell.
 *  - responses  one row per member per campaign (id = responseId(campaign, member)):
 *               source, language, submittedAt. The row of the responses grid.
 *  - answers    one row per member per question (id = answerId(...)): `value`.
 *               One row per cell rather than one field per question on the response
 *               row: a response row created at the same moment on two devices would
 *               keep only one device's map (Yjs map keys are last-writer-wins), and
 *               with it only that device's answers; answer rows collide only when two
 *               people write the very same cell, which is last-writer-wins anyway.
 *               Deterministic ids make "answer again" an overwrite, never a duplicate.
 *  - items      needs and questions raised by a member (from a response, a call...):
 *               department, owner, due date, status, answer. Nothing is answered or
 *               closed without an answer [SV1].
 *  - complaints channel, category, description, owner, status, resolution and the
 *               member's satisfaction (1-5). Nothing resolved/closed without a
 *               resolution [SV2].
 */
import { z } from 'zod';
import { ROW_ID_PATTERN } from './member';
import { normalizeDigits } from './text';

// ---- closed sets --------------------------------------------------------------------

export const SURVEY_LANGS = ['en', 'fa', 'zh'] as const;
export type SurveyLang = (typeof SURVEY_LANGS)[number];
export const isSurveyLang = (s: unknown): s is SurveyLang =>
	typeof s === 'string' && (SURVEY_LANGS as readonly string[]).includes(s);

export const QUESTION_KIND = {
	single: 'single',
	multiple: 'multiple',
	rating: 'rating',
	number: 'number',
	text: 'text'
} as const;
export type QuestionKind = (typeof QUESTION_KIND)[keyof typeof QUESTION_KIND];

export const CAMPAIGN_STATUS = { draft: 'draft', open: 'open', closed: 'closed' } as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUS)[keyof typeof CAMPAIGN_STATUS];

/** Who a campaign is sent to: active members, optionally narrowed by one field. */
export const AUDIENCE = {
	allActive: 'allActive',
	tier: 'tier',
	region: 'region',
	enterpriseType: 'enterpriseType',
	size: 'size'
} as const;
export type Audience = (typeof AUDIENCE)[keyof typeof AUDIENCE];

export const ITEM_STATUS = {
	open: 'open',
	inProgress: 'inProgress',
	answered: 'answered',
	closed: 'closed'
} as const;
export type ItemStatus = (typeof ITEM_STATUS)[keyof typeof ITEM_STATUS];

export const ITEM_KIND = { need: 'need', question: 'question' } as const;
export type ItemKind = (typeof ITEM_KIND)[keyof typeof ITEM_KIND];

/** Where a need, question or complaint came from. */
export const CHANNEL = {
	survey: 'survey',
	phone: 'phone',
	email: 'email',
	visit: 'visit',
	letter: 'letter',
	web: 'web',
	event: 'event',
	other: 'other'
} as const;
export type Channel = (typeof CHANNEL)[keyof typeof CHANNEL];

export const COMPLAINT_STATUS = {
	open: 'open',
	inProgress: 'inProgress',
	resolved: 'resolved',
	closed: 'closed'
} as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUS)[keyof typeof COMPLAINT_STATUS];

export const COMPLAINT_CATEGORY = {
	service: 'service',
	dues: 'dues',
	event: 'event',
	publication: 'publication',
	communication: 'communication',
	staff: 'staff',
	other: 'other'
} as const;
export type ComplaintCategory = (typeof COMPLAINT_CATEGORY)[keyof typeof COMPLAINT_CATEGORY];

export const RESPONSE_SOURCE = { link: 'link', staff: 'staff' } as const;
export type ResponseSource = (typeof RESPONSE_SOURCE)[keyof typeof RESPONSE_SOURCE];

const values = <T extends Record<string, string>>(o: T) =>
	Object.values(o) as [T[keyof T], ...T[keyof T][]];

// ---- field schemas ------------------------------------------------------------------

const text = (max: number) => z.string().trim().min(1).max(max);
const longText = z.string().trim().max(5000);
const rowRef = z.string().regex(ROW_ID_PATTERN);
const isoDate = z.iso.date();
const isoDateTime = z.iso.datetime();
const order = z.number().finite().min(-1e9).max(1e9);
/** A comma-separated list of UI languages, e.g. `en,fa`, each once. */
const langList = z
	.string()
	.regex(/^(en|fa|zh)(,(en|fa|zh)){0,2}$/)
	.refine((s) => new Set(s.split(',')).size === s.split(',').length);
const who = text(100);

const perLang = (name: string, schema: z.ZodType) =>
	Object.fromEntries(SURVEY_LANGS.map((l) => [`${name}_${l}`, schema])) as Record<
		string,
		z.ZodType
	>;

export const campaignFields = {
	...perLang('title', text(200)),
	...perLang('intro', longText),
	periodStart: isoDate,
	periodEnd: isoDate,
	languages: langList,
	audience: z.enum(values(AUDIENCE)),
	audienceValue: text(100),
	status: z.enum(values(CAMPAIGN_STATUS)),
	/** Personal links stop working after this instant. */
	expiresAt: isoDateTime,
	createdAt: isoDateTime,
	createdBy: who
} satisfies Record<string, z.ZodType>;

export const questionFields = {
	campaignId: rowRef,
	kind: z.enum(values(QUESTION_KIND)),
	order,
	required: z.boolean(),
	...perLang('text', text(1000))
} satisfies Record<string, z.ZodType>;

export const optionFields = {
	questionId: rowRef,
	order,
	...perLang('label', text(200))
} satisfies Record<string, z.ZodType>;

export const responseFields = {
	campaignId: rowRef,
	memberId: rowRef,
	source: z.enum(values(RESPONSE_SOURCE)),
	language: z.enum(SURVEY_LANGS),
	submittedAt: isoDateTime,
	updatedBy: who
} satisfies Record<string, z.ZodType>;

/** An answer value; checked against its question's kind by `parseAnswer`. */
const answerValue = z.union([z.string().max(5000), z.number().finite()]);

export const answerFields = {
	campaignId: rowRef,
	memberId: rowRef,
	questionId: rowRef,
	value: answerValue,
	updatedAt: isoDateTime
} satisfies Record<string, z.ZodType>;

export const itemFields = {
	memberId: rowRef,
	kind: z.enum(values(ITEM_KIND)),
	source: z.enum(values(CHANNEL)),
	/** Set when raised from a survey answer. */
	campaignId: rowRef,
	questionId: rowRef,
	subject: text(2000),
	department: text(100),
	owner: who,
	dueDate: isoDate,
	status: z.enum(values(ITEM_STATUS)),
	answer: text(5000),
	answeredAt: isoDateTime,
	answeredBy: who,
	createdAt: isoDateTime,
	createdBy: who
} satisfies Record<string, z.ZodType>;

export const complaintFields = {
	memberId: rowRef,
	channel: z.enum(values(CHANNEL)),
	category: z.enum(values(COMPLAINT_CATEGORY)),
	description: text(5000),
	owner: who,
	status: z.enum(values(COMPLAINT_STATUS)),
	resolution: text(5000),
	satisfaction: z.number().int().min(1).max(5),
	receivedAt: isoDate,
	resolvedAt: isoDateTime,
	createdAt: isoDateTime,
	createdBy: who
} satisfies Record<string, z.ZodType>;

export const SURVEY_TABLES = {
	campaigns: campaignFields,
	questions: questionFields,
	options: optionFields,
	responses: responseFields,
	answers: answerFields,
	items: itemFields,
	complaints: complaintFields
} as const;
export type SurveyTable = keyof typeof SURVEY_TABLES;

/** A row as the app reads it: id plus any valid fields (every field optional in storage). */
export type Row = { id: string } & Record<string, string | number | boolean | undefined>;

export interface Campaign {
	id: string;
	title_en?: string;
	title_fa?: string;
	title_zh?: string;
	intro_en?: string;
	intro_fa?: string;
	intro_zh?: string;
	periodStart?: string;
	periodEnd?: string;
	languages?: string;
	audience?: Audience;
	audienceValue?: string;
	status?: CampaignStatus;
	expiresAt?: string;
	createdAt?: string;
	createdBy?: string;
}
export interface Question {
	id: string;
	campaignId?: string;
	kind?: QuestionKind;
	order?: number;
	required?: boolean;
	text_en?: string;
	text_fa?: string;
	text_zh?: string;
}
export interface Option {
	id: string;
	questionId?: string;
	order?: number;
	label_en?: string;
	label_fa?: string;
	label_zh?: string;
}
export interface Response {
	id: string;
	campaignId?: string;
	memberId?: string;
	source?: ResponseSource;
	language?: SurveyLang;
	submittedAt?: string;
	updatedBy?: string;
}
export interface Answer {
	id: string;
	campaignId?: string;
	memberId?: string;
	questionId?: string;
	value?: string | number;
	updatedAt?: string;
}
export interface Item {
	id: string;
	memberId?: string;
	kind?: ItemKind;
	source?: Channel;
	campaignId?: string;
	questionId?: string;
	subject?: string;
	department?: string;
	owner?: string;
	dueDate?: string;
	status?: ItemStatus;
	answer?: string;
	answeredAt?: string;
	answeredBy?: string;
	createdAt?: string;
	createdBy?: string;
}
export interface Complaint {
	id: string;
	memberId?: string;
	channel?: Channel;
	category?: ComplaintCategory;
	description?: string;
	owner?: string;
	status?: ComplaintStatus;
	resolution?: string;
	satisfaction?: number;
	receivedAt?: string;
	resolvedAt?: string;
	createdAt?: string;
	createdBy?: string;
}

/** Validate one stored field of a table: the parsed (trimmed) value, or not ok. */
export function parseSurveyField(
	table: SurveyTable,
	key: string,
	value: unknown
): { ok: true; value: string | number | boolean } | { ok: false } {
	const fields = SURVEY_TABLES[table] as Record<string, z.ZodType>;
	if (!Object.prototype.hasOwnProperty.call(fields, key)) return { ok: false };
	const r = fields[key].safeParse(value);
	return r.success ? { ok: true, value: r.data as string | number | boolean } : { ok: false };
}

/** Only known, valid fields of a stored row (peers and old copies may hold anything). */
export function readRow<T extends { id: string }>(
	table: SurveyTable,
	id: string,
	entries: Iterable<[string, unknown]>
): T {
	const row: Record<string, unknown> = { id };
	for (const [k, v] of entries) {
		const p = parseSurveyField(table, k, v);
		if (p.ok) row[k] = p.value;
	}
	return row as T;
}

// ---- cross-field rules (pure; the guard applies them as `row` rules) -----------------

/** What the guard writes back: same shape as src/lib/domain/guard.ts `Correction`. */
export type RowCorrection =
	{ key: string; op: 'set'; value: unknown } | { key: string; op: 'delete' };
type Fields = Readonly<Record<string, unknown>>;

const hasText = (v: unknown) => typeof v === 'string' && v.trim().length > 0;

/**
 * [SV6] `source: link` and the time of such a response are the public endpoint's (the
 * server writes them as itself, unguarded): a client cannot mark a response as sent
 * through the member's personal link, nor change a link response's source or time.
 */
export function responseRowRule(after: Fields, before: Fields | null): RowCorrection[] {
	const back = (key: string): RowCorrection =>
		before?.[key] === undefined ? { key, op: 'delete' } : { key, op: 'set', value: before[key] };
	const link = before?.source === RESPONSE_SOURCE.link;
	const out: RowCorrection[] = [];
	if (after.source !== before?.source && (link || after.source === RESPONSE_SOURCE.link)) {
		out.push(back('source'));
	}
	if (link && after.submittedAt !== before?.submittedAt) out.push(back('submittedAt'));
	return out;
}

/**
 * [SV1] An item is answered or closed only with an answer. A change that would leave
 * an answered/closed item without one is undone: a removed answer comes back, else the
 * status goes back to what it was (or `inProgress`). When an item becomes answered,
 * `answeredAt` is stamped if the client did not set it.
 */
export function itemRowRule(after: Fields, before: Fields | null, now: string): RowCorrection[] {
	const done = (s: unknown) => s === ITEM_STATUS.answered || s === ITEM_STATUS.closed;
	if (!done(after.status)) return [];
	if (!hasText(after.answer)) {
		if (before && done(before.status) && hasText(before.answer) && before.status === after.status)
			return [{ key: 'answer', op: 'set', value: before.answer }];
		const back = before && !done(before.status) && before.status ? before.status : 'inProgress';
		return [{ key: 'status', op: 'set', value: back }];
	}
	if (after.answeredAt === undefined) return [{ key: 'answeredAt', op: 'set', value: now }];
	return [];
}

/** [SV2] A complaint is resolved or closed only with a resolution (as [SV1]). */
export function complaintRowRule(
	after: Fields,
	before: Fields | null,
	now: string
): RowCorrection[] {
	const done = (s: unknown) => s === COMPLAINT_STATUS.resolved || s === COMPLAINT_STATUS.closed;
	if (!done(after.status)) return [];
	if (!hasText(after.resolution)) {
		if (
			before &&
			done(before.status) &&
			hasText(before.resolution) &&
			before.status === after.status
		)
			return [{ key: 'resolution', op: 'set', value: before.resolution }];
		const back = before && !done(before.status) && before.status ? before.status : 'inProgress';
		return [{ key: 'status', op: 'set', value: back }];
	}
	if (after.resolvedAt === undefined) return [{ key: 'resolvedAt', op: 'set', value: now }];
	return [];
}

/** Whether a status change is allowed for an item (the UI asks before writing). */
export function canSetItemStatus(item: { answer?: unknown }, status: ItemStatus): boolean {
	if (status === ITEM_STATUS.answered || status === ITEM_STATUS.closed) return hasText(item.answer);
	return true;
}

export function canSetComplaintStatus(
	c: { resolution?: unknown },
	status: ComplaintStatus
): boolean {
	if (status === COMPLAINT_STATUS.resolved || status === COMPLAINT_STATUS.closed)
		return hasText(c.resolution);
	return true;
}

// ---- ids ----------------------------------------------------------------------------

/**
 * A deterministic row id from parts: 26 url-safe characters from four 32-bit
 * FNV-1a hashes with different seeds (not a secret; only a stable, short key).
 */
export function stableId(...parts: string[]): string {
	const input = parts.join('\u0000');
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
	let out = '';
	for (const seed of [0x811c9dc5, 0x01000193, 0x9e3779b9, 0x85ebca6b]) {
		let h = seed >>> 0;
		for (let i = 0; i < input.length; i++) {
			h ^= input.charCodeAt(i);
			h = Math.imul(h, 0x01000193) >>> 0;
		}
		h ^= h >>> 15;
		h = Math.imul(h, 0x2c1b3c6d) >>> 0;
		h ^= h >>> 12;
		for (let j = 0; j < 6; j++) {
			out += alphabet[h & 63];
			h >>>= 6;
		}
	}
	return 'r' + out.slice(0, 25);
}

export const responseId = (campaignId: string, memberId: string) =>
	stableId('response', campaignId, memberId);
export const answerId = (campaignId: string, memberId: string, questionId: string) =>
	stableId('answer', campaignId, memberId, questionId);

// ---- questions and answers ----------------------------------------------------------

export function campaignLanguages(c: Pick<Campaign, 'languages'>): SurveyLang[] {
	const list = (c.languages ?? '').split(',').filter(isSurveyLang);
	return list.length > 0 ? list : ['en'];
}

/** Text in `lang`, else in the campaign's first language that has it, else any. */
export function localized(
	row: object,
	field: string,
	lang: string,
	fallbacks: readonly string[] = SURVEY_LANGS
): string {
	for (const l of [lang, ...fallbacks, ...SURVEY_LANGS]) {
		const v = (row as Record<string, unknown>)[`${field}_${l}`];
		if (typeof v === 'string' && v.trim()) return v;
	}
	return '';
}

export const byOrder = (a: { order?: number; id: string }, b: { order?: number; id: string }) =>
	(a.order ?? 0) - (b.order ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export type AnswerError = 'required' | 'notAnOption' | 'outOfRange' | 'notANumber' | 'tooLong';

/** A typed number in ASCII: Persian, Arabic-Indic and full-width digits, and the Arabic decimal sign (٫). */
const decimalText = (s: string) => normalizeDigits(s).replace(/\u066b/g, '.');

/**
 * Check one answer against its question: the stored value, `null` for "no answer",
 * or the reason it cannot be stored. Multiple choice is stored as option ids joined
 * by commas, in option order.
 */
export function parseAnswer(
	q: Pick<Question, 'kind'>,
	optionIds: readonly string[],
	raw: unknown
): { ok: true; value: string | number | null } | { ok: false; error: AnswerError } {
	if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === ''))
		return { ok: true, value: null };
	if (Array.isArray(raw) && raw.length === 0) return { ok: true, value: null };
	switch (q.kind) {
		case 'single': {
			const v = String(raw);
			return optionIds.includes(v) ? { ok: true, value: v } : { ok: false, error: 'notAnOption' };
		}
		case 'multiple': {
			const picked = Array.isArray(raw) ? raw.map(String) : String(raw).split(',');
			if (picked.some((p) => !optionIds.includes(p))) return { ok: false, error: 'notAnOption' };
			return { ok: true, value: optionIds.filter((id) => picked.includes(id)).join(',') };
		}
		case 'rating': {
			const n = typeof raw === 'number' ? raw : Number(decimalText(String(raw)));
			return Number.isInteger(n) && n >= 1 && n <= 5
				? { ok: true, value: n }
				: { ok: false, error: 'outOfRange' };
		}
		case 'number': {
			const n = typeof raw === 'number' ? raw : Number(decimalText(String(raw)).trim());
			return Number.isFinite(n) && Math.abs(n) < 1e12
				? { ok: true, value: n }
				: { ok: false, error: 'notANumber' };
		}
		default: {
			const s = String(raw).trim();
			return s.length <= 5000 ? { ok: true, value: s } : { ok: false, error: 'tooLong' };
		}
	}
}

// ---- audience -----------------------------------------------------------------------

export interface AudienceMember {
	id: string;
	status?: string;
	tier?: string;
	region?: string;
	enterpriseType?: string;
	size?: string;
}

/** The members a campaign is sent to: active members, narrowed by the audience field. */
export function audienceOf<M extends AudienceMember>(
	c: Pick<Campaign, 'audience' | 'audienceValue'>,
	members: Iterable<M>
): M[] {
	const out: M[] = [];
	const field = c.audience && c.audience !== 'allActive' ? c.audience : null;
	for (const m of members) {
		if (m.status !== 'active') continue;
		if (
			field &&
			(m[field] ?? '').trim().toLowerCase() !== (c.audienceValue ?? '').trim().toLowerCase()
		)
			continue;
		out.push(m);
	}
	return out;
}

/** Links work while the campaign is open and not past its expiry. */
export function campaignAcceptsAnswers(c: Campaign | undefined, now: number): boolean {
	if (!c || c.status !== CAMPAIGN_STATUS.open) return false;
	if (c.expiresAt && Date.parse(c.expiresAt) <= now) return false;
	return true;
}

// ---- the public link's payloads ----------------------------------------------------

export const publicAnswers = z
	.object({
		answers: z.record(
			z.string().regex(ROW_ID_PATTERN),
			z.union([z.string().max(5000), z.number(), z.array(z.string().max(64)).max(100), z.null()])
		)
	})
	.strict();
export type PublicAnswers = z.infer<typeof publicAnswers>;

export interface PublicSurvey {
	title: string;
	intro: string;
	language: SurveyLang;
	languages: SurveyLang[];
	expiresAt: string | null;
	submittedAt: string | null;
	questions: {
		id: string;
		kind: QuestionKind;
		required: boolean;
		text: string;
		options: { id: string; label: string }[];
		value: string | number | null;
	}[];
}

/** The columns of the personal links' CSV (server/api/surveys.ts), in order. */
export const LINK_CSV_COLUMNS = [
	'memberNo',
	'name',
	'email',
	'language',
	'link',
	'expiresAt',
	'memberId'
] as const;

/** True when `Intl` knows `timeZone` (an IANA name such as "Asia/Tehran"). */
export function isTimeZone(timeZone: string): boolean {
	try {
		new Intl.DateTimeFormat('en-US', { timeZone });
		return true;
	} catch {
		return false;
	}
}

/**
 * The last day a campaign's links work, as the links' CSV writes it: `YYYY-MM-DD`, as
 * the app's exports write dates (the registry's are its stored ISO days), not the raw
 * instant. `expiresAt` is the midnight that ends the day the builder shows
 * (CampaignBuilder's expiryInstant), so the day is the one before it, in the time zone of
 * whoever set it and reads it; '' without a readable expiry.
 */
export function linkExpiryDay(expiresAt: string | undefined, timeZone = 'UTC'): string {
	const at = expiresAt ? Date.parse(expiresAt) : NaN;
	if (Number.isNaN(at)) return '';
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		calendar: 'gregory',
		numberingSystem: 'latn',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit'
	}).formatToParts(new Date(at - 1));
	const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
	return `${part('year')}-${part('month')}-${part('day')}`;
}

/**
 * The member record: one zod schema, shared by client and server. It is the source
 * of the grid's columns and editors (via MEMBER_FIELDS), of editor validation and of
 * the server guard's corrections.
 *
 * Stored layout (contract): registry doc → Y.Map `members` → rowId → Y.Map<field, primitive>.
 * Every field is optional in storage: a freshly added row is empty until a person
 * types into it. A field that is present must be valid.
 */
import { z } from 'zod';

export const MEMBER_STATUS = {
	prospect: 'prospect',
	inquiry: 'inquiry',
	applicant: 'applicant',
	verified: 'verified',
	active: 'active',
	lapsed: 'lapsed',
	resigned: 'resigned',
	rejected: 'rejected',
	eventContact: 'eventContact',
	// --- joining (issue 4): removed from the roll by decision of the board ---
	removed: 'removed'
} as const;
export type MemberStatus = (typeof MEMBER_STATUS)[keyof typeof MEMBER_STATUS];

export const MEMBER_TIER = {
	regular: 'regular',
	council: 'council',
	donor: 'donor',
	volunteer: 'volunteer',
	honorary: 'honorary'
} as const;
export type MemberTier = (typeof MEMBER_TIER)[keyof typeof MEMBER_TIER];

export const ENTERPRISE_TYPE = {
	private: 'private',
	stateOwned: 'stateOwned',
	foreignInvested: 'foreignInvested',
	jointVenture: 'jointVenture',
	collective: 'collective',
	individual: 'individual',
	publicInstitution: 'publicInstitution',
	nonProfit: 'nonProfit',
	other: 'other'
} as const;
export type EnterpriseType = (typeof ENTERPRISE_TYPE)[keyof typeof ENTERPRISE_TYPE];

export const COMPANY_SIZE = {
	micro: 'micro',
	small: 'small',
	medium: 'medium',
	large: 'large'
} as const;
export type CompanySize = (typeof COMPANY_SIZE)[keyof typeof COMPANY_SIZE];

/** How the member came to us (000 §1, 003 §2: track the recruiting channel). */
export const SOURCE_CHANNEL = {
	event: 'event',
	exhibition: 'exhibition',
	associationReferral: 'associationReferral',
	councilReferral: 'councilReferral',
	memberReferral: 'memberReferral',
	volunteer: 'volunteer',
	partner: 'partner',
	website: 'website',
	magazine: 'magazine',
	other: 'other'
} as const;
export type SourceChannel = (typeof SOURCE_CHANNEL)[keyof typeof SOURCE_CHANNEL];

const values = <T extends Record<string, string>>(o: T) =>
	Object.values(o) as [T[keyof T], ...T[keyof T][]];

/** The registry doc's root map of member rows (row id → Y.Map of fields). */
export const MEMBERS_TABLE = 'members';

/** Row ids are made on the client; random, URL-safe, never a prototype key. */
export const ROW_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
export const rowId = z.string().regex(ROW_ID_PATTERN);

const text = (max: number) => z.string().trim().min(1).max(max);
// Permissive on purpose: international numbers, extensions, separators. Digits are
// normalised to ASCII by the editor before they are validated (see normalizeDigits).
const phone = z
	.string()
	.trim()
	.regex(/^\+?[0-9][0-9 ()\-./]{2,30}(?:\s*(?:ext\.?|x)\s*[0-9]{1,6})?$/i);
const isoDate = z.iso.date();

// ---- Member file (issue 4: member file and duplicates) -------------------------
/** A phone number as members and contact persons store it. */
export const phoneSchema = phone;
/**
 * What the member file adds to a member: products and services and interests as
 * free text (staff type them like a line in a paper file; the grid's search finds
 * them), and the merge marks, written only by the merge command: a record merged
 * into another stays (history, member number) and points at the survivor.
 */
const memberFileFields = {
	products: z.string().trim().max(2000),
	interests: z.string().trim().max(1000),
	mergedInto: z.string().regex(ROW_ID_PATTERN),
	mergedAt: z.iso.datetime()
} as const;
const MEMBER_FILE_SERVER_OWNED = ['mergedInto', 'mergedAt'] as const;
// ---- end member file ------------------------------------------------------------
// --- joining (issue 4): pipeline, inquiry follow-up, verification, approval, rejection ---
/** Language of the member's documents (admission notice, certificate, dues notice). */
export const MEMBER_LANGUAGE = { en: 'en', fa: 'fa', zh: 'zh' } as const;
export type MemberLanguage = (typeof MEMBER_LANGUAGE)[keyof typeof MEMBER_LANGUAGE];
/** Id of a row of a settings table (tiers, categories): seeded ids are short words. */
export const SETTINGS_REF_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const settingsRef = z.string().regex(SETTINGS_REF_PATTERN);
const joiningFields = {
	/** A row of the settings doc's `tiers`. */
	tier: settingsRef,
	/** A row of the settings doc's `categories`. */
	category: settingsRef,
	language: z.enum(values(MEMBER_LANGUAGE)),
	/** Who referred the member (a member, council member, association...): free text. */
	referrer: text(200),
	/** Inquiry follow-up: the staff member (username) who owns it, and when it is due. */
	owner: text(64),
	followUpOn: isoDate,
	/** Server-owned: the last move of the pipeline (the full list is the `moves` table). */
	statusAt: z.iso.datetime(),
	statusBy: text(100),
	/** Server-owned: verification by the membership office (checklist in `checks`). */
	verifiedAt: z.iso.datetime(),
	verifiedBy: text(100),
	verifyNote: z.string().max(2000),
	/** Server-owned: rejection by the approver or the office, with its reason. */
	rejectedAt: z.iso.datetime(),
	rejectedBy: text(100),
	rejectReason: text(2000),
	/** Server-owned: the member number as printed (prefix format at approval time). */
	certificateNo: text(40)
} as const;
/** Written only by the server's commands (approve, verify, reject, move). */
const JOINING_SERVER_OWNED = [
	'statusAt',
	'statusBy',
	'verifiedAt',
	'verifiedBy',
	'verifyNote',
	'rejectedAt',
	'rejectedBy',
	'rejectReason',
	'certificateNo'
] as const;
/**
 * Fields a client may set on a new row but never change afterwards: a move of the
 * pipeline is a server command that records who and when (see lifecycle.ts).
 */
export const COMMAND_FIELDS: ReadonlySet<string> = new Set(['status']);
// --- end joining ---

export const memberFields = {
	/** Server-owned: allocated once on approval, never reused, never changed. */
	memberNo: z.number().int().min(1).max(99_999_999),
	name: text(200),
	status: z.enum(values(MEMBER_STATUS)),
	enterpriseType: z.enum(values(ENTERPRISE_TYPE)),
	size: z.enum(values(COMPANY_SIZE)),
	region: text(100),
	address: text(500),
	legalRep: text(100),
	phone,
	email: z.email().max(254),
	website: z.url({ protocol: /^https?$/ }).max(500),
	joinDate: isoDate,
	source: z.enum(values(SOURCE_CHANNEL)),
	notes: z.string().max(5000),
	createdAt: z.iso.datetime(),
	/** Server-owned approval fields (written by the approve command, issue 4). */
	approvedAt: z.iso.datetime(),
	approvedBy: text(100),
	...memberFileFields,
	...joiningFields
} as const;

export type MemberField = keyof typeof memberFields;

export const member = z
	.object(
		Object.fromEntries(Object.entries(memberFields).map(([k, s]) => [k, s.optional()])) as {
			[K in MemberField]: z.ZodOptional<(typeof memberFields)[K]>;
		}
	)
	.strict();
export type Member = z.infer<typeof member>;
export type MemberRow = Member & { id: string };

/** Fields only the server writes. A client write to one of them is undone by the guard. */
export const SERVER_OWNED_FIELDS: ReadonlySet<string> = new Set<MemberField>([
	'memberNo',
	'approvedAt',
	'approvedBy',
	...MEMBER_FILE_SERVER_OWNED,
	...JOINING_SERVER_OWNED
]);

export const isMemberField = (key: string): key is MemberField =>
	Object.prototype.hasOwnProperty.call(memberFields, key);

/** Validate one field value. Returns the parsed (trimmed) value or an error. */
export function parseMemberField(
	field: MemberField,
	value: unknown
): { ok: true; value: string | number } | { ok: false } {
	const r = memberFields[field].safeParse(value);
	return r.success ? { ok: true, value: r.data as string | number } : { ok: false };
}

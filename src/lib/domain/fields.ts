/**
 * Column metadata for the member table, derived from the schema's field list. The
 * grid builds its columns, editors and formatters from this; labels live in i18n
 * under `field.<key>` and option labels under `option.<optionSet>.<value>`.
 */
import {
	COMPANY_SIZE,
	ENTERPRISE_TYPE,
	MEMBER_STATUS,
	MEMBER_TIER,
	SOURCE_CHANNEL,
	SERVER_OWNED_FIELDS,
	COMMAND_FIELDS,
	MEMBER_LANGUAGE,
	memberFields,
	type MemberField
} from './member';
import { DEFAULT_CATEGORIES } from './settings';

export const FIELD_KIND = {
	text: 'text',
	longText: 'longText',
	select: 'select',
	date: 'date',
	datetime: 'datetime',
	integer: 'integer',
	email: 'email',
	phone: 'phone',
	url: 'url'
} as const;
export type FieldKind = (typeof FIELD_KIND)[keyof typeof FIELD_KIND];

export const OPTION_SETS = {
	status: Object.values(MEMBER_STATUS),
	tier: Object.values(MEMBER_TIER),
	enterpriseType: Object.values(ENTERPRISE_TYPE),
	size: Object.values(COMPANY_SIZE),
	source: Object.values(SOURCE_CHANNEL),
	// joining (issue 4): the default category ids of the settings; language of documents
	category: Object.keys(DEFAULT_CATEGORIES),
	language: Object.values(MEMBER_LANGUAGE)
} as const;
export type OptionSet = keyof typeof OPTION_SETS;

export interface FieldSpec {
	key: MemberField;
	kind: FieldKind;
	/** For `select` fields: which closed set the value comes from. */
	options?: OptionSet;
	/** Written only by the server; never editable in the grid. */
	serverOwned: boolean;
	/** Shown by default; the rest can be switched on per user. */
	visible: boolean;
	width: number;
}

const spec = (
	key: MemberField,
	kind: FieldKind,
	width: number,
	extra: Partial<Pick<FieldSpec, 'options' | 'visible'>> = {}
): FieldSpec => ({
	key,
	kind,
	width,
	// Status moves are server commands (pipeline page), never a cell edit.
	serverOwned: SERVER_OWNED_FIELDS.has(key) || COMMAND_FIELDS.has(key),
	visible: extra.visible ?? true,
	options: extra.options
});

/** Grid column order. */
export const MEMBER_FIELD_SPECS: readonly FieldSpec[] = [
	spec('memberNo', 'integer', 110),
	spec('name', 'text', 220),
	spec('status', 'select', 130, { options: 'status' }),
	spec('tier', 'select', 120, { options: 'tier' }),
	spec('enterpriseType', 'select', 150, { options: 'enterpriseType' }),
	spec('category', 'select', 140, { options: 'category' }),
	spec('size', 'select', 110, { options: 'size' }),
	spec('region', 'text', 130),
	spec('address', 'text', 220, { visible: false }),
	spec('legalRep', 'text', 140),
	spec('phone', 'phone', 140),
	spec('email', 'email', 190),
	spec('website', 'url', 180, { visible: false }),
	spec('joinDate', 'date', 130),
	spec('source', 'select', 150, { options: 'source' }),
	spec('notes', 'longText', 220, { visible: false }),
	spec('createdAt', 'datetime', 160, { visible: false }),
	spec('approvedAt', 'datetime', 160, { visible: false }),
	spec('approvedBy', 'text', 130, { visible: false }),
	// Member file: free text, searchable in the grid.
	spec('products', 'longText', 220, { visible: false }),
	spec('interests', 'longText', 200, { visible: false }),
	// --- joining (issue 4) ---
	spec('owner', 'text', 120),
	spec('followUpOn', 'date', 130),
	spec('referrer', 'text', 160, { visible: false }),
	spec('language', 'select', 110, { options: 'language', visible: false }),
	spec('certificateNo', 'text', 120, { visible: false }),
	spec('statusAt', 'datetime', 160, { visible: false }),
	spec('statusBy', 'text', 130, { visible: false }),
	spec('verifiedAt', 'datetime', 160, { visible: false }),
	spec('verifiedBy', 'text', 130, { visible: false }),
	spec('verifyNote', 'longText', 200, { visible: false }),
	spec('rejectedAt', 'datetime', 160, { visible: false }),
	spec('rejectedBy', 'text', 130, { visible: false }),
	spec('rejectReason', 'longText', 200, { visible: false })
	// --- end joining ---
];

/**
 * What a person should type, per field kind: an i18n key under `expect.`. A text
 * field's key names its own limit (`expect.chars64` for the owner), so the hint says
 * how much that field holds.
 */
export const expectKey = (f: FieldSpec): string =>
	f.kind === 'select'
		? 'expect.select'
		: f.key === 'name'
			? 'expect.name'
			: f.kind === 'text' || f.kind === 'longText'
				? `expect.chars${(memberFields[f.key] as { maxLength?: number | null }).maxLength}`
				: `expect.${f.kind}`;

/**
 * From what a person typed (or pasted) to a value the member schema accepts. Pure:
 * the grid's editors and the store's `setField` both go through it, so a value the
 * editor shows as valid is exactly the value that is written.
 */
import { MEMBER_FIELD_SPECS, expectKey, type FieldSpec } from '$lib/domain/fields';
import { isMemberField, parseMemberField, type MemberField } from '$lib/domain/member';
import { normalizeDigits } from '$lib/domain/text';
import { parseUserDate } from '$lib/i18n/calendar';

export const FIELD_SPEC: ReadonlyMap<string, FieldSpec> = new Map(
	MEMBER_FIELD_SPECS.map((s) => [s.key, s])
);

/** Kinds whose value is digits and symbols: Persian, Arabic and full-width digits become ASCII. */
const DIGIT_KINDS = new Set(['phone', 'email', 'url', 'date', 'datetime', 'integer']);

export type FieldInput =
	/** `value: null` means "clear the cell". */
	{ ok: true; value: string | number | null } | { ok: false; expectKey: string };

/**
 * Validate one typed value for `field`. Empty input clears the field. Dates must be
 * ISO (`YYYY-MM-DD`) or `YYYY/MM/DD` in the Gregorian calendar; the Persian date
 * editor converts before it calls this.
 */
export function prepareFieldInput(field: MemberField, raw: unknown): FieldInput {
	const spec = FIELD_SPEC.get(field);
	if (!spec) return { ok: false, expectKey: 'expect.value' };
	if (raw === null || raw === undefined) return { ok: true, value: null };
	let v: unknown = raw;
	if (typeof v === 'string') {
		if (v.trim() === '') return { ok: true, value: null };
		if (DIGIT_KINDS.has(spec.kind)) v = normalizeDigits(v).trim();
		if (spec.kind === 'date') v = parseUserDate(v as string, 'gregory') ?? v;
		if (spec.kind === 'integer') v = /^\d+$/.test(v as string) ? Number(v) : v;
	}
	const parsed = parseMemberField(field, v);
	return parsed.ok ? { ok: true, value: parsed.value } : { ok: false, expectKey: expectKey(spec) };
}

export type FieldsInput =
	| { ok: true; values: Partial<Record<MemberField, string | number>> }
	| { ok: false; invalid: { field: MemberField; expectKey: string }[] };

/**
 * Validate a form's fields at once (the inquiry form): the values to write (empty
 * ones left out), or every field that is not valid with what to type there, so a
 * form can refuse the whole entry instead of saving it without them.
 */
export function prepareFields(fields: Partial<Record<MemberField, unknown>>): FieldsInput {
	const values: Partial<Record<MemberField, string | number>> = {};
	const invalid: { field: MemberField; expectKey: string }[] = [];
	for (const [field, raw] of Object.entries(fields) as [MemberField, unknown][]) {
		const r = prepareFieldInput(field, raw);
		if (!r.ok) invalid.push({ field, expectKey: r.expectKey });
		else if (r.value !== null) values[field] = r.value;
	}
	return invalid.length > 0 ? { ok: false, invalid } : { ok: true, values };
}

/** A stored value that the grid can show: a primitive of a known field. */
export function readStoredField(key: string, value: unknown): value is string | number {
	return isMemberField(key) && (typeof value === 'string' || typeof value === 'number');
}

/**
 * The guard's decision for one changed row, as a pure function: given what a client
 * changed, which writes the server makes in the same transaction so that no peer ever
 * sees an invalid or forbidden value. The Y-specific part (finding the changes,
 * applying the corrections) lives in server/guard.ts.
 *
 * Rules (ids are used in test names; see docs/SPEC.md):
 *  [G1] unknown keys (including `__proto__`) are removed.
 *  [G2] server-owned fields are put back as they were (removed if they were absent).
 *  [G3] an invalid value is replaced by the previous value when that was valid,
 *       otherwise the field is removed.
 *  [G4] a valid value that parses to a normalised form (trimmed) is rewritten to it.
 *  [G5] clearing a client-owned field is allowed.
 */
import type { z } from 'zod';
import { memberFields, SERVER_OWNED_FIELDS } from './member';

export interface FieldChange {
	key: string;
	action: 'add' | 'update' | 'delete';
	oldValue: unknown;
	newValue: unknown;
}

export type Correction = { key: string; op: 'set'; value: unknown } | { key: string; op: 'delete' };

/** The fields of one table (or one map of settings) and which of them the server owns. */
export interface FieldRules {
	/** Key → schema of one value. Keys not listed are removed [G1]. */
	fields: Readonly<Record<string, z.ZodType>>;
	/** Client changes to these are put back [G2]. */
	serverOwned?: ReadonlySet<string>;
}

export const MEMBER_RULES: FieldRules = { fields: memberFields, serverOwned: SERVER_OWNED_FIELDS };

const own = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

/** [G1]-[G5] for one changed row under `rules`. */
export function correctFieldChanges(
	changes: readonly FieldChange[],
	rules: FieldRules
): Correction[] {
	const out: Correction[] = [];
	const parse = (key: string, value: unknown) => rules.fields[key].safeParse(value);
	for (const c of changes) {
		const restore = (): Correction =>
			c.oldValue === undefined
				? { key: c.key, op: 'delete' }
				: { key: c.key, op: 'set', value: c.oldValue };
		if (!own(rules.fields, c.key)) {
			if (c.action !== 'delete') out.push({ key: c.key, op: 'delete' });
			continue;
		}
		if (rules.serverOwned?.has(c.key)) {
			out.push(restore());
			continue;
		}
		if (c.action === 'delete') continue;
		const parsed = parse(c.key, c.newValue);
		if (!parsed.success) {
			const oldOk = c.oldValue !== undefined && parse(c.key, c.oldValue).success;
			out.push(oldOk ? restore() : { key: c.key, op: 'delete' });
		} else if (parsed.data !== c.newValue) {
			out.push({ key: c.key, op: 'set', value: parsed.data });
		}
	}
	return out;
}

export const correctMemberChanges = (changes: readonly FieldChange[]): Correction[] =>
	correctFieldChanges(changes, MEMBER_RULES);

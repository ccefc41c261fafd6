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
 *  [J1] `status` of an existing row is changed only by server commands (a client
 *       change is put back); a new row may start in an initial state
 *       (INITIAL_STATUSES), any other becomes `prospect`.
 */
import { INITIAL_STATUSES, isStatus } from './lifecycle';
import { COMMAND_FIELDS, isMemberField, parseMemberField, SERVER_OWNED_FIELDS } from './member';

export interface FieldChange {
	key: string;
	action: 'add' | 'update' | 'delete';
	oldValue: unknown;
	newValue: unknown;
}

export type Correction = { key: string; op: 'set'; value: unknown } | { key: string; op: 'delete' };

export function correctMemberChanges(
	changes: readonly FieldChange[],
	opts: { newRow?: boolean } = {}
): Correction[] {
	const out: Correction[] = [];
	for (const c of changes) {
		const restore = (): Correction =>
			c.oldValue === undefined
				? { key: c.key, op: 'delete' }
				: { key: c.key, op: 'set', value: c.oldValue };
		if (!isMemberField(c.key)) {
			if (c.action !== 'delete') out.push({ key: c.key, op: 'delete' });
			continue;
		}
		if (SERVER_OWNED_FIELDS.has(c.key)) {
			out.push(restore());
			continue;
		}
		if (COMMAND_FIELDS.has(c.key)) {
			if (!opts.newRow) out.push(restore());
			else if (!isStatus(c.newValue) || !INITIAL_STATUSES.has(c.newValue)) {
				out.push({ key: c.key, op: 'set', value: 'prospect' });
			}
			continue;
		}
		if (c.action === 'delete') continue;
		const parsed = parseMemberField(c.key, c.newValue);
		if (!parsed.ok) {
			const old = c.oldValue === undefined ? { ok: false } : parseMemberField(c.key, c.oldValue);
			out.push(old.ok ? restore() : { key: c.key, op: 'delete' });
		} else if (parsed.value !== c.newValue) {
			out.push({ key: c.key, op: 'set', value: parsed.value });
		}
	}
	return out;
}

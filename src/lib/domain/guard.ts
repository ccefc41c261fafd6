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
 *  [G17]-[G19] who wrote a row and when it was created: `correctAuthorship`.
 */
import { z } from 'zod';
import { memberFields, SERVER_OWNED_FIELDS } from './member';
import { SESSION_TTL_MS } from './protocol';

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

/**
 * Fields that say who wrote a row and when it was created. The server knows who: the
 * user the connection is signed in as (SPEC [W3] for presence), never the row's values.
 */
export interface AuthorRules {
	/** [G17] Who created the row: the author's username when created; then never changes. */
	createdBy?: readonly string[];
	/**
	 * [G18] Who last wrote a part of the row, by field: the fields that part is made of.
	 * A client's write of the field, or of any field of its part, makes it the author.
	 */
	writtenBy?: Readonly<Record<string, readonly string[]>>;
	/**
	 * [G19] When the row was created, by the device's clock: kept when it is no older than
	 * one session lifetime before the author's session began and not in the future, else
	 * the server's time; then never changes.
	 */
	createdAt?: readonly string[];
	/**
	 * [G19] When a part of the row was last written, by field: the fields that part is made
	 * of (as `writtenBy`). A client's write of the field, or of any field of its part, is a
	 * write at that moment: its own new time when it lies in the writer's window, else the
	 * server's time.
	 */
	writtenAt?: Readonly<Record<string, readonly string[]>>;
}

/** Who sends a client's update: the connection's user and when its session began. */
export interface Author {
	username: string;
	/** The session's creation, ms on the server's clock. */
	sessionStart: number;
}

/** How far a device's clock may be from the server's for [G19]. */
export const CLOCK_SKEW_MS = 10 * 60 * 1000;

export const hasAuthorRules = (r: AuthorRules): boolean =>
	r.createdBy !== undefined ||
	r.writtenBy !== undefined ||
	r.createdAt !== undefined ||
	r.writtenAt !== undefined;

const isoTime = z.iso.datetime();

/**
 * [G17]-[G19] for one changed row: the writes that put the author's username and a
 * creation time the server can stand behind into it. `creating`: the row is new (or
 * still being created, [G15]). A `writtenBy` field becomes the author whenever its part
 * changes, whether the client wrote the field or not. An unknown author (null) vouches
 * for nobody: who-fields are removed on a new row and put back on an existing one, and a
 * `writtenBy` field whose part it changes is removed. A `writtenAt` field is the time of
 * the write that changes it or its part: the client's new time within [G19]'s window,
 * else the server's (so it dates the same write its part's `writtenBy` names). A value
 * already right is left alone, so a legitimate client's write is stored as it was made.
 */
export function correctAuthorship(
	changes: readonly FieldChange[],
	rules: AuthorRules,
	opts: {
		creating: boolean;
		author: Author | null;
		now: number;
		/** A field's value as the client's update leaves it. */
		current: (key: string) => unknown;
	}
): Correction[] {
	const out: Correction[] = [];
	const { creating, author, now, current } = opts;
	const stamp = (c: FieldChange): Correction | null =>
		author === null
			? restore(c)
			: c.newValue === author.username
				? null
				: { key: c.key, op: 'set', value: author.username };
	const restore = (c: FieldChange): Correction | null =>
		creating || c.oldValue === undefined
			? c.newValue === undefined
				? null
				: { key: c.key, op: 'delete' }
			: c.newValue === c.oldValue
				? null
				: { key: c.key, op: 'set', value: c.oldValue };
	const serverTime = (key: string): Correction => ({
		key,
		op: 'set',
		value: new Date(now).toISOString()
	});
	const time = (c: FieldChange): Correction | null => {
		// Not a time at all is no time the device gives: the server's then, as for one
		// outside the window.
		if (!isoTime.safeParse(c.newValue).success) return serverTime(c.key);
		const t = Date.parse(c.newValue as string);
		// A device may have worked offline for up to a session's lifetime on its last
		// session before signing in again and sending what it kept ([C25]).
		const from = author === null ? now : author.sessionStart - SESSION_TTL_MS - CLOCK_SKEW_MS;
		if (t >= from && t <= now + CLOCK_SKEW_MS) return null;
		return serverTime(c.key);
	};
	for (const c of changes) {
		let fix: Correction | null = null;
		if (rules.createdBy?.includes(c.key)) {
			fix = !creating ? restore(c) : c.action === 'delete' ? null : stamp(c);
		} else if (rules.createdAt?.includes(c.key)) {
			fix = !creating ? restore(c) : c.action === 'delete' ? null : time(c);
		} else continue;
		if (fix !== null) out.push(fix);
	}
	// A who- or when-field removed is put back (or stamped), never a write of a part: an
	// item's answeredAt removed alone does not make its remover the one who answered.
	const stamps = (key: string) =>
		Object.hasOwn(rules.writtenBy ?? {}, key) || Object.hasOwn(rules.writtenAt ?? {}, key);
	const partChanged = (part: readonly string[]) =>
		changes.some((c) => part.includes(c.key) && !(c.action === 'delete' && stamps(c.key)));
	for (const [key, part] of Object.entries(rules.writtenBy ?? {})) {
		const own = changes.find((c) => c.key === key);
		let fix: Correction | null;
		if (partChanged(part)) {
			// The part changed: whoever changed it wrote it, said so or not (nobody vouched
			// for an unknown author: the field goes).
			const value = author?.username;
			fix =
				current(key) === value
					? null
					: value === undefined
						? { key, op: 'delete' }
						: { key, op: 'set', value };
		} else if (own === undefined) continue;
		else fix = own.action === 'delete' ? restore(own) : stamp(own);
		if (fix !== null) out.push(fix);
	}
	for (const [key, part] of Object.entries(rules.writtenAt ?? {})) {
		const own = changes.find((c) => c.key === key);
		let fix: Correction | null;
		if (own !== undefined && own.action !== 'delete' && own.newValue !== own.oldValue) {
			fix = time(own); // a new time: when this write was made, if the server can believe it
		} else if (partChanged(part)) {
			// The part changed and the time did not: it was the last write's, not this one's.
			fix = serverTime(key);
		} else if (own === undefined) continue;
		else fix = restore(own);
		if (fix !== null) out.push(fix);
	}
	return out;
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

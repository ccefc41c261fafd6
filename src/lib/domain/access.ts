/**
 * Roles, documents (rooms) and who may do what with each. A room is `<org>/<doc>`.
 */
import { z } from 'zod';

export const ROLE = {
	admin: 'admin',
	staff: 'staff',
	approver: 'approver',
	finance: 'finance',
	board: 'board'
} as const;
export type Role = (typeof ROLE)[keyof typeof ROLE];
export const role = z.enum(Object.values(ROLE) as [Role, ...Role[]]);

export const DOC = {
	registry: 'registry',
	ledger: 'ledger',
	surveys: 'surveys',
	settings: 'settings',
	reports: 'reports'
} as const;
export type DocName = (typeof DOC)[keyof typeof DOC];

export const ACCESS = { edit: 'edit', view: 'view' } as const;
export type Access = (typeof ACCESS)[keyof typeof ACCESS];

/**
 * Per document: which roles edit, which only view. Any other role: no access.
 * `board` syncs only `reports`: board devices never receive members' contact
 * details, phones or emails (which registry, ledger and surveys hold), only the
 * aggregates and published lists the server writes into `reports`.
 */
const DOC_ROLES: Record<DocName, { edit: readonly Role[]; view: readonly Role[] }> = {
	registry: { edit: ['admin', 'staff', 'approver'], view: ['finance'] },
	ledger: { edit: ['admin', 'finance'], view: ['staff', 'approver'] },
	surveys: { edit: ['admin', 'staff'], view: ['approver', 'finance'] },
	settings: { edit: ['admin'], view: ['staff', 'approver', 'finance'] },
	reports: { edit: [], view: ['admin', 'staff', 'approver', 'finance', 'board'] }
};

export function isDocName(s: string): s is DocName {
	return Object.prototype.hasOwnProperty.call(DOC, s);
}

/** The same roles, in any order. */
export const sameRoles = (a: readonly string[], b: readonly string[]): boolean =>
	a.length === b.length && a.every((r) => b.includes(r));

export function accessFor(doc: DocName, roles: readonly Role[]): Access | null {
	const r = DOC_ROLES[doc];
	if (roles.some((x) => r.edit.includes(x))) return 'edit';
	if (roles.some((x) => r.view.includes(x))) return 'view';
	return null;
}

export const ORG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const DEFAULT_ORG = 'default';

/** Parse `<org>/<doc>`; null when malformed or the doc is unknown. */
export function parseRoomName(name: string): { org: string; doc: DocName } | null {
	const m = /^([^/]+)\/([^/]+)$/.exec(name);
	if (!m || !ORG_PATTERN.test(m[1]) || !isDocName(m[2])) return null;
	return { org: m[1], doc: m[2] };
}

export const USERNAME_PATTERN = /^[\p{L}\p{N}._-]{2,64}$/u;
export const username = z.string().trim().regex(USERNAME_PATTERN);
export const password = z.string().min(8).max(200);

export const newUser = z.object({
	username,
	password,
	displayName: z.string().trim().min(1).max(100).optional(),
	roles: z.array(role).min(1).max(5)
});
export type NewUser = z.infer<typeof newUser>;

export const userPatch = z
	.object({
		password: password.optional(),
		displayName: z.string().trim().min(1).max(100).optional(),
		roles: z.array(role).min(1).max(5).optional(),
		disabled: z.boolean().optional()
	})
	.strict();
export type UserPatch = z.infer<typeof userPatch>;

export const credentials = z.object({
	username: z.string().min(1).max(64),
	password: z.string().min(1).max(200)
});

/** What `GET /api/session` and `POST /api/session` return. */
export const sessionUser = z.object({
	id: z.number().int(),
	username: z.string(),
	displayName: z.string(),
	roles: z.array(role),
	org: z.string()
});
export type SessionUser = z.infer<typeof sessionUser>;

/**
 * What `GET /api/users/names` returns: each username of the organisation with the name
 * who-columns show for it (the display name, else the username). Rows store usernames.
 */
export const userNames = z.object({ names: z.record(z.string(), z.string()) });

/**
 * The users API as the admin page uses it: every answer is parsed at this boundary,
 * and every failure becomes a typed `AdminApiError` the page can put into words.
 */
import { z } from 'zod';
import { ROLE, type NewUser, type Role, type UserPatch } from '$lib/domain/access';

const knownRoles = z
	.array(z.string())
	.transform((rs) => rs.filter((r): r is Role => Object.prototype.hasOwnProperty.call(ROLE, r)));

export const adminUser = z.object({
	id: z.number().int(),
	username: z.string(),
	displayName: z
		.string()
		.nullish()
		.transform((s) => s ?? ''),
	roles: knownRoles,
	disabled: z.union([z.boolean(), z.number().transform((n) => n !== 0)]),
	createdAt: z.union([z.string(), z.number()]).nullish()
});
export type AdminUser = z.infer<typeof adminUser>;

const usersBody = z.object({ users: z.array(adminUser) });
const errorBody = z.object({
	error: z.object({
		code: z.string().optional(),
		message: z.string().optional(),
		issues: z
			.array(
				z.object({
					path: z.array(z.union([z.string(), z.number()])).optional(),
					message: z.string().optional()
				})
			)
			.optional()
	})
});

export const API_ERROR = {
	network: 'network',
	unauthorized: 'unauthorized',
	forbidden: 'forbidden',
	notFound: 'notFound',
	duplicate: 'duplicate',
	invalid: 'invalid',
	server: 'server'
} as const;
export type ApiErrorCode = (typeof API_ERROR)[keyof typeof API_ERROR];

export class AdminApiError extends Error {
	override name = 'AdminApiError';
	readonly code: ApiErrorCode;
	/** Fields the server named as invalid (first path segment of each issue). */
	readonly fields: string[];
	/** The server's own error code (e.g. cannot_disable_self), for the UI to word it. */
	readonly serverCode: string;
	constructor(code: ApiErrorCode, message = '', fields: string[] = [], serverCode = '') {
		super(message);
		this.code = code;
		this.fields = fields;
		this.serverCode = serverCode;
	}
}

async function call(path: string, init?: RequestInit): Promise<unknown> {
	let res: Response;
	try {
		res = await fetch(path, {
			...init,
			headers: { accept: 'application/json', 'content-type': 'application/json', ...init?.headers }
		});
	} catch {
		throw new AdminApiError('network');
	}
	if (res.ok) return res.status === 204 ? null : res.json().catch(() => null);
	const body = errorBody.safeParse(await res.json().catch(() => null));
	const err = body.success ? body.data.error : undefined;
	const message = err?.message ?? '';
	const fields = (err?.issues ?? []).map((i) => String(i.path?.[0] ?? '')).filter(Boolean);
	switch (res.status) {
		case 400:
		case 422:
			throw new AdminApiError('invalid', message, fields, err?.code);
		case 401:
			throw new AdminApiError('unauthorized', message);
		case 403:
			throw new AdminApiError('forbidden', message);
		case 404:
			throw new AdminApiError('notFound', message);
		case 409:
			throw new AdminApiError('duplicate', message);
		case 503:
			// The service worker's answer when the network is down.
			throw new AdminApiError(err?.code === 'offline' ? 'network' : 'server', message);
		default:
			throw new AdminApiError('server', message);
	}
}

export async function listUsers(): Promise<AdminUser[]> {
	const body = usersBody.safeParse(await call('/api/users'));
	if (!body.success) throw new AdminApiError('server', 'unexpected answer');
	return body.data.users;
}

export async function createUser(user: NewUser): Promise<void> {
	await call('/api/users', { method: 'POST', body: JSON.stringify(user) });
}

export async function patchUser(id: number, patch: UserPatch): Promise<void> {
	await call(`/api/users/${id}`, { method: 'PATCH', body: JSON.stringify(patch) });
}

/**
 * The HTTP API: sessions, users and the health check. Plain node handlers, JSON in
 * and out, every body parsed with the domain's zod schemas.
 *
 *   GET    /healthz            200 "ok" when the store answers, else 503
 *   GET    /api/session        200 { user } | 401
 *   GET    /api/session?optional=1   200 { user } | 200 { user: null } (the app's own
 *                              question at start: nobody signed in is an answer, not an error)
 *   POST   /api/session        { username, password } → 200 { user } + cookie | 401 | 429
 *   DELETE /api/session        204, cookie cleared
 *   GET    /api/users          (admin) 200 { users }
 *   GET    /api/users/names    (anyone signed in) 200 { names: { <username>: <display name> } }
 *                              of the user's organisation: who-columns show names, rows
 *                              store usernames (createdBy, sentBy)
 *   POST   /api/users          (admin) { username, password, roles, displayName? } → 201 { user } | 409
 *   PATCH  /api/users/:id      (admin) userPatch → 200 { user }
 *
 * Areas add their own endpoints as `ApiRoute`s (server/api/*.ts, wired in app.ts).
 *
 * Mutating requests must carry the app's own `Origin` (CSRF defence; see origin.ts).
 * Errors are `{ error: { code, message } }`; the message tells a person what to do.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import {
	credentials,
	newUser,
	userPatch,
	type Role,
	type SessionUser
} from '../src/lib/domain/access';
import { CLOSE, CLOSE_REASON_ACCOUNT_DISABLED } from '../src/lib/domain/protocol';
import {
	clearSessionCookie,
	hashPassword,
	hashToken,
	serializeSessionCookie,
	sessionTokenFrom,
	toSessionUser,
	type Auth,
	type Authenticated,
	type LoginLimiter
} from './auth';
import { clientAddressResolver, type ClientAddress } from './client-address';
import { originAllowed } from './origin';
import { UsernameTakenError, type Store, type UserRecord } from './store/types';
import type { Transport } from './transport';

export const MAX_BODY_BYTES = 1024 * 1024;

export class HttpError extends Error {
	readonly name = 'HttpError';
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly extra: Record<string, unknown> = {},
		readonly headers: Record<string, string> = {}
	) {
		super(message);
	}
}

export interface PublicUser {
	id: number;
	username: string;
	displayName: string;
	roles: Role[];
	disabled: boolean;
	createdAt: string;
}

const toPublicUser = (u: UserRecord): PublicUser => ({
	id: u.id,
	username: u.username,
	displayName: u.displayName ?? u.username,
	roles: u.roles,
	disabled: u.disabled,
	createdAt: u.createdAt
});

export function send(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string | string[]> = {}
): void {
	const text = body === undefined ? '' : JSON.stringify(body);
	res.writeHead(status, {
		'Cache-Control': 'no-store',
		...(body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
		'Content-Length': String(Buffer.byteLength(text)),
		...headers
	});
	res.end(text);
}

function sendError(res: ServerResponse, e: HttpError): void {
	send(res, e.status, { error: { code: e.code, message: e.message, ...e.extra } }, e.headers);
}

/** Read a JSON body of at most MAX_BODY_BYTES. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
	const tooLarge = () =>
		new HttpError(
			413,
			'payload_too_large',
			'The request is too large (limit 1 MB). Send less data at once.',
			{},
			{ Connection: 'close' }
		);
	const declared = Number(req.headers['content-length']);
	if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
		req.resume();
		throw tooLarge();
	}
	const chunks: Buffer[] = [];
	let size = 0;
	await new Promise<void>((resolve, reject) => {
		const onData = (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) {
				req.off('data', onData);
				req.resume();
				reject(tooLarge());
				return;
			}
			chunks.push(chunk);
		};
		req.on('data', onData);
		req.on('end', () => resolve());
		req.on('error', reject);
	});
	const text = Buffer.concat(chunks).toString('utf8');
	try {
		return JSON.parse(text);
	} catch {
		throw new HttpError(400, 'bad_json', 'The request body is not valid JSON. Send a JSON object.');
	}
}

export function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
	const r = schema.safeParse(value);
	if (r.success) return r.data;
	const issues = r.error.issues.map((i) => ({ path: i.path.map(String), message: i.message }));
	const fields = [...new Set(issues.map((i) => i.path.join('.') || 'body'))].join(', ');
	throw new HttpError(
		400,
		'invalid_input',
		`Check the ${what}: ${fields} ${issues.length === 1 ? 'is' : 'are'} not valid.`,
		{ issues }
	);
}

const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

const UNAUTHENTICATED = () =>
	new HttpError(401, 'unauthenticated', 'You are not signed in. Sign in and try again.');

/**
 * An area's own endpoints (server/api/<area>.ts), tried after the built-in ones.
 * `pattern` is matched against the path; the handler gets the match. Origin is
 * already checked for mutating methods; authentication is the route's own call
 * (`ctx.requireUser()`), so a route can also serve people without a login (such as
 * a survey's personal link).
 */
export interface ApiRoute {
	pattern: RegExp;
	handle(ctx: RouteContext): Promise<void>;
}

export interface RouteContext {
	req: IncomingMessage;
	res: ServerResponse;
	method: string;
	match: RegExpExecArray;
	/** The signed-in user or a 401 HttpError. */
	requireUser(): Promise<Authenticated>;
	/** The signed-in user with one of `roles`, or 401/403 saying who may do this. */
	requireRole(roles: readonly Role[], what: string): Promise<Authenticated>;
	/** The client's address for rate limits (TRUST_PROXY aware, client-address.ts). */
	clientAddress(): string;
}

export interface ApiOptions {
	store: Store;
	auth: Auth;
	limiter: LoginLimiter;
	transport: Transport;
	/** Configured public origin (ORIGIN), if any. */
	origin?: string;
	/** The client's address for rate limits; default: the socket's (no proxy trusted). */
	clientAddress?: ClientAddress;
	routes?: readonly ApiRoute[];
}

export class Api {
	private readonly secureCookies: boolean;
	private readonly clientAddress: ClientAddress;

	constructor(private readonly opts: ApiOptions) {
		this.secureCookies = opts.origin?.startsWith('https:') ?? false;
		this.clientAddress = opts.clientAddress ?? clientAddressResolver();
	}

	/** True when the request was for the API (and has been answered). */
	async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
		const path = (req.url ?? '/').split('?')[0];
		if (path !== '/healthz' && path !== '/api' && !path.startsWith('/api/')) return false;
		try {
			await this.route(req, res, path);
		} catch (e) {
			if (e instanceof HttpError) sendError(res, e);
			else {
				console.error(`Guildhall: ${req.method} ${path} failed`, e);
				if (!res.headersSent) {
					sendError(
						res,
						new HttpError(
							500,
							'server_error',
							'Something went wrong on the server. Try again; if it keeps happening, tell an administrator.'
						)
					);
				} else res.destroy();
			}
		}
		return true;
	}

	private async route(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
		const method = req.method ?? 'GET';
		if (path === '/healthz') {
			if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed('GET');
			return this.health(res);
		}
		if (method !== 'GET' && method !== 'HEAD' && !originAllowed(req, this.opts.origin)) {
			throw new HttpError(
				403,
				'bad_origin',
				'This request must come from the Guildhall app itself. Reload the app and try again.'
			);
		}
		if (path === '/api/session') {
			if (method === 'GET') return this.getSession(req, res);
			if (method === 'POST') return this.login(req, res);
			if (method === 'DELETE') return this.logout(req, res);
			throw methodNotAllowed('GET, POST, DELETE');
		}
		if (path === '/api/users') {
			if (method === 'GET') return this.listUsers(req, res);
			if (method === 'POST') return this.createUser(req, res);
			throw methodNotAllowed('GET, POST');
		}
		if (path === '/api/users/names') {
			if (method === 'GET') return this.userNames(req, res);
			throw methodNotAllowed('GET');
		}
		const m = /^\/api\/users\/([^/]+)$/.exec(path);
		if (m) {
			if (method === 'PATCH') return this.patchUser(req, res, m[1]);
			throw methodNotAllowed('PATCH');
		}
		for (const route of this.opts.routes ?? []) {
			const match = route.pattern.exec(path);
			if (!match) continue;
			return route.handle({
				req,
				res,
				method,
				match,
				requireUser: () => this.requireUser(req),
				requireRole: (roles, what) => this.requireRole(req, roles, what),
				clientAddress: () => this.clientAddress(req)
			});
		}
		throw new HttpError(404, 'not_found', 'There is no such API endpoint.');
	}

	private async health(res: ServerResponse): Promise<void> {
		try {
			await this.opts.store.ping();
		} catch (e) {
			console.error('Guildhall: health check failed', e);
			res.writeHead(503, {
				'Content-Type': 'text/plain; charset=utf-8',
				'Cache-Control': 'no-store'
			});
			res.end('store unavailable');
			return;
		}
		res.writeHead(200, {
			'Content-Type': 'text/plain; charset=utf-8',
			'Cache-Control': 'no-store'
		});
		res.end('ok');
	}

	private async requireUser(req: IncomingMessage): Promise<Authenticated> {
		const a = await this.opts.auth.authenticate(req.headers.cookie);
		if (!a) throw UNAUTHENTICATED();
		return a;
	}

	private async requireRole(
		req: IncomingMessage,
		roles: readonly Role[],
		what: string
	): Promise<Authenticated> {
		const a = await this.requireUser(req);
		if (!a.user.roles.some((r) => roles.includes(r))) {
			throw new HttpError(
				403,
				'forbidden',
				`Only ${roles.join(' or ')} users can ${what}. Ask an administrator for that role.`
			);
		}
		return a;
	}

	private requireAdmin(req: IncomingMessage): Promise<Authenticated> {
		return this.requireRole(req, ['admin'], 'manage users');
	}

	private async getSession(req: IncomingMessage, res: ServerResponse): Promise<void> {
		// The app asks at every start, the login page too, where a 401 was a console error.
		const optional = new URL(req.url ?? '/', 'http://localhost').searchParams.has('optional');
		const a = await this.opts.auth.authenticate(req.headers.cookie);
		if (!a) {
			if (optional) return send(res, 200, { user: null });
			throw UNAUTHENTICATED();
		}
		send(res, 200, { user: toSessionUser(a.user) satisfies SessionUser });
	}

	private async login(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const body = parse(credentials, await readJson(req), 'sign-in form');
		const ip = this.clientAddress(req);
		const { limiter, auth } = this.opts;
		const wait = limiter.retryAfterMs(body.username, ip);
		if (wait > 0) {
			const minutes = Math.max(1, Math.ceil(wait / 60_000));
			throw new HttpError(
				429,
				'too_many_attempts',
				`Too many failed sign-ins. Wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again, or ask an administrator to reset your password.`,
				{},
				{ 'Retry-After': String(Math.ceil(wait / 1000)) }
			);
		}
		const user = await auth.checkCredentials(body.username, body.password);
		if (!user) {
			limiter.fail(body.username, ip);
			throw new HttpError(
				401,
				'invalid_credentials',
				'The username or password is wrong. Check both and try again.'
			);
		}
		if (user.disabled) {
			throw new HttpError(
				401,
				'account_disabled',
				'This account is disabled. Ask an administrator to enable it.'
			);
		}
		limiter.succeed(body.username, ip);
		const { token } = await auth.createSession(user.id);
		send(
			res,
			200,
			{ user: toSessionUser(user) },
			{
				'Set-Cookie': serializeSessionCookie({ token, secure: this.secureCookies })
			}
		);
	}

	private async logout(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const token = sessionTokenFrom(req.headers.cookie);
		if (token) {
			const hash = hashToken(token);
			await this.opts.store.deleteSession(hash);
			this.opts.transport.dropSession({
				tokenHash: hash,
				code: CLOSE.Unauthorized,
				reason: 'Signed out'
			});
		}
		send(res, 204, undefined, { 'Set-Cookie': clearSessionCookie({ secure: this.secureCookies }) });
	}

	private async listUsers(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const { user } = await this.requireAdmin(req);
		const users = await this.opts.store.listUsers(user.org);
		send(res, 200, { users: users.map(toPublicUser) });
	}

	private async userNames(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const { user } = await this.requireUser(req);
		const users = await this.opts.store.listUsers(user.org);
		// Disabled users too: what they recorded still names them.
		const names = Object.fromEntries(users.map((u) => [u.username, u.displayName ?? u.username]));
		send(res, 200, { names });
	}

	private async createUser(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const { user: admin } = await this.requireAdmin(req);
		const body = parse(newUser, await readJson(req), 'new user');
		try {
			const created = await this.opts.store.createUser({
				org: admin.org,
				username: body.username,
				displayName: body.displayName ?? null,
				passwordHash: await hashPassword(body.password),
				roles: unique(body.roles)
			});
			send(res, 201, { user: toPublicUser(created) });
		} catch (e) {
			if (e instanceof UsernameTakenError) {
				throw new HttpError(
					409,
					'username_taken',
					`The username "${body.username}" is already taken. Choose another one.`
				);
			}
			throw e;
		}
	}

	private async patchUser(
		req: IncomingMessage,
		res: ServerResponse,
		idText: string
	): Promise<void> {
		const { user: admin, session } = await this.requireAdmin(req);
		const id = /^[1-9][0-9]{0,15}$/.test(idText) ? Number(idText) : NaN;
		const target = Number.isSafeInteger(id) ? await this.opts.store.getUserById(id) : null;
		if (!target || target.org !== admin.org) {
			throw new HttpError(404, 'not_found', 'There is no such user. Reload the user list.');
		}
		const patch = parse(userPatch, await readJson(req), 'changes');
		const self = target.id === admin.id;
		if (self && patch.roles && !patch.roles.includes('admin')) {
			throw new HttpError(
				400,
				'cannot_remove_own_admin',
				'You cannot remove your own admin role. Ask another administrator to do it.'
			);
		}
		if (self && patch.disabled === true) {
			throw new HttpError(
				400,
				'cannot_disable_self',
				'You cannot disable your own account. Ask another administrator to do it.'
			);
		}
		const roles = patch.roles ? unique(patch.roles) : undefined;
		const updated = await this.opts.store.updateUser(target.id, {
			roles,
			displayName: patch.displayName,
			disabled: patch.disabled,
			passwordHash: patch.password === undefined ? undefined : await hashPassword(patch.password)
		});
		if (!updated)
			throw new HttpError(404, 'not_found', 'There is no such user. Reload the user list.');

		const { store, transport } = this.opts;
		const rolesChanged =
			roles !== undefined &&
			(roles.length !== target.roles.length || roles.some((r) => !target.roles.includes(r)));
		if (patch.disabled === true && !target.disabled) {
			await store.deleteUserSessions(target.id);
			transport.dropUser({
				userId: target.id,
				code: CLOSE.Forbidden,
				reason: CLOSE_REASON_ACCOUNT_DISABLED
			});
		} else if (patch.password !== undefined) {
			// A new password ends the user's other sessions (keep the admin's own one).
			const keep = self ? session.tokenHash : undefined;
			await store.deleteUserSessions(target.id, keep);
			transport.dropUser({
				userId: target.id,
				code: CLOSE.Unauthorized,
				reason: 'Your password was changed; sign in again',
				exceptSession: keep
			});
		}
		if (rolesChanged) {
			// Access is decided at connect time; reconnecting picks up the new roles.
			transport.dropUser({
				userId: target.id,
				code: CLOSE.Forbidden,
				reason: 'Your roles changed; reconnect'
			});
		}
		send(res, 200, { user: toPublicUser(updated) });
	}
}

export function methodNotAllowed(allow: string): HttpError {
	return new HttpError(
		405,
		'method_not_allowed',
		`Use ${allow} for this endpoint.`,
		{},
		{ Allow: allow }
	);
}

/**
 * Passwords, sessions and the session cookie.
 *
 * - Passwords: argon2id with the OWASP minimum (19 MiB, 2 passes, 1 lane), about
 *   40 ms here: slow for guessing, quick enough for a login.
 * - Sessions: a 32-byte random token in an HttpOnly cookie; only its SHA-256 is
 *   stored, so a copy of the database does not hand out live sessions.
 * - Unknown usernames are verified against a dummy hash, so a login takes about the
 *   same time whether the user exists or not.
 */
import crypto from 'node:crypto';
import argon2 from 'argon2';
import { SESSION_COOKIE, SESSION_TTL_MS } from '../src/lib/domain/protocol';
import type { SessionUser } from '../src/lib/domain/access';
import { RateLimiter } from './rate-limit';
import type { SessionRecord, Store, UserRecord } from './store/types';

const ARGON2 = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export { SESSION_TTL_MS };
/** A session used with less than this left is extended to a full TTL again. */
const SESSION_REFRESH_BELOW_MS = 15 * 24 * 60 * 60 * 1000;
/** 32 bytes in base64url. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function hashPassword(password: string): Promise<string> {
	return argon2.hash(password, ARGON2);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
	try {
		return await argon2.verify(hash, password);
	} catch {
		// A malformed stored hash is a failed login, not a server error.
		return false;
	}
}

export const newSessionToken = (): string => crypto.randomBytes(32).toString('base64url');
export const hashToken = (token: string): string =>
	crypto.createHash('sha256').update(token).digest('hex');
export const isSessionToken = (s: string): boolean => TOKEN_PATTERN.test(s);

/** A password made of letters and digits from the CSPRNG (about 119 bits for 20 chars). */
export function randomPassword(length = 20): string {
	const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
	let out = '';
	while (out.length < length) {
		for (const b of crypto.randomBytes(length)) {
			// Rejection sampling keeps every character equally likely.
			if (b < 256 - (256 % alphabet.length) && out.length < length)
				out += alphabet[b % alphabet.length];
		}
	}
	return out;
}

/**
 * Parse a `Cookie` header. Hostile input is expected: malformed pairs and bad
 * percent-escapes are skipped, and names like `__proto__` are plain keys of a Map.
 */
export function parseCookies(header: string | undefined): Map<string, string> {
	const out = new Map<string, string>();
	if (typeof header !== 'string' || header.length > 16_384) return out;
	for (const part of header.split(';')) {
		const eq = part.indexOf('=');
		if (eq <= 0) continue;
		const name = part.slice(0, eq).trim();
		let value = part.slice(eq + 1).trim();
		if (!name || out.has(name)) continue;
		if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
			value = value.slice(1, -1);
		try {
			value = decodeURIComponent(value);
		} catch {
			continue;
		}
		out.set(name, value);
	}
	return out;
}

/** The session token from a `Cookie` header, if it has the shape of one. */
export function sessionTokenFrom(cookieHeader: string | undefined): string | null {
	const token = parseCookies(cookieHeader).get(SESSION_COOKIE);
	return token !== undefined && isSessionToken(token) ? token : null;
}

export function serializeSessionCookie(opts: {
	token: string;
	secure: boolean;
	maxAgeSeconds?: number;
}): string {
	const maxAge = opts.maxAgeSeconds ?? Math.floor(SESSION_TTL_MS / 1000);
	return [
		`${SESSION_COOKIE}=${opts.token}`,
		'HttpOnly',
		'SameSite=Lax',
		'Path=/',
		`Max-Age=${maxAge}`,
		...(opts.secure ? ['Secure'] : [])
	].join('; ');
}

export const clearSessionCookie = (opts: { secure: boolean }): string =>
	serializeSessionCookie({ token: '', secure: opts.secure, maxAgeSeconds: 0 });

export function toSessionUser(u: UserRecord): SessionUser {
	return {
		id: u.id,
		username: u.username,
		displayName: u.displayName ?? u.username,
		roles: u.roles,
		org: u.org
	};
}

export interface Authenticated {
	user: UserRecord;
	session: SessionRecord;
}

/**
 * Sessions over a store. One object per server; the dummy hash is made lazily so that
 * creating a server stays cheap.
 */
export class Auth {
	private dummyHash: Promise<string> | null = null;

	constructor(
		private readonly store: Store,
		private readonly now: () => number = Date.now
	) {}

	/** Check a username and password. Null on any failure, after about the same work. */
	async checkCredentials(username: string, password: string): Promise<UserRecord | null> {
		const user = await this.store.getUserByName(username);
		if (!user) {
			this.dummyHash ??= hashPassword(crypto.randomBytes(16).toString('hex'));
			await verifyPassword(await this.dummyHash, password);
			return null;
		}
		return (await verifyPassword(user.passwordHash, password)) ? user : null;
	}

	async createSession(userId: number): Promise<{ token: string; session: SessionRecord }> {
		const token = newSessionToken();
		const now = this.now();
		const session = {
			tokenHash: hashToken(token),
			userId,
			createdAt: now,
			expiresAt: now + SESSION_TTL_MS
		};
		await this.store.createSession(session);
		return { token, session };
	}

	/**
	 * The user behind a `Cookie` header: the session must exist, be unexpired, and its
	 * user must exist and be enabled. Sessions with less than half their life left are
	 * extended (sliding expiry; the cookie's own Max-Age is refreshed at each login).
	 */
	async authenticate(cookieHeader: string | undefined): Promise<Authenticated | null> {
		const token = sessionTokenFrom(cookieHeader);
		if (token === null) return null;
		const now = this.now();
		const session = await this.store.getValidSession(hashToken(token), now);
		if (!session) return null;
		const user = await this.store.getUserById(session.userId);
		if (!user || user.disabled) return null;
		if (session.expiresAt - now < SESSION_REFRESH_BELOW_MS) {
			session.expiresAt = now + SESSION_TTL_MS;
			await this.store.extendSession(session.tokenHash, session.expiresAt);
		}
		return { user, session };
	}

	/**
	 * Whether a session (by its token's hash) is still in force: stored, unexpired, its
	 * user enabled. An open sync connection asks this now and then [A9]; it does not
	 * extend the session (only a request that carries the cookie does).
	 */
	async sessionActive(tokenHash: string): Promise<boolean> {
		const session = await this.store.getValidSession(tokenHash, this.now());
		if (!session) return false;
		const user = await this.store.getUserById(session.userId);
		return !!user && !user.disabled;
	}
}

/**
 * Failed logins, in memory, counted twice over 10 minutes:
 * - per username + client address: 10 failures lock that pair out until the oldest
 *   failure ages out. Someone guessing from one address does not lock the user out
 *   from everywhere else ([AU1]; behind a proxy, see TRUST_PROXY for the address);
 * - per username over all addresses: a far higher cap (100), against guessing spread
 *   over many addresses. A success clears only its own pair.
 * Both tables are bounded without letting a spray of usernames or addresses reset a
 * counter (rate-limit.ts).
 */
export class LoginLimiter {
	private readonly pairs: RateLimiter;
	private readonly users: RateLimiter;

	constructor(
		max = 10,
		windowMs = 10 * 60 * 1000,
		now: () => number = Date.now,
		perUsernameMax = 100
	) {
		this.pairs = new RateLimiter(max, windowMs, now);
		this.users = new RateLimiter(perUsernameMax, windowMs, now);
	}

	private static user(username: string): string {
		return username.trim().toLowerCase();
	}

	private static pair(username: string, ip: string): string {
		return `${LoginLimiter.user(username)}\u0000${ip}`;
	}

	/** Milliseconds until another attempt is allowed; 0 when allowed now. */
	retryAfterMs(username: string, ip: string): number {
		return Math.max(
			this.pairs.retryAfterMs(LoginLimiter.pair(username, ip)),
			this.users.retryAfterMs(LoginLimiter.user(username))
		);
	}

	fail(username: string, ip: string): void {
		this.pairs.hit(LoginLimiter.pair(username, ip));
		this.users.hit(LoginLimiter.user(username));
	}

	succeed(username: string, ip: string): void {
		this.pairs.clear(LoginLimiter.pair(username, ip));
	}
}

import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { clientAddressResolver } from '../../server/client-address';
import { RateLimiter } from '../../server/rate-limit';
import {
	Auth,
	hashPassword,
	hashToken,
	LoginLimiter,
	parseCookies,
	randomPassword,
	serializeSessionCookie,
	SESSION_TTL_MS,
	sessionTokenFrom,
	verifyPassword
} from '../../server/auth';
import { SqliteStore } from '../../server/store/sqlite';
import { removeDir, tempDir } from '../server/helpers';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
	for (const c of cleanups.splice(0)) await c();
});

describe('passwords', () => {
	it('hashes with argon2id and verifies', async () => {
		const h = await hashPassword('correct horse');
		expect(h).toMatch(/^\$argon2id\$/);
		expect(await verifyPassword(h, 'correct horse')).toBe(true);
		expect(await verifyPassword(h, 'wrong horse')).toBe(false);
		expect(await verifyPassword('not a hash', 'x')).toBe(false);
	});

	it('makes random passwords of the asked length', () => {
		const a = randomPassword(20);
		expect(a).toMatch(/^[A-Za-z0-9]{20}$/);
		expect(randomPassword(20)).not.toBe(a);
	});
});

describe('cookies', () => {
	it('serialises the session cookie with HttpOnly, SameSite=Lax, Path=/ and Secure on https', () => {
		expect(serializeSessionCookie({ token: 'abc', secure: false })).toBe(
			`gh_session=abc; HttpOnly; SameSite=Lax; Path=/; Max-Age=${SESSION_TTL_MS / 1000}`
		);
		expect(serializeSessionCookie({ token: 'abc', secure: true })).toMatch(/; Secure$/);
	});

	it('parses hostile cookie headers without throwing or polluting prototypes', () => {
		const token = 'A'.repeat(43);
		const hostile = [
			undefined,
			'',
			';;;',
			'=',
			'=value',
			'gh_session',
			'gh_session=%E0%A4%A',
			`__proto__=x; constructor=y; gh_session=${token}`,
			`gh_session="${token}"`,
			`a=1; gh_session=${token}; gh_session=${'B'.repeat(43)}`,
			'x'.repeat(20_000)
		];
		for (const h of hostile) expect(() => parseCookies(h)).not.toThrow();
		expect(({} as Record<string, unknown>).x).toBeUndefined();
		expect(parseCookies(`__proto__=x; gh_session=${token}`).get('__proto__')).toBe('x');
		expect(sessionTokenFrom(`__proto__=x; constructor=y; gh_session=${token}`)).toBe(token);
		expect(sessionTokenFrom(`gh_session="${token}"`)).toBe(token);
		expect(sessionTokenFrom(`a=1; gh_session=${token}; gh_session=${'B'.repeat(43)}`)).toBe(token);
		expect(sessionTokenFrom('gh_session=%E0%A4%A')).toBeNull();
		expect(sessionTokenFrom('gh_session=short')).toBeNull();
		expect(sessionTokenFrom(`gh_session=${'A'.repeat(42)}!`)).toBeNull();
	});
});

describe('sessions', () => {
	async function setup() {
		const dir = tempDir();
		const store = new SqliteStore({ dataDir: dir });
		cleanups.push(async () => {
			await store.close();
			removeDir(dir);
		});
		await store.ensureOrg('default');
		const user = await store.createUser({
			org: 'default',
			username: 'carol',
			passwordHash: await hashPassword('pass-word-1'),
			roles: ['staff']
		});
		let now = 1_000_000;
		const auth = new Auth(store, () => now);
		return { store, user, auth, advance: (ms: number) => (now += ms) };
	}

	it('stores only the SHA-256 of the token and authenticates the cookie', async () => {
		const { store, user, auth } = await setup();
		const { token, session } = await auth.createSession(user.id);
		expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(session.tokenHash).toBe(hashToken(token));
		expect(session.tokenHash).not.toContain(token);
		expect((await auth.authenticate(`gh_session=${token}`))?.user.id).toBe(user.id);
		expect(await auth.authenticate(`gh_session=${'x'.repeat(43)}`)).toBeNull();
		await store.updateUser(user.id, { disabled: true });
		expect(await auth.authenticate(`gh_session=${token}`)).toBeNull();
	});

	it('expires sessions after 30 days, and extends sessions in use', async () => {
		const { user, auth, advance } = await setup();
		const a = await auth.createSession(user.id);
		const b = await auth.createSession(user.id);
		advance(20 * 24 * 3600 * 1000);
		expect(await auth.authenticate(`gh_session=${a.token}`)).not.toBeNull(); // extended to +30 d
		advance(11 * 24 * 3600 * 1000);
		expect(await auth.authenticate(`gh_session=${b.token}`)).toBeNull();
		expect(await auth.authenticate(`gh_session=${a.token}`)).not.toBeNull();
	});

	it('checks credentials; unknown users take about as long as known ones', async () => {
		const { user, auth } = await setup();
		expect((await auth.checkCredentials('carol', 'pass-word-1'))?.id).toBe(user.id);
		expect(await auth.checkCredentials('carol', 'nope')).toBeNull();
		await auth.checkCredentials('warm-up-dummy', 'x');
		const t0 = performance.now();
		await auth.checkCredentials('carol', 'nope');
		const known = performance.now() - t0;
		const t1 = performance.now();
		expect(await auth.checkCredentials('nobody', 'nope')).toBeNull();
		const unknown = performance.now() - t1;
		expect(unknown).toBeGreaterThan(known / 4);
	});
});

describe('LoginLimiter', () => {
	it('allows 10 failures per username+address in 10 minutes, then asks to wait', () => {
		let now = 0;
		const limiter = new LoginLimiter(10, 600_000, () => now);
		for (let i = 0; i < 10; i++) {
			expect(limiter.retryAfterMs('Dave', '1.2.3.4')).toBe(0);
			limiter.fail('Dave', '1.2.3.4');
			now += 1000;
		}
		expect(limiter.retryAfterMs('dave', '1.2.3.4')).toBeGreaterThan(0);
		expect(limiter.retryAfterMs('dave', '5.6.7.8')).toBe(0);
		now += 600_000;
		expect(limiter.retryAfterMs('dave', '1.2.3.4')).toBe(0);
		limiter.fail('dave', '1.2.3.4');
		limiter.succeed('dave', '1.2.3.4');
		expect(limiter.retryAfterMs('dave', '1.2.3.4')).toBe(0);
	});
});

describe('[AU1] LoginLimiter over many addresses and keys', () => {
	it('[AU1] caps failures per username over all addresses far above the per-address limit', () => {
		let now = 0;
		const limiter = new LoginLimiter(10, 600_000, () => now, 100);
		for (let i = 0; i < 100; i++) {
			expect(limiter.retryAfterMs('erin', `10.0.${i >> 8}.${i & 255}`)).toBe(0);
			limiter.fail('erin', `10.0.${i >> 8}.${i & 255}`);
		}
		expect(limiter.retryAfterMs('erin', '192.0.2.1')).toBeGreaterThan(0);
		expect(limiter.retryAfterMs('frank', '192.0.2.1')).toBe(0);
		now += 600_001;
		expect(limiter.retryAfterMs('erin', '192.0.2.1')).toBe(0);
	});

	it('[AU1] a spray of usernames does not reset the counter of a pair being guessed', () => {
		const limiter = new LoginLimiter(10, 600_000, () => 0);
		for (let i = 0; i < 10; i++) limiter.fail('gina', '203.0.113.5');
		for (let i = 0; i < 9; i++) limiter.fail('hank', '203.0.113.5');
		for (let i = 0; i < 20_000; i++) limiter.fail(`spray${i}`, '203.0.113.5');
		expect(limiter.retryAfterMs('gina', '203.0.113.5')).toBeGreaterThan(0);
		limiter.fail('hank', '203.0.113.5');
		expect(limiter.retryAfterMs('hank', '203.0.113.5')).toBeGreaterThan(0);
	});
});

describe('[AU1] RateLimiter', () => {
	it('[AU1] stays within its key bound, dropping the keys with the fewest hits first', () => {
		let now = 0;
		const limiter = new RateLimiter(3, 1000, () => now, 100);
		for (let i = 0; i < 3; i++) limiter.hit('target');
		now = 10;
		for (let i = 0; i < 1000; i++) limiter.hit(`k${i}`);
		expect(limiter.size).toBe(100);
		expect(limiter.retryAfterMs('target')).toBeGreaterThan(0);
		// Keys whose hits aged out make room before anyone's counter goes.
		now = 1005;
		limiter.hit('new');
		expect(limiter.retryAfterMs('target')).toBe(0);
		expect(limiter.size).toBeLessThanOrEqual(100);
	});
});

describe('[AU1] clientAddressResolver', () => {
	const req = (remoteAddress: string, xff?: string | string[]) =>
		({
			socket: { remoteAddress },
			headers: xff === undefined ? {} : { 'x-forwarded-for': xff }
		}) as unknown as IncomingMessage;

	it('[AU1] without trusted proxies: the socket address, X-Forwarded-For ignored', () => {
		const address = clientAddressResolver();
		expect(address(req('::ffff:203.0.113.5', '198.51.100.7'))).toBe('203.0.113.5');
		expect(address(req('2001:db8::1'))).toBe('2001:db8::1');
	});

	it('[AU1] behind trusted proxies: the right-most untrusted X-Forwarded-For entry', () => {
		const address = clientAddressResolver(['127.0.0.1', '10.0.0.0/8', '::1']);
		expect(address(req('127.0.0.1', '198.51.100.7'))).toBe('198.51.100.7');
		expect(address(req('::ffff:127.0.0.1', '1.1.1.1, 198.51.100.7, 10.2.3.4'))).toBe(
			'198.51.100.7'
		);
		expect(address(req('::1', ['1.1.1.1', '198.51.100.7:5000']))).toBe('198.51.100.7');
		expect(address(req('127.0.0.1', '[2001:db8::2]:443'))).toBe('2001:db8::2');
		// Not from a trusted proxy: its header is the client's own claim.
		expect(address(req('203.0.113.5', '198.51.100.7'))).toBe('203.0.113.5');
		// No header, all trusted, or a made-up entry: the proxy's address.
		expect(address(req('127.0.0.1'))).toBe('127.0.0.1');
		expect(address(req('10.0.0.2', '10.0.0.3'))).toBe('10.0.0.2');
		expect(address(req('127.0.0.1', 'nonsense'))).toBe('127.0.0.1');
	});
});

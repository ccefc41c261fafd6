import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CLOSE, CLOSE_REASON_ACCOUNT_DISABLED } from '../../src/lib/domain/protocol';
import { newRowId } from '../../src/lib/domain/text';
import {
	ADMIN_PASSWORD,
	addRow,
	api,
	connect,
	cookieFrom,
	createUser,
	login,
	loginAdmin,
	PASSWORD,
	removeDir,
	startTestServer,
	upgradeStatus,
	waitFor,
	type TestServer
} from './helpers';

let server: TestServer;
let admin: string;

beforeAll(async () => {
	server = await startTestServer();
	admin = await loginAdmin(server);
});

afterAll(async () => {
	await server.close();
	removeDir(server.dataDir);
});

describe('POST/GET/DELETE /api/session', () => {
	it('signs in with a cookie and returns the session user', async () => {
		const r = await api(server, 'POST', '/api/session', {
			body: { username: 'admin', password: ADMIN_PASSWORD }
		});
		expect(r.status).toBe(200);
		expect(r.body.user).toMatchObject({ username: 'admin', roles: ['admin'], org: 'default' });
		expect(typeof r.body.user.id).toBe('number');
		const setCookie = r.headers.get('set-cookie')!;
		expect(setCookie).toMatch(/^gh_session=[A-Za-z0-9_-]{43}; /);
		expect(setCookie).toContain('HttpOnly');
		expect(setCookie).toContain('SameSite=Lax');
		expect(setCookie).toContain('Path=/');
		expect(setCookie).not.toContain('Secure');
		const me = await api(server, 'GET', '/api/session', { cookie: cookieFrom(r) });
		expect(me.status).toBe(200);
		expect(me.body.user.username).toBe('admin');
	});

	it('refuses wrong passwords and unknown users alike with 401 invalid_credentials', async () => {
		for (const body of [
			{ username: 'admin', password: 'wrong-password' },
			{ username: 'nobody-here', password: 'whatever-1' }
		]) {
			const r = await api(server, 'POST', '/api/session', { body });
			expect(r.status).toBe(401);
			expect(r.body.error.code).toBe('invalid_credentials');
			expect(r.body.error.message).toMatch(/try again/i);
			expect(r.headers.get('set-cookie')).toBeNull();
		}
	});

	it('answers bad input with 400, bad JSON with 400 and no session with 401', async () => {
		const r = await api(server, 'POST', '/api/session', { body: { username: 'admin' } });
		expect(r.status).toBe(400);
		expect(r.body.error.code).toBe('invalid_input');
		const j = await api(server, 'POST', '/api/session', { rawBody: '{"username":' });
		expect(j.status).toBe(400);
		expect(j.body.error.code).toBe('bad_json');
		expect((await api(server, 'GET', '/api/session')).status).toBe(401);
		expect((await api(server, 'GET', '/api/session', { cookie: 'gh_session=forged' })).status).toBe(
			401
		);
	});

	it('[C30] with ?optional, answers nobody signed in with 200 { user: null }, not 401', async () => {
		const none = await api(server, 'GET', '/api/session?optional=1');
		expect(none.status).toBe(200);
		expect(none.body).toEqual({ user: null });
		const forged = await api(server, 'GET', '/api/session?optional=1', {
			cookie: 'gh_session=forged'
		});
		expect(forged.body).toEqual({ user: null });
		const r = await api(server, 'POST', '/api/session', {
			body: { username: 'admin', password: ADMIN_PASSWORD }
		});
		const me = await api(server, 'GET', '/api/session?optional=1', { cookie: cookieFrom(r) });
		expect(me.status).toBe(200);
		expect(me.body.user.username).toBe('admin');
	});

	it('requires the app origin on mutating requests (CSRF)', async () => {
		const body = { username: 'admin', password: ADMIN_PASSWORD };
		const foreign = await api(server, 'POST', '/api/session', {
			body,
			origin: 'http://evil.example'
		});
		expect(foreign.status).toBe(403);
		expect(foreign.body.error.code).toBe('bad_origin');
		expect((await api(server, 'POST', '/api/session', { body, origin: null })).status).toBe(403);
		expect(
			(await api(server, 'DELETE', '/api/session', { cookie: admin, origin: null })).status
		).toBe(403);
		expect((await api(server, 'GET', '/api/session', { cookie: admin, origin: null })).status).toBe(
			200
		);
	});

	it('signs out with 204 and a cleared cookie', async () => {
		const cookie = await loginAdmin(server);
		const r = await api(server, 'DELETE', '/api/session', { cookie });
		expect(r.status).toBe(204);
		expect(r.headers.get('set-cookie')).toMatch(/^gh_session=; .*Max-Age=0/);
		expect((await api(server, 'GET', '/api/session', { cookie })).status).toBe(401);
	});

	it('locks out a username + address after 10 failures with 429', async () => {
		await createUser(server, admin, ['board'], 'lockme');
		for (let i = 0; i < 10; i++) {
			const r = await api(server, 'POST', '/api/session', {
				body: { username: 'lockme', password: 'wrong-pass' }
			});
			expect(r.status).toBe(401);
		}
		const r = await api(server, 'POST', '/api/session', {
			body: { username: 'LockMe', password: PASSWORD }
		});
		expect(r.status).toBe(429);
		expect(r.body.error.code).toBe('too_many_attempts');
		expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
		// Other users are not affected.
		expect(
			(
				await api(server, 'POST', '/api/session', {
					body: { username: 'admin', password: ADMIN_PASSWORD }
				})
			).status
		).toBe(200);
	});
});

describe('/api/users', () => {
	it('lists users for admins only (401 without a session, 403 for others)', async () => {
		const staff = await createUser(server, admin, ['staff']);
		const r = await api(server, 'GET', '/api/users', { cookie: admin });
		expect(r.status).toBe(200);
		const listed = r.body.users.find((u: { username: string }) => u.username === staff.username);
		expect(listed).toEqual({
			id: staff.id,
			username: staff.username,
			displayName: staff.username,
			roles: ['staff'],
			disabled: false,
			createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/)
		});
		expect(JSON.stringify(r.body)).not.toMatch(/argon2|password/i);
		expect((await api(server, 'GET', '/api/users')).status).toBe(401);
		const forbidden = await api(server, 'GET', '/api/users', { cookie: staff.cookie });
		expect(forbidden.status).toBe(403);
		expect(forbidden.body.error.code).toBe('forbidden');
	});

	it('[A10] names the organisation’s users for anyone signed in: display name, else username', async () => {
		const staff = await createUser(server, admin, ['staff']);
		const board = await createUser(server, admin, ['board']);
		const named = await api(server, 'PATCH', `/api/users/${staff.id}`, {
			cookie: admin,
			body: { displayName: 'Sara Staff' }
		});
		expect(named.status).toBe(200);
		const r = await api(server, 'GET', '/api/users/names', { cookie: board.cookie });
		expect(r.status).toBe(200);
		expect(r.body.names).toMatchObject({
			admin: 'Administrator',
			[staff.username]: 'Sara Staff',
			[board.username]: board.username
		});
		expect(JSON.stringify(r.body)).not.toMatch(/argon2|password|roles/i);
		expect((await api(server, 'GET', '/api/users/names')).status).toBe(401);
	});

	it('creates users: 201, 409 on a duplicate name, 400 on bad input, 403/401 otherwise', async () => {
		const body = {
			username: 'Fatemeh.K',
			password: 'long-enough-1',
			roles: ['finance'],
			displayName: 'Fatemeh K.'
		};
		const r = await api(server, 'POST', '/api/users', { cookie: admin, body });
		expect(r.status).toBe(201);
		expect(r.body.user).toMatchObject({
			username: 'Fatemeh.K',
			displayName: 'Fatemeh K.',
			roles: ['finance'],
			disabled: false
		});
		expect((await login(server, 'fatemeh.k', 'long-enough-1')).startsWith('gh_session=')).toBe(
			true
		);

		const dup = await api(server, 'POST', '/api/users', {
			cookie: admin,
			body: { ...body, username: 'fatemeh.k' }
		});
		expect(dup.status).toBe(409);
		expect(dup.body.error.code).toBe('username_taken');

		const bad = await api(server, 'POST', '/api/users', {
			cookie: admin,
			body: { username: 'x', password: 'short', roles: ['wizard'] }
		});
		expect(bad.status).toBe(400);
		expect(bad.body.error.code).toBe('invalid_input');
		const paths = bad.body.error.issues.map((i: { path: string[] }) => i.path[0]);
		expect(paths).toEqual(expect.arrayContaining(['username', 'password', 'roles']));

		const staff = await createUser(server, admin, ['staff']);
		expect(
			(
				await api(server, 'POST', '/api/users', {
					cookie: staff.cookie,
					body: { ...body, username: 'other1' }
				})
			).status
		).toBe(403);
		expect(
			(await api(server, 'POST', '/api/users', { body: { ...body, username: 'other2' } })).status
		).toBe(401);
		expect(
			(
				await api(server, 'POST', '/api/users', {
					cookie: admin,
					body: { ...body, username: 'other3' },
					origin: 'http://evil.example'
				})
			).status
		).toBe(403);
	});

	it('refuses bodies over 1 MB with 413', async () => {
		const r = await api(server, 'POST', '/api/users', {
			cookie: admin,
			body: { username: 'big', password: 'x'.repeat(1024 * 1024 + 10), roles: ['staff'] }
		});
		expect(r.status).toBe(413);
		expect(r.body.error.code).toBe('payload_too_large');
	});

	it('patches users; an admin cannot demote or disable themselves', async () => {
		const user = await createUser(server, admin, ['staff']);
		const r = await api(server, 'PATCH', `/api/users/${user.id}`, {
			cookie: admin,
			body: { displayName: 'Renamed' }
		});
		expect(r.status).toBe(200);
		expect(r.body.user.displayName).toBe('Renamed');

		const me = (await api(server, 'GET', '/api/session', { cookie: admin })).body.user;
		const demote = await api(server, 'PATCH', `/api/users/${me.id}`, {
			cookie: admin,
			body: { roles: ['staff'] }
		});
		expect(demote.status).toBe(400);
		expect(demote.body.error.message).toMatch(/another administrator/);
		expect(
			(
				await api(server, 'PATCH', `/api/users/${me.id}`, {
					cookie: admin,
					body: { disabled: true }
				})
			).status
		).toBe(400);
		expect(
			(
				await api(server, 'PATCH', `/api/users/${me.id}`, {
					cookie: admin,
					body: { roles: ['admin', 'staff'] }
				})
			).status
		).toBe(200);

		expect(
			(
				await api(server, 'PATCH', '/api/users/999999', {
					cookie: admin,
					body: { displayName: 'X' }
				})
			).status
		).toBe(404);
		expect(
			(await api(server, 'PATCH', '/api/users/abc', { cookie: admin, body: { displayName: 'X' } }))
				.status
		).toBe(404);
		expect(
			(
				await api(server, 'PATCH', `/api/users/${user.id}`, {
					cookie: admin,
					body: { username: 'nope' }
				})
			).status
		).toBe(400);
		expect(
			(
				await api(server, 'PATCH', `/api/users/${user.id}`, {
					cookie: user.cookie,
					body: { displayName: 'Me' }
				})
			).status
		).toBe(403);
	});

	it('[A6] disabling a user deletes their sessions and closes their sync connections with 4403', async () => {
		const user = await createUser(server, admin, ['staff']);
		const client = await connect(server, user.cookie);
		const r = await api(server, 'PATCH', `/api/users/${user.id}`, {
			cookie: admin,
			body: { disabled: true }
		});
		expect(r.status).toBe(200);
		expect(r.body.user.disabled).toBe(true);
		await waitFor(() => client.closes.includes(CLOSE.Forbidden));
		// The reason tells the app to sign out and say why (not a change of roles).
		expect(client.closeReasons[client.closes.indexOf(CLOSE.Forbidden)]).toBe(
			CLOSE_REASON_ACCOUNT_DISABLED
		);
		client.destroy();
		expect((await api(server, 'GET', '/api/session', { cookie: user.cookie })).status).toBe(401);
		expect(await upgradeStatus(server, { cookie: user.cookie })).toBe(401);
		const again = await api(server, 'POST', '/api/session', {
			body: { username: user.username, password: PASSWORD }
		});
		expect(again.status).toBe(401);
		expect(again.body.error.code).toBe('account_disabled');
	});

	it('[A6] changing roles closes sync connections; the reconnect gets the new access', async () => {
		const user = await createUser(server, admin, ['staff']);
		const client = await connect(server, user.cookie);
		const r = await api(server, 'PATCH', `/api/users/${user.id}`, {
			cookie: admin,
			body: { roles: ['finance'] }
		});
		expect(r.status).toBe(200);
		await waitFor(() => client.closes.includes(CLOSE.Forbidden));
		client.destroy();
		const viewer = await connect(server, user.cookie);
		addRow(viewer.doc, newRowId(), { name: 'Not allowed any more' });
		await waitFor(() => viewer.denied.length > 0);
		viewer.destroy();
	});

	it('[A6] a new password ends the user’s sessions', async () => {
		const user = await createUser(server, admin, ['staff']);
		const r = await api(server, 'PATCH', `/api/users/${user.id}`, {
			cookie: admin,
			body: { password: 'brand-new-pass' }
		});
		expect(r.status).toBe(200);
		expect((await api(server, 'GET', '/api/session', { cookie: user.cookie })).status).toBe(401);
		await login(server, user.username, 'brand-new-pass');
	});
});

describe('/healthz and routing', () => {
	it('GET /healthz is 200 ok; unknown API paths are JSON 404; other paths 404 without a kit handler', async () => {
		const h = await fetch(server.url + '/healthz');
		expect(h.status).toBe(200);
		expect(await h.text()).toBe('ok');
		const r = await api(server, 'GET', '/api/nothing');
		expect(r.status).toBe(404);
		expect(r.body.error.code).toBe('not_found');
		expect((await fetch(server.url + '/members')).status).toBe(404);
		expect((await api(server, 'PUT', '/api/session', { body: {} })).status).toBe(405);
	});

	it('GET /healthz is 503 when the store is unreachable', async () => {
		const other = await startTestServer();
		await other.app.store.close();
		const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
		try {
			expect((await fetch(other.url + '/healthz')).status).toBe(503);
			expect(errors).toHaveBeenCalled();
		} finally {
			errors.mockRestore();
		}
		await other.close();
		removeDir(other.dataDir);
	});

	it('sets Secure cookies and checks Origin against ORIGIN when it is https', async () => {
		const other = await startTestServer({ origin: 'https://members.example.org' });
		try {
			const body = { username: 'admin', password: ADMIN_PASSWORD };
			const r = await api(other, 'POST', '/api/session', { body });
			expect(r.status).toBe(200);
			expect(r.headers.get('set-cookie')).toContain('Secure');
			expect((await api(other, 'POST', '/api/session', { body, origin: other.url })).status).toBe(
				403
			);
		} finally {
			await other.close();
			removeDir(other.dataDir);
		}
	});
});

describe('[AU1] sign-in limits and the client address', () => {
	const signIn = (on: TestServer, username: string, password: string, from?: string) =>
		api(on, 'POST', '/api/session', {
			body: { username, password },
			headers: from ? { 'x-forwarded-for': from } : {}
		});

	it('[AU1] without TRUST_PROXY, X-Forwarded-For is ignored: the socket address counts', async () => {
		await createUser(server, admin, ['board'], 'noproxy');
		for (let i = 0; i < 10; i++) {
			expect((await signIn(server, 'noproxy', 'wrong-pass', `203.0.113.${i}`)).status).toBe(401);
		}
		expect((await signIn(server, 'noproxy', PASSWORD, '198.51.100.7')).status).toBe(429);
	});

	it('[AU1] behind a trusted proxy, someone guessing a password does not lock its user out elsewhere', async () => {
		const proxied = await startTestServer({ trustProxy: ['127.0.0.1', '::1'] });
		try {
			await createUser(proxied, await loginAdmin(proxied), ['finance'], 'fin2');
			const guesser = '203.0.113.5';
			for (let i = 0; i < 10; i++) {
				expect((await signIn(proxied, 'fin2', 'wrong-pass', guesser)).status).toBe(401);
			}
			expect((await signIn(proxied, 'fin2', PASSWORD, guesser)).status).toBe(429);
			// Entries left of the proxy's own are the client's to forge: they change nothing.
			expect((await signIn(proxied, 'fin2', PASSWORD, `198.51.100.7, ${guesser}`)).status).toBe(
				429
			);
			// The user, at another address behind the same proxy, still signs in.
			expect((await signIn(proxied, 'fin2', PASSWORD, '198.51.100.7')).status).toBe(200);
		} finally {
			await proxied.close();
			removeDir(proxied.dataDir);
		}
	});
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { hashToken, sessionTokenFrom } from '../../server/auth';
import { CLOSE } from '../../src/lib/domain/protocol';
import {
	connect,
	createUser,
	loginAdmin,
	openRaw,
	removeDir,
	startTestServer,
	upgradeStatus,
	waitFor,
	type TestServer,
	type TestUser
} from './helpers';

let server: TestServer;
let admin: string;
let staff: TestUser;

beforeAll(async () => {
	server = await startTestServer();
	admin = await loginAdmin(server);
	staff = await createUser(server, admin, ['staff']);
});

afterAll(async () => {
	await server.close();
	removeDir(server.dataDir);
});

describe('upgrade of /sync/<org>/<doc>', () => {
	it('[A1] an upgrade without a valid session is refused with 401 before upgrading', async () => {
		expect(await upgradeStatus(server, {})).toBe(401);
		expect(await upgradeStatus(server, { cookie: 'gh_session=' + 'x'.repeat(43) })).toBe(401);
		expect(await upgradeStatus(server, { cookie: 'gh_session=%%%; __proto__=1' })).toBe(401);
		expect(await upgradeStatus(server, { cookie: staff.cookie })).toBe(101);
	});

	it('[A2] a cross-origin upgrade is refused with 403 before upgrading', async () => {
		expect(
			await upgradeStatus(server, { cookie: staff.cookie, origin: 'http://evil.example' })
		).toBe(403);
		expect(await upgradeStatus(server, { cookie: staff.cookie, origin: null })).toBe(403);
	});

	it('[A3] an unknown room is refused with 404', async () => {
		expect(await upgradeStatus(server, { cookie: staff.cookie, path: '/sync/default/nope' })).toBe(
			404
		);
		expect(await upgradeStatus(server, { cookie: staff.cookie, path: '/sync/default' })).toBe(404);
		expect(
			await upgradeStatus(server, { cookie: staff.cookie, path: '/sync/Bad_Org/registry' })
		).toBe(404);
		expect(
			await upgradeStatus(server, { cookie: staff.cookie, path: '/sync/%E0%A4%A/registry' })
		).toBe(404);
	});

	it('[A4] a room of another organisation is refused with 403', async () => {
		expect(
			await upgradeStatus(server, { cookie: staff.cookie, path: '/sync/other/registry' })
		).toBe(403);
	});

	it('[A5] a client of another protocol version is closed with ProtocolMismatch', async () => {
		const raw = await openRaw(server, staff.cookie, { v: '999' });
		expect((await raw.closed).code).toBe(CLOSE.ProtocolMismatch);
	});

	it('[A7] signing out closes the connections of that session', async () => {
		const user = await createUser(server, admin, ['staff']);
		const client = await connect(server, user.cookie);
		const r = await fetch(server.url + '/api/session', {
			method: 'DELETE',
			headers: { cookie: user.cookie, origin: server.origin }
		});
		expect(r.status).toBe(204);
		await waitFor(() => client.closes.includes(CLOSE.Unauthorized), { what: 'close 4401' });
		client.destroy();
		expect(await upgradeStatus(server, { cookie: user.cookie })).toBe(401);
	});
});

describe('sessions of open connections', () => {
	let fast: TestServer;
	let fastAdmin: string;

	beforeAll(async () => {
		// Pinged (and so session-checked) often, so the test does not wait 30 s.
		fast = await startTestServer({ tuning: { pingIntervalMs: 50 } });
		fastAdmin = await loginAdmin(fast);
	});

	afterAll(async () => {
		await fast.close();
		removeDir(fast.dataDir);
	});

	const tokenHashOf = (cookie: string) => hashToken(sessionTokenFrom(cookie)!);

	it('[A9] a connection whose session expires is closed with 4401 and writes no more', async () => {
		const user = await createUser(fast, fastAdmin, ['staff']);
		const observer = await connect(fast, fastAdmin);
		const client = await connect(fast, user.cookie);
		// The 30-day expiry passes while the socket is open.
		await fast.app.store.extendSession(tokenHashOf(user.cookie), 1000);
		await waitFor(() => client.closes.includes(CLOSE.Unauthorized), { what: 'close 4401' });
		client.members().set('after-expiry', new Y.Map());
		observer.members().set('marker', new Y.Map());
		await waitFor(() => observer.acks.length > 0, { what: 'observer ack' });
		expect(observer.members().has('after-expiry')).toBe(false);
		client.destroy();
		observer.destroy();
		expect(await upgradeStatus(fast, { cookie: user.cookie })).toBe(401);
	});

	it('[A9] a connection whose session was deleted (not by signing out) is closed with 4401', async () => {
		const user = await createUser(fast, fastAdmin, ['staff']);
		const client = await connect(fast, user.cookie);
		await fast.app.store.deleteSession(tokenHashOf(user.cookie));
		await waitFor(() => client.closes.includes(CLOSE.Unauthorized), { what: 'close 4401' });
		expect(client.closeReasons).toContain('Your session has ended; sign in again.');
		client.destroy();
	});
});

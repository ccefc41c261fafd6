import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

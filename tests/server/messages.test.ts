import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { CLOSE, MAX_MESSAGE_BYTES, MESSAGE } from '../../src/lib/domain/protocol';
import { newRowId } from '../../src/lib/domain/text';
import {
	addRow,
	awarenessMessage,
	connect,
	loginAdmin,
	messageType,
	openRaw,
	readLog,
	removeDir,
	startTestServer,
	syncMessage,
	waitFor,
	type TestServer
} from './helpers';

let server: TestServer;
let admin: string;

beforeAll(async () => {
	server = await startTestServer({ tuning: { pingIntervalMs: 100 } });
	admin = await loginAdmin(server);
});

afterAll(async () => {
	await server.close();
	removeDir(server.dataDir);
});

function bytes(...parts: (number | Uint8Array)[]): Uint8Array {
	const enc = encoding.createEncoder();
	for (const p of parts) {
		if (typeof p === 'number') encoding.writeVarUint(enc, p);
		else encoding.writeVarUint8Array(enc, p);
	}
	return encoding.toUint8Array(enc);
}

const MALFORMED: [string, Uint8Array | string][] = [
	['an unknown message type', bytes(77)],
	['an ACK sent by a client', bytes(MESSAGE.ack, new Uint8Array([0]))],
	['an unknown sync message type', bytes(MESSAGE.sync, 9, new Uint8Array())],
	[
		'a truncated sync update',
		new Uint8Array([MESSAGE.sync, syncProtocol.messageYjsUpdate, 200, 1, 2])
	],
	[
		'an update that is not a Yjs update',
		bytes(
			MESSAGE.sync,
			syncProtocol.messageYjsUpdate,
			new Uint8Array([5, 255, 255, 255, 255, 15, 3])
		)
	],
	[
		'a truncated state vector',
		bytes(MESSAGE.sync, syncProtocol.messageYjsSyncStep1, new Uint8Array([3, 1]))
	],
	[
		'awareness with invalid JSON',
		(() => {
			const m = awarenessMessage([{ clientId: 1, clock: 1, state: {} }]);
			m[m.length - 1] = 0x7b; // '{}' → '{{'
			return m;
		})()
	],
	['an empty message', new Uint8Array()],
	['a text frame', 'hello']
];

describe('malformed and oversized messages', () => {
	for (const [what, message] of MALFORMED) {
		it(`[M1] ${what} closes the connection with 4400`, async () => {
			const raw = await openRaw(server, admin);
			await raw.next((m) => messageType(m) === MESSAGE.sync);
			raw.ws.send(message);
			expect((await raw.closed).code).toBe(CLOSE.Malformed);
		});
	}

	it('[M1] the room and the server keep serving after malformed messages', async () => {
		const raw = await openRaw(server, admin);
		raw.send(bytes(77));
		await raw.closed;
		const a = await connect(server, admin);
		const b = await connect(server, admin);
		const id = addRow(a.doc, newRowId(), { name: 'Still here' });
		await waitFor(() => b.members().get(id)?.get('name') === 'Still here');
		expect(readLog(server).length).toBeGreaterThan(0);
		a.destroy();
		b.destroy();
	});

	it('[M2] a message over MAX_MESSAGE_BYTES closes the connection with 4413', async () => {
		const raw = await openRaw(server, admin);
		await raw.next((m) => messageType(m) === MESSAGE.sync);
		raw.send(new Uint8Array(MAX_MESSAGE_BYTES + 1));
		expect((await raw.closed).code).toBe(CLOSE.TooLarge);
	});

	it('[M2] a message just under the limit is fine', async () => {
		const raw = await openRaw(server, admin);
		await raw.next((m) => messageType(m) === MESSAGE.sync);
		const doc = new Y.Doc();
		addRow(doc, newRowId(), { notes: 'n'.repeat(4000) });
		raw.send(syncMessage(syncProtocol.messageYjsUpdate, Y.encodeStateAsUpdate(doc)));
		await raw.next((m) => messageType(m) === MESSAGE.ack);
		expect(raw.ws.readyState).toBe(raw.ws.OPEN);
		raw.ws.close();
	});

	it('[M3] a connection that does not answer pings is terminated', async () => {
		const raw = await openRaw(server, admin, { wsOptions: { autoPong: false } });
		const live = await openRaw(server, admin);
		const { code } = await raw.closed;
		expect(code).toBe(1006); // terminated, no close frame
		expect(live.ws.readyState).toBe(live.ws.OPEN);
		live.ws.close();
	});

	it('[M3] each connection is pinged on its own clock, not with all the others at once', async () => {
		// Pings every 100 ms (this server's tuning). B connects half an interval after A
		// was pinged: a sweep over all connections would ping B with A, 50 ms later; B's
		// own clock pings it a whole interval after it connected.
		const a = await openRaw(server, admin);
		await new Promise((r) => a.ws.once('ping', r));
		await new Promise((r) => setTimeout(r, 50));
		const opened = performance.now();
		const b = await openRaw(server, admin);
		await new Promise((r) => b.ws.once('ping', r));
		expect(performance.now() - opened).toBeGreaterThanOrEqual(90);
		a.ws.close();
		b.ws.close();
	});
});

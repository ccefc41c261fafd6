import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { CLOSE, MAX_MESSAGE_BYTES, MESSAGE } from '../../src/lib/domain/protocol';
import { newRowId } from '../../src/lib/domain/text';
import { Connection, FRAMED_MAX } from '../../server/transport';
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
	withTimeout,
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

describe("the server's own frames", () => {
	it('a small message is framed once for all its peers, one write each, and arrives as sent and in order', async () => {
		// A real server socket (upgraded by ws) and real ws clients: sizes on both sides of
		// each header length and of FRAMED_MAX, so both paths of Connection.send, in turns.
		const SMALL = 0xffff; // the largest payload of a frame with a 16-bit length
		expect(FRAMED_MAX).toBe(SMALL);
		const sizes = [0, 1, 125, 126, 127, 1000, SMALL, SMALL + 1, 200_000, 3, 65_000];
		const messages = sizes.map((n) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) & 255));
		const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
		const http = createServer();
		// What each server socket was given to write (the writes still happen).
		const writes = new Map<Connection, unknown[]>();
		const conns: Connection[] = [];
		const bothOpen = new Promise<void>((resolve) =>
			http.on('upgrade', (req, socket: Socket, head) =>
				wss.handleUpgrade(req, socket, head, (ws) => {
					const conn = new Connection(
						ws,
						socket,
						1,
						'session',
						'default/registry',
						'edit',
						{ id: 1, username: 'u', name: 'u' },
						Date.now()
					);
					const seen: unknown[] = [];
					const write = socket.write.bind(socket) as (...a: unknown[]) => boolean;
					socket.write = ((...args: unknown[]) => {
						seen.push(args[0]);
						return write(...args);
					}) as typeof socket.write;
					writes.set(conn, seen);
					if (conns.push(conn) === 2) resolve();
				})
			)
		);
		await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
		const { port } = http.address() as AddressInfo;
		const clients = [0, 1].map(() => new WebSocket(`ws://127.0.0.1:${port}/`));
		const received = clients.map(() => [] as Buffer[]);
		const all = Promise.all(
			clients.map(
				(c, k) =>
					new Promise<void>((resolve) =>
						c.on('message', (data: Buffer) => {
							if (received[k].push(data) === messages.length) resolve();
						})
					)
			)
		);
		await bothOpen;
		for (const w of writes.values()) w.length = 0;
		for (const m of messages) for (const conn of conns) conn.send(m);
		await withTimeout(all, 5000, 'every message');
		for (const r of received) {
			expect(r.map((b) => b.length)).toEqual(sizes);
			r.forEach((b, i) => expect(new Uint8Array(b)).toEqual(messages[i]));
		}
		// Small: one write each, of the same frame object on both sockets (header + payload).
		// Big: ws's own writes, header and payload apart.
		const [a, b] = conns.map((c) => writes.get(c)!);
		let w = 0;
		for (const m of messages) {
			if (m.byteLength <= SMALL) {
				expect(a[w]).toBe(b[w]);
				const frame = a[w] as Buffer;
				expect(frame.length).toBe(m.byteLength + (m.byteLength < 126 ? 2 : 4));
				expect(new Uint8Array(frame.subarray(frame.length - m.byteLength))).toEqual(m);
				w += 1;
			} else w += 2;
		}
		expect(a.length).toBe(w);
		for (const c of clients) c.close();
		await Promise.all(clients.map((c) => new Promise((r) => c.once('close', r))));
		wss.close();
		await new Promise((r) => http.close(r));
	});
});

/**
 * WebSocket transport for `/sync/<org>/<doc>?v=<PROTOCOL_VERSION>`: the y-websocket
 * protocol (see src/lib/domain/protocol.ts for the message table).
 *
 * Before the upgrade (plain HTTP answers, the socket never becomes a WebSocket):
 *   no valid session → 401 [A1]; `Origin` not the app's own → 403 [A2];
 *   unknown room → 404 [A3]; other org or no role for the doc → 403 [A4].
 * After the upgrade:
 *   wrong `v` → close ProtocolMismatch [A5]. Messages that arrive before the room is
 *   loaded wait in the connection's queue; the server speaks first (sync step 1) once
 *   the room is loaded [R1]. A view connection's step 2 / update is dropped and
 *   answered with permission-denied [RO1]. Anything undecodable closes the connection
 *   with Malformed [M1]; a message over MAX_MESSAGE_BYTES closes it with TooLarge [M2].
 *   Every 30 s each connection is pinged; one that did not answer the last ping is
 *   terminated [M3]; one whose session expired or was deleted is closed 4401 [A9].
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import * as authProtocol from 'y-protocols/auth';
import { accessFor, parseRoomName, type Access } from '../src/lib/domain/access';
import {
	CLOSE,
	MAX_MESSAGE_BYTES,
	MESSAGE,
	PROTOCOL_VERSION,
	type CloseCode
} from '../src/lib/domain/protocol';
import type { Auth } from './auth';
import { originAllowed } from './origin';
import type { Peer, PresenceIdentity, Room, Rooms } from './rooms';

/** ws closes an oversized message with 1009; our clients expect the named code. */
class GuildhallSocket extends WebSocket {
	override close(code?: number, data?: string | Buffer): void {
		super.close(code === 1009 ? CLOSE.TooLarge : code, data);
	}
}

class MalformedMessage extends Error {
	readonly name = 'MalformedMessage';
	readonly code = 'malformed';
}

/**
 * Messages up to this size are framed by us (RFC 6455 §5.2: a server's frames are
 * unmasked, so a frame is a 2- or 4-byte header and the payload): one frame per message
 * however many peers it goes to, and one socket write per peer, where ws builds the
 * header again for each peer and writes header and payload as two buffers. An edit goes
 * to every other peer of its room, so this is most of what the server writes. The
 * socket can take our writes because ws never holds frames back here: it only queues
 * while compressing (perMessageDeflate is off) or reading a Blob (we send none), and
 * `send` stops at `close`, which ws's close frame follows.
 */
export const FRAMED_MAX = 0xffff;

/** The last message framed and its frame: a broadcast frames its message once. */
let framed: { message: Uint8Array; frame: Buffer } | null = null;

/**
 * `message` as one unmasked binary frame. Messages are never changed once sent, so the
 * frame of the same message object can be reused.
 */
export function frameOf(message: Uint8Array): Buffer {
	if (framed?.message === message) return framed.frame;
	const n = message.byteLength;
	const head = n < 126 ? 2 : 4;
	const frame = Buffer.allocUnsafe(head + n);
	frame[0] = 0x82; // FIN, opcode 2 (binary)
	if (n < 126) frame[1] = n;
	else {
		frame[1] = 126;
		frame.writeUInt16BE(n, 2);
	}
	frame.set(message, head);
	framed = { message, frame };
	return frame;
}

/** Messages a connection may send before its room is loaded. More is an abuse. */
const MAX_QUEUED_BYTES = 2 * MAX_MESSAGE_BYTES;

export class Connection implements Peer {
	readonly kind = 'peer';
	/** Set once the room's doc is built; messages wait in `queue` until then. */
	room: Room | null = null;
	/** The room this connection holds (maybe still building). */
	held: Room | null = null;
	queue: Uint8Array[] = [];
	queuedBytes = 0;
	alive = true;
	closed = false;

	constructor(
		readonly ws: WebSocket,
		/** The upgraded socket under `ws`, which `send` writes small frames to. */
		private readonly socket: Duplex,
		readonly userId: number,
		readonly sessionHash: string,
		readonly roomName: string,
		readonly access: Access,
		readonly presence: PresenceIdentity,
		readonly sessionStart: number
	) {}

	/**
	 * A message up to FRAMED_MAX bytes is written to the socket as one frame, built once
	 * for all the peers it goes to (see `frameOf`); a bigger one goes through ws.
	 */
	send(message: Uint8Array): void {
		if (this.ws.readyState !== WebSocket.OPEN) return;
		if (message.byteLength <= FRAMED_MAX) {
			// A failed write ends the socket: ws sees its 'error' and the connection closes.
			this.socket.write(frameOf(message));
			return;
		}
		this.ws.send(message, (err) => {
			if (err) this.close(CLOSE.ServerError, 'send failed');
		});
	}

	close(code: CloseCode, reason: string): void {
		if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
			this.ws.close(code, reason.slice(0, 120));
		}
	}
}

type Handler = (conn: Connection, room: Room, decoder: decoding.Decoder) => void;

function permissionDenied(reason: string): Uint8Array {
	const enc = encoding.createEncoder();
	encoding.writeVarUint(enc, MESSAGE.auth);
	authProtocol.writePermissionDenied(enc, reason);
	return encoding.toUint8Array(enc);
}

const SESSION_ENDED = 'Your session has ended; sign in again.';
const VIEW_ONLY = 'You can view this document but not change it.';
const NOT_WRITABLE = 'This document cannot be changed from the app yet.';

const handleSync: Handler = (conn, room, decoder) => {
	const type = decoding.readVarUint(decoder);
	switch (type) {
		case syncProtocol.messageYjsSyncStep1: {
			const sv = decoding.readVarUint8Array(decoder);
			// A new device: the stored bytes are the answer, no encoding of the doc [R4].
			const fromStore = isEmptyStateVector(sv) ? room.storedStateMessages() : null;
			if (fromStore) {
				for (const m of fromStore) conn.send(m);
				return;
			}
			const enc = encoding.createEncoder();
			encoding.writeVarUint(enc, MESSAGE.sync);
			syncProtocol.writeSyncStep2(enc, room.doc, sv);
			conn.send(encoding.toUint8Array(enc));
			return;
		}
		case syncProtocol.messageYjsSyncStep2:
		case syncProtocol.messageYjsUpdate: {
			const update = decoding.readVarUint8Array(decoder);
			if (conn.access !== 'edit' || !room.writable) {
				// Step 2 is the client's answer to our step 1 and usually carries nothing new;
				// only tell the client when it actually tried to write.
				if (type === syncProtocol.messageYjsUpdate || hasNewStructs(update, room.doc)) {
					conn.send(permissionDenied(conn.access === 'edit' ? NOT_WRITABLE : VIEW_ONLY));
				}
				return;
			}
			room.applyPeerUpdate(conn, update);
			return;
		}
		default:
			throw new MalformedMessage(`unknown sync message type ${type}`);
	}
};

/**
 * The answer to a queued message that needs no doc: a sync step 1 with an empty state
 * vector, answered from the stored bytes. Null for anything else.
 */
function earlyAnswer(room: Room, message: Uint8Array): Uint8Array[] | null {
	if (message.length !== 4) return null;
	if (message[0] !== MESSAGE.sync || message[1] !== syncProtocol.messageYjsSyncStep1) return null;
	// varUint8Array of length 1 holding the empty state vector [0].
	if (message[2] !== 1 || message[3] !== 0) return null;
	return room.storedStateMessages();
}

/** A state vector of no clients (`[0]`); malformed bytes are left to Yjs to reject. */
function isEmptyStateVector(sv: Uint8Array): boolean {
	return sv.length === 1 && sv[0] === 0;
}

/**
 * A view client's step 2 holds its whole delete set; structs the room does not have mean
 * it tried to write. Structs the room has are no write: the client answered our step 1
 * with what reached it after we sent it (our own broadcast, or another tab's copy of it),
 * and telling it "view only" would make it set aside as refused what the server stores.
 */
function hasNewStructs(update: Uint8Array, doc: Y.Doc): boolean {
	const dec = decoding.createDecoder(update);
	if (decoding.readVarUint(dec) === 0) return false;
	// Where each client's structs end (a state vector would leave out a client whose
	// structs do not start at clock 0: any diff).
	for (const [client, end] of Y.parseUpdateMeta(update).to)
		if (end > Y.getState(doc.store, client)) return true;
	return false;
}

const handleAwareness: Handler = (conn, room, decoder) => {
	room.applyAwareness(conn, decoding.readVarUint8Array(decoder));
};

const handleQueryAwareness: Handler = (conn, room) => {
	const message = room.awarenessMessageForAll();
	if (message) conn.send(message);
};

/** Dispatch by message type. Client → server only; anything else is malformed. */
const HANDLERS = new Map<number, Handler>([
	[MESSAGE.sync, handleSync],
	[MESSAGE.awareness, handleAwareness],
	[MESSAGE.queryAwareness, handleQueryAwareness]
]);

function reject(socket: Duplex, status: number, text: string, message: string): void {
	const body = `${message}\n`;
	socket.end(
		`HTTP/1.1 ${status} ${text}\r\n` +
			'Connection: close\r\n' +
			'Content-Type: text/plain; charset=utf-8\r\n' +
			`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
			body
	);
	socket.destroy();
}

export interface TransportOptions {
	auth: Auth;
	rooms: Rooms;
	/** The configured public origin, if any (see origin.ts). */
	origin?: string;
	pingIntervalMs?: number;
}

export class Transport {
	private readonly wss: WebSocketServer;
	private readonly connections = new Set<Connection>();
	private closing = false;

	constructor(private readonly opts: TransportOptions) {
		this.wss = new WebSocketServer({
			noServer: true,
			maxPayload: MAX_MESSAGE_BYTES,
			perMessageDeflate: false,
			WebSocket: GuildhallSocket
		});
	}

	/** For an HTTP server's 'upgrade' event on `/sync/...`. */
	async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
		socket.on('error', () => socket.destroy());
		try {
			if (this.closing)
				return reject(
					socket,
					503,
					'Service Unavailable',
					'The server is restarting; try again shortly.'
				);
			const url = new URL(req.url ?? '/', 'http://localhost');
			if (!url.pathname.startsWith('/sync/'))
				return reject(socket, 404, 'Not Found', 'No such room.');
			const authd = await this.opts.auth.authenticate(req.headers.cookie);
			if (!authd) return reject(socket, 401, 'Unauthorized', 'Sign in first, then reconnect.');
			if (!originAllowed(req, this.opts.origin)) {
				return reject(
					socket,
					403,
					'Forbidden',
					'Connect from the Guildhall app itself (cross-site connections are refused).'
				);
			}
			let roomName: string;
			try {
				roomName = decodeURIComponent(url.pathname.slice('/sync/'.length));
			} catch {
				return reject(socket, 404, 'Not Found', 'No such room.');
			}
			const parsed = parseRoomName(roomName);
			if (!parsed) return reject(socket, 404, 'Not Found', 'No such room.');
			const access = authd.user.org === parsed.org ? accessFor(parsed.doc, authd.user.roles) : null;
			if (!access) {
				return reject(
					socket,
					403,
					'Forbidden',
					'Your roles do not give access to this document; ask an administrator.'
				);
			}
			const versionOk = url.searchParams.get('v') === String(PROTOCOL_VERSION);
			this.wss.handleUpgrade(req, socket, head, (ws) => {
				if (!versionOk) {
					ws.close(CLOSE.ProtocolMismatch, 'This app is out of date; reload the page.');
					return;
				}
				const { id, username, displayName } = authd.user;
				const presence = { id, username, name: displayName || username };
				this.onConnection(
					new Connection(
						ws,
						socket,
						id,
						authd.session.tokenHash,
						roomName,
						access,
						presence,
						authd.session.createdAt
					)
				);
			});
		} catch (err) {
			console.error('Guildhall: WebSocket upgrade failed', err);
			reject(
				socket,
				500,
				'Internal Server Error',
				'The server could not open this room; try again.'
			);
		}
	}

	private onConnection(conn: Connection): void {
		const { ws } = conn;
		if (this.closing) {
			conn.close(CLOSE.ShuttingDown, 'The server is restarting');
			return;
		}
		this.connections.add(conn);
		ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(conn, data, isBinary));
		ws.on('pong', () => {
			conn.alive = true;
		});
		const stopPings = this.keepAlive(conn);
		// 'error' is always followed by 'close'; an error listener keeps it from throwing.
		ws.on('error', () => {});
		ws.on('close', () => {
			stopPings();
			conn.closed = true;
			this.connections.delete(conn);
			const room = conn.held;
			conn.room = null;
			conn.held = null;
			if (room) {
				room.removePeer(conn);
				this.opts.rooms.release(room);
			}
		});
		this.opts.rooms.acquireOpened(conn.roomName).then(
			async (room) => {
				if (conn.closed) {
					this.opts.rooms.release(room);
					return;
				}
				conn.held = room;
				if (room.greetEarly(conn)) {
					// While the doc builds: answer new devices from the stored bytes [R5].
					while (conn.queue.length > 0 && !conn.closed && !room.built) {
						const answer = earlyAnswer(room, conn.queue[0]);
						if (!answer) break;
						const m = conn.queue.shift()!;
						conn.queuedBytes -= m.byteLength;
						for (const a of answer) conn.send(a);
					}
				}
				await room.whenBuilt;
				if (conn.closed) return;
				conn.room = room;
				room.addPeer(conn);
				const queued = conn.queue;
				conn.queue = [];
				for (const m of queued) {
					if (conn.closed) break;
					this.dispatch(conn, room, m);
				}
			},
			(err) => {
				console.error(`Guildhall: could not load room ${conn.roomName}`, err);
				conn.close(CLOSE.ServerError, 'The room could not be loaded; try again later.');
			}
		);
	}

	private onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
		if (conn.closed) return;
		if (!isBinary || !Buffer.isBuffer(data)) {
			conn.close(CLOSE.Malformed, 'Binary messages only');
			return;
		}
		const message = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
		if (conn.room) {
			this.dispatch(conn, conn.room, message);
			return;
		}
		conn.queuedBytes += message.byteLength;
		if (conn.queuedBytes > MAX_QUEUED_BYTES) {
			conn.close(CLOSE.TooLarge, 'Too much data before the room was ready');
			return;
		}
		conn.queue.push(message);
	}

	private dispatch(conn: Connection, room: Room, message: Uint8Array): void {
		try {
			const decoder = decoding.createDecoder(message);
			const type = decoding.readVarUint(decoder);
			const handler = HANDLERS.get(type);
			if (!handler) throw new MalformedMessage(`unknown message type ${type}`);
			handler(conn, room, decoder);
		} catch (err) {
			// Peers are untrusted: a message we cannot decode ends this connection only.
			conn.close(CLOSE.Malformed, 'Malformed message');
			const why = err instanceof Error ? err.message : String(err);
			console.warn(
				`Guildhall: closed a connection to ${room.name} after a malformed message (${why})`
			);
		}
	}

	/**
	 * Ping `conn` every pingIntervalMs from when it connected; one that did not answer the
	 * last ping is terminated. Each connection keeps its own clock: one sweep over every
	 * connection at once wrote hundreds of pings in one turn of the event loop (and had
	 * the pongs all come back together), a stall for everyone else every 30 s.
	 * On the same clock the connection's session is checked: one that expired or was
	 * deleted since the upgrade closes the connection with 4401 [A9], as signing out does.
	 */
	private keepAlive(conn: Connection): () => void {
		const timer = setInterval(() => {
			if (!conn.alive) {
				conn.ws.terminate();
				return;
			}
			conn.alive = false;
			try {
				conn.ws.ping();
			} catch {
				conn.ws.terminate();
			}
			this.opts.auth.sessionActive(conn.sessionHash).then(
				(active) => {
					if (!active) conn.close(CLOSE.Unauthorized, SESSION_ENDED);
				},
				(err) => console.error('Guildhall: could not check a connection’s session', err)
			);
		}, this.opts.pingIntervalMs ?? 30_000);
		timer.unref?.();
		return () => clearInterval(timer);
	}

	/**
	 * Close every connection of a user (roles changed, disabled, password reset),
	 * except those opened with `exceptSession`. Returns how many were closed.
	 */
	dropUser(opts: {
		userId: number;
		code: CloseCode;
		reason: string;
		exceptSession?: string;
	}): number {
		let n = 0;
		for (const conn of this.connections) {
			if (conn.userId === opts.userId && conn.sessionHash !== opts.exceptSession) {
				conn.close(opts.code, opts.reason);
				n++;
			}
		}
		return n;
	}

	/** Close the connections opened with one session (sign-out). */
	dropSession(opts: { tokenHash: string; code: CloseCode; reason: string }): void {
		for (const conn of this.connections) {
			if (conn.sessionHash === opts.tokenHash) conn.close(opts.code, opts.reason);
		}
	}

	get connectionCount(): number {
		return this.connections.size;
	}

	/** Tell every client the server is going away (they reconnect), then stop. */
	async close(): Promise<void> {
		this.closing = true;
		const open = [...this.connections];
		for (const conn of open) conn.close(CLOSE.ShuttingDown, 'The server is restarting');
		await Promise.race([
			Promise.all(open.map((c) => (c.closed ? null : new Promise((r) => c.ws.once('close', r))))),
			new Promise((r) => setTimeout(r, 1000).unref?.())
		]);
		for (const conn of this.connections) conn.ws.terminate();
		await new Promise<void>((r) => this.wss.close(() => r()));
	}
}

/**
 * Server turnaround, measured inside the server's process (bench/server-host.ts): from
 * a WebSocket message's arrival (ws emits 'message') to the server's first write to
 * ANOTHER socket (`net.Socket#_writeGeneric`, where Node hands the bytes to the kernel,
 * for ws's own writes and for our transport's framed writes alike, after the call).
 *
 * Edit to peer measures the whole trip in the clients' process; this is the server's
 * part of it, without the clients' process, the kernel's loopback and its noise. Both
 * servers run on the same `ws` and `net`, so the same patch measures both.
 *
 * A message is one sample when nothing else arrived before its first send to another
 * socket. When a message arrives while the one before still waits for that send (two
 * edits met in the server), neither is sampled, as the send may be either's: the pair
 * counts as one `mixed`. (The bench's clients send nothing but edits in the rounds, and
 * every edit goes to its peers.)
 */
import net from 'node:net';
import { WebSocket } from 'ws';

export interface TurnaroundValue {
	/** Microseconds, one per edit, in arrival order. */
	samples: number[];
	/** Pairs of messages that met in the server (see above): not sampled. */
	mixed: number;
}

interface Pending {
	t0: number;
	from: unknown;
	mixed: boolean;
}

let installed = false;
let pending: Pending | null = null;
let samples: number[] = [];
let mixed = 0;

/** Patch ws and net once, in this process; `take()` then answers what was measured. */
export function installTurnaround(): void {
	if (installed) return;
	installed = true;
	const ws = WebSocket.prototype as unknown as {
		emit: (event: string | symbol, ...args: unknown[]) => boolean;
		_socket?: unknown;
	};
	const emit = ws.emit;
	ws.emit = function (this: typeof ws, event, ...args) {
		if (event === 'message') {
			pending = { t0: performance.now(), from: this._socket, mixed: pending !== null };
		}
		return emit.call(this, event, ...args);
	};
	const socket = net.Socket.prototype as unknown as {
		_writeGeneric: (...args: unknown[]) => unknown;
	};
	const writeGeneric = socket._writeGeneric;
	socket._writeGeneric = function (this: unknown, ...args: unknown[]) {
		const r = writeGeneric.apply(this, args);
		const p = pending;
		if (p !== null && this !== p.from) {
			if (p.mixed) mixed++;
			else samples.push(Math.round((performance.now() - p.t0) * 1000));
			pending = null;
		}
		return r;
	};
}

/** What was measured since the last take. */
export function takeTurnaround(): TurnaroundValue {
	const out = { samples, mixed };
	samples = [];
	mixed = 0;
	pending = null;
	return out;
}

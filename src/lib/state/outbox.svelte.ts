/**
 * The command outbox (issue 4): server commands (approve, verify, reject, move...)
 * wait on this device until the server has answered them.
 *
 * - `enqueue` stores the command (dexie `outbox`) with a fresh uuid, shows it as
 *   pending at once and tries to send it.
 * - Sending is one at a time, oldest first. The id stays the same on every retry,
 *   so the server runs a command once however often it arrives (docs/SPEC.md [CMD4]).
 * - No network, the service worker's offline answer, a timeout, 429 or a 5xx: the
 *   command stays pending and is tried again (on the browser's `online` event, and
 *   on a timer doubling from 2 s to 60 s).
 * - 401: kept pending; the person is told to sign in again.
 * - Any other refusal (400, 403, 404, 409, 422): kept as failed with the server's
 *   code and details (shown in the reader's language by components/command-error.ts),
 *   until the person discards it or tries again.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- plain maps for internal bookkeeping */
import { z } from 'zod';
import type { Role } from '$lib/domain/access';
import { mayRunCommand } from '$lib/domain/commands';
import { localDb, type OutboxRow } from '$lib/local/db';

export type { OutboxRow } from '$lib/local/db';

export interface OutboxStore {
	all(userId: number): Promise<OutboxRow[]>;
	put(row: OutboxRow): Promise<void>;
	delete(id: string): Promise<void>;
}

/** Sends one command; resolves with the HTTP answer, rejects when the network failed. */
export type SendCommand = (row: OutboxRow) => Promise<{ status: number; body: unknown }>;

export const memoryOutboxStore = (): OutboxStore => {
	const rows = new Map<string, OutboxRow>();
	return {
		all: async (userId) => [...rows.values()].filter((r) => r.userId === userId),
		put: async (row) => void rows.set(row.id, structuredClone(row)),
		delete: async (id) => void rows.delete(id)
	};
};

export const dexieOutboxStore: OutboxStore = {
	all: (userId) => localDb().outbox.where('userId').equals(userId).sortBy('createdAt'),
	put: async (row) => void (await localDb().outbox.put($state.snapshot(row) as OutboxRow)),
	delete: (id) => localDb().outbox.delete(id)
};

export const fetchSend: SendCommand = async (row) => {
	const res = await fetch(`/api/${encodeURIComponent(row.org)}/commands`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', accept: 'application/json' },
		body: JSON.stringify({ ...row.args, id: row.id, type: row.type })
	});
	let body: unknown = null;
	try {
		body = await res.json();
	} catch {
		body = null;
	}
	return { status: res.status, body };
};

const errorBody = z.object({
	error: z.looseObject({ code: z.string(), message: z.string() })
});

/** The details of a refusal (JSON values the server sent beside code and message). */
function errorDetails(e: Record<string, unknown>): Record<string, unknown> | undefined {
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(e)) {
		if (k === 'code' || k === 'message' || k === '__proto__') continue;
		out[k] = v;
	}
	return Object.keys(out).length > 0 ? out : undefined;
}

const FIRST_RETRY_MS = 2000;
const MAX_RETRY_MS = 60_000;
/** Answered commands stay visible this long (their result, e.g. the member number). */
const KEEP_DONE_MS = 24 * 60 * 60 * 1000;

const retryable = (status: number) =>
	status === 0 || status === 401 || status === 408 || status === 429 || status >= 500;

export class CommandOutbox {
	items = $state<OutboxRow[]>([]);
	/** The id being sent now. */
	sending = $state<string | null>(null);
	/** The server answered 401: sending waits until the person signs in again. */
	needsSignIn = $state(false);
	readonly ready: Promise<void>;

	#flushing: Promise<void> | null = null;
	#timer: ReturnType<typeof setTimeout> | null = null;
	#listeners = new Set<(row: OutboxRow) => void>();
	#offs: (() => void)[] = [];

	constructor(
		private readonly opts: {
			user: { id: number; org: string };
			store: OutboxStore;
			send: SendCommand;
			now?: () => number;
			newId?: () => string;
		}
	) {
		this.ready = this.#load();
	}

	#now = () => (this.opts.now ?? Date.now)();

	async #load(): Promise<void> {
		const rows = await this.opts.store.all(this.opts.user.id);
		const now = this.#now();
		for (const r of rows) {
			if (r.state === 'done' && now - (r.doneAt ?? 0) > KEEP_DONE_MS) {
				await this.opts.store.delete(r.id);
			}
		}
		this.items = rows
			.filter((r) => !(r.state === 'done' && now - (r.doneAt ?? 0) > KEEP_DONE_MS))
			.sort((a, b) => a.createdAt - b.createdAt);
	}

	get pending(): OutboxRow[] {
		return this.items.filter((r) => r.state === 'pending');
	}

	get failed(): OutboxRow[] {
		return this.items.filter((r) => r.state === 'failed');
	}

	/** Commands about a member that have not been answered yet (pending or refused). */
	openFor(rowId: string): OutboxRow[] {
		return this.items.filter((r) => r.state !== 'done' && r.args.rowId === rowId);
	}

	/** Be told when a command is answered (done) or refused (failed). Returns the unsubscribe. */
	onSettled(f: (row: OutboxRow) => void): () => void {
		this.#listeners.add(f);
		return () => this.#listeners.delete(f);
	}

	/** Start sending: now, on every `online` event and on the retry timer (browser). */
	start(): void {
		if (typeof window !== 'undefined') {
			const online = () => {
				this.needsSignIn = false;
				for (const r of this.pending) r.nextAt = 0;
				void this.flush();
			};
			window.addEventListener('online', online);
			this.#offs.push(() => window.removeEventListener('online', online));
		}
		void this.ready.then(() => this.flush());
	}

	stop(): void {
		for (const f of this.#offs.splice(0)) f();
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
	}

	async enqueue(type: string, args: Record<string, unknown>, label: string): Promise<OutboxRow> {
		await this.ready;
		const row: OutboxRow = {
			id: (this.opts.newId ?? (() => crypto.randomUUID()))(),
			userId: this.opts.user.id,
			org: this.opts.user.org,
			type,
			args,
			label,
			createdAt: this.#now(),
			state: 'pending',
			attempts: 0,
			nextAt: 0
		};
		await this.opts.store.put(row);
		this.items = [...this.items, row];
		void this.flush();
		return row;
	}

	/** Forget commands already deleted from the store (the roles changed, [C29]). */
	async forget(ids: readonly string[]): Promise<void> {
		await this.ready;
		this.items = this.items.filter((r) => !ids.includes(r.id));
	}

	async discard(id: string): Promise<void> {
		await this.opts.store.delete(id);
		this.items = this.items.filter((r) => r.id !== id);
	}

	/** Send a refused (or waiting) command again now, with the same id. */
	async retry(id: string): Promise<void> {
		const row = this.items.find((r) => r.id === id);
		if (!row || row.state === 'done') return;
		await this.#update(row, { state: 'pending', nextAt: 0, error: undefined });
		this.needsSignIn = false;
		await this.flush();
	}

	/** Send every pending command that is due, one at a time. */
	flush(): Promise<void> {
		this.#flushing ??= this.#drain().finally(() => {
			this.#flushing = null;
		});
		return this.#flushing;
	}

	async #drain(): Promise<void> {
		await this.ready;
		for (;;) {
			if (this.needsSignIn) return;
			const now = this.#now();
			const next = this.pending.find((r) => r.nextAt <= now);
			if (!next) break;
			const ok = await this.#sendOne(next);
			// Without a network every later command would fail the same way.
			if (!ok) break;
		}
		this.#schedule();
	}

	/** False when the network or the server is unavailable (stop this round). */
	async #sendOne(row: OutboxRow): Promise<boolean> {
		this.sending = row.id;
		let status = 0;
		let body: unknown = null;
		try {
			({ status, body } = await this.opts.send(row));
		} catch {
			status = 0;
		} finally {
			this.sending = null;
		}
		const parsed = errorBody.safeParse(body);
		const error = parsed.success
			? {
					status,
					code: parsed.data.error.code,
					message: parsed.data.error.message,
					details: errorDetails(parsed.data.error)
				}
			: { status, code: status === 0 ? 'offline' : `http_${status}`, message: '' };
		if (status >= 200 && status < 300) {
			await this.#update(row, {
				state: 'done',
				result: body,
				doneAt: this.#now(),
				error: undefined
			});
			this.#emit(row.id);
			return true;
		}
		if (retryable(status) || (status === 503 && error.code === 'offline')) {
			const attempts = row.attempts + 1;
			const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(attempts - 1, 10));
			await this.#update(row, { attempts, nextAt: this.#now() + delay, error });
			if (status === 401) this.needsSignIn = true;
			return false;
		}
		await this.#update(row, { state: 'failed', attempts: row.attempts + 1, error });
		this.#emit(row.id);
		return true;
	}

	#emit(id: string) {
		const row = this.items.find((r) => r.id === id);
		if (row) for (const f of this.#listeners) f(row);
	}

	async #update(row: OutboxRow, patch: Partial<OutboxRow>): Promise<void> {
		// Dropped while it was being sent (the roles changed): not stored back.
		if (!this.items.some((r) => r.id === row.id)) return;
		const next = { ...row, ...patch } as OutboxRow;
		for (const k of Object.keys(patch) as (keyof OutboxRow)[]) {
			if (patch[k] === undefined) delete next[k];
		}
		await this.opts.store.put(next);
		this.items = this.items.map((r) => (r.id === row.id ? next : r));
	}

	#schedule(): void {
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
		if (this.needsSignIn) return;
		const due = this.pending.map((r) => r.nextAt);
		if (due.length === 0) return;
		const wait = Math.max(0, Math.min(...due) - this.#now());
		this.#timer = setTimeout(() => void this.flush(), wait);
		(this.#timer as { unref?: () => void }).unref?.();
	}
}

const outboxes = new Map<number, CommandOutbox>();

/** The signed-in user's outbox on this device (started on first use). */
export function outboxFor(user: { id: number; org: string }): CommandOutbox {
	let o = outboxes.get(user.id);
	if (!o) {
		o = new CommandOutbox({ user, store: dexieOutboxStore, send: fetchSend });
		outboxes.set(user.id, o);
		o.start();
	}
	return o;
}

/**
 * The user's roles changed ([C29]): delete the commands on this device that the new roles
 * may not send (the server would refuse them with 403), from the store and from the open
 * outbox. Returns the dropped ones that were still open (waiting or refused), to be told.
 */
export async function dropCommandsNotAllowed(
	userId: number,
	roles: readonly Role[]
): Promise<OutboxRow[]> {
	const gone = (await dexieOutboxStore.all(userId)).filter((r) => !mayRunCommand(r.type, roles));
	if (gone.length === 0) return [];
	const ids = gone.map((r) => r.id);
	// First out of the open outbox, so a send that ends meanwhile does not store it again.
	await outboxes.get(userId)?.forget(ids);
	await localDb().outbox.bulkDelete(ids);
	return gone.filter((r) => r.state !== 'done');
}

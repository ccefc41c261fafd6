/**
 * One room (`<org>/<doc>`) on this device: a Y.Doc with its local copy in IndexedDB
 * and its connection to the server at `/sync/<org>/<doc>`.
 *
 * Protocol (see domain/protocol.ts for the message table): the standard y-websocket
 * client, plus
 *  - MESSAGE.ack (server → client): a state vector of what the server has durably
 *    stored from this connection; settles pending marks (pending.ts).
 *  - the server's sync step 1, which carries its state vector, settles marks too:
 *    that covers an ACK lost to a dropped connection.
 *  - MESSAGE.auth permission-denied: this connection may only view; the UI goes
 *    read-only (the server already dropped the write). Changes this device made that
 *    the server lacks (its sync step 1 says what it has) will never be stored: they
 *    are noted (refused.ts), the room's copy is deleted and onRoomRefused reloads the
 *    page, which then shows the server's state [C27].
 *  - close codes 4401 (session ended), 4403 (no access), 4426 (app outdated) end
 *    the connection for good; the local copy stays. 4403 with the reason
 *    `account_disabled` ends the session (onAccountDisabled); any other 4403 has the
 *    session asked again (onRoomForbidden), and a room the new roles cannot read
 *    loses its local copy.
 *
 * Order at open: load the local copy first (so the grid shows at once, offline
 * too), then connect, so sync step 1 carries the local state vector and the server
 * sends only what the copy lacks. The load may wait for a gate (the page paints the
 * rows cached for first paint first, [C14]) and is applied in slices [C16].
 *
 * A new device (the copy was empty) stores the server's big updates in the copy only
 * once it is in step and the page is idle [C17]: the grid shows first; a tab closed
 * before that just syncs again next time (the server has everything).
 */
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import * as decoding from 'lib0/decoding';
import * as authProtocol from 'y-protocols/auth';
import * as syncProtocol from 'y-protocols/sync';
import type { Awareness } from 'y-protocols/awareness';
import {
	CLOSE,
	CLOSE_REASON_ACCOUNT_DISABLED,
	MESSAGE,
	PROTOCOL_VERSION
} from '$lib/domain/protocol';
import { z } from 'zod';
import { sameRoles, sessionUser, type SessionUser } from '$lib/domain/access';
import { trackPending, type PendingStore, type PendingTracker } from './pending';
import {
	deleteRoomCopies,
	dexiePendingStore,
	localCopyName,
	pendingKey,
	registerOpenCopy,
	watchPending
} from './local-copies';
import { GuildhallProvider } from './provider';
import { LocalCopy, storeRemoteUpdatesRaw } from './local-store';
import { readRowCache, rowCacheKey, RowCacheWriter, type CachedRows } from './row-cache';
import { holdShell, releaseShell } from './offline-shell';
import { addRefused, hasUnsent, unsentOf, unsentRows, type UnsentRow } from './refused';

export const ROOM_STATUS = {
	offline: 'offline',
	connecting: 'connecting',
	syncing: 'syncing',
	online: 'online'
} as const;
export type RoomStatus = (typeof ROOM_STATUS)[keyof typeof ROOM_STATUS];

/** Why the server ended the connection for good. */
export const ROOM_CLOSED = {
	/** 4401, or the session check failed: log in again; the local copy is kept. */
	expired: 'expired',
	/** 4403: this user has no access to the room. */
	forbidden: 'forbidden',
	/** 4426: the server speaks another protocol version: reload the app. */
	outdated: 'outdated',
	/** Any other 44xx: the server refused something it will keep refusing. */
	refused: 'refused'
} as const;
export type RoomClosed = (typeof ROOM_CLOSED)[keyof typeof ROOM_CLOSED];

export interface OpenRoomOptions {
	user: SessionUser;
	/** `<org>/<doc>` */
	room: string;
	/** Where pending marks are kept; dexie unless a test passes another. */
	pendingStore?: PendingStore;
	/** Apply the local copy only after this settles (it is read meanwhile). */
	loadAfter?: Promise<unknown>;
	/** A first sync's received state is stored in the copy only after this (and idle). */
	storeAfter?: Promise<unknown>;
	/**
	 * A row this device changed that the server refused (the room became view-only),
	 * as one line in the reader's language for the notice; null: counted only.
	 */
	describeRefused?: (row: UnsentRow) => string | null;
}

type MessageHandler = WebsocketProvider['messageHandlers'][number];

/** True for the close an administrator's disabling of this account sends. */
export const isAccountDisabledClose = (code: number, reason: string | undefined) =>
	code === CLOSE.Forbidden && reason === CLOSE_REASON_ACCOUNT_DISABLED;

// eslint-disable-next-line svelte/prefer-svelte-reactivity -- listeners, not state
const accountDisabledListeners = new Set<() => void>();
/**
 * Called when a room learns the account was disabled (the root layout signs out and
 * the login page says why). Returns the unsubscribe.
 */
export function onAccountDisabled(f: () => void): () => void {
	accountDisabledListeners.add(f);
	return () => accountDisabledListeners.delete(f);
}

// eslint-disable-next-line svelte/prefer-svelte-reactivity -- listeners, not state
const forbiddenListeners = new Set<() => void>();
/**
 * Called when the server refuses a room (4403, not a disabled account): the user's
 * roles changed. The root layout asks the session again, which deletes the local
 * copies of rooms the new roles cannot read. Returns the unsubscribe.
 */
export function onRoomForbidden(f: () => void): () => void {
	forbiddenListeners.add(f);
	return () => forbiddenListeners.delete(f);
}

// eslint-disable-next-line svelte/prefer-svelte-reactivity -- listeners, not state
const refusedListeners = new Set<(room: string) => void>();
/**
 * Called once a room's refused changes are noted and its copy deleted ([C27]): the
 * root layout reloads, so every page shows the server's state. Returns the unsubscribe.
 */
export function onRoomRefused(f: (room: string) => void): () => void {
	refusedListeners.add(f);
	return () => refusedListeners.delete(f);
}

export function closedFromCode(code: number, reason?: string): RoomClosed {
	// The server deleted the session too: this is the end of the session, not a role change.
	if (isAccountDisabledClose(code, reason)) return ROOM_CLOSED.expired;
	if (code === CLOSE.Unauthorized) return ROOM_CLOSED.expired;
	if (code === CLOSE.Forbidden) return ROOM_CLOSED.forbidden;
	if (code === CLOSE.ProtocolMismatch) return ROOM_CLOSED.outdated;
	return ROOM_CLOSED.refused;
}

export function roomStatus(s: {
	browserOnline: boolean;
	closed: RoomClosed | null;
	/** The last connection attempt failed before it opened (see Room.unreachable). */
	unreachable?: boolean;
	connected: boolean;
	synced: boolean;
	pending: number;
}): RoomStatus {
	if (!s.browserOnline || s.closed || s.unreachable) return ROOM_STATUS.offline;
	if (!s.connected) return ROOM_STATUS.connecting;
	return s.synced && s.pending === 0 ? ROOM_STATUS.online : ROOM_STATUS.syncing;
}

const SESSION_CHECK_INTERVAL_MS = 10_000;
const sessionRoles = z.object({ user: sessionUser.pick({ roles: true }) });

export class Room {
	readonly name: string;
	readonly user: SessionUser;
	readonly doc = new Y.Doc();
	/** Resolves when the local copy is in the doc (the grid may show). */
	readonly whenLoaded: Promise<void>;

	/** The local copy has been loaded. */
	loaded = $state(false);
	/** The local copy held nothing: a new device (or a wiped one) waiting for its first sync. */
	loadedEmpty = $state(false);
	/** Key of this room's rows cached for first paint (row-cache.ts). */
	readonly cacheKey: string;
	/** Local changes waiting for the server (this user, this room, this device). */
	pending = $state(0);
	/** The server refused a write: this connection may only view. */
	readOnly = $state(false);
	closed = $state<RoomClosed | null>(null);
	browserOnline = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
	connected = $state(false);
	/**
	 * The last attempt to connect failed before the socket opened. `navigator.onLine`
	 * says true on a network that goes nowhere (and, in Chromium, after an offline
	 * reload), so the status says "offline" then, not "connecting" for ever.
	 */
	unreachable = $state(false);
	/** In step with the server since the last (re)connect. */
	synced = $state(false);
	status: RoomStatus = $derived(
		roomStatus({
			browserOnline: this.browserOnline,
			closed: this.closed,
			unreachable: this.unreachable,
			connected: this.connected,
			synced: this.synced,
			pending: this.pending
		})
	);

	#copy: LocalCopy;
	/** Big server updates of a first sync, stored in the copy once in step [C17]. */
	#received: Uint8Array[] | null = null;
	#cacheWriter: RowCacheWriter<unknown> | null = null;
	#storeAfter: Promise<unknown>;
	/** In step once, and the offline shell told [C19]. */
	#settled = false;
	#provider: GuildhallProvider | null = null;
	#tracker: PendingTracker;
	#cleanups: (() => void)[] = [];
	#destroyed = false;
	#lastSessionCheck = 0;
	/** The server's state vector from its sync step 1 on this connection. */
	#serverState: Map<number, number> | null = null;
	#describeRefused: OpenRoomOptions['describeRefused'];
	#refusing = false;

	constructor(opts: OpenRoomOptions) {
		this.name = opts.room;
		this.user = opts.user;
		this.#describeRefused = opts.describeRefused;
		const key = pendingKey(opts.user.id, opts.room);
		this.#tracker = trackPending({
			doc: this.doc,
			room: key,
			store: opts.pendingStore ?? dexiePendingStore,
			onError: (e) => console.error('pending marks', e)
		});
		this.#cleanups.push(watchPending(key, (n) => (this.pending = n)));

		holdShell(this);
		this.cacheKey = rowCacheKey(opts.user.id, opts.room);
		this.#storeAfter = opts.storeAfter ?? Promise.resolve();
		const copyName = localCopyName(opts.user.id, opts.room);
		this.#copy = new LocalCopy({ name: copyName, doc: this.doc, gate: opts.loadAfter });
		this.#cleanups.push(registerOpenCopy(copyName, () => this.destroy()));
		this.whenLoaded = this.#copy.whenLoaded.then(() => {
			if (this.#destroyed) return;
			this.loadedEmpty = this.doc.store.clients.size === 0;
			if (this.loadedEmpty) this.#received = [];
			this.loaded = true;
			this.#connect();
		});

		const onOnline = () => {
			this.browserOnline = true;
			if (!this.closed) this.#provider?.connect();
		};
		const onOffline = () => {
			this.browserOnline = false;
			// The socket may not notice a dead network for a long time; drop it now so
			// the status is honest and edits queue locally.
			this.#provider?.disconnect();
		};
		window.addEventListener('online', onOnline);
		window.addEventListener('offline', onOffline);
		this.#cleanups.push(() => {
			window.removeEventListener('online', onOnline);
			window.removeEventListener('offline', onOffline);
		});
	}

	/** Presence channel of the room (never stored). Null until connected once. */
	get awareness(): Awareness | null {
		return this.#provider?.awareness ?? null;
	}

	#connect() {
		const wsOrigin = location.origin.replace(/^http/, 'ws');
		const provider = new GuildhallProvider(`${wsOrigin}/sync`, this.name, this.doc, {
			params: { v: String(PROTOCOL_VERSION) },
			connect: false
		});
		// The BroadcastChannel relays updates between tabs of the browser; scope it to
		// this user so a tab of another login never relays through ours.
		provider.bcChannel = `${provider.bcChannel}#${this.user.id}`;
		this.#provider = provider;
		this.#installHandlers(provider);

		let opened = false;
		const onStatus = ({ status }: { status: string }) => {
			this.connected = status === 'connected';
			if (this.connected) opened = true;
			if (status === 'connecting') opened = false;
			if (this.connected) this.unreachable = false;
			if (!this.connected) this.synced = false;
		};
		const onSync = (s: boolean) => {
			this.synced = s;
			if (s) this.#settleWhenIdle();
		};
		const onClosed = ({ code, reason }: { code: number; reason: string }) => {
			this.closed = closedFromCode(code, reason);
			releaseShell(this, false);
			if (isAccountDisabledClose(code, reason)) for (const f of accountDisabledListeners) f();
			else if (this.closed === ROOM_CLOSED.forbidden) for (const f of forbiddenListeners) f();
		};
		const onConnectionClose = (e: CloseEvent | null) => {
			this.#storeReceived();
			if (!opened) this.unreachable = true;
			// An HTTP 401 before the upgrade reaches the browser as a bare 1006: ask
			// the API whether the session is still there.
			if (e && e.code === 1006 && this.browserOnline) void this.#checkSession();
		};
		provider.on('status', onStatus);
		provider.on('sync', onSync);
		provider.on('closed', onClosed);
		provider.on('connection-close', onConnectionClose);
		this.#cleanups.push(() => {
			provider.off('status', onStatus);
			provider.off('sync', onSync);
			provider.off('closed', onClosed);
			provider.off('connection-close', onConnectionClose);
			// destroy() disconnects, which tells the others we left; then stop the
			// awareness timer the provider created.
			provider.destroy();
			provider.awareness.destroy();
		});

		provider.awareness.setLocalStateField('user', presenceUser(this.user));
		if (navigator.onLine) provider.connect();
	}

	#installHandlers(provider: GuildhallProvider) {
		const baseSync = storeRemoteUpdatesRaw(
			provider.messageHandlers[MESSAGE.sync],
			this.#copy,
			provider,
			(update) => {
				if (this.#received) this.#received.push(update);
				else this.#copy.store(update);
			}
		);
		const onSync: MessageHandler = (encoder, decoder, p, emitSynced, type) => {
			const peek = decoding.clone(decoder);
			if (decoding.readVarUint(peek) === syncProtocol.messageYjsSyncStep1) {
				const sv = Y.decodeStateVector(decoding.readVarUint8Array(peek));
				this.#serverState = sv;
				void this.#tracker.settle(sv);
			}
			baseSync(encoder, decoder, p, emitSynced, type);
		};
		provider.messageHandlers[MESSAGE.sync] = onSync;

		provider.messageHandlers[MESSAGE.ack] = (_encoder, decoder) => {
			const sv = Y.decodeStateVector(decoding.readVarUint8Array(decoder));
			void this.#tracker.settle(sv);
		};

		provider.messageHandlers[MESSAGE.auth] = (_encoder, decoder) => {
			authProtocol.readAuthMessage(decoder, this.doc, () => {
				this.readOnly = true;
				void this.#dropRefused();
			});
		};
	}

	/**
	 * The server dropped our writes: this connection may only view. What this device
	 * has and the server lacks can never be stored, so it must not stay shown as if it
	 * counted, nor count as waiting: note it for the person (what, and what to do),
	 * delete this room's copy (the room with it) and have the page reload from the server.
	 */
	async #dropRefused() {
		const server = this.#serverState;
		if (this.#refusing || this.#destroyed || !server || !hasUnsent(this.doc, server)) return;
		this.#refusing = true;
		try {
			const rows = unsentRows(this.doc, server);
			const lines = rows
				.map((r) => this.#describeRefused?.(r) ?? null)
				.filter((l): l is string => !!l);
			const { edits } = await unsentOf(this.user.id, this.name);
			await addRefused(this.user.id, {
				room: this.name,
				at: Date.now(),
				count: rows.length,
				lines,
				edits,
				access: 'view'
			});
			await deleteRoomCopies(this.user.id, [this.name]);
			for (const f of refusedListeners) f(this.name);
		} catch (e) {
			console.error('Guildhall: could not set aside the changes the server refused', e);
		}
	}

	/**
	 * In step: once the page has painted and is idle, store what a first sync received
	 * [C17] and let the offline shell install [C19].
	 */
	#settleWhenIdle() {
		if (this.#settled && !this.#received) return;
		const later = () => {
			const settle = () => {
				this.#settled = true;
				this.#storeReceived();
				releaseShell(this, true);
			};
			if (typeof requestIdleCallback === 'function') requestIdleCallback(settle, { timeout: 5000 });
			else setTimeout(settle, 0);
		};
		// Never wait for ever: a page that shows no grid still gets its copy written.
		const timeout = new Promise((r) => setTimeout(r, 15_000));
		void Promise.race([this.#storeAfter.catch(() => {}), timeout]).then(later);
	}

	#storeReceived() {
		const received = this.#received;
		this.#received = null;
		for (const u of received ?? []) this.#copy.store(u);
	}

	/** This room's rows cached for first paint, or null (none, unusable, unreadable). */
	readCachedRows(): Promise<CachedRows | null> {
		return readRowCache(this.cacheKey).catch((e) => {
			console.error('row cache', e);
			return null;
		});
	}

	/**
	 * Keep this room's row cache in step: the writer is stopped (a write in progress
	 * finished) before the room is destroyed, so a logout's wipe is never followed by
	 * a late write.
	 */
	keepRowCache<T>(opts: {
		rows: () => readonly T[];
		version: () => Uint8Array;
	}): RowCacheWriter<T> {
		const writer = new RowCacheWriter<T>({ key: this.cacheKey, ...opts });
		this.#cacheWriter = writer as RowCacheWriter<unknown>;
		return writer;
	}

	async #checkSession() {
		const now = Date.now();
		if (now - this.#lastSessionCheck < SESSION_CHECK_INTERVAL_MS) return;
		this.#lastSessionCheck = now;
		try {
			const r = await fetch('/api/session', { credentials: 'same-origin' });
			// Not the server's answer (the service worker's offline 503, a proxy): the next
			// failed connection asks again, so roles changed while offline are learnt at once.
			if (r.status >= 500) this.#lastSessionCheck = 0;
			if (r.status === 401 && !this.#destroyed) {
				this.closed = ROOM_CLOSED.expired;
				this.#provider?.disconnect();
			}
			// An HTTP 403 before the upgrade (roles changed while this device was offline)
			// is a bare 1006 too: other roles than this room's user had, as a 4403.
			const now = r.status === 200 ? sessionRoles.safeParse(await r.json()) : null;
			if (now?.success && !sameRoles(now.data.user.roles, this.user.roles) && !this.#destroyed) {
				for (const f of forbiddenListeners) f();
			}
		} catch {
			// No network: the offline handling covers it; the next failed connection asks again.
			this.#lastSessionCheck = 0;
		}
	}

	/** Show where this user is (null: nowhere). Presence only; never stored. */
	setPresence(cell: PresenceCell | null): void {
		this.awareness?.setLocalStateField('cell', cell);
	}

	/**
	 * Connect again after the server ended the connection for good (e.g. 4403 after
	 * a change of roles, once the app has checked the user still has access).
	 */
	reconnect(): void {
		if (this.#destroyed) return;
		this.closed = null;
		this.readOnly = false;
		if (this.browserOnline) this.#provider?.connect();
	}

	/** Resolves when the pending marks recorded so far are written. */
	flushPending(): Promise<void> {
		return this.#tracker.flush();
	}

	async destroy(): Promise<void> {
		if (this.#destroyed) return;
		this.#destroyed = true;
		releaseShell(this, false);
		this.#tracker.destroy();
		await this.#cacheWriter?.stop();
		// Reverse order: the provider goes before the doc it observes.
		for (const f of this.#cleanups.reverse()) f();
		this.#cleanups = [];
		this.#storeReceived();
		await this.#copy.destroy();
		this.doc.destroy();
	}
}

export interface PresenceCell {
	rowId: string;
	field: string;
}
export interface PresenceUser {
	id: number;
	username: string;
	name: string;
	color: string;
}

/** Fixed palette, chosen for contrast with white text on light and dark grids. */
export const PRESENCE_COLORS = [
	'#d14343',
	'#2f7d32',
	'#1565c0',
	'#8e24aa',
	'#c05600',
	'#00838f',
	'#ad1457',
	'#5d4037'
] as const;

export const presenceUser = (u: SessionUser): PresenceUser => ({
	id: u.id,
	username: u.username,
	name: u.displayName || u.username,
	color: PRESENCE_COLORS[Math.abs(u.id) % PRESENCE_COLORS.length]
});

/** Open a room for `user`. Call `destroy()` when done; it removes every listener. */
export function openRoom(opts: OpenRoomOptions): Room {
	return new Room(opts);
}

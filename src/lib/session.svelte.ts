/**
 * Who is logged in on this device, as reactive state for the whole app.
 *
 * The server's session cookie is httpOnly, so the app learns the user from
 * `GET /api/session`. To open with no network (a trade fair), the last user is
 * remembered in the device db (`lastUser`); `session.offline` then says the app runs
 * from this device's copy. The service worker answers `/api/*` with a JSON 503
 * `{error:{code:'offline'}}` when the network fails, which tells "offline" apart
 * from "logged out" (`{ user: null }`).
 *
 * Logging out removes this device's copies of the user's data (member data is
 * confidential, and the next person at this laptop must not read it); so does a
 * session that ends otherwise, unless changes wait to be sent, and the next sign-in
 * of someone else removes what is left [C25]. Logging out
 * while offline cannot reach the server, so the logout is remembered and sent
 * before anything else the next time the app starts online.
 */
import { z } from 'zod';
import {
	accessFor,
	DOC,
	sameRoles,
	sessionUser,
	type Access,
	type DocName,
	type SessionUser
} from '$lib/domain/access';
import { t } from '$lib/i18n/index.svelte';
import { getSetting, localDb, setSetting } from '$lib/local/db';

const LAST_USER = 'lastUser';
/** Set when a logout could not reach the server; the next online start sends it. */
const LOGOUT_OWED = 'logoutOwed';

export const session = $state<{
	user: SessionUser | null;
	ready: boolean;
	offline: boolean;
	/** Why the last session ended without a logout, for the login page to say. */
	ended: 'disabled' | null;
	/**
	 * The user's roles changed while the app ran: the page opens again with the new ones
	 * ([C29]) and says what it lost rather than sending the person elsewhere unasked.
	 */
	rolesChanged: boolean;
}>({
	user: null,
	ready: false,
	offline: false,
	ended: null,
	rolesChanged: false
});

/**
 * An administrator disabled this account (the server closed the sync connections
 * with `account_disabled` and deleted the sessions): sign out on this device, and
 * forget its data as any ended session does ([C25], `forgetEndedSession`); the login
 * page says what happened and whom to ask.
 */
export function endSessionDisabled(): void {
	if (!session.user) return;
	session.ended = 'disabled';
	endSession();
}

/**
 * The server ended this session (a room was closed with 4401, or `/api/session` answered
 * 401): back to the login page, and forget the user's data as `forgetEndedSession` says.
 */
export function endSession(): void {
	const user = session.user;
	if (!user) return;
	session.user = null;
	void rememberUser(null);
	void forgetEndedSession(user);
}

/**
 * A session ended without Log out (expired, password reset, account disabled) [C25]:
 * member data must not stay readable by the next person at this browser, so the
 * user's copies are deleted as a logout deletes them, unless changes still wait to
 * be sent. Those are kept (with the copies they belong to) for the same user to send
 * after signing in again; another user's sign-in asks before deleting them (`login`).
 * Called after `session.user` is null, so the pages have begun closing their rooms.
 */
async function forgetEndedSession(user: SessionUser): Promise<void> {
	try {
		const copies = await localCopies();
		const waiting = await copies.countPending(user.id);
		if (waiting > 0) {
			console.warn(
				`Guildhall: ${waiting} change(s) of this user wait to be sent; the local copies are ` +
					'kept for them until the same user signs in again'
			);
			return;
		}
		const done = await within(
			15_000,
			copies.deleteLocalCopies(user.id).then(() => true)
		);
		if (!done)
			console.warn('Guildhall: the local copies are still open; they are deleted on close');
	} catch (e) {
		console.error('Guildhall: could not delete the local copies of an ended session', e);
	}
}

export const LOGIN_ERROR = {
	invalid: 'invalid',
	disabled: 'disabled',
	rateLimited: 'rateLimited',
	network: 'network',
	server: 'server',
	/** Not signed in: the one signing in chose to keep another user's unsent changes. */
	keptOthers: 'keptOthers'
} as const;
export type LoginErrorCode = (typeof LOGIN_ERROR)[keyof typeof LOGIN_ERROR];

/** Why a login failed. `message` is localised when read, so it follows a language switch. */
export interface LoginError {
	readonly name: 'LoginError';
	readonly code: LoginErrorCode;
	/** From the server's Retry-After, when it rate-limits. */
	readonly retryAfterSeconds?: number;
	readonly message: string;
}

export type LoginResult = { ok: true; user: SessionUser } | { ok: false; error: LoginError };

function loginError(code: LoginErrorCode, retryAfterSeconds?: number): LoginError {
	return {
		name: 'LoginError',
		code,
		retryAfterSeconds,
		get message() {
			switch (code) {
				case 'invalid':
					return t('login.error.invalid');
				case 'disabled':
					return t('login.error.disabled');
				case 'rateLimited':
					if (!retryAfterSeconds) return t('login.error.rateLimitedLater');
					return retryAfterSeconds < 90
						? t('login.error.rateLimited', { seconds: retryAfterSeconds })
						: t('login.error.rateLimitedMinutes', { minutes: Math.ceil(retryAfterSeconds / 60) });
				case 'network':
					return t('login.error.network');
				case 'server':
					return t('login.error.server');
				case 'keptOthers':
					return t('login.error.keptOthers');
			}
		}
	};
}

const userResponse = z.object({ user: sessionUser });
const errorBody = z.object({ error: z.object({ code: z.string() }) });

/** The service worker's answer when `/api` could not be reached (see service-worker.ts). */
async function isOfflineAnswer(res: Response): Promise<boolean> {
	if (res.status !== 503) return false;
	try {
		const body = errorBody.safeParse(await res.clone().json());
		return body.success && body.data.error.code === 'offline';
	} catch {
		return false;
	}
}

async function rememberUser(user: SessionUser | null): Promise<void> {
	try {
		if (user) await setSetting(LAST_USER, user);
		else await localDb().settings.delete(LAST_USER);
	} catch {
		// IndexedDB unavailable (private mode): the app still works online, only not offline.
	}
}

async function openFromDevice(): Promise<void> {
	let last: SessionUser | undefined;
	try {
		last = await getSetting(LAST_USER, sessionUser);
	} catch {
		last = undefined;
	}
	session.user = last ?? null;
	session.offline = true;
	session.ready = true;
}

/**
 * Sends a logout that was made offline: `none` when none was owed, `sent` when the server
 * has it now, `offline` when it could not be sent.
 */
async function settleOwedLogout(): Promise<'none' | 'sent' | 'offline'> {
	let owed = false;
	try {
		owed = (await getSetting(LOGOUT_OWED, z.literal(true))) === true;
	} catch {
		return 'none';
	}
	if (!owed) return 'none';
	try {
		const res = await fetch('/api/session', { method: 'DELETE' });
		if (res.status >= 500) return 'offline';
	} catch {
		return 'offline';
	}
	await localDb().settings.delete(LOGOUT_OWED);
	return 'sent';
}

/**
 * The server's answer to "who is logged in", or null when it cannot be reached. Nobody
 * signed in is answered `{ user: null }` (`?optional`), not 401: the browser logs every
 * 401 in the console, and the login page would always show one.
 */
const askServer = (): Promise<Response | null> =>
	fetch('/api/session?optional=1', { headers: { accept: 'application/json' } }).catch(() => null);
const sessionAnswer = z.object({ user: sessionUser.nullable() });

/** A member's personal survey link: no session, no app data, nothing on this device. */
export const isSurveyLink = (path: string) => path.startsWith('/s/');

/**
 * Learn who is logged in. Online: the server says (and the user is remembered for
 * offline starts). Server unreachable: the remembered user, with `offline: true`.
 * Nobody signed in (`{ user: null }`, or 401): nobody, and the remembered user is forgotten.
 */
export function loadSession(): Promise<void> {
	// Rooms closed at once (a change of roles closes them all) ask once.
	loading ??= askSession().finally(() => (loading = null));
	return loading;
}
let loading: Promise<void> | null = null;

/** The user this device knew before this answer: the signed-in one, else the remembered one. */
async function knownUser(): Promise<SessionUser | undefined> {
	if (session.user) return session.user;
	try {
		return await getSetting(LAST_USER, sessionUser);
	} catch {
		return undefined;
	}
}

const rolesChanged = (before: SessionUser | undefined, now: SessionUser): boolean =>
	!!before && before.id === now.id && !sameRoles(before.roles, now.roles);

/**
 * The user's roles changed (an administrator edited them while signed in, or since the
 * app last ran): the commands waiting on this device that the new roles may not send are
 * dropped and noted for the app to tell ([C29]). Before the pages see the new roles, so
 * the notice is there when they show and no dropped command is sent or shown meanwhile.
 */
async function dropCommandsRolesLost(before: SessionUser | undefined, now: SessionUser) {
	if (!rolesChanged(before, now)) return;
	try {
		const { dropCommandsNotAllowed } = await import('$lib/state/outbox.svelte');
		const { addDroppedCommands } = await import('$lib/sync/refused');
		await addDroppedCommands(now.id, await dropCommandsNotAllowed(now.id, now.roles));
	} catch (e) {
		console.error('Guildhall: could not drop the commands the new roles may not send', e);
	}
}

/** The rooms `now`'s roles cannot read, when they differ from `before`'s. */
function roomsLost(before: SessionUser | undefined, now: SessionUser): string[] {
	if (!rolesChanged(before, now)) return [];
	return Object.values(DOC)
		.filter((doc) => !accessFor(doc, now.roles))
		.map((doc) => `${now.org}/${doc}`);
}

/**
 * The user's roles changed: what this device wrote in a room they can no longer read and
 * the server never stored cannot be sent now. It is noted for the app to tell (how many,
 * which members and fields, [C29]); `forgetUnreadableRooms` then deletes it with the copy
 * (kept, it would show as saved and count as waiting for ever). Before the pages see the
 * new roles, so the notice is there when they show.
 */
async function noteUnsentRolesLost(before: SessionUser | undefined, now: SessionUser) {
	try {
		const { addRefused, unsentOf } = await import('$lib/sync/refused');
		for (const room of roomsLost(before, now)) {
			const { count, edits } = await unsentOf(now.id, room);
			if (count > 0)
				await addRefused(now.id, { room, at: Date.now(), count, lines: [], edits, access: 'none' });
		}
	} catch (e) {
		console.error('Guildhall: could not note the changes the new roles may not send', e);
	}
}

/**
 * The user's roles changed: delete this device's copies of every room the new roles
 * cannot read, with their cached rows and saved grid layouts ([C8], [C29]). Member data
 * must not stay on a device that lost access to it.
 */
async function forgetUnreadableRooms(before: SessionUser | undefined, now: SessionUser) {
	const rooms = roomsLost(before, now);
	if (rooms.length === 0) return;
	try {
		const copies = await localCopies();
		await copies.deleteRoomCopies(now.id, rooms);
		await copies.deleteGridViews(now.id, rooms);
	} catch (e) {
		console.error('Guildhall: could not delete the local copies of rooms no longer readable', e);
	}
}

async function askSession(): Promise<void> {
	// Asked at once, while the device is checked for a logout made offline (IndexedDB).
	let asked = askServer();
	const before = knownUser();
	const owed = await settleOwedLogout();
	if (owed === 'offline') {
		// Still offline after logging out offline: nobody is logged in on this device.
		session.user = null;
		session.offline = true;
		session.ready = true;
		return;
	}
	// That answer may be older than the logout just sent.
	if (owed === 'sent') asked = askServer();
	const res = await asked;
	if (!res) return openFromDevice();
	const answer =
		res.status === 200 ? sessionAnswer.safeParse(await res.json().catch(() => null)) : null;
	const user = answer?.success ? answer.data.user : undefined;
	if (user) {
		const known = await before;
		await dropCommandsRolesLost(known, user);
		await noteUnsentRolesLost(known, user);
		if (rolesChanged(known, user)) session.rolesChanged = true;
		session.user = user;
		session.offline = false;
		session.ready = true;
		await rememberUser(user);
		// After the pages saw the new roles (and closed what they may not show).
		await forgetUnreadableRooms(known, user);
		return;
	}
	if (user === null || res.status === 401) {
		const known = await before;
		session.user = null;
		session.offline = false;
		session.ready = true;
		await rememberUser(null);
		if (known) await forgetEndedSession(known);
		return;
	}
	// The SW's offline answer (503 `offline`), or the server or a proxy before it
	// failing: work from the device's copy rather than locking staff out of their data.
	return openFromDevice();
}

/**
 * What this device holds of other users (whose sessions ended without Log out) is
 * deleted when someone signs in [C25]. When some of it is changes never sent, the one
 * signing in is asked first (default: the browser's confirm); answering false signs
 * them out again and keeps it, for its owner to sign in and send.
 * Returns false when the sign-in was undone.
 */
async function forgetOtherUsers(
	user: SessionUser,
	confirm: ((pending: number) => Promise<boolean>) | undefined
): Promise<boolean> {
	let others: number[] = [];
	let pending = 0;
	const copies = await localCopies();
	try {
		others = await copies.otherUsersOnDevice(user.id);
		for (const id of others) pending += await copies.countPending(id);
	} catch {
		return true; // no device db: nothing of anyone to delete
	}
	if (others.length === 0) return true;
	if (pending > 0) {
		const ok = confirm
			? await confirm(pending)
			: window.confirm(t('login.othersPending', { count: pending }));
		if (!ok) {
			await fetch('/api/session', { method: 'DELETE' }).catch(() => undefined);
			return false;
		}
	}
	try {
		for (const id of others) await copies.deleteLocalCopies(id);
	} catch (e) {
		console.error('Guildhall: could not delete the local copies of earlier users', e);
	}
	return true;
}

/** Log in with the server. On success the session is set and remembered on the device. */
export async function login(
	username: string,
	password: string,
	opts: { confirmDiscard?: (pending: number) => Promise<boolean> } = {}
): Promise<LoginResult> {
	let res: Response;
	try {
		res = await fetch('/api/session', {
			method: 'POST',
			headers: { 'content-type': 'application/json', accept: 'application/json' },
			body: JSON.stringify({ username: username.trim(), password })
		});
	} catch {
		return { ok: false, error: loginError('network') };
	}
	if (res.status === 200) {
		const body = userResponse.safeParse(await res.json().catch(() => null));
		if (!body.success) return { ok: false, error: loginError('server') };
		if (!(await forgetOtherUsers(body.data.user, opts.confirmDiscard))) {
			return { ok: false, error: loginError('keptOthers') };
		}
		session.user = body.data.user;
		session.offline = false;
		session.ready = true;
		session.ended = null;
		await rememberUser(body.data.user);
		return { ok: true, user: body.data.user };
	}
	if (res.status === 401 || res.status === 400) {
		const body = errorBody.safeParse(await res.json().catch(() => null));
		const disabled = body.success && body.data.error.code === 'account_disabled';
		return { ok: false, error: loginError(disabled ? 'disabled' : 'invalid') };
	}
	if (res.status === 429) {
		const s = Number(res.headers.get('retry-after'));
		return { ok: false, error: loginError('rateLimited', s > 0 ? Math.ceil(s) : undefined) };
	}
	if (await isOfflineAnswer(res)) return { ok: false, error: loginError('network') };
	return { ok: false, error: loginError('server') };
}

/** What the logout confirmation is told: how many local changes would be lost. */
export interface LogoutRisk {
	pending: number;
	offline: boolean;
}

async function localCopies() {
	return import('$lib/sync/local-copies');
}

let loggedOutHere = false;
/**
 * True once after `logout()`: the login page that follows is a fresh start, not a
 * detour to come back from (no `?next=`). Read by the root layout's redirect.
 */
export function takeLoggedOut(): boolean {
	const v = loggedOutHere;
	loggedOutHere = false;
	return v;
}

function within<T>(ms: number, p: Promise<T>): Promise<T | undefined> {
	return Promise.race([p, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms))]);
}

/**
 * Log out: end the server session, then delete this device's copies of the user's
 * data. When local changes still wait for the server, `confirm` is asked first
 * (default: the browser's confirm); answering false keeps the user logged in.
 * Returns whether the user was logged out. The root layout sends the page to /login
 * as soon as `session.user` is null.
 */
export async function logout(
	opts: { confirm?: (risk: LogoutRisk) => Promise<boolean> } = {}
): Promise<boolean> {
	const user = session.user;
	if (!user) return true;
	const copies = await localCopies();
	let pending = 0;
	try {
		pending = await copies.countPending(user.id);
	} catch {
		pending = 0;
	}
	const offline = session.offline || (typeof navigator !== 'undefined' && !navigator.onLine);
	if (pending > 0) {
		const risk = { pending, offline };
		const ok = opts.confirm
			? await opts.confirm(risk)
			: window.confirm(t(offline ? 'logout.pendingOffline' : 'logout.pending', { count: pending }));
		if (!ok) return false;
	}

	let reached = false;
	try {
		const res = await fetch('/api/session', { method: 'DELETE' });
		reached = res.status < 500;
	} catch {
		reached = false;
	}
	if (!reached) await setSetting(LOGOUT_OWED, true).catch(() => undefined);
	await rememberUser(null);

	// Leaving the data pages closes their Y.Docs and with them the IndexedDB copies:
	// a database cannot be deleted while a connection to it is open.
	loggedOutHere = true;
	session.user = null;
	const done = await within(
		15_000,
		copies.deleteLocalCopies(user.id).then(() => true)
	);
	if (!done) console.warn('Guildhall: the local copies are still open; they are deleted on close');
	return true;
}

/** Whether the logged-in user manages users and settings. */
export function canAdmin(): boolean {
	return session.user?.roles.includes('admin') ?? false;
}

/** The logged-in user's access to a document (`edit`, `view` or none). */
export function accessTo(doc: DocName): Access | null {
	return session.user ? accessFor(doc, session.user.roles) : null;
}

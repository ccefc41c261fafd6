/**
 * Transaction origins. Every Y transaction in the app carries one of these, so that
 * observers can tell who changed the doc:
 *
 *  - LOCAL: a command of this user (the members store's add/set/delete). The undo
 *    manager tracks only this origin, so undo never touches other people's edits.
 *  - IMPORT: a file import or its undo (src/lib/import/apply.ts): the user's own
 *    change that must reach the server, but not a step of the grid's undo stack.
 *  - CLOCK: an internal no-op write that moves this client's clock forward after a
 *    delete-only local transaction (see pending.ts for why).
 *  - an UndoManager: undo/redo of LOCAL transactions.
 *  - the WebsocketProvider: updates from the server (and from this user's other tabs,
 *    which the provider relays over a BroadcastChannel).
 *  - the LocalCopy: the local copy loaded at start (local-store.ts).
 */
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { LocalCopy } from './local-store';

export const LOCAL = Symbol('gh.local');
export const CLOCK = Symbol('gh.clock');
export const IMPORT = Symbol('gh.import');

export type Origin =
	typeof LOCAL | typeof CLOCK | typeof IMPORT | Y.UndoManager | WebsocketProvider | LocalCopy;

export const ORIGIN_KIND = {
	local: 'local',
	undo: 'undo',
	clock: 'clock',
	import: 'import',
	remote: 'remote',
	storage: 'storage',
	/** Anything else (a library's own transactions, tests). Treated as not ours. */
	other: 'other'
} as const;
export type OriginKind = (typeof ORIGIN_KIND)[keyof typeof ORIGIN_KIND];

export function originKind(origin: unknown): OriginKind {
	if (origin === LOCAL) return ORIGIN_KIND.local;
	if (origin === CLOCK) return ORIGIN_KIND.clock;
	if (origin === IMPORT) return ORIGIN_KIND.import;
	if (origin instanceof Y.UndoManager) return ORIGIN_KIND.undo;
	if (origin instanceof WebsocketProvider) return ORIGIN_KIND.remote;
	if (origin instanceof LocalCopy) return ORIGIN_KIND.storage;
	return ORIGIN_KIND.other;
}

/** A change made by this user on this device: it has to reach the server. */
export function isOwnChange(origin: unknown): boolean {
	const k = originKind(origin);
	return (
		k === ORIGIN_KIND.local ||
		k === ORIGIN_KIND.undo ||
		k === ORIGIN_KIND.clock ||
		k === ORIGIN_KIND.import
	);
}

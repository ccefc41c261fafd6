/**
 * Server commands: `POST /api/<org>/commands` with `{ id: <uuid>, type, ...args }`.
 *
 * A command is an action the server must decide, not a raw document write (approve
 * an applicant, allocate a number...). Each type is registered once with its zod
 * argument schema, the roles that may run it and its handler. Rules (docs/SPEC.md):
 *  [CMD1] the org in the path is the user's own (else 404, nothing changes);
 *  [CMD2] unknown type or invalid arguments → 400 with what to fix;
 *  [CMD3] a role without the right → 403, nothing changes (checked before anything);
 *  [CMD4] the result is stored with the id in SQLite, in ONE transaction with any
 *         member number and the log row of the command's doc change (made as the
 *         server, after the number, inside that transaction); the same id again
 *         answers the stored result (200) and changes nothing; the same id with other
 *         content (or by another user) → 409; a store that fails → 503, nothing changed;
 *  [CMD5] commands of one organisation run one at a time, so two approvals of one
 *         applicant see each other (one number, not two);
 *  [CMD6] a handler that refuses (HttpError) stores nothing: the id can be sent again.
 */
import type { z } from 'zod';
import type { Role } from '../src/lib/domain/access';
import { canonicalJson, COMMAND_ERROR, commandEnvelope } from '../src/lib/domain/commands';
import { HttpError, parse, readJson, send, type ApiRoute, methodNotAllowed } from './http';
import type * as Y from 'yjs';
import type { Room, Rooms } from './rooms';
import type { CommandRecord, NewCommandRecord, Store, UserRecord } from './store/types';

export interface CommandContext {
	id: string;
	org: string;
	user: UserRecord;
	/** Display name for the records (`approvedBy`, `moves.by`). */
	userName: string;
	now: Date;
	rooms: Rooms;
	store: Store;
	/**
	 * Store the command in ONE SQLite transaction: the next member number when asked,
	 * the result made with it, the doc change (`write`, made as the server on behalf of
	 * the user, with the number and the result) and its log row, the command row. Call
	 * it once, after every check; it answers the result once all of it is committed
	 * (and the change broadcast). When the transaction fails, nothing of it remains.
	 */
	commit<R>(opts: {
		allocateMemberNo?: boolean;
		result: (memberNo: number | null) => R;
		write?: CommandWrite<R>;
	}): Promise<R>;
}

/** The doc change a command makes, stored with it (see `CommandContext.commit`). */
export interface CommandWrite<R> {
	room: Room;
	change(doc: Y.Doc, memberNo: number | null, result: R): void;
}

export interface CommandDef<A> {
	type: string;
	args: z.ZodType<A>;
	roles: readonly Role[];
	/** For the 403 message: "Only approver users can <what>." */
	what: string;
	run(ctx: CommandContext, args: A): Promise<unknown>;
	/**
	 * Called when a stored command is sent again: put back what the command wrote if
	 * the doc lacks it (the server stopped between the SQLite commit and the doc write).
	 */
	replay?(ctx: Omit<CommandContext, 'commit'>, args: A, stored: CommandRecord): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry of differently typed commands
export type AnyCommand = CommandDef<any>;

/** Runs one task at a time per key (an organisation). */
class KeyedQueue {
	private readonly tails = new Map<string, Promise<unknown>>();
	run<T>(key: string, fn: () => Promise<T>): Promise<T> {
		const prev = this.tails.get(key) ?? Promise.resolve();
		const next = prev.then(fn, fn);
		const tail = next.catch(() => undefined);
		this.tails.set(key, tail);
		void tail.then(() => {
			if (this.tails.get(key) === tail) this.tails.delete(key);
		});
		return next;
	}
}

const STORE_FAILED = new HttpError(
	503,
	COMMAND_ERROR.storeFailed,
	'The server could not save this command, so nothing was changed. It will be sent again; if this keeps happening, tell an administrator (the server log says why: disk full?).'
);

/** `commit` of a command: see CommandContext.commit. */
async function storeCommand<R>(
	store: Store,
	opts: {
		record: Omit<NewCommandRecord, 'result' | 'updates'>;
		allocateMemberNo?: boolean;
		result: (memberNo: number | null) => R;
		write?: CommandWrite<R>;
	}
): Promise<R> {
	const { record, allocateMemberNo, result, write } = opts;
	const failed = (err: unknown): never => {
		if (err instanceof HttpError) throw err;
		console.error(`Guildhall: could not store command ${record.type} ${record.id}`, err);
		throw STORE_FAILED;
	};
	if (!write) {
		const rec = await store
			.recordCommand({ ...record, result }, { allocateMemberNo })
			.catch(failed);
		return rec.result as R;
	}
	return write.room
		.transactStored(async (stage) => {
			const rec = await store.recordCommand(
				{
					...record,
					result,
					updates: (memberNo, made) =>
						stage((doc) => write.change(doc, memberNo, made as R), record.userId).updates
				},
				{ allocateMemberNo }
			);
			return { value: rec.result as R, seqs: rec.seqs };
		})
		.catch(failed);
}

export function commandRoutes(deps: {
	store: Store;
	rooms: Rooms;
	commands: readonly AnyCommand[];
}): ApiRoute[] {
	const registry = new Map(deps.commands.map((c) => [c.type, c]));
	const queue = new KeyedQueue();
	return [
		{
			pattern: /^\/api\/([^/]+)\/commands$/,
			async handle(ctx) {
				if (ctx.method !== 'POST') {
					throw methodNotAllowed('POST');
				}
				const { user } = await ctx.requireUser();
				const org = decodeURIComponent(ctx.match[1]);
				if (org !== user.org) {
					throw new HttpError(404, 'not_found', 'There is no such organisation for your account.');
				}
				const body = parse(commandEnvelope, await readJson(ctx.req), 'command');
				const def = registry.get(body.type);
				if (!def) {
					throw new HttpError(
						400,
						COMMAND_ERROR.unknownCommand,
						`There is no command "${body.type}". Update the app and try again.`
					);
				}
				if (!user.roles.some((r) => def.roles.includes(r))) {
					throw new HttpError(
						403,
						'forbidden',
						`Only ${def.roles.join(' or ')} users can ${def.what}. Ask an administrator for that role.`
					);
				}
				const { id, type, ...rest } = body;
				const args = parse(def.args, rest, `${type} command`);
				const canonical = canonicalJson({ type, ...(args as object) });
				const base = {
					id,
					org,
					user,
					userName: user.displayName ?? user.username,
					now: new Date(),
					rooms: deps.rooms,
					store: deps.store
				};
				const answer = await queue.run(org, async () => {
					const stored = await deps.store.getCommand(org, id);
					if (stored) {
						if (stored.body !== canonical || stored.userId !== user.id) {
							throw new HttpError(
								409,
								COMMAND_ERROR.idReused,
								'This command id was already used for a different command. The app must send a new id; reload and try again.'
							);
						}
						await def.replay?.(base, args, stored);
						return { status: 200, result: stored.result, replay: true };
					}
					let committed = false;
					const result = await def.run(
						{
							...base,
							commit: async (opts) => {
								if (committed) throw new Error(`Command ${type} committed twice`);
								committed = true;
								return storeCommand(deps.store, {
									record: { org, id, type, userId: user.id, body: canonical, at: Date.now() },
									...opts
								});
							}
						},
						args
					);
					if (!committed) throw new Error(`Command ${type} did not commit`);
					return { status: 200, result, replay: false };
				});
				send(
					ctx.res,
					answer.status,
					answer.result,
					answer.replay ? { 'Idempotent-Replay': 'true' } : {}
				);
			}
		}
	];
}

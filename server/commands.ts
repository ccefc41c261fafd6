/**
 * Server commands: `POST /api/<org>/commands` with `{ id: <uuid>, type, ...args }`.
 *
 * A command is an action the server must decide, not a raw document write (approve
 * an applicant, allocate a number...). Each type is registered once with its zod
 * argument schema, the roles that may run it and its handler. Rules (docs/SPEC.md):
 *  [CMD1] the org in the path is the user's own (else 404, nothing changes);
 *  [CMD2] unknown type or invalid arguments → 400 with what to fix;
 *  [CMD3] a role without the right → 403, nothing changes (checked before anything);
 *  [CMD4] the result is stored with the id in SQLite, in the same transaction as any
 *         member number; the same id again answers the stored result (200) and
 *         changes nothing; the same id with other content (or by another user) → 409;
 *  [CMD5] commands of one organisation run one at a time, so two approvals of one
 *         applicant see each other (one number, not two);
 *  [CMD6] a handler that refuses (HttpError) stores nothing: the id can be sent again.
 */
import type { z } from 'zod';
import type { Role } from '../src/lib/domain/access';
import { canonicalJson, COMMAND_ERROR, commandEnvelope } from '../src/lib/domain/commands';
import { HttpError, parse, readJson, send, type ApiRoute, methodNotAllowed } from './http';
import type { Rooms } from './rooms';
import type { CommandRecord, Store, UserRecord } from './store/types';

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
	 * Store the command and its result (with the next member number when asked) in one
	 * SQLite transaction. Call it once, after every check and before changing a doc.
	 */
	commit<R>(
		opts: { allocateMemberNo?: boolean },
		result: (memberNo: number | null) => R
	): Promise<R>;
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
							commit: async (opts, make) => {
								if (committed) throw new Error(`Command ${type} committed twice`);
								committed = true;
								const rec = await deps.store.recordCommand(
									{ org, id, type, userId: user.id, body: canonical, at: Date.now(), result: make },
									opts
								);
								return rec.result as ReturnType<typeof make>;
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

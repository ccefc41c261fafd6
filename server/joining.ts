/**
 * The joining commands (issue 4): move, verify, approve, reject. Each checks the
 * move with the pipeline state machine (src/lib/domain/lifecycle.ts), then commits in
 * ONE SQLite transaction the member number (approve), the registry change made as the
 * server (the member row's status and stamps, and one row of the server-owned `moves`
 * table: who and when, from the session) with its log row, and the command record.
 * Rules: docs/SPEC.md [CMD4], [J1]-[J6].
 */
import * as Y from 'yjs';
import {
	approveArgs,
	changeMembershipArgs,
	COMMAND_ERROR,
	COMMAND_ROLES,
	moveArgs,
	rejectArgs,
	verifyArgs,
	type ApproveArgs,
	type ChangeMembershipArgs
} from '../src/lib/domain/commands';
import { isStatus, moveCommand, type MoveCommand } from '../src/lib/domain/lifecycle';
import type { MemberStatus } from '../src/lib/domain/member';
import { newRowId } from '../src/lib/domain/text';
import {
	activeRows,
	DEFAULT_TABLES,
	formatMemberNo,
	readConfig,
	seedRowsAfter,
	SETTINGS_SEED_VERSION,
	type SettingsTable
} from '../src/lib/domain/settings';
import type { CommandContext, CommandDef } from './commands';
import { HttpError } from './http';
import type { Room } from './rooms';

export const MOVES_TABLE = 'moves';
export const CHECKS_TABLE = 'checks';

type RowMap = Y.Map<unknown>;

const registryName = (org: string) => `${org}/registry`;
const settingsName = (org: string) => `${org}/settings`;

function memberRow(room: Room, rowId: string): RowMap {
	const row = room.doc.getMap<unknown>('members').get(rowId);
	if (!(row instanceof Y.Map)) {
		throw new HttpError(
			404,
			COMMAND_ERROR.noSuchMember,
			'There is no such member (it may have been deleted). Reload the pipeline.'
		);
	}
	return row as RowMap;
}

const statusOfRow = (row: RowMap): MemberStatus => {
	const s = row.get('status');
	return isStatus(s) ? s : 'prospect';
};

function checkMove(from: MemberStatus, to: MemberStatus, via: MoveCommand): void {
	const needed = moveCommand(from, to);
	if (needed === via) return;
	const how =
		needed === null
			? `A member cannot move from "${from}" to "${to}".`
			: `Moving from "${from}" to "${to}" is done with "${needed}", not "${via}".`;
	throw new HttpError(
		409,
		COMMAND_ERROR.moveNotAllowed,
		`${how} Reload to see the current state.`,
		// The client words the refusal from these (src/lib/components/command-error.ts).
		{ from, to, command: via, needed }
	);
}

/** Rows of a settings table as plain objects (id included). */
function settingsRows(
	room: Room,
	table: SettingsTable
): ({ id: string } & Record<string, unknown>)[] {
	const out: ({ id: string } & Record<string, unknown>)[] = [];
	for (const [id, y] of room.doc.getMap<unknown>(table).entries()) {
		if (y instanceof Y.Map) out.push({ id, ...(y.toJSON() as Record<string, unknown>) });
	}
	return out;
}

/**
 * Status, stamps and the `moves` row: called inside the command's server transaction
 * (CommandContext.commit `write`, or transactAsServer for a replay).
 */
function writeMove(
	doc: Y.Doc,
	ctx: Pick<CommandContext, 'id' | 'user' | 'userName' | 'now'>,
	row: RowMap,
	rowId: string,
	move: { from: MemberStatus; to: MemberStatus; command: MoveCommand; reason?: string },
	fields: Record<string, string | number> = {}
): void {
	const at = ctx.now.toISOString();
	for (const [k, v] of Object.entries(fields)) row.set(k, v);
	row.set('status', move.to);
	row.set('statusAt', at);
	row.set('statusBy', ctx.userName);
	const rec = new Y.Map<unknown>();
	// The command id is the move's row id: a replayed command cannot add it twice.
	doc.getMap<RowMap>(MOVES_TABLE).set(ctx.id, rec);
	rec.set('memberId', rowId);
	rec.set('from', move.from);
	rec.set('to', move.to);
	rec.set('byId', ctx.user.id);
	rec.set('by', ctx.userName);
	rec.set('at', at);
	rec.set('command', move.command);
	if (move.reason) rec.set('reason', move.reason);
}

export const moveCommandDef: CommandDef<ReturnType<typeof moveArgs.parse>> = {
	type: 'move',
	args: moveArgs,
	roles: COMMAND_ROLES.move,
	what: 'move members through the pipeline',
	run: (ctx, args) =>
		ctx.rooms.withRoom(registryName(ctx.org), (room) => {
			const row = memberRow(room, args.rowId);
			const from = statusOfRow(row);
			checkMove(from, args.to, 'move');
			return ctx.commit({
				result: () => ({ status: args.to }),
				write: {
					room,
					change: (doc) =>
						writeMove(doc, ctx, row, args.rowId, {
							from,
							to: args.to,
							command: 'move',
							reason: args.reason
						})
				}
			});
		})
};

export const rejectCommandDef: CommandDef<ReturnType<typeof rejectArgs.parse>> = {
	type: 'reject',
	args: rejectArgs,
	roles: COMMAND_ROLES.reject,
	what: 'reject applications',
	run: (ctx, args) =>
		ctx.rooms.withRoom(registryName(ctx.org), (room) => {
			const row = memberRow(room, args.rowId);
			const from = statusOfRow(row);
			checkMove(from, 'rejected', 'reject');
			return ctx.commit({
				result: () => ({ status: 'rejected' }),
				write: {
					room,
					change: (doc) =>
						writeMove(
							doc,
							ctx,
							row,
							args.rowId,
							{ from, to: 'rejected', command: 'reject', reason: args.reason },
							{
								rejectedAt: ctx.now.toISOString(),
								rejectedBy: ctx.userName,
								rejectReason: args.reason
							}
						)
				}
			});
		})
};

export const verifyCommandDef: CommandDef<ReturnType<typeof verifyArgs.parse>> = {
	type: 'verify',
	args: verifyArgs,
	roles: COMMAND_ROLES.verify,
	what: 'verify applications',
	run: (ctx, args) =>
		ctx.rooms.withRoom(settingsName(ctx.org), (settings) =>
			ctx.rooms.withRoom(registryName(ctx.org), (room) => {
				const row = memberRow(room, args.rowId);
				const from = statusOfRow(row);
				checkMove(from, 'verified', 'verify');
				const criteria = activeRows(
					settingsRows(settings, 'criteria') as { id: string; order?: number; archived?: boolean }[]
				) as ({ id: string } & Record<string, unknown>)[];
				const known = new Set(criteria.map((c) => c.id));
				const unknown = args.met.filter((id) => !known.has(id));
				if (unknown.length > 0) {
					throw new HttpError(
						400,
						COMMAND_ERROR.unknownSetting,
						`These criteria are not in the settings any more: ${unknown.join(', ')}. Reload and check the list again.`,
						{ unknown }
					);
				}
				const met = new Set(args.met);
				const missing = criteria.filter((c) => c.required === true && !met.has(c.id));
				if (missing.length > 0) {
					throw new HttpError(
						422,
						COMMAND_ERROR.requirementsNotMet,
						`Required criteria are not met: ${missing.map((c) => String(c.textEn ?? c.id)).join('; ')}. Check them, or reject the application with a reason.`,
						{ missing: missing.map((c) => c.id) }
					);
				}
				const at = ctx.now.toISOString();
				return ctx.commit({
					result: () => ({ status: 'verified' }),
					write: {
						room,
						// The checks and the move in one server transaction, stored with the command.
						change: (doc) => {
							const checks = doc.getMap<RowMap>(CHECKS_TABLE);
							for (const c of criteria) {
								const rec = new Y.Map<unknown>();
								checks.set(newRowId(), rec);
								rec.set('memberId', args.rowId);
								rec.set('criterionId', c.id);
								rec.set('command', ctx.id);
								// A copy of the criterion as it was: later edits or removals break nothing.
								for (const k of ['textEn', 'textFa', 'textZh'] as const) {
									if (typeof c[k] === 'string') rec.set(k, c[k]);
								}
								rec.set('required', c.required === true);
								rec.set('met', met.has(c.id));
								rec.set('at', at);
							}
							writeMove(
								doc,
								ctx,
								row,
								args.rowId,
								{ from, to: 'verified', command: 'verify' },
								{ verifiedAt: at, verifiedBy: ctx.userName, verifyNote: args.note }
							);
						}
					}
				});
			})
		)
};

/** The tier and category exist in the settings and are not archived (400 otherwise). */
function checkTierAndCategory(settings: Room, args: { tier: string; category: string }): void {
	for (const [table, id] of [
		['tiers', args.tier],
		['categories', args.category]
	] as const) {
		const r = settings.doc.getMap<unknown>(table).get(id);
		if (!(r instanceof Y.Map) || r.get('archived') === true) {
			throw new HttpError(
				400,
				COMMAND_ERROR.unknownSetting,
				`"${id}" is not one of the ${table} in the settings. Choose another and try again.`,
				{ unknown: [id], table }
			);
		}
	}
}

function approvalFields(
	ctx: Pick<CommandContext, 'now' | 'userName'>,
	args: ApproveArgs,
	memberNo: number,
	certificateNo: string,
	row: RowMap
): Record<string, string | number> {
	const fields: Record<string, string | number> = {
		memberNo,
		certificateNo,
		approvedAt: ctx.now.toISOString(),
		approvedBy: ctx.userName,
		tier: args.tier,
		category: args.category
	};
	if (row.get('joinDate') === undefined) fields.joinDate = ctx.now.toISOString().slice(0, 10);
	return fields;
}

export const approveCommandDef: CommandDef<ApproveArgs> = {
	type: 'approve',
	args: approveArgs,
	roles: COMMAND_ROLES.approve,
	what: 'approve applications',
	run: (ctx, args) =>
		ctx.rooms.withRoom(settingsName(ctx.org), (settings) =>
			ctx.rooms.withRoom(registryName(ctx.org), (room) => {
				const row = memberRow(room, args.rowId);
				const existing = row.get('memberNo');
				if (typeof existing === 'number') {
					// Approved already (by another approver a moment ago, or an earlier
					// command): the same number, never a second one [J3]; with another tier or
					// category, say what it was approved with rather than drop them [J8].
					const memberNo = String(row.get('certificateNo') ?? existing);
					const tier = row.get('tier');
					const category = row.get('category');
					if (tier !== args.tier || category !== args.category) {
						throw new HttpError(
							409,
							COMMAND_ERROR.alreadyApproved,
							`This member is already approved as no. ${memberNo}, with tier "${String(tier)}" and category "${String(category)}". To change them, use "Change tier or category" in the member file.`,
							{ memberNo, tier, category }
						);
					}
					return ctx.commit({ result: () => ({ memberNo }) });
				}
				const from = statusOfRow(row);
				checkMove(from, 'active', 'approve');
				checkTierAndCategory(settings, args);
				const config = readConfig(settings.doc.getMap<unknown>('config').toJSON());
				// One SQLite transaction [J2]: the number, then the approval fields and the move
				// (made with it) appended to the log, then the command row.
				return ctx.commit({
					allocateMemberNo: true,
					result: (n) => ({ memberNo: formatMemberNo(config.memberNoFormat, n!) }),
					write: {
						room,
						change: (doc, n, result) =>
							writeMove(
								doc,
								ctx,
								row,
								args.rowId,
								{ from, to: 'active', command: 'approve' },
								approvalFields(ctx, args, n!, result.memberNo, row)
							)
					}
				});
			})
		),
	// Only for a command stored by a server older than [CMD4]'s single transaction,
	// which may have stopped between the command row and the doc write.
	replay: (ctx, args, stored) =>
		ctx.rooms.withRoom(registryName(ctx.org), (room) => {
			if (stored.memberNo === null) return;
			const row = room.doc.getMap<unknown>('members').get(args.rowId);
			if (!(row instanceof Y.Map) || row.get('memberNo') !== undefined) return;
			const certificateNo = (stored.result as { memberNo: string }).memberNo;
			const from = statusOfRow(row as RowMap);
			const then = { ...ctx, now: new Date(stored.at) };
			room.transactAsServer(
				(doc) =>
					writeMove(
						doc,
						then,
						row as RowMap,
						args.rowId,
						{ from, to: 'active', command: 'approve' },
						approvalFields(then, args, stored.memberNo!, certificateNo, row as RowMap)
					),
				ctx.user.id
			);
		})
};

/**
 * [J7] An approved member's tier and category, which clients cannot write ([J2]): an
 * approver changes them later (the member grows, moves to another category). The
 * change is the server's, in the log under the approver's name ([H2]).
 */
export const changeMembershipCommandDef: CommandDef<ChangeMembershipArgs> = {
	type: 'changeMembership',
	args: changeMembershipArgs,
	roles: COMMAND_ROLES.changeMembership,
	what: "change an approved member's tier or category",
	run: (ctx, args) =>
		ctx.rooms.withRoom(settingsName(ctx.org), (settings) =>
			ctx.rooms.withRoom(registryName(ctx.org), (room) => {
				const row = memberRow(room, args.rowId);
				if (typeof row.get('memberNo') !== 'number') {
					throw new HttpError(
						409,
						COMMAND_ERROR.notApproved,
						'This member has no number yet: set its tier and category in its file, or approve it with them.'
					);
				}
				const { tier, category } = args;
				const same = row.get('tier') === tier && row.get('category') === category;
				if (!same) checkTierAndCategory(settings, args);
				return ctx.commit({
					result: () => ({ tier, category }),
					write: same
						? undefined
						: {
								room,
								change: () => {
									if (row.get('tier') !== tier) row.set('tier', tier);
									if (row.get('category') !== category) row.set('category', category);
								}
							}
				});
			})
		)
};

export const JOINING_COMMANDS = [
	moveCommandDef,
	verifyCommandDef,
	approveCommandDef,
	rejectCommandDef,
	changeMembershipCommandDef
] as const;

/** The settings' defaults this doc has not had yet (see `seedSettings`). */
export function settingsSeedDue(doc: Y.Doc): boolean {
	const meta = doc.getMap<unknown>('meta');
	return meta.get('seeded') === undefined || seedVersionOf(meta) < SETTINGS_SEED_VERSION;
}

function seedVersionOf(meta: Y.Map<unknown>): number {
	const v = meta.get('seedVersion');
	return typeof v === 'number' ? v : 1;
}

function writeRow(map: Y.Map<RowMap>, id: string, fields: Record<string, unknown>): void {
	const row = new Y.Map<unknown>();
	map.set(id, row);
	for (const [k, v] of Object.entries(fields)) row.set(k, v);
}

/**
 * The settings an organisation starts with, written by the server the first time its
 * room loads; in an organisation seeded before, the rows added to the defaults since
 * (`seedRowsAfter`), each written once: a row the doc has (an admin made, changed or
 * archived it) is left as it is, and `meta.seedVersion` keeps one that is gone later
 * from coming back.
 */
export function seedSettings(doc: Y.Doc): void {
	const config = doc.getMap<unknown>('config');
	const meta = doc.getMap<unknown>('meta');
	if (meta.get('seeded') === undefined) {
		const defaults = readConfig({});
		for (const [k, v] of Object.entries(defaults)) if (!config.has(k)) config.set(k, v);
		for (const [table, rows] of Object.entries(DEFAULT_TABLES)) {
			const map = doc.getMap<RowMap>(table);
			for (const [id, fields] of Object.entries(rows)) if (!map.has(id)) writeRow(map, id, fields);
		}
		meta.set('seeded', new Date().toISOString());
	} else {
		for (const { table, id, row } of seedRowsAfter(seedVersionOf(meta))) {
			const map = doc.getMap<RowMap>(table);
			if (!map.has(id)) writeRow(map, id, row);
		}
	}
	meta.set('seedVersion', SETTINGS_SEED_VERSION);
}

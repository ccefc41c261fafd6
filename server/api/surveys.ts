/**
 * Survey endpoints: personal links for staff, and the public page's two calls.
 *
 * Staff (admin or staff, own org only):
 *   GET  /api/surveys/:org/campaigns/:id/links           200 { links: [...] } (no tokens)
 *   POST /api/surveys/:org/campaigns/:id/links           { memberIds?, reissue?, headers? } → 200 text/csv
 *        New links for the campaign's audience (or `memberIds`). Members who already
 *        have a live link are skipped unless `reissue` (the old link then stops
 *        working). Tokens exist only in this answer: the CSV is the mailing list.
 *   POST /api/surveys/:org/campaigns/:id/links/:memberId/revoke   204
 *
 * Public (no login; the token is the only credential):
 *   GET  /api/s/:token[?lang=xx]   200 PublicSurvey: that survey in the member's language
 *   POST /api/s/:token             { answers: { questionId: value } } → 200 { submittedAt }
 *        The server writes that member's response and answers into the surveys doc as
 *        itself. Every answer is checked first; on any error nothing is written.
 * A wrong token is 404, a revoked one 410 `revoked`, one replaced by a reissue 410
 * `replaced`, a closed/expired campaign 410
 * `closed`; more than the allowed requests per token, or failed look-ups per client
 * address, is 429 with Retry-After.
 */
import * as Y from 'yjs';
import { z } from 'zod';
import { DOC } from '../../src/lib/domain/access';
import { toCsv } from '../../src/lib/domain/csv';
import { ROW_ID_PATTERN } from '../../src/lib/domain/member';
import { printedMemberNo, readConfig } from '../../src/lib/domain/settings';
import {
	answerId,
	audienceOf,
	byOrder,
	campaignAcceptsAnswers,
	campaignLanguages,
	isSurveyLang,
	localized,
	parseAnswer,
	publicAnswers,
	readRow,
	responseId,
	type AnswerError,
	type Answer,
	type Campaign,
	type Option,
	type PublicSurvey,
	type Question,
	type Response,
	type SurveyLang,
	type SurveyTable,
	isTimeZone,
	LINK_CSV_COLUMNS,
	linkExpiryDay,
	SURVEY_LANGS
} from '../../src/lib/domain/survey';
import {
	HttpError,
	parse,
	readJson,
	send,
	type ApiRoute,
	type RouteContext,
	methodNotAllowed
} from '../http';
import type { Room } from '../rooms';
import type { SurveyLinkRecord } from '../store/types';
import { RateLimiter } from '../rate-limit';
import { hashLinkToken, isLinkToken, newLinkToken } from '../surveys-links';
import { recordExport } from './exports';
import type { AreaDeps } from './index';

/** Requests per token per window (reading and sending one survey needs a handful). */
export const LINK_REQUESTS_PER_WINDOW = 30;
/** Unknown tokens per client address per window. */
export const LINK_MISSES_PER_WINDOW = 20;
const WINDOW_MS = 10 * 60 * 1000;

const linkRequest = z
	.object({
		memberIds: z.array(z.string().regex(ROW_ID_PATTERN)).max(100_000).optional(),
		reissue: z.boolean().optional(),
		/** The CSV's column headers in the reader's language (the client's), else the keys. */
		headers: z.array(z.string().trim().min(1).max(100)).length(LINK_CSV_COLUMNS.length).optional(),
		/**
		 * The languages' names in the reader's language, for the language column (as the
		 * registry export writes option labels), else the codes.
		 */
		languageNames: z
			.partialRecord(z.enum(SURVEY_LANGS), z.string().trim().min(1).max(100))
			.optional(),
		/** The reader's time zone: the expiry's day is theirs (the builder's), else UTC's. */
		timeZone: z.string().max(100).refine(isTimeZone, 'an IANA time zone').optional()
	})
	.strict();

function rows<T extends { id: string }>(doc: Y.Doc, table: SurveyTable): T[] {
	const out: T[] = [];
	for (const [id, y] of doc.getMap<unknown>(table).entries()) {
		if (y instanceof Y.Map) out.push(readRow<T>(table, id, y.entries()));
	}
	return out;
}

function row<T extends { id: string }>(doc: Y.Doc, table: SurveyTable, id: string): T | undefined {
	const y = doc.getMap<unknown>(table).get(id);
	return y instanceof Y.Map ? readRow<T>(table, id, y.entries()) : undefined;
}

interface RegistryMember {
	id: string;
	name?: string;
	email?: string;
	memberNo?: number;
	certificateNo?: string;
	status?: string;
	tier?: string;
	region?: string;
	enterpriseType?: string;
	size?: string;
	language?: string;
}

function registryMembers(doc: Y.Doc): Map<string, RegistryMember> {
	const out = new Map<string, RegistryMember>();
	for (const [id, y] of doc.getMap<unknown>('members').entries()) {
		if (!(y instanceof Y.Map)) continue;
		const m: Record<string, unknown> = { id };
		for (const [k, v] of y.entries()) if (typeof v === 'string' || typeof v === 'number') m[k] = v;
		out.set(id, m as unknown as RegistryMember);
	}
	return out;
}

function tooMany(waitMs: number): HttpError {
	const seconds = Math.max(1, Math.ceil(waitMs / 1000));
	return new HttpError(
		429,
		'too_many_requests',
		`Too many requests for this survey. Wait ${Math.ceil(seconds / 60)} minute(s) and try again.`,
		{ retryAfterSeconds: seconds },
		{ 'Retry-After': String(seconds) }
	);
}

const ANSWER_MESSAGE: Record<AnswerError, string> = {
	required: 'This question needs an answer.',
	notAnOption: 'Choose one of the offered answers.',
	outOfRange: 'Give a rating from 1 to 5.',
	notANumber: 'Enter a number.',
	tooLong: 'The answer is too long (at most 5,000 characters).'
};

export function surveysRoutes(deps: AreaDeps): ApiRoute[] {
	const perToken = new RateLimiter(LINK_REQUESTS_PER_WINDOW, WINDOW_MS, Date.now, 20_000);
	const misses = new RateLimiter(LINK_MISSES_PER_WINDOW, WINDOW_MS, Date.now, 20_000);

	const surveysRoom = <T>(org: string, fn: (room: Room) => T | Promise<T>) =>
		deps.rooms.withRoom(`${org}/${DOC.surveys}`, fn);

	async function staff(ctx: RouteContext, org: string) {
		const a = await ctx.requireRole(['admin', 'staff'], 'manage survey links');
		if (a.user.org !== org) {
			throw new HttpError(404, 'not_found', 'There is no such organisation. Reload the app.');
		}
		return a;
	}

	function campaignOf(room: Room, id: string): Campaign {
		const c = row<Campaign>(room.doc, 'campaigns', id);
		if (!c) throw new HttpError(404, 'not_found', 'There is no such survey. Reload the page.');
		return c;
	}

	/** The link behind a token, checked, with the per-token and per-address limits. */
	async function resolveLink(ctx: RouteContext): Promise<SurveyLinkRecord> {
		const token = ctx.match[1];
		const ip = ctx.clientAddress();
		const missWait = misses.retryAfterMs(ip);
		if (missWait > 0) throw tooMany(missWait);
		const hash = isLinkToken(token) ? hashLinkToken(token) : null;
		const link = hash ? await deps.store.getSurveyLink(hash) : null;
		// A reissued link's old token is no guess: it says it was replaced, and it counts
		// against its own limit, not the address's misses.
		if (!link && hash && (await deps.store.surveyLinkReplacedAt(hash)) !== null) {
			const wait = perToken.retryAfterMs(hash);
			if (wait > 0) throw tooMany(wait);
			perToken.hit(hash);
			throw new HttpError(
				410,
				'replaced',
				'This survey link was replaced by a newer one. Use the link in the latest message from the association.'
			);
		}
		if (!link) {
			misses.hit(ip);
			throw new HttpError(
				404,
				'no_such_link',
				'This survey link is not valid. Check that the whole link was copied from the message.'
			);
		}
		const wait = perToken.retryAfterMs(link.tokenHash);
		if (wait > 0) throw tooMany(wait);
		perToken.hit(link.tokenHash);
		if (link.revokedAt !== null) {
			throw new HttpError(
				410,
				'revoked',
				'This survey link was withdrawn. If you still want to answer, ask the association for a new link.'
			);
		}
		return link;
	}

	function closedError(): HttpError {
		return new HttpError(
			410,
			'closed',
			'This survey is closed and no longer takes answers. Thank you for your interest.'
		);
	}

	function publicSurvey(room: Room, link: SurveyLinkRecord, lang: SurveyLang): PublicSurvey {
		const doc = room.doc;
		const c = campaignOf(room, link.campaignId);
		const langs = campaignLanguages(c);
		const questions = rows<Question>(doc, 'questions')
			.filter((q) => q.campaignId === c.id && q.kind)
			.sort(byOrder);
		const options = rows<Option>(doc, 'options').sort(byOrder);
		const answers = new Map(
			rows<Answer>(doc, 'answers')
				.filter((a) => a.campaignId === c.id && a.memberId === link.memberId)
				.map((a) => [a.questionId, a.value])
		);
		const response = row<Response>(doc, 'responses', responseId(c.id, link.memberId));
		return {
			title: localized(c, 'title', lang, langs),
			intro: localized(c, 'intro', lang, langs),
			language: lang,
			languages: langs,
			expiresAt: c.expiresAt ?? null,
			submittedAt: response?.submittedAt ?? null,
			questions: questions.map((q) => ({
				id: q.id,
				kind: q.kind!,
				required: q.required === true,
				text: localized(q, 'text', lang, langs),
				options: options
					.filter((o) => o.questionId === q.id)
					.map((o) => ({ id: o.id, label: localized(o, 'label', lang, langs) })),
				value: answers.get(q.id) ?? null
			}))
		};
	}

	return [
		{
			pattern: /^\/api\/s\/([^/]+)$/,
			async handle(ctx) {
				if (ctx.method !== 'GET' && ctx.method !== 'POST') {
					throw methodNotAllowed('GET, POST');
				}
				const link = await resolveLink(ctx);
				if (ctx.method === 'GET') {
					const asked = new URL(ctx.req.url ?? '/', 'http://x').searchParams.get('lang');
					const body = await surveysRoom(link.org, (room) => {
						const c = campaignOf(room, link.campaignId);
						if (!campaignAcceptsAnswers(c, Date.now())) throw closedError();
						const langs = campaignLanguages(c);
						const lang =
							isSurveyLang(asked) && langs.includes(asked)
								? asked
								: isSurveyLang(link.language) && langs.includes(link.language)
									? link.language
									: langs[0];
						return publicSurvey(room, link, lang);
					});
					send(ctx.res, 200, body, { 'Referrer-Policy': 'no-referrer' });
					return;
				}
				const input = parse(publicAnswers, await readJson(ctx.req), 'answers');
				const submittedAt = await surveysRoom(link.org, async (room) => {
					const doc = room.doc;
					const c = campaignOf(room, link.campaignId);
					if (!campaignAcceptsAnswers(c, Date.now())) throw closedError();
					const questions = rows<Question>(doc, 'questions').filter(
						(q) => q.campaignId === c.id && q.kind
					);
					const options = rows<Option>(doc, 'options');
					const known = new Set(questions.map((q) => q.id));
					const errors: { questionId: string; code: AnswerError; message: string }[] = [];
					for (const id of Object.keys(input.answers)) {
						if (!known.has(id)) {
							throw new HttpError(
								400,
								'unknown_question',
								'The survey changed while you were answering. Reload the page and answer again.'
							);
						}
					}
					const writes: { q: Question; value: string | number | null }[] = [];
					for (const q of questions) {
						const ids = options
							.filter((o) => o.questionId === q.id)
							.sort(byOrder)
							.map((o) => o.id);
						const r = parseAnswer(q, ids, input.answers[q.id]);
						if (!r.ok)
							errors.push({ questionId: q.id, code: r.error, message: ANSWER_MESSAGE[r.error] });
						else if (r.value === null && q.required)
							errors.push({ questionId: q.id, code: 'required', message: ANSWER_MESSAGE.required });
						else if (Object.prototype.hasOwnProperty.call(input.answers, q.id))
							writes.push({ q, value: r.value });
					}
					if (errors.length > 0) {
						throw new HttpError(
							400,
							'invalid_answers',
							'Some answers need a look: see the marked questions.',
							{ answers: errors }
						);
					}
					const member = link.memberId;
					// An empty response is no response: the results would not count it, so it
					// must not be stored as one either (the answers after this submission).
					const written = new Map(writes.map((w) => [w.q.id, w.value]));
					const stored = doc.getMap<unknown>('answers');
					const answersSomething = questions.some((q) => {
						if (written.has(q.id)) return written.get(q.id) !== null;
						const y = stored.get(answerId(c.id, member, q.id));
						const v = y instanceof Y.Map ? y.get('value') : undefined;
						return v !== undefined && v !== null && v !== '';
					});
					if (!answersSomething) {
						throw new HttpError(
							400,
							'empty_response',
							'Answer at least one question before you send your answers.'
						);
					}
					const now = new Date().toISOString();
					room.transactAsServer((d) => {
						const answers = d.getMap<Y.Map<unknown>>('answers');
						for (const { q, value } of writes) {
							const id = answerId(c.id, member, q.id);
							const existing = answers.get(id);
							if (value === null) {
								if (existing instanceof Y.Map) existing.delete('value');
								continue;
							}
							const y = existing instanceof Y.Map ? existing : new Y.Map<unknown>();
							if (!(existing instanceof Y.Map)) answers.set(id, y);
							y.set('campaignId', c.id);
							y.set('memberId', member);
							y.set('questionId', q.id);
							y.set('value', value);
							y.set('updatedAt', now);
						}
						const responses = d.getMap<Y.Map<unknown>>('responses');
						const rid = responseId(c.id, member);
						let r = responses.get(rid);
						if (!(r instanceof Y.Map)) {
							r = new Y.Map<unknown>();
							responses.set(rid, r);
							r.set('campaignId', c.id);
							r.set('memberId', member);
						}
						r.set('source', 'link');
						r.set('language', isSurveyLang(link.language) ? link.language : 'en');
						r.set('submittedAt', now);
						// The member sent it, and a member is no user: `source: link` and the time
						// say so, not the name of the staff member who last entered it ([SV4]).
						r.delete('updatedBy');
					});
					await room.flush();
					return now;
				});
				await deps.store.markSurveyLinkUsed(link.tokenHash, Date.now());
				send(ctx.res, 200, { submittedAt }, { 'Referrer-Policy': 'no-referrer' });
			}
		},
		{
			pattern: /^\/api\/surveys\/([^/]+)\/campaigns\/([^/]+)\/links$/,
			async handle(ctx) {
				const [, org, campaignId] = ctx.match;
				const { user } = await staff(ctx, org);
				if (ctx.method === 'GET') {
					const links = await deps.store.listSurveyLinks(org, campaignId);
					send(ctx.res, 200, {
						links: links.map((l) => ({
							memberId: l.memberId,
							language: l.language,
							createdAt: new Date(l.createdAt).toISOString(),
							revokedAt: l.revokedAt === null ? null : new Date(l.revokedAt).toISOString(),
							usedAt: l.usedAt === null ? null : new Date(l.usedAt).toISOString()
						}))
					});
					return;
				}
				if (ctx.method !== 'POST') {
					throw methodNotAllowed('GET, POST');
				}
				const body = parse(linkRequest, await readJson(ctx.req), 'link request');
				const campaign = await surveysRoom(org, (room) => campaignOf(room, campaignId));
				if (
					campaign.status === 'closed' ||
					!campaignAcceptsAnswers({ ...campaign, status: 'open' }, Date.now())
				) {
					throw new HttpError(
						409,
						'campaign_closed',
						'This survey is closed or past its expiry. Reopen it or move the expiry date, then create the links.'
					);
				}
				const members = await deps.rooms.withRoom(`${org}/${DOC.registry}`, (room) =>
					registryMembers(room.doc)
				);
				// The member number as printed on the certificate, as everywhere else.
				const { memberNoFormat } = await deps.rooms.withRoom(`${org}/${DOC.settings}`, (room) =>
					readConfig(room.doc.getMap<unknown>('config').toJSON())
				);
				const audience = audienceOf(campaign, members.values());
				let targets = audience;
				if (body.memberIds) {
					// A link lets a member answer: only members of the campaign's audience get one.
					const inAudience = new Map(audience.map((m) => [m.id, m]));
					const outside = body.memberIds.filter((id) => !inAudience.has(id));
					if (outside.length > 0) {
						throw new HttpError(
							409,
							'not_in_audience',
							`${outside.length} of the chosen members are not in this survey’s audience (active members${campaign.audience && campaign.audience !== 'allActive' ? ` of this ${campaign.audience}` : ''}). Choose members of the audience, or change the audience first.`
						);
					}
					targets = [...new Set(body.memberIds)].map((id) => inAudience.get(id)!);
				}
				if (targets.length === 0) {
					throw new HttpError(
						409,
						'empty_audience',
						'No member matches this survey’s audience. Check the audience (active members only) and try again.'
					);
				}
				const existing = new Map(
					(await deps.store.listSurveyLinks(org, campaignId)).map((l) => [l.memberId, l])
				);
				const langs = campaignLanguages(campaign);
				const now = Date.now();
				const origin = deps.config.origin ?? `http://${ctx.req.headers.host ?? 'localhost'}`;
				const issued: { m: RegistryMember; token: string; language: string }[] = [];
				const records: SurveyLinkRecord[] = [];
				for (const m of targets) {
					const old = existing.get(m.id);
					if (old && old.revokedAt === null && !body.reissue) continue;
					const token = newLinkToken();
					const language =
						isSurveyLang(m.language) && langs.includes(m.language) ? m.language : langs[0];
					issued.push({ m, token, language });
					records.push({
						tokenHash: hashLinkToken(token),
						org,
						campaignId,
						memberId: m.id,
						language,
						createdAt: now,
						createdBy: user.id,
						revokedAt: null,
						usedAt: null
					});
				}
				// The CSV is member data (number, name, email): recorded before anything is
				// issued or sent, and nothing is issued when the record fails ([IE1]).
				await recordExport(deps, {
					org,
					user,
					input: {
						view: 'surveyLinks',
						format: 'csv',
						rows: issued.length,
						columns: [...LINK_CSV_COLUMNS],
						filters: JSON.stringify({
							campaignId,
							reissue: body.reissue === true,
							...(body.memberIds ? { memberIds: body.memberIds.length } : {})
						}),
						sort: []
					}
				});
				// A replaced link says so until it would have expired; then it is forgotten.
				const expiry = campaign.expiresAt ? Date.parse(campaign.expiresAt) : NaN;
				await deps.store.putSurveyLinks(records, Number.isNaN(expiry) ? null : expiry);
				// UTF-8 with a byte-order mark, so Excel opens Persian and Chinese correctly.
				const csv = toCsv(
					[
						body.headers ?? [...LINK_CSV_COLUMNS],
						...issued.map(({ m, token, language }) => [
							printedMemberNo(m, memberNoFormat),
							m.name ?? '',
							m.email ?? '',
							(isSurveyLang(language) && body.languageNames?.[language]) || language,
							`${origin}/s/${token}`,
							linkExpiryDay(campaign.expiresAt, body.timeZone),
							m.id
						])
					],
					{ bom: true }
				);
				const body_ = Buffer.from(csv, 'utf8');
				ctx.res.writeHead(200, {
					'Content-Type': 'text/csv; charset=utf-8',
					'Content-Disposition': `attachment; filename="survey-links-${campaignId}.csv"`,
					'Cache-Control': 'no-store',
					'Content-Length': String(body_.length),
					'X-Links-Issued': String(issued.length),
					'X-Links-Skipped': String(targets.length - issued.length)
				});
				ctx.res.end(body_);
			}
		},
		{
			pattern: /^\/api\/surveys\/([^/]+)\/campaigns\/([^/]+)\/links\/([^/]+)\/revoke$/,
			async handle(ctx) {
				const [, org, campaignId, memberId] = ctx.match;
				await staff(ctx, org);
				if (ctx.method !== 'POST') {
					throw methodNotAllowed('POST');
				}
				const found = await deps.store.revokeSurveyLink(org, campaignId, memberId, Date.now());
				if (!found) {
					throw new HttpError(404, 'not_found', 'This member has no link for this survey.');
				}
				send(ctx.res, 204, undefined);
			}
		}
	];
}

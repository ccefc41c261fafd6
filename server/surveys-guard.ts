/**
 * The `surveys` doc's guard: its tables and their rules (src/lib/domain/survey.ts),
 * through the generic table guard. [SV1] items and [SV2] complaints are checked as
 * whole rows after the field rules, with the server's clock for the answer's time;
 * [SV6] a response's `source: link` and its time are the public endpoint's only (the
 * row rule has the last word over the time [G19] would stamp).
 */
import {
	SURVEY_TABLES,
	answerFields,
	complaintRowRule,
	itemRowRule,
	responseFields,
	responseId,
	responseRowRule
} from '../src/lib/domain/survey';
import { makeDocGuard, type Guard, type TableRules } from './guard';

const now = () => new Date().toISOString();

const tables: Record<string, TableRules> = Object.fromEntries(
	Object.entries(SURVEY_TABLES).map(([name, fields]) => [name, { fields }])
);
// Who created a campaign, an item or a complaint, who answered an item and who last
// entered a response are the connection's user ([G17], [G18]): an item's answeredBy is
// whoever changes its answer; a response's updatedBy whoever changes the response or
// one of its member's answers in the campaign (answers are rows of their own, [SV3]).
// When they were created, and when each of those writes was made, is the device's clock
// within the writer's window, else the server's ([G19]): an item's answeredAt is when it
// was first answered (what "days to answer" counts: a corrected answer was not answered
// later), a response's submittedAt dates the response's own last write, an answer's
// updatedAt the answer's.
const otherThan = (fields: object, ...keys: string[]) =>
	Object.keys(fields).filter((k) => !keys.includes(k));
tables.campaigns = { ...tables.campaigns, createdBy: ['createdBy'], createdAt: ['createdAt'] };
tables.items = {
	...tables.items,
	row: (after, before) => itemRowRule(after, before, now()),
	createdBy: ['createdBy'],
	createdAt: ['createdAt'],
	writtenBy: { answeredBy: ['answer'] },
	writtenAt: { answeredAt: [] }
};
tables.responses = {
	...tables.responses,
	row: responseRowRule,
	writtenBy: { updatedBy: otherThan(responseFields, 'updatedBy') },
	writtenAt: { submittedAt: otherThan(responseFields, 'submittedAt') }
};
tables.answers = {
	...tables.answers,
	writtenAt: { updatedAt: otherThan(answerFields, 'updatedAt') },
	partOf: {
		table: 'responses',
		field: 'updatedBy',
		id: ({ campaignId, memberId }) =>
			typeof campaignId === 'string' && typeof memberId === 'string'
				? responseId(campaignId, memberId)
				: null
	}
};
tables.complaints = {
	...tables.complaints,
	row: (after, before) => complaintRowRule(after, before, now()),
	createdBy: ['createdBy'],
	createdAt: ['createdAt']
};

export const guardSurveys: Guard = makeDocGuard({ tables });

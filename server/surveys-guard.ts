/**
 * The `surveys` doc's guard: its tables and their rules (src/lib/domain/survey.ts),
 * through the generic table guard. [SV1] items and [SV2] complaints are checked as
 * whole rows after the field rules, with the server's clock for the answer's time;
 * [SV6] a response's `source: link` and its time are the public endpoint's only.
 */
import {
	SURVEY_TABLES,
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
tables.campaigns = { ...tables.campaigns, createdBy: ['createdBy'] };
tables.items = {
	...tables.items,
	row: (after, before) => itemRowRule(after, before, now()),
	createdBy: ['createdBy'],
	writtenBy: { answeredBy: ['answer'] }
};
tables.responses = {
	...tables.responses,
	row: responseRowRule,
	writtenBy: { updatedBy: Object.keys(responseFields).filter((k) => k !== 'updatedBy') }
};
tables.answers = {
	...tables.answers,
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
	createdBy: ['createdBy']
};

export const guardSurveys: Guard = makeDocGuard({ tables });

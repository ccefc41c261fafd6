/**
 * The monthly change list (seed 001 art. 3.4-3.5, 4.2): members whose basic
 * information changed, who joined, lapsed or resigned in a period, with the new
 * values, for the magazine and website teams. It holds contact details, so it is
 * never written into the `reports` doc (board devices sync that doc); the server
 * answers it over the API to roles that may read the registry.
 */
import { z } from 'zod';
import { toCsv } from './csv';
import { MEMBER_STATUS } from './member';
import { basicInfoOf, contactOwners } from './report-members';
import { dayOf, type HistoryEvent, type Period, type Row } from './report';

export const CHANGE_KIND = {
	joined: 'joined',
	lapsed: 'lapsed',
	resigned: 'resigned',
	changed: 'changed'
} as const;
export type ChangeKind = (typeof CHANGE_KIND)[keyof typeof CHANGE_KIND];

const cell = z.union([z.string(), z.number(), z.boolean()]).nullable();
export const changeEntry = z.object({
	day: z.iso.date(),
	/** Epoch ms of the change; for `joined` the start of the join day. */
	at: z.number(),
	kind: z.enum(['joined', 'lapsed', 'resigned', 'changed']),
	memberId: z.string(),
	memberNo: z.number().int().nullable(),
	/**
	 * The number as the approval printed it (GH-00042); without it the number is printed
	 * in the format the reports' meta publishes (printedMemberNo).
	 */
	certificateNo: z.string().nullable().optional(),
	name: z.string(),
	/** For `changed`: which field, its group, the value before and after. */
	field: z.string().nullable(),
	group: z.string().nullable(),
	old: cell,
	value: cell
});
export type ChangeEntry = z.infer<typeof changeEntry>;
export const changeList = z.object({
	period: z.object({ from: z.iso.date(), to: z.iso.date() }),
	entries: z.array(changeEntry),
	complete: z.boolean()
});
export type ChangeList = z.infer<typeof changeList>;

const MEMBER_STATES = new Set<string>(['active', 'lapsed', 'resigned']);

/**
 * Changes in `period`, oldest first. `joined` comes from `joinDate`; lapsed and
 * resigned from status changes; `changed` from basic-information fields, skipping
 * what was typed in before or on the day a member joined.
 */
export function buildChangeList(opts: {
	members: readonly Row[];
	/** The registry's contact persons (for changes of contacts). */
	contacts?: readonly Row[];
	history: readonly HistoryEvent[];
	period: Period;
	historyReady: boolean;
}): ChangeList {
	const { period } = opts;
	const byId = new Map(opts.members.map((r) => [r.id, r]));
	const inP = (d: string) => d >= period.from && d <= period.to;
	const entries: ChangeEntry[] = [];
	const base = (r: Row) => ({
		memberId: r.id,
		memberNo: typeof r.memberNo === 'number' ? r.memberNo : null,
		certificateNo: typeof r.certificateNo === 'string' ? r.certificateNo : null,
		name: typeof r.name === 'string' ? r.name : ''
	});
	for (const r of opts.members) {
		if (!MEMBER_STATES.has(String(r.status ?? ''))) continue;
		const jd = typeof r.joinDate === 'string' ? r.joinDate : null;
		if (jd && inP(jd)) {
			entries.push({
				day: jd,
				at: Date.parse(`${jd}T00:00:00Z`),
				kind: 'joined',
				...base(r),
				field: null,
				group: null,
				old: null,
				value: null
			});
		}
	}
	const owners = contactOwners(opts.contacts ?? []);
	const contactName = new Map(
		(opts.contacts ?? []).map((c) => [c.id, typeof c.name === 'string' ? c.name : null])
	);
	for (const e of opts.history) {
		const day = dayOf(e.at);
		if (!inP(day)) continue;
		if (e.table === 'members' && e.field === 'status' && !e.created) {
			const r = byId.get(e.rowId);
			if (!r || !MEMBER_STATES.has(String(r.status ?? ''))) continue;
			if (e.value === MEMBER_STATUS.lapsed || e.value === MEMBER_STATUS.resigned) {
				entries.push({
					day,
					at: e.at,
					kind: e.value,
					...base(r),
					field: 'status',
					group: null,
					old: e.old,
					value: e.value
				});
			}
			continue;
		}
		const info = basicInfoOf(e, (id) => owners.get(id));
		if (!info) continue;
		const r = byId.get(info.memberId);
		if (!r || !MEMBER_STATES.has(String(r.status ?? ''))) continue;
		const jd = typeof r.joinDate === 'string' ? r.joinDate : null;
		if (jd && day <= jd) continue;
		const contact = e.table !== 'members';
		entries.push({
			day,
			at: e.at,
			kind: 'changed',
			...base(r),
			// A contact person's field reads `contact.name`; a new contact, `contact`.
			field: contact ? (e.created ? 'contact' : `contact.${e.field}`) : e.field,
			group: info.group,
			old: contact && e.created ? null : e.old,
			value: contact && e.created ? (contactName.get(e.rowId) ?? null) : e.value
		});
	}
	entries.sort((a, b) => a.at - b.at || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
	return { period: { from: period.from, to: period.to }, entries, complete: opts.historyReady };
}

const CSV_FIELDS = ['day', 'kind', 'memberNo', 'name', 'field', 'old', 'value'] as const;

/** A stored value as one field: numbers stay numbers, the rest is text (csv.ts neutralises formulas). */
const csvValue = (v: unknown): string | number | null | undefined =>
	v === null || v === undefined || typeof v === 'number' ? v : String(v);

/**
 * The change list as CSV with a UTF-8 byte order mark (so Excel reads Persian and
 * Chinese correctly), CRLF line ends. `headers`, `label` and `memberNo` (the number
 * as printed, in the reader's digits) give the reader's words.
 */
export function changeListCsv(
	list: ChangeList,
	opts: {
		headers: Record<(typeof CSV_FIELDS)[number], string>;
		label: (e: ChangeEntry, column: 'kind' | 'field') => string;
		memberNo: (e: ChangeEntry) => string;
	}
): string {
	return toCsv(
		[
			CSV_FIELDS.map((f) => opts.headers[f]),
			...list.entries.map((e) =>
				[
					e.day,
					opts.label(e, 'kind'),
					opts.memberNo(e),
					e.name,
					e.field ? opts.label(e, 'field') : '',
					e.old,
					e.value
				].map(csvValue)
			)
		],
		{ bom: true }
	);
}

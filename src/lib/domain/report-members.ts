/**
 * The membership area of the reports: counts, new members, leavers, growth,
 * retention, members by region / enterprise type / tier / size, and how many
 * members' basic information changed. Reads the registry's `members` table and
 * the registry's history of changes (update log).
 *
 * Who counts as a member on a day: a row whose status is active, lapsed or
 * resigned, from the day it joined to the day before it left.
 *  - joined: `joinDate`; else the day of `approvedAt`; else the first day its
 *    status became active; else the day it was created.
 *  - left (lapsed or resigned now): the day its status last became that; a row
 *    whose history does not say when (history still loading) counts as having
 *    left the day it joined, so it never inflates a count.
 *  - between those, a member whose status was lapsed, resigned or removed on a day
 *    (and came back later) is not a member that day.
 * Attributes at the period's end: each figure of a period counts a member with the
 * status, region, tier, category, enterprise type, size and name it had at the end
 * of the period's last day (AttrTimeline: per member and field, the changes from the
 * registry's history and status moves from the `moves` table, sorted once in
 * prepare; the value on a day is the last change on or before it, before the first
 * change the value that change replaced). Members without changes cost nothing more.
 *  - A row is counted from its join day even if the record was created or approved
 *    later (an imported roster with join dates is the association's history; a join
 *    date may be written back at approval). On days before it was admitted (its
 *    first move to active) it has the values it was admitted with; before its first
 *    recorded change, the values it was created with.
 *  - A row no longer in the registry is counted in no period, past ones included:
 *    rows that were ever members cannot be deleted ([J1]), so a missing row never
 *    was one. A record merged into another (`mergedInto`) is the same company as its
 *    survivor and is counted in no period either (the survivor is).
 */
import { z } from 'zod';
import { MEMBER_STATUS, type MemberStatus } from './member';
import { liveMemberId, mergedIntoMap } from './merge';
import {
	addDays,
	dayMs,
	dayOf,
	runSteps,
	STEP_ROWS,
	type HistoryEvent,
	type Period,
	type ReportArea,
	type ReportInputs,
	type Row,
	type ScoreItem
} from './report';

/** Rows that are or were members; lapsed, resigned and removed ones have left. */
const MEMBER_STATES: ReadonlySet<string> = new Set<MemberStatus>([
	MEMBER_STATUS.active,
	MEMBER_STATUS.lapsed,
	MEMBER_STATUS.resigned,
	MEMBER_STATUS.removed
]);

/**
 * Basic information whose changes are reported monthly (seed 001 art. 4.2: name,
 * address, contact person, contact details, head): fields of `members`, and for
 * contact persons any change of a row of the registry's `contacts` table
 * (CONTACT_TABLE_FIELDS), a contact added included.
 */
export const BASIC_INFO_GROUPS = {
	name: ['name'],
	address: ['address'],
	contact: [],
	contactDetails: ['phone', 'email', 'website'],
	head: ['legalRep']
} as const satisfies Record<string, readonly string[]>;

export const CONTACTS_TABLE = 'contacts';
export const CONTACT_TABLE_FIELDS: ReadonlySet<string> = new Set([
	'name',
	'role',
	'phone',
	'email',
	'channel'
]);

/**
 * The member and group a history event changes, or null when it is not a change
 * of basic information. A new contact person counts once (its `memberId` event).
 */
export function basicInfoOf(
	e: HistoryEvent,
	contactMember: (contactId: string) => string | undefined
): { memberId: string; group: BasicInfoGroup } | null {
	if (e.table === 'members') {
		if (e.created) return null;
		const group = GROUP_OF.get(e.field);
		return group ? { memberId: e.rowId, group } : null;
	}
	if (e.table === CONTACTS_TABLE) {
		const counts = e.created ? e.field === 'memberId' : CONTACT_TABLE_FIELDS.has(e.field);
		const memberId = e.created && typeof e.value === 'string' ? e.value : contactMember(e.rowId);
		return counts && memberId ? { memberId, group: 'contact' } : null;
	}
	return null;
}
export type BasicInfoGroup = keyof typeof BASIC_INFO_GROUPS;

const GROUP_OF: ReadonlyMap<string, BasicInfoGroup> = new Map(
	(Object.entries(BASIC_INFO_GROUPS) as [BasicInfoGroup, readonly string[]][]).flatMap(
		([g, fields]) => fields.map((f) => [f, g] as const)
	)
);
export const basicInfoGroup = (field: string): BasicInfoGroup | undefined => GROUP_OF.get(field);

export const DIMENSIONS = ['region', 'enterpriseType', 'tier', 'size'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Longest list of new members kept per period (the count is always exact). */
export const NEW_MEMBERS_LIST_MAX = 1000;

export interface MemberSpan {
	id: string;
	name: string;
	status: string;
	region: string;
	category: string;
	enterpriseType: string;
	tier: string;
	size: string;
	joined: string;
	/** The first day it was no longer a member; null while it is one. */
	left: string | null;
	/**
	 * The day it first became active in the registry, when later than `joined` (a join
	 * date written back, an approval after it): its values on earlier days are the
	 * ones it was admitted with, not the half-typed ones of the application.
	 */
	admitted?: string;
	/** Field changes over time; absent when none of TIMELINE_FIELDS ever changed. */
	timeline?: AttrTimeline;
	/** Days it stopped being a member (lapsed or resigned), oldest first. */
	exits: { day: string; status: string }[];
	/** Days of participation, payments and charges, sorted (see RiskFacts); set by prepare. */
	activity?: string[];
	payments?: string[];
	charges?: string[];
}

/** Fields whose value at a period's end is reconstructed from the history. */
export const TIMELINE_FIELDS = [
	'status',
	'name',
	'region',
	'category',
	'enterpriseType',
	'tier',
	'size'
] as const;
export type TimelineField = (typeof TIMELINE_FIELDS)[number];
const TIMELINE_SET: ReadonlySet<string> = new Set(TIMELINE_FIELDS);

/** One field's changes: `days[i]` (sorted) is the day it became `values[i]`. */
interface FieldTimeline {
	/** The value before the first recorded change. */
	before: string;
	days: string[];
	values: string[];
}
export type AttrTimeline = Partial<Record<TimelineField, FieldTimeline>>;

/** Index of the last entry of sorted `days` that is ≤ `day`, or -1. */
function lastAtOrBefore(days: readonly string[], day: string): number {
	let lo = 0;
	let hi = days.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (days[mid] <= day) lo = mid + 1;
		else hi = mid;
	}
	return lo - 1;
}

/** The member's `field` at the end of `day` (see the header: attributes at period end). */
export function attrAt(s: MemberSpan, field: TimelineField, day: string): string {
	const t = s.timeline?.[field];
	if (!t) return s[field];
	const beforeAdmitted = s.admitted !== undefined && s.admitted > day;
	// Before its admission it was a member with the status it was admitted with, not the
	// one it had at the end of that day (a lapse the same day does not reach back).
	if (beforeAdmitted && field === 'status') return MEMBER_STATUS.active;
	const i = lastAtOrBefore(t.days, beforeAdmitted ? s.admitted! : day);
	return i < 0 ? t.before : t.values[i];
}

/** States in which a row that was a member is not one any more. */
const LEFT_STATES: ReadonlySet<string> = new Set<MemberStatus>([
	MEMBER_STATUS.lapsed,
	MEMBER_STATUS.resigned,
	MEMBER_STATUS.removed
]);

export interface TimedValue {
	at: number;
	value: string;
	old: string;
}

/** Sorted, with repeats (a move seen both in the log and in `moves`) dropped. */
function toTimeline(list: TimedValue[]): FieldTimeline {
	// Equal times in a fixed order (value, then old), whatever order they were read in.
	list.sort(
		(a, b) =>
			a.at - b.at ||
			(a.value < b.value ? -1 : a.value > b.value ? 1 : a.old < b.old ? -1 : a.old > b.old ? 1 : 0)
	);
	const t: FieldTimeline = { before: list[0].old, days: [], values: [] };
	let last = t.before;
	for (const x of list) {
		if (x.value === last) continue;
		t.days.push(dayOf(x.at));
		t.values.push(x.value);
		last = x.value;
	}
	return t;
}

export interface ChangeFact {
	day: string;
	memberId: string;
	group: BasicInfoGroup;
}

/** What members at risk are judged by (seed 003 §3: long inactive, payments stopped). */
export interface RiskFacts {
	/** No participation for this many days (settings `config.riskInactiveDays`, default 365). */
	inactiveDays: number;
	/** A charge unpaid this long counts as payments stopped (`config.lapseGraceDays`, 90). */
	graceDays: number;
	/** Whether the registry has participation records / the ledger has entries at all. */
	participation: boolean;
	payments: boolean;
	/** Member id → days of participation, sorted. */
	activityDays: Map<string, string[]>;
	/**
	 * Member id → days of posted, unreversed payments and charges, sorted; an entry
	 * counts for the live record its member now is ([L4]: a merged record's are its
	 * survivor's).
	 */
	paymentDays: Map<string, string[]>;
	chargeDays: Map<string, string[]>;
}

export const DEFAULT_RISK_INACTIVE_DAYS = 365;
export const DEFAULT_PAYMENT_GRACE_DAYS = 90;

export interface PreparedMembers {
	/** Tier and category labels from the settings (board devices have no settings). */
	labels: MembersLabels;
	risk: RiskFacts;
	spans: MemberSpan[];
	/** Rows with a member status but no day to place them on (no dates at all). */
	undated: number;
	changes: ChangeFact[];
	historyReady: boolean;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const isoDay = (v: unknown): string | null =>
	typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : null;

export const prepareMembers = (inputs: ReportInputs): PreparedMembers =>
	runSteps(prepareMembersSteps(inputs));

export function* prepareMembersSteps(inputs: ReportInputs): Generator<void, PreparedMembers, void> {
	let n = 0;
	const rows: readonly Row[] = inputs.docs.registry?.members ?? [];
	const statusEvents = new Map<string, HistoryEvent[]>();
	// Per member and field, the changes of TIMELINE_FIELDS (creations are not changes:
	// the value a row was created with is the `old` of its first change).
	const changesOf = new Map<string, Map<TimelineField, TimedValue[]>>();
	const addChange = (rowId: string, field: TimelineField, x: TimedValue) => {
		let fields = changesOf.get(rowId);
		if (!fields) changesOf.set(rowId, (fields = new Map()));
		const list = fields.get(field);
		if (list) list.push(x);
		else fields.set(field, [x]);
	};
	for (const e of inputs.history) {
		if (++n % STEP_ROWS === 0) yield;
		if (e.table !== 'members') continue;
		if (e.field === 'status') {
			let list = statusEvents.get(e.rowId);
			if (!list) statusEvents.set(e.rowId, (list = []));
			list.push(e);
		}
		if (!e.created && TIMELINE_SET.has(e.field))
			addChange(e.rowId, e.field as TimelineField, timedChange(e));
	}
	// Status moves recorded by the joining commands (kept in the doc even where the
	// update log no longer reaches back).
	for (const m of inputs.docs.registry?.[MOVES_TABLE] ?? []) {
		if (++n % STEP_ROWS === 0) yield;
		const x = moveChange(m);
		if (x) addChange(x.memberId, 'status', x.change);
	}
	const spans: MemberSpan[] = [];
	const byId = new Map<string, MemberSpan>();
	let undated = 0;
	for (const r of rows) {
		if (++n % STEP_ROWS === 0) yield;
		const span = memberSpan(r, statusEvents.get(r.id) ?? NO_EVENTS, changesOf.get(r.id));
		if (span === UNDATED) undated++;
		if (span === null || span === UNDATED) continue;
		spans.push(span);
		byId.set(r.id, span);
	}
	const changes: ChangeFact[] = [];
	const contactOwner = contactOwners(inputs.docs.registry?.[CONTACTS_TABLE] ?? []);
	for (const e of inputs.history) {
		if (++n % STEP_ROWS === 0) yield;
		const fact = changeFact(e, (id) => contactOwner.get(id), byId);
		if (fact) changes.push(fact);
	}
	const risk = yield* riskFacts(inputs);
	for (const sp of spans) {
		if (++n % STEP_ROWS === 0) yield;
		sp.activity = risk.activityDays.get(sp.id);
		sp.payments = risk.paymentDays.get(sp.id);
		sp.charges = risk.chargeDays.get(sp.id);
	}
	return {
		spans,
		undated,
		changes,
		historyReady: inputs.historyReady,
		risk,
		labels: labelsOf(inputs)
	};
}

const NO_EVENTS: readonly HistoryEvent[] = [];
/** A row with a member status that nothing places on a day. */
export const UNDATED = 'undated';

/**
 * A row's membership span from its status events (oldest first) and its changes of
 * TIMELINE_FIELDS (history and status moves, see prepare): null when it is not or
 * was never a member, UNDATED when no date places it (see the module header).
 */
export function memberSpan(
	r: Row,
	events: readonly HistoryEvent[],
	fields: ReadonlyMap<TimelineField, TimedValue[]> | undefined
): MemberSpan | typeof UNDATED | null {
	const status = str(r.status);
	if (!MEMBER_STATES.has(status) || typeof r.mergedInto === 'string') return null;
	let timeline: AttrTimeline | undefined;
	if (fields) {
		timeline = {};
		for (const [f, list] of fields) timeline[f] = toTimeline(list);
	}
	const moves = timeline?.status;
	const activeAt = moves?.values.indexOf(MEMBER_STATUS.active) ?? -1;
	const firstActive =
		activeAt >= 0
			? { at: dayMs(moves!.days[activeAt]) }
			: events.find((e) => e.value === MEMBER_STATUS.active);
	const joined =
		isoDay(r.joinDate) ??
		isoDay(r.approvedAt) ??
		(firstActive ? dayOf(firstActive.at) : null) ??
		isoDay(r.createdAt);
	if (!joined) return UNDATED;
	let left: string | null = null;
	if (status !== MEMBER_STATUS.active) {
		let lastTo: string | null = null;
		if (moves) {
			for (let i = 0; i < moves.values.length; i++)
				if (moves.values[i] === status) lastTo = moves.days[i];
		} else for (const e of events) if (e.value === status) lastTo = dayOf(e.at);
		left = lastTo ?? joined;
		if (left < joined) left = joined;
	}
	// Leaving days: each move to lapsed/resigned from outside those states, on or
	// after joining (a lapsed member who then resigns left once, when it lapsed);
	// without a recorded move, the day it is taken to have left (see `left`).
	const exits: MemberSpan['exits'] = [];
	if (moves) {
		for (let i = 0; i < moves.values.length; i++) {
			const from = i === 0 ? moves.before : moves.values[i - 1];
			if (EXIT_STATES.has(moves.values[i]) && !EXIT_STATES.has(from) && moves.days[i] >= joined)
				exits.push({ day: moves.days[i], status: moves.values[i] });
		}
	}
	if (exits.length === 0 && left !== null && EXIT_STATES.has(status))
		exits.push({ day: left, status });
	const span: MemberSpan = {
		id: r.id,
		name: str(r.name),
		status,
		region: str(r.region),
		category: str(r.category),
		enterpriseType: str(r.enterpriseType),
		tier: str(r.tier),
		size: str(r.size),
		joined,
		left,
		timeline,
		exits
	};
	// Admission: the first move to active from outside membership (not a return).
	if (activeAt >= 0) {
		const from = activeAt === 0 ? moves!.before : moves!.values[activeAt - 1];
		const day = moves!.days[activeAt];
		if (!MEMBER_STATES.has(from) && day > joined) span.admitted = day;
	}
	return span;
}

/** The change of basic information an event makes, if it counts (a member's, after it joined). */
export function changeFact(
	e: HistoryEvent,
	contactMember: (contactId: string) => string | undefined,
	spans: ReadonlyMap<string, MemberSpan>
): ChangeFact | null {
	const info = basicInfoOf(e, contactMember);
	if (!info) return null;
	const span = spans.get(info.memberId);
	if (!span) return null;
	const day = dayOf(e.at);
	// Typing in a new member's details on the day it joins (or before) is not a change.
	if (day <= span.joined) return null;
	return { day, memberId: info.memberId, group: info.group };
}

/** A member-table event that goes into a member's span: its status or a timeline change. */
export const spanEvent = (e: HistoryEvent): boolean =>
	e.table === 'members' && (e.field === 'status' || (!e.created && TIMELINE_SET.has(e.field)));

/** A timeline change from a history event (see prepare). */
export const timedChange = (e: HistoryEvent): TimedValue => ({
	at: e.at,
	value: str(e.value),
	old: str(e.old)
});

/** A status move of the `moves` table as a timeline change, or null when it is not one. */
export function moveChange(m: Row): { memberId: string; change: TimedValue } | null {
	const at = typeof m.at === 'string' ? Date.parse(m.at) : NaN;
	if (typeof m.memberId !== 'string' || typeof m.to !== 'string' || !Number.isFinite(at))
		return null;
	return { memberId: m.memberId, change: { at, value: m.to, old: str(m.from) } };
}

/** Moves counted as leaving in the summary (removal is not counted as either). */
const EXIT_STATES: ReadonlySet<string> = new Set<MemberStatus>([
	MEMBER_STATUS.lapsed,
	MEMBER_STATUS.resigned
]);

/** The registry's server-owned table of status moves (lifecycle.ts moveRecord). */
export const MOVES_TABLE = 'moves';

/** Contact row id → its member's row id. */
export function contactOwners(contacts: readonly Row[]): Map<string, string> {
	const m = new Map<string, string>();
	for (const c of contacts) if (typeof c.memberId === 'string') m.set(c.id, c.memberId);
	return m;
}

const positiveInt = (v: unknown, fallback: number) =>
	typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= 36_500 ? v : fallback;

function pushDay(m: Map<string, string[]>, id: string, d: string) {
	const list = m.get(id);
	if (list) list.push(d);
	else m.set(id, [d]);
}

/** The day of a participation record (its member is `a.memberId`), or null. */
export function activityDay(a: Row): string | null {
	return typeof a.memberId === 'string' ? isoDay(a.date) : null;
}

/** The entry a posted reversal reverses, or null. */
export function reversalTarget(e: Row): string | null {
	return e.posted === true && e.kind === 'reversal' && typeof e.reversalOf === 'string'
		? e.reversalOf
		: null;
}

/** A posted, unreversed payment or charge of `e.memberId`: its kind and day; else null. */
export function movementDay(
	e: Row,
	reversed: { has(id: string): boolean }
): { kind: 'payment' | 'charge'; day: string } | null {
	if (e.posted !== true || reversed.has(e.id) || typeof e.memberId !== 'string') return null;
	if (e.kind !== 'payment' && e.kind !== 'charge') return null;
	const day = isoDay(e.date);
	return day ? { kind: e.kind, day } : null;
}

/** The figures the risk judgement reads from the settings' `config`. */
export function riskSettings(config: Readonly<Record<string, unknown>>) {
	return {
		inactiveDays: positiveInt(config.riskInactiveDays, DEFAULT_RISK_INACTIVE_DAYS),
		graceDays: positiveInt(config.lapseGraceDays, DEFAULT_PAYMENT_GRACE_DAYS)
	};
}

function* riskFacts(inputs: ReportInputs): Generator<void, RiskFacts, void> {
	const config = inputs.values?.settings?.config ?? {};
	const activityDays = new Map<string, string[]>();
	const paymentDays = new Map<string, string[]>();
	const chargeDays = new Map<string, string[]>();
	let n = 0;
	const activities = inputs.docs.registry?.activities ?? [];
	for (const a of activities) {
		if (++n % STEP_ROWS === 0) yield;
		const d = activityDay(a);
		if (d) pushDay(activityDays, a.memberId as string, d);
	}
	const entries = inputs.docs.ledger?.entries ?? [];
	const merged = entries.length > 0 ? mergedIntoMap(inputs.docs.registry?.members ?? []) : null;
	const mergedInto = (id: string) => merged?.get(id);
	const reversed = new Set<string>();
	for (const e of entries) {
		if (++n % STEP_ROWS === 0) yield;
		const target = reversalTarget(e);
		if (target !== null) reversed.add(target);
	}
	for (const e of entries) {
		if (++n % STEP_ROWS === 0) yield;
		const m = movementDay(e, reversed);
		if (m) {
			const id = liveMemberId(e.memberId as string, mergedInto);
			pushDay(m.kind === 'payment' ? paymentDays : chargeDays, id, m.day);
		}
	}
	for (const m of [activityDays, paymentDays, chargeDays])
		for (const l of m.values()) {
			if (++n % STEP_ROWS === 0) yield;
			l.sort();
		}
	return {
		...riskSettings(config),
		participation: activities.length > 0,
		payments: entries.length > 0,
		activityDays,
		paymentDays,
		chargeDays
	};
}

// ---------------------------------------------------------------------------
// Sections (shapes parsed by the client with these schemas)

const ratio = z.number().min(0).nullable();
const growthRatio = z.number().nullable();

export const membersSummary = z.object({
	/** Members the day before the period. */
	start: z.number().int(),
	/** Members on the last day of the period. */
	end: z.number().int(),
	joined: z.number().int(),
	lapsed: z.number().int(),
	resigned: z.number().int(),
	/** Members at the start who are still members at the end. */
	retained: z.number().int(),
	/** (end − start) / start; null without members at the start. */
	growth: growthRatio,
	/** retained / start; null without members at the start. */
	retention: ratio,
	/** False while the history of status changes is still being read. */
	complete: z.boolean()
});
export type MembersSummary = z.infer<typeof membersSummary>;

export const newMember = z.object({
	name: z.string(),
	region: z.string(),
	category: z.string(),
	joined: z.iso.date()
});
export const membersNew = z.object({
	total: z.number().int(),
	/** Oldest first; at most NEW_MEMBERS_LIST_MAX. */
	list: z.array(newMember)
});
export type MembersNew = z.infer<typeof membersNew>;

const countRow = z.object({ key: z.string(), count: z.number().int() });
export type CountRow = z.infer<typeof countRow>;
export const membersDistribution = z.object({
	total: z.number().int(),
	region: z.array(countRow),
	enterpriseType: z.array(countRow),
	tier: z.array(countRow),
	size: z.array(countRow)
});
export type MembersDistribution = z.infer<typeof membersDistribution>;

const groupCount = z.object({
	group: z.enum(Object.keys(BASIC_INFO_GROUPS) as [BasicInfoGroup, ...BasicInfoGroup[]]),
	members: z.number().int(),
	changes: z.number().int()
});
export const membersChanges = z.object({
	/** Members with at least one change of basic information in the period. */
	members: z.number().int(),
	changes: z.number().int(),
	groups: z.array(groupCount),
	complete: z.boolean()
});
export type MembersChanges = z.infer<typeof membersChanges>;

export const membersRisk = z.object({
	inactiveDays: z.number().int(),
	graceDays: z.number().int(),
	/** Which sources exist: without participation records nobody is judged inactive. */
	participation: z.boolean(),
	payments: z.boolean(),
	/** Members on the period's last day. */
	members: z.number().int(),
	inactive: z.number().int(),
	paymentsStopped: z.number().int(),
	/** Members with either reason (counted once). */
	atRisk: z.number().int(),
	byRegion: z.array(countRow)
});
export type MembersRisk = z.infer<typeof membersRisk>;

const label = z.object({ en: z.string(), fa: z.string(), zh: z.string() });
export const membersLabels = z.object({
	tier: z.record(z.string(), label),
	category: z.record(z.string(), label)
});
export type MembersLabels = z.infer<typeof membersLabels>;

/** Tiers and categories are settings rows: their labels in the three languages. */
export function labelsOf(inputs: ReportInputs): MembersLabels {
	const read = (rows: readonly Row[] | undefined) => {
		const out: Record<string, { en: string; fa: string; zh: string }> = {};
		for (const r of rows ?? []) {
			const en = str(r.labelEn);
			out[r.id] = { en, fa: str(r.labelFa) || en, zh: str(r.labelZh) || en };
		}
		return out;
	};
	const settings = inputs.docs.settings;
	return { tier: read(settings?.tiers), category: read(settings?.categories) };
}

export const MEMBER_SECTIONS = {
	labels: 'members.labels',
	risk: 'members.risk',
	summary: 'members.summary',
	new: 'members.new',
	distribution: 'members.distribution',
	changes: 'members.changes'
} as const;

/** A member at the end of `day`: joined, not left, and not lapsed/resigned/removed that day. */
export const memberOn = (s: MemberSpan, day: string) =>
	s.joined <= day &&
	(s.left === null || s.left > day) &&
	(s.timeline?.status === undefined || !LEFT_STATES.has(attrAt(s, 'status', day)));
const inPeriod = (day: string | null, p: Period) => day !== null && day >= p.from && day <= p.to;

export function summarize(prep: PreparedMembers, p: Period): MembersSummary {
	const c = noCounts();
	const dayBefore = addDays(p.from, -1);
	for (const s of prep.spans) countSpan(c, s, p, dayBefore);
	return summaryOf(c, prep.historyReady);
}

const noCounts = (): SummaryCounts => ({
	start: 0,
	end: 0,
	joined: 0,
	lapsed: 0,
	resigned: 0,
	retained: 0
});

/** Add member `s` to the summary counts `c` of period `p` (`dayBefore`: the day before it starts). */
function countSpan(c: SummaryCounts, s: MemberSpan, p: Period, dayBefore: string): void {
	const atStart = memberOn(s, dayBefore);
	const atEnd = memberOn(s, p.to);
	if (atStart) c.start++;
	if (atEnd) c.end++;
	if (atStart && atEnd) c.retained++;
	if (inPeriod(s.joined, p)) c.joined++;
	for (const x of s.exits) {
		if (!inPeriod(x.day, p)) continue;
		if (x.status === MEMBER_STATUS.lapsed) c.lapsed++;
		else if (x.status === MEMBER_STATUS.resigned) c.resigned++;
	}
}

export type SummaryCounts = Pick<
	MembersSummary,
	'start' | 'end' | 'joined' | 'lapsed' | 'resigned' | 'retained'
>;

export function summaryOf(c: SummaryCounts, complete: boolean): MembersSummary {
	const { start, end, joined, lapsed, resigned, retained } = c;
	return {
		start,
		end,
		joined,
		lapsed,
		resigned,
		retained,
		growth: start > 0 ? (end - start) / start : null,
		retention: start > 0 ? retained / start : null,
		complete
	};
}

export function newMembers(prep: PreparedMembers, p: Period): MembersNew {
	const list = prep.spans
		.filter((s) => inPeriod(s.joined, p))
		.map((s) => ({
			name: attrAt(s, 'name', p.to),
			region: attrAt(s, 'region', p.to),
			category: attrAt(s, 'category', p.to),
			joined: s.joined
		}))
		.sort(newMemberOrder);
	return { total: list.length, list: list.slice(0, NEW_MEMBERS_LIST_MAX) };
}

type NewMember = z.infer<typeof newMember>;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** By join day, then name, region, category: a total order, whatever order rows come in. */
const newMemberOrder = (a: NewMember, b: NewMember): number =>
	cmp(a.joined, b.joined) ||
	cmp(a.name, b.name) ||
	cmp(a.region, b.region) ||
	cmp(a.category, b.category);

/** Spans in join-day order (then name and row id), as LiveMembers keeps them. */
export const byJoined = (a: MemberSpan, b: MemberSpan): number =>
	cmp(a.joined, b.joined) || cmp(a.name, b.name) || cmp(a.id, b.id);

/** Members counted by their `dim` at the end of `day`. */
function countBy(spans: readonly MemberSpan[], dim: Dimension, day: string): CountRow[] {
	const m = new Map<string, number>();
	for (const s of spans) {
		const v = attrAt(s, dim, day);
		m.set(v, (m.get(v) ?? 0) + 1);
	}
	return countRows(m);
}

/** Counts by key, most first (then by key). */
export function countRows(m: ReadonlyMap<string, number>): CountRow[] {
	return [...m]
		.map(([key, count]) => ({ key, count }))
		.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export function distribution(prep: PreparedMembers, p: Period): MembersDistribution {
	const members = prep.spans.filter((s) => memberOn(s, p.to));
	return {
		total: members.length,
		region: countBy(members, 'region', p.to),
		enterpriseType: countBy(members, 'enterpriseType', p.to),
		tier: countBy(members, 'tier', p.to),
		size: countBy(members, 'size', p.to)
	};
}

export function basicInfoChanges(prep: PreparedMembers, p: Period): MembersChanges {
	const all = new Set<string>();
	const per = new Map<BasicInfoGroup, { members: Set<string>; changes: number }>();
	let changes = 0;
	for (const c of prep.changes) {
		if (!inPeriod(c.day, p)) continue;
		changes++;
		all.add(c.memberId);
		let g = per.get(c.group);
		if (!g) per.set(c.group, (g = { members: new Set(), changes: 0 }));
		g.members.add(c.memberId);
		g.changes++;
	}
	return {
		members: all.size,
		changes,
		groups: (Object.keys(BASIC_INFO_GROUPS) as BasicInfoGroup[]).map((group) => ({
			group,
			members: per.get(group)?.members.size ?? 0,
			changes: per.get(group)?.changes ?? 0
		})),
		complete: prep.historyReady
	};
}

/** Why a member is at risk on `day`, or null (see RiskFacts). */
export function riskReasons(
	prep: Pick<PreparedMembers, 'risk'>,
	s: MemberSpan,
	day: string,
	bounds = riskBounds(prep, day)
): { inactive: boolean; paymentsStopped: boolean } | null {
	const r = prep.risk;
	const { since, graceEnd } = bounds;
	let inactive = false;
	// A member who joined within the window has not had the time to be inactive.
	if (r.participation && s.joined <= since) {
		inactive = true;
		for (const d of s.activity ?? NONE)
			if (d > since && d <= day) {
				inactive = false;
				break;
			}
	}
	let paymentsStopped = false;
	if (s.payments && s.charges) {
		let lastCharge: string | null = null;
		for (const d of s.charges) if (d <= graceEnd) lastCharge = d;
		let lastPay: string | null = null;
		for (const d of s.payments) if (d <= day) lastPay = d;
		// Paid before, but nothing since a charge older than the grace period.
		paymentsStopped = lastPay !== null && lastCharge !== null && lastPay < lastCharge;
	}
	return inactive || paymentsStopped ? { inactive, paymentsStopped } : null;
}

const NONE: readonly string[] = [];

/** The first day of the participation window and the last day a charge may be unpaid. */
export const riskBounds = (prep: Pick<PreparedMembers, 'risk'>, day: string) => ({
	since: addDays(day, -prep.risk.inactiveDays),
	graceEnd: addDays(day, -prep.risk.graceDays)
});

export function atRisk(prep: PreparedMembers, p: Period): MembersRisk {
	const bounds = riskBounds(prep, p.to);
	let members = 0;
	let inactive = 0;
	let paymentsStopped = 0;
	const atRiskSpans: MemberSpan[] = [];
	for (const s of prep.spans) {
		if (!memberOn(s, p.to)) continue;
		members++;
		const r = riskReasons(prep, s, p.to, bounds);
		if (!r) continue;
		atRiskSpans.push(s);
		if (r.inactive) inactive++;
		if (r.paymentsStopped) paymentsStopped++;
	}
	return {
		inactiveDays: prep.risk.inactiveDays,
		graceDays: prep.risk.graceDays,
		participation: prep.risk.participation,
		payments: prep.risk.payments,
		members,
		inactive,
		paymentsStopped,
		atRisk: atRiskSpans.length,
		byRegion: countBy(atRiskSpans, 'region', p.to)
	};
}

/**
 * One member's part in a period's figures: what summarize, distribution, basicInfoChanges,
 * atRisk and newMembers count for this member alone, from the same primitives (memberOn,
 * attrAt, riskReasons). LiveMembers keeps a period's figures as sums of these parts; the
 * part of an edited member is often the same before and after in most periods (an edit
 * today moves no figure of a past period), and then nothing of that period is redone.
 */
export interface MemberPart {
	summary: SummaryCounts;
	/** Its region, enterprise type, tier and size (DIMENSIONS) at the period's end, if a member then. */
	dims: readonly string[] | null;
	/** Why it is at risk at the period's end (a member then), or null. */
	risk: { inactive: boolean; paymentsStopped: boolean } | null;
	/** The groups of its basic-information changes in the period, in order. */
	changes: readonly BasicInfoGroup[];
	/** Its entry in the new members' list (name, region, category, join day), if it joined in the period. */
	listed: readonly string[] | null;
}

/** The days of `p` a part needs, computed once per period. */
export interface PeriodDays {
	period: Period;
	dayBefore: string;
	bounds: ReturnType<typeof riskBounds>;
}

export const periodDays = (prep: Pick<PreparedMembers, 'risk'>, p: Period): PeriodDays => ({
	period: p,
	dayBefore: addDays(p.from, -1),
	bounds: riskBounds(prep, p.to)
});

export function memberPart(
	prep: Pick<PreparedMembers, 'risk'>,
	s: MemberSpan,
	facts: readonly ChangeFact[],
	{ period: p, dayBefore, bounds }: PeriodDays
): MemberPart {
	const summary = noCounts();
	countSpan(summary, s, p, dayBefore);
	const atEnd = summary.end === 1;
	const changes: BasicInfoGroup[] = [];
	for (const f of facts) if (inPeriod(f.day, p)) changes.push(f.group);
	return {
		summary,
		dims: atEnd ? DIMENSIONS.map((d) => attrAt(s, d, p.to)) : null,
		risk: atEnd ? riskReasons(prep, s, p.to, bounds) : null,
		changes,
		listed: summary.joined
			? [attrAt(s, 'name', p.to), attrAt(s, 'region', p.to), attrAt(s, 'category', p.to), s.joined]
			: null
	};
}

const sameList = <T>(a: readonly T[] | null, b: readonly T[] | null): boolean =>
	a === null || b === null ? a === b : a.length === b.length && a.every((x, i) => x === b[i]);

/** Whether two parts count the same in every section. */
export function samePart(a: MemberPart | null, b: MemberPart | null): boolean {
	if (a === null || b === null) return a === b;
	for (const k of SUMMARY_COUNTS) if (a.summary[k] !== b.summary[k]) return false;
	if (!sameList(a.dims, b.dims) || !sameList(a.changes, b.changes)) return false;
	if (!sameList(a.listed, b.listed)) return false;
	return a.risk === null || b.risk === null
		? a.risk === b.risk
		: a.risk.inactive === b.risk.inactive && a.risk.paymentsStopped === b.risk.paymentsStopped;
}

export const SUMMARY_COUNTS = ['start', 'end', 'joined', 'lapsed', 'resigned', 'retained'] as const;

export const MEMBER_SECTION_FNS: Record<string, (prep: PreparedMembers, p: Period) => unknown> = {
	[MEMBER_SECTIONS.labels]: (prep) => prep.labels,
	[MEMBER_SECTIONS.summary]: summarize,
	[MEMBER_SECTIONS.new]: newMembers,
	[MEMBER_SECTIONS.distribution]: distribution,
	[MEMBER_SECTIONS.changes]: basicInfoChanges,
	[MEMBER_SECTIONS.risk]: atRisk
};

export const membersArea: ReportArea<PreparedMembers> = {
	id: 'members',
	sources: ['registry', 'ledger', 'settings'],
	prepare: prepareMembers,
	prepareSteps: prepareMembersSteps,
	sections: MEMBER_SECTION_FNS,
	compute: (prep, p) =>
		Object.fromEntries(Object.entries(MEMBER_SECTION_FNS).map(([id, f]) => [id, f(prep, p)])),
	scorecard(sections): ScoreItem[] {
		const s = membersSummary.safeParse(sections[MEMBER_SECTIONS.summary]);
		if (!s.success) return [];
		return [
			{ id: 'members', unit: 'count', value: s.data.end },
			{ id: 'joined', unit: 'count', value: s.data.joined },
			{ id: 'growth', unit: 'ratio', value: s.data.growth },
			{ id: 'retention', unit: 'ratio', value: s.data.retention }
		];
	}
};

/**
 * The membership area kept up to date row by row (LiveArea), so that one edit costs
 * work for the members it touches, not a pass over every row and every period.
 *
 * Each member is one unit: its span (memberSpan) and its changes of basic information
 * (changeFact), both computed from its own rows and history only, through indexes
 * (status changes per row, contact persons and participation records per member,
 * ledger entries per member and the reversals of each entry). A ledger entry belongs to
 * the live record its member id now is ([L4]): when a record's `mergedInto` changes, the
 * entries of every record whose chain passes through it are placed again. For every tracked
 * period the figures of the sections are sums over units, kept as counts: an edit
 * subtracts the unit's old contribution and adds its new one. A contribution is what
 * the area's own section functions (summarize, distribution, basicInfoChanges, atRisk)
 * give for that one member, so the figures are those of a full computation by
 * construction; the new members list is a range of the spans kept sorted by `byJoined`.
 * A section is made again only when one of its counts moved.
 *
 * Anything that changes every member's figures at once (risk settings, whether
 * participation records or ledger entries exist at all, the history being read) is
 * a full rebuild, as is a change too big to be worth doing member by member.
 */
import {
	activityDay,
	atRisk,
	BASIC_INFO_GROUPS,
	basicInfoChanges,
	basicInfoOf,
	byJoined,
	changeFact,
	CONTACTS_TABLE,
	countRows,
	DIMENSIONS,
	distribution,
	labelsOf,
	MEMBER_SECTION_FNS,
	MEMBER_SECTIONS,
	memberPart,
	memberSpan,
	moveChange,
	movementDay,
	MOVES_TABLE,
	newMembers,
	periodDays,
	prepareMembersSteps,
	reversalTarget,
	riskSettings,
	samePart,
	summarize,
	SUMMARY_COUNTS,
	summaryOf,
	spanEvent,
	timedChange,
	UNDATED,
	type BasicInfoGroup,
	type ChangeFact,
	type MemberPart,
	type MemberSpan,
	type MembersChanges,
	type MembersDistribution,
	type MembersLabels,
	type MembersRisk,
	type MembersSummary,
	type PeriodDays,
	type PreparedMembers,
	type RiskFacts,
	type SummaryCounts,
	type TimedValue,
	type TimelineField
} from './report-members';
import {
	STEP_ROWS,
	type HistoryEvent,
	type LiveArea,
	type Period,
	type ReportInputs,
	type Row,
	type SourceChanges
} from './report';
import { liveMemberId } from './merge';

type Counts = Map<string, number>;

/** One tracked period's counts and its sections as last returned. */
interface Tracked {
	period: Period;
	days: PeriodDays;
	summary: SummaryCounts;
	dist: { total: number } & Record<(typeof DIMENSIONS)[number], Counts>;
	changes: { members: number; changes: number; groups: Map<string, [number, number]> };
	risk: { members: number; inactive: number; paymentsStopped: number; atRisk: number };
	riskRegion: Counts;
	/** Sections as last returned; a dirty one is made again. */
	out: Record<string, unknown>;
	/** The last answer of compute (the same object while nothing is dirty). */
	answer: Record<string, unknown> | null;
	dirty: Set<string>;
}

const SECTION_IDS = Object.keys(MEMBER_SECTION_FNS);

/** Past this many members changed at once, a full rebuild is cheaper. */
const REBUILD_SHARE = 0.25;

const add = (m: Counts, key: string, n: number) => {
	const v = (m.get(key) ?? 0) + n;
	if (v === 0) m.delete(key);
	else m.set(key, v);
};
const addTo = (m: Map<string, Set<string>>, key: string, id: string) => {
	let s = m.get(key);
	if (!s) m.set(key, (s = new Set()));
	s.add(id);
};
const removeFrom = (m: Map<string, Set<string>>, key: string | undefined, id: string) => {
	if (key === undefined) return;
	const s = m.get(key);
	if (!s) return;
	s.delete(id);
	if (s.size === 0) m.delete(key);
};
/** Rows that belong to a member (contacts, moves, activities, entries): row id ↔ member id. */
class OwnerIndex {
	private readonly owner = new Map<string, string>();
	private readonly rows = new Map<string, Set<string>>();
	ownerOf(id: string): string | undefined {
		return this.owner.get(id);
	}
	rowsOf(member: string): Iterable<string> {
		return this.rows.get(member) ?? [];
	}
	/** Put row `id` under `member`; undefined: the row is gone or names no member. */
	set(id: string, member: string | undefined): void {
		removeFrom(this.rows, this.owner.get(id), id);
		this.owner.delete(id);
		if (member === undefined) return;
		this.owner.set(id, member);
		addTo(this.rows, member, id);
	}
	clear(): void {
		this.owner.clear();
		this.rows.clear();
	}
}
const memberIdOf = (row: Row | undefined) =>
	row && typeof row.memberId === 'string' ? row.memberId : undefined;
/** [L4] Member id → the live record it belongs to now, by the registry's members as they are. */
const liveIn = (members: ReadonlyMap<string, Row>) => {
	const mergedInto = (id: string) => {
		const m = members.get(id)?.mergedInto;
		return typeof m === 'string' ? m : undefined;
	};
	return (id: string | undefined) => (id === undefined ? id : liveMemberId(id, mergedInto));
};
const push = <T>(m: Map<string, T[]>, key: string, v: T) => {
	const l = m.get(key);
	if (l) l.push(v);
	else m.set(key, [v]);
};
const anyOwner = () => 'any';

/** First index in `sorted` whose span's join day is ≥ `day` (or > with `after`). */
function joinedIndex(sorted: readonly MemberSpan[], day: string, after: boolean): number {
	let lo = 0;
	let hi = sorted.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		const j = sorted[mid].joined;
		if (j < day || (after && j === day)) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

function indexOfSpan(sorted: readonly MemberSpan[], s: MemberSpan, insert: boolean): number {
	let lo = 0;
	let hi = sorted.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (byJoined(sorted[mid], s) < 0) lo = mid + 1;
		else hi = mid;
	}
	if (insert) return lo;
	return lo < sorted.length && sorted[lo].id === s.id ? lo : -1;
}

const sameDays = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
	a === b ||
	(a !== undefined && b !== undefined && a.length === b.length && a.every((d, i) => d === b[i]));

/** The same figures: nothing of the member that any section reads has changed. */
function sameUnit(
	a: MemberSpan | null,
	af: readonly ChangeFact[],
	b: MemberSpan | null,
	bf: readonly ChangeFact[]
): boolean {
	if (a === null || b === null) return a === b;
	for (const k of SPAN_FIELDS) if (a[k] !== b[k]) return false;
	if (!sameDays(a.activity, b.activity) || !sameDays(a.payments, b.payments)) return false;
	if (!sameDays(a.charges, b.charges) || af.length !== bf.length) return false;
	if (a.admitted !== b.admitted || JSON.stringify(a.exits) !== JSON.stringify(b.exits))
		return false;
	if (JSON.stringify(a.timeline) !== JSON.stringify(b.timeline)) return false;
	return af.every((f, i) => f.day === bf[i].day && f.group === bf[i].group);
}
const SPAN_FIELDS = [
	'id',
	'name',
	'status',
	'region',
	'category',
	'enterpriseType',
	'tier',
	'size',
	'joined',
	'left'
] as const satisfies readonly (keyof MemberSpan)[];

export class LiveMembers implements LiveArea<PreparedMembers> {
	private built = false;
	private historyReady = false;
	private historySeen = 0;
	private history: readonly HistoryEvent[] = [];
	private labels: MembersLabels = { tier: {}, category: {} };
	private risk: RiskFacts = {
		inactiveDays: 0,
		graceDays: 0,
		participation: false,
		payments: false,
		activityDays: new Map(),
		paymentDays: new Map(),
		chargeDays: new Map()
	};
	// Indexes: each answers "which rows or events belong to this member".
	private readonly statusEvents = new Map<string, HistoryEvent[]>();
	/** Timeline changes of a member's own fields from the history (status included). */
	private readonly fieldEvents = new Map<string, HistoryEvent[]>();
	/** Status moves (the registry's `moves` table) by member. */
	private readonly moveIx = new OwnerIndex();
	/** Events that may be a change of basic information, by the member they may count for. */
	private readonly infoEvents = new Map<string, HistoryEvent[]>();
	/** Contact events whose member is the contact's owner at the time of computing. */
	private readonly contactEvents = new Map<string, HistoryEvent[]>();
	private readonly contactIx = new OwnerIndex();
	private readonly activityIx = new OwnerIndex();
	/** Entries by the live record they count for ([L4]) and by the record they name. */
	private readonly entryIx = new OwnerIndex();
	private readonly entryRaw = new OwnerIndex();
	/** Merged records: record → the record it was merged into, and the reverse. */
	private readonly mergedTo = new Map<string, string>();
	private readonly mergedFrom = new Map<string, Set<string>>();
	/** Posted reversal id → the entry it reverses; entry id → how many posted reversals. */
	private readonly reversalOf = new Map<string, string>();
	private readonly reversedCount = new Map<string, number>();
	// Units.
	private readonly spans = new Map<string, MemberSpan>();
	private readonly undated = new Set<string>();
	private readonly facts = new Map<string, ChangeFact[]>();
	/** Every span, in byJoined order. */
	private sorted: MemberSpan[] = [];
	private readonly tracked = new Map<string, Tracked>();
	private prep: PreparedMembers | null = null;
	/** Full rebuilds and members updated one by one (tests count them). */
	rebuilds = 0;
	unitsUpdated = 0;

	*update(
		changes: SourceChanges,
		inputs: () => ReportInputs,
		periods: readonly Period[]
	): Generator<void, void, void> {
		this.prep = null;
		this.history = changes.history;
		const wanted = new Set(periods.map((p) => p.key));
		for (const key of [...this.tracked.keys()]) if (!wanted.has(key)) this.tracked.delete(key);
		if (!this.built || changes.all || this.needsRebuild(changes, inputs)) {
			yield* this.rebuild(changes, inputs, periods);
			return;
		}
		const dirty = this.index(changes);
		if (changes.values.has('settings') || changes.rows.settings) {
			const s = changes.table.bind(changes);
			const labels = labelsOf({
				today: '',
				docs: {
					settings: {
						tiers: [...s('settings', 'tiers').values()],
						categories: [...s('settings', 'categories').values()]
					}
				},
				history: [],
				historyReady: true
			});
			if (JSON.stringify(labels) !== JSON.stringify(this.labels)) {
				this.labels = labels;
				for (const t of this.tracked.values()) t.dirty.add(MEMBER_SECTIONS.labels);
			}
		}
		if (dirty.size > Math.max(1000, this.spans.size * REBUILD_SHARE)) {
			yield* this.rebuild(changes, inputs, periods);
			return;
		}
		let n = 0;
		for (const id of dirty) {
			if (++n % 500 === 0) yield;
			this.updateUnit(id, changes);
		}
		for (const p of periods) if (!this.tracked.has(p.key)) yield* this.track(p, this.prepared());
	}

	/** Changes that move every member's figures. */
	private needsRebuild(c: SourceChanges, inputs: () => ReportInputs): boolean {
		if (c.historyReady !== this.historyReady) return true;
		if (c.historyFrom !== this.historySeen || c.history.length < this.historySeen) return true;
		if (c.values.has('settings')) {
			const r = riskSettings(inputs().values?.settings?.config ?? {});
			if (r.inactiveDays !== this.risk.inactiveDays || r.graceDays !== this.risk.graceDays)
				return true;
		}
		const participation = c.table('registry', 'activities').size > 0;
		const payments = c.table('ledger', 'entries').size > 0;
		return participation !== this.risk.participation || payments !== this.risk.payments;
	}

	private *rebuild(
		changes: SourceChanges,
		inputs: () => ReportInputs,
		periods: readonly Period[]
	): Generator<void, void, void> {
		this.rebuilds++;
		const all = inputs();
		const prep = yield* prepareMembersSteps(all);
		this.historyReady = prep.historyReady;
		this.labels = prep.labels;
		this.risk = {
			...prep.risk,
			activityDays: new Map(),
			paymentDays: new Map(),
			chargeDays: new Map()
		};
		for (const m of [
			this.statusEvents,
			this.fieldEvents,
			this.moveIx,
			this.infoEvents,
			this.contactEvents,
			this.contactIx,
			this.activityIx,
			this.entryIx,
			this.entryRaw,
			this.mergedTo,
			this.mergedFrom,
			this.reversalOf,
			this.reversedCount,
			this.spans,
			this.facts,
			this.tracked
		])
			m.clear();
		this.undated.clear();
		this.history = changes.history;
		this.historySeen = 0;
		let n = 0;
		for (const e of changes.history) {
			if (++n % STEP_ROWS === 0) yield;
			this.indexEvent(e);
		}
		this.historySeen = changes.history.length;
		for (const c of changes.table('registry', CONTACTS_TABLE).values())
			this.contactIx.set(c.id, memberIdOf(c));
		for (const a of changes.table('registry', 'activities').values())
			this.activityIx.set(a.id, memberIdOf(a));
		for (const m of changes.table('registry', MOVES_TABLE).values())
			this.moveIx.set(m.id, moveChange(m)?.memberId);
		yield;
		const members = changes.table('registry', 'members');
		for (const r of members.values()) this.recordMerge(r.id, r);
		const live = liveIn(members);
		for (const e of changes.table('ledger', 'entries').values()) {
			if (++n % STEP_ROWS === 0) yield;
			this.indexEntry(e.id, e, live);
		}
		for (const s of prep.spans) this.spans.set(s.id, s);
		for (const r of changes.table('registry', 'members').values()) {
			if (++n % STEP_ROWS === 0) yield;
			// Undated rows have no timeline to read (no date at all): the status events suffice.
			if (
				!this.spans.has(r.id) &&
				memberSpan(r, this.statusEvents.get(r.id) ?? [], undefined) === UNDATED
			)
				this.undated.add(r.id);
		}
		for (const f of prep.changes) push(this.facts, f.memberId, f);
		this.sorted = [...prep.spans].sort(byJoined);
		yield;
		const full: PreparedMembers = { ...prep, spans: this.sorted };
		for (const p of periods) yield* this.track(p, full);
		this.built = true;
	}

	/** Start tracking `p`: its counts from a full computation. */
	private *track(p: Period, prep: PreparedMembers): Generator<void, void, void> {
		// One section function at a time (each one pass over every member).
		const s = summarize(prep, p);
		yield;
		const d = distribution(prep, p);
		yield;
		const c = basicInfoChanges(prep, p);
		const r = atRisk(prep, p);
		yield;
		const counts = (rows: { key: string; count: number }[]) =>
			new Map(rows.map((x) => [x.key, x.count]));
		this.tracked.set(p.key, {
			period: p,
			days: periodDays(prep, p),
			summary: {
				start: s.start,
				end: s.end,
				joined: s.joined,
				lapsed: s.lapsed,
				resigned: s.resigned,
				retained: s.retained
			},
			dist: {
				total: d.total,
				region: counts(d.region),
				enterpriseType: counts(d.enterpriseType),
				tier: counts(d.tier),
				size: counts(d.size)
			},
			changes: {
				members: c.members,
				changes: c.changes,
				groups: new Map(c.groups.map((g) => [g.group, [g.members, g.changes]]))
			},
			risk: {
				members: r.members,
				inactive: r.inactive,
				paymentsStopped: r.paymentsStopped,
				atRisk: r.atRisk
			},
			riskRegion: counts(r.byRegion),
			out: {},
			answer: null,
			dirty: new Set(SECTION_IDS)
		});
	}

	// ---------------------------------------------------------------------------
	// Indexes

	private indexEvent(e: HistoryEvent) {
		if (e.table === 'members' && e.field === 'status') push(this.statusEvents, e.rowId, e);
		if (spanEvent(e) && !e.created) push(this.fieldEvents, e.rowId, e);
		// Only events that can count as a change of basic information for some member.
		if (!basicInfoOf(e, anyOwner)) return;
		if (e.table === 'members') push(this.infoEvents, e.rowId, e);
		// A new contact counts for the member its creation names; other contact events
		// for the contact's owner when the figures are made.
		else if (e.created && typeof e.value === 'string') push(this.infoEvents, e.value, e);
		else push(this.contactEvents, e.rowId, e);
	}

	private indexEntry(
		id: string,
		row: Row | undefined,
		live: (id: string | undefined) => string | undefined
	) {
		const raw = memberIdOf(row);
		this.entryRaw.set(id, raw);
		this.entryIx.set(id, live(raw));
		const target = this.reversalOf.get(id);
		if (target !== undefined) {
			this.reversalOf.delete(id);
			add(this.reversedCount, target, -1);
		}
		if (!row) return;
		const t = reversalTarget(row);
		if (t !== null) {
			this.reversalOf.set(id, t);
			add(this.reversedCount, t, 1);
		}
	}

	/** Note where record `id` is merged now; whether that changed. */
	private recordMerge(id: string, row: Row | undefined): boolean {
		const to = typeof row?.mergedInto === 'string' ? row.mergedInto : undefined;
		const was = this.mergedTo.get(id);
		if (to === was) return false;
		removeFrom(this.mergedFrom, was, id);
		if (to === undefined) this.mergedTo.delete(id);
		else {
			this.mergedTo.set(id, to);
			addTo(this.mergedFrom, to, id);
		}
		return true;
	}

	/** `id` and every record whose `mergedInto` chain passes through it. */
	private mergeTree(id: string): Set<string> {
		const out = new Set([id]);
		for (const r of out) for (const m of this.mergedFrom.get(r) ?? []) out.add(m);
		return out;
	}

	/** Apply the changed rows and new events to the indexes; the members whose unit may have changed. */
	private index(c: SourceChanges): Set<string> {
		const dirty = new Set<string>();
		const mark = (id: string | undefined) => {
			if (id !== undefined) dirty.add(id);
		};
		for (const id of c.rows.registry?.get('members') ?? []) dirty.add(id);
		// A row that moves from one member to another changes both.
		const reindex = (ix: OwnerIndex, id: string, member: string | undefined) => {
			mark(ix.ownerOf(id));
			ix.set(id, member);
			mark(member);
		};
		const contacts = c.table('registry', CONTACTS_TABLE);
		for (const id of c.rows.registry?.get(CONTACTS_TABLE) ?? [])
			reindex(this.contactIx, id, memberIdOf(contacts.get(id)));
		const moves = c.table('registry', MOVES_TABLE);
		for (const id of c.rows.registry?.get(MOVES_TABLE) ?? []) {
			const row = moves.get(id);
			reindex(this.moveIx, id, row ? moveChange(row)?.memberId : undefined);
		}
		const activities = c.table('registry', 'activities');
		for (const id of c.rows.registry?.get('activities') ?? [])
			reindex(this.activityIx, id, memberIdOf(activities.get(id)));
		const entries = c.table('ledger', 'entries');
		const members = c.table('registry', 'members');
		const live = liveIn(members);
		for (const id of c.rows.ledger?.get('entries') ?? []) {
			const before = this.reversalOf.get(id);
			mark(this.entryIx.ownerOf(id));
			if (before !== undefined) mark(this.entryIx.ownerOf(before));
			this.indexEntry(id, entries.get(id), live);
			mark(this.entryIx.ownerOf(id));
			const after = this.reversalOf.get(id);
			if (after !== undefined) mark(this.entryIx.ownerOf(after));
		}
		// A record merged since: its entries, and those of the records merged into it, count
		// for another live record now ([L4]).
		for (const id of c.rows.registry?.get('members') ?? []) {
			if (!this.recordMerge(id, members.get(id))) continue;
			for (const r of this.mergeTree(id))
				for (const e of this.entryRaw.rowsOf(r)) {
					const to = live(r)!;
					const from = this.entryIx.ownerOf(e);
					if (from === to) continue;
					mark(from);
					this.entryIx.set(e, to);
					dirty.add(to);
				}
		}
		// An entry whose reversals changed may itself have changed owner in this batch:
		// marking by the current owner above covers it, as the entry is among the changed.
		for (let i = c.historyFrom; i < c.history.length; i++) {
			const e = c.history[i];
			this.indexEvent(e);
			if (e.table === 'members') dirty.add(e.rowId);
			else if (e.table === CONTACTS_TABLE) {
				if (e.created && typeof e.value === 'string') dirty.add(e.value);
				mark(this.contactIx.ownerOf(e.rowId));
			}
		}
		this.historySeen = c.history.length;
		return dirty;
	}

	// ---------------------------------------------------------------------------
	// Units

	private unitOf(id: string, c: SourceChanges): { span: MemberSpan | null; facts: ChangeFact[] } {
		const row = c.table('registry', 'members').get(id);
		let fields: Map<TimelineField, TimedValue[]> | undefined;
		const change = (f: TimelineField, x: TimedValue) => {
			fields ??= new Map();
			const list = fields.get(f);
			if (list) list.push(x);
			else fields.set(f, [x]);
		};
		for (const e of this.fieldEvents.get(id) ?? [])
			change(e.field as TimelineField, timedChange(e));
		const moves = c.table('registry', MOVES_TABLE);
		for (const m of this.moveIx.rowsOf(id)) {
			const x = moveChange(moves.get(m)!);
			if (x) change('status', x.change);
		}
		const span = row ? memberSpan(row, this.statusEvents.get(id) ?? [], fields) : null;
		if (span === UNDATED) this.undated.add(id);
		else this.undated.delete(id);
		if (span === null || span === UNDATED) return { span: null, facts: [] };
		const activities = c.table('registry', 'activities');
		const days: string[] = [];
		for (const a of this.activityIx.rowsOf(id)) {
			const d = activityDay(activities.get(a)!);
			if (d) days.push(d);
		}
		const entries = c.table('ledger', 'entries');
		const reversed = { has: (x: string) => this.reversedCount.has(x) };
		const payments: string[] = [];
		const charges: string[] = [];
		for (const x of this.entryIx.rowsOf(id)) {
			const m = movementDay(entries.get(x)!, reversed);
			if (m) (m.kind === 'payment' ? payments : charges).push(m.day);
		}
		if (days.length) span.activity = days.sort();
		if (payments.length) span.payments = payments.sort();
		if (charges.length) span.charges = charges.sort();
		const owner = (contact: string) => this.contactIx.ownerOf(contact);
		const one = new Map([[id, span]]);
		const facts: ChangeFact[] = [];
		const consider = (events: readonly HistoryEvent[] | undefined) => {
			for (const e of events ?? []) {
				const f = changeFact(e, owner, one);
				if (f) facts.push(f);
			}
		};
		consider(this.infoEvents.get(id));
		for (const contact of this.contactIx.rowsOf(id)) consider(this.contactEvents.get(contact));
		return { span, facts };
	}

	private updateUnit(id: string, c: SourceChanges) {
		this.unitsUpdated++;
		const old = this.spans.get(id) ?? null;
		const oldFacts = this.facts.get(id) ?? [];
		const { span, facts } = this.unitOf(id, c);
		if (sameUnit(old, oldFacts, span, facts)) return;
		if (old) {
			this.sorted.splice(indexOfSpan(this.sorted, old, false), 1);
			this.spans.delete(id);
		}
		if (span) {
			this.sorted.splice(indexOfSpan(this.sorted, span, true), 0, span);
			this.spans.set(id, span);
		}
		if (facts.length) this.facts.set(id, facts);
		else this.facts.delete(id);
		const prep = { risk: this.risk };
		for (const t of this.tracked.values()) {
			const before = old && memberPart(prep, old, oldFacts, t.days);
			const after = span && memberPart(prep, span, facts, t.days);
			// The usual case for an edit of today in a past period: nothing moves there.
			if (samePart(before, after)) continue;
			if (before) this.contribute(t, before, -1);
			if (after) this.contribute(t, after, 1);
		}
	}

	/** Add (sign 1) or take away (-1) one member's part in a tracked period's figures. */
	private contribute(t: Tracked, part: MemberPart, sign: 1 | -1) {
		const s = part.summary;
		if (SUMMARY_COUNTS.some((k) => s[k] !== 0)) {
			for (const k of SUMMARY_COUNTS) t.summary[k] += sign * s[k];
			t.dirty.add(MEMBER_SECTIONS.summary);
		}
		if (part.dims) {
			t.dist.total += sign;
			DIMENSIONS.forEach((dim, i) => add(t.dist[dim], part.dims![i], sign));
			t.dirty.add(MEMBER_SECTIONS.distribution);
			t.risk.members += sign;
			if (part.risk) {
				t.risk.atRisk += sign;
				if (part.risk.inactive) t.risk.inactive += sign;
				if (part.risk.paymentsStopped) t.risk.paymentsStopped += sign;
				add(t.riskRegion, part.dims[DIMENSIONS.indexOf('region')], sign);
			}
			t.dirty.add(MEMBER_SECTIONS.risk);
		}
		if (part.changes.length) {
			t.changes.members += sign;
			t.changes.changes += sign * part.changes.length;
			for (const group of new Set(part.changes)) {
				const n = part.changes.filter((g) => g === group).length;
				const [members, changes] = t.changes.groups.get(group) ?? [0, 0];
				t.changes.groups.set(group, [members + sign, changes + sign * n]);
			}
			t.dirty.add(MEMBER_SECTIONS.changes);
		}
		if (part.listed) t.dirty.add(MEMBER_SECTIONS.new);
	}

	// ---------------------------------------------------------------------------
	// Answers

	compute(period: Period): Record<string, unknown> {
		const t = this.tracked.get(period.key);
		if (!t || t.period.from !== period.from || t.period.to !== period.to) {
			const prep = this.prepared();
			return Object.fromEntries(
				Object.entries(MEMBER_SECTION_FNS).map(([id, f]) => [id, f(prep, period)])
			);
		}
		if (t.answer && t.dirty.size === 0) return t.answer;
		for (const id of t.dirty) t.out[id] = this.section(t, id);
		t.dirty.clear();
		const out: Record<string, unknown> = {};
		for (const id of SECTION_IDS) out[id] = t.out[id];
		t.answer = out;
		return out;
	}

	private section(t: Tracked, id: string): unknown {
		const p = t.period;
		switch (id) {
			case MEMBER_SECTIONS.labels:
				return this.labels;
			case MEMBER_SECTIONS.summary:
				return summaryOf(t.summary, this.historyReady) satisfies MembersSummary;
			case MEMBER_SECTIONS.new: {
				// The members who joined in the period are one range of the sorted spans.
				const lo = joinedIndex(this.sorted, p.from, false);
				const hi = joinedIndex(this.sorted, p.to, true);
				return newMembers({ ...this.prepared(), spans: this.sorted.slice(lo, hi) }, p);
			}
			case MEMBER_SECTIONS.distribution: {
				const d = t.dist;
				return {
					total: d.total,
					region: countRows(d.region),
					enterpriseType: countRows(d.enterpriseType),
					tier: countRows(d.tier),
					size: countRows(d.size)
				} satisfies MembersDistribution;
			}
			case MEMBER_SECTIONS.changes:
				return {
					members: t.changes.members,
					changes: t.changes.changes,
					groups: (Object.keys(BASIC_INFO_GROUPS) as BasicInfoGroup[]).map((group) => {
						const [members, changes] = t.changes.groups.get(group) ?? [0, 0];
						return { group, members, changes };
					}),
					complete: this.historyReady
				} satisfies MembersChanges;
			case MEMBER_SECTIONS.risk:
				return {
					inactiveDays: this.risk.inactiveDays,
					graceDays: this.risk.graceDays,
					participation: this.risk.participation,
					payments: this.risk.payments,
					...t.risk,
					byRegion: countRows(t.riskRegion)
				} satisfies MembersRisk;
		}
		return MEMBER_SECTION_FNS[id](this.prepared(), p);
	}

	prepared(): PreparedMembers {
		this.prep ??= {
			labels: this.labels,
			// The days of participation and payments are on the spans (the maps are not kept).
			risk: this.risk,
			spans: this.sorted,
			undated: this.undated.size,
			changes: [...this.facts.values()].flat(),
			historyReady: this.historyReady
		};
		return this.prep;
	}
}

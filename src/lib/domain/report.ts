/**
 * Reports: periods, the inputs every report area reads, and the shape of the
 * `reports` doc. Pure (imports only zod); the server fills the inputs from the
 * source docs and the update log, runs every area of REPORT_AREAS
 * (report-areas.ts) and writes the result into the `reports` doc as itself.
 *
 * `reports` doc layout (server-only writer; board devices sync only this doc):
 *   `meta`    Y.Map: schemaVersion, computedAt (ISO date-time), today (ISO date),
 *             historyReady (boolean: the update log has been read, so figures
 *             that need the history of changes are complete), and what of the
 *             settings the reports are read with, for readers who cannot read the
 *             settings doc (board): fiscalCalendar (the dues figures' years and
 *             quarters), memberNoFormat (the change list's printed numbers)
 *   `periods` Y.Map<periodKey, Y.Map>: kind, from, to, computedAt, and `sections`:
 *             JSON of `{ [sectionId]: data }` (one primitive, as the layout asks).
 *             The standard periods of both calendars (standardPeriods), keyed by
 *             calendar and number, stable across recomputations:
 *               Gregorian    `m:2026-11`  `q:2026-4`  `y:2026`
 *               Solar Hijri  `jm:1405-09` `jq:1405-3` `jy:1405`
 *             (`j` for Jalali; month two digits, quarter 1-4, Q1 = Farvardin-Khordad).
 *             `from`/`to` are always ISO Gregorian days. Custom periods (`c:from:to`)
 *             are computed on request (API), never stored.
 * Only aggregates and the published list of new members (name, region, category)
 * go in: never contact details (phone, email, address, contact persons, head).
 *
 * Days are UTC days; a period's `to` is inclusive.
 */
import { z } from 'zod';
import type { DocName } from './access';
import { CALENDARS, persianToGregorian, ymdIn, type CalendarName } from './calendar';

export const PERIOD_KIND = {
	month: 'month',
	quarter: 'quarter',
	year: 'year',
	custom: 'custom'
} as const;
export type PeriodKind = (typeof PERIOD_KIND)[keyof typeof PERIOD_KIND];
export type StandardKind = Exclude<PeriodKind, 'custom'>;
export { CALENDARS, type CalendarName } from './calendar';

export interface Period {
	kind: PeriodKind;
	/**
	 * Which calendar's months, quarters and years the period follows. A custom period
	 * is plain days (its previous period is as many days before): always `gregory`.
	 */
	calendar: CalendarName;
	/**
	 * Gregorian: `m:2026-11`, `q:2026-4`, `y:2026`; Solar Hijri: `jm:1405-09`,
	 * `jq:1405-3`, `jy:1405`; custom: `c:2026-01-05:2026-02-10`.
	 */
	key: string;
	/** ISO (Gregorian) dates, both inclusive. */
	from: string;
	to: string;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const DAY_MS = 86_400_000;

export function isIsoDate(s: string): boolean {
	const m = ISO_DATE.exec(s);
	if (!m) return false;
	const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
	return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

// Reports turn hundreds of thousands of times into days; a memo of day numbers saves
// most of the Date work. Bounded, and only ever holds pure results.
const dayNames = new Map<number, string>();
/** Epoch milliseconds → ISO date (UTC day). */
export function dayOf(ms: number): string {
	const d = Math.floor(ms / DAY_MS);
	let s = dayNames.get(d);
	if (s === undefined) {
		s = new Date(d * DAY_MS).toISOString().slice(0, 10);
		if (dayNames.size >= 50_000) dayNames.clear();
		dayNames.set(d, s);
	}
	return s;
}
export const dayMs = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);
export const addDays = (iso: string, n: number): string => dayOf(dayMs(iso) + n * DAY_MS);

const lastDayOfMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

export class PeriodError extends Error {
	readonly name = 'PeriodError';
	readonly code = 'invalid_period';
	/** What is wrong, for the UI to say in the reader's language. */
	constructor(
		message: string,
		readonly reason: 'badDate' | 'order' | 'tooLong' = 'badDate'
	) {
		super(message);
	}
}

export function monthPeriod(y: number, m: number): Period {
	return {
		kind: 'month',
		calendar: 'gregory',
		key: `m:${y}-${pad(m)}`,
		from: `${y}-${pad(m)}-01`,
		to: `${y}-${pad(m)}-${pad(lastDayOfMonth(y, m))}`
	};
}

export function quarterPeriod(y: number, q: number): Period {
	const m1 = (q - 1) * 3 + 1;
	return {
		kind: 'quarter',
		calendar: 'gregory',
		key: `q:${y}-${q}`,
		from: `${y}-${pad(m1)}-01`,
		to: `${y}-${pad(m1 + 2)}-${pad(lastDayOfMonth(y, m1 + 2))}`
	};
}

export function yearPeriod(y: number): Period {
	return { kind: 'year', calendar: 'gregory', key: `y:${y}`, from: `${y}-01-01`, to: `${y}-12-31` };
}

// Solar Hijri periods: 1 Farvardin is Nowruz (20-22 March). Months 1-6 have 31 days,
// 7-11 have 30, Esfand 29 or 30 (leap years); a period ends the day before the next
// one starts, so no month length is written twice. Quarters: Farvardin-Khordad is
// Q1, Tir-Shahrivar Q2, Mehr-Azar Q3, Dey-Esfand Q4.
const persianStarts = new Map<number, string>();
/** The ISO date of the 1st of Persian month `m` (13: Farvardin of the next year). */
function persianMonthStart(y: number, m: number): string {
	if (m === 13) return persianMonthStart(y + 1, 1);
	const k = y * 100 + m;
	let iso = persianStarts.get(k);
	if (iso === undefined) {
		const g =
			Number.isInteger(y) && y >= 1 && y <= 3000 ? persianToGregorian({ y, m, d: 1 }) : null;
		if (!g) throw new PeriodError(`There is no Solar Hijri year ${y}.`);
		iso = g;
		if (persianStarts.size >= 10_000) persianStarts.clear();
		persianStarts.set(k, iso);
	}
	return iso;
}

function persianPeriod(kind: StandardKind, key: string, y: number, m1: number, months: number) {
	const from = persianMonthStart(y, m1);
	const to = addDays(persianMonthStart(y, m1 + months), -1);
	return { kind, calendar: 'persian', key, from, to } satisfies Period;
}

/** Solar Hijri month `m` (1 Farvardin … 12 Esfand) of year `y`. */
export function persianMonthPeriod(y: number, m: number): Period {
	return persianPeriod('month', `jm:${y}-${pad(m)}`, y, m, 1);
}

/** Solar Hijri quarter `q` (1: Farvardin-Khordad) of year `y`. */
export function persianQuarterPeriod(y: number, q: number): Period {
	return persianPeriod('quarter', `jq:${y}-${q}`, y, (q - 1) * 3 + 1, 3);
}

export function persianYearPeriod(y: number): Period {
	return persianPeriod('year', `jy:${y}`, y, 1, 12);
}

/** Longest custom period: 10 years, so a typo in a year cannot ask for centuries. */
export const MAX_CUSTOM_DAYS = 3660;

export function customPeriod(from: string, to: string): Period {
	if (!isIsoDate(from) || !isIsoDate(to))
		throw new PeriodError('Dates must be real dates written YYYY-MM-DD.');
	if (from > to) throw new PeriodError('The start date must not be after the end date.', 'order');
	if ((dayMs(to) - dayMs(from)) / DAY_MS + 1 > MAX_CUSTOM_DAYS)
		throw new PeriodError('A period can be at most 10 years long.', 'tooLong');
	return { kind: 'custom', calendar: 'gregory', key: `c:${from}:${to}`, from, to };
}

/** The month, quarter or year of `calendar` that contains `iso`. */
export function periodContaining(
	kind: StandardKind,
	iso: string,
	calendar: CalendarName = 'gregory'
): Period {
	const ymd = ymdIn(calendar, iso);
	if (!ymd) throw new PeriodError('Dates must be real dates written YYYY-MM-DD.');
	const { y, m } = ymd;
	const q = Math.floor((m - 1) / 3) + 1;
	if (calendar === 'persian') {
		if (kind === 'month') return persianMonthPeriod(y, m);
		if (kind === 'quarter') return persianQuarterPeriod(y, q);
		return persianYearPeriod(y);
	}
	if (kind === 'month') return monthPeriod(y, m);
	if (kind === 'quarter') return quarterPeriod(y, q);
	return yearPeriod(y);
}

/**
 * The month, quarter or year of `calendar` that holds most of `p` (the one holding its
 * middle day): Q2 2026 (April–June) is Farvardin–Khordad 1405, the year 2026 is 1405.
 * A period of `calendar` already, or a custom one (plain days), is itself.
 */
export function periodInCalendar(p: Period, calendar: CalendarName): Period {
	if (p.kind === 'custom' || p.calendar === calendar) return p;
	const middle = addDays(p.from, Math.floor((dayMs(p.to) - dayMs(p.from)) / DAY_MS / 2));
	return periodContaining(p.kind, middle, calendar);
}

/**
 * The period just before: the previous month/quarter/year in the period's own
 * calendar, or as many days just before a custom period.
 */
export function previousPeriod(p: Period): Period {
	if (p.kind === 'custom') {
		const days = (dayMs(p.to) - dayMs(p.from)) / DAY_MS + 1;
		return customPeriod(addDays(p.from, -days), addDays(p.from, -1));
	}
	return periodContaining(p.kind, addDays(p.from, -1), p.calendar);
}

export function parsePeriodKey(key: string): Period | null {
	const m = /^(j?)([mqy]):(\d{4})(?:-(\d{1,2}))?$/.exec(key);
	if (m) {
		const [, j, k, y, n] = m;
		const max = k === 'm' ? 12 : k === 'q' ? 4 : 0;
		if ((max === 0) !== (n === undefined)) return null;
		if (n !== undefined && (+n < 1 || +n > max || n !== (k === 'm' ? pad(+n) : String(+n))))
			return null;
		try {
			if (j) {
				if (k === 'm') return persianMonthPeriod(+y, +n);
				if (k === 'q') return persianQuarterPeriod(+y, +n);
				return persianYearPeriod(+y);
			}
			if (k === 'm') return monthPeriod(+y, +n);
			if (k === 'q') return quarterPeriod(+y, +n);
			return yearPeriod(+y);
		} catch {
			return null;
		}
	}
	const c = /^c:(\d{4}-\d{2}-\d{2}):(\d{4}-\d{2}-\d{2})$/.exec(key);
	if (c) {
		try {
			return customPeriod(c[1], c[2]);
		} catch {
			return null;
		}
	}
	return null;
}

/**
 * How many of each kind the server keeps ready in the `reports` doc per calendar,
 * current included: the page offers all but the oldest (which is there so the
 * oldest one offered can be compared with the one before it).
 */
export const STANDARD_PERIODS = { month: 14, quarter: 9, year: 5 } as const;

/**
 * The standard periods the server computes, in each calendar of `calendars`: the
 * current month, quarter and year and enough before them that each one shown can
 * be compared with the one before it (28 per calendar).
 */
export function standardPeriods(
	today: string,
	calendars: readonly CalendarName[] = CALENDARS
): Period[] {
	const out: Period[] = [];
	for (const calendar of calendars)
		for (const kind of ['month', 'quarter', 'year'] as const) {
			let p = periodContaining(kind, today, calendar);
			for (let i = 0; i < STANDARD_PERIODS[kind]; i++) {
				out.push(p);
				p = previousPeriod(p);
			}
		}
	return out;
}

// ---------------------------------------------------------------------------
// Inputs

/** A field value as stored: primitives only. */
export type Cell = string | number | boolean;
/** Whether a value read from a doc is a field value (not a nested type, not null). */
export const isCell = (v: unknown): v is Cell =>
	typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
/** One row of a table, as plain data: `{ id, ...fields }`. */
export type Row = { readonly id: string } & Readonly<Record<string, Cell>>;
/** A doc's tables by root map name. */
export type DocTables = Readonly<Record<string, readonly Row[]>>;

/**
 * One change of one field of one row, read from the server's update log (or seen
 * live). `value` is the new value (null: cleared), `old` the one before.
 */
export interface HistoryEvent {
	table: string;
	rowId: string;
	field: string;
	/** Epoch milliseconds when the server applied it. */
	at: number;
	value: Cell | null;
	old: Cell | null;
	/** Null for the server's own writes. */
	userId: number | null;
	/** The row was created by this change. */
	created: boolean;
}

export interface ReportInputs {
	/** ISO date of the computation (UTC). */
	today: string;
	/** Source docs as plain tables; a doc that does not exist on this server is absent. */
	docs: Partial<Record<DocName, DocTables>>;
	/** Root maps of plain values (such as the settings' `config`), by doc and map name. */
	values?: Partial<Record<DocName, Readonly<Record<string, Readonly<Record<string, Cell>>>>>>;
	/** Registry changes from the update log, oldest first. */
	history: readonly HistoryEvent[];
	/** False while the log is still being read: history-based figures are incomplete. */
	historyReady: boolean;
}

/**
 * One area of the reports (members, dues, surveys...): which docs it reads, a
 * `prepare` step run once per computation, and a `compute` per period that returns
 * the area's sections (id → JSON-safe data). `scorecard` adds the area's lines to
 * the membership scorecard. Adding an area is one module and one line in
 * REPORT_AREAS.
 */
export interface ReportArea<P = unknown> {
	id: string;
	sources: readonly DocName[];
	prepare(inputs: ReportInputs): P;
	/**
	 * The same as `prepare` in small steps (a generator that yields between chunks
	 * of rows), so the server can let other work run in between on big registries.
	 */
	prepareSteps?(inputs: ReportInputs): Generator<void, P, void>;
	compute(prepared: P, period: Period): Record<string, unknown>;
	/**
	 * The same as `compute`, one section per entry, so the server can let other work
	 * run between sections on big registries. When present it must agree with `compute`.
	 */
	sections?: Record<string, (prepared: P, period: Period) => unknown>;
	scorecard?(sections: Record<string, unknown>): ScoreItem[];
	/**
	 * Optional: a preparation kept up to date between computations from what changed
	 * (LiveArea), so one edit costs work for the rows it touched rather than a pass over
	 * every row. Its sections must equal `compute(prepare(inputs), period)`.
	 */
	live?(): LiveArea<P>;
}

/**
 * Fields no report area reads (free text kept for the staff): a change that touches only
 * these does not ask for a recomputation. A blocklist, so a field added later is reported
 * on by default; tests/unit/domain-report-unreported.test.ts checks that changing any of
 * them changes no area's figures.
 */
export const UNREPORTED_FIELDS: Partial<
	Record<DocName, Readonly<Record<string, ReadonlySet<string>>>>
> = {
	registry: { members: new Set(['notes', 'products', 'interests']) }
};

/** What changed in the sources since a LiveArea's last update, and the sources themselves. */
export interface SourceChanges {
	/** Anything may have changed (first run, a doc (re)loaded, the history read, a new day). */
	all: boolean;
	/** Row ids added, edited or deleted, by doc and table. */
	rows: Partial<Record<DocName, ReadonlyMap<string, ReadonlySet<string>>>>;
	/** Docs whose root maps of plain values (settings' `config`) changed. */
	values: ReadonlySet<DocName>;
	/** `history` from this index on is new (it only grows while `all` is false). */
	historyFrom: number;
	history: readonly HistoryEvent[];
	historyReady: boolean;
	/** A table's current rows by id (empty when the doc or table does not exist). */
	table(doc: DocName, table: string): ReadonlyMap<string, Row>;
}

/**
 * An area's preparation kept up to date. `update` with `changes.all` reads everything
 * (as `prepare` does); otherwise only the changed rows and the new history.
 * `compute` answers any period; for the `periods` given to `update` it answers from
 * kept figures, and a section whose value did not change since the last call for that
 * period comes back as the same object (so the server need not serialise it again).
 */
export interface LiveArea<P> {
	update(
		changes: SourceChanges,
		inputs: () => ReportInputs,
		periods: readonly Period[]
	): Generator<void, void, void>;
	compute(period: Period): Record<string, unknown>;
	/** What `prepare` would return for the current inputs. */
	prepared(): P;
}

/** Run a step generator to its end. */
export function runSteps<T>(steps: Generator<void, T, void>): T {
	for (;;) {
		const r = steps.next();
		if (r.done) return r.value;
	}
}

/** Rows handled between two yields of a `prepareSteps` generator. */
export const STEP_ROWS = 5000;

/** One line of the membership scorecard (seed 002). */
export interface ScoreItem {
	id: string;
	/** `count`: a whole number; `ratio`: 0..1 (shown as a percentage). */
	unit: 'count' | 'ratio';
	value: number | null;
}

// ---------------------------------------------------------------------------
// The reports doc

export const REPORTS_META = 'meta';
export const REPORTS_PERIODS = 'periods';
export const REPORTS_SCHEMA_VERSION = 1;

export const reportsMeta = z.object({
	schemaVersion: z.number().int(),
	computedAt: z.iso.datetime(),
	today: z.iso.date(),
	historyReady: z.boolean(),
	// Absent in a copy written before they were published: Gregorian, the default format.
	fiscalCalendar: z.enum(CALENDARS).optional(),
	memberNoFormat: z.string().max(100).optional()
});
export type ReportsMeta = z.infer<typeof reportsMeta>;

export const periodRow = z.object({
	kind: z.enum(['month', 'quarter', 'year', 'custom']),
	from: z.iso.date(),
	to: z.iso.date(),
	computedAt: z.iso.datetime(),
	sections: z.string().max(4_000_000)
});
export type PeriodRow = z.infer<typeof periodRow>;

/** A period's sections as sent to clients (doc or API). */
export interface PeriodReport {
	period: Period;
	computedAt: string;
	sections: Record<string, unknown>;
}

/**
 * Reports: periods, the inputs every report area reads, and the shape of the
 * `reports` doc. Pure (imports only zod); the server fills the inputs from the
 * source docs and the update log, runs every area of REPORT_AREAS
 * (report-areas.ts) and writes the result into the `reports` doc as itself.
 *
 * `reports` doc layout (server-only writer; board devices sync only this doc):
 *   `meta`    Y.Map: schemaVersion, computedAt (ISO date-time), today (ISO date),
 *             historyReady (boolean: the update log has been read, so figures
 *             that need the history of changes are complete)
 *   `periods` Y.Map<periodKey, Y.Map>: kind, from, to, computedAt, and `sections`:
 *             JSON of `{ [sectionId]: data }` (one primitive, as the layout asks).
 * Only aggregates and the published list of new members (name, region, category)
 * go in: never contact details (phone, email, address, contact persons, head).
 *
 * Days are UTC days; a period's `to` is inclusive.
 */
import { z } from 'zod';
import type { DocName } from './access';

export const PERIOD_KIND = {
	month: 'month',
	quarter: 'quarter',
	year: 'year',
	custom: 'custom'
} as const;
export type PeriodKind = (typeof PERIOD_KIND)[keyof typeof PERIOD_KIND];

export interface Period {
	kind: PeriodKind;
	/** `m:2026-11`, `q:2026-4`, `y:2026`, `c:2026-01-05:2026-02-10` */
	key: string;
	/** ISO dates, both inclusive. */
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

export function monthPeriod(y: number, m: number): Period {
	return {
		kind: 'month',
		key: `m:${y}-${pad(m)}`,
		from: `${y}-${pad(m)}-01`,
		to: `${y}-${pad(m)}-${pad(lastDayOfMonth(y, m))}`
	};
}

export function quarterPeriod(y: number, q: number): Period {
	const m1 = (q - 1) * 3 + 1;
	return {
		kind: 'quarter',
		key: `q:${y}-${q}`,
		from: `${y}-${pad(m1)}-01`,
		to: `${y}-${pad(m1 + 2)}-${pad(lastDayOfMonth(y, m1 + 2))}`
	};
}

export function yearPeriod(y: number): Period {
	return { kind: 'year', key: `y:${y}`, from: `${y}-01-01`, to: `${y}-12-31` };
}

export class PeriodError extends Error {
	readonly name = 'PeriodError';
	readonly code = 'invalid_period';
}

/** Longest custom period: 10 years, so a typo in a year cannot ask for centuries. */
export const MAX_CUSTOM_DAYS = 3660;

export function customPeriod(from: string, to: string): Period {
	if (!isIsoDate(from) || !isIsoDate(to))
		throw new PeriodError('Dates must be real dates written YYYY-MM-DD.');
	if (from > to) throw new PeriodError('The start date must not be after the end date.');
	if ((dayMs(to) - dayMs(from)) / DAY_MS + 1 > MAX_CUSTOM_DAYS)
		throw new PeriodError('A period can be at most 10 years long.');
	return { kind: 'custom', key: `c:${from}:${to}`, from, to };
}

/** The month, quarter or year that contains `iso`. */
export function periodContaining(kind: Exclude<PeriodKind, 'custom'>, iso: string): Period {
	const [y, m] = iso.split('-').map(Number);
	if (kind === 'month') return monthPeriod(y, m);
	if (kind === 'quarter') return quarterPeriod(y, Math.floor((m - 1) / 3) + 1);
	return yearPeriod(y);
}

/** The period just before: the previous month/quarter/year, or as many days just before. */
export function previousPeriod(p: Period): Period {
	if (p.kind === 'custom') {
		const days = (dayMs(p.to) - dayMs(p.from)) / DAY_MS + 1;
		return customPeriod(addDays(p.from, -days), addDays(p.from, -1));
	}
	return periodContaining(p.kind, addDays(p.from, -1));
}

export function parsePeriodKey(key: string): Period | null {
	let m = /^m:(\d{4})-(\d{2})$/.exec(key);
	if (m && +m[2] >= 1 && +m[2] <= 12) return monthPeriod(+m[1], +m[2]);
	m = /^q:(\d{4})-([1-4])$/.exec(key);
	if (m) return quarterPeriod(+m[1], +m[2]);
	m = /^y:(\d{4})$/.exec(key);
	if (m) return yearPeriod(+m[1]);
	m = /^c:(\d{4}-\d{2}-\d{2}):(\d{4}-\d{2}-\d{2})$/.exec(key);
	if (m) {
		try {
			return customPeriod(m[1], m[2]);
		} catch {
			return null;
		}
	}
	return null;
}

/** How many of each kind the server keeps ready in the `reports` doc, current included. */
export const STANDARD_PERIODS = { month: 14, quarter: 9, year: 5 } as const;

/**
 * The standard periods the server computes: the current month, quarter and year and
 * enough before them that each one shown can be compared with the one before it.
 */
export function standardPeriods(today: string): Period[] {
	const out: Period[] = [];
	for (const kind of ['month', 'quarter', 'year'] as const) {
		let p = periodContaining(kind, today);
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
	historyReady: z.boolean()
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

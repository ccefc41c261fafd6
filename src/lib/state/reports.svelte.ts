/**
 * The `reports` doc as typed, reactive state: the server's meta (when it computed,
 * whether the history was complete) and each period's sections. Everything read
 * from the doc is parsed (the doc comes from the server, but the local copy may be
 * old or damaged): a period that does not parse is left out, never shown half.
 *
 * The doc is small (a few dozen periods), so each change re-reads the changed
 * periods only, keyed by their `sections` text.
 */
/* eslint-disable svelte/prefer-svelte-reactivity --
   The maps here are plain values: `periods` is replaced as a whole (a $state.raw), and
   the parse cache is not state. */
import * as Y from 'yjs';
import {
	parsePeriodKey,
	periodRow,
	reportsMeta,
	REPORTS_META,
	REPORTS_PERIODS,
	type PeriodReport,
	type ReportsMeta
} from '$lib/domain/report';

export class ReportsStore {
	meta = $state.raw<ReportsMeta | null>(null);
	/** Period key → report. Replaced as a whole on each change. */
	periods = $state.raw<ReadonlyMap<string, PeriodReport>>(new Map());

	#doc: Y.Doc;
	#parsed = new Map<string, { text: string; report: PeriodReport }>();
	#offs: (() => void)[] = [];

	constructor(opts: { doc: Y.Doc }) {
		this.#doc = opts.doc;
		const periods = this.#doc.getMap<Y.Map<unknown>>(REPORTS_PERIODS);
		const meta = this.#doc.getMap<unknown>(REPORTS_META);
		const onChange = () => this.#read();
		periods.observeDeep(onChange);
		meta.observe(onChange);
		this.#offs.push(
			() => periods.unobserveDeep(onChange),
			() => meta.unobserve(onChange)
		);
		this.#read();
	}

	#read() {
		const m = reportsMeta.safeParse(this.#doc.getMap<unknown>(REPORTS_META).toJSON());
		this.meta = m.success ? m.data : null;
		const next = new Map<string, PeriodReport>();
		for (const [key, row] of this.#doc.getMap<Y.Map<unknown>>(REPORTS_PERIODS)) {
			if (!(row instanceof Y.Map)) continue;
			const period = parsePeriodKey(key);
			const r = periodRow.safeParse(row.toJSON());
			if (!period || !r.success) continue;
			const cached = this.#parsed.get(key);
			if (cached && cached.text === r.data.sections) {
				next.set(key, cached.report);
				continue;
			}
			try {
				const sections = JSON.parse(r.data.sections) as unknown;
				if (typeof sections !== 'object' || sections === null || Array.isArray(sections)) continue;
				const report: PeriodReport = {
					period,
					computedAt: r.data.computedAt,
					sections: sections as Record<string, unknown>
				};
				this.#parsed.set(key, { text: r.data.sections, report });
				next.set(key, report);
			} catch {
				/* a damaged period is left out */
			}
		}
		this.periods = next;
	}

	destroy(): void {
		for (const f of this.#offs) f();
		this.#offs = [];
	}
}

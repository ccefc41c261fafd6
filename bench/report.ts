/**
 * Benchmark results: one `Measure` per line of the report, with its raw samples.
 * `bench/results.json` keeps everything; `docs/BENCHMARKS.md` is the table people read.
 */
import { cpus, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';

export interface Measure {
	/** Stable id, e.g. `open-local`, `edit-to-peer-20`, `ingest`. */
	id: string;
	/** What was measured, in words. */
	label: string;
	/** Registry size, where it applies. */
	size?: number;
	/** `ours` or `reference` (the @y/websocket-server comparison). */
	server?: 'ours' | 'reference';
	unit: 'ms' | 'MB' | 'updates/s' | 'x';
	/** Which half of the benchmark wrote it (set by run.ts). */
	part?: 'server' | 'browser';
	samples: number[];
	/** The issue's target, and whether the value must stay below (`max`) or above (`min`). */
	target?: { value: number; kind: 'max' | 'min'; on: 'median' | 'p95' };
	note?: string;
}

export function quantile(sorted: number[], q: number): number {
	if (sorted.length === 0) return NaN;
	const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
	return sorted[i];
}

export function stats(samples: number[]) {
	const s = [...samples].sort((a, b) => a - b);
	return {
		n: s.length,
		median: quantile(s, 0.5),
		p95: quantile(s, 0.95),
		p99: quantile(s, 0.99),
		min: s.length ? s[0] : NaN,
		max: s.length ? s[s.length - 1] : NaN
	};
}

export function verdict(m: Measure): 'met' | 'missed' | '' {
	if (!m.target) return '';
	const st = stats(m.samples);
	const v = m.target.on === 'p95' ? st.p95 : st.median;
	return (m.target.kind === 'max' ? v <= m.target.value : v >= m.target.value) ? 'met' : 'missed';
}

/**
 * The Node flags `npm start` runs our server with (package.json's start script), so the
 * bench measures the server as it ships. The reference runs with Node's defaults, as
 * its own `y-websocket` command does. `BENCH_OURS_NODE_FLAGS` replaces them (for
 * experiments; "" for none).
 */
export function oursNodeFlags(): string[] {
	const override = process.env.BENCH_OURS_NODE_FLAGS;
	if (override !== undefined) return override.split(' ').filter(Boolean);
	const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } };
	const m = /^node((?: --[\w-]+(?:=\S+)?)*) server\/start\.js$/.exec(pkg.scripts.start);
	if (!m) throw new Error(`package.json's start script is not "node [flags] server/start.js"`);
	return m[1].split(' ').filter(Boolean);
}

export function machine() {
	const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
	const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
	const v = (name: string) => lock.packages?.[`node_modules/${name}`]?.version ?? '?';
	return {
		cpu: cpus()[0]?.model ?? '?',
		cores: cpus().length,
		memoryGiB: Math.round(totalmem() / 2 ** 30),
		node: process.version,
		serverFlags: oursNodeFlags(),
		app: pkg.version as string,
		versions: Object.fromEntries(
			[
				'yjs',
				'y-protocols',
				'y-websocket',
				'y-indexeddb',
				'@y/websocket-server',
				'better-sqlite3',
				'ag-grid-community',
				'@playwright/test'
			].map((n) => [n, v(n)])
		)
	};
}

const fmt = (n: number) =>
	Number.isNaN(n) ? '–' : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);

export function markdown(opts: { measures: Measure[]; at: string; browser?: string }): string {
	const m = machine();
	const lines = [
		'# Benchmarks',
		'',
		'Written by `npm run bench` (bench/run.ts); raw samples in `bench/results.json`.',
		'Timings are never asserted in tests: this page is where they are shown.',
		'',
		`Run ${opts.at} on ${m.cpu} (${m.cores} cores, ${m.memoryGiB} GiB), Node ${m.node}` +
			(opts.browser ? `, ${opts.browser}` : '') +
			'.',
		'',
		`Our server runs with the Node flags of \`npm start\` (${m.serverFlags.map((f) => `\`${f}\``).join(' ') || 'none'}); ` +
			"the reference with Node's defaults, as its own command runs it.",
		'',
		'Versions: ' +
			Object.entries(m.versions)
				.map(([k, v]) => `${k} ${v}`)
				.join(', ') +
			'.',
		'',
		'| measure | size | server | n | median | p95 | p99 | min–max | unit | target | |',
		'| --- | ---: | --- | ---: | ---: | ---: | ---: | --- | --- | --- | --- |'
	];
	for (const x of opts.measures) {
		const s = stats(x.samples);
		const target = x.target
			? `${x.target.kind === 'max' ? '≤' : '≥'} ${x.target.value} (${x.target.on})`
			: '';
		lines.push(
			`| ${x.label} | ${x.size ?? ''} | ${x.server ?? ''} | ${s.n} | ${fmt(s.median)} | ${fmt(s.p95)} | ${fmt(s.p99)} | ${fmt(s.min)}–${fmt(s.max)} | ${x.unit} | ${target} | ${verdict(x)} |`
		);
	}
	const notes = opts.measures.filter((x) => x.note);
	if (notes.length) {
		lines.push('', '## Notes', '');
		for (const x of notes) lines.push(`- **${x.label}${x.size ? ` (${x.size})` : ''}**: ${x.note}`);
	}
	return lines.join('\n') + '\n';
}

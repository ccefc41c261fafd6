/**
 * `npm run bench`: builds, then runs the server-side and browser-side measures and
 * writes bench/results.json and docs/BENCHMARKS.md.
 *
 *   node --single-threaded-gc --max-semi-space-size=32 dist/bench.js \
 *     [--sizes 10000,100000] [--only server|browser] [--quick]
 *
 * (the flags as `npm run bench` gives them: the edit-to-peer clients run in this process,
 * see server-edit.ts)
 *
 * `--quick` uses fewer repetitions and smaller loads, to check the harness itself.
 * With `--only`, the other part's measures are kept from the last results.json, so the
 * two halves can be re-run separately and still make one report.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { markdown, machine, type Measure } from './report';
import { runServerBench } from './server';
import { runBrowserBench } from './browser';
import { calibrate, machineSpeed } from './calibrate';

const { values } = parseArgs({
	options: {
		sizes: { type: 'string', default: '10000,50000,100000' },
		only: { type: 'string' },
		quick: { type: 'boolean', default: false }
	}
});
const sizes = values.sizes.split(',').map(Number);
const log = (s: string) => console.log(`[bench] ${s}`);
const measures: Measure[] = [];
const at = new Date().toISOString();
let browser: string | undefined;
const speedAtStart = calibrate();
log(`machine speed: ${speedAtStart.map((x) => x.toFixed(0)).join(' ')} ms`);

if (values.only !== 'browser') {
	const ms = await runServerBench({ sizes, quick: values.quick, log });
	measures.push(...ms.map((m) => ({ ...m, part: 'server' as const })));
}
if (values.only !== 'server') {
	const r = await runBrowserBench({ sizes, quick: values.quick, log });
	measures.push(...r.measures.map((m) => ({ ...m, part: 'browser' as const })));
	browser = r.browser;
}

const speedAtEnd = calibrate();
log(`machine speed at the end: ${speedAtEnd.map((x) => x.toFixed(0)).join(' ')} ms`);
measures.unshift(machineSpeed(speedAtStart, speedAtEnd));

if (values.only && existsSync('bench/results.json')) {
	const prev = JSON.parse(readFileSync('bench/results.json', 'utf8')) as {
		browser?: string;
		measures: Measure[];
	};
	const kept = prev.measures.filter((m) => m.part !== undefined && m.part !== values.only);
	measures.push(...kept);
	browser ??= values.only === 'server' ? prev.browser : undefined;
}

mkdirSync('bench', { recursive: true });
writeFileSync(
	'bench/results.json',
	JSON.stringify({ at, machine: machine(), browser, measures }, null, 2) + '\n'
);
writeFileSync('docs/BENCHMARKS.md', markdown({ measures, at, browser }));
log('wrote bench/results.json and docs/BENCHMARKS.md');
process.exit(0);

/**
 * Server-side measures of issue 3 (`node dist/bench.js --only server`):
 *
 *  3. edit to peer, ours vs the reference server (bench/server-edit.ts)
 *  4. server ingest (bench/server-ingest.ts)
 *  5. cold load of a room from the store, and its memory (bench/server-load.ts)
 *  6. bulk work: a 20,000-row import, and the scan reports will do (bench/server-bulk.ts);
 *     live reports: first computation, edit to written report, recompute after one edit
 *     (bench/server-reports.ts), at the smallest and the largest size
 *
 * Real servers on 127.0.0.1 port 0, each in a child process (dist/bench-host.js), and
 * real `ws` clients speaking y-protocols. Everything is bounded and cleaned up.
 * `BENCH_SERVER_PARTS=edit,ingest,load,bulk,reports` runs only some parts (for working on one).
 */
import type { Measure } from './report';
import { Background, backgroundText, sleep } from './server-lib';
import { runEditBench } from './server-edit';
import { runIngestBench } from './server-ingest';
import { runLoadBench } from './server-load';
import { runBulkBench } from './server-bulk';
import { runReportsBench } from './server-reports';

export async function runServerBench(opts: {
	sizes: number[];
	quick: boolean;
	log: (s: string) => void;
}): Promise<Measure[]> {
	const { quick, log } = opts;
	// --quick checks the harness: a tenth of each size (at least 1,000 members).
	const sizes = quick ? opts.sizes.map((s) => Math.max(1000, Math.round(s / 10))) : opts.sizes;
	const parts = new Set(
		(process.env.BENCH_SERVER_PARTS ?? 'edit,ingest,load,bulk,reports')
			.split(',')
			.map((s) => s.trim())
	);
	const quiet = new Background([]);
	await quiet.start();
	await sleep(1000);
	const others = await quiet.stop();
	if (others !== null) {
		log(
			`before starting, ${backgroundText(others)}` +
				(others > 0.2 ? ' — the machine is not quiet: expect noisier numbers' : '')
		);
	}
	const started = performance.now();
	const measures: Measure[] = [];
	const failed: string[] = [];
	const run = async (part: string, fn: () => Promise<Measure[]>) => {
		if (!parts.has(part)) return;
		try {
			measures.push(...(await fn()));
		} catch (e) {
			// One broken part must not lose the others' measures; the log says so loudly.
			failed.push(part);
			log(`FAILED: server part "${part}": ${e instanceof Error ? (e.stack ?? e.message) : e}`);
		}
	};
	await run('edit', () => runEditBench({ quick, log }));
	await run('ingest', () => runIngestBench({ quick, log }));
	await run('load', () => runLoadBench({ sizes, quick, log }));
	await run('bulk', () => runBulkBench({ quick, log }));
	const ends = [...new Set([Math.min(...sizes), Math.max(...sizes)])];
	await run('reports', () => runReportsBench({ sizes: ends, quick, log }));
	log(
		`server part done in ${((performance.now() - started) / 1000).toFixed(0)} s` +
			(failed.length ? `; FAILED parts: ${failed.join(', ')}` : '')
	);
	return measures;
}

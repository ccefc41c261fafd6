/**
 * How fast this machine was during a run: the same piece of CPU work, on the same
 * input, timed at the start and at the end of every run. This VM's speed changes from
 * hour to hour (the same build opened 10k members in 1.19 s in one run and 1.46 s a few
 * hours later), so a run's numbers are compared with another's only together with this.
 *
 * The work is what the app does most: building a Y.Doc of member rows, encoding it,
 * applying the update to a new doc, and a JSON round trip of its rows.
 */
import * as Y from 'yjs';
import { stats, type Measure } from './report';

const ROWS = 2000;
const FIELDS = 10;

/** One round of the fixed work, in ms. */
function round(): number {
	const t0 = performance.now();
	const doc = new Y.Doc();
	doc.clientID = 1;
	const members = doc.getMap<Y.Map<string>>('members');
	doc.transact(() => {
		for (let i = 0; i < ROWS; i++) {
			const row = new Y.Map<string>();
			for (let f = 0; f < FIELDS; f++) row.set(`f${f}`, `member ${i} field ${f} عضو 会员`);
			members.set(`m${i}`, row);
		}
	});
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	JSON.parse(JSON.stringify(copy.getMap('members').toJSON()));
	doc.destroy();
	copy.destroy();
	return performance.now() - t0;
}

/** `rounds` timed rounds after one untimed (the JIT's warm-up). */
export function calibrate(rounds = 9): number[] {
	round();
	return Array.from({ length: rounds }, round);
}

/** The report's line for a run's two calibrations. */
export function machineSpeed(start: number[], end: number[]): Measure {
	return {
		id: 'machine-speed',
		label: 'Machine speed: a fixed piece of work, at the start and the end of the run',
		unit: 'ms',
		samples: [...start, ...end],
		note:
			`The same work in every run, timed in the benchmark process (Node): a Y.Doc of ${ROWS} ` +
			`rows × ${FIELDS} fields built, encoded and applied to a new doc, and its rows through ` +
			`JSON; lower is a faster machine. Median at the start ${stats(start).median.toFixed(0)} ms, ` +
			`at the end ${stats(end).median.toFixed(0)} ms. Compare another run's timings with this run's ` +
			'only together with this line.'
	};
}

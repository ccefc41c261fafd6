import { describe, expect, it } from 'vitest';
import { markdown, stats, verdict, type Measure } from '../../bench/report';
import { calibrate, machineSpeed } from '../../bench/calibrate';

describe('bench report', () => {
	it('a measure without samples (it could not run) is shown as missed, not a crash', () => {
		const m: Measure = {
			id: 'open-local',
			label: 'Open from the local copy',
			size: 100_000,
			unit: 'ms',
			samples: [],
			target: { value: 3000, kind: 'max', on: 'median' },
			note: 'Did not complete.'
		};
		const s = stats(m.samples);
		expect(s.n).toBe(0);
		expect(s.min).toBeNaN();
		expect(s.max).toBeNaN();
		expect(verdict(m)).toBe('missed');
		expect(markdown({ measures: [m], at: '2026-01-01T00:00:00.000Z' })).toContain(
			'| Open from the local copy | 100000 |  | 0 | – | – | – | –––'
		);
	});
	it('every run reports its machine speed: the medians at its start and end, no target', () => {
		const start = calibrate(3);
		expect(start).toHaveLength(3);
		for (const x of start) expect(x).toBeGreaterThan(0);
		const m = machineSpeed([30, 10, 20], [50, 40, 60]);
		expect(m.samples).toEqual([30, 10, 20, 50, 40, 60]);
		expect(m.target).toBeUndefined();
		expect(m.note).toContain('Median at the start 20 ms, at the end 50 ms');
		expect(markdown({ measures: [m], at: '2026-01-01T00:00:00.000Z' })).toContain(
			'| Machine speed: a fixed piece of work, at the start and the end of the run |  |  | 6 |'
		);
	});
});

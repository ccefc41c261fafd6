import { describe, expect, it } from 'vitest';
import { markdown, stats, verdict, type Measure } from '../../bench/report';

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
});

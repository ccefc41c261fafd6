import type { Measure } from './report';

export async function runBrowserBench(_opts: {
	sizes: number[];
	quick: boolean;
	log: (s: string) => void;
}): Promise<{ measures: Measure[]; browser: string }> {
	throw new Error('runBrowserBench: being written');
}

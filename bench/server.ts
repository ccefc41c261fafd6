import type { Measure } from './report';

export async function runServerBench(_opts: {
	sizes: number[];
	quick: boolean;
	log: (s: string) => void;
}): Promise<Measure[]> {
	throw new Error('runServerBench: being written');
}

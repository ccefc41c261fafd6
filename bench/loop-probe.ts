/**
 * What held a process's event loop over a window: its GC pauses (young and major) and
 * the longest event-loop delay. The server hosts report it for each measured window
 * (server-host.ts); the edit rounds take it for the clients' process too.
 */
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

export interface ProbeValue {
	gcCount: number;
	gcMs: number;
	gcMaxMs: number;
	majorGcCount: number;
	majorGcMs: number;
	/** Longest time the event loop was blocked (ms), and the 99th percentile. */
	loopMaxMs: number;
	loopP99Ms: number;
}

/** Watches this process from when it is made; `take()` returns the window and starts anew. */
export class LoopProbe {
	private readonly gc = { count: 0, ms: 0, maxMs: 0, majorCount: 0, majorMs: 0 };
	private readonly loop = monitorEventLoopDelay({ resolution: 1 });
	private readonly observer = new PerformanceObserver((list) => {
		for (const e of list.getEntries()) {
			this.gc.count++;
			this.gc.ms += e.duration;
			this.gc.maxMs = Math.max(this.gc.maxMs, e.duration);
			const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
			if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
				this.gc.majorCount++;
				this.gc.majorMs += e.duration;
			}
		}
	});

	constructor() {
		this.observer.observe({ entryTypes: ['gc'] });
		this.loop.enable();
	}

	take(): ProbeValue {
		const out: ProbeValue = {
			gcCount: this.gc.count,
			gcMs: this.gc.ms,
			gcMaxMs: this.gc.maxMs,
			majorGcCount: this.gc.majorCount,
			majorGcMs: this.gc.majorMs,
			loopMaxMs: this.loop.max / 1e6,
			loopP99Ms: this.loop.percentile(99) / 1e6
		};
		Object.assign(this.gc, { count: 0, ms: 0, maxMs: 0, majorCount: 0, majorMs: 0 });
		this.loop.reset();
		return out;
	}

	stop(): void {
		this.observer.disconnect();
		this.loop.disable();
	}
}

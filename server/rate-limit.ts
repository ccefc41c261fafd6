/**
 * Sliding-window counters in memory: at most `max` hits per key in `windowMs`.
 *
 * Bounded to `maxKeys` keys. When full, keys whose hits all aged out go first, then
 * the key with the fewest hits (the oldest of those): a spray of new keys (usernames,
 * addresses, tokens) only pushes out other keys of one or two hits, never the counter
 * of someone being guessed at, so it cannot reset a lock-out [AU1].
 */
export class RateLimiter {
	private readonly hits = new Map<string, number[]>();
	private lastSweep = -Infinity;

	constructor(
		readonly max: number,
		readonly windowMs: number,
		private readonly now: () => number = Date.now,
		readonly maxKeys = 10_000
	) {}

	private recent(key: string): number[] {
		const cutoff = this.now() - this.windowMs;
		const list = (this.hits.get(key) ?? []).filter((t) => t > cutoff);
		if (list.length === 0) this.hits.delete(key);
		else this.hits.set(key, list);
		return list;
	}

	/** Milliseconds until the key may be used again; 0 when it may now. */
	retryAfterMs(key: string): number {
		const list = this.recent(key);
		return list.length < this.max ? 0 : list[0] + this.windowMs - this.now();
	}

	hit(key: string): void {
		const list = this.recent(key);
		list.push(this.now());
		this.hits.set(key, list);
		if (this.hits.size > this.maxKeys) this.evict(key);
	}

	/** Forget a key (a successful sign-in). */
	clear(key: string): void {
		this.hits.delete(key);
	}

	get size(): number {
		return this.hits.size;
	}

	/** Make room, keeping `keep` (the key just hit) and the keys with the most hits. */
	private evict(keep: string): void {
		// Aged-out keys first; a sweep of them all at most ten times a window.
		if (this.now() - this.lastSweep > this.windowMs / 10) {
			this.lastSweep = this.now();
			for (const key of [...this.hits.keys()]) this.recent(key);
		}
		while (this.hits.size > this.maxKeys) {
			let victim: string | null = null;
			let fewest = Infinity;
			for (const [key, list] of this.hits) {
				if (key !== keep && list.length < fewest) {
					victim = key;
					fewest = list.length;
					if (fewest === 1) break;
				}
			}
			if (victim === null) return;
			this.hits.delete(victim);
		}
	}
}

/**
 * Personal survey links: tokens, their rate limit and the mailing CSV.
 *
 * A link is `<origin>/s/<token>`, the token 32 random bytes (base64url). Only its
 * SHA-256 is stored (SurveyLinkRecord), so a copy of the database cannot answer a
 * survey for anyone, and a lost CSV can only be replaced by issuing new links (the
 * old ones are then replaced and stop working).
 */
import crypto from 'node:crypto';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const newLinkToken = (): string => crypto.randomBytes(32).toString('base64url');
export const hashLinkToken = (token: string): string =>
	crypto.createHash('sha256').update(`survey-link:${token}`).digest('hex');
export const isLinkToken = (s: string): boolean => TOKEN_PATTERN.test(s);

/**
 * Sliding-window counters in memory: at most `max` hits per key in `windowMs`.
 * Used per token (every request of one link) and per client address (failed
 * look-ups, so tokens cannot be guessed at speed). Bounded: the oldest keys go first.
 */
export class RateLimiter {
	private readonly hits = new Map<string, number[]>();

	constructor(
		readonly max: number,
		readonly windowMs: number,
		private readonly now: () => number = Date.now
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
		if (this.hits.size > 20_000) {
			const oldest = this.hits.keys().next().value;
			if (oldest !== undefined) this.hits.delete(oldest);
		}
	}
}

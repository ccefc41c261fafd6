/**
 * Personal survey links: tokens (their rate limits: rate-limit.ts; the mailing CSV:
 * domain/csv.ts).
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

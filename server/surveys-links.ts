/**
 * Personal survey links: tokens and the mailing CSV (their rate limits: rate-limit.ts).
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

/** One CSV field: quoted when needed; a leading =+-@ is defused for spreadsheets. */
export function csvField(v: string | number | null | undefined): string {
	let s = v === null || v === undefined ? '' : String(v);
	if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
	return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** UTF-8 CSV with a byte-order mark (so Excel opens Persian and Chinese correctly). */
export function toCsv(
	header: readonly string[],
	rows: readonly (readonly (string | number | null | undefined)[])[]
): string {
	const lines = [header, ...rows].map((r) => r.map(csvField).join(','));
	return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

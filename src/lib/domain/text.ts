/** Text helpers shared by editors and imports. */

const PERSIAN = '۰۱۲۳۴۵۶۷۸۹';
const ARABIC = '٠١٢٣٤٥٦٧٨٩';

/** Persian and Arabic-Indic digits to ASCII; full-width digits (common in Chinese input) too. */
export function normalizeDigits(s: string): string {
	let out = '';
	for (const ch of s) {
		let i = PERSIAN.indexOf(ch);
		if (i < 0) i = ARABIC.indexOf(ch);
		if (i >= 0) out += String(i);
		else if (ch >= '０' && ch <= '９') out += String(ch.charCodeAt(0) - 0xff10);
		else out += ch;
	}
	return out;
}

/** A random row id: 16 url-safe characters from the platform CSPRNG. */
export function newRowId(): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	let s = '';
	for (const b of bytes) s += alphabet[b & 63];
	return s;
}

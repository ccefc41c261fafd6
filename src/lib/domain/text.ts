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

/**
 * A whole number a person typed, in any digits (Persian, Arabic-Indic, full-width or
 * Latin), spaces around allowed; null when it is not one. `Number()` alone reads
 * Persian digits as NaN, which is how typed years used to be lost.
 */
export function readWholeNumber(s: string): number | null {
	const t = normalizeDigits(s).trim();
	return /^\d{1,15}$/.test(t) ? Number(t) : null;
}

/**
 * A random row id: 16 url-safe characters from the platform CSPRNG. The first one is a
 * letter or digit: ids are written into CSVs (the survey links), and a cell starting
 * with `-` is read there as a formula, so csv.ts would have to write it as `'-…`.
 */
export function newRowId(): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	let s = '';
	// 256 = 4 × 62 + 8: the first character's tiny bias costs no meaningful entropy.
	for (const [i, b] of bytes.entries()) s += i === 0 ? alphabet[b % 62] : alphabet[b & 63];
	return s;
}

/**
 * A `{{field}}` placeholder of a letter template. Any name is matched, not only Latin
 * letters, so a misspelt or translated one («{{نام}}») is reported to the admin as
 * unknown instead of printing unnoticed.
 */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Placeholders used in `template` that are not among `known`. */
export function unknownPlaceholders(template: string, known: readonly string[]): string[] {
	const names = new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]));
	return [...names].filter((k) => !known.includes(k));
}

/**
 * Fill the `known` placeholders from `values` (one without a value becomes empty);
 * an unknown one stays as typed, so the printed text shows it.
 */
export function fillPlaceholders<K extends string>(
	template: string,
	known: readonly K[],
	values: Partial<Record<K, string>>
): string {
	return template.replace(PLACEHOLDER, (whole, key: string) =>
		(known as readonly string[]).includes(key) ? (values[key as K] ?? '') : whole
	);
}

/**
 * A template ready for a field that is a paragraph of its own and often empty (the
 * early-payment offer of a letter, [L11]): with no value, a line that holds only the
 * field goes with the line break before it, so no empty paragraph is printed; with a
 * value and no such field in the template (one saved before the field existed), the
 * field is added as a paragraph before the last one, which closes a letter (the
 * organisation and the date in every default), so the letter still says it above its
 * signature. A template of one paragraph gets it after that paragraph.
 */
export function withParagraphField(template: string, field: string, value: string): string {
	const only = new RegExp(`\\n*^[ \\t]*\\{\\{\\s*${field}\\s*\\}\\}[ \\t]*$`, 'gm');
	if (!value) return template.replace(only, '');
	const any = new RegExp(`\\{\\{\\s*${field}\\s*\\}\\}`);
	if (any.test(template)) return template;
	const paragraphs = template.trimEnd().split(/\n{2,}/);
	const at = Math.max(1, paragraphs.length - 1);
	return [...paragraphs.slice(0, at), `{{${field}}}`, ...paragraphs.slice(at)].join('\n\n');
}

/** At most `max` characters of `s`: a longer text is cut with an ellipsis, so it reads as cut. */
export function clip(s: string, max: number): string {
	const chars = [...s];
	return chars.length <= max
		? s
		: `${chars
				.slice(0, max - 1)
				.join('')
				.trimEnd()}…`;
}

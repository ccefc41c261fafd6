/**
 * Which text encoding a file's bytes are in, for CSV import. Offices send
 * spreadsheets saved by Excel on Windows in the local code page (GB18030/GBK in
 * China, Windows-1256 in Iran, Windows-1252 in Western Europe and the Americas),
 * UTF-16 ("Unicode text") or UTF-8 with or without a byte-order mark. Order of evidence:
 *  1. a byte-order mark decides;
 *  2. NUL bytes on one side of most byte pairs mean UTF-16 without a mark;
 *  3. bytes that are valid UTF-8 (and not plain ASCII by accident) are UTF-8;
 *  4. otherwise byte statistics choose between GB18030, Windows-1252 and
 *     Windows-1256: GBK text is made of byte pairs (lead 0x81-0xFE, trail
 *     0x40-0xFE), mostly from the common GB2312 block; Western text in 1252 has its
 *     accented letters alone between ASCII letters (Müller, Köln, São); Persian in
 *     1256 has runs of high bytes (its words) next to spaces and ASCII, which break
 *     the GBK pairing.
 * The person can always override the guess; decoding with the `fatal` flag tells
 * them when the chosen encoding does not fit.
 */

export const TEXT_ENCODING = {
	utf8: 'utf-8',
	utf16le: 'utf-16le',
	utf16be: 'utf-16be',
	gb18030: 'gb18030',
	windows1252: 'windows-1252',
	windows1256: 'windows-1256'
} as const;
export type TextEncoding = (typeof TEXT_ENCODING)[keyof typeof TEXT_ENCODING];
export const TEXT_ENCODINGS = Object.values(TEXT_ENCODING) as readonly TextEncoding[];

export const DETECTED_BY = {
	bom: 'bom',
	nulPattern: 'nulPattern',
	validUtf8: 'validUtf8',
	statistics: 'statistics',
	fallback: 'fallback'
} as const;
export type DetectedBy = (typeof DETECTED_BY)[keyof typeof DETECTED_BY];

export interface DetectedEncoding {
	encoding: TextEncoding;
	/** Length of the byte-order mark to skip (0 when there is none). */
	bomLength: number;
	by: DetectedBy;
}

const SAMPLE = 256 * 1024;

function bomOf(b: Uint8Array): DetectedEncoding | null {
	if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf)
		return { encoding: 'utf-8', bomLength: 3, by: 'bom' };
	if (b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2, by: 'bom' };
	if (b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2, by: 'bom' };
	return null;
}

function utf16Guess(b: Uint8Array): TextEncoding | null {
	const n = Math.min(b.length, SAMPLE) & ~1;
	if (n < 4) return null;
	let evenNul = 0;
	let oddNul = 0;
	for (let i = 0; i < n; i += 2) {
		if (b[i] === 0) evenNul++;
		if (b[i + 1] === 0) oddNul++;
	}
	const pairs = n / 2;
	// CSV always has ASCII delimiters and line breaks: in UTF-16 their high byte is 0.
	if (oddNul > pairs * 0.2 && evenNul < pairs * 0.02) return 'utf-16le';
	if (evenNul > pairs * 0.2 && oddNul < pairs * 0.02) return 'utf-16be';
	return null;
}

/** The sample cut at a byte that cannot be in the middle of a UTF-8 sequence. */
function utf8Sample(b: Uint8Array): Uint8Array {
	if (b.length <= SAMPLE) return b;
	let end = SAMPLE;
	while (end > SAMPLE - 4 && (b[end] & 0xc0) === 0x80) end--;
	return b.subarray(0, end);
}

function isValidUtf8(b: Uint8Array): boolean {
	try {
		new TextDecoder('utf-8', { fatal: true }).decode(utf8Sample(b));
		return true;
	} catch {
		return false;
	}
}

export interface ByteStats {
	highBytes: number;
	/** Pairs that form valid GBK double-byte characters. */
	gbPairs: number;
	/** Of those, pairs in the common GB2312 block (lead 0xB0-0xF7, trail 0xA1-0xFE). */
	gbCommon: number;
	/** High bytes that cannot start or end a GBK character where they stand. */
	gbBroken: number;
	/** High bytes with an ASCII byte (or the file's edge) on both sides. */
	lone: number;
}

export function byteStats(b: Uint8Array): ByteStats {
	const n = Math.min(b.length, SAMPLE);
	const s: ByteStats = { highBytes: 0, gbPairs: 0, gbCommon: 0, gbBroken: 0, lone: 0 };
	for (let i = 0; i < n; i++)
		if (b[i] >= 0x80 && !(b[i - 1] >= 0x80) && !(b[i + 1] >= 0x80)) s.lone++;
	for (let i = 0; i < n; i++) {
		const x = b[i];
		if (x < 0x80) continue;
		s.highBytes++;
		if (x === 0x80 || x === 0xff || i + 1 >= n) {
			s.gbBroken++;
			continue;
		}
		const y = b[i + 1];
		if (y >= 0x30 && y <= 0x39) {
			// A GB18030 four-byte sequence: lead, digit, lead, digit.
			if (
				i + 3 < n &&
				b[i + 2] >= 0x81 &&
				b[i + 2] <= 0xfe &&
				b[i + 3] >= 0x30 &&
				b[i + 3] <= 0x39
			) {
				s.gbPairs++;
				s.highBytes++;
				i += 3;
				continue;
			}
			s.gbBroken++;
			continue;
		}
		if (y < 0x40 || y === 0x7f || y === 0xff) {
			s.gbBroken++;
			continue;
		}
		s.gbPairs++;
		if (y >= 0x80) s.highBytes++;
		if (x >= 0xb0 && x <= 0xf7 && y >= 0xa1) s.gbCommon++;
		i++;
	}
	return s;
}

export function detectEncoding(bytes: Uint8Array): DetectedEncoding {
	const bom = bomOf(bytes);
	if (bom) return bom;
	const u16 = utf16Guess(bytes);
	if (u16) return { encoding: u16, bomLength: 0, by: 'nulPattern' };
	if (isValidUtf8(bytes)) return { encoding: 'utf-8', bomLength: 0, by: 'validUtf8' };
	const s = byteStats(bytes);
	if (s.gbPairs > 0 && s.gbBroken <= s.gbPairs * 0.01 && s.gbCommon >= s.gbPairs * 0.5)
		return { encoding: 'gb18030', bomLength: 0, by: 'statistics' };
	// Chinese never has a lone high byte; Persian words are runs of them (only a few
	// one-letter words such as و stand alone); Western accents mostly stand alone.
	if (s.lone >= s.highBytes * 0.6)
		return { encoding: 'windows-1252', bomLength: 0, by: 'statistics' };
	if (s.gbBroken > 0) return { encoding: 'windows-1256', bomLength: 0, by: 'statistics' };
	return { encoding: 'gb18030', bomLength: 0, by: 'fallback' };
}

export class DecodeError extends Error {
	readonly name = 'DecodeError';
	readonly code = 'decode_failed';
	constructor(readonly encoding: TextEncoding) {
		super(`The file is not valid ${encoding} text.`);
	}
}

/**
 * A text file with a NUL character in it (a stray byte a program wrote, or two files
 * joined): `line` is the first one's line in the file, where a text editor shows it.
 */
export class NulCharacterError extends Error {
	readonly name = 'NulCharacterError';
	readonly code = 'nul_character';
	constructor(readonly line: number) {
		super(`The file has a NUL character on line ${line}.`);
	}
}

/**
 * Decode the whole file. With an override, the BOM of that encoding (if present) is
 * still skipped. Throws DecodeError when the bytes do not fit the encoding, so
 * nothing is imported as mojibake or with replacement characters; NulCharacterError
 * for a few NUL characters in text that otherwise fits (many of them are a UTF-16
 * file read in another encoding: a DecodeError).
 */
export function decodeText(
	bytes: Uint8Array,
	opts: { encoding?: TextEncoding } = {}
): { text: string; detected: DetectedEncoding } {
	const auto = detectEncoding(bytes);
	const encoding = opts.encoding ?? auto.encoding;
	const bom = bomOf(bytes);
	const bomLength = bom && bom.encoding === encoding ? bom.bomLength : 0;
	const detected: DetectedEncoding = opts.encoding
		? { encoding, bomLength, by: auto.encoding === encoding ? auto.by : 'fallback' }
		: auto;
	// Single-byte code pages map every byte; only the multi-byte ones can fail.
	const fatal = encoding !== 'windows-1256' && encoding !== 'windows-1252';
	let text: string;
	try {
		text = new TextDecoder(encoding, { fatal, ignoreBOM: true }).decode(bytes.subarray(bomLength));
	} catch {
		throw new DecodeError(encoding);
	}
	const nul = text.indexOf('\u0000');
	if (nul >= 0) {
		const nuls = text.split('\u0000').length - 1;
		if (nuls * 20 > text.length) throw new DecodeError(encoding);
		throw new NulCharacterError(text.slice(0, nul).split('\n').length);
	}
	if (encoding === 'windows-1256') text = persianLetterForms(text);
	if (encoding === 'windows-1252') text = cp1252Punctuation(text);
	return { text, detected };
}

/** Windows-1252's 0x80-0x9F: the euro sign, curly quotes, dashes... (five bytes unused). */
const CP1252_80_9F =
	'\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
	'\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * Some runtimes (Node's small-ICU builds) decode the `windows-1252` label as
 * ISO-8859-1, which leaves 0x80-0x9F as control characters; browsers map them as the
 * Encoding Standard says. Mapping them here gives the same text everywhere.
 */
function cp1252Punctuation(text: string): string {
	return text.replace(/[\u0080-\u009f]/g, (c) => CP1252_80_9F[c.charCodeAt(0) - 0x80]);
}

/**
 * Windows-1256 has no Persian yeh or kaf: Persian files saved in it carry the
 * Arabic letters (ي U+064A, ك U+0643), which look alike but do not match what
 * people type. When the text is Persian (it has پ چ ژ or گ, which Arabic lacks),
 * they are turned into the Persian forms (ی U+06CC, ک U+06A9).
 */
export function persianLetterForms(text: string): string {
	if (!/[\u067e\u0686\u0698\u06af]/.test(text)) return text;
	return text.replace(/\u064a/g, '\u06cc').replace(/\u0643/g, '\u06a9');
}

/**
 * Bytes that are not text at all (an image, a zip that is not XLSX, a PDF). A NUL byte
 * is a control character like the others: text with a stray one is still text, and
 * decodeText says on which line it is.
 */
export function looksBinary(bytes: Uint8Array): boolean {
	if (bomOf(bytes)?.encoding.startsWith('utf-16') || utf16Guess(bytes)) return false;
	const n = Math.min(bytes.length, 8192);
	let control = 0;
	for (let i = 0; i < n; i++) {
		const x = bytes[i];
		if (x < 0x09 || (x > 0x0d && x < 0x20)) control++;
	}
	return n > 0 && control > n * 0.05;
}

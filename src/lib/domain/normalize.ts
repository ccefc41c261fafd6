/**
 * Comparison keys for finding records that look like the same company, and the
 * duplicate finder built on them. Pure, no dependencies: shared by the grid, the
 * member file, imports and the server.
 *
 * The keys are for comparing, never for showing: two records are "the same name"
 * when `normalizeName(a) === normalizeName(b)` and the key is not empty.
 *
 *  - normalizeName: compatibility forms (NFKC: full-width letters and digits,
 *    ligatures, Arabic presentation forms), case folding, accents and Arabic
 *    diacritics removed, Arabic letters mapped to their Persian forms (ي ى → ی,
 *    ك → ک, ة → ه, أ إ آ ٱ → ا, ؤ → و), tatweel and zero-width joiners removed,
 *    Persian, Arabic and Chinese digits to ASCII, punctuation and spacing dropped,
 *    and legal forms removed (at the end: Ltd, Co., Inc., LLC, GmbH…, سهامی خاص,
 *    با مسئولیت محدود…, 有限公司, 股份有限公司, 集团…; at the start: The, شرکت, گروه).
 *  - normalizePhone: ASCII digits of the national number: +98 / 0098 / 98… and
 *    +86 / 0086 / 86… country codes and the trunk 0 are dropped, so "+98 912 …",
 *    "0098912…" and "0912 …" agree, as do "+86 138…" and "138…". Another country
 *    code is kept behind "00". The extension is dropped.
 *  - normalizeEmail: trimmed, lower case, `mailto:` and <…> removed; Gmail's dots
 *    and +tags ignored.
 *
 * `findDuplicates` compares one candidate with a list; `buildMatchIndex` keeps
 * hash indexes so a lookup in 100k rows is a few map reads, and can be kept up to
 * date row by row (`set`, `delete`).
 */

// ---------------------------------------------------------------- characters

const DIGITS: Record<string, string> = {};
'۰۱۲۳۴۵۶۷۸۹'.split('').forEach((c, i) => (DIGITS[c] = String(i)));
'٠١٢٣٤٥٦٧٨٩'.split('').forEach((c, i) => (DIGITS[c] = String(i)));
'〇一二三四五六七八九'.split('').forEach((c, i) => (DIGITS[c] = String(i)));
DIGITS['零'] = '0';

/** Persian, Arabic-Indic and Chinese digits to ASCII (full-width ones go through NFKC). */
function asciiDigits(s: string): string {
	let out = '';
	for (const ch of s) out += DIGITS[ch] ?? ch;
	return out;
}

/**
 * Characters that are the same letter, digit or sign in another form, in one form:
 * compatibility forms (NFKC: full-width letters, digits and brackets such as （中国）,
 * ligatures, Arabic presentation forms) and Arabic yeh and kaf as Persian keyboards
 * type them. Case and punctuation are kept. What the duplicate keys start from, and
 * what the grids' quick search folds both the query and the cells with, so that a
 * search finds what the duplicate finder calls the same.
 */
export function foldForms(s: string): string {
	return s
		.normalize('NFKC')
		.replace(/[\u064A\u0649]/g, '\u06CC')
		.replace(/\u0643/g, '\u06A9');
}

/** Arabic letters to the forms Persian keyboards type. Applied after marks are stripped. */
const LETTERS: Record<string, string> = {
	'\u064A': '\u06CC', // ي → ی
	'\u0649': '\u06CC', // ى → ی
	'\u0643': '\u06A9', // ك → ک
	'\u0629': '\u0647', // ة → ه
	'\u06D5': '\u0647', // ە → ه (ۀ decomposes to ە + hamza)
	'\u06C1': '\u0647', // ہ → ه
	'\u0671': '\u0627', // ٱ → ا
	'\u0621': '', // a lone hamza ء carries no letter
	ß: 'ss'
};

/** Invisible characters that only affect joining or direction. */
const INVISIBLE = /[\u00AD\u0640\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g;

/** Dotted abbreviations such as L.L.C., S.A., س.خ: the dots go, the letters join. */
const DOTTED = /(?<![\p{L}\p{N}])\p{L}(?:\.\p{L}(?![\p{L}\p{N}]))+\.?/gu;

/** Case, width, marks, letters, digits; punctuation and symbols become spaces. */
function foldText(s: string): string {
	let t = s.normalize('NFKD').toLowerCase().replace(INVISIBLE, '');
	t = t.replace(/\p{Mn}/gu, '');
	let out = '';
	for (const ch of t) out += LETTERS[ch] ?? ch;
	out = asciiDigits(out).normalize('NFC');
	out = out.replace(DOTTED, (m) => m.replace(/\./g, ''));
	// Apostrophes join (O'Brien, McDonald's); every other non-letter, non-digit splits.
	out = out.replace(/['’‘`´]/g, '');
	return out.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

// ---------------------------------------------------------------- legal forms

/** Words that open a name only as a legal form or article: removed at the start. */
const LEADING_PHRASES = ['the', 'شرکت', 'شركة', 'گروه', 'هلدینگ', '株式会社'];

/** Legal forms written as words, removed at the end of a name (any number of them). */
const LEGAL_FORM_PHRASES = [
	// English and other Latin-script forms
	'ltd',
	'limited',
	'co',
	'company',
	'corp',
	'corporation',
	'inc',
	'incorporated',
	'llc',
	'llp',
	'plc',
	'lp',
	'gmbh',
	'ag',
	'sa',
	'pjs',
	'pjsc',
	'sarl',
	'srl',
	'spa',
	'bv',
	'nv',
	'pty',
	'pvt',
	'pte',
	'private',
	'group',
	'holding',
	'holdings',
	// Persian (and Arabic)
	'شرکت',
	'شركة',
	'سهامی خاص',
	'سهامی عام',
	'سهامی',
	'س خ',
	'س ع',
	'س.خ',
	'س.ع',
	'ب.م.م',
	'با مسئولیت محدود',
	'با مسؤولیت محدود',
	'با مسوولیت محدود',
	'با مسولیت محدود',
	'مسئولیت محدود',
	'مسؤولیت محدود',
	'مسوولیت محدود',
	'مسولیت محدود',
	'بامسئولیت محدود',
	'ب م م',
	'هلدینگ',
	// Chinese / Japanese written as separate words
	'株式会社'
];

/**
 * Legal forms of Chinese (and Japanese) names, which are written without spaces:
 * removed from the end (and 株式会社 from the start) of the joined key. Longest first.
 */
const CJK_SUFFIXES = [
	'集团股份有限公司',
	'集團股份有限公司',
	'股份有限公司',
	'有限责任公司',
	'有限責任公司',
	'集团有限公司',
	'集團有限公司',
	'有限公司',
	'股份公司',
	'集团公司',
	'集團公司',
	'控股公司',
	'总公司',
	'總公司',
	'公司',
	'集团',
	'集團',
	'控股',
	'株式会社'
];
const CJK_PREFIXES = ['株式会社'];

const phrases = (ps: readonly string[]): readonly string[][] =>
	ps.map((p) => foldText(p).split(' ')).sort((a, b) => b.length - a.length);
/**
 * The phrases folded, on first use: folding compiles the Unicode regexes, 20 ms that
 * every page importing this module paid at start-up before any name was compared.
 */
let folded: {
	trailing: readonly string[][];
	leading: readonly string[][];
	suffixes: readonly string[];
	prefixes: readonly string[];
} | null = null;
function forms() {
	return (folded ??= {
		trailing: phrases(LEGAL_FORM_PHRASES),
		leading: phrases(LEADING_PHRASES),
		suffixes: CJK_SUFFIXES.map((s) => foldText(s)).sort((a, b) => b.length - a.length),
		prefixes: CJK_PREFIXES.map((s) => foldText(s))
	});
}

function matchesAt(tokens: readonly string[], phrase: readonly string[], at: number): boolean {
	if (at < 0 || at + phrase.length > tokens.length) return false;
	return phrase.every((w, i) => tokens[at + i] === w);
}

function stripLegalForms(tokens: string[]): string[] {
	const { trailing, leading } = forms();
	let t = tokens;
	for (let changed = true; changed && t.length > 0;) {
		changed = false;
		for (const p of trailing) {
			if (t.length > p.length && matchesAt(t, p, t.length - p.length)) {
				t = t.slice(0, t.length - p.length);
				changed = true;
				break;
			}
		}
		for (const p of leading) {
			if (t.length > p.length && matchesAt(t, p, 0)) {
				t = t.slice(p.length);
				changed = true;
				break;
			}
		}
	}
	return t;
}

function stripCjk(key: string): string {
	const { suffixes, prefixes } = forms();
	let k = key;
	// A name that is nothing but a legal form stays as it is.
	for (let changed = true; changed && !suffixes.includes(k) && !prefixes.includes(k);) {
		changed = false;
		for (const s of suffixes) {
			if (k.length > s.length && k.endsWith(s)) {
				k = k.slice(0, k.length - s.length);
				changed = true;
				break;
			}
		}
		for (const s of prefixes) {
			if (k.length > s.length && k.startsWith(s)) {
				k = k.slice(s.length);
				changed = true;
			}
		}
	}
	return k;
}

// ---------------------------------------------------------------- keys

/**
 * The comparison key of a company or person name; "" when nothing is left. A name
 * that is nothing but a legal form ("Co.", "شرکت") keeps it rather than becoming "".
 */
export function normalizeName(s: string): string {
	if (typeof s !== 'string') return '';
	const folded = foldText(s);
	if (folded === '') return '';
	const tokens = stripLegalForms(folded.split(' '));
	return stripCjk(tokens.join(''));
}

/** Where the extension starts: "ext", "x", "#", "داخلی", "转"/"轉", "分机". */
const EXTENSION = /(?:\bext\b\.?|\bx(?=\s*\d)|#|داخلی|分机|分機|转|轉).*$/iu;

/**
 * The national number in ASCII digits (see the file comment); "" when there are no
 * digits. Not a validator: it only makes two ways of writing one number agree.
 */
export function normalizePhone(s: string): string {
	if (typeof s !== 'string') return '';
	const t = asciiDigits(foldForms(s)).replace(EXTENSION, '');
	const plus = /^\s*\+/.test(t);
	let d = t.replace(/\D+/g, '');
	if (d === '') return '';
	let international = plus;
	if (!plus && d.startsWith('00')) {
		d = d.slice(2);
		international = true;
	}
	if (international) {
		if (d.startsWith('98') || d.startsWith('86')) d = d.slice(2);
		else return '00' + d;
	} else if (d.startsWith('98') && d.length === 12) {
		d = d.slice(2); // 98 912 345 6789 typed without the +
	} else if (d.startsWith('86') && (d.length === 13 || d.length === 12) && !d.startsWith('860')) {
		d = d.slice(2); // 86 138 0013 8000 typed without the +
	}
	// The trunk prefix: "0912…" (Iran), "010…" (China). Also "+98 (0)21…".
	return d.replace(/^0+/, '');
}

/** Lower-case address without decorations; "" when it is not an address at all. */
export function normalizeEmail(s: string): string {
	if (typeof s !== 'string') return '';
	let e = foldForms(s)
		.replace(INVISIBLE, '')
		.trim()
		.toLowerCase()
		.replace(/^mailto:/, '');
	const angle = /<([^<>]+)>/.exec(e);
	if (angle) e = angle[1].trim();
	e = e.replace(/\s+/g, '');
	const at = e.lastIndexOf('@');
	if (at <= 0 || at === e.length - 1) return '';
	let local = e.slice(0, at);
	let domain = e.slice(at + 1).replace(/\.+$/, '');
	if (domain === 'googlemail.com') domain = 'gmail.com';
	if (domain === 'gmail.com') local = local.replace(/\+.*$/, '').replace(/\./g, '');
	return `${local}@${domain}`;
}

// ---------------------------------------------------------------- duplicates

export type MatchReason = 'name' | 'phone' | 'email';
export const MATCH_REASONS: readonly MatchReason[] = ['name', 'phone', 'email'];

/** A value, or several (a member's own phone and its contacts' phones). */
type OneOrMany = unknown;

/** Anything with an id and (some of) name, phone, email; other fields are ignored. */
export interface MatchRow {
	id: string;
	name?: unknown;
	phone?: OneOrMany;
	email?: OneOrMany;
	/** A record merged into another is history, not a duplicate: never matched. */
	mergedInto?: unknown;
}

/** What is being created or edited. `id` (if any) is never matched with itself. */
export interface MatchCandidate {
	id?: string;
	name?: unknown;
	phone?: OneOrMany;
	email?: OneOrMany;
}

export interface DuplicateMatch {
	id: string;
	reasons: MatchReason[];
}

/** Shorter phone keys are internal extensions or typos, not evidence. */
const MIN_PHONE_DIGITS = 6;

const list = (v: OneOrMany): string[] =>
	(Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');

const uniq = (xs: string[]): string[] => [...new Set(xs.filter((x) => x !== ''))];

/** The keys of one record, per reason. */
export function matchKeys(r: MatchCandidate): Record<MatchReason, string[]> {
	return {
		name: uniq(list(r.name).map(normalizeName)),
		phone: uniq(
			list(r.phone)
				.map(normalizePhone)
				.filter((p) => p.length >= MIN_PHONE_DIGITS)
		),
		email: uniq(list(r.email).map(normalizeEmail))
	};
}

export interface MatchIndex {
	/** Records that look like `candidate`: most reasons first, then in insertion order. */
	find(candidate: MatchCandidate): DuplicateMatch[];
	/** Add or replace a row (a merged-away row is removed). */
	set(row: MatchRow): void;
	delete(id: string): void;
	readonly size: number;
}

class HashMatchIndex implements MatchIndex {
	private readonly byKey: Record<MatchReason, Map<string, Set<string>>> = {
		name: new Map(),
		phone: new Map(),
		email: new Map()
	};
	private readonly keysOf = new Map<string, Record<MatchReason, string[]>>();
	private readonly order = new Map<string, number>();
	private nextOrder = 0;

	get size(): number {
		return this.keysOf.size;
	}

	set(row: MatchRow): void {
		this.delete(row.id);
		if (row.mergedInto !== undefined && row.mergedInto !== null && row.mergedInto !== '') return;
		const keys = matchKeys(row);
		this.keysOf.set(row.id, keys);
		if (!this.order.has(row.id)) this.order.set(row.id, this.nextOrder++);
		for (const reason of MATCH_REASONS) {
			for (const k of keys[reason]) {
				let ids = this.byKey[reason].get(k);
				if (!ids) this.byKey[reason].set(k, (ids = new Set()));
				ids.add(row.id);
			}
		}
	}

	delete(id: string): void {
		const keys = this.keysOf.get(id);
		if (!keys) return;
		this.keysOf.delete(id);
		for (const reason of MATCH_REASONS) {
			for (const k of keys[reason]) {
				const ids = this.byKey[reason].get(k);
				ids?.delete(id);
				if (ids && ids.size === 0) this.byKey[reason].delete(k);
			}
		}
	}

	find(candidate: MatchCandidate): DuplicateMatch[] {
		const keys = matchKeys(candidate);
		const found = new Map<string, MatchReason[]>();
		for (const reason of MATCH_REASONS) {
			for (const k of keys[reason]) {
				for (const id of this.byKey[reason].get(k) ?? []) {
					if (id === candidate.id) continue;
					const reasons = found.get(id) ?? [];
					if (!reasons.includes(reason)) reasons.push(reason);
					found.set(id, reasons);
				}
			}
		}
		return [...found]
			.map(([id, reasons]) => ({ id, reasons }))
			.sort(
				(a, b) =>
					b.reasons.length - a.reasons.length ||
					(this.order.get(a.id) ?? 0) - (this.order.get(b.id) ?? 0)
			);
	}
}

/** An index over `rows` for repeated lookups (grid, import of many rows). */
export function buildMatchIndex(rows: Iterable<MatchRow> = []): MatchIndex {
	const index = new HashMatchIndex();
	for (const r of rows) index.set(r);
	return index;
}

/** Records among `rows` that look like `candidate` (one-off; use an index for many). */
export function findDuplicates(
	candidate: MatchCandidate,
	rows: Iterable<MatchRow>
): DuplicateMatch[] {
	return buildMatchIndex(rows).find(candidate);
}

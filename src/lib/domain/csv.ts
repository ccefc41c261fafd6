/**
 * CSV reading and writing (RFC 4180 plus what real files do): quoted fields with
 * doubled quotes, line breaks inside quotes, CRLF/LF/CR line ends, and the
 * delimiter sniffed from the first lines (comma, semicolon in European Excel, tab
 * in "Unicode text", pipe, and the Arabic comma some Persian tools write).
 */

export const DELIMITERS = [',', ';', '\t', '|', '\u060c'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

export interface CsvProblem {
	/** 1-based line of the file where the problem starts. */
	line: number;
	code: 'unclosedQuote' | 'textAfterQuote';
}

export interface ParsedCsv {
	rows: string[][];
	problems: CsvProblem[];
}

/**
 * Parse CSV text into rows of fields. Rows that are entirely empty are dropped, unless
 * `keepEmptyRows` (a pasted range: a blank row of cells is a row, see `parseTsvRange`).
 */
export function parseCsv(
	text: string,
	delimiter: string = ',',
	opts: { keepEmptyRows?: boolean } = {}
): ParsedCsv {
	const rows: string[][] = [];
	const problems: CsvProblem[] = [];
	let row: string[] = [];
	let field = '';
	let line = 1;
	let i = 0;
	const n = text.length;
	const endRow = () => {
		row.push(field);
		field = '';
		if (opts.keepEmptyRows || row.length > 1 || row[0].trim() !== '') rows.push(row);
		row = [];
	};
	while (i < n) {
		const c = text[i];
		if (c === '"' && field.trim() === '') {
			// Quoted field (leading blanks before the quote are tolerated).
			const start = line;
			field = '';
			i++;
			let closed = false;
			while (i < n) {
				const q = text[i];
				if (q === '"') {
					if (text[i + 1] === '"') {
						field += '"';
						i += 2;
						continue;
					}
					closed = true;
					i++;
					break;
				}
				if (q === '\n' || (q === '\r' && text[i + 1] !== '\n')) line++;
				field += q;
				i++;
			}
			if (!closed) {
				problems.push({ line: start, code: 'unclosedQuote' });
				break;
			}
			// Anything up to the next delimiter or line end after the closing quote.
			let extra = '';
			while (i < n && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r')
				extra += text[i++];
			if (extra.trim() !== '') {
				problems.push({ line, code: 'textAfterQuote' });
				field += extra;
			}
			continue;
		}
		if (c === delimiter) {
			row.push(field);
			field = '';
			i++;
		} else if (c === '\r' || c === '\n') {
			endRow();
			line++;
			i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
		} else {
			field += c;
			i++;
		}
	}
	if (field !== '' || row.length > 0) endRow();
	return { rows, problems };
}

/**
 * A range copied from a spreadsheet (Excel, LibreOffice, Google Sheets): tab-separated
 * cells, CRLF or LF rows, cells holding a tab, a line break or a quote in double quotes.
 * A blank row stays (its cells are blank); the line end after the last row does not
 * make another one.
 */
export function parseTsvRange(text: string): string[][] {
	return parseCsv(text, '\t', { keepEmptyRows: true }).rows;
}

/** Field counts per line for the first lines, quote-aware, for one delimiter. */
function fieldCounts(sample: string, delimiter: string): number[] {
	return parseCsv(sample, delimiter)
		.rows.slice(0, 50)
		.map((r) => r.length);
}

/**
 * The delimiter that splits the first lines into the most fields, the same number
 * on (nearly) every line. A file with one column gets ','.
 */
export function sniffDelimiter(text: string): Delimiter {
	// About 50 lines is enough, but never cut inside a quoted line break on purpose:
	// a cut only loses the last (partial) line, which is dropped below.
	const sample = text.slice(0, 64 * 1024);
	let best: { d: Delimiter; score: number } = { d: ',', score: 0 };
	for (const d of DELIMITERS) {
		const counts = fieldCounts(sample, d);
		if (counts.length > 1 && sample.length === 64 * 1024) counts.pop();
		if (counts.length === 0) continue;
		const first = counts[0];
		if (first < 2) continue;
		const same = counts.filter((c) => c === first).length / counts.length;
		const score = same * first;
		if (same >= 0.8 && score > best.score) best = { d, score };
	}
	return best.d;
}

function quoteField(value: string, delimiter: string): string {
	return /["\r\n]/.test(value) || value.includes(delimiter) || /^\s|\s$/.test(value)
		? `"${value.replace(/"/g, '""')}"`
		: value;
}

/**
 * A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or CR
 * before one of them) as a formula: CSV injection. Names and notes come from outside
 * (imported exhibitor lists), so every such cell gets a leading apostrophe, which
 * Excel and LibreOffice show as plain text. Only a cell that is exactly a number
 * (`-12.5`, `+3`) or a phone number of digits and single spaces (`+98 21 5555 1234`)
 * keeps its sign: without letters, brackets or operators it cannot call anything.
 */
export function neutraliseFormula(value: string): string {
	if (!/^[=+\-@\t\r]/.test(value)) return value;
	if (/^[+-]?(?:\d+(?:\.\d+)?|\.\d+)$/.test(value) || /^\+\d+(?: \d+)*$/.test(value)) return value;
	return `'${value}`;
}

/**
 * One CSV field, as every CSV the app writes has it: formulas neutralised, quoted
 * when it holds the delimiter, a quote, a line break or edge spaces.
 */
export function csvField(
	value: string | number | null | undefined,
	delimiter: string = ','
): string {
	if (value === null || value === undefined) return '';
	return quoteField(
		typeof value === 'number' ? String(value) : neutraliseFormula(value),
		delimiter
	);
}

export function toCsv(
	rows: readonly (readonly (string | number | null | undefined)[])[],
	opts: { delimiter?: string; bom?: boolean } = {}
): string {
	const d = opts.delimiter ?? ',';
	const body = rows.map((r) => r.map((v) => csvField(v, d)).join(d)).join('\r\n');
	return (opts.bom ? '\ufeff' : '') + body + (rows.length > 0 ? '\r\n' : '');
}

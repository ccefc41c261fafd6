/**
 * From a file's bytes to a header and rows of text cells: CSV (encoding detected
 * or chosen, delimiter sniffed) or XLSX (first sheet, through read-excel-file).
 * Runs in the import worker; also in Node for tests.
 */
import { readSheet } from 'read-excel-file/universal';
import { parseCsv, sniffDelimiter, type CsvProblem, type Delimiter } from '$lib/domain/csv';
import {
	decodeText,
	DecodeError,
	looksBinary,
	NulCharacterError,
	type DetectedEncoding,
	type TextEncoding
} from '$lib/domain/encoding';
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, type SourceRow } from '$lib/domain/import';

export const FILE_KIND = { csv: 'csv', xlsx: 'xlsx' } as const;
export type FileKind = (typeof FILE_KIND)[keyof typeof FILE_KIND];

export interface ParsedFile {
	kind: FileKind;
	headers: string[];
	rows: SourceRow[];
	encoding: DetectedEncoding | null;
	delimiter: Delimiter | null;
	problems: CsvProblem[];
	/** Rows whose number of cells differs from the header's. */
	ragged: number;
}

/** A file that cannot be imported, with an i18n key that says what to do. */
export class ImportFileError extends Error {
	readonly name = 'ImportFileError';
	constructor(
		readonly code:
			| 'empty'
			| 'tooLarge'
			| 'tooManyRows'
			| 'binary'
			| 'nul'
			| 'badEncoding'
			| 'badXlsx'
			| 'noHeader',
		readonly params: Record<string, string | number> = {}
	) {
		super(code);
	}
}

const isZip = (b: Uint8Array) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

export function fileKind(name: string, bytes: Uint8Array): FileKind {
	return isZip(bytes) || /\.xlsx$/i.test(name) ? 'xlsx' : 'csv';
}

function pad(date: Date): string {
	// Excel dates are calendar days; read-excel-file gives them as UTC midnight.
	return date.toISOString().slice(0, 10);
}

function cellText(v: unknown): string {
	if (v === null || v === undefined) return '';
	if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : pad(v);
	if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
	return String(v).trim();
}

function toRows(
	matrix: readonly (readonly unknown[])[]
): Omit<ParsedFile, 'kind' | 'encoding' | 'delimiter' | 'problems'> {
	let start = 0;
	while (start < matrix.length && matrix[start].every((c) => cellText(c) === '')) start++;
	if (start >= matrix.length) throw new ImportFileError('empty');
	const headers = matrix[start].map(cellText);
	// Trailing empty header cells (a sheet formatted wider than its data) are not columns.
	while (headers.length > 0 && headers[headers.length - 1] === '') headers.pop();
	if (headers.length === 0) throw new ImportFileError('noHeader');
	const rows: SourceRow[] = [];
	let ragged = 0;
	for (let i = start + 1; i < matrix.length; i++) {
		const cells = matrix[i].map(cellText);
		if (cells.every((c) => c === '')) continue;
		while (cells.length > headers.length && cells[cells.length - 1] === '') cells.pop();
		if (cells.length !== headers.length) ragged++;
		rows.push({ line: i + 1, cells });
	}
	if (rows.length > IMPORT_MAX_ROWS)
		throw new ImportFileError('tooManyRows', { max: IMPORT_MAX_ROWS });
	return { headers, rows, ragged };
}

export async function parseFile(opts: {
	name: string;
	bytes: Uint8Array;
	encoding?: TextEncoding;
}): Promise<ParsedFile> {
	const { bytes } = opts;
	if (bytes.length === 0) throw new ImportFileError('empty');
	if (bytes.length > IMPORT_MAX_BYTES)
		throw new ImportFileError('tooLarge', { max: Math.round(IMPORT_MAX_BYTES / 1024 / 1024) });
	if (fileKind(opts.name, bytes) === 'xlsx') {
		let matrix: unknown[][];
		try {
			const copy = bytes.slice().buffer;
			matrix = (await readSheet(copy, { parseNumber: (s: string) => s })) as unknown[][];
		} catch {
			throw new ImportFileError('badXlsx');
		}
		return { kind: 'xlsx', encoding: null, delimiter: null, problems: [], ...toRows(matrix) };
	}
	if (looksBinary(bytes)) throw new ImportFileError('binary');
	let decoded: ReturnType<typeof decodeText>;
	try {
		decoded = decodeText(bytes, { encoding: opts.encoding });
	} catch (e) {
		if (e instanceof DecodeError)
			throw new ImportFileError('badEncoding', { encoding: e.encoding });
		if (e instanceof NulCharacterError) throw new ImportFileError('nul', { line: e.line });
		throw e;
	}
	const delimiter = sniffDelimiter(decoded.text);
	const parsed = parseCsv(decoded.text, delimiter);
	return {
		kind: 'csv',
		encoding: decoded.detected,
		delimiter,
		problems: parsed.problems,
		...toRows(parsed.rows)
	};
}

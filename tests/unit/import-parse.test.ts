/**
 * Import, reading and checking (issue 8): encoding detection, delimiter sniffing,
 * header guessing and row validation on real-looking files in
 * tests/fixtures/import (Persian, Chinese, English; and malformed ones).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv, sniffDelimiter, toCsv, neutraliseFormula } from '../../src/lib/domain/csv';
import {
	decodeText,
	DecodeError,
	detectEncoding,
	persianLetterForms
} from '../../src/lib/domain/encoding';
import { guessMapping, shapeKey, IMPORTABLE_FIELDS } from '../../src/lib/domain/headers';
import { changesFor, checkRow } from '../../src/lib/domain/import';
import { buildMatchIndex } from '../../src/lib/domain/normalize';
import { planRows } from '../../src/lib/import/check';
import { ImportFileError, parseFile } from '../../src/lib/import/parse';
import { DEFAULT_CATEGORIES, DEFAULT_TIERS } from '../../src/lib/domain/settings';
import { cellPreparer, labelSynonyms, prepareCell } from '../../src/lib/import/prepare';

const dir = path.resolve(__dirname, '../fixtures/import');
const bytes = (name: string) => new Uint8Array(fs.readFileSync(path.join(dir, name)));
const read = (name: string, encoding?: Parameters<typeof parseFile>[0]['encoding']) =>
	parseFile({ name, bytes: bytes(name), encoding });
const mapped = (headers: string[]) => guessMapping(headers, labelSynonyms(IMPORTABLE_FIELDS));

describe('encoding detection', () => {
	it.each([
		['en-exhibitors.csv', 'utf-8', 'validUtf8'],
		['fa-members-bom.csv', 'utf-8', 'bom'],
		['fa-subscribers-1256.csv', 'windows-1256', 'statistics'],
		['zh-visitors-gb18030.csv', 'gb18030', 'statistics'],
		['de-exhibitors-1252.csv', 'windows-1252', 'statistics'],
		['zh-visitors-utf16.txt', 'utf-16le', 'bom'],
		['zh-visitors-utf16be-nobom.txt', 'utf-16be', 'nulPattern']
	])('%s is %s (by %s)', (file, encoding, by) => {
		expect(detectEncoding(bytes(file))).toMatchObject({ encoding, by });
	});

	it('decodes Windows-1256 Persian and GB18030 Chinese to the right text', () => {
		expect(decodeText(bytes('fa-subscribers-1256.csv')).text).toContain('فولاد سپاهان');
		expect(decodeText(bytes('zh-visitors-gb18030.csv')).text).toContain('上海华东机械有限公司');
	});

	it('decodes Windows-1252 (Latin-1) Western text, not as GB18030 mojibake', () => {
		const { text, detected } = decodeText(bytes('de-exhibitors-1252.csv'));
		expect(detected.encoding).toBe('windows-1252');
		expect(text).toContain('Müller Maschinenbau GmbH;Köln');
		expect(text).toContain('Société Générale d’Équipement');
		expect(text).toContain('€1.200');
		// Two accented names alone, as the QA file had them.
		const latin1 = new Uint8Array([
			...new TextEncoder().encode('Name,Region\r\nM'),
			0xfc,
			...new TextEncoder().encode('ller Maschinenbau GmbH,K'),
			0xf6,
			...new TextEncoder().encode('ln\r\n')
		]);
		expect(decodeText(latin1).text).toContain('Müller Maschinenbau GmbH,Köln');
	});

	it('a wrong override is refused, not imported as mojibake', () => {
		expect(() => decodeText(bytes('zh-visitors-gb18030.csv'), { encoding: 'utf-8' })).toThrow(
			DecodeError
		);
	});

	it('the BOM is not part of the first header', () => {
		const { text } = decodeText(bytes('fa-members-bom.csv'));
		expect(text.startsWith('نام,')).toBe(true);
	});
});

describe('CSV', () => {
	it('sniffs comma, semicolon and tab', () => {
		expect(sniffDelimiter('a,b,c\n1,2,3\n')).toBe(',');
		expect(sniffDelimiter('a;b;c\n"1,5";2;3\n')).toBe(';');
		expect(sniffDelimiter('a\tb\n1\t2\n')).toBe('\t');
	});

	it('keeps quoted delimiters, doubled quotes and line breaks', () => {
		const { rows, problems } = parseCsv('a,b\r\n"x, y","say ""hi""\nthere"\r\n', ',');
		expect(problems).toEqual([]);
		expect(rows).toEqual([
			['a', 'b'],
			['x, y', 'say "hi"\nthere']
		]);
	});

	it('reports an unclosed quote with its line', () => {
		const { problems } = parseCsv('a,b\n1,"open\n2,3\n', ',');
		expect(problems).toEqual([{ line: 2, code: 'unclosedQuote' }]);
	});

	it('writes with BOM and CRLF, quotes what needs it, and neutralises formulas', () => {
		const csv = toCsv(
			[
				['name', 'phone'],
				['=HYPERLINK("x")', '+98 21 1234'],
				['a,b', null]
			],
			{ bom: true }
		);
		expect(csv).toBe('\ufeffname,phone\r\n"\'=HYPERLINK(""x"")",+98 21 1234\r\n"a,b",\r\n');
		expect(neutraliseFormula('-1')).toBe('-1');
		expect(neutraliseFormula('@SUM(A1)')).toBe("'@SUM(A1)");
	});

	it('neutralises every cell starting with = + - @ tab or CR but a bare number or phone', () => {
		for (const hostile of [
			"+1+cmd|' /C calc'!A0",
			'-1+HYPERLINK("http://evil.example","y")',
			"+(1)+cmd|'/c calc'!A0",
			'-.5+A1',
			"-2+3+cmd|' /C calc'!A0",
			'+98 21 5555+A1',
			'-1 ',
			'+1e3',
			'-',
			'\t=1+1',
			'\r=1+1'
		])
			expect(neutraliseFormula(hostile)).toBe(`'${hostile}`);
		for (const plain of ['-1', '+3', '-12.5', '-.5', '+98 21 5555 1234', '+989121234567', 'a=b'])
			expect(neutraliseFormula(plain)).toBe(plain);
		// Numbers written as numbers are never touched; the report and ledger CSVs use the same.
		expect(toCsv([[-5, '-5+A1']])).toBe("-5,'-5+A1\r\n");
	});
});

describe('header guessing', () => {
	it('English exhibitor list', async () => {
		const f = await read('en-exhibitors.csv');
		expect(mapped(f.headers)).toEqual([
			'name',
			'legalRep',
			'phone',
			'email',
			'website',
			'region',
			'products',
			'size',
			'joinDate',
			'notes'
		]);
	});

	it('Persian subscription list (Windows-1256, semicolons)', async () => {
		const f = await read('fa-subscribers-1256.csv');
		expect(f.delimiter).toBe(';');
		expect(mapped(f.headers)).toEqual([
			'name',
			'legalRep',
			'phone',
			'email',
			'region',
			'products',
			'status',
			'joinDate',
			'notes'
		]);
	});

	it('Chinese visitor list (GB18030 and UTF-16 tab-separated give the same)', async () => {
		const a = await read('zh-visitors-gb18030.csv');
		const b = await read('zh-visitors-utf16.txt');
		expect(b.delimiter).toBe('\t');
		expect(b.headers).toEqual(a.headers);
		expect(mapped(a.headers)).toEqual([
			'name',
			'legalRep',
			'phone',
			'email',
			'region',
			'products',
			'enterpriseType',
			'notes'
		]);
	});

	it('the shape key ignores case, spacing and Arabic/Persian letter forms', () => {
		expect(shapeKey(['Company Name', 'E-mail'])).toBe(shapeKey(['company name', 'email']));
		expect(shapeKey(['نام شركت'])).toBe(shapeKey(['نام شرکت']));
	});

	it('an unknown column maps to nothing', () => {
		expect(mapped(['Booth no.', 'name'])).toEqual([null, 'name']);
	});

	it('category is a closed set: a label in any language or an id, else rejected', () => {
		const m = mapped(['name', 'Member category']);
		expect(m).toEqual(['name', 'category']);
		const row = (c: string) => checkRow({ line: 2, cells: ['X Co', c] }, m, prepareCell);
		expect(row('تولیدکننده').values.category).toBe('manufacturer');
		expect(row('供应商').values.category).toBe('supplier');
		expect(row('Textiles').errors.map((e) => e.reason)).toEqual(['expect.select']);
	});
});

describe('choices the settings define', () => {
	// The settings as an admin left them: the default tiers and categories, plus a tier
	// `gold` and a category `recycling` of their own.
	const rows = (t: Record<string, Record<string, unknown>>) =>
		Object.entries(t).map(([id, r]) => ({ id, ...r }));
	const choices = {
		tier: [
			...rows(DEFAULT_TIERS),
			{ id: 'gold', labelEn: 'Gold member', labelFa: 'عضو طلایی', labelZh: '金牌会员', order: 6 }
		],
		category: [
			...rows(DEFAULT_CATEGORIES),
			{ id: 'recycling', labelEn: 'Recycling 2', labelFa: 'بازیافت ۲', labelZh: '回收' }
		]
	};
	const prepare = cellPreparer(choices);
	const value = (field: 'tier' | 'category', raw: string) => {
		const r = prepare(field, raw);
		return r.ok ? r.value : r.expectKey;
	};

	it('a tier or category by its id or its settings label in en, fa, zh, folded', () => {
		expect(value('tier', 'gold')).toBe('gold');
		expect(value('tier', 'GOLD')).toBe('gold');
		expect(value('tier', 'عضو طلایی')).toBe('gold');
		// Arabic yeh, another spacing, a zero-width non-joiner.
		expect(value('tier', ' عضو  طلايي ')).toBe('gold');
		expect(value('tier', 'gold member')).toBe('gold');
		expect(value('tier', '金牌会员')).toBe('gold');
		expect(value('tier', 'عضو عادی')).toBe('regular');
		expect(value('tier', 'عضو حامی')).toBe('donor');
		expect(value('tier', 'Council Member')).toBe('council');
		// The app's own option labels still read.
		expect(value('tier', 'عادی')).toBe('regular');
		expect(value('category', 'recycling')).toBe('recycling');
		// Persian or Latin digits alike.
		expect(value('category', 'بازیافت 2')).toBe('recycling');
		expect(value('category', 'recycling ۲')).toBe('recycling');
		expect(value('category', '回收')).toBe('recycling');
		expect(value('category', 'تولیدکننده')).toBe('manufacturer');
		expect(value('tier', 'platinum')).toBe('expect.select');
	});

	it('without the settings only the built-in choices are known', () => {
		expect(prepareCell('tier', 'gold')).toEqual({ ok: false, expectKey: 'expect.select' });
		expect(prepareCell('tier', 'regular')).toEqual({ ok: true, value: 'regular' });
	});

	it("the app's own CSV export of the grid imports whole (round trip)", async () => {
		const f = await read('fa-grid-export.csv');
		const m = mapped(f.headers);
		expect(m).toContain('tier');
		const planned = planRows({ rows: f.rows, mapping: m, existing: [], choices });
		expect(planned.map((r) => r.errors)).toEqual([[], [], [], []]);
		expect(planned.map((r) => r.values.tier)).toEqual(['gold', 'regular', 'donor', 'regular']);
		expect(planned.map((r) => r.values.size)).toEqual([undefined, 'medium', 'large', 'small']);
	});
});

describe('validation', () => {
	it('Persian digits and Solar Hijri dates become ASCII and ISO', async () => {
		const f = await read('fa-members-bom.csv');
		const m = mapped(f.headers);
		expect(m).toEqual(['name', 'phone', 'email', 'joinDate', 'tier']);
		const r = checkRow(f.rows[0], m, prepareCell);
		expect(r.errors).toEqual([]);
		expect(r.values).toEqual({
			name: 'کارخانه کاشی یزد',
			phone: '0913 123 4567',
			email: 'sales@yazdtile.example',
			joinDate: '2023-04-04',
			tier: 'regular'
		});
	});

	it('option labels and words in any language become stored values', async () => {
		const f = await read('fa-subscribers-1256.csv');
		const m = mapped(f.headers);
		const rows = f.rows.map((r) => checkRow(r, m, prepareCell));
		expect(rows[0].values.status).toBe('active');
		// A file brings existing members in their state ([J1]: a new row may start in any).
		expect(rows.map((r) => r.errors)).toEqual([[], [], []]);
		expect(rows[1].values.status).toBe('prospect');
		expect(rows[0].values.joinDate).toBe('2019-08-03');
	});

	it('bad dates, bad emails and missing names are rejected with the reason', async () => {
		const f = await read('bad-dates.csv');
		const m = mapped(f.headers);
		const rows = f.rows.map((r) => checkRow(r, m, prepareCell));
		expect(rows.map((r) => r.errors.map((e) => `${e.field}:${e.reason}`))).toEqual([
			[],
			['joinDate:expect.date'],
			['joinDate:expect.date'],
			['email:expect.email'],
			['name:import.reason.nameRequired']
		]);
		expect(rows[1].errors[0]).toMatchObject({ column: 1, value: '2020-02-31' });
		expect(rows.map((r) => r.line)).toEqual([2, 3, 4, 5, 6]);
	});

	it('ragged rows are counted and still checked', async () => {
		const f = await read('ragged.csv');
		expect(f.ragged).toBe(2);
		const rows = f.rows.map((r) => checkRow(r, mapped(f.headers), prepareCell));
		expect(rows.map((r) => r.values.name)).toEqual(['Alpha Co', 'Beta Co', 'Gamma, Inc.']);
		expect(rows[2].values.region).toBe('Qom');
	});

	it('XLSX: date cells, numbers kept as text, Chinese option labels', async () => {
		const f = await read('zh-en-exhibitors.xlsx');
		expect(f.kind).toBe('xlsx');
		const m = mapped(f.headers);
		expect(m).toEqual(['name', 'phone', 'email', 'region', 'status', 'joinDate', 'tier']);
		const rows = f.rows.map((r) => checkRow(r, m, prepareCell));
		expect(rows[0].values).toMatchObject({
			phone: '13912345678',
			status: 'active',
			joinDate: '2020-05-20',
			tier: 'regular'
		});
		expect(rows[0].errors).toEqual([]);
		expect(rows[1].errors).toEqual([]);
		expect(rows[2].errors.map((e) => e.field).sort()).toEqual(['email', 'phone', 'status']);
	});

	it.each([
		['empty.csv', 'empty'],
		['junk.png', 'binary']
	])('%s is refused (%s)', async (file, code) => {
		await expect(read(file)).rejects.toMatchObject({ name: 'ImportFileError', code });
	});

	it('a CSV with a NUL byte is refused with the line it is on, not as "not a CSV"', async () => {
		const text = (s: string) => new TextEncoder().encode(s);
		const csv = 'name,region\nAlpha Co,Tehran\n"Beta\nCo",Isfahan\nGamma\u0000 Co,Tabriz\n';
		await expect(parseFile({ name: 'nul.csv', bytes: text(csv) })).rejects.toMatchObject({
			name: 'ImportFileError',
			code: 'nul',
			params: { line: 5 }
		});
		// Past the part looksBinary reads, too.
		const long = `name\n${'Alpha Co\n'.repeat(2000)}Beta\u0000\n`;
		await expect(parseFile({ name: 'nul.csv', bytes: text(long) })).rejects.toMatchObject({
			code: 'nul',
			params: { line: 2002 }
		});
		// A UTF-16 file read as UTF-8 (NUL in every other byte) is still an encoding to change.
		const u16 = new Uint8Array([...text('name\nAlpha\n')].flatMap((b) => [b, 0]));
		await expect(
			parseFile({ name: 'u16.csv', bytes: u16, encoding: 'utf-8' })
		).rejects.toMatchObject({ code: 'badEncoding' });
	});

	it('a file that is not a workbook but is named .xlsx is refused', async () => {
		await expect(
			parseFile({ name: 'x.xlsx', bytes: new Uint8Array([0x50, 0x4b, 3, 4, 1, 2, 3]) })
		).rejects.toBeInstanceOf(ImportFileError);
	});
});

describe('matching', () => {
	const existing = [
		{ id: 'member-sepahan1', name: 'شركت فولاد سپاهان', phone: '+98 21 8877 6655' },
		{ id: 'member-hdjx0001', name: '上海华东机械', email: 'WangWei@hdjx.example' },
		{ id: 'member-north001', name: 'Other name', email: 'anne@northwind.example', region: 'Leeds' }
	];

	it('finds records by normalised name, phone or email, with the fields an update changes', async () => {
		const fa = await read('fa-subscribers-1256.csv');
		const zh = await read('zh-visitors-gb18030.csv');
		const en = await read('en-exhibitors.csv');
		const plan = (f: typeof fa) => planRows({ rows: f.rows, mapping: mapped(f.headers), existing });
		const [, golestan] = plan(fa);
		expect(golestan.match).toBeNull();
		const sepahan = planRows({
			rows: [{ line: 2, cells: fa.rows[0].cells.map((c, i) => (i === 6 ? '' : c)) }],
			mapping: mapped(fa.headers),
			existing
		})[0];
		expect(sepahan.match).toEqual({ id: 'member-sepahan1', reasons: ['name', 'phone'] });
		expect(sepahan.action).toBe('update');
		const [hdjx, other] = plan(zh);
		expect(hdjx.match?.id).toBe('member-hdjx0001');
		expect(other.match).toBeNull();
		expect(other.action).toBe('add');
		const [northwind] = plan(en);
		expect(northwind.match).toEqual({ id: 'member-north001', reasons: ['email'] });
		expect(northwind.changes.find((c) => c.field === 'region')).toEqual({
			field: 'region',
			from: 'Leeds',
			to: 'London'
		});
	});

	it('the same company twice in one file: the later row is skipped by default', () => {
		const rows = planRows({
			rows: [
				{ line: 2, cells: ['Acme Trading Co., Ltd.', 'info@acme.example'] },
				{ line: 3, cells: ['Other Co', ''] },
				{ line: 4, cells: ['ACME Trading', 'INFO@acme.example'] }
			],
			mapping: ['name', 'email'],
			existing: []
		});
		expect(rows.map((r) => [r.action, r.duplicateOfLine])).toEqual([
			['add', undefined],
			['add', undefined],
			['skip', 2]
		]);
	});

	it('a match that changes nothing is skipped by default; empty cells never clear; status never changes', () => {
		expect(changesFor({ name: 'A', phone: '1' }, { name: 'A' })).toEqual([]);
		expect(changesFor({ name: 'A', status: 'active' }, { name: 'A', status: 'prospect' })).toEqual(
			[]
		);
		// An approved member's tier, category and join date are the approver's [J2].
		expect(
			changesFor(
				{ name: 'A', memberNo: 7, tier: 'regular', category: 'trade', joinDate: '2020-01-01' },
				{ name: 'A', tier: 'council', category: 'design', joinDate: '2021-02-02', region: 'X' }
			)
		).toEqual([{ field: 'region', from: undefined, to: 'X' }]);
		expect(
			changesFor({ name: 'A', tier: 'regular' }, { name: 'A', tier: 'council' }).map((c) => c.field)
		).toEqual(['tier']);
		const index = buildMatchIndex([{ id: 'abcdefgh1', name: 'A Co' }]);
		const [row] = planRows({
			rows: [{ line: 2, cells: ['A Co', ''] }],
			mapping: ['name', 'phone'],
			existing: [{ id: 'abcdefgh1', name: 'A Co', phone: '021 555 1234' }]
		});
		expect(index.find({ name: 'a co' })).toHaveLength(1);
		expect(row.action).toBe('skip');
	});
});

describe('line breaks', () => {
	it('a one-line field is stored on one line, as the preview shows it; notes keep their lines', () => {
		const { rows } = parseCsv('name,notes\r\n"Multi\r\nLine Co","first\nsecond"\r\n');
		expect(prepareCell('name', rows[1][0])).toEqual({ ok: true, value: 'Multi Line Co' });
		expect(prepareCell('region', 'Köln \n\n Mitte')).toEqual({ ok: true, value: 'Köln Mitte' });
		expect(prepareCell('notes', rows[1][1])).toEqual({ ok: true, value: 'first\nsecond' });
	});
});

describe('Persian letter forms', () => {
	it('Persian text in Arabic yeh and kaf is imported in the Persian forms; Arabic names are kept', () => {
		expect(prepareCell('name', 'شركت فولاد سپاهان')).toEqual({
			ok: true,
			value: 'شرکت فولاد سپاهان'
		});
		expect(prepareCell('region', 'اصفهان')).toEqual({ ok: true, value: 'اصفهان' });
		expect(prepareCell('name', 'شركة الخليج')).toEqual({ ok: true, value: 'شركة الخليج' });
	});

	it('an update is not proposed when the only difference is the letter forms', () => {
		const existing = [{ id: 'member-sepahan1', name: 'شرکت فولاد سپاهان', region: 'کرمان' }];
		const [row] = planRows({
			// «كرمان» has no letter only Persian has: it is kept as written, yet is the same region.
			rows: [{ line: 2, cells: ['شركت فولاد سپاهان', 'كرمان'] }],
			mapping: ['name', 'region'],
			existing
		});
		expect(row.match?.id).toBe('member-sepahan1');
		expect(row.changes).toEqual([]);
		expect(row.action).toBe('skip');
		expect(changesFor({ name: 'شرکت کاشی' }, { name: 'شركت كاشي' })).toEqual([]);
	});

	it('a Persian Windows-1256 file gets Persian yeh and kaf; Arabic text is left alone', async () => {
		const f = await read('fa-subscribers-1256.csv');
		expect(f.rows[0].cells[1]).toBe('رضا کریمی');
		expect(persianLetterForms('كتاب علي')).toBe('كتاب علي');
	});
});

import { describe, expect, it } from 'vitest';
import { clip, newRowId } from '../../src/lib/domain/text';
import { toCsv } from '../../src/lib/domain/csv';
import {
	buildMatchIndex,
	findDuplicates,
	normalizeEmail,
	normalizeName,
	normalizePhone,
	type MatchRow
} from '../../src/lib/domain/normalize';

const same = (a: string, b: string) => expect(normalizeName(a)).toBe(normalizeName(b));
const differ = (a: string, b: string) => expect(normalizeName(a)).not.toBe(normalizeName(b));

describe('normalizeName', () => {
	it('folds case, spacing, punctuation and full-width forms', () => {
		same('Acme Trading', '  ACME   trading ');
		same('Acme Trading', 'ＡＣＭＥ　Ｔｒａｄｉｎｇ');
		same('Acme-Trading', 'Acme Trading');
		same('Acme, Trading.', 'acme trading');
		same("McDonald's", 'McDonalds');
		same('Société Générale', 'Societe Generale');
		expect(normalizeName('Acme Trading')).toBe('acmetrading');
	});

	it('removes company legal forms in English', () => {
		for (const v of [
			'Acme Ltd',
			'Acme Ltd.',
			'ACME LIMITED',
			'Acme Co., Ltd.',
			'Acme Co.,Ltd',
			'Acme Inc.',
			'Acme, Inc',
			'Acme LLC',
			'Acme L.L.C.',
			'Acme Corp',
			'Acme Corporation',
			'Acme Company',
			'The Acme Company Limited',
			'Acme GmbH',
			'Acme Group Holdings Ltd',
			'Acme (Pvt) Ltd'
		]) {
			expect(normalizeName(v), v).toBe('acme');
		}
	});

	it('maps Arabic letters to Persian and drops diacritics, tatweel and ZWNJ', () => {
		same('كيان', 'کیان'); // ك/ک and ي/ی
		same('مصطفى', 'مصطفی'); // alef maksura
		same('شرکت صنایع غذایی', 'شركة صنايع غذايي');
		same('مؤسسه', 'موسسه');
		same('آرین', 'ارین');
		same('إيران', 'ایران');
		same('فرهنگ', 'فـــرهـنگ'); // tatweel
		same('مُحَمَّد', 'محمد'); // harakat
		same('پارس‌خودرو', 'پارس خودرو'); // ZWNJ vs space
		same('پارس‌خودرو', 'پارسخودرو');
		same('خانهٔ', 'خانه');
	});

	it('removes Persian legal forms', () => {
		const key = normalizeName('پارس خودرو');
		for (const v of [
			'شرکت پارس خودرو',
			'شرکت پارس خودرو (سهامی خاص)',
			'پارس خودرو سهامی عام',
			'شرکت پارس خودرو با مسئولیت محدود',
			'پارس خودرو (مسئولیت محدود)',
			'پارس خودرو با مسؤولیت محدود',
			'شركة پارس خودرو',
			'پارس خودرو (س.خ)',
			'گروه پارس خودرو'
		]) {
			expect(normalizeName(v), v).toBe(key);
		}
	});

	it('removes Chinese legal forms and folds full-width brackets', () => {
		const key = normalizeName('华为技术');
		for (const v of [
			'华为技术有限公司',
			'华为技术股份有限公司',
			'华为技术有限责任公司',
			'华为技术（集团）有限公司',
			'华为技术集团',
			'华为技术 有限公司',
			'华为技术公司'
		]) {
			expect(normalizeName(v), v).toBe(key);
		}
	});

	it('turns Persian, Arabic, full-width and Chinese digits into ASCII', () => {
		same('کارخانه ۱۲۳', 'کارخانه 123');
		same('کارخانه ١٢٣', 'کارخانه 123');
		same('工厂１２３', '工厂123');
		same('第一工厂', '第1工厂');
	});

	it('keeps different names apart and never returns a bare legal form as empty', () => {
		differ('Acme', 'Acne');
		differ('华为技术', '华为科技');
		differ('پارس خودرو', 'ایران خودرو');
		expect(normalizeName('Co.')).toBe('co');
		expect(normalizeName('有限公司')).toBe('有限公司');
		expect(normalizeName('شرکت')).toBe('شرکت');
		expect(normalizeName('')).toBe('');
		expect(normalizeName('  ...  ')).toBe('');
		expect(normalizeName(undefined as unknown as string)).toBe('');
	});
});

describe('normalizePhone', () => {
	it('drops the Iranian country code and trunk zero', () => {
		const key = '9123456789';
		for (const v of [
			'+98 912 345 6789',
			'0098 912 345 6789',
			'0912-345-6789',
			'۰۹۱۲ ۳۴۵ ۶۷۸۹',
			'٠٩١٢٣٤٥٦٧٨٩',
			'98 912 345 6789',
			'+98 (0) 912 345 6789',
			'(0912) 345 6789'
		]) {
			expect(normalizePhone(v), v).toBe(key);
		}
		expect(normalizePhone('021 8888 1234')).toBe(normalizePhone('+98 21 8888 1234'));
	});

	it('drops the Chinese country code and trunk zero', () => {
		expect(normalizePhone('+86 138 0013 8000')).toBe('13800138000');
		expect(normalizePhone('138 0013 8000')).toBe('13800138000');
		expect(normalizePhone('0086-138-0013-8000')).toBe('13800138000');
		expect(normalizePhone('８６ １３８ ００１３ ８０００')).toBe('13800138000');
		expect(normalizePhone('010-6552 9988')).toBe(normalizePhone('+86 10 6552 9988'));
	});

	it('keeps other country codes and drops extensions', () => {
		expect(normalizePhone('+49 30 1234567')).toBe('0049301234567');
		expect(normalizePhone('0049 30 1234567')).toBe('0049301234567');
		expect(normalizePhone('021 8888 1234 ext. 12')).toBe(normalizePhone('021 8888 1234'));
		expect(normalizePhone('021 8888 1234 داخلی ۱۲')).toBe(normalizePhone('021 8888 1234'));
		expect(normalizePhone('010 6552 9988 转 301')).toBe(normalizePhone('010 6552 9988'));
		expect(normalizePhone('')).toBe('');
		expect(normalizePhone('n/a')).toBe('');
	});
});

describe('normalizeEmail', () => {
	it('lower-cases, trims and removes decorations', () => {
		expect(normalizeEmail('  Info@Example.ORG ')).toBe('info@example.org');
		expect(normalizeEmail('mailto:info@example.org')).toBe('info@example.org');
		expect(normalizeEmail('Acme <info@example.org>')).toBe('info@example.org');
		expect(normalizeEmail('ｉｎｆｏ＠ｅｘａｍｐｌｅ．ｏｒｇ')).toBe('info@example.org');
	});

	it("ignores Gmail's dots and tags only for Gmail", () => {
		expect(normalizeEmail('J.Doe+news@googlemail.com')).toBe('jdoe@gmail.com');
		expect(normalizeEmail('j.doe+news@example.org')).toBe('j.doe+news@example.org');
	});

	it('returns empty for what is not an address', () => {
		expect(normalizeEmail('')).toBe('');
		expect(normalizeEmail('no address')).toBe('');
		expect(normalizeEmail('@example.org')).toBe('');
		expect(normalizeEmail('info@')).toBe('');
	});
});

describe('findDuplicates and the match index', () => {
	const rows: MatchRow[] = [
		{ id: 'a', name: 'Acme Co., Ltd.', phone: '+98 21 8888 1234', email: 'info@acme.com' },
		{ id: 'b', name: 'شرکت کیان (سهامی خاص)', phone: '0912 345 6789' },
		{ id: 'c', name: 'Other', email: 'sales@acme.com' },
		{ id: 'd', name: 'ACME', mergedInto: 'a' },
		{ id: 'e', name: 'Beta', phone: ['0311 222 3344', '0912 000 1111'] }
	];

	it('finds by name, phone or email with the reasons', () => {
		expect(findDuplicates({ name: 'ACME LIMITED' }, rows)).toEqual([
			{ id: 'a', reasons: ['name'] }
		]);
		expect(findDuplicates({ name: 'كيان', phone: '+989123456789' }, rows)).toEqual([
			{ id: 'b', reasons: ['name', 'phone'] }
		]);
		expect(findDuplicates({ email: 'SALES@acme.com' }, rows)).toEqual([
			{ id: 'c', reasons: ['email'] }
		]);
		expect(findDuplicates({ phone: '+98 912 000 1111' }, rows)).toEqual([
			{ id: 'e', reasons: ['phone'] }
		]);
	});

	it('puts the strongest match first', () => {
		expect(
			findDuplicates({ name: 'Other', phone: '021-88881234', email: 'info@acme.com' }, rows)
		).toEqual([
			{ id: 'a', reasons: ['phone', 'email'] },
			{ id: 'c', reasons: ['name'] }
		]);
	});

	it('never matches the record itself, a merged-away record, or empty and short keys', () => {
		expect(findDuplicates({ id: 'a', name: 'Acme' }, rows)).toEqual([]);
		expect(findDuplicates({ name: '', phone: '12', email: 'x' }, rows)).toEqual([]);
		expect(findDuplicates({}, rows)).toEqual([]);
	});

	it('stays correct as rows are added, changed and removed', () => {
		const index = buildMatchIndex(rows);
		expect(index.size).toBe(4);
		index.set({ id: 'a', name: 'Renamed' });
		expect(index.find({ name: 'Acme' })).toEqual([]);
		expect(index.find({ name: 'renamed' })).toEqual([{ id: 'a', reasons: ['name'] }]);
		index.set({ id: 'b', name: 'کیان', mergedInto: 'a' });
		expect(index.find({ name: 'کیان' })).toEqual([]);
		index.delete('c');
		expect(index.find({ email: 'sales@acme.com' })).toEqual([]);
		index.set({ id: 'f', name: 'Renamed Inc' });
		expect(index.find({ name: 'RENAMED' }).map((m) => m.id)).toEqual(['a', 'f']);
	});

	it('looks up in 100k rows through the index', () => {
		const many: MatchRow[] = [];
		for (let i = 0; i < 100_000; i++) {
			many.push({
				id: `r${i}`,
				name: `Company ${i} Ltd`,
				phone: `021${String(10_000_000 + i)}`,
				email: `c${i}@example.org`
			});
		}
		const index = buildMatchIndex(many);
		expect(index.size).toBe(100_000);
		expect(index.find({ name: 'company 77777', phone: '+98 21 10077777' })).toEqual([
			{ id: 'r77777', reasons: ['name', 'phone'] }
		]);
	});
});

describe('clip', () => {
	it('cuts a long text with an ellipsis, by characters, and leaves a short one', () => {
		expect(clip('short', 80)).toBe('short');
		expect(clip('مبلغ ۱۵۰٬۰۰۰٬۰۰۰ ریال', 8)).toBe('مبلغ ۱۵…');
		expect(clip('a'.repeat(81), 80)).toBe(`${'a'.repeat(79)}…`);
		expect(clip('😀😀😀', 2)).toBe('😀…');
	});
});

describe('newRowId', () => {
	it('is 16 url-safe characters and never starts with one a spreadsheet reads as a formula', () => {
		const ids = Array.from({ length: 5000 }, newRowId);
		for (const id of ids) {
			expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{15}$/);
			// Written into a CSV (the survey links' memberId), it stays itself.
			expect(toCsv([[id]])).toBe(`${id}\r\n`);
		}
		expect(new Set(ids).size).toBe(ids.length);
		// The later characters still use the whole alphabet.
		expect(ids.some((id) => id.slice(1).includes('-'))).toBe(true);
	});
});

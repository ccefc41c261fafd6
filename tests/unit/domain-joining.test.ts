import { describe, expect, it } from 'vitest';
import {
	canMove,
	MOVES,
	moveCommand,
	overdueFollowUps,
	pipelineCounts,
	plainMoves,
	STATUS_ORDER,
	statusRowRule,
	memberRowRule
} from '../../src/lib/domain/lifecycle';
import { MEMBER_STATUS } from '../../src/lib/domain/member';
import {
	decimalToMinor,
	DEFAULT_TABLES,
	DEFAULT_TEMPLATES,
	formatMemberNo,
	printedMemberNo,
	MEMBER_NO_FORMAT,
	minorToDecimal,
	pickTemplate,
	readConfig,
	renderTemplate,
	seedRowsAfter,
	SETTINGS_SEED_VERSION,
	unknownMergeFields,
	type Template
} from '../../src/lib/domain/settings';
import { canonicalJson } from '../../src/lib/domain/commands';
import { formatMoney } from '../../src/lib/domain/money';

describe('pipeline state machine', () => {
	it('[J4] knows every state, and every move leads to a known state', () => {
		expect(new Set(STATUS_ORDER)).toEqual(new Set(Object.values(MEMBER_STATUS)));
		for (const [from, tos] of Object.entries(MOVES)) {
			for (const to of tos) expect(STATUS_ORDER, `${from}→${to}`).toContain(to);
			expect(tos, `${from} does not move to itself`).not.toContain(from);
		}
	});

	it('[J4] follows the joining flow and its exits', () => {
		expect(moveCommand('prospect', 'inquiry')).toBe('move');
		expect(moveCommand('inquiry', 'applicant')).toBe('move');
		expect(moveCommand('applicant', 'verified')).toBe('verify');
		expect(moveCommand('verified', 'active')).toBe('approve');
		expect(moveCommand('applicant', 'rejected')).toBe('reject');
		expect(moveCommand('verified', 'rejected')).toBe('reject');
		expect(moveCommand('active', 'lapsed')).toBe('move');
		expect(moveCommand('lapsed', 'active')).toBe('move');
		expect(moveCommand('active', 'resigned')).toBe('move');
		expect(moveCommand('active', 'removed')).toBe('move');
		expect(moveCommand('prospect', 'eventContact')).toBe('move');
		expect(moveCommand('inquiry', 'eventContact')).toBe('move');
	});

	it('[J4] refuses shortcuts: no approval without verification, nothing out of removed', () => {
		expect(canMove('prospect', 'active')).toBe(false);
		expect(canMove('applicant', 'active')).toBe(false);
		expect(canMove('inquiry', 'verified')).toBe(false);
		expect(moveCommand('prospect', 'active')).toBeNull();
		expect(MOVES.removed).toEqual([]);
		expect(plainMoves('verified')).toEqual(['applicant']);
		expect(plainMoves('applicant')).not.toContain('verified');
	});

	it('[J1] the row rule keeps status for the server; a new row may start in any state', () => {
		expect(statusRowRule({ status: 'inquiry' }, null)).toEqual([]);
		expect(statusRowRule({ status: 'active' }, null)).toEqual([]);
		expect(statusRowRule({}, null)).toEqual([]);
		expect(statusRowRule({ status: 'active' }, { status: 'verified' })).toEqual([
			{ key: 'status', op: 'set', value: 'verified' }
		]);
		expect(statusRowRule({ status: 'inquiry' }, {})).toEqual([{ key: 'status', op: 'delete' }]);
		expect(statusRowRule({}, { status: 'active' })).toEqual([
			{ key: 'status', op: 'set', value: 'active' }
		]);
		expect(statusRowRule({ status: 'active', name: 'x' }, { status: 'active' })).toEqual([]);
	});

	it("[J2] the row rule puts back a numbered member's tier, category and join date", () => {
		const approved = { memberNo: 4, tier: 'regular', category: 'trade', joinDate: '2026-01-02' };
		expect(
			memberRowRule({ ...approved, tier: 'council', joinDate: '2020-01-01' }, approved)
		).toEqual([
			{ key: 'tier', op: 'set', value: 'regular' },
			{ key: 'joinDate', op: 'set', value: '2026-01-02' }
		]);
		expect(memberRowRule({ memberNo: 4, category: 'x' }, { memberNo: 4 })).toEqual([
			{ key: 'category', op: 'delete' }
		]);
		// Before the approval (no number) staff set them.
		expect(memberRowRule({ tier: 'council' }, { tier: 'regular' })).toEqual([]);
		expect(memberRowRule({ ...approved, name: 'New name' }, approved)).toEqual([]);
	});

	it('counts rows per state, rows without a status as prospects', () => {
		const c = pipelineCounts([{ status: 'active' }, { status: 'active' }, {}, { status: 'bogus' }]);
		expect(c.active).toBe(2);
		expect(c.prospect).toBe(2);
		expect(c.removed).toBe(0);
	});

	it('lists the owner’s overdue follow-ups, oldest first; due today is not overdue', () => {
		const rows = [
			{ id: 'a', status: 'inquiry', owner: 'sara', followUpOn: '2025-03-02' },
			{ id: 'b', status: 'inquiry', owner: 'sara', followUpOn: '2025-02-01' },
			{ id: 'c', status: 'inquiry', owner: 'ali', followUpOn: '2025-01-01' },
			{ id: 'd', status: 'inquiry', owner: 'sara', followUpOn: '2025-03-05' },
			{ id: 'e', status: 'active', owner: 'sara', followUpOn: '2025-01-01' },
			{ id: 'f', status: 'inquiry', owner: 'sara' }
		];
		expect(overdueFollowUps(rows, 'sara', '2025-03-05').map((r) => r.id)).toEqual(['b', 'a']);
	});
});

describe('settings', () => {
	it('formats member numbers with the admin’s prefix and padding', () => {
		expect(formatMemberNo('TA-{n:5}', 42)).toBe('TA-00042');
		expect(formatMemberNo('{n}', 7)).toBe('7');
		expect(formatMemberNo('M{n:3}/CN', 1234)).toBe('M1234/CN');
		// An invalid format never breaks numbering: the default is used.
		expect(formatMemberNo('broken', 3)).toBe('00003');
		expect(MEMBER_NO_FORMAT.test('A{n}{n}')).toBe(false);
	});

	it('reads the member number as printed: the certificate’s, else the format’s', () => {
		expect(printedMemberNo({ memberNo: 1 }, '{n:5}')).toBe('00001');
		expect(printedMemberNo({ memberNo: 1 }, 'GH-{n:5}')).toBe('GH-00001');
		// Printed before the admin changed the format: the certificate keeps its number.
		expect(printedMemberNo({ memberNo: 1, certificateNo: '00001' }, 'GH-{n:5}')).toBe('00001');
		expect(printedMemberNo({}, 'GH-{n:5}')).toBe('');
	});

	it('reads config with defaults for missing or invalid values', () => {
		expect(readConfig({})).toMatchObject({
			currency: 'IRR',
			lapseGraceDays: 90,
			riskInactiveDays: 365
		});
		expect(
			readConfig({ currency: 'eur', lapseGraceDays: 30.5, riskInactiveDays: 200 })
		).toMatchObject({
			currency: 'IRR',
			lapseGraceDays: 90,
			riskInactiveDays: 200
		});
	});

	it('fills merge fields, empties known ones without a value, keeps unknown ones visible', () => {
		expect(
			renderTemplate('{{name}} no. {{ memberNo }} {{tier}} {{oops}}', {
				name: 'Acme',
				memberNo: 'TA-1'
			})
		).toBe('Acme no. TA-1  {{oops}}');
		expect(unknownMergeFields('{{name}} {{oops}} {{oops}}')).toEqual(['oops']);
		// A translated or misspelt name is unknown too, not silently printed as typed.
		expect(unknownMergeFields('{{نام}} {{ 名称 }} {{member_no}} {{name}}')).toEqual([
			'نام',
			'名称',
			'member_no'
		]);
		for (const t of Object.values(DEFAULT_TEMPLATES))
			expect(unknownMergeFields(String(t.body))).toEqual([]);
	});

	it('[J5] every row added to the defaults later is a default row, under a version after the first', () => {
		expect(SETTINGS_SEED_VERSION).toBeGreaterThan(1);
		expect(seedRowsAfter(SETTINGS_SEED_VERSION)).toEqual([]);
		const added = seedRowsAfter(1);
		expect(added.map((r) => r.id)).toContain('recruitment-fa');
		for (const { table, id, row } of added) {
			expect(row).toBeDefined();
			expect(row).toBe(DEFAULT_TABLES[table][id]);
		}
	});

	it('picks the template in the member’s language, English otherwise, never an archived one', () => {
		const ts: Template[] = [
			{ id: 'c-en', kind: 'certificate', language: 'en', body: 'en' },
			{ id: 'c-fa', kind: 'certificate', language: 'fa', body: 'fa' },
			{ id: 'c-zh', kind: 'certificate', language: 'zh', body: 'zh', archived: true }
		];
		expect(pickTemplate(ts, 'certificate', 'fa')?.body).toBe('fa');
		expect(pickTemplate(ts, 'certificate', 'zh')?.body).toBe('en');
		expect(pickTemplate(ts, 'admission', 'en')).toBeNull();
	});

	it('converts amounts to integer minor units and back without floating point', () => {
		expect(decimalToMinor('12.50', 'CNY')).toBe(1250);
		expect(decimalToMinor('0.1', 'CNY')).toBe(10);
		expect(decimalToMinor('50,000,000', 'IRR')).toBe(50_000_000);
		expect(decimalToMinor('۱۲۰۰', 'IRR')).toBe(1200);
		expect(decimalToMinor('1.005', 'CNY')).toBeNull();
		expect(decimalToMinor('abc', 'CNY')).toBeNull();
		expect(minorToDecimal(1250, 'CNY')).toBe('12.50');
		expect(minorToDecimal(5, 'CNY')).toBe('0.05');
		expect(minorToDecimal(50_000_000, 'IRR')).toBe('50000000');
	});

	it('a fee typed in the settings means in the ledger what it meant when typed', () => {
		// JOD has three minor digits (ISO 4217): the settings read them by Intl and the
		// ledger took two, so a fee of 12.345 printed as 123.45.
		const fee = decimalToMinor('12.345', 'JOD')!;
		expect(fee).toBe(12_345);
		expect(formatMoney({ amount: fee, currency: 'JOD', locale: 'en' })).toContain('12.345');
		expect(minorToDecimal(fee, 'JOD')).toBe('12.345');
		expect(decimalToMinor('۱۲۰٬۰۰۰ ریال', 'IRR')).toBe(120_000);
	});
});

describe('commands', () => {
	it('[CMD4] compares bodies by content, not key order', () => {
		expect(canonicalJson({ b: 1, a: [1, { y: 2, x: 1 }] })).toBe(
			canonicalJson({ a: [1, { x: 1, y: 2 }], b: 1 })
		);
		expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: 2 }));
	});
});

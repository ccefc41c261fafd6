import { describe, expect, it } from 'vitest';
import {
	member,
	memberFields,
	parseMemberField,
	type MemberField
} from '../../src/lib/domain/member';

const VALID: Record<MemberField, unknown[]> = {
	memberNo: [1, 42, 99_999_999],
	name: ['Acme', '  Trimmed  ', '北京商会', 'شرکت'],
	status: ['prospect', 'active', 'resigned', 'eventContact'],
	tier: ['regular', 'honorary'],
	enterpriseType: ['private', 'stateOwned', 'nonProfit'],
	category: ['manufacturer', 'trade'],
	size: ['micro', 'large'],
	region: ['North'],
	address: ['1 Main St'],
	legalRep: ['A. Person'],
	phone: ['+49 30 1234567', '030 (123) 456', '0301234 ext 12'],
	email: ['info@example.org'],
	website: ['https://example.org', 'http://example.org/path'],
	joinDate: ['2024-02-29'],
	source: ['event', 'website'],
	notes: ['', 'anything'],
	createdAt: ['2024-01-01T10:00:00Z'],
	approvedAt: ['2024-01-01T10:00:00.123Z'],
	approvedBy: ['admin'],
	products: ['', 'Steel pipes, valves'],
	interests: ['Export'],
	mergedInto: ['abcdefgh12'],
	mergedAt: ['2024-01-01T10:00:00Z'],
	// joining (issue 4)
	language: ['en', 'fa', 'zh'],
	referrer: ['Council member Li'],
	owner: ['sara'],
	followUpOn: ['2025-03-01'],
	statusAt: ['2024-01-01T10:00:00Z'],
	statusBy: ['Sara'],
	verifiedAt: ['2024-01-01T10:00:00Z'],
	verifiedBy: ['Sara'],
	verifyNote: ['', 'licence seen'],
	rejectedAt: ['2024-01-01T10:00:00Z'],
	rejectedBy: ['Ali'],
	rejectReason: ['Not in the industry'],
	certificateNo: ['TA-00042']
};

const INVALID: Record<MemberField, unknown[]> = {
	memberNo: [0, -1, 1.5, '7', 100_000_000, null],
	name: ['', '   ', 'x'.repeat(201), 42, null],
	status: ['bogus', 'Active', '', 1],
	tier: ['', 'two words', 'x'.repeat(65)],
	enterpriseType: ['corp'],
	category: ['', 'Food & drink', 'x'.repeat(101)],
	size: ['huge'],
	region: ['', {}],
	address: ['x'.repeat(501)],
	legalRep: [''],
	phone: ['x', 'call me', '12'],
	email: ['x', 'a@', '@b.org', 'a b@c.org'],
	website: ['example.org', 'ftp://example.org', 'javascript:alert(1)'],
	joinDate: ['2024-02-30', '01/02/2024', '2024-1-1'],
	source: ['tv'],
	notes: ['x'.repeat(5001), 5],
	createdAt: ['yesterday', '2024-01-01'],
	approvedAt: ['2024-13-01T00:00:00Z'],
	approvedBy: [''],
	products: ['x'.repeat(2001), 3],
	interests: ['x'.repeat(1001)],
	mergedInto: ['short', '../x'],
	mergedAt: ['2024-01-01'],
	language: ['de', ''],
	referrer: [''],
	owner: ['', 'x'.repeat(65)],
	followUpOn: ['tomorrow'],
	statusAt: ['now'],
	statusBy: [''],
	verifiedAt: [''],
	verifiedBy: [''],
	verifyNote: ['x'.repeat(2001)],
	rejectedAt: ['2024-01-01'],
	rejectedBy: [''],
	rejectReason: [''],
	certificateNo: ['', 'x'.repeat(41)]
};

describe('member schema', () => {
	for (const field of Object.keys(memberFields) as MemberField[]) {
		it(`accepts valid and rejects invalid values of ${field}`, () => {
			for (const v of VALID[field])
				expect(parseMemberField(field, v).ok, `${field}=${JSON.stringify(v)}`).toBe(true);
			for (const v of INVALID[field])
				expect(parseMemberField(field, v).ok, `${field}=${JSON.stringify(v)}`).toBe(false);
		});
	}

	it('normalises text by trimming', () => {
		expect(parseMemberField('name', '  Acme  ')).toEqual({ ok: true, value: 'Acme' });
	});

	it('has every field optional and rejects unknown keys (strict)', () => {
		expect(member.safeParse({}).success).toBe(true);
		expect(member.safeParse({ name: 'Acme', status: 'active', memberNo: 3 }).success).toBe(true);
		expect(member.safeParse({ name: 'Acme', colour: 'blue' }).success).toBe(false);
		expect(member.safeParse(JSON.parse('{"__proto__": {"x": 1}}')).success).toBe(false);
	});
});

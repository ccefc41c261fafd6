import { describe, expect, it } from 'vitest';
import { correctMemberChanges, type FieldChange } from '../../src/lib/domain/guard';

const change = (c: Partial<FieldChange> & { key: string }): FieldChange => ({
	action: 'update',
	oldValue: undefined,
	newValue: undefined,
	...c
});

describe('correctMemberChanges', () => {
	it('[G1] removes unknown keys, including __proto__, unless they are being deleted', () => {
		expect(
			correctMemberChanges([
				change({ key: 'colour', action: 'add', newValue: 'blue' }),
				change({ key: '__proto__', action: 'add', newValue: {} }),
				change({ key: 'constructor', action: 'add', newValue: 'x' }),
				change({ key: 'legacy', action: 'delete', oldValue: 1 })
			])
		).toEqual([
			{ key: 'colour', op: 'delete' },
			{ key: '__proto__', op: 'delete' },
			{ key: 'constructor', op: 'delete' }
		]);
	});

	it('[G2] puts server-owned fields back as they were', () => {
		expect(
			correctMemberChanges([
				change({ key: 'memberNo', action: 'add', newValue: 5 }),
				change({ key: 'memberNo', action: 'update', oldValue: 17, newValue: 18 }),
				change({ key: 'approvedBy', action: 'delete', oldValue: 'admin' }),
				change({
					key: 'approvedAt',
					action: 'update',
					oldValue: '2024-01-01T00:00:00Z',
					newValue: 'x'
				})
			])
		).toEqual([
			{ key: 'memberNo', op: 'delete' },
			{ key: 'memberNo', op: 'set', value: 17 },
			{ key: 'approvedBy', op: 'set', value: 'admin' },
			{ key: 'approvedAt', op: 'set', value: '2024-01-01T00:00:00Z' }
		]);
	});

	it('[G3] replaces an invalid value by the previous valid one, else removes it', () => {
		expect(
			correctMemberChanges([
				change({ key: 'size', oldValue: 'large', newValue: 'bogus' }),
				change({ key: 'email', action: 'add', newValue: 'x' }),
				change({ key: 'language', oldValue: 'gold', newValue: 'platinum' }),
				change({ key: 'name', oldValue: 'Acme', newValue: 42 })
			])
		).toEqual([
			{ key: 'size', op: 'set', value: 'large' },
			{ key: 'email', op: 'delete' },
			{ key: 'language', op: 'delete' },
			{ key: 'name', op: 'set', value: 'Acme' }
		]);
	});

	it('[G4] rewrites a valid value to its normalised form', () => {
		expect(
			correctMemberChanges([change({ key: 'region', action: 'add', newValue: '  West ' })])
		).toEqual([{ key: 'region', op: 'set', value: 'West' }]);
		expect(
			correctMemberChanges([change({ key: 'region', action: 'add', newValue: 'West' })])
		).toEqual([]);
	});

	it('[G5] allows clearing a client-owned field', () => {
		expect(
			correctMemberChanges([change({ key: 'region', action: 'delete', oldValue: 'West' })])
		).toEqual([]);
	});
});

/** Counts in messages take the noun's form for the number (finding 19 of QA pass 4). */
import { afterEach, describe, expect, it } from 'vitest';
import { i18n, t, tIn } from '../../src/lib/i18n/index.svelte';
import { admin } from '../../src/lib/i18n/messages/admin';
import { auth } from '../../src/lib/i18n/messages/auth';
import { common } from '../../src/lib/i18n/messages/common';
import { importexport } from '../../src/lib/i18n/messages/importexport';
import { joining } from '../../src/lib/i18n/messages/joining';
import { ledger } from '../../src/lib/i18n/messages/ledger';
import { memberfile } from '../../src/lib/i18n/messages/memberfile';
import { members } from '../../src/lib/i18n/messages/members';
import { recruitment } from '../../src/lib/i18n/messages/recruitment';
import { reports } from '../../src/lib/i18n/messages/reports';
import { surveys } from '../../src/lib/i18n/messages/surveys';

afterEach(() => {
	i18n.locale = 'en';
});

describe('plurals', () => {
	it('one of a thing is singular, in every count of a message', () => {
		expect(t('ledger.dues.noFee', { count: 1, tiers: 'Regular member' })).toBe(
			'1 active member has no fee for their tier (Regular member): set it under Fees and discounts, then run again.'
		);
		expect(t('ledger.dues.noFee', { count: 3, tiers: 'Regular member' })).toMatch(
			/^3 active members have no fee/
		);
		expect(t('ledger.dues.done', { count: 1, skipped: 0 })).toBe(
			'1 charge written; 0 already existed.'
		);
		expect(t('import.file.summary', { name: 'a.csv', rows: 1, columns: 2 })).toBe(
			'a.csv: 1 row, 2 columns'
		);
		expect(t('import.file.summary', { name: 'a.csv', rows: 2, columns: 1 })).toBe(
			'a.csv: 2 rows, 1 column'
		);
		expect(t('import.undo.done', { undoable: 1, edited: 2, members: 1 })).toBe(
			'Import undone: 1 row; 2 rows changed since and 1 member were kept.'
		);
		expect(t('merge.moving', { contacts: 1, activities: 1, notes: 0 })).toBe(
			'Moving to the record kept: 1 contact person, 1 activity, 0 notes.'
		);
	});

	it('other languages keep their own text, with their digits', () => {
		expect(tIn('fa', 'import.file.summary', { name: 'a.csv', rows: 1, columns: 12 })).toContain(
			'۱۲'
		);
		expect(tIn('fa', 'ledger.dues.done', { count: 1, skipped: 0 })).not.toMatch(/[{}#]/);
		expect(tIn('zh', 'ledger.dues.done', { count: 1, skipped: 0 })).not.toMatch(/[{}#]/);
	});

	it('no English count is followed by a plural noun without a form for one', () => {
		const en = Object.assign(
			{},
			...[
				admin,
				auth,
				common,
				importexport,
				joining,
				ledger,
				memberfile,
				members,
				recruitment,
				reports,
				surveys
			].map((m) => m.en)
		) as Record<string, string>;
		// A number parameter, then a plural noun: "{count} members", "{rows} rows".
		const bare =
			/\{(count|rows|columns|total|undoable|edited|members|days|links|audience|seconds|minutes|contacts|activities|notes|grace)\} (?:\w+ )?\w+s\b/;
		// A receipt found twice is on two payments or more; "1 whose contacts prefer" is right.
		const fine = new Set(['ledger.dupReceipts', 'recruit.excluded.prefersOther']);
		const faulty = Object.entries(en)
			.filter(([k]) => !k.endsWith('_one') && !(`${k}_one` in en) && !fine.has(k))
			.filter(([, s]) => bare.test(s))
			.map(([k]) => k);
		expect(faulty).toEqual([]);
	});
});

import { describe, expect, it } from 'vitest';
import type { ColDef, ValueFormatterParams } from 'ag-grid-community';
import { memberColumns } from '../../src/lib/components/grid/columns';
import { foldForSearch, quickFilterText } from '../../src/lib/components/grid/format';
import { normalizeName } from '../../src/lib/domain/normalize';
import {
	setSettingsOptions,
	settingsOptions
} from '../../src/lib/components/grid/option-sets.svelte';
import { DEFAULT_CONFIG } from '../../src/lib/domain/settings';
import { i18n } from '../../src/lib/i18n/index.svelte';
import type { MemberRow } from '../../src/lib/domain/member';

const column = (defs: ColDef<MemberRow>[], id: string) => defs.find((d) => d.colId === id)!;
const editorValues = (def: ColDef<MemberRow>): string[] =>
	(def.cellEditorParams as (p: unknown) => { values: string[] })({}).values;
const shown = (def: ColDef<MemberRow>, value: string): string =>
	(def.valueFormatter as (p: ValueFormatterParams<MemberRow>) => string)({
		value
	} as ValueFormatterParams<MemberRow>);

describe('member columns and the settings’ tiers and categories', () => {
	it('a column made before the settings load offers and labels them: no new definitions', () => {
		const defs = memberColumns({ readOnly: false });
		const tier = column(defs, 'tier');
		const category = column(defs, 'category');
		const builtIn = editorValues(tier);
		expect(builtIn.length).toBeGreaterThan(0);

		setSettingsOptions('tier', [
			{ id: 'gold', labelEn: 'Gold partner' },
			{ id: 'old', labelEn: 'Retired tier', archived: true }
		]);
		setSettingsOptions('category', [{ id: 'textiles', labelEn: 'Textiles' }]);
		// The same column objects: the editor offers the live tiers (archived ones no
		// longer), the cells show their labels.
		expect(editorValues(tier)).toEqual(['gold']);
		expect(editorValues(category)).toEqual(['textiles']);
		expect(shown(tier, 'gold')).toBe('Gold partner');
		expect(shown(tier, 'old')).toBe('Retired tier');
		// The filter's parameters hold no list of their own: it reads the set (archived
		// rows too) when it draws its boxes.
		expect(tier.filterParams).toEqual({ optionSet: 'tier', field: 'tier' });

		setSettingsOptions('tier', [{ id: 'gold', labelEn: 'Gold member' }, { id: 'silver' }]);
		expect(editorValues(tier)).toEqual(['gold', 'silver']);
		expect(shown(tier, 'gold')).toBe('Gold member');
		// A tier without a label shows its id.
		expect(shown(tier, 'silver')).toBe('silver');
	});

	it('a read-only grid has no editors', () => {
		const defs = memberColumns({ readOnly: true });
		expect(column(defs, 'tier').editable).toBe(false);
		expect(column(defs, 'tier').cellEditorParams).toBeUndefined();
	});
});

describe('quick search and full-width forms', () => {
	it('"(中国)" typed with ASCII brackets finds “阿里巴巴（中国）有限公司”, as the duplicate finder calls them the same', () => {
		const stored = '阿里巴巴（中国）有限公司';
		expect(normalizeName('阿里巴巴(中国)有限公司')).toBe(normalizeName(stored));
		const cell = quickFilterText(stored).toUpperCase();
		for (const typed of ['(中国)', '（中国）', '阿里巴巴(中国)']) {
			expect(cell).toContain(foldForSearch(typed).toUpperCase());
		}
		// Full-width Latin letters and digits too, and the other way round.
		expect(quickFilterText('ＡＢＣ　１２３')).toBe(foldForSearch('abc 123'));
		expect(quickFilterText('Beijing (Huayu) Ltd')).toContain(foldForSearch('（Ｈｕａｙｕ）'));
	});
});

describe('the member number column', () => {
	const cell = (def: ColDef<MemberRow>, data: Partial<MemberRow>) => ({
		shown: (def.valueFormatter as (p: ValueFormatterParams<MemberRow>) => string)({
			value: data.memberNo,
			data
		} as ValueFormatterParams<MemberRow>),
		search: (def.getQuickFilterText as (p: { value: unknown; data: unknown }) => string)({
			value: data.memberNo,
			data
		})
	});

	it('shows the number as printed on the certificate and is found by it or the bare number', () => {
		const def = column(memberColumns({ readOnly: true }), 'memberNo');
		const first = { id: 'm1', memberNo: 1, certificateNo: '00001' } as MemberRow;
		expect(cell(def, first).shown).toBe('00001');
		for (const q of ['00001', '1']) expect(cell(def, first).search).toContain(q);
		settingsOptions.memberNoFormat = 'GH-{n:5}';
		try {
			// A number without a stored certificate number reads in the admin's format.
			const second = { id: 'm2', memberNo: 2 } as MemberRow;
			expect(cell(def, second).shown).toBe('GH-00002');
			// The quick search folds case as the query is folded (foldForSearch).
			for (const q of ['gh-00002', '00002', '2']) expect(cell(def, second).search).toContain(q);
			i18n.locale = 'fa';
			expect(cell(def, second).shown).toBe('GH-۰۰۰۰۲');
		} finally {
			i18n.locale = 'en';
			settingsOptions.memberNoFormat = DEFAULT_CONFIG.memberNoFormat;
		}
		// It still sorts and filters as a number.
		expect(def.comparator).toBeUndefined();
		expect(def.filter).toBe('agNumberColumnFilter');
	});
});

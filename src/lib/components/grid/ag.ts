/**
 * ag-grid setup shared by the app's grids: the community modules we use (registered
 * once), the theme (Theming API, following the app's CSS variables) and the grid's
 * own UI strings per locale.
 */
import {
	CellStyleModule,
	ClientSideRowModelApiModule,
	ClientSideRowModelModule,
	ColumnApiModule,
	CustomEditorModule,
	CustomFilterModule,
	DateFilterModule,
	EventApiModule,
	LargeTextEditorModule,
	LocaleModule,
	ModuleRegistry,
	NumberFilterModule,
	QuickFilterModule,
	RenderApiModule,
	RowApiModule,
	RowSelectionModule,
	ScrollApiModule,
	SelectEditorModule,
	TextFilterModule,
	themeQuartz,
	type LocaleText
} from 'ag-grid-community';
import { AG_GRID_LOCALE_CN, AG_GRID_LOCALE_EN, AG_GRID_LOCALE_IR } from '@ag-grid-community/locale';
import type { Locale } from '$lib/i18n/locales';

let registered = false;
export function registerGridModules(): void {
	if (registered) return;
	registered = true;
	ModuleRegistry.registerModules([
		ClientSideRowModelModule,
		ClientSideRowModelApiModule,
		ColumnApiModule,
		RowApiModule,
		ScrollApiModule,
		RenderApiModule,
		EventApiModule,
		CellStyleModule,
		RowSelectionModule,
		TextFilterModule,
		NumberFilterModule,
		DateFilterModule,
		CustomFilterModule,
		QuickFilterModule,
		SelectEditorModule,
		LargeTextEditorModule,
		CustomEditorModule,
		LocaleModule
	]);
}

export const gridTheme = themeQuartz.withParams({
	fontFamily: 'var(--gh-font)',
	fontSize: 14,
	headerFontWeight: 600,
	accentColor: '#2f5d62',
	foregroundColor: '#1d2329',
	borderColor: '#d9dde3',
	headerBackgroundColor: '#f9fafb',
	rowHeight: 36,
	headerHeight: 38,
	wrapperBorderRadius: 0,
	spacing: 6
});

/**
 * Rows drawn beyond the visible ones, above and below (the grid's default is 10). Each
 * drawn row costs its cells; with 4, opening the registry and the first scroll draw
 * about a third fewer rows: at 10k members the scroll to the middle showed its rows in
 * 97 ms instead of 215 (docs/BENCHMARKS.md). Four rows still cover a wheel step.
 */
export const GRID_ROW_BUFFER = 4;

export const GRID_LOCALE_TEXT: Record<Locale, LocaleText> = {
	en: AG_GRID_LOCALE_EN,
	fa: AG_GRID_LOCALE_IR,
	zh: AG_GRID_LOCALE_CN
};

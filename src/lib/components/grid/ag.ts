/**
 * ag-grid setup shared by the app's grids: the community modules we use (registered
 * once), the theme (Theming API, following the app's CSS variables), the grid's own
 * UI strings and direction per locale, and the rows drawn beyond the visible ones.
 *
 * This is the only module that imports ag-grid's code (the others import its types):
 * pages load it through `loadGrid()` (load.ts), apart from their own code.
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
	createGrid,
	themeQuartz,
	type GridApi,
	type GridOptions,
	type LocaleText
} from 'ag-grid-community';
import { AG_GRID_LOCALE_CN, AG_GRID_LOCALE_EN, AG_GRID_LOCALE_IR } from '@ag-grid-community/locale';
import { LOCALE_META, type Locale } from '$lib/i18n/locales';
import { ReaderDateInput } from './date-input.svelte';

// Once, when this module loads (load.ts imports it when a grid is first needed).
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

const gridTheme = themeQuartz.withParams({
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
const GRID_ROW_BUFFER = 4;

/**
 * ag-grid's Persian texts name two keys in English capitals («SPACE را فشار دهید»);
 * a Persian keyboard's space bar is «فاصله».
 */
const GRID_TEXT_FA: LocaleText = Object.fromEntries(
	Object.entries(AG_GRID_LOCALE_IR).map(([k, v]) => [
		k,
		v.replace(/\bSPACE\b|\bSpace\b/g, 'کلید فاصله').replace(/کلید کلید/g, 'کلید')
	])
);

const GRID_LOCALE_TEXT: Record<Locale, LocaleText> = {
	en: AG_GRID_LOCALE_EN,
	fa: GRID_TEXT_FA,
	zh: AG_GRID_LOCALE_CN
};

/**
 * A grid in `host` with the app's modules, theme and row buffer, in `locale`'s text
 * and direction; `options` add to these (and may override them).
 */
export function newGrid<T>(host: HTMLElement, locale: Locale, options: GridOptions<T>): GridApi<T> {
	return createGrid<T>(host, {
		theme: gridTheme,
		enableRtl: LOCALE_META[locale].dir === 'rtl',
		localeText: GRID_LOCALE_TEXT[locale],
		rowBuffer: GRID_ROW_BUFFER,
		animateRows: false,
		...options,
		// Date filters take dates as the reader types them, in the reader's calendar.
		components: { agDateInput: ReaderDateInput, ...options.components }
	});
}

/**
 * ag-charts, loaded only by the reports page (through a dynamic import in
 * Chart.svelte), with just the modules the reports use, so other pages never
 * download it and this one gets a tree-shaken part of it; and the chart's own
 * words (what a screen reader hears: "chart, 2 series", the legend's items) in the
 * reader's language, from ag-charts' locale pack.
 */
import { AG_CHARTS_LOCALE_FA_IR, AG_CHARTS_LOCALE_ZH_CN } from 'ag-charts-locale';
import { formatNumber, t } from '$lib/i18n/index.svelte';
import type { Locale } from '$lib/i18n/locales';
import {
	AG_CHARTS_LOCALE_EN_US,
	AgCharts,
	BarSeriesModule,
	CartesianChartModule,
	CategoryAxisModule,
	DonutSeriesModule,
	LegendModule,
	LineSeriesModule,
	LocaleModule,
	ModuleRegistry,
	NumberAxisModule,
	PolarChartModule
} from 'ag-charts-community';

ModuleRegistry.registerModules([
	CartesianChartModule,
	PolarChartModule,
	BarSeriesModule,
	LineSeriesModule,
	DonutSeriesModule,
	CategoryAxisModule,
	NumberAxisModule,
	LegendModule,
	LocaleModule
]);

const PACKS: Record<Locale, Record<string, string> | undefined> = {
	en: undefined, // the library's own words
	fa: AG_CHARTS_LOCALE_FA_IR,
	zh: AG_CHARTS_LOCALE_ZH_CN
};

/** ag-charts' message template: `${name}`, or `${name}[style]` for a number. */
const TEMPLATE_VALUE = /\$\{(\w+)}(?:\[(\w+)])?/g;

/**
 * The chart's own words in `locale` (the `locale` option of a chart): ag-charts' pack
 * for the language, what it lacks from ours, and numbers in the reader's digits (the
 * library writes them with en-US digits: "چارت، 2 مجموعه").
 */
export function chartLocale(locale: Locale): {
	localeText?: Record<string, string>;
	getLocaleText?: (p: { defaultValue?: string; variables: Record<string, unknown> }) => string;
} {
	const pack = PACKS[locale];
	if (!pack) return {};
	return {
		localeText: { ...pack, ariaInitSeriesArea: t('reports.chart.interactive') },
		getLocaleText: ({ defaultValue, variables }) =>
			(defaultValue ?? '').replace(TEMPLATE_VALUE, (_, name: string) => {
				const v = variables[name];
				return typeof v === 'number' ? formatNumber(v) : String(v ?? '');
			})
	};
}

export { AgCharts };
export type { AgChartInstance, AgChartOptions } from 'ag-charts-community';

/**
 * ag-charts (14.2) reads the words of an unfocused chart ("interactive chart") when it
 * builds the chart, before it takes the `locale` option, and never again: they are
 * written here in the reader's language once the chart is made.
 */
export function localiseInitialAltText(container: HTMLElement, locale: Locale): void {
	if (!PACKS[locale]) return;
	const english = AG_CHARTS_LOCALE_EN_US.ariaInitSeriesArea;
	for (const el of container.querySelectorAll('*')) {
		if (el.childElementCount === 0 && el.textContent === english) {
			el.textContent = t('reports.chart.interactive');
		}
	}
}

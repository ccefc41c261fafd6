/**
 * ag-charts, loaded only by the reports page (through a dynamic import in
 * Chart.svelte), with just the modules the reports use, so other pages never
 * download it and this one gets a tree-shaken part of it.
 */
import {
	AgCharts,
	BarSeriesModule,
	CartesianChartModule,
	CategoryAxisModule,
	DonutSeriesModule,
	LegendModule,
	LineSeriesModule,
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
	LegendModule
]);

export { AgCharts };
export type { AgChartInstance, AgChartOptions } from 'ag-charts-community';

/**
 * Chart options for the reports, in the reader's language: labels through i18n,
 * numbers with the reader's digits, categories in reading order (right to left in
 * Persian, as the tables beside them read) and the value axis on the reading side's
 * start. Imports only types from ag-charts, so this module does not pull the library in.
 */
import { dir, formatNumber } from '$lib/i18n/index.svelte';
import type { AgChartOptions } from './charts';

const FONT = 'inherit';
const PALETTE = ['#2f6fdb', '#e0892b', '#2f9e6e', '#a04ad8', '#d64545', '#17a2b8', '#7a7a7a'];

// Values are whole (members, minor units of money): a tick between two (2.5 members on
// a small axis) gets no label.
const numberAxis = (format: (n: number) => string) => ({
	type: 'number' as const,
	position: dir() === 'rtl' ? ('right' as const) : ('left' as const),
	label: {
		formatter: ({ value }: { value: number }) => (Number.isInteger(value) ? format(value) : '')
	}
});

/** Categories from the reading side's start: the first on the right in Persian. */
const inReadingOrder = <T>(data: T[]): T[] => (dir() === 'rtl' ? [...data].reverse() : data);

/**
 * Room on the left, whatever the direction: category labels, tilted when they are many,
 * hang to the left of their tick, so the leftmost was cut at the chart's edge (the last
 * month in Persian; the first in Chinese and English, when the value axis's own labels
 * beside it are narrow).
 */
const tiltedLabelRoom = { left: 40 };

/**
 * Bars per category, one series per entry of `series` (e.g. this period and the one
 * before). `format` writes a value (bar labels and the value axis): whole numbers by
 * default; money in its currency for amounts (integer minor units).
 */
export function barOptions(opts: {
	data: Record<string, string | number>[];
	xKey: string;
	series: { key: string; name: string }[];
	format?: (n: number) => string;
}): AgChartOptions {
	const format = opts.format ?? formatNumber;
	return {
		data: inReadingOrder(opts.data),
		background: { visible: false },
		padding: tiltedLabelRoom,
		series: opts.series.map((s, i) => ({
			type: 'bar' as const,
			xKey: opts.xKey,
			yKey: s.key,
			yName: s.name,
			fill: PALETTE[i % PALETTE.length],
			label: {
				enabled: opts.data.length <= 12,
				formatter: ({ value }: { value: number }) => format(value),
				// A long amount that does not fit in its bar goes above it, smaller if need be,
				// instead of being cut over the next bar.
				placement: ['inside-center', 'outside-end'],
				minimumFontSize: 9
			}
		})),
		axes: {
			x: { type: 'category', position: 'bottom', label: { fontFamily: FONT } },
			y: numberAxis(format)
		},
		legend: { enabled: opts.series.length > 1, position: 'bottom' }
	} as AgChartOptions;
}

export function lineOptions(opts: {
	data: Record<string, string | number>[];
	xKey: string;
	yKey: string;
	name: string;
}): AgChartOptions {
	return {
		data: inReadingOrder(opts.data),
		background: { visible: false },
		padding: tiltedLabelRoom,
		series: [
			{
				type: 'line',
				xKey: opts.xKey,
				yKey: opts.yKey,
				yName: opts.name,
				stroke: PALETTE[0],
				marker: { fill: PALETTE[0], stroke: PALETTE[0] }
			}
		],
		axes: { x: { type: 'category', position: 'bottom' }, y: numberAxis(formatNumber) },
		legend: { enabled: false }
	} as AgChartOptions;
}

export function donutOptions(opts: { data: { label: string; count: number }[] }): AgChartOptions {
	return {
		data: opts.data,
		background: { visible: false },
		series: [
			{
				type: 'donut',
				angleKey: 'count',
				legendItemKey: 'label',
				innerRadiusRatio: 0.6,
				fills: PALETTE,
				calloutLabel: { enabled: false },
				sectorLabel: {
					formatter: ({ value }: { value: number }) => formatNumber(value)
				}
			}
		],
		legend: { enabled: true, position: 'right' }
	} as AgChartOptions;
}

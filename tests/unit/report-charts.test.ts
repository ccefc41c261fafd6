/**
 * The reports' chart options in the reader's language (components/reports/chart-options.ts)
 * and their change column (format.ts): categories in reading order, room for the labels
 * on the far side, the figures written as the tables beside them write them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { barOptions, lineOptions } from '../../src/lib/components/reports/chart-options';
import { delta } from '../../src/lib/components/reports/format';
import { chartLocale } from '../../src/lib/components/reports/charts';
import { formatMoney } from '../../src/lib/domain/money';
import { i18n } from '../../src/lib/i18n/index.svelte';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const data = [
	{ label: 'charged', current: 120000 },
	{ label: 'collected', current: 50000 },
	{ label: 'outstanding', current: 70000 }
];
const series = [{ key: 'current', name: 'this period' }];

afterEach(() => {
	i18n.locale = 'en';
});

describe('report charts', () => {
	it('draw the categories from the right in Persian, as the table beside them reads', () => {
		i18n.locale = 'fa';
		const bars = barOptions({ data, xKey: 'label', series }) as Loose;
		expect(bars.data.map((d: Loose) => d.label)).toEqual(['outstanding', 'collected', 'charged']);
		expect(bars.padding).toEqual({ left: 40 });
		expect(bars.axes.y.position).toBe('right');
		const line = lineOptions({ data, xKey: 'label', yKey: 'current', name: 'n' }) as Loose;
		expect(line.data.map((d: Loose) => d.label)).toEqual(['outstanding', 'collected', 'charged']);
		expect(line.padding).toEqual({ left: 40 });

		i18n.locale = 'en';
		const ltr = barOptions({ data, xKey: 'label', series }) as Loose;
		expect(ltr.data.map((d: Loose) => d.label)).toEqual(['charged', 'collected', 'outstanding']);
		// Tilted labels hang left of their tick in either direction: the first month was cut in English and Chinese.
		expect(ltr.padding).toEqual({ left: 40 });
		expect(ltr.axes.y.position).toBe('left');
		// The caller's array is left as it was.
		expect(data[0].label).toBe('charged');
	});

	it('write amounts as money on the bars and the value axis', () => {
		i18n.locale = 'fa';
		const money = (amount: number) => formatMoney({ amount, currency: 'IRR', locale: 'fa-IR' });
		const bars = barOptions({ data, xKey: 'label', series, format: money }) as Loose;
		const label = bars.series[0].label.formatter({ value: 120000 });
		expect(label).toBe(money(120000));
		expect(label).toContain('۱۲۰٬۰۰۰');
		expect(bars.axes.y.label.formatter({ value: 50000 })).toBe(money(50000));
		// Counts stay plain numbers in the reader's digits.
		const counts = barOptions({ data, xKey: 'label', series }) as Loose;
		expect(counts.series[0].label.formatter({ value: 12 })).toBe('۱۲');
		// No half members on a small axis; an amount too long for its bar goes above it.
		expect(counts.axes.y.label.formatter({ value: 2.5 })).toBe('');
		expect(counts.axes.y.label.formatter({ value: 2 })).toBe('۲');
		expect(bars.series[0].label.placement).toEqual(['inside-center', 'outside-end']);
	});

	it("speak the chart's own words in the reader's language and digits", () => {
		expect(chartLocale('en')).toEqual({});
		i18n.locale = 'fa';
		const fa = chartLocale('fa');
		expect(fa.localeText?.ariaInitSeriesArea).toBe('نمودار تعاملی');
		const say = (key: string, variables: Record<string, unknown>) =>
			fa.getLocaleText!({ defaultValue: fa.localeText![key], variables });
		expect(say('ariaAnnounceChart', { seriesCount: 2 })).toBe('چارت، ۲ مجموعه');
		expect(say('ariaLabelLegendItem', { label: 'این دوره', index: 1, count: 2 })).toMatch(
			/^این دوره.*۱.*۲/
		);
		i18n.locale = 'zh';
		const zh = chartLocale('zh');
		expect(zh.localeText?.ariaInitSeriesArea).toBe('交互式图表');
		expect(
			zh.getLocaleText!({
				defaultValue: zh.localeText!.ariaAnnounceChart,
				variables: { seriesCount: 3 }
			})
		).toMatch(/3/);
	});

	it('say a change of a share in percentage points in the reader’s words', () => {
		expect(delta(0.5, 0.25, 'ratio')).toBe('+25 pp');
		i18n.locale = 'fa';
		expect(delta(0.25, 0.5, 'ratio')).toBe('−۲۵ واحد درصد');
		i18n.locale = 'zh';
		expect(delta(0.5, 0.5, 'ratio')).toBe('0 个百分点');
	});
});

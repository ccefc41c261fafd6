import { describe, expect, it } from 'vitest';
import type { ColDef, ColumnState } from 'ag-grid-community';
import { withColumnState } from '../../src/lib/components/grid/view-state';

type Row = Record<string, unknown>;
const defs = (): ColDef<Row>[] => [
	{ colId: 'name', field: 'name', width: 200 },
	{ colId: 'region', field: 'region', width: 120 },
	{ colId: 'status', field: 'status', width: 100, hide: false },
	{ colId: 'address', field: 'address', width: 160, hide: true }
];

describe('withColumnState [C10]', () => {
	it('orders, sizes, shows, pins and sorts the columns as saved', () => {
		const state: ColumnState[] = [
			{ colId: 'ag-Grid-SelectionColumn', width: 50 },
			{ colId: 'region', width: 90, hide: false, pinned: 'left', sort: 'desc', sortIndex: 0 },
			{ colId: 'name', width: 310, hide: false, pinned: null, sort: null, sortIndex: null },
			{ colId: 'address', width: 160, hide: false, flex: 2 },
			{ colId: 'status', width: 100, hide: true }
		];
		const out = withColumnState(defs(), state);
		expect(out.map((d) => d.colId)).toEqual(['region', 'name', 'address', 'status']);
		expect(out[0]).toMatchObject({
			width: 90,
			hide: false,
			pinned: 'left',
			sort: 'desc',
			sortIndex: 0
		});
		expect(out[1]).toMatchObject({ width: 310, pinned: null, sort: null, sortIndex: null });
		expect(out[2]).toMatchObject({ hide: false, flex: 2 });
		expect(out[3]).toMatchObject({ hide: true });
	});

	it('puts columns the state does not know after the known ones, in their own order', () => {
		const out = withColumnState(defs(), [
			{ colId: 'status', width: 140 },
			{ colId: 'gone', width: 99 },
			{ colId: 'name' }
		]);
		expect(out.map((d) => d.colId)).toEqual(['status', 'name', 'region', 'address']);
		expect(out[0].width).toBe(140);
		// No saved width: the definition's own.
		expect(out[1].width).toBe(200);
	});

	it('leaves the definitions alone without a state, and does not change them', () => {
		const d = defs();
		expect(withColumnState(d, null)).toBe(d);
		expect(withColumnState(d, [])).toBe(d);
		withColumnState(d, [{ colId: 'name', width: 1 }]);
		expect(d[0].width).toBe(200);
	});
});

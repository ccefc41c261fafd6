import { describe, expect, it } from 'vitest';
import { PresenceIndex } from '../../src/lib/state/presence';

const user = (id: number, username: string) => ({
	id,
	username,
	name: username.toUpperCase(),
	color: '#2f7d32'
});

describe('PresenceIndex', () => {
	it('places peers on cells and ignores this client', () => {
		const p = new PresenceIndex(1);
		const changed = p.apply(
			new Map<number, unknown>([
				[1, { user: user(1, 'me'), cell: { rowId: 'r1', field: 'name' } }],
				[2, { user: user(2, 'sara'), cell: { rowId: 'r1', field: 'name' } }],
				[3, { user: user(3, 'li'), cell: null }]
			])
		);
		expect(changed).toEqual([{ rowId: 'r1', field: 'name' }]);
		expect(p.at('r1', 'name').map((x) => x.username)).toEqual(['sara']);
	});

	it('reports the old and the new cell when a peer moves, and the old one when it leaves', () => {
		const p = new PresenceIndex(1);
		p.apply(new Map([[2, { user: user(2, 'sara'), cell: { rowId: 'r1', field: 'name' } }]]));
		const moved = p.apply(
			new Map([[2, { user: user(2, 'sara'), cell: { rowId: 'r2', field: 'region' } }]])
		);
		expect(moved).toEqual(
			expect.arrayContaining([
				{ rowId: 'r1', field: 'name' },
				{ rowId: 'r2', field: 'region' }
			])
		);
		expect(p.at('r1', 'name')).toEqual([]);
		// Unchanged state: nothing to refresh.
		expect(
			p.apply(new Map([[2, { user: user(2, 'sara'), cell: { rowId: 'r2', field: 'region' } }]]))
		).toEqual([]);
		expect(p.apply(new Map())).toEqual([{ rowId: 'r2', field: 'region' }]);
		expect(p.at('r2', 'region')).toEqual([]);
	});

	it('[C7] drops states that do not parse, such as a colour that is not a colour', () => {
		const p = new PresenceIndex(1);
		p.apply(
			new Map<number, unknown>([
				[
					2,
					{
						user: { ...user(2, 'x'), color: 'red;background:url(//evil)' },
						cell: { rowId: 'r', field: 'name' }
					}
				],
				[3, { cell: { rowId: 'r', field: 'name' } }],
				[4, 'nonsense']
			])
		);
		expect(p.at('r', 'name')).toEqual([]);
	});
});

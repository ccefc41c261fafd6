/**
 * [R7][C20] The compact JSON of a new device's first look: rows as arrays against a
 * field list learnt while writing; reading it back gives the rows; anything else is
 * refused as a whole or row by row, never thrown.
 */
import { describe, expect, it } from 'vitest';
import { readRowsJson, RowsJsonWriter, type RowValue } from '../../src/lib/domain/rows-json';

const rows: ({ id: string } & Record<string, RowValue>)[] = [
	{ id: 'a1', name: 'شرکت کاشی تهران', status: 'active', memberNo: 7 },
	{ id: 'b2', region: '上海', name: 'Silk Co.' },
	{ id: 'c3' },
	{ id: 'd4', status: 'prospect', secret: 'not a member field' }
];

function write(keep?: (f: string) => boolean) {
	const w = new RowsJsonWriter(keep);
	const body = JSON.stringify({ rows: rows.map((r) => w.row(r)), fields: w.fields });
	return { w, body };
}

describe('rows-json', () => {
	it('writes each field name once and reads the rows back', () => {
		const { w, body } = write();
		expect(w.fields).toEqual(['id', 'name', 'status', 'memberNo', 'region', 'secret']);
		expect(body.match(/"name"/g)).toHaveLength(1);
		expect(readRowsJson(JSON.parse(body))).toEqual(rows);
	});

	it('leaves out fields it does not keep', () => {
		const { body } = write((f) => f !== 'secret');
		const back = readRowsJson(JSON.parse(body))!;
		expect(back[3]).toEqual({ id: 'd4', status: 'prospect' });
		expect(JSON.parse(body).fields).not.toContain('secret');
	});

	it('refuses a body that is not rows-json, and skips rows without an id', () => {
		for (const bad of [null, 'x', [], {}, { rows: [] }, { rows: [], fields: ['name'] }])
			expect(readRowsJson(bad)).toBeNull();
		expect(readRowsJson({ rows: [], fields: ['id', '__proto__'] })).toBeNull();
		expect(readRowsJson({ rows: [], fields: ['id', 3] })).toBeNull();
		const back = readRowsJson({
			rows: [['ok', 'x', 'extra'], [1, 'y'], 'row', null, ['z']],
			fields: ['id', 'name']
		});
		expect(back).toEqual([{ id: 'ok', name: 'x' }, { id: 'z' }]);
	});
});

/**
 * Plain rows as compact JSON, for a new device's first look at the registry
 * (`GET /api/<org>/members`, SPEC [R7]; docs/CLIENT.md [C20]).
 *
 * `{ "rows": [[...], ...], "fields": ["id", ...] }`: each row is an array of values
 * by position in `fields` (`null` where the row has no value; trailing ones left out).
 * Field names are written once instead of once per row: 100k generated members are
 * 31 MiB this way against 50 MiB as objects, and half the server's time to write.
 * `fields` comes last, so the server learns them while it writes the rows.
 */

export type RowValue = string | number | boolean;

/** Writes rows as arrays, learning the field list as it goes (`id` first). */
export class RowsJsonWriter {
	readonly fields: string[] = ['id'];
	private readonly index = new Map<string, number>([['id', 0]]);

	constructor(private readonly keep: (field: string) => boolean = () => true) {}

	/** One row as an array against `fields` (fields it does not keep are left out). */
	row(row: { readonly id: string } & Readonly<Record<string, RowValue>>): (RowValue | null)[] {
		const out: (RowValue | null)[] = [row.id];
		for (const k in row) {
			if (k === 'id' || !this.keep(k)) continue;
			let i = this.index.get(k);
			if (i === undefined) {
				i = this.fields.length;
				this.fields.push(k);
				this.index.set(k, i);
			}
			while (out.length < i) out.push(null);
			out[i] = row[k];
		}
		return out;
	}
}

/**
 * The rows of a body as plain objects, unchecked beyond their shape (the caller
 * checks each row's fields); null when the body is not rows-json at all.
 */
export function readRowsJson(body: unknown): Record<string, unknown>[] | null {
	if (!body || typeof body !== 'object') return null;
	const { rows, fields } = body as { rows?: unknown; fields?: unknown };
	if (!Array.isArray(rows) || !Array.isArray(fields) || fields[0] !== 'id') return null;
	if (!fields.every((f) => typeof f === 'string' && f !== '__proto__')) return null;
	const names = fields as string[];
	const out: Record<string, unknown>[] = [];
	for (const r of rows) {
		if (!Array.isArray(r) || typeof r[0] !== 'string') continue;
		const row: Record<string, unknown> = {};
		const n = Math.min(r.length, names.length);
		for (let i = 0; i < n; i++) if (r[i] !== null) row[names[i]] = r[i];
		out.push(row);
	}
	return out;
}

/**
 * The settings doc as typed, reactive values (issue 4): config, tiers, categories,
 * eligibility criteria and document templates. The doc is small, so every change
 * bumps one version counter and readers rebuild their lists from the doc.
 * Writes are validated with the same field schemas the server's guard uses.
 */
import * as Y from 'yjs';
import { SETTINGS_REF_PATTERN } from '$lib/domain/member';
import {
	activeRows,
	readConfig,
	SETTINGS_RULES,
	type Category,
	type Config,
	type ConfigKey,
	type Criterion,
	type SettingsTable,
	type Template,
	type Tier
} from '$lib/domain/settings';
import { LOCAL } from '$lib/sync/origins';

type RowMap = Y.Map<unknown>;
type Primitive = string | number | boolean;

export type SettingsWrite = { ok: true } | { ok: false; reason: 'readOnly' | 'invalid' | 'taken' };

export class SettingsStore {
	readonly doc: Y.Doc;
	readOnly = $state(false);
	/** Bumped on every change of the doc: read it to depend on the settings. */
	version = $state(0);
	#off: () => void;

	constructor(opts: { doc: Y.Doc; readOnly?: boolean }) {
		this.doc = opts.doc;
		this.readOnly = opts.readOnly ?? false;
		const bump = () => this.version++;
		this.doc.on('afterTransaction', bump);
		this.#off = () => this.doc.off('afterTransaction', bump);
	}

	get config(): Config {
		void this.version;
		return readConfig(this.doc.getMap<unknown>('config').toJSON());
	}

	rows<T extends { id: string }>(table: SettingsTable): T[] {
		void this.version;
		const out: T[] = [];
		for (const [id, y] of this.doc.getMap<unknown>(table).entries()) {
			if (y instanceof Y.Map) out.push({ ...(y.toJSON() as object), id } as T);
		}
		return out.sort(
			(a, b) =>
				((a as { order?: number }).order ?? 0) - ((b as { order?: number }).order ?? 0) ||
				a.id.localeCompare(b.id)
		);
	}

	get tiers(): Tier[] {
		return this.rows<Tier>('tiers');
	}
	get categories(): Category[] {
		return this.rows<Category>('categories');
	}
	get criteria(): Criterion[] {
		return this.rows<Criterion>('criteria');
	}
	get templates(): Template[] {
		return this.rows<Template>('templates');
	}
	get activeTiers(): Tier[] {
		return activeRows(this.tiers);
	}
	get activeCategories(): Category[] {
		return activeRows(this.categories);
	}
	get activeCriteria(): Criterion[] {
		return activeRows(this.criteria);
	}

	setConfig(key: ConfigKey, value: Primitive): SettingsWrite {
		if (this.readOnly) return { ok: false, reason: 'readOnly' };
		const r = SETTINGS_RULES.values.config.fields[key].safeParse(value);
		if (!r.success) return { ok: false, reason: 'invalid' };
		this.doc.transact(() => this.doc.getMap<unknown>('config').set(key, r.data), LOCAL);
		return { ok: true };
	}

	setField(
		table: SettingsTable,
		id: string,
		field: string,
		value: Primitive | null
	): SettingsWrite {
		if (this.readOnly) return { ok: false, reason: 'readOnly' };
		const fields = SETTINGS_RULES.tables[table].fields as Record<
			string,
			{ safeParse(v: unknown): { success: boolean; data?: unknown } }
		>;
		const row = this.doc.getMap<unknown>(table).get(id);
		if (!(row instanceof Y.Map) || !Object.prototype.hasOwnProperty.call(fields, field)) {
			return { ok: false, reason: 'invalid' };
		}
		if (value === null || value === '') {
			this.doc.transact(() => (row as RowMap).delete(field), LOCAL);
			return { ok: true };
		}
		const r = fields[field].safeParse(value);
		if (!r.success) return { ok: false, reason: 'invalid' };
		this.doc.transact(() => (row as RowMap).set(field, r.data), LOCAL);
		return { ok: true };
	}

	addRow(table: SettingsTable, id: string, values: Record<string, Primitive>): SettingsWrite {
		if (this.readOnly) return { ok: false, reason: 'readOnly' };
		const map = this.doc.getMap<unknown>(table);
		if (!SETTINGS_REF_PATTERN.test(id) || map.has(id)) return { ok: false, reason: 'taken' };
		const fields = SETTINGS_RULES.tables[table].fields as Record<
			string,
			{ safeParse(v: unknown): { success: boolean; data?: unknown } }
		>;
		const clean: [string, unknown][] = [];
		for (const [k, v] of Object.entries(values)) {
			const r = fields[k]?.safeParse(v);
			if (!r?.success) return { ok: false, reason: 'invalid' };
			clean.push([k, r.data]);
		}
		this.doc.transact(() => {
			const row = new Y.Map<unknown>();
			map.set(id, row);
			for (const [k, v] of clean) row.set(k, v);
		}, LOCAL);
		return { ok: true };
	}

	destroy(): void {
		this.#off();
	}
}

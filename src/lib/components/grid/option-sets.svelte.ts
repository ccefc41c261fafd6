/**
 * The options of the grid's closed sets. Tiers and categories are defined by the
 * admin in the settings doc (issue 4): once a page feeds the settings' rows in, the
 * editor offers them (archived ones no longer) and every label reads in the reader's
 * language. Before that, and for every other set, the built-in ids and messages.
 */
import { untrack } from 'svelte';
import { OPTION_SETS, type OptionSet } from '$lib/domain/fields';
import { DEFAULT_CONFIG, labelIn, type SettingsLanguage } from '$lib/domain/settings';
import { SettingsStore } from '$lib/state/settings.svelte';
import type { Room } from '$lib/sync/room.svelte';

export type SettingsOptionRow = { id: string; archived?: boolean } & Record<string, unknown>;

class SettingsOptions {
	rows = $state<Partial<Record<OptionSet, readonly SettingsOptionRow[]>>>({});
	/** The admin's member number format (settings `memberNoFormat`), for format.ts `memberNoText`. */
	memberNoFormat = $state<string>(DEFAULT_CONFIG.memberNoFormat);
}
export const settingsOptions = new SettingsOptions();

export function setSettingsOptions(set: 'tier' | 'category', rows: readonly SettingsOptionRow[]) {
	// Called from effects: reading the current rows must not make them depend on it.
	const current = untrack(() => settingsOptions.rows);
	if (JSON.stringify(current[set]) === JSON.stringify(rows)) return;
	settingsOptions.rows = { ...current, [set]: rows };
}

/**
 * Every screen that shows a member's tier or category (grid, member file, ledger)
 * calls this with its settings room: once the room has loaded, and on each change,
 * `optionLabel` and the editors use the admin's rows, so a tier reads the same
 * everywhere, in the reader's language; and the member number reads in the admin's
 * format (`memberNoText`). An empty table (a doc not yet in step)
 * keeps the built-in set. Returns the stop function.
 */
export function followSettingsOptions(room: Room | null): () => void {
	if (!room) return () => {};
	let stop: (() => void) | null = null;
	let stopped = false;
	room.whenLoaded.then(
		() => {
			if (stopped) return;
			const store = new SettingsStore({ doc: room.doc, readOnly: true });
			const feed = () => {
				const tiers = store.tiers;
				const categories = store.categories;
				if (tiers.length > 0) setSettingsOptions('tier', tiers);
				if (categories.length > 0) setSettingsOptions('category', categories);
				const format = store.config.memberNoFormat;
				if (untrack(() => settingsOptions.memberNoFormat) !== format) {
					settingsOptions.memberNoFormat = format;
				}
			};
			feed();
			room.doc.on('afterTransaction', feed);
			stop = () => {
				room.doc.off('afterTransaction', feed);
				store.destroy();
			};
		},
		() => {
			/* not loaded: the built-in labels stay */
		}
	);
	return () => {
		stopped = true;
		stop?.();
	};
}

/** The values an editor offers: the settings' live rows, else the built-in set. */
export function optionValues(set: OptionSet): readonly string[] {
	const rows = settingsOptions.rows[set];
	return rows ? rows.filter((r) => r.archived !== true).map((r) => r.id) : OPTION_SETS[set];
}

/** Every value a filter lists: archived settings rows too (old members keep them). */
export function allOptionValues(set: OptionSet): readonly string[] {
	const rows = settingsOptions.rows[set];
	return rows ? rows.map((r) => r.id) : OPTION_SETS[set];
}

/** The settings' label of `value` in `lang`, or null when the settings do not define it. */
export function settingsOptionLabel(
	set: string,
	value: string,
	lang: SettingsLanguage
): string | null {
	const row = settingsOptions.rows[set as OptionSet]?.find((r) => r.id === value);
	return row ? labelIn(row, lang) : null;
}

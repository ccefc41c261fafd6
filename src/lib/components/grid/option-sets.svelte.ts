/**
 * The options of the grid's closed sets. Tiers and categories are defined by the
 * admin in the settings doc (issue 4): once a page feeds the settings' rows in, the
 * editor offers them (archived ones no longer) and every label reads in the reader's
 * language. Before that, and for every other set, the built-in ids and messages.
 */
import { untrack } from 'svelte';
import { OPTION_SETS, type OptionSet } from '$lib/domain/fields';
import { labelIn, type SettingsLanguage } from '$lib/domain/settings';

export type SettingsOptionRow = { id: string; archived?: boolean } & Record<string, unknown>;

class SettingsOptions {
	rows = $state<Partial<Record<OptionSet, readonly SettingsOptionRow[]>>>({});
}
export const settingsOptions = new SettingsOptions();

export function setSettingsOptions(set: 'tier' | 'category', rows: readonly SettingsOptionRow[]) {
	// Called from effects: reading the current rows must not make them depend on it.
	const current = untrack(() => settingsOptions.rows);
	if (JSON.stringify(current[set]) === JSON.stringify(rows)) return;
	settingsOptions.rows = { ...current, [set]: rows };
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

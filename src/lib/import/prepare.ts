/**
 * One file cell to one stored member value, the way the grid's editors accept
 * input (member-input.ts), plus what files bring that people do not type:
 *  - choices by their id or their label in any of our three languages, folded
 *    (case, spaces, punctuation, digits, Arabic yeh/kaf): for tiers and categories
 *    the ids and labels the admin defined in the settings ("عضو طلایی", `gold`),
 *    for the other closed sets the stored values and the app's option labels
 *    ("Active member", "فعال", "正式会员");
 *  - dates in the Persian calendar (a year below 1700 is Solar Hijri: 1403/02/15),
 *    `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY年M月D日`, and Excel date cells (already ISO);
 *  - web addresses without a scheme (`www.example.com` gets `https://`);
 *  - line breaks inside one-line fields (a name typed on two lines in Excel) as a space;
 *  - Persian text in Arabic letter forms (ي ك, as Arabic keyboards and old files
 *    write them) in the forms the registry holds (ی ک), so an update does not
 *    overwrite a correct spelling with a look-alike; Arabic text is left alone.
 */
import { OPTION_SETS, type OptionSet } from '$lib/domain/fields';
import { persianLetterForms } from '$lib/domain/encoding';
import {
	foldHeader,
	OPTION_SYNONYMS,
	type ExtraSynonyms,
	type ImportableField
} from '$lib/domain/headers';
import type { PrepareCell } from '$lib/domain/import';
import { labelIn, SETTINGS_LANGUAGES } from '$lib/domain/settings';
import { normalizeDigits } from '$lib/domain/text';
import { parseUserDate } from '$lib/i18n/calendar';
import { joining } from '$lib/i18n/messages/joining';
import { members } from '$lib/i18n/messages/members';
import { LOCALES } from '$lib/i18n/locales';
import { FIELD_SPEC, prepareFieldInput } from '$lib/state/member-input';

type Dict = Record<string, string>;
const dicts: Dict[] = LOCALES.map((l) => ({ ...(members[l] as Dict), ...(joining[l] as Dict) }));

/** A row of a settings table that defines choices (tiers, categories): id and labels. */
export type ChoiceRow = { id: string; archived?: boolean } & Record<string, unknown>;
/** The settings' rows per option set (`tier`, `category`); a set left out keeps the built-in one. */
export type SettingsChoices = Partial<Record<OptionSet, readonly ChoiceRow[]>>;

const foldChoice = (s: string) => foldHeader(normalizeDigits(s));

/**
 * Folded id or label → stored value, for one option set. The settings' rows (archived
 * ones too: old members keep them) come first, ids before labels; then the app's
 * option labels and synonyms of the built-in values that are still defined.
 */
function choiceAliases(
	set: OptionSet,
	rows: readonly ChoiceRow[] | undefined
): Map<string, string> {
	const m = new Map<string, string>();
	const add = (word: unknown, v: string) => {
		if (typeof word !== 'string') return;
		const k = foldChoice(word);
		if (k && !m.has(k)) m.set(k, v);
	};
	const values: readonly string[] = rows?.length ? rows.map((r) => r.id) : OPTION_SETS[set];
	for (const v of values) add(v, v);
	for (const r of rows ?? []) for (const l of SETTINGS_LANGUAGES) add(labelIn(r, l), r.id);
	for (const v of values) for (const d of dicts) add(d[`option.${set}.${v}`], v);
	for (const v of values) for (const syn of OPTION_SYNONYMS[set]?.[v] ?? []) add(syn, v);
	return m;
}

/** Our own field labels in every language, as header synonyms. */
export function labelSynonyms(fields: readonly ImportableField[]): ExtraSynonyms {
	return Object.fromEntries(
		fields.map((f) => [f, dicts.map((d) => d[`field.${f}`]).filter(Boolean)])
	) as ExtraSynonyms;
}

function importDate(raw: string): string | null {
	const s = normalizeDigits(raw).trim();
	const m = /^(\d{4})/.exec(s);
	if (!m) return null;
	return parseUserDate(s.replace(/T.*$/, ''), Number(m[1]) < 1700 ? 'persian' : 'gregory');
}

/**
 * The cell check for one import: choices as `settings` defines them (the organisation's
 * tiers and categories), else the built-in sets.
 */
export function cellPreparer(settings: SettingsChoices = {}): PrepareCell {
	const aliases = new Map(
		(Object.keys(OPTION_SETS) as OptionSet[]).map((set) => [set, choiceAliases(set, settings[set])])
	);
	return (field, raw) => {
		const spec = FIELD_SPEC.get(field);
		let v = raw.trim();
		if (spec?.kind === 'select' && spec.options) {
			// Closed sets only: tier and category are references that the schema checks by
			// pattern alone, so a value must be one we know (an id or a label).
			const hit = aliases.get(spec.options)?.get(foldChoice(v));
			if (!hit) return { ok: false, expectKey: 'expect.select' };
			v = hit;
		} else if (spec?.kind === 'date') {
			const iso = importDate(v);
			if (iso) v = iso;
		} else if (spec?.kind === 'url' && /^www\./i.test(v)) {
			v = `https://${v}`;
		} else if (spec?.kind === 'text') {
			// One-line fields (a name, a city): a line break inside a quoted cell is a space,
			// as the preview and the grid show it; long texts (notes) keep their lines.
			v = persianLetterForms(v.replace(/\s*[\r\n]+\s*/g, ' '));
		} else if (spec?.kind === 'longText') {
			v = persianLetterForms(v);
		}
		const r = prepareFieldInput(field, v);
		return r.ok ? r : { ok: false, expectKey: r.expectKey };
	};
}

/** The cell check with the built-in choices (no settings known). */
export const prepareCell: PrepareCell = cellPreparer();

/**
 * One file cell to one stored member value, the way the grid's editors accept
 * input (member-input.ts), plus what files bring that people do not type:
 *  - option labels in any of our three languages ("Active member", "فعال",
 *    "正式会员") as well as the stored values, case- and space-insensitive;
 *  - dates in the Persian calendar (a year below 1700 is Solar Hijri: 1403/02/15),
 *    `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY年M月D日`, and Excel date cells (already ISO);
 *  - web addresses without a scheme (`www.example.com` gets `https://`).
 */
import { OPTION_SETS } from '$lib/domain/fields';
import {
	foldHeader,
	OPTION_SYNONYMS,
	type ExtraSynonyms,
	type ImportableField
} from '$lib/domain/headers';
import type { PrepareCell } from '$lib/domain/import';
import { normalizeDigits } from '$lib/domain/text';
import { parseUserDate } from '$lib/i18n/calendar';
import { joining } from '$lib/i18n/messages/joining';
import { members } from '$lib/i18n/messages/members';
import { LOCALES } from '$lib/i18n/locales';
import { FIELD_SPEC, prepareFieldInput } from '$lib/state/member-input';

type Dict = Record<string, string>;
const dicts: Dict[] = LOCALES.map((l) => ({ ...(members[l] as Dict), ...(joining[l] as Dict) }));

/** option set → folded label or value → stored value. Values and labels win over synonyms. */
const OPTION_ALIASES: Map<string, Map<string, string>> = new Map(
	Object.entries(OPTION_SETS).map(([set, values]) => {
		const m = new Map<string, string>();
		for (const v of values) {
			m.set(foldHeader(v), v);
			for (const d of dicts) {
				const label = d[`option.${set}.${v}`];
				if (label) m.set(foldHeader(label), v);
			}
		}
		for (const v of values) {
			for (const syn of OPTION_SYNONYMS[set]?.[v] ?? []) {
				if (!m.has(foldHeader(syn))) m.set(foldHeader(syn), v);
			}
		}
		return [set, m];
	})
);

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

export const prepareCell: PrepareCell = (field, raw) => {
	const spec = FIELD_SPEC.get(field);
	let v = raw.trim();
	if (spec?.kind === 'select' && spec.options) {
		// Closed sets only: tier and category are references that the schema checks by
		// pattern alone, so a value must be one we know (an id or a label).
		const hit = OPTION_ALIASES.get(spec.options)?.get(foldHeader(v));
		if (!hit) return { ok: false, expectKey: 'expect.select' };
		v = hit;
	} else if (spec?.kind === 'date') {
		const iso = importDate(v);
		if (iso) v = iso;
	} else if (spec?.kind === 'url' && /^www\./i.test(v)) {
		v = `https://${v}`;
	}
	const r = prepareFieldInput(field, v);
	return r.ok ? r : { ok: false, expectKey: r.expectKey };
};

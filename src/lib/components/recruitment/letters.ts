/**
 * Recruitment rounds as people read them: a round's name ("Round 2 of 1404"), the line
 * a member file shows for a letter, the segment in words; and the letters, filled from
 * the admin's `recruitment` template in each recipient's language (Persian right to
 * left, Solar Hijri date, Persian digits), the built-in text when the organisation has
 * none yet.
 */
import type { MemberRow } from '$lib/domain/member';
import type { RecruitmentChannel, RecruitmentSegment, RoundRow } from '$lib/domain/recruitment';
import {
	activeRows,
	benefitsIn,
	DEFAULT_TEMPLATES,
	labelIn,
	pickTemplate,
	renderTemplate,
	type Category,
	type Config,
	type MergeField,
	type SettingsLanguage,
	type Template,
	type Tier
} from '$lib/domain/settings';
import { formatList, joinMeta, t } from '$lib/i18n/index.svelte';
import { optionLabel } from '$lib/components/grid/format';
import { dateIn } from '$lib/components/ledger/letters';

/** "Round 2 of 1404" (the year as the association keeps it, in the reader's digits). */
export function roundLabel(r: Pick<RoundRow, 'number' | 'year' | 'name'>): string {
	const base = t('recruit.roundLabel', { number: r.number, year: r.year });
	return r.name ? `${base} (${r.name})` : base;
}

export const channelLabel = (c: RecruitmentChannel) => t(`recruit.channel.${c}`);

/** What a member file shows for a recruitment letter, in the reader's language. */
export function letterActivityText(round: RoundRow | null): string {
	return round
		? t('recruit.activity', { round: roundLabel(round), channel: channelLabel(round.channel) })
		: t('recruit.activityNoRound');
}

/** The segment in words: "Region: Tehran · Size: Small, Micro" («|» in Persian); "all non-members" when empty. */
export function segmentText(s: RecruitmentSegment): string {
	const parts: string[] = [];
	const add = (label: string, values: readonly string[] | undefined, set: string | null) => {
		if (!values?.length) return;
		parts.push(`${label}: ${formatList(values.map((v) => (set ? optionLabel(set, v) : v)))}`);
	};
	add(t('field.status'), s.statuses, 'status');
	add(t('field.region'), s.regions, null);
	add(t('field.size'), s.sizes, 'size');
	add(t('field.enterpriseType'), s.enterpriseTypes, 'enterpriseType');
	add(t('field.category'), s.categories, 'category');
	add(t('field.source'), s.sources, 'source');
	return parts.length ? joinMeta(...parts) : t('recruit.segmentAll');
}

/** The recruitment template in `lang` (the admin's, English when that language has none; else built in). */
export function recruitmentTemplate(
	templates: Iterable<Template>,
	lang: SettingsLanguage
): { template: Template; builtIn: boolean } {
	const own = pickTemplate(templates, 'recruitment', lang);
	if (own) return { template: own, builtIn: false };
	const id = `recruitment-${lang}`;
	return { template: { id, ...DEFAULT_TEMPLATES[id] } as Template, builtIn: true };
}

export interface RecruitLetter {
	memberId: string;
	lang: SettingsLanguage;
	title: string;
	paragraphs: string[];
	/** The whole text, for the CSV. */
	body: string;
}

/** One letter in `lang`: the template's title and body with the recipient's values. */
export function buildRecruitLetter(opts: {
	member: MemberRow;
	lang: SettingsLanguage;
	templates: Iterable<Template>;
	config: Config;
	tiers: readonly Tier[];
	categories: readonly Category[];
	/** ISO day printed on the letter. */
	today: string;
}): RecruitLetter {
	const { member: m, lang } = opts;
	const { template } = recruitmentTemplate(opts.templates, lang);
	const tier = activeRows(opts.tiers)[0];
	const category = opts.categories.find((c) => c.id === m.category);
	const orgKey = `orgName${lang[0].toUpperCase()}${lang.slice(1)}` as keyof Config;
	const values: Partial<Record<MergeField, string>> = {
		orgName: String(opts.config[orgKey] ?? opts.config.orgNameEn),
		name: m.name ?? '',
		tier: tier ? labelIn(tier, lang) : '',
		benefits: tier ? benefitsIn(tier, lang) : '',
		category: category ? labelIn(category, lang) : '',
		today: dateIn(lang, opts.today),
		address: m.address ?? '',
		legalRep: m.legalRep ?? '',
		region: m.region ?? ''
	};
	const body = renderTemplate(template.body ?? '', values);
	return {
		memberId: m.id,
		lang,
		title: renderTemplate(template.title ?? '', values),
		// A blank line starts a paragraph; an address keeps its own line breaks.
		paragraphs: body.split(/\n{2,}/).filter((p) => p.trim() !== ''),
		body
	};
}

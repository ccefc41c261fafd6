/**
 * The `settings` doc (one per organisation): what the admin defines for the whole
 * association. Layout (contract with the ledger and reports engineers):
 *
 *  - root map `config` (key → primitive): `currency` (ISO 4217, default 'IRR'),
 *    `lapseGraceDays` (default 90), `riskInactiveDays` (default 365),
 *    `memberNoFormat` (e.g. 'TA-{n:5}': `{n}` is the number, `:5` pads it with zeros
 *    to 5 digits), the association's name per language for documents, and
 *    `fiscalCalendar` ('gregory' | 'persian', absent: 'gregory'): the calendar of
 *    the ledger's dues years and quarters (domain/fiscal.ts).
 *  - tables (root map rowId → Y.Map<field, primitive>):
 *    `tiers`      label and benefits per language, `annualFee` (integer minor units),
 *                 `order`, `archived`;
 *    `categories` label per language, `order`, `archived`;
 *    `criteria`   eligibility criterion text per language, `required`, `order`,
 *                 `archived` (applications keep a copy of what they were checked
 *                 against, so changing or dropping a criterion breaks nothing);
 *    `templates`  `kind` (admission | certificate | duesNotice | recruitment), `language`, `title`,
 *                 `body` with merge fields `{{name}}`, `archived`.
 *
 * The server writes the defaults (DEFAULT_CONFIG, DEFAULT_TABLES) at the first start of
 * an organisation, and rows added to them later once (SETTINGS_SEED_VERSION;
 * server/joining.ts `seedSettings`); after that only admins change the doc, through the
 * guard built from SETTINGS_RULES.
 */
import { z } from 'zod';
import { CALENDARS } from './calendar';
import { DEFAULT_FISCAL_CALENDAR } from './fiscal';
import { SETTINGS_REF_PATTERN } from './member';
import { parseMoney, toDecimalString } from './money';
import { fillPlaceholders, unknownPlaceholders } from './text';

export const SETTINGS_LANGUAGES = ['en', 'fa', 'zh'] as const;
export type SettingsLanguage = (typeof SETTINGS_LANGUAGES)[number];

export const TEMPLATE_KIND = {
	admission: 'admission',
	certificate: 'certificate',
	duesNotice: 'duesNotice',
	/** The letter of a recruitment round to non-members (domain/recruitment.ts). */
	recruitment: 'recruitment'
} as const;
export type TemplateKind = (typeof TEMPLATE_KIND)[keyof typeof TEMPLATE_KIND];
export const TEMPLATE_KINDS = Object.values(TEMPLATE_KIND) as TemplateKind[];
/** The documents issued on approval (/documents): every kind but the recruitment letter. */
export const APPROVAL_TEMPLATE_KINDS: readonly TemplateKind[] = [
	'admission',
	'certificate',
	'duesNotice'
];

/** `{n}` or `{n:<width>}` exactly once, any other text around it. */
export const MEMBER_NO_FORMAT = /^[^{}]{0,20}\{n(?::([1-9]))?\}[^{}]{0,20}$/;

const text = (max: number) => z.string().trim().min(1).max(max);
const longText = (max: number) => z.string().max(max);
const order = z.number().int().min(0).max(1_000_000);

export const configFields = {
	currency: z.string().regex(/^[A-Z]{3}$/),
	lapseGraceDays: z.number().int().min(0).max(3650),
	riskInactiveDays: z.number().int().min(1).max(3650),
	memberNoFormat: z.string().regex(MEMBER_NO_FORMAT),
	orgNameEn: text(200),
	orgNameFa: text(200),
	orgNameZh: text(200),
	fiscalCalendar: z.enum(CALENDARS)
} as const;
export type ConfigKey = keyof typeof configFields;

export const tierFields = {
	labelEn: text(100),
	labelFa: text(100),
	labelZh: text(100),
	benefitsEn: longText(2000),
	benefitsFa: longText(2000),
	benefitsZh: longText(2000),
	/** Integer minor units of `config.currency`. */
	annualFee: z.number().int().min(0).max(1e15),
	order,
	archived: z.boolean()
} as const;

export const categoryFields = {
	labelEn: text(100),
	labelFa: text(100),
	labelZh: text(100),
	order,
	archived: z.boolean()
} as const;

export const criterionFields = {
	textEn: text(500),
	textFa: text(500),
	textZh: text(500),
	required: z.boolean(),
	order,
	archived: z.boolean()
} as const;

export const templateFields = {
	kind: z.enum(TEMPLATE_KINDS as [TemplateKind, ...TemplateKind[]]),
	language: z.enum(SETTINGS_LANGUAGES),
	title: text(200),
	body: longText(20_000),
	archived: z.boolean()
} as const;

/** Field rules per root map; the shape `makeDocGuard` takes (server/doc-guards.ts). */
export const SETTINGS_RULES = {
	values: { config: { fields: configFields } },
	tables: {
		tiers: { fields: tierFields, idPattern: SETTINGS_REF_PATTERN },
		categories: { fields: categoryFields, idPattern: SETTINGS_REF_PATTERN },
		criteria: { fields: criterionFields, idPattern: SETTINGS_REF_PATTERN },
		templates: { fields: templateFields, idPattern: SETTINGS_REF_PATTERN }
	}
} as const;
export type SettingsTable = keyof typeof SETTINGS_RULES.tables;

type Fields<T extends Record<string, z.ZodType>> = { [K in keyof T]?: z.infer<T[K]> };
export type Config = { [K in ConfigKey]: z.infer<(typeof configFields)[K]> };
export type Tier = Fields<typeof tierFields> & { id: string };
export type Category = Fields<typeof categoryFields> & { id: string };
export type Criterion = Fields<typeof criterionFields> & { id: string };
export type Template = Fields<typeof templateFields> & { id: string };

export const DEFAULT_CONFIG: Config = {
	currency: 'IRR',
	lapseGraceDays: 90,
	riskInactiveDays: 365,
	memberNoFormat: '{n:5}',
	orgNameEn: 'Guildhall Trade Association',
	orgNameFa: 'تشکل صنفی گیلدهال',
	orgNameZh: '行会协会',
	// Also what a new organisation is seeded with: the fiscal calendar is chosen by the
	// admin, not guessed (years already charged are never renumbered).
	fiscalCalendar: DEFAULT_FISCAL_CALENDAR
};

/** Config with defaults for missing or invalid values (an old doc, a half-synced copy). */
export function readConfig(raw: Record<string, unknown>): Config {
	const out = { ...DEFAULT_CONFIG } as Record<string, unknown>;
	for (const [k, schema] of Object.entries(configFields)) {
		const r = schema.safeParse(raw[k]);
		if (r.success) out[k] = r.data;
	}
	return out as Config;
}

/** The printed member number: `formatMemberNo('TA-{n:5}', 42)` is 'TA-00042'. */
export function formatMemberNo(format: string, n: number): string {
	const f = MEMBER_NO_FORMAT.test(format) ? format : DEFAULT_CONFIG.memberNoFormat;
	return f.replace(/\{n(?::([1-9]))?\}/, (_, w: string | undefined) =>
		String(n).padStart(w ? Number(w) : 0, '0')
	);
}

/**
 * The member number for life as everyone reads it: what the approval printed on the
 * certificate (`certificateNo`, kept as printed even if the format changes later),
 * else the stored integer in the organisation's format. '' without a number.
 */
export function printedMemberNo(
	row: { memberNo?: unknown; certificateNo?: unknown },
	format: string
): string {
	if (typeof row.certificateNo === 'string' && row.certificateNo !== '') return row.certificateNo;
	return typeof row.memberNo === 'number' ? formatMemberNo(format, row.memberNo) : '';
}

/** Label in `lang`, falling back to English, then to the id. */
export function labelIn(
	row: { id: string } & Record<string, unknown>,
	lang: SettingsLanguage,
	base = 'label'
): string {
	const suffix = (l: string) => base + l[0].toUpperCase() + l.slice(1);
	const v = row[suffix(lang)] ?? row[suffix('en')];
	return typeof v === 'string' && v.trim() !== '' ? v : row.id;
}

/** Benefits of a tier in `lang`, falling back to English. */
export function benefitsIn(tier: Record<string, unknown>, lang: SettingsLanguage): string {
	const v = tier[`benefits${lang[0].toUpperCase()}${lang.slice(1)}`];
	return typeof v === 'string' && v.trim() !== ''
		? v
		: typeof tier.benefitsEn === 'string'
			? tier.benefitsEn
			: '';
}

/** Not archived, sorted by `order` then id. */
export function activeRows<T extends { id: string; order?: number; archived?: boolean }>(
	rows: Iterable<T>
): T[] {
	return [...rows]
		.filter((r) => r.archived !== true)
		.sort((a, b) => (a.order ?? 0) - (b.order ?? 0) || a.id.localeCompare(b.id));
}

export const MERGE_FIELDS = [
	'orgName',
	'name',
	'memberNo',
	'tier',
	'category',
	'benefits',
	'annualFee',
	'approvedDate',
	'joinDate',
	'today',
	'address',
	'legalRep',
	'region',
	/**
	 * [L11] In a dues notice: what settles each open charge with an early-payment
	 * discount, and by when (empty in other documents).
	 */
	'earlyPayment'
] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];

/** Merge fields used in `body` that are not known (shown to the admin while editing). */
export function unknownMergeFields(body: string): string[] {
	return unknownPlaceholders(body, MERGE_FIELDS);
}

/** Fill `{{field}}` from `values`; a field without a value becomes empty. */
export function renderTemplate(body: string, values: Partial<Record<MergeField, string>>): string {
	return fillPlaceholders(body, MERGE_FIELDS, values);
}

/** The template for `kind` in `lang` (English when that language has none). */
export function pickTemplate(
	templates: Iterable<Template>,
	kind: TemplateKind,
	lang: SettingsLanguage
): Template | null {
	const list = activeRows(templates).filter((t) => t.kind === kind);
	return list.find((t) => t.language === lang) ?? list.find((t) => t.language === 'en') ?? null;
}

/**
 * What a person typed as an amount ('50,000,000', '12.5', '۱۲۰۰') to integer minor
 * units, by the ledger's own parser (domain/money.ts), so a fee set here means in the
 * ledger what it meant when typed; null when it is not an amount of this currency.
 */
export function decimalToMinor(input: string, currency: string): number | null {
	const r = parseMoney(input, currency);
	return r.ok ? r.amount : null;
}

/** Money in integer minor units as a decimal string in the currency's own digits. */
export function minorToDecimal(minor: number, currency: string): string {
	return toDecimalString(Math.trunc(minor), currency);
}

// ---- defaults written at the first start ----

type Row = Record<string, string | number | boolean>;

export const DEFAULT_TIERS: Record<string, Row> = {
	regular: {
		labelEn: 'Regular member',
		labelFa: 'عضو عادی',
		labelZh: '普通会员',
		benefitsEn: 'Newsletter, member prices at events, the yearly member directory.',
		benefitsFa: 'خبرنامه، تخفیف اعضا در رویدادها، فهرست سالانه اعضا.',
		benefitsZh: '会刊、活动会员价、年度会员名录。',
		annualFee: 50_000_000,
		order: 1,
		archived: false
	},
	council: {
		labelEn: 'Council member',
		labelFa: 'عضو شورا',
		labelZh: '理事单位',
		benefitsEn: 'All regular benefits, a seat at council meetings, policy consultations.',
		benefitsFa: 'همه مزایای عضو عادی، کرسی در جلسات شورا، مشورت‌های سیاستی.',
		benefitsZh: '普通会员全部权益，出席理事会议，参与政策咨询。',
		annualFee: 200_000_000,
		order: 2,
		archived: false
	},
	donor: {
		labelEn: 'Donor member',
		labelFa: 'عضو حامی',
		labelZh: '捐赠会员',
		benefitsEn: 'Reports on how donations are used, project visits.',
		benefitsFa: 'گزارش مصرف کمک‌ها، بازدید از پروژه‌ها.',
		benefitsZh: '定期反馈资金使用进展，邀请参与项目探访。',
		annualFee: 100_000_000,
		order: 3,
		archived: false
	},
	volunteer: {
		labelEn: 'Volunteer member',
		labelFa: 'عضو داوطلب',
		labelZh: '志愿者会员',
		benefitsEn: 'Training, a record of volunteer hours.',
		benefitsFa: 'آموزش، ثبت ساعات داوطلبی.',
		benefitsZh: '技能培训、服务时长记录。',
		annualFee: 0,
		order: 4,
		archived: false
	},
	honorary: {
		labelEn: 'Honorary member',
		labelFa: 'عضو افتخاری',
		labelZh: '荣誉会员',
		benefitsEn: 'Yearly recognition; no fee.',
		benefitsFa: 'تقدیر سالانه؛ بدون حق عضویت.',
		benefitsZh: '年度表彰；免收会费。',
		annualFee: 0,
		order: 5,
		archived: false
	}
};

export const DEFAULT_CATEGORIES: Record<string, Row> = {
	manufacturer: {
		labelEn: 'Manufacturer',
		labelFa: 'تولیدکننده',
		labelZh: '生产企业',
		order: 1,
		archived: false
	},
	supplier: {
		labelEn: 'Supplier',
		labelFa: 'تأمین‌کننده',
		labelZh: '供应商',
		order: 2,
		archived: false
	},
	design: {
		labelEn: 'Design, R&D',
		labelFa: 'طراحی و پژوهش',
		labelZh: '设计科研单位',
		order: 3,
		archived: false
	},
	education: {
		labelEn: 'Education',
		labelFa: 'آموزشی',
		labelZh: '教学单位',
		order: 4,
		archived: false
	},
	trade: { labelEn: 'Trade', labelFa: 'بازرگانی', labelZh: '经营单位', order: 5, archived: false }
};

export const DEFAULT_CRITERIA: Record<string, Row> = {
	statutes: {
		textEn: 'Accepts the association’s statutes',
		textFa: 'اساسنامه تشکل را می‌پذیرد',
		textZh: '拥护本会章程',
		required: true,
		order: 1,
		archived: false
	},
	industry: {
		textEn: 'Works in the industry (manufacturing, design, research, education or trade)',
		textFa: 'در صنعت فعال است (تولید، طراحی، پژوهش، آموزش یا بازرگانی)',
		textZh: '从事本行业相关业务（生产、设计、科研、教学或经营）',
		required: true,
		order: 2,
		archived: false
	},
	registration: {
		textEn: 'Registered business (licence or registration seen)',
		textFa: 'کسب‌وکار ثبت‌شده (پروانه یا ثبت دیده شد)',
		textZh: '已核实营业执照或登记证明',
		required: true,
		order: 3,
		archived: false
	},
	form: {
		textEn: 'Application form complete and signed',
		textFa: 'فرم عضویت کامل و امضا شده است',
		textZh: '《入会申请表》填写完整并签字',
		required: true,
		order: 4,
		archived: false
	},
	influence: {
		textEn: 'Has some standing in the industry',
		textFa: 'در صنعت جایگاهی دارد',
		textZh: '在行业内具有一定影响',
		required: false,
		order: 5,
		archived: false
	}
};

const T = (kind: TemplateKind, language: SettingsLanguage, title: string, body: string): Row => ({
	kind,
	language,
	title,
	body,
	archived: false
});

export const DEFAULT_TEMPLATES: Record<string, Row> = {
	'admission-en': T(
		'admission',
		'en',
		'Admission notice',
		'Dear {{name}},\n\nWe are pleased to tell you that {{orgName}} has admitted you as a {{tier}} ({{category}}) on {{approvedDate}}.\n\nYour member number is {{memberNo}}. It is your certificate and archive number for as long as you are a member.\n\nYour benefits: {{benefits}}\n\nWelcome.\n\n{{orgName}}, membership office'
	),
	'admission-fa': T(
		'admission',
		'fa',
		'ابلاغیه پذیرش عضویت',
		'{{name}} گرامی،\n\nبا خرسندی به اطلاع می‌رساند که {{orgName}} در تاریخ {{approvedDate}} عضویت شما را در رده «{{tier}}» ({{category}}) پذیرفت.\n\nشماره عضویت شما {{memberNo}} است. این شماره، شماره گواهی و شماره پرونده شما در تمام مدت عضویت است.\n\nمزایای شما: {{benefits}}\n\nخوش آمدید.\n\nواحد عضویت {{orgName}}'
	),
	'admission-zh': T(
		'admission',
		'zh',
		'入会通知书',
		'{{name}}：\n\n经秘书长批准，贵单位已于{{approvedDate}}加入{{orgName}}，会员级别为{{tier}}（{{category}}）。\n\n会员编号：{{memberNo}}。该编号即会员证书编号和档案编号，终身不变。\n\n会员权益：{{benefits}}\n\n欢迎加入！\n\n{{orgName}} 组织部'
	),
	'certificate-en': T(
		'certificate',
		'en',
		'Certificate of membership',
		'{{orgName}}\n\nThis certifies that\n\n{{name}}\n\nis a {{tier}} of the association since {{approvedDate}}.\n\nCertificate no. {{memberNo}}'
	),
	'certificate-fa': T(
		'certificate',
		'fa',
		'گواهی عضویت',
		'{{orgName}}\n\nبدین‌وسیله گواهی می‌شود\n\n{{name}}\n\nاز تاریخ {{approvedDate}} در ردهٔ «{{tier}}» عضو این تشکل است.\n\nشماره گواهی: {{memberNo}}'
	),
	'certificate-zh': T(
		'certificate',
		'zh',
		'会员证书',
		'{{orgName}}\n\n兹证明\n\n{{name}}\n\n自{{approvedDate}}起为本会{{tier}}。\n\n证书编号：{{memberNo}}'
	),
	'duesNotice-en': T(
		'duesNotice',
		'en',
		'Membership fee notice',
		'Dear {{name}},\n\nAs a {{tier}} (member no. {{memberNo}}), your annual membership fee is {{annualFee}}.\n\n{{earlyPayment}}\n\nPlease pay by bank transfer to the association’s account, quoting your member number. Ask the membership office about discounts.\n\n{{orgName}}, {{today}}'
	),
	'duesNotice-fa': T(
		'duesNotice',
		'fa',
		'اعلامیه حق عضویت',
		'{{name}} گرامی،\n\nحق عضویت سالانه شما در رده «{{tier}}» (شماره عضویت {{memberNo}}) مبلغ {{annualFee}} است.\n\n{{earlyPayment}}\n\nلطفاً مبلغ را با ذکر شماره عضویت به حساب تشکل واریز کنید. برای تخفیف‌ها با واحد عضویت تماس بگیرید.\n\n{{orgName}}، {{today}}'
	),
	'duesNotice-zh': T(
		'duesNotice',
		'zh',
		'会费缴纳通知',
		'{{name}}：\n\n贵单位会员级别为{{tier}}（会员编号{{memberNo}}），年度会费为{{annualFee}}。\n\n{{earlyPayment}}\n\n请通过银行转账缴纳，并注明会员编号。优惠办法请咨询组织部。\n\n{{orgName}}　{{today}}'
	),
	// The recruitment letter to non-members: {{tier}} and {{benefits}} are the first
	// membership level's (settings `tiers`), {{address}} heads the letter for a window envelope.
	'recruitment-en': T(
		'recruitment',
		'en',
		'An invitation to join {{orgName}}',
		'{{name}}\n{{address}}\n\n{{today}}\n\nDear {{name}},\n\n{{orgName}} brings together the companies of our industry (manufacturers, suppliers, designers, educators and traders) to speak with one voice to government, to share what we know and to open doors to new business.\n\nAs a {{tier}} you receive: {{benefits}} You are also invited to our trainings, exhibitions and policy consultations, and listed in the member directory that buyers use.\n\nJoining is simple: ask our membership office for the application form, return it signed with a copy of your business registration, and the office will check it and confirm your admission. The annual fee depends on the membership level you choose.\n\nWe would be glad to welcome you.\n\n{{orgName}}, membership office'
	),
	'recruitment-fa': T(
		'recruitment',
		'fa',
		'دعوت به عضویت در {{orgName}}',
		'{{name}}\n{{address}}\n\n{{today}}\n\n{{name}} گرامی،\n\n{{orgName}} شرکت‌های صنعت ما (تولیدکنندگان، تأمین‌کنندگان، طراحان، مراکز آموزشی و بازرگانان) را گرد هم می‌آورد تا با یک صدا با دولت سخن بگوییم، دانسته‌های خود را به اشتراک بگذاریم و درهای کسب‌وکار تازه را بگشاییم.\n\nبه‌عنوان «{{tier}}» از این مزایا بهره‌مند می‌شوید: {{benefits}} همچنین به دوره‌های آموزشی، نمایشگاه‌ها و نشست‌های مشورتی دعوت می‌شوید و نامتان در فهرست اعضا، که خریداران به آن مراجعه می‌کنند، می‌آید.\n\nعضویت ساده است: فرم عضویت را از واحد عضویت بخواهید، آن را امضاشده همراه با رونوشت مدارک ثبت کسب‌وکار بازگردانید؛ واحد عضویت آن را بررسی می‌کند و پذیرش شما را اعلام می‌کند. حق عضویت سالانه به رده عضویتی که برمی‌گزینید بستگی دارد.\n\nخرسند می‌شویم شما را در جمع اعضا ببینیم.\n\nواحد عضویت {{orgName}}'
	),
	'recruitment-zh': T(
		'recruitment',
		'zh',
		'诚邀加入{{orgName}}',
		'{{name}}\n{{address}}\n\n{{today}}\n\n{{name}}：\n\n{{orgName}}汇聚本行业的生产、供应、设计科研、教学和经营单位，代表行业向政府反映诉求，促进交流合作，共同拓展商机。\n\n作为{{tier}}，贵单位可享受：{{benefits}}此外，会员还将受邀参加培训、展会和政策咨询活动，并载入供采购方查阅的会员名录。\n\n入会手续简便：请向我会组织部索取《入会申请表》，签字后连同营业执照复印件交回，经组织部审核后即可确认入会。年度会费根据所选会员级别确定。\n\n竭诚欢迎贵单位加入！\n\n{{orgName}} 组织部'
	)
};

export const DEFAULT_TABLES: Record<SettingsTable, Record<string, Row>> = {
	tiers: DEFAULT_TIERS,
	categories: DEFAULT_CATEGORIES,
	criteria: DEFAULT_CRITERIA,
	templates: DEFAULT_TEMPLATES
};

/**
 * Rows added to DEFAULT_TABLES after the first version of the defaults, by the version
 * that added them, so an organisation seeded before gets them once, when its settings
 * room loads (server/joining.ts `seedSettings`, SPEC [J5]).
 */
export const SEED_ADDITIONS: Readonly<
	Record<number, Partial<Record<SettingsTable, readonly string[]>>>
> = {
	// The recruitment letters (SPEC [RC6]).
	2: { templates: ['recruitment-en', 'recruitment-fa', 'recruitment-zh'] }
};

/** The version of the defaults (`meta.seedVersion`; an organisation seeded without one is at 1). */
export const SETTINGS_SEED_VERSION = Math.max(1, ...Object.keys(SEED_ADDITIONS).map(Number));

/** The rows of the defaults added after `version`: table, id and fields. */
export function seedRowsAfter(version: number): { table: SettingsTable; id: string; row: Row }[] {
	return Object.entries(SEED_ADDITIONS)
		.filter(([v]) => Number(v) > version)
		.flatMap(([, tables]) =>
			Object.entries(tables).flatMap(([table, ids]) =>
				ids.map((id) => ({
					table: table as SettingsTable,
					id,
					row: DEFAULT_TABLES[table as SettingsTable][id]
				}))
			)
		);
}

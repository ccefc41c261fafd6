/**
 * Guessing which member field a file's column holds, from its header, in English,
 * Persian and Chinese. The lists hold what magazine-subscription and exhibition
 * lists actually call their columns, not just our own labels.
 */
import type { MemberField } from './member';

/** Fields a file may fill. Server-owned and audit fields are never imported. */
export const IMPORTABLE_FIELDS = [
	'name',
	'status',
	'tier',
	'enterpriseType',
	'category',
	'size',
	'region',
	'address',
	'legalRep',
	'phone',
	'email',
	'website',
	'joinDate',
	'source',
	'notes',
	'products',
	'interests',
	'referrer',
	'language'
] as const satisfies readonly MemberField[];
export type ImportableField = (typeof IMPORTABLE_FIELDS)[number];

export const HEADER_SYNONYMS: Record<ImportableField, readonly string[]> = {
	name: [
		'name',
		'company',
		'company name',
		'organization',
		'organisation',
		'member',
		'member name',
		'exhibitor',
		'enterprise',
		'firm',
		'نام',
		'نام شرکت',
		'شرکت',
		'نام عضو',
		'عضو',
		'نام واحد',
		'نام بنگاه',
		'名称',
		'企业名称',
		'公司名称',
		'单位名称',
		'会员名称',
		'公司',
		'企业',
		'单位',
		'参展商'
	],
	status: ['status', 'state', 'member status', 'وضعیت', 'وضعیت عضویت', '状态', '会员状态'],
	tier: [
		'tier',
		'level',
		'membership level',
		'membership type',
		'grade',
		'سطح',
		'سطح عضویت',
		'نوع عضویت',
		'رده',
		'等级',
		'会员等级',
		'级别'
	],
	enterpriseType: [
		'enterprise type',
		'company type',
		'ownership',
		'legal form',
		'type',
		'نوع شرکت',
		'نوع بنگاه',
		'نوع مالکیت',
		'企业类型',
		'企业性质',
		'单位性质',
		'经济类型'
	],
	category: [
		'category',
		'member category',
		'membership category',
		'member type',
		'دسته',
		'دسته عضویت',
		'گروه عضویت',
		'类别',
		'会员类别',
		'单位类别',
		'分类'
	],
	size: [
		'size',
		'company size',
		'scale',
		'employees',
		'اندازه',
		'اندازه شرکت',
		'مقیاس',
		'规模',
		'企业规模'
	],
	region: [
		'region',
		'province',
		'city',
		'area',
		'state/province',
		'منطقه',
		'استان',
		'شهر',
		'地区',
		'区域',
		'省份',
		'城市',
		'所在地区',
		'省市'
	],
	address: [
		'address',
		'street',
		'postal address',
		'mailing address',
		'نشانی',
		'آدرس',
		'地址',
		'通讯地址',
		'联系地址',
		'详细地址'
	],
	legalRep: [
		'legal representative',
		'legal rep',
		'representative',
		'ceo',
		'director',
		'managing director',
		'head',
		'contact',
		'contact person',
		'نماینده قانونی',
		'مدیرعامل',
		'مدیر عامل',
		'نماینده',
		'رابط',
		'法定代表人',
		'法人代表',
		'法人',
		'负责人',
		'联系人'
	],
	phone: [
		'phone',
		'telephone',
		'tel',
		'mobile',
		'cell',
		'phone number',
		'تلفن',
		'شماره تماس',
		'تلفن همراه',
		'موبایل',
		'همراه',
		'电话',
		'联系电话',
		'手机',
		'手机号',
		'电话号码'
	],
	email: [
		'email',
		'e-mail',
		'mail',
		'email address',
		'ایمیل',
		'پست الکترونیک',
		'رایانامه',
		'邮箱',
		'电子邮件',
		'电子邮箱',
		'email地址'
	],
	website: [
		'website',
		'web',
		'url',
		'homepage',
		'site',
		'وبسایت',
		'وب سایت',
		'سایت',
		'网站',
		'网址',
		'主页',
		'官网'
	],
	joinDate: [
		'join date',
		'joined',
		'member since',
		'date joined',
		'membership date',
		'تاریخ عضویت',
		'تاریخ پیوستن',
		'入会日期',
		'入会时间',
		'加入日期'
	],
	source: [
		'source',
		'channel',
		'source channel',
		'lead source',
		'how did you hear',
		'منبع',
		'کانال',
		'کانال جذب',
		'来源',
		'来源渠道',
		'渠道'
	],
	products: [
		'products',
		'products and services',
		'services',
		'industry',
		'sector',
		'business',
		'line of business',
		'محصولات',
		'محصولات و خدمات',
		'خدمات',
		'رسته',
		'صنف',
		'حوزه فعالیت',
		'زمینه فعالیت',
		'主营产品',
		'主营业务',
		'产品',
		'行业',
		'所属行业',
		'行业类别',
		'经营范围'
	],
	interests: [
		'interests',
		'interested in',
		'علاقه‌مندی',
		'علایق',
		'زمینه علاقه',
		'关注',
		'感兴趣',
		'兴趣'
	],
	referrer: [
		'referrer',
		'referred by',
		'recommended by',
		'معرف',
		'معرفی‌کننده',
		'推荐人',
		'介绍人'
	],
	language: ['language', 'preferred language', 'زبان', '语言', '语种'],
	notes: [
		'notes',
		'note',
		'remarks',
		'comments',
		'comment',
		'یادداشت',
		'توضیحات',
		'ملاحظات',
		'备注',
		'说明',
		'附注'
	]
};

/**
 * Fold a header for comparison: case, Arabic vs Persian yeh/kaf, zero-width
 * non-joiners, full-width forms, and every space or punctuation mark.
 */
export function foldHeader(s: string): string {
	return s
		.normalize('NFKC')
		.toLowerCase()
		.replace(/\u064a/g, '\u06cc')
		.replace(/\u0643/g, '\u06a9')
		.replace(/\u200c|\u200d|\ufeff/g, '')
		.replace(/[\s\p{P}\p{S}]+/gu, '');
}

/** Extra names per field (our own labels in every language), added by the caller. */
export type ExtraSynonyms = Partial<Record<ImportableField, readonly string[]>>;

/**
 * One field (or null) per column. An exact match of the folded header wins; then
 * a header that contains a synonym (longest synonym first). A field is used once:
 * the first column that claims it keeps it.
 */
export function guessMapping(
	headers: readonly string[],
	extra: ExtraSynonyms = {}
): (ImportableField | null)[] {
	const exact = new Map<string, ImportableField>();
	const partial: { syn: string; field: ImportableField }[] = [];
	for (const field of IMPORTABLE_FIELDS) {
		for (const s of [...(extra[field] ?? []), ...HEADER_SYNONYMS[field]]) {
			const f = foldHeader(s);
			if (!f) continue;
			if (!exact.has(f)) exact.set(f, field);
			// One-letter or one-character synonyms are too weak to match inside a header.
			if ([...f].length >= 2) partial.push({ syn: f, field });
		}
	}
	partial.sort((a, b) => b.syn.length - a.syn.length);
	const used = new Set<ImportableField>();
	const out: (ImportableField | null)[] = headers.map(() => null);
	const folded = headers.map(foldHeader);
	folded.forEach((h, i) => {
		const f = exact.get(h);
		if (f && !used.has(f)) {
			out[i] = f;
			used.add(f);
		}
	});
	folded.forEach((h, i) => {
		if (out[i] || !h) return;
		const hit = partial.find((p) => !used.has(p.field) && h.includes(p.syn));
		if (hit) {
			out[i] = hit.field;
			used.add(hit.field);
		}
	});
	return out;
}

/** The key under which a mapping is remembered: the folded headers in order. */
export function shapeKey(headers: readonly string[]): string {
	return headers.map(foldHeader).join('\u001f');
}

/**
 * Words files use for our option values beyond the labels the app shows (those
 * are matched too, in every language). Folded like headers before comparing.
 */
export const OPTION_SYNONYMS: Readonly<
	Record<string, Readonly<Record<string, readonly string[]>>>
> = {
	status: {
		active: ['member', 'current', 'فعال', 'عضو', '在册', '正式', '会员'],
		prospect: ['potential', 'lead', 'بالقوه', 'مشتری بالقوه', '潜在', '潜在客户'],
		lapsed: ['expired', 'inactive', 'منقضی شده', 'غیرفعال', '过期', '失效'],
		eventContact: ['visitor', 'بازدیدکننده', '观众', '展会观众'],
		applicant: ['applied', 'متقاضی عضویت', '申请']
	},
	tier: {
		regular: ['ordinary', 'standard', 'معمولی', '普通'],
		council: ['council member', 'board', 'هیئت مدیره', '理事', '理事单位'],
		honorary: ['افتخاری', '荣誉']
	},
	size: {
		micro: ['very small', 'خرد', '微型'],
		small: ['کوچک', '小型'],
		medium: ['mid', 'متوسط', '中型'],
		large: ['big', 'بزرگ', '大型']
	},
	enterpriseType: {
		private: ['privately owned', 'خصوصی', '民营', '私营', '私营企业'],
		stateOwned: ['state owned', 'soe', 'دولتی', '国有', '国企'],
		foreignInvested: ['foreign', 'خارجی', '外资', '外资企业'],
		jointVenture: ['jv', 'مشارکتی', '合资', '合资企业']
	}
};

/**
 * Realistic registries for the benchmark: N members with ~20 filled fields, names
 * in Persian, Chinese and English, from a seeded PRNG so every run measures the
 * same data. Builds the `registry` Y.Doc in the stored layout (members → rowId →
 * Y.Map<field, primitive>), as the server would hold it after approvals.
 */
import * as Y from 'yjs';
import {
	COMPANY_SIZE,
	ENTERPRISE_TYPE,
	MEMBER_STATUS,
	MEMBER_TIER,
	SOURCE_CHANNEL
} from '../src/lib/domain/member';

/** mulberry32: small, fast, good enough for test data. */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const FA_A = ['صنایع', 'بازرگانی', 'شرکت', 'گروه', 'تولیدی', 'پخش', 'کارخانه'];
const FA_B = ['پارس', 'آریا', 'مهر', 'البرز', 'کوثر', 'سپاهان', 'خزر', 'زاگرس', 'دنا'];
const FA_C = ['غذایی', 'نساجی', 'فولاد', 'دارویی', 'پتروشیمی', 'الکترونیک', 'کشاورزی'];
const ZH_A = ['华东', '长江', '东方', '中联', '恒信', '新锐', '宏达', '金桥', '天成'];
const ZH_B = ['机械', '纺织', '食品', '电子', '化工', '物流', '建材', '医药'];
const ZH_C = ['有限公司', '股份有限公司', '集团', '制造厂'];
const EN_A = ['Northern', 'Atlas', 'Summit', 'Harbor', 'Crescent', 'Pioneer', 'Silk Road'];
const EN_B = ['Textiles', 'Foods', 'Logistics', 'Machinery', 'Chemicals', 'Electronics'];
const EN_C = ['Ltd', 'Co.', 'Group', 'Trading'];
const REGIONS = [
	'تهران',
	'اصفهان',
	'شیراز',
	'تبریز',
	'上海',
	'北京',
	'广东',
	'浙江',
	'London',
	'Lyon'
];
const CATEGORIES = ['food', 'textile', 'steel', 'pharma', 'chemicals', 'electronics', 'logistics'];
const PEOPLE = ['رضا احمدی', 'مریم کریمی', '王伟', '李娜', '张敏', 'John Smith', 'Anna Müller'];

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const vals = <T extends Record<string, string>>(o: T) => Object.values(o);

export function memberName(r: () => number): string {
	const lang = r();
	if (lang < 0.4) return `${pick(r, FA_A)} ${pick(r, FA_C)} ${pick(r, FA_B)}`;
	if (lang < 0.8) return `${pick(r, ZH_A)}${pick(r, ZH_B)}${pick(r, ZH_C)}`;
	return `${pick(r, EN_A)} ${pick(r, EN_B)} ${pick(r, EN_C)}`;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
export function rowIdFrom(r: () => number): string {
	let s = '';
	for (let i = 0; i < 16; i++) s += ID_ALPHABET[Math.floor(r() * 64)];
	return s;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** One member's fields (20 of them), numbered `no`. */
export function memberFields(r: () => number, no: number): Record<string, string | number> {
	const y = 1995 + Math.floor(r() * 30);
	const joinDate = `${y}-${pad(1 + Math.floor(r() * 12))}-${pad(1 + Math.floor(r() * 28))}`;
	const domain = `m${no}.example.org`;
	return {
		memberNo: no,
		name: memberName(r),
		status: pick(r, vals(MEMBER_STATUS)),
		tier: pick(r, vals(MEMBER_TIER)),
		enterpriseType: pick(r, vals(ENTERPRISE_TYPE)),
		category: pick(r, CATEGORIES),
		size: pick(r, vals(COMPANY_SIZE)),
		region: pick(r, REGIONS),
		address: `${Math.floor(r() * 400)} ${pick(r, REGIONS)} ${pick(r, EN_A)} Street`,
		legalRep: pick(r, PEOPLE),
		phone: `+98 21 ${Math.floor(1e7 + r() * 9e7)}`,
		email: `office@${domain}`,
		website: `https://${domain}`,
		joinDate,
		source: pick(r, vals(SOURCE_CHANNEL)),
		notes: r() < 0.5 ? 'عضو فعال در نمایشگاه سالانه' : '参加年度展会',
		createdAt: `${joinDate}T09:00:00.000Z`,
		approvedAt: `${joinDate}T10:00:00.000Z`,
		approvedBy: 'secretary'
	};
}

/** Fill `doc`'s members map with `count` members, in batches of `batch` per transaction. */
export function fillRegistry(opts: {
	doc: Y.Doc;
	count: number;
	seed?: number;
	startNo?: number;
	batch?: number;
}): string[] {
	const r = prng(opts.seed ?? 42);
	const members = opts.doc.getMap<Y.Map<unknown>>('members');
	const ids: string[] = [];
	const batch = opts.batch ?? 1000;
	for (let i = 0; i < opts.count; i += batch) {
		opts.doc.transact(() => {
			for (let j = i; j < Math.min(opts.count, i + batch); j++) {
				const id = rowIdFrom(r);
				const fields = memberFields(r, (opts.startNo ?? 1) + j);
				const row = new Y.Map<unknown>();
				for (const [k, v] of Object.entries(fields)) if (v !== undefined) row.set(k, v);
				members.set(id, row);
				ids.push(id);
			}
		});
	}
	return ids;
}

/** A registry of `count` members as one Yjs update (v1), as a snapshot would hold it. */
export function registryUpdate(count: number, seed = 42): Uint8Array {
	const doc = new Y.Doc();
	fillRegistry({ doc, count, seed });
	const u = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return u;
}

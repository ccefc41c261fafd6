/**
 * UNREPORTED_FIELDS ([RP13]): the server does not recompute the reports when only these fields
 * change, so no area may read them. On a random organisation (members of every status,
 * contact persons, participation, dues, a survey with its audience and responses, and a
 * history of changes), changing them, with their history events, must leave every
 * section of every standard period the same; changing a reported field must not (so
 * the comparison can see a difference).
 */
import { describe, expect, it } from 'vitest';
import {
	standardPeriods,
	UNREPORTED_FIELDS,
	type Cell,
	type HistoryEvent,
	type ReportInputs,
	type Row
} from '../../src/lib/domain/report';
import { computeReports } from '../../src/lib/domain/report-areas';
import { mulberry32 } from '../prng';

const TODAY = '2026-11-15';
const START = Date.parse('2024-01-01T00:00:00Z');
const END = Date.parse('2026-11-15T12:00:00Z');
const periods = standardPeriods(TODAY);

function organisation(seed: number) {
	const r = mulberry32(seed);
	const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
	const at = () => START + Math.floor(r() * (END - START));
	const day = () => new Date(at()).toISOString().slice(0, 10);
	const members: Row[] = [];
	const history: HistoryEvent[] = [];
	for (let i = 0; i < 80; i++) {
		const row: Record<string, Cell> = {
			id: `member${String(i).padStart(4, '0')}`,
			name: pick(['Alpha', 'Beta', 'Gamma', 'تهران', '上海']),
			status: pick(['applicant', 'active', 'active', 'active', 'lapsed', 'resigned']),
			region: pick(['North', 'South', 'East']),
			tier: pick(['gold', 'silver', 'basic']),
			category: pick(['food', 'steel']),
			enterpriseType: pick(['private', 'public']),
			size: pick(['small', 'large']),
			joinDate: day(),
			source: pick(['exhibition', 'website']),
			notes: `note ${i}`,
			products: 'steel bars'
		};
		members.push(row as Row);
		history.push({
			table: 'members',
			rowId: row.id as string,
			field: 'region',
			at: at(),
			value: pick(['North', 'South']),
			old: null,
			userId: 2,
			created: false
		});
	}
	const ids = members.map((m) => m.id);
	const contacts = ids
		.slice(0, 30)
		.map((memberId, i) => ({ id: `contact${i}`, memberId, name: 'Ms. X' }) as Row);
	const activities = ids
		.slice(10, 50)
		.map((memberId, i) => ({ id: `activity${i}`, memberId, date: day() }) as Row);
	const entries = ids.flatMap((memberId, i) => [
		{ id: `charge${i}`, memberId, kind: 'charge', amount: 100, date: day(), posted: true } as Row,
		...(r() < 0.6
			? [
					{
						id: `pay${i}`,
						memberId,
						kind: 'payment',
						amount: 100,
						date: day(),
						posted: true
					} as Row
				]
			: [])
	]);
	const campaign = {
		id: 'campaign1',
		title_en: 'Needs 2026',
		periodStart: '2026-01-01',
		periodEnd: '2026-12-31',
		audience: 'region',
		audienceValue: 'North',
		status: 'open',
		createdAt: '2026-01-01T00:00:00.000Z'
	} as Row;
	const question = { id: 'question1', campaignId: 'campaign1', kind: 'text', order: 1 } as Row;
	const answers = ids
		.filter(() => r() < 0.4)
		.map(
			(memberId) =>
				({
					id: `answer-${memberId}`,
					campaignId: 'campaign1',
					memberId,
					questionId: 'question1',
					value: 'more exhibitions',
					updatedAt: '2026-05-01T00:00:00.000Z'
				}) as Row
		);
	const inputs = (m: readonly Row[], h: readonly HistoryEvent[]): ReportInputs => ({
		today: TODAY,
		docs: {
			registry: { members: m, contacts, activities },
			ledger: { entries },
			surveys: { campaigns: [campaign], questions: [question], answers }
		},
		values: { settings: { config: { riskInactiveDays: 180 } } },
		history: h,
		historyReady: true
	});
	return { r, members, history, inputs };
}

/** Every section of every standard period, as JSON by `period key/section id`. */
function figures(inputs: ReportInputs): Map<string, string> {
	const out = new Map<string, string>();
	for (const r of computeReports(inputs, periods, { computedAt: '2026-11-15T12:00:00.000Z' }))
		for (const [id, v] of Object.entries(r.sections))
			out.set(`${r.period.key}/${id}`, JSON.stringify(v));
	return out;
}
/** The sections that differ. */
const moved = (a: Map<string, string>, b: Map<string, string>) =>
	[...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k));

describe('UNREPORTED_FIELDS', () => {
	const tables = Object.entries(UNREPORTED_FIELDS.registry ?? {});

	it('lists fields of the registry members only, and never one a report reads', () => {
		expect(Object.keys(UNREPORTED_FIELDS)).toEqual(['registry']);
		expect(tables.map(([t]) => t)).toEqual(['members']);
		const reported = ['name', 'status', 'region', 'tier', 'joinDate', 'phone', 'email', 'address'];
		for (const f of reported) expect(UNREPORTED_FIELDS.registry!.members.has(f)).toBe(false);
	});

	for (const seed of [1, 2, 3]) {
		it(`changing them (seed ${seed}) changes no figure; changing a region does`, () => {
			const o = organisation(seed);
			const before = figures(o.inputs(o.members, o.history));
			for (const field of UNREPORTED_FIELDS.registry!.members) {
				const history = [...o.history];
				const changed = o.members.map((m) => {
					if (o.r() < 0.5) return m;
					const value = o.r() < 0.2 ? null : `${field} ${o.r()}`;
					history.push({
						table: 'members',
						rowId: m.id,
						field,
						at: END - 1000,
						value,
						old: m[field] ?? null,
						userId: 2,
						created: false
					});
					const next: Record<string, Cell> = { ...m };
					if (value === null) delete next[field];
					else next[field] = value;
					return next as Row;
				});
				expect(moved(before, figures(o.inputs(changed, history))), field).toEqual([]);
			}
			const west = o.members.map((m, i) => (i % 2 ? m : ({ ...m, region: 'West' } as Row)));
			const regions = moved(before, figures(o.inputs(west, o.history)));
			// (Regions per period come from the history; the survey audience from the row.)
			expect(regions).toContain('m:2026-11/surveys.responses');
			expect(regions).toContain('jy:1405/surveys.responses');
		});
	}
});

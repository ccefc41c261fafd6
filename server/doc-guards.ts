/**
 * The guard of each doc that clients may write. A doc without one refuses every
 * client write (SPEC [D1]); an area adds its doc's guard here.
 */
import type { DocName } from '../src/lib/domain/access';
import { LEDGER_TABLE_RULES } from '../src/lib/domain/ledger';
import { SETTINGS_RULES } from '../src/lib/domain/settings';
import { guardRegistry, makeDocGuard, type Guard } from './guard';
import { guardSurveys } from './surveys-guard';

/** Settings (issue 4): tiers and categories are archived, never deleted (members refer to them). */
const guardSettings = makeDocGuard({
	values: SETTINGS_RULES.values,
	tables: {
		tiers: { ...SETTINGS_RULES.tables.tiers, keep: () => true },
		categories: { ...SETTINGS_RULES.tables.categories, keep: () => true },
		criteria: SETTINGS_RULES.tables.criteria,
		templates: { ...SETTINGS_RULES.tables.templates, keep: () => true }
	}
});

export const DOC_GUARDS: Partial<Record<DocName, Guard>> = {
	registry: guardRegistry,
	// [L1] posted entries frozen, [L2] posted entries complete (domain/ledger.ts).
	ledger: makeDocGuard({ tables: LEDGER_TABLE_RULES }),
	surveys: guardSurveys,
	settings: guardSettings
};

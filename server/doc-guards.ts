/**
 * The guard of each doc that clients may write. A doc without one refuses every
 * client write (SPEC [D1]); an area adds its doc's guard here.
 */
import type { DocName } from '../src/lib/domain/access';
import { LEDGER_TABLE_RULES } from '../src/lib/domain/ledger';
import { guardRegistry, makeDocGuard, type Guard } from './guard';
import { guardSurveys } from './surveys-guard';

export const DOC_GUARDS: Partial<Record<DocName, Guard>> = {
	registry: guardRegistry,
	// [L1] posted entries frozen, [L2] posted entries complete (domain/ledger.ts).
	ledger: makeDocGuard({ tables: LEDGER_TABLE_RULES }),
	surveys: guardSurveys
};

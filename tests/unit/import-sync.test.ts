/**
 * A 20,000-row import over a real server (issue 8): written in chunk transactions
 * of at most 5,000 rows (each under the 8 MiB message limit), it reaches another
 * client whole, with every part, and no connection is closed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyImport, importParts } from '../../src/lib/import/apply';
import type { PlannedRow } from '../../src/lib/import/check';
import {
	connect,
	createUser,
	loginAdmin,
	removeDir,
	startTestServer,
	waitFor,
	type TestServer,
	type TestUser
} from '../server/helpers';

let server: TestServer;
let staff: TestUser;

beforeAll(async () => {
	server = await startTestServer();
	staff = await createUser(server, await loginAdmin(server), ['staff'], 'import-staff');
});

afterAll(async () => {
	await server.close();
	removeDir(server.dataDir);
});

describe('large import', () => {
	it('[IE4] a 20,000-row import in chunk transactions reaches another client whole', async () => {
		const a = await connect(server, staff.cookie);
		const b = await connect(server, staff.cookie);
		const rows: PlannedRow[] = Array.from({ length: 20_000 }, (_, i) => ({
			line: i + 2,
			cells: [],
			values: {
				name: `شرکت نمونه ${i} 样本公司`,
				phone: `021 ${String(10_000_000 + i)}`,
				email: `m${i}@example.com`,
				region: 'تهران',
				category: 'industry',
				address: `No. ${i}, Example street, Some district, Tehran`
			},
			errors: [],
			match: null,
			changes: [],
			action: 'add'
		}));
		const result = await applyImport({ doc: a.doc, importId: 'import-big-0001', rows });
		expect(result).toEqual({ added: 20_000, updated: 0, parts: 4 });
		await waitFor(() => b.members().size === 20_000, { timeout: 120_000, what: '20k rows at b' });
		await waitFor(() => importParts(b.doc, 'import-big-0001').length === 4, { timeout: 30_000 });
		expect(a.closes).toEqual([]);
		a.destroy();
		b.destroy();
	}, 180_000);
});

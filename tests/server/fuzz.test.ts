/**
 * [C1] Seeded fuzz: several clients edit the registry at random, go offline and come
 * back; afterwards every client, the server and a fresh client hold the same members,
 * and every cell holds a write that no later write to that cell had seen (the last
 * write when it was the only such one).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Role } from '../../src/lib/domain/access';
import {
	canonical,
	connect,
	createUser,
	loginAdmin,
	membersJson,
	REGISTRY,
	removeDir,
	sleep,
	startTestServer,
	waitFor,
	type Client,
	type TestServer,
	type TestUser
} from './helpers';
import { mulberry32 } from '../prng';

const VALUES: Record<string, readonly unknown[]> = {
	name: ['Acme', 'Bolt GmbH', 'Cedar & Co', 'Dune SA', 'Ember Ltd', '北京商会', 'شرکت نمونه'],
	size: ['micro', 'small', 'medium', 'large'],
	tier: ['regular', 'council', 'donor', 'volunteer', 'honorary'],
	region: ['North', 'South', 'East', 'West', 'Centre'],
	email: ['a@example.org', 'b@example.com', 'info@acme.example'],
	notes: ['', 'call back', 'met at fair', 'prefers email']
};
const FIELDS = Object.keys(VALUES);
const ROLES: Role[][] = [
	['staff'],
	['approver'],
	['admin'],
	['staff', 'board'],
	['approver', 'finance']
];

interface Write {
	op: number;
	value: unknown;
	client: number;
	clock: number;
	/** A later write to the same cell was made by a client that had this one. */
	overwritten: boolean;
}

let server: TestServer;
let users: TestUser[];

beforeAll(async () => {
	server = await startTestServer();
	const admin = await loginAdmin(server);
	users = [];
	for (const roles of ROLES) users.push(await createUser(server, admin, roles));
});

afterAll(async () => {
	await server.close();
	removeDir(server.dataDir);
});

async function fuzz(seed: number, ops: number) {
	const rand = mulberry32(seed);
	const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
	const rowId = () => {
		const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
		return Array.from({ length: 16 }, () => pick([...alphabet])).join('') + `-${seed}`;
	};

	const clients: Client[] = [];
	for (const u of users) clients.push(await connect(server, u.cookie));
	const online = clients.map(() => true);
	const writes = new Map<string, Write[]>();
	const deleted = new Set<string>();
	const created = new Set<string>();

	let offlineEdits = 0;
	const liveRows = (c: Client) => [...c.members().keys()].filter((id) => created.has(id));

	for (let op = 0; op < ops; op++) {
		const i = Math.floor(rand() * clients.length);
		const c = clients[i];
		const r = rand();
		if (!online[i]) offlineEdits++;
		if (r < 0.08) {
			if (online[i]) c.provider.disconnect();
			else c.provider.connect();
			online[i] = !online[i];
		} else if (r < 0.25 || liveRows(c).length === 0) {
			const id = rowId();
			created.add(id);
			const row = new Y.Map<unknown>();
			row.set('name', pick(VALUES.name));
			c.members().set(id, row);
		} else if (r < 0.32) {
			const id = pick(liveRows(c));
			deleted.add(id);
			c.members().delete(id);
		} else {
			const id = pick(liveRows(c));
			const field = pick(FIELDS);
			const value = pick(VALUES[field]);
			const row = c.members().get(id)!;
			row.set(field, value);
			const item = row._map.get(field)!;
			const key = `${id}\u0000${field}`;
			const cell = writes.get(key) ?? [];
			for (const w of cell) if (Y.getState(c.doc.store, w.client) > w.clock) w.overwritten = true;
			cell.push({ op, value, client: item.id.client, clock: item.id.clock, overwritten: false });
			writes.set(key, cell);
		}
		if (rand() < 0.3) await sleep(Math.floor(rand() * 6));
	}

	clients.forEach((c, i) => {
		if (!online[i]) c.provider.connect();
	});
	const serverDoc = () => server.app.rooms.get(REGISTRY)!.doc;
	const mine = (doc: Y.Doc) =>
		Object.fromEntries(Object.entries(membersJson(doc)).filter(([id]) => id.endsWith(`-${seed}`)));
	await waitFor(
		() => {
			const want = canonical(mine(serverDoc()));
			return clients.every((c) => c.provider.synced && canonical(mine(c.doc)) === want);
		},
		{ timeout: 15_000, what: 'convergence' }
	);
	const fresh = await connect(server, users[0].cookie);
	const final = mine(fresh.doc);
	for (const c of clients) expect(canonical(mine(c.doc))).toBe(canonical(final));
	expect(canonical(mine(serverDoc()))).toBe(canonical(final));

	// Deleted rows stay deleted (none has a member number); all others are present.
	for (const id of created) expect(id in final).toBe(!deleted.has(id));
	let checked = 0;
	for (const [key, cell] of writes) {
		const [id, field] = key.split('\u0000');
		if (deleted.has(id)) continue;
		const candidates = cell.filter((w) => !w.overwritten);
		expect(candidates.length).toBeGreaterThan(0);
		expect(candidates.map((w) => w.value)).toContain(final[id][field]);
		const last = cell[cell.length - 1];
		if (candidates.length === 1) {
			expect(final[id][field]).toBe(last.value);
			checked++;
		}
	}
	expect(checked).toBeGreaterThan(10);
	expect(offlineEdits).toBeGreaterThan(10);
	fresh.destroy();
	for (const c of clients) c.destroy();
}

describe('[C1] seeded fuzz', () => {
	for (const seed of [1, 42, 2024]) {
		it(`[C1] 5 clients, 200 random ops, disconnects (seed ${seed}) converge and keep last writes`, async () => {
			await fuzz(seed, 200);
		});
	}
});

/**
 * Recruitment rounds recorded on two devices offline ([RC3], [RC8]): real server, two
 * y-websocket clients that write while disconnected and sync one after the other.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { recruitmentActivityId } from '../../src/lib/domain/recruitment';
import { newRowId } from '../../src/lib/domain/text';
import {
	canonical,
	connect,
	createUser,
	loginAdmin,
	REGISTRY,
	removeDir,
	startTestServer,
	waitFor,
	type Client,
	type TestServer
} from './helpers';

let server: TestServer;
let staff: string;

beforeAll(async () => {
	server = await startTestServer();
	const admin = await loginAdmin(server);
	staff = (await createUser(server, admin, ['staff'])).cookie;
});

afterAll(async () => {
	await server.close();
	removeDir(server.dataDir);
});

/** A round and its letters in one transaction, as the recruitment page records them. */
function recordRound(doc: Y.Doc, number: number, createdAt: string, members: string[]): string {
	const id = newRowId();
	doc.transact(() => {
		const round = new Y.Map<unknown>();
		doc.getMap('recruitmentRounds').set(id, round);
		const values = { channel: 'post', year: 1404, number, segment: '{}', language: 'fa' };
		for (const [k, v] of Object.entries({ ...values, createdAt })) round.set(k, v);
		for (const memberId of members) {
			const letter = new Y.Map<unknown>();
			doc.getMap('activities').set(recruitmentActivityId(id, memberId), letter);
			letter.set('memberId', memberId);
			letter.set('kind', 'recruitment');
			letter.set('roundId', id);
			letter.set('title', `Recruitment letter sent (Round ${number} of 1404, Post)`);
			letter.set('date', createdAt.slice(0, 10));
			letter.set('createdAt', createdAt);
		}
	});
	return id;
}

const rounds = (doc: Y.Doc) =>
	doc.getMap('recruitmentRounds').toJSON() as Record<
		string,
		{ number: number; renumberedFrom?: number }
	>;
const serverDoc = () => server.app.rooms.get(REGISTRY)!.doc;
const synced = (c: Client) =>
	waitFor(() => canonical(rounds(c.doc)) === canonical(rounds(serverDoc())), {
		what: 'the client to have the server’s rounds'
	});

it('[RC8] rounds recorded offline on two devices with one number get unique numbers by arrival', async () => {
	const a = await connect(server, staff);
	const b = await connect(server, staff);
	const first = recordRound(a.doc, 1, '2025-04-01T08:00:00.000Z', [newRowId()]);
	await synced(b);

	// Both devices go offline (a fair) and each records "Round 2 of 1404"; b records a
	// third round too, and b's rounds were recorded before a's.
	a.provider.disconnect();
	b.provider.disconnect();
	const fromA = recordRound(a.doc, 2, '2025-05-02T09:00:00.000Z', [newRowId(), newRowId()]);
	const fromB = recordRound(b.doc, 2, '2025-05-01T09:00:00.000Z', [newRowId()]);
	const fromB3 = recordRound(b.doc, 3, '2025-05-01T10:00:00.000Z', [newRowId()]);

	// a reaches the server first: its round keeps 2; b's rounds take the next numbers.
	a.provider.connect();
	await synced(a);
	expect(rounds(serverDoc())[fromA].number).toBe(2);
	b.provider.connect();
	await synced(b);
	await synced(a);

	const all = rounds(serverDoc());
	expect(Object.keys(all)).toHaveLength(4);
	expect(all[first]).toEqual(expect.objectContaining({ number: 1 }));
	expect(all[fromA].number).toBe(2);
	expect(all[fromA].renumberedFrom).toBeUndefined();
	expect(all[fromB]).toEqual(expect.objectContaining({ number: 3, renumberedFrom: 2 }));
	expect(all[fromB3]).toEqual(expect.objectContaining({ number: 4, renumberedFrom: 3 }));
	// Every letter is kept, each still naming its own round.
	const letters = Object.values(serverDoc().getMap('activities').toJSON()) as {
		roundId: string;
	}[];
	expect(letters.map((l) => l.roundId).sort()).toEqual([first, fromA, fromA, fromB, fromB3].sort());
	a.destroy();
	b.destroy();
});

it('[RC8] a client cannot renumber a round, nor write renumberedFrom even in the round’s creation', async () => {
	const a = await connect(server, staff);
	const id = recordRound(a.doc, 9, '2025-06-01T08:00:00.000Z', []);
	const round = a.doc.getMap('recruitmentRounds').get(id) as Y.Map<unknown>;
	round.set('number', 7);
	let forged = '';
	a.doc.transact(() => {
		forged = recordRound(a.doc, 10, '2025-06-02T08:00:00.000Z', []);
		(a.doc.getMap('recruitmentRounds').get(forged) as Y.Map<unknown>).set('renumberedFrom', 5);
	});
	await waitFor(() => rounds(serverDoc())[id]?.number === 9 && rounds(a.doc)[id].number === 9, {
		what: 'the change reverted'
	});
	await waitFor(() => rounds(serverDoc())[forged]?.number === 10, { what: 'the second round' });
	await synced(a);
	expect(rounds(serverDoc())[forged].renumberedFrom).toBeUndefined();
	a.destroy();
});

/**
 * [C11][M2] An offline backlog bigger than MAX_MESSAGE_BYTES reaches the server: the
 * app's provider (src/lib/sync/provider.ts) sends it in chunks, each a valid update;
 * y-websocket's own provider sends it as one message, is closed with 4413, and
 * would resend it on every reconnect.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { WebsocketProvider } from 'y-websocket';
import { GuildhallProvider } from '../../src/lib/sync/provider';
import { CLOSE, MAX_MESSAGE_BYTES, MESSAGE, PROTOCOL_VERSION } from '../../src/lib/domain/protocol';
import { newRowId } from '../../src/lib/domain/text';
import {
	connect,
	loginAdmin,
	readLog,
	REGISTRY,
	removeDir,
	socketClass,
	startTestServer,
	waitFor,
	type TestServer
} from './helpers';

let s: TestServer | null = null;
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
	for (const f of cleanup.splice(0).reverse()) await f();
	await s?.close();
	if (s) removeDir(s.dataDir);
	s = null;
});

/** An offline import: `n` members with long texts, in ONE transaction. */
function offlineBacklog(n: number): { doc: Y.Doc; ids: string[] } {
	const doc = new Y.Doc();
	const ids: string[] = [];
	const long = 'Zone industrielle, bâtiment B, entrée 4 — 工业园区 四号门 — شهرک صنعتی، ورودی ۴ ';
	doc.transact(() => {
		const members = doc.getMap('members');
		for (let i = 0; i < n; i++) {
			const id = newRowId();
			ids.push(id);
			members.set(
				id,
				new Y.Map<unknown>(
					Object.entries({
						name: `Imported member ${i}`,
						status: 'active',
						region: `Region ${i % 31}`,
						address: `${i} ${long}`,
						legalRep: `Representative ${i}`,
						notes: `Imported from the old spreadsheet, row ${i}. ${long}${long}`,
						category: 'textile'
					})
				)
			);
		}
	});
	return { doc, ids };
}

function provider(
	Kind: typeof WebsocketProvider,
	server: TestServer,
	cookie: string,
	doc: Y.Doc
): { p: WebsocketProvider; closes: number[]; acks: Map<number, number>[] } {
	const p = new Kind(server.syncUrl, REGISTRY, doc, {
		connect: false,
		disableBc: true,
		params: { v: String(PROTOCOL_VERSION) },
		maxBackoffTime: 200,
		WebSocketPolyfill: socketClass({ cookie, origin: server.origin }) as never
	});
	const closes: number[] = [];
	const acks: Map<number, number>[] = [];
	p.on('connection-close', (e) => {
		if (e) closes.push(e.code);
	});
	p.messageHandlers[MESSAGE.ack] = (_enc, dec) => {
		acks.push(Y.decodeStateVector(decoding.readVarUint8Array(dec)));
	};
	cleanup.push(() => p.destroy());
	return { p, closes, acks };
}

describe('[C11] big offline backlogs', () => {
	it('an offline backlog over MAX_MESSAGE_BYTES syncs in chunks; the plain provider is refused with 4413', async () => {
		s = await startTestServer();
		const admin = await loginAdmin(s);
		const { doc, ids } = offlineBacklog(16_000);
		const size = Y.encodeStateAsUpdate(doc).byteLength;
		expect(size).toBeGreaterThan(MAX_MESSAGE_BYTES);

		// The bug: one message, refused, and refused again after the reconnect.
		const plainDoc = new Y.Doc();
		Y.applyUpdate(plainDoc, Y.encodeStateAsUpdate(doc));
		const plain = provider(WebsocketProvider, s, admin, plainDoc);
		plain.p.connect();
		await waitFor(() => plain.closes.includes(CLOSE.TooLarge), { what: '4413', timeout: 20_000 });
		plain.p.destroy();
		expect(plain.acks).toHaveLength(0);

		// The fix: the same backlog, from the app's provider.
		const ours = provider(GuildhallProvider, s, admin, doc);
		ours.p.connect();
		await waitFor(
			() =>
				ours.acks.some((a) => (a.get(doc.clientID) ?? 0) >= Y.getState(doc.store, doc.clientID)),
			{ what: 'the ACK of the whole backlog', timeout: 60_000 }
		);
		expect(ours.closes).not.toContain(CLOSE.TooLarge);
		expect(ours.acks.length).toBeGreaterThan(1);
		// Every chunk was stored as its own log row, each under the limit.
		const rows = readLog(s);
		expect(rows.length).toBeGreaterThan(size / (4 * 1024 * 1024));
		for (const r of rows) expect(r.update.byteLength).toBeLessThan(MAX_MESSAGE_BYTES);

		// A fresh device gets all of it, with every field.
		const fresh = await connect(s, admin);
		cleanup.push(() => fresh.destroy());
		expect(fresh.members().size).toBe(ids.length);
		const sample = fresh.members().get(ids[12_345])!.toJSON();
		expect(sample).toEqual((doc.getMap('members').get(ids[12_345]) as Y.Map<unknown>).toJSON());
	}, 120_000);

	it('a big change made while connected goes in chunks too, and peers converge', async () => {
		s = await startTestServer();
		const admin = await loginAdmin(s);
		const doc = new Y.Doc();
		const ours = provider(GuildhallProvider, s, admin, doc);
		ours.p.connect();
		await waitFor(() => ours.p.synced);
		const peer = await connect(s, admin);
		cleanup.push(() => peer.destroy());
		(ours.p as GuildhallProvider).chunkBytes = 64 * 1024;
		const { doc: big } = offlineBacklog(2000);
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(big));
		await waitFor(() => peer.members().size === 2000, { what: 'peer', timeout: 30_000 });
		expect(readLog(s).filter((r) => r.update.byteLength > 64 * 1024 + 4096)).toHaveLength(0);
		expect(ours.closes).toEqual([]);
	}, 60_000);
});

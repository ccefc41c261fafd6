import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { memoryPendingStore, trackPending } from '../../src/lib/sync/pending';
import { MembersStore } from '../../src/lib/state/members.svelte';

/** What the server ACKs for one update: its clock for each client the update carries. */
function serverAck(server: Y.Doc, update: Uint8Array): Map<number, number> {
	Y.applyUpdate(server, update);
	const clients = new Set<number>(Y.decodeUpdate(update).structs.map((s) => s.id.client));
	return new Map([...clients].map((c) => [c, Y.getState(server.store, c)]));
}

function setup() {
	const doc = new Y.Doc();
	const store = memoryPendingStore();
	const tracker = trackPending({ doc, room: '1:default/registry', store });
	const members = new MembersStore({ doc });
	const sent: Uint8Array[] = [];
	doc.on('update', (u: Uint8Array) => sent.push(u));
	return { doc, store, tracker, members, sent };
}

describe('pending marks', () => {
	it('[C2] records one mark per own transaction and settles it with the ACK', async () => {
		const { store, tracker, members, sent } = setup();
		const server = new Y.Doc();
		const id = members.addMember({ name: 'Acme' })!;
		members.setField(id, 'region', 'Tehran');
		await tracker.flush();
		expect(store.marks).toHaveLength(2);
		await tracker.settle(serverAck(server, sent[0]));
		expect(store.marks).toHaveLength(1);
		await tracker.settle(serverAck(server, sent[1]));
		expect(store.marks).toHaveLength(0);
	});

	it('does not count remote changes', async () => {
		const { doc, store, tracker } = setup();
		const other = new MembersStore({ doc: new Y.Doc() });
		other.addMember({ name: 'Remote' });
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(other.doc), { remote: true });
		await tracker.flush();
		expect(store.marks).toHaveLength(0);
	});

	it('[C3] moves the clock after delete-only transactions so their ACK can be seen', async () => {
		const { doc, store, tracker, members, sent } = setup();
		const server = new Y.Doc();
		const id = members.addMember({ name: 'Acme', region: 'Tehran' })!;
		members.setField(id, 'region', '');
		members.deleteMembers([id]);
		await tracker.flush();
		// add, clear (+ clock move), delete (+ clock move)
		expect(store.marks).toHaveLength(3);
		expect(doc.getMap('members').size).toBe(0);
		for (const u of sent) await tracker.settle(serverAck(server, u));
		expect(store.marks).toHaveLength(0);
		// The clock moves leave nothing behind.
		expect(server.getMap('members').toJSON()).toEqual({});
	});

	it('[C3] counts an undo that only deletes, and redo still works after it', async () => {
		const { store, tracker, members } = setup();
		const id = members.addMember({ name: 'Acme' })!;
		members.setField(id, 'region', 'Tehran');
		members.undo();
		await tracker.flush();
		expect(store.marks).toHaveLength(3);
		expect(members.get(id)?.region).toBeUndefined();
		expect(members.redo()).toBe(true);
		expect(members.get(id)?.region).toBe('Tehran');
	});

	it('[C2] settles marks of a previous session (old client id) when the server ACKs them', async () => {
		const first = setup();
		first.members.addMember({ name: 'Offline edit' });
		await first.tracker.flush();
		const marks = first.store.marks;
		expect(marks).toHaveLength(1);
		// Reload: a new doc (new client id) from the local copy, same mark store.
		const doc2 = new Y.Doc();
		Y.applyUpdate(doc2, Y.encodeStateAsUpdate(first.doc));
		const tracker2 = trackPending({ doc: doc2, room: '1:default/registry', store: first.store });
		expect(doc2.clientID).not.toBe(first.doc.clientID);
		// Sync step 2 to the server carries the old client's structs.
		const server = new Y.Doc();
		const step2 = Y.encodeStateAsUpdate(doc2, Y.encodeStateVector(server));
		await tracker2.settle(serverAck(server, step2));
		expect(first.store.marks).toHaveLength(0);
	});

	it('[C2] the server state vector (sync step 1) settles marks too', async () => {
		const { doc, store, tracker, members } = setup();
		members.addMember({ name: 'Acme' });
		await tracker.flush();
		await tracker.settle(Y.decodeStateVector(Y.encodeStateVector(doc)));
		expect(store.marks).toHaveLength(0);
	});
});

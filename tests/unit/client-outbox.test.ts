/**
 * [C22] The client's command outbox against a real server: commands wait while the
 * server cannot be reached, are sent with the same id on retry (answered once),
 * and refusals are kept with the server's message.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newRowId } from '../../src/lib/domain/text';
import {
	CommandOutbox,
	memoryOutboxStore,
	type SendCommand
} from '../../src/lib/state/outbox.svelte';
import { commandErrorText } from '../../src/lib/components/command-error';
import { COMMAND_ERROR } from '../../src/lib/domain/commands';
import { i18n } from '../../src/lib/i18n/index.svelte';
import {
	addRow,
	connect,
	createUser,
	loginAdmin,
	removeDir,
	startTestServer,
	waitFor,
	type Client,
	type TestServer,
	type TestUser
} from '../server/helpers';

let server: TestServer;
let staff: TestUser;
let approver: TestUser;
let client: Client;

/** A real HTTP send; `online` false makes it fail like a dropped network. */
function sender(user: TestUser, state: { online: boolean; sent: string[] }): SendCommand {
	return async (row) => {
		if (!state.online) throw new TypeError('Failed to fetch');
		state.sent.push(row.id);
		const res = await fetch(`${server.url}/api/${row.org}/commands`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie: user.cookie, origin: server.origin },
			body: JSON.stringify({ ...row.args, id: row.id, type: row.type })
		});
		return { status: res.status, body: await res.json().catch(() => null) };
	};
}

beforeAll(async () => {
	server = await startTestServer();
	const admin = await loginAdmin(server);
	staff = await createUser(server, admin, ['staff']);
	approver = await createUser(server, admin, ['approver']);
	client = await connect(server, staff.cookie);
});

afterAll(async () => {
	i18n.locale = 'en';
	client.destroy();
	await server.close();
	removeDir(server.dataDir);
});

const members = () => server.app.rooms.get('default/registry')!.doc.getMap('members');

describe('[C22] command outbox', () => {
	it('[CMD4] a command made offline waits, then runs once on reconnect', async () => {
		const id = addRow(client.doc, newRowId(), { name: 'Offline Co', status: 'prospect' });
		await waitFor(() => members().has(id));
		const net = { online: false, sent: [] as string[] };
		const store = memoryOutboxStore();
		const outbox = new CommandOutbox({
			user: { id: staff.id, org: 'default' },
			store,
			send: sender(staff, net)
		});
		const cmd = await outbox.enqueue('move', { rowId: id, to: 'inquiry' }, 'Offline Co');
		await outbox.flush();
		expect(outbox.pending.map((r) => r.id)).toEqual([cmd.id]);
		expect(outbox.pending[0].error?.status).toBe(0);
		expect((members().get(id) as Y.Map<unknown>).get('status')).toBe('prospect');

		// A new outbox over the same store (the page was reloaded) still has it.
		const reloaded = new CommandOutbox({
			user: { id: staff.id, org: 'default' },
			store,
			send: sender(staff, net)
		});
		await reloaded.ready;
		expect(reloaded.pending).toHaveLength(1);

		net.online = true;
		await reloaded.retry(cmd.id);
		expect(reloaded.items[0].state).toBe('done');
		expect((members().get(id) as Y.Map<unknown>).get('status')).toBe('inquiry');
		// Sent again with the same id (a lost answer): answered from the store, no second move.
		const moves = server.app.rooms.get('default/registry')!.doc.getMap('moves').size;
		const again = await sender(staff, net)({ ...reloaded.items[0] });
		expect(again.status).toBe(200);
		expect(server.app.rooms.get('default/registry')!.doc.getMap('moves').size).toBe(moves);
	});

	it('[CMD3] a refused command is kept as failed with the server’s message', async () => {
		const id = addRow(client.doc, newRowId(), { name: 'Refused Co', status: 'applicant' });
		await waitFor(() => members().has(id));
		const net = { online: true, sent: [] as string[] };
		const outbox = new CommandOutbox({
			user: { id: staff.id, org: 'default' },
			store: memoryOutboxStore(),
			send: sender(staff, net)
		});
		const cmd = await outbox.enqueue(
			'approve',
			{ rowId: id, tier: 'regular', category: 'trade' },
			'Refused Co'
		);
		await outbox.flush();
		const row = outbox.items.find((r) => r.id === cmd.id)!;
		expect(row.state).toBe('failed');
		expect(row.error?.status).toBe(403);
		expect(row.error?.message).toMatch(/approver/);
		await outbox.discard(cmd.id);
		expect(outbox.items).toHaveLength(0);
	});

	it('[J3] approvals queued on two devices give one number', async () => {
		const id = addRow(client.doc, newRowId(), { name: 'Two Devices', status: 'applicant' });
		await waitFor(() => members().has(id));
		const verify = await fetch(`${server.url}/api/default/commands`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie: staff.cookie, origin: server.origin },
			body: JSON.stringify({
				id: randomUUID(),
				type: 'verify',
				rowId: id,
				met: ['statutes', 'industry', 'registration', 'form'],
				note: ''
			})
		});
		expect(verify.status).toBe(200);
		const boxes = [0, 1].map(
			() =>
				new CommandOutbox({
					user: { id: approver.id, org: 'default' },
					store: memoryOutboxStore(),
					send: sender(approver, { online: true, sent: [] })
				})
		);
		await Promise.all(
			boxes.map((b) =>
				b.enqueue('approve', { rowId: id, tier: 'regular', category: 'trade' }, 'Two Devices')
			)
		);
		await Promise.all(boxes.map((b) => b.flush()));
		const numbers = boxes.map((b) => (b.items[0].result as { memberNo: string }).memberNo);
		expect(numbers[0]).toBe(numbers[1]);
		expect((members().get(id) as Y.Map<unknown>).get('certificateNo')).toBe(numbers[0]);
	});

	it('[CMD3] a refusal reads in the reader’s language, with the states as labels', async () => {
		// An approver approves offline; staff rejects the applicant online meanwhile.
		const id = addRow(client.doc, newRowId(), { name: '李四物流', status: 'verified' });
		await waitFor(() => members().has(id));
		const net = { online: false, sent: [] as string[] };
		const outbox = new CommandOutbox({
			user: { id: approver.id, org: 'default' },
			store: memoryOutboxStore(),
			send: sender(approver, net)
		});
		const cmd = await outbox.enqueue(
			'approve',
			{ rowId: id, tier: 'regular', category: 'trade' },
			'李四物流'
		);
		await outbox.flush();
		const reject = await fetch(`${server.url}/api/default/commands`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', cookie: staff.cookie, origin: server.origin },
			body: JSON.stringify({ id: randomUUID(), type: 'reject', rowId: id, reason: '资料不全' })
		});
		expect(reject.status).toBe(200);
		net.online = true;
		await outbox.retry(cmd.id);
		const row = outbox.items.find((r) => r.id === cmd.id)!;
		expect(row.state).toBe('failed');
		expect(row.error?.details).toMatchObject({ from: 'rejected', to: 'active' });
		i18n.locale = 'zh';
		expect(commandErrorText(row)).toBe(
			'李四物流 现为“未通过”，已无法批准。请重新加载入会流程查看变化，然后放弃此操作。'
		);
		i18n.locale = 'fa';
		expect(commandErrorText(row)).toMatch(/^李四物流 اکنون «[^»a-z]+» است/);
		i18n.locale = 'en';
		expect(commandErrorText(row)).toBe(
			'李四物流 is now “Rejected” and can no longer be approved. Reload the pipeline to see what changed, then discard this action.'
		);
	});

	it('[J8] a second approval names the number, tier and category the member has, in the reader’s digits', () => {
		const row = {
			type: 'approve',
			label: 'Delta Tex',
			args: { tier: 'council', category: 'design' },
			error: {
				status: 409,
				code: COMMAND_ERROR.alreadyApproved,
				message: 'SERVER ENGLISH',
				details: { memberNo: '00005', tier: 'regular', category: 'trade' }
			}
		};
		i18n.locale = 'fa';
		const fa = commandErrorText(row);
		expect(fa).toContain('۰۰۰۰۵');
		expect(fa).not.toMatch(/regular|trade|00005/);
		i18n.locale = 'en';
		expect(commandErrorText(row)).toBe(
			'Delta Tex was already approved as no. 00005, as Regular in Trade: your tier and category were not applied. To change them, use “Change tier or category” in the member file, and discard this action.'
		);
	});

	it('words every command error code, in every language, without the server’s English', () => {
		const codes = [...Object.values(COMMAND_ERROR), 'forbidden', 'invalid_input', 'not_found'];
		for (const locale of ['en', 'fa', 'zh'] as const) {
			i18n.locale = locale;
			const fallback = commandErrorText({
				type: 'move',
				label: 'Acme',
				args: {},
				error: { status: 418, code: 'no_idea', message: 'x' }
			});
			for (const code of codes) {
				const text = commandErrorText({
					type: 'move',
					label: 'Acme',
					args: { to: 'lapsed' },
					error: {
						status: 409,
						code,
						message: 'SERVER ENGLISH',
						details: { from: 'resigned', to: 'lapsed', needed: null }
					}
				});
				expect(text).not.toContain('SERVER ENGLISH');
				expect(text).not.toMatch(/resigned|lapsed|\{/);
				// store_failed is retried, never shown as refused: the general text is enough.
				if (code !== COMMAND_ERROR.storeFailed) expect(text, code).not.toBe(fallback);
			}
		}
	});
});

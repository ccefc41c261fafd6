/**
 * [C16] The local copy stays in records a slice can apply, also after it is trimmed:
 * a device that made enough changes rewrites its copy as the doc's state, and that
 * state goes in records of at most 256 KiB (RECORD_BYTES), not in one record the
 * next load would apply in one go (~0.5 s of frozen page at 10k members).
 */
import { expect, test, type Page } from '@playwright/test';
import * as Y from 'yjs';
import { adminCookie, loginContext, openDoc, waitForGrid } from './fixtures';
import { cellValue, editText, search, uniqueTag } from './members-helpers';
import { USERS } from './users';

const sara = USERS[0];
const RECORD_BYTES = 256 * 1024;

/**
 * Sizes of the records of this page's local copy of the registry, in key order, after
 * adding `addEmpty` records holding an empty update (valid, changes nothing).
 */
function copyRecords(page: Page, addEmpty = 0): Promise<number[]> {
	const empty = [...Y.encodeStateAsUpdate(new Y.Doc())];
	return page.evaluate(
		async ({ addEmpty, empty }) => {
			const name = (await indexedDB.databases())
				.map((d) => d.name ?? '')
				.find((n) => /^gh:\d+:default\/registry$/.test(n));
			if (!name) throw new Error('no local copy of the registry');
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				const r = indexedDB.open(name);
				r.onsuccess = () => resolve(r.result);
				r.onerror = () => reject(r.error);
			});
			try {
				return await new Promise<number[]>((resolve, reject) => {
					const tx = db.transaction('updates', addEmpty > 0 ? 'readwrite' : 'readonly');
					const store = tx.objectStore('updates');
					for (let i = 0; i < addEmpty; i++) store.add(new Uint8Array(empty));
					const r = store.getAll();
					// Once committed: the test reloads the page right after adding.
					tx.oncomplete = () => resolve((r.result as ArrayBuffer[]).map((u) => u.byteLength));
					tx.onerror = () => reject(tx.error);
				});
			} finally {
				db.close();
			}
		},
		{ addEmpty, empty }
	);
}

test('[C16] a trimmed local copy is written in records a slice can apply, and loads', async ({
	browser
}) => {
	test.setTimeout(120_000);
	// A registry over 256 KiB: members with long notes (Persian: two bytes a letter).
	const tag = uniqueTag('L');
	const ids = Array.from(
		{ length: 60 },
		(_, i) => `e2eCopy${tag.slice(1, 7)}${String(i).padStart(3, '0')}`
	);
	const admin = await openDoc('default/registry', await adminCookie());
	admin.doc.transact(() => {
		const members = admin.doc.getMap('members');
		for (const [i, id] of ids.entries()) {
			const row = new Y.Map<unknown>();
			members.set(id, row);
			// '#' is in no tag (base 36): a search for #59 finds one row.
			row.set('name', `${tag} Copy #${i}`);
			row.set('status', 'prospect');
			row.set('notes', 'یادداشت '.repeat(600));
		}
	});
	await expect.poll(() => admin.doc.getMap('members').size).toBeGreaterThanOrEqual(60);

	try {
		const { context, page } = await loginContext(browser, sara);
		await waitForGrid(page);
		await search(page, tag);
		await expect(cellValue(page, ids[0], 'name')).toHaveText(`${tag} Copy #0`);
		const before = await copyRecords(page);
		const bytes = before.reduce((a, b) => a + b, 0);
		expect(bytes).toBeGreaterThan(RECORD_BYTES * 2);

		// Many changes later (500 records beyond the state's own): the next change trims.
		await copyRecords(page, 520);
		await page.reload();
		await waitForGrid(page);
		await search(page, tag);
		await editText(page, ids[1], 'name', `${tag} Trimmed`);
		await expect
			.poll(async () => (await copyRecords(page)).length, { timeout: 20_000 })
			.toBeLessThan(20);
		const after = await copyRecords(page);
		// The state in parts: more than one, none over RECORD_BYTES (the shared registry
		// holds no single value that big).
		expect(after.filter((b) => b > RECORD_BYTES / 4).length).toBeGreaterThan(1);
		for (const b of after) expect(b).toBeLessThanOrEqual(RECORD_BYTES);

		// The trimmed copy loads, with the change.
		await page.reload();
		await waitForGrid(page);
		await search(page, tag);
		await expect(cellValue(page, ids[1], 'name')).toHaveText(`${tag} Trimmed`);
		await search(page, `${tag} #59`);
		await expect(cellValue(page, ids[59], 'name')).toHaveText(`${tag} Copy #59`);
		await context.close();
	} finally {
		// Leave the shared registry as it was for the other tests.
		admin.doc.transact(() => {
			for (const id of ids) admin.doc.getMap('members').delete(id);
		});
		await expect.poll(() => ids.some((id) => admin.doc.getMap('members').has(id))).toBe(false);
		await new Promise((r) => setTimeout(r, 500));
		admin.close();
	}
});

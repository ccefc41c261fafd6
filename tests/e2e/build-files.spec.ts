/**
 * The production server (dist/server.js) when its build is rewritten while it runs
 * (server/build-files.ts): a request for a build file that is gone since the start is
 * answered 503 with what to do, and the server goes on serving; it used to stop.
 *
 * Runs its own server on a copy of the build, so the shared one is not touched.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';

let server: ChildProcess | null = null;
let root = '';

test.afterEach(() => {
	server?.kill();
	server = null;
	if (root) fs.rmSync(root, { recursive: true, force: true });
});

/** What `npm start` runs, copied to a temp root (node_modules linked). */
function copyOfTheApp(): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guildhall-build-files-'));
	for (const part of ['dist', 'build', 'package.json', 'server/store/snapshot-worker.js']) {
		fs.cpSync(part, path.join(dir, part), { recursive: true });
	}
	fs.symlinkSync(path.resolve('node_modules'), path.join(dir, 'node_modules'), 'dir');
	return dir;
}

function start(dir: string): Promise<{ url: string; output: () => string }> {
	let out = '';
	const child = spawn(process.execPath, [path.join(dir, 'dist', 'server.js')], {
		env: {
			...process.env,
			PORT: '0',
			HOST: '127.0.0.1',
			DATA_DIR: path.join(dir, 'data'),
			ADMIN_PASSWORD: 'build-files-admin-pass'
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	server = child;
	child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
	child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000);
		child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
		child.stdout!.on('data', () => {
			const m = /Guildhall listening on (http:\/\/\S+)/.exec(out);
			if (m) {
				clearTimeout(timer);
				resolve({ url: m[1], output: () => out });
			}
		});
	});
}

test('a build file removed under the running server is answered 503, and the server goes on', async () => {
	root = copyOfTheApp();
	const { url, output } = await start(root);
	const entryDir = path.join(root, 'build', 'client', '_app', 'immutable', 'entry');
	const script = fs.readdirSync(entryDir).find((f) => f.endsWith('.js'))!;
	const asset = `/_app/immutable/entry/${script}`;
	const brotli = { headers: { 'Accept-Encoding': 'br, gzip' } };

	const before = await fetch(url + asset, brotli);
	expect(before.status).toBe(200);
	expect(before.headers.get('content-encoding')).toBe('br');
	await before.arrayBuffer();

	// What a new build does to the old one's files.
	for (const f of [script, `${script}.br`, `${script}.gz`]) fs.rmSync(path.join(entryDir, f));

	const after = await fetch(url + asset, brotli);
	expect(after.status).toBe(503);
	expect(await after.text()).toContain('Try again');
	expect(output()).toContain('Restart the server to serve the new build');

	// Still serving: the health check, a file that is still there, and the login page.
	expect((await fetch(url + '/healthz')).status).toBe(200);
	expect((await fetch(url + '/favicon.png')).status).toBe(200);
	expect((await fetch(url + '/login')).status).toBe(200);
	expect(server?.exitCode).toBeNull();
});

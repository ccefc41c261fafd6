/**
 * Starts the built server (dist/server.js) on port 0 with a fresh DATA_DIR, waits for
 * its "Guildhall listening on" line, creates one user per role and writes the base
 * URL and credentials where the tests read them (tests/e2e/fixtures.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN, USERS } from './users';

export default async function globalSetup() {
	if (!existsSync('dist/server.js') || !existsSync('build/handler.js')) {
		throw new Error('Run `npm run build` before the end-to-end tests (npm test does).');
	}
	const dataDir = mkdtempSync(join(tmpdir(), 'guildhall-e2e-'));
	const child = spawn(process.execPath, ['dist/server.js'], {
		env: {
			...process.env,
			PORT: '0',
			HOST: '127.0.0.1',
			DATA_DIR: dataDir,
			ADMIN_PASSWORD: ADMIN.password
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stderr.on('data', (d) => process.stderr.write(d));
	const url = await new Promise<string>((resolve, reject) => {
		let out = '';
		const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000);
		child.stdout.on('data', (d: Buffer) => {
			out += d.toString();
			if (process.env.E2E_SERVER_LOG) process.stdout.write(d);
			const m = /Guildhall listening on (http:\/\/\S+)/.exec(out);
			if (m) {
				clearTimeout(timer);
				resolve(m[1]);
			}
		});
		child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
	});
	process.env.E2E_BASE_URL = url;

	// Log in as admin and create one user per role.
	const login = await fetch(`${url}/api/session`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: url },
		body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password })
	});
	if (login.status !== 200) throw new Error(`admin login failed: ${login.status}`);
	const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
	for (const u of USERS) {
		const r = await fetch(`${url}/api/users`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', origin: url, cookie },
			body: JSON.stringify(u)
		});
		if (r.status !== 201)
			throw new Error(`creating ${u.username} failed: ${r.status} ${await r.text()}`);
	}

	return async () => {
		child.kill('SIGTERM');
		await new Promise((r) => child.once('exit', r));
		rmSync(dataDir, { recursive: true, force: true });
	};
}

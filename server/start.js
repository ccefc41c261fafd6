// `npm start`: build when needed, then run dist/server.js (app, API and sync on one port).
// Plain JavaScript so it runs before anything is built.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverBundle = path.join(root, 'dist', 'server.js');
const kitHandler = path.join(root, 'build', 'handler.js');
const sources = ['src', 'server', 'svelte.config.js', 'vite.config.ts'].map((p) =>
	path.join(root, p)
);

/** Newest modification time (ms) under `p`; 0 when it does not exist. */
function newest(p) {
	let stat;
	try {
		stat = fs.statSync(p);
	} catch {
		return 0;
	}
	if (!stat.isDirectory()) return stat.mtimeMs;
	let max = stat.mtimeMs;
	for (const entry of fs.readdirSync(p)) {
		if (entry === 'node_modules' || entry.startsWith('.')) continue;
		max = Math.max(max, newest(path.join(p, entry)));
	}
	return max;
}

function buildReason() {
	if (!fs.existsSync(kitHandler)) return 'build/handler.js is missing';
	if (!fs.existsSync(serverBundle)) return 'dist/server.js is missing';
	const built = fs.statSync(serverBundle).mtimeMs;
	if (sources.some((s) => newest(s) > built)) return 'sources changed since the last build';
	return null;
}

const reason = buildReason();
if (reason) {
	console.log(`Guildhall: building (${reason})...`);
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	const r = spawnSync(npm, ['run', 'build'], {
		cwd: root,
		stdio: 'inherit',
		shell: process.platform === 'win32'
	});
	if (r.error || r.status !== 0) {
		console.error(
			`Guildhall: the build failed${r.error ? ` (${r.error.message})` : ''}. ` +
				'Fix the errors above, then run `npm start` again.'
		);
		process.exit(typeof r.status === 'number' && r.status !== 0 ? r.status : 1);
	}
}

await import(pathToFileURL(serverBundle).href);

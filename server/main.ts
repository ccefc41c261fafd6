/**
 * Production entry, bundled to dist/server.js by server/vite.config.ts. The SvelteKit
 * app (build/handler.js from adapter-node) is loaded at run time, not bundled, so the
 * two builds stay independent.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startServer, type KitHandler } from './app';
import { guardBuildFiles } from './build-files';
import { ConfigError, configFromEnv } from './config';
import { DataDirInUseError } from './store/lock';

// dist/server.js (and server/main.ts) sit one level below the project root.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const handlerFile = path.join(root, 'build', 'handler.js');

let config;
try {
	config = configFromEnv(process.env);
} catch (e) {
	if (e instanceof ConfigError) {
		console.error(e.message);
		process.exit(1);
	}
	throw e;
}

const kit = (await import(/* @vite-ignore */ pathToFileURL(handlerFile).href)) as {
	handler: KitHandler;
};
let running;
try {
	running = await startServer({
		config,
		kitHandler: guardBuildFiles(kit.handler, [
			path.join(root, 'build', 'client'),
			path.join(root, 'build', 'prerendered')
		])
	});
} catch (e) {
	if (e instanceof DataDirInUseError) {
		console.error(e.message);
		process.exit(1);
	}
	const code = (e as { code?: string }).code;
	if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
		console.error(
			`Guildhall: cannot listen on ${config.host}:${config.port} (${code}). ` +
				'Set PORT (and HOST) to a free address.'
		);
		process.exit(1);
	}
	throw e;
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.once(signal, () => {
		if (stopping) return;
		stopping = true;
		console.log(`Guildhall: ${signal} received; saving rooms and stopping.`);
		running!.close().then(
			() => process.exit(0),
			(e) => {
				console.error('Guildhall: shutdown failed', e);
				process.exit(1);
			}
		);
	});
}

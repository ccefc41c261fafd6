/**
 * The server the browser measures talk to: the production build (a copy of build/,
 * the SvelteKit app) behind our own server (`startServer`), in this process, on a
 * free loopback port, with a temp DATA_DIR whose store already holds a snapshot of
 * the generated registry as room `default/registry`.
 *
 * The room is loaded by the first connection, as in production: `Room.load` applies
 * the snapshot and writes `meta.schemaVersion` as the server (rooms.ts). Rooms stay
 * loaded for the whole run (roomIdleMs), so only the priming load pays the cold load.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startServer, type KitHandler } from '../server/app';
import { SqliteStore } from '../server/store/sqlite';
import { DOC } from '../src/lib/domain/access';
import { registryUpdate } from './generate';

/** dist/bench.js (and bench/*.ts) sit one level below the project root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const BENCH_ORG = 'default';
export const BENCH_ROOM = `${BENCH_ORG}/${DOC.registry}`;
export const BENCH_ADMIN = { username: 'admin', password: 'bench-admin-password-1' };

export interface SeededServer {
	url: string;
	/** Bytes of the seeded snapshot (a v1 update of the whole registry). */
	snapshotBytes: number;
	close(): Promise<void>;
}

/**
 * A copy of the production build (build/ is self-contained: it imports only Node
 * built-ins), so every size is measured on the same build even if `npm run build`
 * runs meanwhile. `remove()` deletes it.
 */
export function snapshotBuild(): { dir: string; remove(): void } {
	const src = path.join(ROOT, 'build');
	if (!existsSync(path.join(src, 'handler.js')) || !existsSync(path.join(ROOT, 'dist'))) {
		throw new Error('Run `npm run build` before the benchmark (npm run bench does).');
	}
	const dir = mkdtempSync(path.join(tmpdir(), 'guildhall-bench-build-'));
	cpSync(src, dir, { recursive: true });
	if (!existsSync(path.join(dir, 'handler.js'))) throw new Error('build/ changed while copying it');
	return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const kits = new Map<string, Promise<{ handler: KitHandler }>>();

/** The SvelteKit handler of a build, loaded once. */
function kitHandler(buildDir: string): Promise<{ handler: KitHandler }> {
	let kit = kits.get(buildDir);
	if (!kit) {
		kit = import(/* @vite-ignore */ pathToFileURL(path.join(buildDir, 'handler.js')).href);
		kits.set(buildDir, kit);
	}
	return kit;
}

export async function startSeededServer(opts: {
	size: number;
	/** A production build (build/ or a copy of it). */
	buildDir: string;
	seed?: number;
}): Promise<SeededServer> {
	const { handler } = await kitHandler(opts.buildDir);
	const dataDir = mkdtempSync(path.join(tmpdir(), 'guildhall-bench-browser-'));
	const store = new SqliteStore({ dataDir });
	let snapshotBytes = 0;
	try {
		const state = registryUpdate(opts.size, opts.seed ?? 42);
		snapshotBytes = state.byteLength;
		await store.writeSnapshot({ room: BENCH_ROOM, state, upToSeq: 0 });
	} catch (e) {
		await store.close();
		rmSync(dataDir, { recursive: true, force: true });
		throw e;
	}
	const server = await startServer({
		config: {
			port: 0,
			host: '127.0.0.1',
			dataDir,
			adminPassword: BENCH_ADMIN.password,
			org: BENCH_ORG
		},
		kitHandler: handler,
		store,
		// Keep the room loaded between samples: the cold load is the server bench's.
		tuning: { roomIdleMs: 60 * 60 * 1000 }
	}).catch(async (e: unknown) => {
		await store.close();
		rmSync(dataDir, { recursive: true, force: true });
		throw e;
	});
	return {
		url: server.url,
		snapshotBytes,
		async close() {
			await server.close();
			rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

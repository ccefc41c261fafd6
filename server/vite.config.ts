/**
 * Server bundle: server/main.ts → dist/server.js (ESM, Node 20). Our own code and
 * src/lib/domain are bundled; every package and Node built-in stays an import, and
 * build/handler.js (the SvelteKit app) is loaded at run time by main.ts.
 *
 *   vite build --config server/vite.config.ts
 */
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** Bare specifiers (packages) and built-ins are external; relative and absolute paths are ours. */
const isExternal = (id: string): boolean =>
	builtins.has(id) || id.startsWith('node:') || !(id.startsWith('.') || path.isAbsolute(id));

export default defineConfig({
	root,
	publicDir: false,
	logLevel: 'warn',
	build: {
		ssr: path.join(root, 'server/main.ts'),
		outDir: path.join(root, 'dist'),
		emptyOutDir: false,
		target: 'node20',
		minify: false,
		sourcemap: true,
		rollupOptions: {
			external: isExternal,
			output: { format: 'esm', entryFileNames: 'server.js' }
		}
	},
	ssr: { target: 'node', external: true }
});

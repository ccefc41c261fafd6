/**
 * Benchmark bundle: bench/run.ts → dist/bench.js, built like the server bundle
 * (server/vite.config.ts) so the benchmark measures the same compiled code.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vite';
import serverConfig from '../server/vite.config';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export default mergeConfig(
	serverConfig,
	defineConfig({
		build: {
			ssr: path.join(root, 'bench/run.ts'),
			sourcemap: false,
			rollupOptions: { output: { entryFileNames: 'bench.js' } }
		}
	})
);

/**
 * Benchmark bundle: bench/run.ts → dist/bench.js, built like the server bundle
 * (server/vite.config.ts) so the benchmark measures the same compiled code.
 * bench/server-host.ts → dist/bench-host.js is the child process that runs one server
 * (ours or the reference) for the server measures; shared code goes to dist/bench-*.js.
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
			ssr: true,
			sourcemap: false,
			rollupOptions: {
				input: {
					bench: path.join(root, 'bench/run.ts'),
					'bench-host': path.join(root, 'bench/server-host.ts')
				},
				output: { entryFileNames: '[name].js', chunkFileNames: 'bench-[name]-[hash].js' }
			}
		}
	})
);

import { sveltekit } from '@sveltejs/kit/vite';
import type { Plugin, ViteDevServer } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * In `npm run dev`, mount the Guildhall server (API + /sync) on Vite's own HTTP
 * server so the app, the API and sync share one origin, as in production.
 */
function guildhallDev(): Plugin {
	return {
		name: 'guildhall-dev-server',
		// Vitest also runs Vite in serve mode; tests start their own servers.
		apply: (_config, env) => env.command === 'serve' && !process.env.VITEST,
		async configureServer(server: ViteDevServer) {
			const mod = await server.ssrLoadModule('/server/app.ts');
			const app = await mod.createGuildhall({ config: mod.configFromEnv(process.env) });
			server.middlewares.use((req, res, next) => app.handleRequest(req, res, next));
			server.httpServer?.on('upgrade', (req, socket, head) => {
				if (req.url?.startsWith('/sync/')) app.handleUpgrade(req, socket, head);
			});
			server.httpServer?.on('close', () => void app.close());
		}
	};
}

export default defineConfig({
	plugins: [guildhallDev(), sveltekit()],
	test: {
		include: ['tests/unit/**/*.test.ts', 'tests/server/**/*.test.ts'],
		environment: 'node',
		testTimeout: 30_000,
		hookTimeout: 60_000,
		expect: { requireAssertions: true }
	}
});

import { sveltekit } from '@sveltejs/kit/vite';
import { runInNewContext } from 'node:vm';
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

const MESSAGE_MODULE = /\/src\/lib\/i18n\/messages\/[\w-]+\.ts$/;

/**
 * In a build, each i18n message module's table (`defineMessages({ en, fa, zh })`, all
 * strings) becomes `defineMessages(JSON.parse('…'))`. A JSON string is scanned, not
 * parsed as code, and JSON.parse builds the objects faster than an object literal
 * runs: the tables are ~200 KB and every page loads them first (docs/BENCHMARKS.md).
 */
export function messagesAsJson(): Plugin {
	const CALL = 'defineMessages(';
	return {
		name: 'guildhall-messages-as-json',
		apply: 'build',
		enforce: 'post',
		transform(code, id) {
			if (!MESSAGE_MODULE.test(id)) return null;
			const start = code.indexOf(CALL);
			const end = code.lastIndexOf(')');
			if (start < 0 || end < start || code.indexOf(CALL, start + 1) >= 0) {
				this.error(`${id}: expected one defineMessages({ en, fa, zh }) call`);
			}
			const table = runInNewContext(`(${code.slice(start + CALL.length, end)})`, {}) as Record<
				string,
				unknown
			> | null;
			const strings = (o: unknown) =>
				!!o && typeof o === 'object' && Object.values(o).every((v) => typeof v === 'string');
			if (!['en', 'fa', 'zh'].every((l) => strings(table?.[l]))) {
				this.error(`${id}: a message table holds only strings, by en, fa and zh`);
			}
			const json = JSON.stringify(JSON.stringify(table));
			return {
				code: `${code.slice(0, start + CALL.length)}JSON.parse(${json})${code.slice(end)}`,
				map: { mappings: '' }
			};
		}
	};
}

export default defineConfig({
	plugins: [guildhallDev(), messagesAsJson(), sveltekit()],
	test: {
		include: ['tests/unit/**/*.test.ts', 'tests/server/**/*.test.ts'],
		environment: 'node',
		testTimeout: 30_000,
		hookTimeout: 60_000,
		expect: { requireAssertions: true }
	}
});

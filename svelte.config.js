import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// The app is served by our own Node server (server/http.ts), which mounts
		// adapter-node's handler beside /api and the /sync WebSocket upgrade.
		adapter: adapter({ out: 'build' }),
		// Registered by the app once the page's data is in step (src/lib/sync/offline-shell.ts):
		// its install fetches the whole build, which at `load` competed with the first sync.
		serviceWorker: { register: false },
		// Absolute asset URLs (/_app/...): the service worker serves one cached shell for
		// every route when offline, and relative URLs (./_app, ../_app) would break on
		// any route deeper or shallower than the page the shell was fetched from.
		paths: { relative: false },
		// Content-Security-Policy on every page (a header, with a fresh nonce for the
		// page's inline scripts, app.html's included): member data is confidential, so
		// no script but our own runs, nothing is sent but to this server, and no other
		// site may frame the app. Styles may be inline: ag-grid injects its theme and
		// Svelte sets style attributes. src/hooks.server.ts adds the /sync WebSocket's
		// origin. No eval: zod runs without its compiled fast path (src/hooks.client.ts).
		csp: {
			mode: 'nonce',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self', 'data:'],
				'connect-src': ['self'],
				'worker-src': ['self'],
				'manifest-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;

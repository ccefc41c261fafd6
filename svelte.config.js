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
		paths: { relative: false }
	}
};

export default config;

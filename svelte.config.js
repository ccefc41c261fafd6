import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// The app is served by our own Node server (server/http.ts), which mounts
		// adapter-node's handler beside /api and the /sync WebSocket upgrade.
		adapter: adapter({ out: 'build' }),
		serviceWorker: { register: true }
	}
};

export default config;

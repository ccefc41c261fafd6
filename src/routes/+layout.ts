import { initLocale } from '$lib/i18n/index.svelte';

// A client-side SPA: the server returns the same shell for every route (the service
// worker caches it for offline start) and all data comes from /api and /sync after login.
export const ssr = false;
export const prerender = false;
export const trailingSlash = 'never';

export const load = () => {
	// Before the first render, so the first paint is already in the reader's language.
	initLocale();
	return {};
};

import type { LayoutLoad } from './$types';
import { initLocale } from '$lib/i18n/index.svelte';
import { isSurveyLink, loadSession } from '$lib/session.svelte';

// A client-side SPA: the server returns the same shell for every route (the service
// worker caches it for offline start) and all data comes from /api and /sync after login.
export const ssr = false;
export const prerender = false;
export const trailingSlash = 'never';

export const load: LayoutLoad = ({ url, untrack }) => {
	// Before the first render, so the first paint is already in the reader's language.
	initLocale();
	// Ask who is logged in while the page's own code is still loading; the layout shows
	// the page once the answer is in. Once per visit: not on every navigation.
	if (!untrack(() => isSurveyLink(url.pathname))) void loadSession();
	return {};
};

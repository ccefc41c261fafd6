import type { Handle } from '@sveltejs/kit';

/**
 * The page's Content-Security-Policy (svelte.config.js) names this server's WebSocket
 * origin as well: Safari before 16 does not count ws:/wss: of the page's own host as
 * 'self' (CSP 3 does), and would refuse the /sync connection.
 */
export const handle: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const csp = response.headers.get('content-security-policy');
	const host = event.url.host;
	// The host comes from the request: only a plain host[:port] goes into the header.
	if (csp && /^[A-Za-z0-9.\-[\]:]+$/.test(host)) {
		response.headers.set(
			'content-security-policy',
			csp.replace("connect-src 'self'", `connect-src 'self' ws://${host} wss://${host}`)
		);
	}
	return response;
};

/**
 * The app's own origin, for the CSRF check on mutating requests and the WebSocket
 * upgrade: `ORIGIN` when configured (behind a proxy the Host header may be internal),
 * else `http://<Host header>`. Browsers always send `Origin` on cross-site requests,
 * on same-origin POST/PATCH/DELETE and on WebSocket handshakes.
 */
import type { IncomingMessage } from 'node:http';

export function appOrigin(req: IncomingMessage, configured: string | undefined): string | null {
	if (configured) return configured;
	const host = req.headers.host;
	return host ? `http://${host}` : null;
}

export function originAllowed(req: IncomingMessage, configured: string | undefined): boolean {
	const expected = appOrigin(req, configured);
	const got = req.headers.origin;
	return (
		expected !== null && typeof got === 'string' && got.toLowerCase() === expected.toLowerCase()
	);
}

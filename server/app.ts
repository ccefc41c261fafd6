/**
 * One Guildhall server as an object: store, auth, rooms, transport and API wired
 * together. Nothing here is module-level state, so a test can run several at once.
 *
 * `createGuildhall` gives the request and upgrade handlers (used by `npm run dev`
 * inside Vite's server, and by `startServer`); `startServer` adds the HTTP server:
 * `/api/*` and `/healthz` → API, `/sync/*` upgrades → transport, everything else →
 * the SvelteKit handler (adapter-node), else 404.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { Auth, hashPassword, LoginLimiter, randomPassword } from './auth';
import { clientAddressResolver } from './client-address';
import type { Config } from './config';
import { areaRoutes } from './api';
import { Api } from './http';
import { DEFAULT_REPORTS_TUNING, ReportsService } from './reports';
import { DEFAULT_ROOM_TUNING, Rooms } from './rooms';
import { SqliteStore } from './store/sqlite';
import type { Store } from './store/types';
import { Transport } from './transport';

export { configFromEnv, type Config } from './config';

/** SvelteKit adapter-node's `handler`: connect-style middleware. */
export type KitHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** Knobs that tests turn down; production uses the defaults. */
export interface Tuning {
	/** Snapshot a room after this many stored updates (500). */
	snapshotEvery: number;
	/** Unload a room this long after its last connection left (30 s). */
	roomIdleMs: number;
	/** Retry a failed store write after this long, doubling (1 s). */
	storeRetryMs: number;
	/** Ping every connection this often; one that missed a ping is closed (30 s). */
	pingIntervalMs: number;
	/** How long an SQLite write waits for a lock (5 s). */
	sqliteBusyTimeoutMs: number;
	/** Reports: quiet time after the last change before recomputing (300 ms). */
	reportsDebounceMs: number;
	/** Reports: longest wait after the first change of a burst (1.2 s). */
	reportsMaxWaitMs: number;
	/** Reports: largest share of the event loop over all organisations (0.2). */
	reportsMaxShare: number;
	/** Forget expired sessions and replaced survey links this often (1 h). */
	sweepMs: number;
}

export const DEFAULT_TUNING: Tuning = {
	snapshotEvery: DEFAULT_ROOM_TUNING.snapshotEvery,
	roomIdleMs: DEFAULT_ROOM_TUNING.idleMs,
	storeRetryMs: DEFAULT_ROOM_TUNING.retryMs,
	pingIntervalMs: 30_000,
	sqliteBusyTimeoutMs: 5000,
	reportsDebounceMs: DEFAULT_REPORTS_TUNING.debounceMs,
	reportsMaxWaitMs: DEFAULT_REPORTS_TUNING.maxWaitMs,
	reportsMaxShare: DEFAULT_REPORTS_TUNING.maxShare,
	sweepMs: 60 * 60 * 1000
};

export interface GuildhallOptions {
	config: Config;
	kitHandler?: KitHandler;
	tuning?: Partial<Tuning>;
	/** Defaults to SQLite in `config.dataDir`. */
	store?: Store;
}

export interface Guildhall {
	readonly config: Config;
	readonly store: Store;
	readonly rooms: Rooms;
	readonly transport: Transport;
	readonly reports: ReportsService;
	/** API and health check; else the kit handler; else `next()` (or 404 without one). */
	handleRequest(req: IncomingMessage, res: ServerResponse, next?: () => void): void;
	/** For the HTTP server's 'upgrade' event; refuses anything but `/sync/...`. */
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
	/** Close connections, store and snapshot every room, close the store. */
	close(): Promise<void>;
}

/**
 * Sent with every answer (pages, API, files). The pages' Content-Security-Policy comes
 * from SvelteKit (svelte.config.js), which knows each page's nonce.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
	// A file is taken as the type it is served as, never guessed from its bytes.
	'X-Content-Type-Options': 'nosniff',
	// No other site may show the app in a frame (for browsers without frame-ancestors).
	'X-Frame-Options': 'DENY',
	// Addresses (a survey link's token, a member's id) are not sent to other sites.
	'Referrer-Policy': 'same-origin'
};

function notFound(res: ServerResponse): void {
	res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
	res.end('Not found\n');
}

/** First start: the organisation and an `admin` user. */
async function bootstrap(store: Store, config: Config): Promise<void> {
	await store.ensureOrg(config.org);
	if ((await store.countUsers()) > 0) return;
	const password = config.adminPassword ?? randomPassword(20);
	await store.createUser({
		org: config.org,
		username: 'admin',
		displayName: 'Administrator',
		passwordHash: await hashPassword(password),
		roles: ['admin']
	});
	if (!config.adminPassword) {
		console.log(`Guildhall: created user "admin" with password: ${password}`);
		console.log('Guildhall: this password is shown only once; sign in and change it.');
	}
}

export async function createGuildhall(options: GuildhallOptions): Promise<Guildhall> {
	const { config, kitHandler } = options;
	const tuning = { ...DEFAULT_TUNING, ...options.tuning };
	const store =
		options.store ??
		new SqliteStore({ dataDir: config.dataDir, busyTimeoutMs: tuning.sqliteBusyTimeoutMs });
	/** What has outlived its use: expired sessions, replaced links past their expiry ([SV4]). */
	const sweepExpired = async (now: number) => {
		await store.deleteExpiredSessions(now);
		await store.deleteExpiredReplacedLinks(now);
	};
	try {
		await bootstrap(store, config);
		await sweepExpired(Date.now());
	} catch (e) {
		await store.close();
		throw e;
	}
	const auth = new Auth(store);
	const rooms = new Rooms(store, {
		snapshotEvery: tuning.snapshotEvery,
		idleMs: tuning.roomIdleMs,
		retryMs: tuning.storeRetryMs
	});
	const transport = new Transport({
		auth,
		rooms,
		origin: config.origin,
		pingIntervalMs: tuning.pingIntervalMs
	});
	// Live reports: computed by the server into each organisation's `reports` doc.
	const reports = new ReportsService({
		rooms,
		store,
		tuning: {
			debounceMs: tuning.reportsDebounceMs,
			maxWaitMs: tuning.reportsMaxWaitMs,
			maxShare: tuning.reportsMaxShare
		}
	});
	for (const org of await store.listOrgs()) void reports.startOrg(org);
	const api = new Api({
		store,
		auth,
		limiter: new LoginLimiter(),
		transport,
		origin: config.origin,
		clientAddress: clientAddressResolver(config.trustProxy),
		routes: areaRoutes({ config, store, rooms, transport, reports })
	});
	const sweep = setInterval(() => {
		sweepExpired(Date.now()).catch((e) => console.error('Guildhall: sweep failed', e));
	}, tuning.sweepMs);
	sweep.unref?.();
	let closing: Promise<void> | null = null;

	return {
		config,
		store,
		rooms,
		transport,
		reports,
		handleRequest(req, res, next) {
			for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
			api.handle(req, res).then(
				(handled) => {
					if (handled) return;
					const fallback = next ?? (() => notFound(res));
					if (kitHandler) kitHandler(req, res, fallback);
					else fallback();
				},
				(e) => {
					console.error('Guildhall: request failed', e);
					if (!res.headersSent) res.writeHead(500).end();
				}
			);
		},
		handleUpgrade(req, socket, head) {
			void transport.handleUpgrade(req, socket, head);
		},
		close() {
			closing ??= (async () => {
				clearInterval(sweep);
				await transport.close();
				await reports.stop();
				await rooms.close();
				await store.close();
			})();
			return closing;
		}
	};
}

export interface RunningServer {
	/** `http://host:port` as reachable (for tests: the real port when started on 0). */
	url: string;
	port: number;
	app: Guildhall;
	server: http.Server;
	close(): Promise<void>;
}

export async function startServer(options: GuildhallOptions): Promise<RunningServer> {
	const app = await createGuildhall(options);
	const server = http.createServer((req, res) => app.handleRequest(req, res));
	server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
		const path = (req.url ?? '/').split('?')[0];
		if (path.startsWith('/sync/')) app.handleUpgrade(req, socket, head);
		else {
			socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
			socket.destroy();
		}
	});
	try {
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(options.config.port, options.config.host, () => {
				server.off('error', reject);
				resolve();
			});
		});
	} catch (e) {
		await app.close();
		throw e;
	}
	const { port } = server.address() as AddressInfo;
	const host = options.config.host.includes(':') ? `[${options.config.host}]` : options.config.host;
	const url = `http://${host}:${port}`;
	console.log(`Guildhall listening on ${url}`);
	let closing: Promise<void> | null = null;
	return {
		url,
		port,
		app,
		server,
		close() {
			closing ??= (async () => {
				const stopped = new Promise<void>((r) => server.close(() => r()));
				server.closeIdleConnections();
				await app.close();
				server.closeAllConnections();
				await stopped;
			})();
			return closing;
		}
	};
}

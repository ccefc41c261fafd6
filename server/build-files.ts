/**
 * A guard in front of adapter-node's file server for a build replaced under a running
 * server (`npm run build` while the app is up).
 *
 * adapter-node serves build/client with sirv, which lists the files once at start and
 * later opens the one a request names with no error handler, after it has sent its
 * headers. A listed file that is gone since (the build rewritten) raised an unhandled
 * 'error' and stopped the whole server, every live session with it. Such a request is
 * answered here instead: 503 with what to do, and one line in the log.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KitHandler } from './app';

/** What sirv may open for a path: the file, a page's html, and their compressed twins. */
const SUFFIXES = ['', '.html', '.htm', '/index.html', '/index.htm'].flatMap((s) => [
	s,
	`${s}.br`,
	`${s}.gz`
]);

function listFiles(dir: string, base = dir, out = new Set<string>()): Set<string> {
	let entries: fs.Dirent[];
	try {
		entries = fs.readdirSync(dir, { withFileTypes: true });
	} catch {
		return out;
	}
	for (const e of entries) {
		const abs = path.join(dir, e.name);
		if (e.isDirectory()) listFiles(abs, base, out);
		else out.add('/' + path.relative(base, abs).split(path.sep).join('/'));
	}
	return out;
}

/**
 * `handler` behind a check that no file it listed at start under `dirs` (the build's
 * client and prerendered folders) has gone for this request's path.
 */
export function guardBuildFiles(
	handler: KitHandler,
	dirs: readonly string[],
	log: (line: string) => void = console.error
): KitHandler {
	const listed = dirs.map((dir) => ({ dir, files: listFiles(dir) }));
	let told = false;
	const missing = (pathname: string): string | null => {
		for (const { dir, files } of listed) {
			for (const suffix of SUFFIXES) {
				const name = pathname + suffix;
				if (files.has(name) && !fs.existsSync(path.join(dir, name))) return name;
			}
		}
		return null;
	};
	return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
		let pathname: string;
		try {
			pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
		} catch {
			return handler(req, res, next);
		}
		const gone = missing(pathname.replace(/\/$/, ''));
		if (gone === null) return handler(req, res, next);
		if (!told) {
			told = true;
			log(
				`Guildhall: the app's build files changed under the running server (${gone} is gone). ` +
					'Restart the server to serve the new build.'
			);
		}
		res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '10' });
		res.end('The app is being updated on the server. Try again in a minute.\n');
	};
}

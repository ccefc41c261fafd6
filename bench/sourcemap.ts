/**
 * Names for a CPU profile of the production build, whose chunks are minified and
 * have no source maps. A twin of the client build is made with hidden source maps
 * (`vite build --sourcemap hidden` in a temp copy of the sources, ~10 s): the minified
 * code is byte-identical, so a chunk of the served build is matched to the twin's
 * chunk with the same content, and the twin's map names its positions.
 *
 * Only what a profile needs: decode the mappings (base64 VLQ), find the segment at
 * or before a position, and guess the enclosing function's name from the original
 * source text.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
	cpSync,
	existsSync,
	mkdtempSync,
	readFileSync,
	readdirSync,
	rmSync,
	symlinkSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './browser-server';

interface RawMap {
	sources: string[];
	sourcesContent?: (string | null)[];
	names: string[];
	mappings: string;
}

/** One decoded segment: [generated column, source, original line, original column, name?]. */
type Segment = [number, number, number, number, number];

export interface Original {
	/** Project-relative source path, e.g. `node_modules/yjs/dist/yjs.mjs`, `src/lib/...`. */
	source: string;
	line: number;
	column: number;
	/** Best guess at the enclosing function's name in the original source. */
	name: string | null;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Map([...B64].map((c, i) => [c, i]));

function decodeMappings(mappings: string): Segment[][] {
	const lines: Segment[][] = [];
	let source = 0;
	let oLine = 0;
	let oCol = 0;
	let name = 0;
	for (const lineText of mappings.split(';')) {
		const segs: Segment[] = [];
		let gCol = 0;
		if (lineText.length > 0) {
			for (const segText of lineText.split(',')) {
				const values: number[] = [];
				let shift = 0;
				let value = 0;
				for (const c of segText) {
					const digit = B64_VALUE.get(c) ?? 0;
					value += (digit & 31) << shift;
					if (digit & 32) shift += 5;
					else {
						values.push(value & 1 ? -(value >>> 1) : value >>> 1);
						value = 0;
						shift = 0;
					}
				}
				gCol += values[0] ?? 0;
				if (values.length >= 4) {
					source += values[1];
					oLine += values[2];
					oCol += values[3];
					if (values.length >= 5) name += values[4];
					segs.push([gCol, source, oLine, oCol, values.length >= 5 ? name : -1]);
				}
			}
		}
		lines.push(segs);
	}
	return lines;
}

const NOT_NAMES =
	/^(if|for|while|switch|catch|return|function|await|typeof|new|const|let|var|export|async|static|get|set)$/;

/**
 * The name of the function that starts at a position of the original source, where
 * V8 puts a function: its name, its parameter list, or `function`.
 */
function functionNameAt(before: string, after: string): string | null {
	const ok = (n: string | undefined) => (n && !NOT_NAMES.test(n) ? n : null);
	let m = /^(?:async\s+)?function\s*\*?\s*([\w$#]+)/.exec(after);
	if (m) return ok(m[1]);
	// `name = (…) =>`, `name = function`, `name: (…) =>`
	m = /^([\w$#]+)\s*[=:]\s*(?:async\s*)?(?:\(|function\b|[\w$]+\s*=>)/.exec(after);
	if (m) return ok(m[1]);
	// a method: `name(…) {`
	m = /^([\w$#]+)\s*\(/.exec(after);
	if (m && /(^|[\s{};,])(?:static\s+|async\s+|get\s+|set\s+)*$/.test(before)) return ok(m[1]);
	// At the parameter list: look at what precedes it.
	const t = before.replace(/(?:async\s*)?\(\s*$/, '').replace(/\s+$/, '');
	const patterns = [
		/function\s*\*?\s*([\w$#]+)$/,
		/([\w$#]+)\s*[:=]\s*(?:async\s*)?(?:function\s*\*?)?$/,
		/(?:^|[\s{};,])(?:static\s+|async\s+|get\s+|set\s+)*([\w$#]+)$/
	];
	for (const p of patterns) {
		m = p.exec(t);
		if (m && ok(m[1])) return m[1];
	}
	return null;
}

class SourceMap {
	private readonly lines: Segment[][];
	private readonly sourceLines = new Map<number, string[]>();

	constructor(
		private readonly raw: RawMap,
		private readonly mapDir: string,
		private readonly root: string
	) {
		this.lines = decodeMappings(raw.mappings);
	}

	private sourcePath(i: number): string {
		const abs = path.resolve(this.mapDir, this.raw.sources[i]);
		const nm = abs.lastIndexOf(`${path.sep}node_modules${path.sep}`);
		if (nm >= 0) return abs.slice(nm + 1);
		for (const root of [this.root, ROOT]) {
			const rel = path.relative(root, abs);
			if (!rel.startsWith('..')) return rel;
		}
		return abs;
	}

	private text(i: number): string[] | null {
		let t = this.sourceLines.get(i);
		if (!t) {
			const content = this.raw.sourcesContent?.[i];
			if (!content) return null;
			t = content.split('\n');
			this.sourceLines.set(i, t);
		}
		return t;
	}

	lookup(line: number, column: number): Original | null {
		const segs = this.lines[line];
		if (!segs || segs.length === 0) return null;
		let lo = 0;
		let hi = segs.length - 1;
		let at = -1;
		while (lo <= hi) {
			const mid = (lo + hi) >> 1;
			if (segs[mid][0] <= column) {
				at = mid;
				lo = mid + 1;
			} else hi = mid - 1;
		}
		if (at < 0) return null;
		const seg = segs[at];
		const [, source, oLine, oCol] = seg;
		let name: string | null = null;
		const text = this.text(source);
		if (text) {
			const line = text[oLine] ?? '';
			const before = (text[oLine - 1] ?? '') + '\n' + line.slice(0, oCol);
			name = functionNameAt(before, line.slice(oCol));
		}
		if (!name && seg[4] >= 0) name = this.raw.names[seg[4]];
		return { source: this.sourcePath(source), line: oLine + 1, column: oCol + 1, name };
	}
}

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

function listJs(dir: string): string[] {
	if (!existsSync(dir)) return [];
	return readdirSync(dir, { recursive: true, encoding: 'utf8' })
		.filter((f) => f.endsWith('.js'))
		.map((f) => path.join(dir, f));
}

/**
 * Maps positions in the served build's scripts (by URL path) to original sources.
 * `build()` makes the twin once; lookups for chunks without a twin return null.
 */
export class BuildSourceMaps {
	private twinRoot: string | null = null;
	private twinDir: string | null = null;
	private readonly byHash = new Map<string, string>();
	private readonly maps = new Map<string, SourceMap | null>();
	private building: Promise<boolean> | null = null;

	constructor(
		private readonly log: (s: string) => void,
		/** The served build's directory (build/ or a copy of it). */
		private readonly servedDir: string = path.join(ROOT, 'build')
	) {}

	/** Make the twin build; resolves false (and logs) when it fails. */
	build(): Promise<boolean> {
		this.building ??= Promise.resolve().then(() => {
			const started = performance.now();
			const dir = mkdtempSync(path.join(tmpdir(), 'guildhall-bench-twin-'));
			this.twinRoot = dir;
			for (const p of ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'tsconfig.json']) {
				if (existsSync(path.join(ROOT, p)))
					cpSync(path.join(ROOT, p), path.join(dir, p), { recursive: true });
			}
			cpSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
			symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
			const r = spawnSync(
				process.execPath,
				[
					path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
					'build',
					'--sourcemap',
					'hidden'
				],
				{ cwd: dir, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } }
			);
			if (r.status !== 0) {
				this.log(`source maps: twin build failed (${r.status}): ${(r.stderr ?? '').slice(-500)}`);
				this.dispose();
				return false;
			}
			this.twinDir = path.join(dir, 'build', 'client');
			for (const f of listJs(this.twinDir)) this.byHash.set(sha(readFileSync(f)), f);
			this.log(
				`source maps: twin build with hidden maps in ${((performance.now() - started) / 1000).toFixed(1)} s (${dir})`
			);
			return true;
		});
		return this.building;
	}

	/** Remove the twin build. */
	dispose(): void {
		if (this.twinRoot) rmSync(this.twinRoot, { recursive: true, force: true });
		this.twinRoot = null;
		this.twinDir = null;
		this.maps.clear();
	}

	/** `urlPath` like `/_app/immutable/nodes/5.x.js`; line and column 0-based (as V8 gives them). */
	lookup(urlPath: string, line: number, column: number): Original | null {
		let map = this.maps.get(urlPath);
		if (map === undefined) {
			map = null;
			const served = path.join(this.servedDir, 'client', urlPath);
			if (this.twinDir && urlPath.endsWith('.js') && existsSync(served)) {
				const twin = this.byHash.get(sha(readFileSync(served)));
				if (twin && existsSync(`${twin}.map`) && this.twinRoot) {
					// The maps were written in .svelte-kit/output/client, which adapter-node
					// copies to build/client: their `sources` are relative to the former.
					const rel = path.relative(this.twinDir, path.dirname(twin));
					map = new SourceMap(
						JSON.parse(readFileSync(`${twin}.map`, 'utf8')),
						path.join(this.twinRoot, '.svelte-kit', 'output', 'client', rel),
						this.twinRoot
					);
				}
			}
			this.maps.set(urlPath, map);
		}
		return map?.lookup(line, column) ?? null;
	}
}

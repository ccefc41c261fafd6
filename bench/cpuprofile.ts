/**
 * Where the main thread's time goes: a Chromium CPU profile (CDP `Profiler`)
 * summarised by self time per function and per area (yjs, ag-grid, svelte, our
 * code, garbage collection, ...), and inclusive time of the functions that matter.
 * Positions in the minified build are named through the twin build's source maps.
 */
import type { BuildSourceMaps, Original } from './sourcemap';

/** The CDP `Profiler.Profile` shape (only what is read here). */
export interface CpuProfile {
	nodes: {
		id: number;
		callFrame: {
			functionName: string;
			url: string;
			lineNumber: number;
			columnNumber: number;
		};
		children?: number[];
	}[];
	startTime: number;
	endTime: number;
	samples?: number[];
	timeDeltas?: number[];
}

export interface FunctionTime {
	name: string;
	area: string;
	/** `source:line` of the original code, or the script URL. */
	where: string;
	ms: number;
}

/** Work that matters for opening, recognised by a function on the stack. */
export const LANDMARKS = [
	{
		id: 'apply',
		label: 'Y.applyUpdate',
		match: (f: Fn) => f.area === 'yjs + lib0' && f.name === 'applyUpdateV2'
	},
	{
		id: 'updateEvent',
		label: "Yjs 'update' event (encodes each transaction's update)",
		match: (f: Fn) => f.name === 'writeUpdateMessageFromTransaction'
	},
	{
		id: 'bcConnect',
		label:
			'BroadcastChannel connect (connectBc: y-websocket sent the whole doc, ours its state vector)',
		match: (f: Fn) => f.name === 'connectBc'
	},
	{
		id: 'encodeState',
		label: 'Y.encodeStateAsUpdate (all callers)',
		match: (f: Fn) => f.name === 'encodeStateAsUpdateV2'
	},
	{
		id: 'rows',
		label: 'row objects (toRow)',
		match: (f: Fn) => f.area === 'app: state' && f.name === 'toRow'
	},
	{
		id: 'createGrid',
		label: 'ag-grid createGrid',
		match: (f: Fn) => f.area === 'ag-grid' && f.name === 'createGrid'
	},
	{
		id: 'gridTx',
		label: 'ag-grid row transactions',
		match: (f: Fn) =>
			f.area === 'ag-grid' &&
			/^(applyTransaction|applyTransactionAsync|executeBatchUpdateRowData|updateRowData|setRowData|flushAsyncTransactions)$/.test(
				f.name
			)
	},
	{ id: 'svelte', label: 'svelte', match: (f: Fn) => f.area === 'svelte' },
	{ id: 'gc', label: 'garbage collection', match: (f: Fn) => f.name === '(garbage collector)' }
] as const;

export type LandmarkId = (typeof LANDMARKS)[number]['id'];
type Fn = { name: string; area: string };

export interface ProfileSummary {
	/** Profile length and the part the main thread was not idle. */
	totalMs: number;
	busyMs: number;
	areas: { area: string; ms: number }[];
	/** Inclusive time of each landmark that showed up (a sample counts once per landmark). */
	landmarks: { id: LandmarkId; label: string; ms: number }[];
	topSelf: FunctionTime[];
	topInclusive: FunctionTime[];
}

/** The area a piece of code belongs to, from its original source path. */
export function areaOf(source: string): string {
	const nm = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
	if (nm) {
		const pkg = nm[1];
		if (pkg.startsWith('ag-') || pkg.startsWith('@ag-grid')) return 'ag-grid';
		if (pkg === 'y-protocols' || pkg === 'y-websocket') return 'y-websocket';
		// lib0 is Yjs's encoder and decoder (strings, varints) in these profiles.
		if (pkg === 'yjs' || pkg === 'lib0') return 'yjs + lib0';
		if (pkg === '@sveltejs/kit') return 'sveltekit';
		return pkg;
	}
	if (source.startsWith('src/lib/state/')) return 'app: state';
	if (source.startsWith('src/lib/sync/')) return 'app: sync';
	if (source.startsWith('src/lib/components/grid/')) return 'app: grid';
	if (source.startsWith('src/')) return 'app: other';
	return 'other';
}

interface Resolved {
	key: string;
	name: string;
	area: string;
	where: string;
	/** The original file and 1-based line, when a source map named them. */
	source?: { file: string; line: number };
}

/** Names a profile's nodes: original function, source and area through the source maps. */
function resolver(
	profile: CpuProfile,
	maps: BuildSourceMaps | null,
	origin: string | undefined
): (id: number) => Resolved {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const resolved = new Map<number, Resolved>();
	return (id: number): Resolved => {
		let r = resolved.get(id);
		if (r) return r;
		const { functionName, url, lineNumber, columnNumber } = byId.get(id)!.callFrame;
		if (!url) {
			const special = /^\(.*\)$/.test(functionName);
			r = {
				key: `native:${functionName}`,
				name: functionName || '(anonymous)',
				area: special ? functionName : 'browser built-ins',
				where: ''
			};
		} else {
			let urlPath = url;
			try {
				const u = new URL(url);
				urlPath = origin && u.origin !== origin ? url : u.pathname;
			} catch {
				/* not a URL: keep it */
			}
			const o: Original | null = maps?.lookup(urlPath, lineNumber, columnNumber) ?? null;
			if (o) {
				const name = o.name ?? (functionName || '(anonymous)');
				r = {
					key: `${o.source}:${o.line}:${name}`,
					name,
					area: areaOf(o.source),
					where: `${o.source.replace(/^node_modules\//, '')}:${o.line}`,
					source: { file: o.source, line: o.line }
				};
			} else {
				const file = urlPath.split('/').pop() ?? urlPath;
				const topLevel = !functionName && lineNumber === 0 && columnNumber === 0;
				r = {
					key: `${url}:${lineNumber}:${columnNumber}`,
					name: topLevel ? '(script top level)' : functionName || '(anonymous)',
					area: urlPath.startsWith('/_app/') ? 'app bundle (unmapped)' : 'other scripts',
					where: `${file}:${lineNumber + 1}:${columnNumber + 1}`
				};
			}
		}
		resolved.set(id, r);
		return r;
	};
}

/**
 * The profile with its functions named as in the sources (`functionName`, and `url` the
 * original file, `lineNumber` its line, 0-based), for DevTools or a script to read.
 */
export function namedProfile(profile: CpuProfile, maps: BuildSourceMaps | null): CpuProfile {
	const resolve = resolver(profile, maps, undefined);
	return {
		...profile,
		nodes: profile.nodes.map((n) => {
			const { name, source } = resolve(n.id);
			if (!source) return n;
			return {
				...n,
				callFrame: {
					...n.callFrame,
					functionName: name,
					url: source.file,
					lineNumber: source.line - 1
				}
			};
		})
	};
}

export function summariseProfile(
	profile: CpuProfile,
	maps: BuildSourceMaps | null,
	opts: { top?: number; origin?: string } = {}
): ProfileSummary {
	const top = opts.top ?? 12;
	const parent = new Map<number, number>();
	for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	const resolve = resolver(profile, maps, opts.origin);

	const samples = profile.samples ?? [];
	const deltas = profile.timeDeltas ?? [];
	const self = new Map<string, { r: Resolved; us: number }>();
	const incl = new Map<string, { r: Resolved; us: number }>();
	const areas = new Map<string, number>();
	const landmarks = new Map<LandmarkId, number>();
	let busy = 0;
	for (let i = 0; i < samples.length; i++) {
		// The interval until the next sample belongs to this one.
		const us = i + 1 < deltas.length ? Math.max(0, deltas[i + 1]) : 0;
		const leaf = resolve(samples[i]);
		if (leaf.area === '(idle)') continue;
		busy += us;
		const s = self.get(leaf.key) ?? { r: leaf, us: 0 };
		s.us += us;
		self.set(leaf.key, s);
		areas.set(leaf.area, (areas.get(leaf.area) ?? 0) + us);
		const seen = new Set<string>();
		const marks = new Set<LandmarkId>();
		for (let id: number | undefined = samples[i]; id !== undefined; id = parent.get(id)) {
			const r = resolve(id);
			for (const l of LANDMARKS) if (!marks.has(l.id) && l.match(r)) marks.add(l.id);
			if (r.area === '(root)' || r.area === '(program)' || seen.has(r.key)) continue;
			seen.add(r.key);
			const e = incl.get(r.key) ?? { r, us: 0 };
			e.us += us;
			incl.set(r.key, e);
		}
		for (const l of marks) landmarks.set(l, (landmarks.get(l) ?? 0) + us);
	}
	const fn = (e: { r: Resolved; us: number }): FunctionTime => ({
		name: e.r.name,
		area: e.r.area,
		where: e.r.where,
		ms: e.us / 1000
	});
	return {
		totalMs: (profile.endTime - profile.startTime) / 1000,
		busyMs: busy / 1000,
		areas: [...areas].map(([area, us]) => ({ area, ms: us / 1000 })).sort((a, b) => b.ms - a.ms),
		landmarks: LANDMARKS.filter((l) => landmarks.has(l.id)).map((l) => ({
			id: l.id,
			label: l.label,
			ms: (landmarks.get(l.id) ?? 0) / 1000
		})),
		topSelf: [...self.values()]
			.sort((a, b) => b.us - a.us)
			.slice(0, top)
			.map(fn),
		topInclusive: [...incl.values()]
			.filter((e) => e.r.where !== '')
			.sort((a, b) => b.us - a.us)
			.slice(0, top * 2)
			.map(fn)
	};
}

export const s = (ms: number) =>
	ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;

/** One paragraph for a measure's note. */
export function profileNote(
	p: ProfileSummary,
	opts: { areas?: number; fns?: number; landmarks?: boolean } = {}
): string {
	const areas = p.areas
		.slice(0, opts.areas ?? 7)
		.map((a) => `${a.area} ${s(a.ms)}`)
		.join(', ');
	const fns = p.topSelf
		.slice(0, opts.fns ?? 6)
		.map((f) => (f.where ? `${f.name} (${f.where}) ${s(f.ms)}` : `${f.name} ${s(f.ms)}`))
		.join('; ');
	const marks = opts.landmarks
		? `; inclusive: ${p.landmarks.map((l) => `${l.label} ${s(l.ms)}`).join(', ')}`
		: '';
	return `main thread busy ${s(p.busyMs)} of ${s(p.totalMs)} profiled${marks}; self time by area: ${areas}; top functions by self time: ${fns}`;
}

/** A longer text report, written next to the saved profile. */
export function profileReport(title: string, p: ProfileSummary): string {
	const lines = [
		title,
		'',
		`profiled ${s(p.totalMs)}, main thread busy ${s(p.busyMs)}`,
		'',
		'self time by area:'
	];
	for (const a of p.areas) lines.push(`  ${s(a.ms).padStart(9)}  ${a.area}`);
	lines.push('', 'inclusive time of landmarks:');
	for (const l of p.landmarks) lines.push(`  ${s(l.ms).padStart(9)}  ${l.label}`);
	lines.push('', 'top functions by self time:');
	for (const f of p.topSelf)
		lines.push(`  ${s(f.ms).padStart(9)}  ${f.name}  [${f.area}]  ${f.where}`);
	lines.push('', 'top functions by inclusive time:');
	for (const f of p.topInclusive)
		lines.push(`  ${s(f.ms).padStart(9)}  ${f.name}  [${f.area}]  ${f.where}`);
	return lines.join('\n') + '\n';
}

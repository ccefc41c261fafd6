/**
 * The page's side of the import worker: one worker per import dialog, requests
 * as promises, progress as a callback. Loaded lazily by the dialog, so the
 * members page does not pay for the XLSX reader.
 */
import type { TextEncoding } from '$lib/domain/encoding';
import type { Mapping } from '$lib/domain/import';
import type { ExistingRow, PlannedRow } from './check';
import type { ParsedFile } from './parse';
import type { SettingsChoices } from './prepare';
import type { FromWorker, ToWorker } from './protocol';

export class ImportWorkerError extends Error {
	readonly name = 'ImportWorkerError';
	constructor(
		readonly code: string,
		readonly params: Record<string, string | number>
	) {
		super(code);
	}
}

type Progress = (phase: 'read' | 'plan', done: number, total: number) => void;

export class ImportWorker {
	#worker = new Worker(new URL('./import.worker.ts', import.meta.url), { type: 'module' });
	#next = 1;
	#waiting = new Map<
		number,
		{ resolve: (m: FromWorker) => void; reject: (e: Error) => void; progress?: Progress }
	>();

	constructor() {
		this.#worker.onmessage = (e: MessageEvent<FromWorker>) => {
			const m = e.data;
			const w = this.#waiting.get(m.id);
			if (!w) return;
			if (m.type === 'progress') return w.progress?.(m.phase, m.done, m.total);
			this.#waiting.delete(m.id);
			if (m.type === 'error') w.reject(new ImportWorkerError(m.code, m.params));
			else w.resolve(m);
		};
		this.#worker.onerror = () => {
			for (const w of this.#waiting.values()) w.reject(new ImportWorkerError('failed', {}));
			this.#waiting.clear();
		};
	}

	#send(msg: ToWorker, progress?: Progress, transfer: Transferable[] = []): Promise<FromWorker> {
		return new Promise((resolve, reject) => {
			this.#waiting.set(msg.id, { resolve, reject, progress });
			this.#worker.postMessage(msg, transfer);
		});
	}

	async read(opts: {
		name: string;
		bytes: ArrayBuffer;
		encoding?: TextEncoding;
		progress?: Progress;
	}): Promise<ParsedFile> {
		const m = await this.#send(
			{
				type: 'read',
				id: this.#next++,
				name: opts.name,
				bytes: opts.bytes,
				encoding: opts.encoding
			},
			opts.progress,
			[opts.bytes]
		);
		return (m as Extract<FromWorker, { type: 'read' }>).file;
	}

	async plan(opts: {
		mapping: Mapping;
		existing: ExistingRow[];
		choices: SettingsChoices;
		progress?: Progress;
	}): Promise<PlannedRow[]> {
		const m = await this.#send(
			{
				type: 'plan',
				id: this.#next++,
				mapping: opts.mapping,
				existing: opts.existing,
				choices: opts.choices
			},
			opts.progress
		);
		return (m as Extract<FromWorker, { type: 'plan' }>).rows;
	}

	destroy(): void {
		this.#worker.terminate();
		for (const w of this.#waiting.values()) w.reject(new ImportWorkerError('cancelled', {}));
		this.#waiting.clear();
	}
}

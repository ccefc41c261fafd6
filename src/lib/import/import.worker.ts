/// <reference lib="webworker" />
/**
 * The import worker: parsing (decode, CSV or XLSX) and checking (validate every
 * row, match against the registry) off the main thread, so a 20,000-row file does
 * not freeze the page. It keeps the last file's rows between 'read' and 'plan'.
 */
import { planRows } from './check';
import { ImportFileError, parseFile, type ParsedFile } from './parse';
import type { FromWorker, ToWorker } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
let file: ParsedFile | null = null;

const post = (m: FromWorker) => scope.postMessage(m);

scope.onmessage = async (e: MessageEvent<ToWorker>) => {
	const m = e.data;
	try {
		if (m.type === 'read') {
			post({ type: 'progress', id: m.id, phase: 'read', done: 0, total: m.bytes.byteLength });
			file = await parseFile({
				name: m.name,
				bytes: new Uint8Array(m.bytes),
				encoding: m.encoding
			});
			post({ type: 'read', id: m.id, file });
		} else if (m.type === 'plan') {
			if (!file) throw new Error('no file');
			const rows = planRows({
				rows: file.rows,
				mapping: m.mapping,
				existing: m.existing,
				choices: m.choices,
				onProgress: (done, total) =>
					post({ type: 'progress', id: m.id, phase: 'plan', done, total })
			});
			post({ type: 'plan', id: m.id, rows });
		}
	} catch (err) {
		if (err instanceof ImportFileError)
			post({ type: 'error', id: m.id, code: err.code, params: err.params });
		else {
			console.error('Guildhall import worker', err);
			post({ type: 'error', id: m.id, code: 'failed', params: {} });
		}
	}
};

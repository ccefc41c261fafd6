/**
 * Export of a grid view to CSV (UTF-8 with BOM, so Excel opens Persian and
 * Chinese correctly) or XLSX (write-excel-file, loaded only when someone
 * exports). The export is logged on the server FIRST; when that fails, no file is
 * made: member data is confidential and every export must be on record.
 */
import { toCsv } from '$lib/domain/csv';
import { t } from '$lib/i18n/index.svelte';
import {
	exportFileName,
	exportMatrix,
	type ExportCell,
	type ExportColumn,
	type ExportFormat,
	type ExportLogInput
} from '$lib/domain/export';

export class ExportError extends Error {
	readonly name = 'ExportError';
	constructor(
		readonly code: 'network' | 'unauthorized' | 'forbidden' | 'server',
		message: string
	) {
		super(message);
	}
}

export interface ExportView {
	columns: ExportColumn[];
	rows: Record<string, unknown>[];
	/** Quick search and filter model, JSON, for the log. */
	filters: string;
	sort: string[];
}

/** Record an export on the server ([IE1]); throws ExportError when it is not recorded. */
export async function logExport(org: string, entry: ExportLogInput): Promise<void> {
	let r: Response;
	try {
		r = await fetch(`/api/${encodeURIComponent(org)}/exports`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(entry)
		});
	} catch {
		throw new ExportError('network', 'network');
	}
	if (r.status === 201) return;
	let message = '';
	try {
		message = ((await r.json()) as { error?: { message?: string } }).error?.message ?? '';
	} catch {
		// not JSON
	}
	throw new ExportError(
		r.status === 401 ? 'unauthorized' : r.status === 403 ? 'forbidden' : 'server',
		message
	);
}

/** Why an export was not recorded, for the person: what to do. */
export function exportFailedReason(e: unknown): string {
	if (!(e instanceof ExportError)) return '';
	if (e.code === 'network') return t('export.offline');
	if (e.code === 'unauthorized') return t('error.sessionEnded');
	return e.code === 'forbidden' ? t('error.forbidden') : t('error.server');
}

function download(blob: Blob, name: string): void {
	const url = URL.createObjectURL(blob);
	const a = document.createElement('a');
	a.href = url;
	a.download = name;
	a.rel = 'noopener';
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export async function makeFile(opts: {
	view: ExportView;
	format: ExportFormat;
	cell: (column: ExportColumn, value: unknown, row: Record<string, unknown>) => ExportCell;
	rightToLeft?: boolean;
}): Promise<Blob> {
	const matrix = exportMatrix({
		columns: opts.view.columns,
		rows: opts.view.rows,
		cell: opts.cell
	});
	if (opts.format === 'csv') {
		return new Blob([toCsv(matrix, { bom: true })], { type: 'text/csv;charset=utf-8' });
	}
	const { default: writeXlsxFile } = await import('write-excel-file/universal');
	const [header, ...body] = matrix;
	const data = [
		header.map((h) => ({ value: h ?? '', fontWeight: 'bold' as const })),
		...body.map((r) => r.map((v) => (v === null ? null : { value: v })))
	];
	return writeXlsxFile(data, {
		sheet: 'Members',
		stickyRowsCount: 1,
		rightToLeft: opts.rightToLeft,
		columns: opts.view.columns.map((c) => ({ width: c.kind === 'longText' ? 50 : 22 }))
	}).toBlob();
}

/** Log, then build and download the file. Returns the file name. */
export async function exportView(opts: {
	org: string;
	viewName: string;
	view: ExportView;
	format: ExportFormat;
	cell: (column: ExportColumn, value: unknown, row: Record<string, unknown>) => ExportCell;
	rightToLeft?: boolean;
}): Promise<string> {
	await logExport(opts.org, {
		view: opts.viewName,
		format: opts.format,
		rows: opts.view.rows.length,
		columns: opts.view.columns.map((c) => c.key),
		filters: opts.view.filters.slice(0, 4000),
		sort: opts.view.sort
	});
	const blob = await makeFile(opts);
	const name = exportFileName(opts.viewName, new Date(), opts.format);
	download(blob, name);
	return name;
}

/**
 * The grid's "File" column: a link from each row to its member file (/members/<id>).
 * The column is read-only and neither sorts nor filters.
 */
import type { ColDef, ICellRendererComp, ICellRendererParams } from 'ag-grid-community';
import { resolve } from '$app/paths';
import type { MemberRow } from '$lib/domain/member';
import { t } from '$lib/i18n/index.svelte';

export const FILE_COLUMN = 'file';

class FileLinkRenderer implements ICellRendererComp {
	#a!: HTMLAnchorElement;

	init(params: ICellRendererParams<MemberRow>): void {
		this.#a = document.createElement('a');
		this.#a.className = 'gh-file-link';
		this.#a.dataset.testid = 'open-file';
		this.#a.textContent = '⧉';
		this.refresh(params);
	}

	getGui(): HTMLElement {
		return this.#a;
	}

	refresh(params: ICellRendererParams<MemberRow>): boolean {
		const id = params.data?.id;
		if (id) this.#a.href = resolve('/members/[id]', { id });
		const label = t('memberFile.open');
		this.#a.title = label;
		this.#a.setAttribute('aria-label', params.data?.name ? `${label}: ${params.data.name}` : label);
		return true;
	}

	destroy(): void {}
}

export function fileColumn(): ColDef<MemberRow> {
	return {
		colId: FILE_COLUMN,
		headerName: t('memberFile.openColumn'),
		headerTooltip: t('memberFile.open'),
		width: 72,
		minWidth: 56,
		lockPosition: 'left',
		sortable: false,
		filter: false,
		resizable: false,
		editable: false,
		suppressHeaderMenuButton: true,
		getQuickFilterText: () => '',
		cellRenderer: FileLinkRenderer,
		// Enter on the focused cell opens the file, like a click on the link.
		suppressKeyboardEvent: (p) => {
			if (p.event.key !== 'Enter' || p.event.type !== 'keydown') return false;
			const id = (p.data as MemberRow | undefined)?.id;
			const link = id
				? document.querySelector<HTMLAnchorElement>(
						`.ag-row[row-id="${CSS.escape(id)}"] .gh-file-link`
					)
				: null;
			link?.click();
			return true;
		}
	};
}

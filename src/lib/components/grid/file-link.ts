/**
 * The member file link in the grid: the name cell ends with a small link to the
 * member's file (/members/<id>). An icon only (its name is the aria-label), so the
 * cell's text, search and copy stay the name alone; Ctrl+Enter on the focused
 * name cell opens the file too.
 */
import type { ICellRendererParams, SuppressKeyboardEventParams } from 'ag-grid-community';
import { resolve } from '$app/paths';
import type { MemberRow } from '$lib/domain/member';
import { t } from '$lib/i18n/index.svelte';
import { MemberCellRenderer } from './cells';

const SVG_NS = 'http://www.w3.org/2000/svg';

function icon(): SVGSVGElement {
	const svg = document.createElementNS(SVG_NS, 'svg');
	svg.setAttribute('viewBox', '0 0 16 16');
	svg.setAttribute('width', '14');
	svg.setAttribute('height', '14');
	svg.setAttribute('aria-hidden', 'true');
	const path = document.createElementNS(SVG_NS, 'path');
	// A sheet with a folded corner.
	path.setAttribute('d', 'M4 1.5h5l3 3v10H4z M9 1.5v3h3 M6 8h4 M6 10.5h4');
	path.setAttribute('fill', 'none');
	path.setAttribute('stroke', 'currentColor');
	path.setAttribute('stroke-width', '1.3');
	svg.append(path);
	return svg;
}

export class NameCellRenderer extends MemberCellRenderer {
	#link: HTMLAnchorElement | null = null;

	init(params: ICellRendererParams & { kind?: string }): void {
		super.init(params);
		const a = document.createElement('a');
		a.className = 'gh-file-link';
		a.dataset.testid = 'open-file';
		a.append(icon());
		this.#link = a;
		this.#update(params);
		// First, so that it floats at the inline end of the (clipped) name.
		this.getGui().prepend(a);
	}

	#update(params: ICellRendererParams) {
		const row = params.data as MemberRow | undefined;
		if (!this.#link || !row) return;
		this.#link.href = resolve('/members/[id]', { id: row.id });
		const label = t('memberFile.open');
		this.#link.title = label;
		this.#link.setAttribute('aria-label', row.name ? `${label}: ${row.name}` : label);
	}

	refresh(params: ICellRendererParams): boolean {
		super.refresh(params);
		this.#update(params);
		return true;
	}
}

/** Ctrl/Cmd+Enter on a name cell opens the member file. */
export function openFileOnKey(p: SuppressKeyboardEventParams): boolean {
	const e = p.event;
	if (e.type !== 'keydown' || e.key !== 'Enter' || !(e.ctrlKey || e.metaKey) || p.editing) {
		return false;
	}
	const link = (e.target as HTMLElement | null)
		?.closest('.ag-cell')
		?.querySelector<HTMLAnchorElement>('.gh-file-link');
	link?.click();
	return link !== null && link !== undefined;
}

/**
 * The cell renderer of the member grid: the formatted value, plus the presence of
 * other people on this cell (their name on their colour, and a frame in it).
 * Presence comes from the grid context, so a refresh of one cell re-reads it.
 */
import type { ICellRendererComp, ICellRendererParams } from 'ag-grid-community';
import type { PresenceIndex } from '$lib/state/presence';
import { t } from '$lib/i18n/index.svelte';

export interface GridContext {
	presence: PresenceIndex | null;
}

const LTR_KINDS = new Set(['email', 'url', 'phone']);

export class MemberCellRenderer implements ICellRendererComp {
	#gui!: HTMLSpanElement;
	#value!: HTMLSpanElement;
	#cell: HTMLElement | null = null;

	init(params: ICellRendererParams & { kind?: string }): void {
		this.#gui = document.createElement('span');
		this.#gui.className = 'gh-cell';
		this.#value = document.createElement('span');
		this.#value.className = 'gh-cell-value';
		// Phones, emails and web addresses read left to right even in Persian; the
		// whole cell is LTR so a long one is cut at its end, not its start.
		if (params.kind && LTR_KINDS.has(params.kind)) this.#gui.dir = 'ltr';
		this.#gui.append(this.#value);
		this.#render(params);
	}

	#render(params: ICellRendererParams) {
		const text = params.valueFormatted ?? (params.value == null ? '' : String(params.value));
		if (this.#value.textContent !== text) this.#value.textContent = text;
		this.#gui.querySelector('.gh-presence')?.remove();
		this.#cell = params.eGridCell ?? null;
		const ctx = params.context as GridContext | undefined;
		const rowId = (params.data as { id?: string } | undefined)?.id;
		const field = params.colDef?.field;
		const peers = ctx?.presence && rowId && field ? ctx.presence.at(rowId, field) : [];
		if (peers.length > 0) {
			const p = peers[0];
			const badge = document.createElement('span');
			badge.className = 'gh-presence';
			badge.dataset.user = p.username;
			badge.style.backgroundColor = p.color;
			badge.textContent = peers.length > 1 ? `${p.name} +${peers.length - 1}` : p.name;
			badge.title = peers.map((x) => t('presence.here', { name: x.name })).join('\n');
			this.#gui.append(badge);
			this.#cell?.classList.add('gh-presence-cell');
			this.#cell?.style.setProperty('--gh-presence-color', p.color);
		} else {
			this.#cell?.classList.remove('gh-presence-cell');
			this.#cell?.style.removeProperty('--gh-presence-color');
		}
	}

	getGui(): HTMLElement {
		return this.#gui;
	}

	refresh(params: ICellRendererParams): boolean {
		this.#render(params);
		return true;
	}

	destroy(): void {
		this.#cell?.classList.remove('gh-presence-cell');
		this.#cell?.style.removeProperty('--gh-presence-color');
	}
}

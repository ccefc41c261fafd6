/**
 * Column filter for closed sets (status, tier, …): a checkbox per option with its
 * localised label, plus "(Empty)". Model: `{ values: string[] }` (option values;
 * '' stands for empty). Community ag-grid has no set filter; this is the small one
 * the registry needs.
 */
import type {
	IAfterGuiAttachedParams,
	IDoesFilterPassParams,
	IFilterComp,
	IFilterParams
} from 'ag-grid-community';
import type { OptionSet } from '$lib/domain/fields';
import { t } from '$lib/i18n/index.svelte';
import { optionLabel } from './format';
import { allOptionValues } from './option-sets.svelte';

export interface OptionFilterParams extends IFilterParams {
	optionSet: OptionSet;
	field: string;
}
export interface OptionFilterModel {
	values: string[];
}

export const EMPTY_OPTION = '';

/** The option filters made so far (ag-grid makes one when it is first opened or set). */
const made = new Set<OptionFilter>();

/**
 * The settings' tiers or categories changed: every option filter made lists the
 * options as they are now, an open one too, and keeps what was chosen.
 */
export function refreshOptionFilters(): void {
	for (const f of made) f.refreshOptions();
}

export class OptionFilter implements IFilterComp {
	#params!: OptionFilterParams;
	#gui!: HTMLElement;
	#selected: Set<string> | null = null;
	#boxes = new Map<string, HTMLInputElement>();

	init(params: OptionFilterParams): void {
		this.#gui = document.createElement('div');
		this.#gui.className = 'gh-option-filter';
		this.#gui.setAttribute('role', 'group');
		this.#render(params);
		made.add(this);
	}

	destroy(): void {
		made.delete(this);
	}

	/**
	 * The buttons and a checkbox per option of the set (the settings' rows, archived
	 * ones too: old members keep them), ticked as chosen. Drawn again while open (the
	 * options changed), the focus stays on the same box or button, so the keyboard
	 * (Escape, Tab) goes on working in the popup.
	 */
	#render(params: OptionFilterParams): void {
		const active = this.#gui.ownerDocument.activeElement;
		const focused = active instanceof HTMLElement && this.#gui.contains(active) ? active : null;
		const focusKey = focused?.dataset.key ?? null;
		this.#params = params;
		this.#boxes.clear();
		const actions = document.createElement('div');
		actions.className = 'gh-option-filter-actions';
		const all = document.createElement('button');
		all.type = 'button';
		all.className = 'gh-btn gh-btn-small gh-btn-quiet';
		all.textContent = t('filter.selectAll');
		all.dataset.key = 'all';
		all.addEventListener('click', () => this.#set(null));
		const none = document.createElement('button');
		none.type = 'button';
		none.className = 'gh-btn gh-btn-small gh-btn-quiet';
		none.textContent = t('filter.none');
		none.dataset.key = 'none';
		none.addEventListener('click', () => this.#set(new Set()));
		actions.append(all, none);
		const labels = this.#all().map((value) => {
			const label = document.createElement('label');
			const box = document.createElement('input');
			box.type = 'checkbox';
			box.value = value;
			box.dataset.key = `option:${value}`;
			box.checked = this.#selected === null || this.#selected.has(value);
			box.addEventListener('change', () => this.#toggle(value, box.checked));
			const text = document.createElement('span');
			text.textContent =
				value === EMPTY_OPTION ? t('filter.empty') : optionLabel(params.optionSet, value);
			label.append(box, text);
			this.#boxes.set(value, box);
			return label;
		});
		this.#gui.replaceChildren(actions, ...labels);
		if (focused) {
			const again = [...this.#gui.querySelectorAll<HTMLElement>('[data-key]')];
			(again.find((e) => e.dataset.key === focusKey) ?? all).focus();
		}
	}

	#all(): string[] {
		return [...allOptionValues(this.#params.optionSet), EMPTY_OPTION];
	}

	#toggle(value: string, on: boolean) {
		const next = new Set(this.#selected ?? this.#all());
		if (on) next.add(value);
		else next.delete(value);
		this.#set(next.size === this.#all().length ? null : next);
	}

	#set(sel: Set<string> | null) {
		this.#selected = sel;
		for (const [v, box] of this.#boxes) box.checked = sel === null || sel.has(v);
		this.#params.filterChangedCallback();
	}

	getGui(): HTMLElement {
		return this.#gui;
	}

	/** Opened: the keyboard goes into the popup (Tab through it, Escape closes it). */
	afterGuiAttached(params?: IAfterGuiAttachedParams): void {
		if (params?.suppressFocus) return;
		this.#gui.querySelector<HTMLElement>('[data-key]')?.focus();
	}

	isFilterActive(): boolean {
		return this.#selected !== null;
	}

	doesFilterPass(p: IDoesFilterPassParams): boolean {
		if (!this.#selected) return true;
		const v = (p.data as Record<string, unknown>)[this.#params.field];
		return this.#selected.has(typeof v === 'string' ? v : EMPTY_OPTION);
	}

	getModel(): OptionFilterModel | null {
		return this.#selected ? { values: [...this.#selected] } : null;
	}

	setModel(model: unknown): void {
		const values =
			model && typeof model === 'object' && Array.isArray((model as OptionFilterModel).values)
				? (model as OptionFilterModel).values.filter((v): v is string => typeof v === 'string')
				: null;
		this.#selected = values ? new Set(values) : null;
		for (const [v, box] of this.#boxes) box.checked = !this.#selected || this.#selected.has(v);
	}

	/** New column definitions (access changed): the same filter, its boxes anew. */
	refresh(params: OptionFilterParams): boolean {
		this.#render(params);
		return true;
	}

	/** The settings' options changed (tiers, categories): the same filter, new boxes. */
	refreshOptions(): void {
		this.#render(this.#params);
	}
}

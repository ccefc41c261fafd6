/**
 * Column filter for closed sets (status, tier, …): a checkbox per option with its
 * localised label, plus "(Empty)". Model: `{ values: string[] }` (option values;
 * '' stands for empty). Community ag-grid has no set filter; this is the small one
 * the registry needs.
 */
import type { IDoesFilterPassParams, IFilterComp, IFilterParams } from 'ag-grid-community';
import { t } from '$lib/i18n/index.svelte';
import { optionLabel } from './format';

export interface OptionFilterParams extends IFilterParams {
	optionSet: string;
	options: readonly string[];
	field: string;
}
export interface OptionFilterModel {
	values: string[];
}

export const EMPTY_OPTION = '';

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
	}

	/** The buttons and a checkbox per option of `params`, ticked as chosen. */
	#render(params: OptionFilterParams): void {
		this.#params = params;
		this.#boxes.clear();
		const actions = document.createElement('div');
		actions.className = 'gh-option-filter-actions';
		const all = document.createElement('button');
		all.type = 'button';
		all.className = 'gh-btn gh-btn-small gh-btn-quiet';
		all.textContent = t('filter.selectAll');
		all.addEventListener('click', () => this.#set(null));
		const none = document.createElement('button');
		none.type = 'button';
		none.className = 'gh-btn gh-btn-small gh-btn-quiet';
		none.textContent = t('filter.none');
		none.addEventListener('click', () => this.#set(new Set()));
		actions.append(all, none);
		const labels = [...params.options, EMPTY_OPTION].map((value) => {
			const label = document.createElement('label');
			const box = document.createElement('input');
			box.type = 'checkbox';
			box.value = value;
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
	}

	#all(): string[] {
		return [...this.#params.options, EMPTY_OPTION];
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

	/** The settings' options changed (tiers, categories): the same filter, new boxes. */
	refresh(params: OptionFilterParams): boolean {
		this.#render(params);
		return true;
	}
}

/**
 * The responses grid's cell editor: one popup per question kind (a list for single
 * choice and ratings, check boxes for multiple choice, an input for numbers and
 * text). It checks with `parseAnswer`, the rule the store and the server use: Enter
 * with an invalid value is refused and says what is expected.
 */
import type { ICellEditorComp, ICellEditorParams } from 'ag-grid-community';
import { parseAnswer, type QuestionKind } from '$lib/domain/survey';
import { formatNumber, t } from '$lib/i18n/index.svelte';
import { isImeKey } from '$lib/components/ime';
import { IME_START_KEY } from '$lib/components/grid/ime-edit';

export interface AnswerEditorParams extends ICellEditorParams {
	kind: QuestionKind;
	options: { id: string; label: string }[];
}

export class AnswerEditor implements ICellEditorComp {
	#params!: AnswerEditorParams;
	#gui!: HTMLDivElement;
	#error!: HTMLDivElement;
	#read: () => unknown = () => null;
	#focus: () => void = () => {};
	#result: string | number | null | undefined;

	init(params: AnswerEditorParams): void {
		this.#params = params;
		this.#result = params.value ?? null;
		const gui = document.createElement('div');
		gui.className = 'gh-answer-editor';
		gui.style.minInlineSize = `${Math.max(params.eGridCell.offsetWidth, 180)}px`;
		const current = params.value;
		const k = params.eventKey;
		// A typed key, or an input method's first key (its composition replaces the value).
		const typed = k === IME_START_KEY ? '' : k && k.length === 1 ? k : null;
		if (params.kind === 'single' || params.kind === 'rating') {
			const sel = document.createElement('select');
			sel.className = 'gh-input';
			sel.size = Math.min(8, (params.kind === 'rating' ? 5 : params.options.length) + 1);
			const add = (value: string, label: string) => {
				const o = document.createElement('option');
				o.value = value;
				o.textContent = label;
				sel.append(o);
			};
			add('', t('sv.grid.noAnswer'));
			if (params.kind === 'rating') for (let i = 1; i <= 5; i++) add(String(i), formatNumber(i));
			else for (const o of params.options) add(o.id, o.label);
			sel.value =
				typed && params.kind === 'rating' && /[1-5]/.test(typed) ? typed : String(current ?? '');
			sel.addEventListener('dblclick', () => this.#commit());
			this.#read = () => sel.value;
			this.#focus = () => sel.focus();
			gui.append(sel);
		} else if (params.kind === 'multiple') {
			const picked = new Set(typeof current === 'string' ? current.split(',') : []);
			const box = document.createElement('div');
			box.className = 'gh-answer-checks';
			const inputs: HTMLInputElement[] = [];
			for (const o of params.options) {
				const label = document.createElement('label');
				const cb = document.createElement('input');
				cb.type = 'checkbox';
				cb.value = o.id;
				cb.checked = picked.has(o.id);
				inputs.push(cb);
				label.append(cb, document.createTextNode(o.label));
				box.append(label);
			}
			this.#read = () => inputs.filter((i) => i.checked).map((i) => i.value);
			this.#focus = () => inputs[0]?.focus();
			gui.append(box);
			const ok = document.createElement('button');
			ok.type = 'button';
			ok.className = 'gh-btn gh-btn-small';
			ok.textContent = t('sv.grid.done');
			ok.addEventListener('click', () => this.#commit());
			gui.append(ok);
		} else {
			const input = document.createElement(params.kind === 'text' ? 'textarea' : 'input');
			input.className = 'gh-input';
			input.setAttribute('dir', 'auto');
			if (input instanceof HTMLInputElement) input.inputMode = 'decimal';
			else input.rows = 3;
			input.value = typed ?? (current == null ? '' : String(current));
			this.#read = () => input.value;
			this.#focus = () => {
				input.focus();
				if (!typed) input.select();
			};
			gui.append(input);
		}
		this.#error = document.createElement('div');
		this.#error.className = 'gh-field-error';
		this.#error.dataset.testid = 'cell-error';
		this.#error.setAttribute('role', 'alert');
		this.#error.hidden = true;
		gui.append(this.#error);
		gui.addEventListener('keydown', (e) => {
			if (isImeKey(e)) {
				// The input method's (see ime.ts): not a commit, and not for the grid.
				e.stopPropagation();
				return;
			}
			if (e.key === 'Enter' && !(e.target instanceof HTMLTextAreaElement && e.shiftKey)) {
				e.preventDefault();
				e.stopPropagation();
				this.#commit();
			}
		});
		this.#gui = gui;
	}

	#check(): boolean {
		const p = this.#params;
		const r = parseAnswer(
			{ kind: p.kind },
			p.options.map((o) => o.id),
			this.#read()
		);
		if (!r.ok) {
			this.#error.textContent = t(`sv.answerError.${r.error}`);
			this.#error.hidden = false;
			this.#result = undefined;
			return false;
		}
		this.#result = r.value;
		return true;
	}

	#commit() {
		if (this.#check()) this.#params.stopEditing();
	}

	getGui(): HTMLElement {
		return this.#gui;
	}

	afterGuiAttached(): void {
		this.#focus();
	}

	isPopup(): boolean {
		return true;
	}

	getValue(): unknown {
		this.#check();
		return this.#result === undefined ? this.#params.value : this.#result;
	}

	isCancelAfterEnd(): boolean {
		return !this.#check();
	}
}

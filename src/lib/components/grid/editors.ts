/**
 * Cell editors for member fields.
 *
 * Validation happens in the editor, with the same function the store uses
 * (`prepareFieldInput`): Enter or Tab with an invalid value is refused, the editor
 * stays open and `[data-testid=cell-error]` says what is expected. Leaving the cell
 * any other way (Esc, a click elsewhere) drops the invalid value. Nothing invalid is
 * ever handed to the grid, so nothing invalid is written.
 *
 * A paste longer than the field holds is cut by the input (its `maxlength`, the schema's
 * limit): `[data-testid=cell-notice]` says so and to what length, so nothing is cut
 * without a word; a pasted range (tabs, line breaks) is pointed to the grid's paste.
 *
 * The editors are popups placed over the cell, so the message can show below the
 * input instead of being clipped by the cell.
 *
 * Dates: the date picker (components/date/DatePicker.svelte) in a popup editor: typed
 * in the reader's calendar (۱۴۰۵/۰۹/۰۱ in Persian) or picked in a month grid. What
 * the editor returns is always the stored form (ISO `YYYY-MM-DD`).
 */
import type { ICellEditorComp, ICellEditorParams } from 'ag-grid-community';
import type { FieldSpec } from '$lib/domain/fields';
import { memberFields } from '$lib/domain/member';
import { flushSync, mount, unmount } from 'svelte';
import { t, type MessageKey } from '$lib/i18n/index.svelte';
import DatePicker from '$lib/components/date/DatePicker.svelte';
import { prepareFieldInput } from '$lib/state/member-input';
import { isImeKey } from '../ime';
import { IME_START_KEY } from './ime-edit';

export interface FieldEditorParams extends ICellEditorParams {
	spec: FieldSpec;
}

/** What the input takes: the schema's limit (products hold 2,000), else 100 (a phone). */
function maxLength(key: FieldSpec['key']): number {
	return (memberFields[key] as { maxLength?: number | null }).maxLength ?? 100;
}

/**
 * A printable key that started the edit replaces the value, as in a spreadsheet; so
 * does an input method (its composed text goes into the emptied input).
 */
function startText(
	params: ICellEditorParams,
	current: string
): { text: string; replaced: boolean } {
	const k = params.eventKey;
	if (k && k.length === 1) return { text: k, replaced: true };
	if (k === 'Backspace' || k === 'Delete' || k === IME_START_KEY)
		return { text: '', replaced: true };
	return { text: current, replaced: false };
}

abstract class BaseEditor implements ICellEditorComp {
	protected params!: FieldEditorParams;
	protected gui!: HTMLDivElement;
	protected error!: HTMLDivElement;
	/** The value to hand to the grid; undefined while the input is invalid. */
	protected result: string | number | null | undefined = undefined;
	protected original: unknown;

	init(params: FieldEditorParams): void {
		this.params = params;
		this.original = params.value;
		this.gui = document.createElement('div');
		this.gui.className = 'gh-editor';
		this.gui.style.minInlineSize = `${Math.max(params.eGridCell.offsetWidth, 160)}px`;
		this.error = document.createElement('div');
		this.error.className = 'gh-editor-error';
		this.error.dataset.testid = 'cell-error';
		this.error.setAttribute('role', 'alert');
		this.error.id = `gh-cell-error-${Math.random().toString(36).slice(2)}`;
		this.error.hidden = true;
		this.build();
		this.gui.append(this.error);
		this.gui.addEventListener('keydown', (e) => this.onKeyDown(e));
	}

	protected abstract build(): void;
	/** Read the input: the stored value, null to clear, or an error key. */
	protected abstract read():
		{ ok: true; value: string | number | null } | { ok: false; expectKey: string };
	protected abstract input(): HTMLElement;

	protected validate(show: boolean): boolean {
		const r = this.read();
		if (r.ok) {
			this.result = r.value;
			this.error.hidden = true;
			this.input().removeAttribute('aria-invalid');
			return true;
		}
		this.result = undefined;
		if (show) {
			this.error.textContent = t(r.expectKey as MessageKey);
			this.error.hidden = false;
			this.input().setAttribute('aria-invalid', 'true');
			this.input().setAttribute('aria-describedby', this.error.id);
		}
		return false;
	}

	protected onKeyDown(e: KeyboardEvent): void {
		if (isImeKey(e)) {
			// The input method's: not a commit, and not for the grid.
			e.stopPropagation();
			return;
		}
		if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') {
			if (!this.validate(true)) {
				// Refuse: keep the editor open; the grid must not see this key.
				e.preventDefault();
				e.stopPropagation();
			}
		}
	}

	protected revalidateIfShown = () => {
		if (!this.error.hidden) this.validate(true);
	};

	getGui(): HTMLElement {
		return this.gui;
	}

	isPopup(): boolean {
		return true;
	}

	getPopupPosition(): 'over' {
		return 'over';
	}

	getValue(): unknown {
		this.validate(false);
		return this.result === undefined ? this.original : this.result;
	}

	isCancelAfterEnd(): boolean {
		if (!this.validate(false)) return true;
		const same =
			(this.result === null && (this.original === undefined || this.original === null)) ||
			this.result === this.original;
		return same;
	}
}

/** Text, email, phone, URL, long text. */
export class FieldTextEditor extends BaseEditor {
	#el!: HTMLInputElement | HTMLTextAreaElement;
	#notice!: HTMLDivElement;
	#replaced = false;

	protected build(): void {
		const { spec } = this.params;
		const long = spec.kind === 'longText';
		const el = long ? document.createElement('textarea') : document.createElement('input');
		el.className = 'gh-editor-input';
		if (el instanceof HTMLInputElement) {
			el.type =
				spec.kind === 'email'
					? 'email'
					: spec.kind === 'url'
						? 'url'
						: spec.kind === 'phone'
							? 'tel'
							: 'text';
			// Native email/url checks are not ours; ours run on commit.
			el.setAttribute('novalidate', '');
		} else {
			el.rows = 6;
		}
		// Addresses, phones and emails are written left to right even in Persian.
		if (spec.kind === 'email' || spec.kind === 'url' || spec.kind === 'phone') el.dir = 'ltr';
		el.maxLength = maxLength(spec.key);
		el.setAttribute('aria-label', t(`field.${spec.key}` as MessageKey));
		const start = startText(this.params, this.original == null ? '' : String(this.original));
		el.value = start.text;
		this.#replaced = start.replaced;
		el.addEventListener('input', this.revalidateIfShown);
		el.addEventListener('paste', (e) => this.#onPaste(e as ClipboardEvent));
		this.#el = el;
		this.gui.append(el);
		this.#notice = document.createElement('div');
		this.#notice.className = 'gh-editor-notice';
		this.#notice.dataset.testid = 'cell-notice';
		this.#notice.setAttribute('role', 'status');
		this.#notice.hidden = true;
		this.gui.append(this.#notice);
	}

	/** Say when the input will cut what is pasted (it does so silently), and to what length. */
	#onPaste(e: ClipboardEvent): void {
		const el = this.#el;
		const raw = e.clipboardData?.getData('text/plain') ?? '';
		// What the input keeps of it: a one-line input drops line breaks; a textarea holds
		// each as one character.
		const single = el instanceof HTMLInputElement;
		const text = single ? raw.replace(/[\r\n]/g, '') : raw.replace(/\r\n?/g, '\n');
		const selected = (el.selectionEnd ?? 0) - (el.selectionStart ?? 0);
		const room = el.maxLength - (el.value.length - selected);
		const lines: string[] = [];
		if (text.length > room) lines.push(t('editor.pasteCut', { max: el.maxLength }));
		if (single && /[\t\r\n]/.test(raw.trim())) lines.push(t('editor.pasteRange'));
		this.#notice.textContent = lines.join(' ');
		this.#notice.hidden = lines.length === 0;
	}

	protected input(): HTMLElement {
		return this.#el;
	}

	protected read() {
		return prepareFieldInput(this.params.spec.key, this.#el.value);
	}

	protected onKeyDown(e: KeyboardEvent): void {
		// An input method's key: the base class leaves it to the IME.
		if (isImeKey(e)) {
			super.onKeyDown(e);
			return;
		}
		// In long text, Enter is a new line; Ctrl/Cmd+Enter or Tab commits.
		if (this.params.spec.kind === 'longText' && e.key === 'Enter' && !(e.ctrlKey || e.metaKey)) {
			e.stopPropagation();
			return;
		}
		if (this.params.spec.kind === 'longText' && e.key === 'Enter') {
			if (this.validate(true)) this.params.stopEditing();
			e.preventDefault();
			e.stopPropagation();
			return;
		}
		super.onKeyDown(e);
	}

	afterGuiAttached(): void {
		this.#el.focus();
		if (this.#replaced) {
			const n = this.#el.value.length;
			this.#el.setSelectionRange(n, n);
		} else {
			this.#el.select();
		}
	}
}

/**
 * Date editor: a popup over the cell hosting the date picker (typed dates in the
 * reader's calendar, or a month grid). Started by a typed key: that key is the text.
 * Enter or F2: the text field, with Alt+ArrowDown or the button for the calendar.
 * A double click: the calendar at once. Enter (or picking a day) stores; a bad date
 * is refused in the picker and the editor stays open with the text kept.
 */
export class DateEditor implements ICellEditorComp {
	#params!: FieldEditorParams;
	#gui!: HTMLDivElement;
	#picker!: PickerApi;
	#original: unknown;
	#replaced = false;

	init(params: FieldEditorParams): void {
		this.#params = params;
		this.#original = params.value;
		const key = params.spec.key;
		this.#gui = document.createElement('div');
		this.#gui.className = 'gh-editor gh-date-editor';
		this.#gui.style.minInlineSize = `${Math.max(params.eGridCell.offsetWidth, 160)}px`;
		const start = startText(params, '');
		this.#replaced = start.replaced;
		this.#picker = mount(DatePicker, {
			target: this.#gui,
			props: {
				value: typeof this.#original === 'string' ? this.#original : '',
				label: t(`field.${key}` as MessageKey),
				inputClass: 'gh-editor-input',
				text: start.replaced ? start.text : undefined,
				onchange: (iso: string | null) => {
					const r = prepareFieldInput(key, iso ?? '');
					return r.ok ? null : t(r.expectKey as MessageKey);
				},
				onpick: () => params.stopEditing()
			}
		}) as PickerApi;
		// Now, not in a microtask: afterGuiAttached focuses the picker's input in the same
		// keydown that opened the editor, so the next typed keys (or an input method's
		// composition) go into it. Before, only the first key of a typed date arrived.
		flushSync();
		// Tab leaves the cell: not with a bad date (Enter is refused in the picker itself).
		this.#gui.addEventListener('keydown', (e) => {
			if (e.key === 'Tab' && !this.#picker.commitNow()) {
				e.preventDefault();
				e.stopPropagation();
			}
		});
	}

	/** The stored form of what the picker holds, or undefined when it is not acceptable. */
	#result(): string | number | null | undefined {
		const r = this.#picker.read();
		if (!r.ok) return undefined;
		const v = prepareFieldInput(this.#params.spec.key, r.iso ?? '');
		return v.ok ? v.value : undefined;
	}

	getGui(): HTMLElement {
		return this.#gui;
	}

	isPopup(): boolean {
		return true;
	}

	getPopupPosition(): 'over' {
		return 'over';
	}

	afterGuiAttached(): void {
		if (this.#params.eventKey == null && !this.#replaced) this.#picker.openCalendar();
		else this.#picker.focus(!this.#replaced);
	}

	getValue(): unknown {
		const r = this.#result();
		return r === undefined ? this.#original : r;
	}

	isCancelAfterEnd(): boolean {
		const r = this.#result();
		if (r === undefined) return true;
		return r === null
			? this.#original === undefined || this.#original === null
			: r === this.#original;
	}

	destroy(): void {
		void unmount(this.#picker);
	}
}

/** What the editor uses of the date picker's instance. */
interface PickerApi extends Record<string, unknown> {
	read(): { ok: true; iso: string | null } | { ok: false; message: string };
	commitNow(): boolean;
	openCalendar(): void;
	focus(select?: boolean): void;
}

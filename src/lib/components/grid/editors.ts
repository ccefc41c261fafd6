/**
 * Cell editors for member fields.
 *
 * Validation happens in the editor, with the same function the store uses
 * (`prepareFieldInput`): Enter or Tab with an invalid value is refused, the editor
 * stays open and `[data-testid=cell-error]` says what is expected. Leaving the cell
 * any other way (Esc, a click elsewhere) drops the invalid value. Nothing invalid is
 * ever handed to the grid, so nothing invalid is written.
 *
 * The editors are popups placed over the cell, so the message can show below the
 * input instead of being clipped by the cell.
 *
 * Dates: Persian readers type and pick Persian-calendar dates (Persian or Latin
 * digits, e.g. ۱۴۰۵/۰۹/۰۱) with a month grid; others get the native date input.
 * What the editor returns is always the stored form (ISO `YYYY-MM-DD`).
 */
import type { ICellEditorComp, ICellEditorParams } from 'ag-grid-community';
import type { FieldSpec } from '$lib/domain/fields';
import {
	gregorianToPersian,
	parseUserDate,
	persianToGregorian,
	type YMD
} from '$lib/i18n/calendar';
import { formatNumber, i18n, t, type MessageKey } from '$lib/i18n/index.svelte';
import { prepareFieldInput } from '$lib/state/member-input';

export interface FieldEditorParams extends ICellEditorParams {
	spec: FieldSpec;
}

const MAX_LENGTH: Partial<Record<string, number>> = {
	name: 200,
	address: 500,
	notes: 5000,
	email: 254,
	website: 500
};

/** A printable key that started the edit replaces the value, as in a spreadsheet. */
function startText(
	params: ICellEditorParams,
	current: string
): { text: string; replaced: boolean } {
	const k = params.eventKey;
	if (k && k.length === 1) return { text: k, replaced: true };
	if (k === 'Backspace' || k === 'Delete') return { text: '', replaced: true };
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
		el.maxLength = MAX_LENGTH[spec.key] ?? 100;
		el.setAttribute('aria-label', t(`field.${spec.key}` as MessageKey));
		const start = startText(this.params, this.original == null ? '' : String(this.original));
		el.value = start.text;
		this.#replaced = start.replaced;
		el.addEventListener('input', this.revalidateIfShown);
		this.#el = el;
		this.gui.append(el);
	}

	protected input(): HTMLElement {
		return this.#el;
	}

	protected read() {
		return prepareFieldInput(this.params.spec.key, this.#el.value);
	}

	protected onKeyDown(e: KeyboardEvent): void {
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

const toPersianDigits = (s: string) => s.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[+d]);
const pad2 = (n: number) => String(n).padStart(2, '0');

function persianText(iso: string): string {
	const p = gregorianToPersian(iso);
	return p ? toPersianDigits(`${p.y}/${pad2(p.m)}/${pad2(p.d)}`) : '';
}

function daysInPersianMonth(y: number, m: number): number {
	if (m <= 6) return 31;
	if (m <= 11) return 30;
	return persianToGregorian({ y, m: 12, d: 30 }) ? 30 : 29;
}

/**
 * Date editor. Persian: a text input that takes ۱۴۰۵/۰۹/۰۱ (or 1405/09/01; a year of
 * 1700 or more is read as Gregorian, for pasted dates) and a month grid to pick
 * from. Other locales: the native date input.
 */
export class DateEditor extends BaseEditor {
	#el!: HTMLInputElement;
	#persian = false;
	#view: YMD = { y: 1400, m: 1, d: 1 };
	#grid: HTMLDivElement | null = null;
	#replaced = false;

	protected build(): void {
		this.#persian = i18n.locale === 'fa';
		const el = document.createElement('input');
		el.className = 'gh-editor-input';
		el.setAttribute('aria-label', t(`field.${this.params.spec.key}` as MessageKey));
		const iso = typeof this.original === 'string' ? this.original : '';
		if (this.#persian) {
			el.type = 'text';
			el.inputMode = 'numeric';
			el.placeholder = toPersianDigits('1405/09/01');
			const start = startText(this.params, iso ? persianText(iso) : '');
			el.value = start.text;
			this.#replaced = start.replaced;
			const today = new Date().toISOString().slice(0, 10);
			this.#view = gregorianToPersian(iso || today) ?? this.#view;
		} else {
			el.type = 'date';
			el.value = iso;
		}
		el.addEventListener('input', () => {
			this.revalidateIfShown();
			if (this.#persian) {
				const typed = parseUserDate(el.value, 'persian');
				const p = typed ? gregorianToPersian(typed) : null;
				if (p && (p.y !== this.#view.y || p.m !== this.#view.m)) {
					this.#view = p;
					this.#renderGrid();
				} else if (p) this.#renderGrid();
			}
		});
		this.#el = el;
		this.gui.append(el);
		if (this.#persian) {
			this.#grid = document.createElement('div');
			this.#grid.className = 'gh-month';
			this.#grid.setAttribute('role', 'group');
			this.#grid.setAttribute('aria-label', t('date.picker'));
			this.gui.append(this.#grid);
			this.#renderGrid();
		}
	}

	protected input(): HTMLElement {
		return this.#el;
	}

	protected read() {
		// A half-typed native date reads as '' with badInput set: that is not "clear".
		if (!this.#persian && this.#el.validity.badInput) {
			return { ok: false as const, expectKey: 'expect.date' };
		}
		const raw = this.#el.value.trim();
		if (raw === '') return { ok: true as const, value: null };
		let iso: string | null;
		if (this.#persian) {
			const digits = raw.replace(/[۰-۹]/g, (d) => String('۰۱۲۳۴۵۶۷۸۹'.indexOf(d)));
			const year = Number(/^\s*(\d{4})/.exec(digits)?.[1] ?? 0);
			iso = parseUserDate(raw, year >= 1700 ? 'gregory' : 'persian');
		} else {
			iso = parseUserDate(raw, 'gregory');
		}
		return iso
			? prepareFieldInput(this.params.spec.key, iso)
			: { ok: false as const, expectKey: 'expect.date' };
	}

	#selectedIso(): string | null {
		const r = this.read();
		return r.ok && typeof r.value === 'string' ? r.value : null;
	}

	#renderGrid() {
		const grid = this.#grid;
		if (!grid) return;
		grid.replaceChildren();
		const { y, m } = this.#view;
		const head = document.createElement('div');
		head.className = 'gh-month-head';
		const btn = (label: string, text: string, f: () => void) => {
			const b = document.createElement('button');
			b.type = 'button';
			b.className = 'gh-btn gh-btn-small gh-btn-quiet';
			b.textContent = text;
			b.setAttribute('aria-label', label);
			b.tabIndex = -1;
			// Keep focus in the input: a mousedown on a button would blur it.
			b.addEventListener('mousedown', (e) => e.preventDefault());
			b.addEventListener('click', f);
			return b;
		};
		const firstIso = persianToGregorian({ y, m, d: 1 });
		const title = document.createElement('span');
		title.className = 'gh-month-title';
		title.textContent = firstIso
			? new Intl.DateTimeFormat('fa-IR-u-ca-persian', {
					timeZone: 'UTC',
					month: 'long',
					year: 'numeric'
				}).format(new Date(`${firstIso}T00:00:00Z`))
			: '';
		// RTL: "previous" sits at the start (right), pointing right.
		head.append(
			btn(t('date.previousMonth'), '›', () => this.#shift(-1)),
			title,
			btn(t('date.nextMonth'), '‹', () => this.#shift(1))
		);
		grid.append(head);
		const days = document.createElement('div');
		days.className = 'gh-month-days';
		const weekday = new Intl.DateTimeFormat('fa-IR', { weekday: 'narrow', timeZone: 'UTC' });
		// The Persian week starts on Saturday (2026-11-21 was a Saturday).
		for (let i = 0; i < 7; i++) {
			const w = document.createElement('span');
			w.className = 'gh-month-wd';
			w.textContent = weekday.format(new Date(Date.UTC(2026, 10, 21 + i)));
			days.append(w);
		}
		if (firstIso) {
			const offset = (new Date(`${firstIso}T00:00:00Z`).getUTCDay() + 1) % 7;
			for (let i = 0; i < offset; i++) days.append(document.createElement('span'));
			const selected = this.#selectedIso();
			const today = new Date().toISOString().slice(0, 10);
			for (let d = 1; d <= daysInPersianMonth(y, m); d++) {
				const iso = persianToGregorian({ y, m, d });
				if (!iso) continue;
				const b = document.createElement('button');
				b.type = 'button';
				b.className = 'gh-month-day';
				b.tabIndex = -1;
				b.textContent = formatNumber(d);
				b.dataset.date = iso;
				if (iso === selected) b.setAttribute('aria-pressed', 'true');
				if (iso === today) b.classList.add('gh-today');
				b.addEventListener('mousedown', (e) => e.preventDefault());
				b.addEventListener('click', () => {
					this.#el.value = persianText(iso);
					this.validate(true);
					this.params.stopEditing();
				});
				days.append(b);
			}
		}
		grid.append(days);
	}

	#shift(delta: number) {
		let { y, m } = this.#view;
		m += delta;
		if (m < 1) {
			m = 12;
			y--;
		} else if (m > 12) {
			m = 1;
			y++;
		}
		this.#view = { y, m, d: 1 };
		this.#renderGrid();
	}

	afterGuiAttached(): void {
		this.#el.focus();
		if (this.#persian) {
			if (this.#replaced) {
				const n = this.#el.value.length;
				this.#el.setSelectionRange(n, n);
			} else this.#el.select();
		}
	}
}

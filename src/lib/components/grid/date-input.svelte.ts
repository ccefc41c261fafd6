/**
 * The date box of the grids' date filters (ag-grid's `agDateInput`): the app's date
 * picker, so a date is typed and picked in the reader's calendar («۱۴۰۵/۰۹/۰۱» in
 * Persian), where ag-grid's own box was the browser's mm/dd/yyyy in every language.
 *
 * ag-grid's date filter works with a Date at local midnight; the picker with ISO days.
 */
import { mount, unmount } from 'svelte';
import type { IDateComp, IDateParams } from 'ag-grid-community';
import DatePicker from '$lib/components/date/DatePicker.svelte';
import { todayIso } from '$lib/i18n/calendar';

/** `YYYY-MM-DD` → that day at local midnight, as ag-grid's filter compares it. */
export function dateOfIso(iso: string): Date {
	const [y, m, d] = iso.split('-').map(Number);
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- handed to ag-grid, never mutated
	return new Date(y, m - 1, d);
}

export class ReaderDateInput implements IDateComp {
	#gui = document.createElement('div');
	#picker: Record<string, unknown> | null = null;
	#props = $state({ value: '', label: '' as string | undefined });

	init(params: IDateParams): void {
		this.#gui.className = 'gh-date-filter';
		const props = this.#props;
		this.#picker = mount(DatePicker, {
			target: this.#gui,
			props: {
				get value() {
					return props.value;
				},
				get label() {
					return props.label;
				},
				testid: 'grid-date-filter',
				onchange: (iso: string | null) => {
					props.value = iso ?? '';
					params.onDateChanged();
				}
			}
		});
	}

	getGui(): HTMLElement {
		return this.#gui;
	}

	getDate(): Date | null {
		return this.#props.value ? dateOfIso(this.#props.value) : null;
	}

	setDate(date: Date | null): void {
		// The Date's local day, as the calendar module reads a device's today.
		this.#props.value = date ? todayIso(date) : '';
	}

	setInputAriaLabel(label: string): void {
		this.#props.label = label;
	}

	destroy(): void {
		if (this.#picker) void unmount(this.#picker);
	}
}

/**
 * A dues-year box of a ledger page (dues, figures, fees, a manual entry): the text as
 * typed, read as a year of the association's fiscal calendar as it is now.
 *
 * The admin may change the fiscal calendar while the page is open (in another tab or
 * on another device), and the box follows: its own default, this fiscal year, is
 * filled in again in the new calendar (2026 becomes 1405); a year the person typed
 * stays as typed and is read in the new calendar, so a year of the old one is refused
 * with what to type instead, never charged as a year of the new one.
 */
import { untrack } from 'svelte';
import type { CalendarName } from '$lib/domain/calendar';
import { readFiscalYear } from '$lib/domain/fiscal';
import { formatNumber } from '$lib/i18n/index.svelte';
import type { LedgerSession } from '$lib/state/ledger-session.svelte';
import { thisFiscalYear, yearError } from './format';

export class YearBox {
	text = $state('');
	readonly #ls: LedgerSession;
	/** The calendar the text was filled in or typed for. */
	#calendar: CalendarName;

	/** Made while a component initialises: it follows the setting with an effect. */
	constructor(ls: LedgerSession) {
		this.#ls = ls;
		this.#calendar = untrack(() => ls.fiscalCalendar);
		this.text = formatNumber(thisFiscalYear(this.#calendar));
		$effect.pre(() => {
			const calendar = ls.fiscalCalendar;
			untrack(() => this.#follow(calendar));
		});
	}

	#follow(calendar: CalendarName): void {
		if (calendar === this.#calendar) return;
		const r = readFiscalYear(this.text, this.#calendar);
		if (r.ok && r.year === thisFiscalYear(this.#calendar)) {
			this.text = formatNumber(thisFiscalYear(calendar));
		}
		this.#calendar = calendar;
	}

	get calendar(): CalendarName {
		return this.#ls.fiscalCalendar;
	}

	/** The year typed, in the fiscal calendar as it is now; null when it is not one of its years. */
	get year(): number | null {
		const r = readFiscalYear(this.text, this.calendar);
		return r.ok ? r.year : null;
	}

	/** Why the text is not a year of the fiscal calendar, saying what to type; '' when it is one. */
	get error(): string {
		return yearError(this.text, this.calendar);
	}

	/** This fiscal year again (a dialog opened anew). */
	reset(): void {
		this.#calendar = this.calendar;
		this.text = formatNumber(thisFiscalYear(this.#calendar));
	}
}

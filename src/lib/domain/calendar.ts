/**
 * Calendar conversion, pure: ISO `YYYY-MM-DD` (Gregorian, UTC days) ↔ Solar Hijri
 * (Persian) year/month/day. The one Solar Hijri conversion of the project: the
 * i18n layer (dates people read and type) and the reports (Solar Hijri periods,
 * computed on the server) both use it. It goes through Intl so that what we
 * compute agrees with what Intl displays.
 */

/** The calendars people read dates in (Intl's names). */
export const CALENDARS = ['gregory', 'persian'] as const;
export type CalendarName = (typeof CALENDARS)[number];

/**
 * Persian years are about 621 below Gregorian ones: a year typed in the Persian
 * calendar from this one on is a Gregorian year (a pasted ISO date, a Gregorian
 * dues year), never a Persian one. Date fields and the ledger's years both read
 * typed years by it.
 */
export const PERSIAN_YEAR_LIMIT = 1700;

export interface YMD {
	y: number;
	m: number;
	d: number;
}

/**
 * Made at first use, not when the module loads: every page loads this module, and
 * building the formatter (ICU's Persian calendar) took ~9 ms of each page load, in
 * English too.
 */
let persianParts: Intl.DateTimeFormat | null = null;
const persianFormat = () =>
	(persianParts ??= new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', {
		timeZone: 'UTC',
		year: 'numeric',
		month: 'numeric',
		day: 'numeric'
	}));

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
export const ymdToIso = ({ y, m, d }: YMD) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;

export function isoToYmd(iso: string): YMD | null {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
	if (!m) return null;
	const ymd = { y: +m[1], m: +m[2], d: +m[3] };
	const t = Date.UTC(ymd.y, ymd.m - 1, ymd.d);
	const back = new Date(t);
	return back.getUTCFullYear() === ymd.y &&
		back.getUTCMonth() === ymd.m - 1 &&
		back.getUTCDate() === ymd.d
		? ymd
		: null;
}

export function gregorianToPersian(iso: string): YMD | null {
	const g = isoToYmd(iso);
	if (!g) return null;
	const parts = persianFormat().formatToParts(new Date(Date.UTC(g.y, g.m - 1, g.d)));
	const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
	return { y: get('year'), m: get('month'), d: get('day') };
}

/** Persian Y/M/D → ISO Gregorian date, or null if no such Persian date exists. */
export function persianToGregorian({ y, m, d }: YMD): string | null {
	if (m < 1 || m > 12 || d < 1 || d > (m <= 6 ? 31 : 30)) return null;
	// Nowruz (1 Farvardin) falls on 20-22 March; start from 21 March and correct.
	const dayOfYear = (m <= 6 ? (m - 1) * 31 : 186 + (m - 7) * 30) + d - 1;
	const guess = Date.UTC(y + 621, 2, 21) + dayOfYear * 86_400_000;
	for (const delta of [0, -1, 1, -2, 2]) {
		const t = guess + delta * 86_400_000;
		const iso = new Date(t).toISOString().slice(0, 10);
		const p = gregorianToPersian(iso);
		if (p && p.y === y && p.m === m && p.d === d) return iso;
	}
	return null;
}

/** Year, month and day of an ISO date in `calendar`. */
export function ymdIn(calendar: CalendarName, iso: string): YMD | null {
	return calendar === 'persian' ? gregorianToPersian(iso) : isoToYmd(iso);
}

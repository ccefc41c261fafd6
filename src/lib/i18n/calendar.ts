/**
 * Calendar conversion for date fields. Dates are stored as ISO `YYYY-MM-DD`
 * (Gregorian, no time zone); people read and type them in their own calendar.
 * Persian (Solar Hijri) conversion goes through Intl so that what we parse agrees
 * with what Intl displays.
 */
import { normalizeDigits } from '$lib/domain/text';

const persianParts = new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', {
	timeZone: 'UTC',
	year: 'numeric',
	month: 'numeric',
	day: 'numeric'
});

export interface YMD {
	y: number;
	m: number;
	d: number;
}

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
	const parts = persianParts.formatToParts(new Date(Date.UTC(g.y, g.m - 1, g.d)));
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

/**
 * Parse a date typed by a person: `YYYY-MM-DD`, `YYYY/MM/DD` or `YYYY.MM.DD`, in
 * any digits, in the given calendar. Also accepts Chinese `YYYY年M月D日`.
 * Returns ISO Gregorian or null.
 */
export function parseUserDate(input: string, calendar: 'gregory' | 'persian'): string | null {
	const s = normalizeDigits(input).trim();
	const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(s);
	if (!m) return null;
	const ymd = { y: +m[1], m: +m[2], d: +m[3] };
	if (calendar === 'persian') return persianToGregorian(ymd);
	const iso = ymdToIso(ymd);
	return isoToYmd(iso) ? iso : null;
}

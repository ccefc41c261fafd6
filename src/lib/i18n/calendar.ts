/**
 * Calendar conversion for date fields. Dates are stored as ISO `YYYY-MM-DD`
 * (Gregorian, no time zone); people read and type them in their own calendar.
 * The Solar Hijri conversion itself is in `$lib/domain/calendar` (pure, shared
 * with the server's reports); this module adds what people type.
 */
import { normalizeDigits } from '$lib/domain/text';
import { isoToYmd, persianToGregorian, ymdToIso } from '$lib/domain/calendar';

export {
	gregorianToPersian,
	isoToYmd,
	persianToGregorian,
	ymdToIso,
	type YMD
} from '$lib/domain/calendar';

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

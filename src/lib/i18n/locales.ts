import type { Calendar, Weekday } from './calendar';

/** The UI languages. Closed set; the first is the fallback. */
export const LOCALE = { en: 'en', fa: 'fa', zh: 'zh' } as const;
export type Locale = (typeof LOCALE)[keyof typeof LOCALE];
export const LOCALES: readonly Locale[] = ['en', 'fa', 'zh'];

export const LOCALE_META: Record<
	Locale,
	{
		dir: 'ltr' | 'rtl';
		bcp47: string;
		calendar: Calendar;
		/** The first column of a month grid: Monday (en-GB, zh-CN), Saturday (Iran). */
		weekStart: Weekday;
		nativeName: string;
	}
> = {
	en: { dir: 'ltr', bcp47: 'en-GB', calendar: 'gregory', weekStart: 1, nativeName: 'English' },
	fa: { dir: 'rtl', bcp47: 'fa-IR', calendar: 'persian', weekStart: 6, nativeName: 'فارسی' },
	zh: { dir: 'ltr', bcp47: 'zh-CN', calendar: 'gregory', weekStart: 1, nativeName: '简体中文' }
};

export function isLocale(s: unknown): s is Locale {
	return typeof s === 'string' && (LOCALES as readonly string[]).includes(s);
}

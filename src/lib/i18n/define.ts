import type { Locale } from './locales';

/**
 * A message module: English is the source of keys; Persian and Chinese must have
 * exactly the same keys (the type checker enforces it). `{name}` is a parameter;
 * a key ending in `_one` is used instead of its base key when `count` is 1;
 * `{rows, plural, one {# row} other {# rows}}` picks a form by any number parameter.
 */
export function defineMessages<const E extends Record<string, string>>(m: {
	en: E;
	fa: Record<keyof E, string>;
	zh: Record<keyof E, string>;
}): Record<Locale, Record<keyof E, string>> {
	return m;
}

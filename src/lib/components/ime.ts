/**
 * Typing through an input method (IME: Chinese pinyin, Japanese, Korean). While the
 * IME composes, the keys are its own: Enter or Space picks a candidate, and must not
 * also commit a cell, pick a list entry or submit. Chromium marks those keydowns with
 * keyCode 229 (the key is 'Process' on Windows and Linux, the key itself on macOS)
 * and, once a composition is open in a text field, with `isComposing`.
 */
export function isImeKey(e: KeyboardEvent): boolean {
	// keyCode is deprecated, but 229 is the only mark of an IME's first key.
	return e.isComposing || e.keyCode === 229;
}

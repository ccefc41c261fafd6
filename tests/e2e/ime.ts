/**
 * Typing through an input method (Chinese pinyin and the like), as Chromium receives
 * it on Windows and Linux: each key a keydown of 'Process' (keyCode 229), the text
 * composed in the focused field, then committed. Sent through the DevTools protocol,
 * the same path a real IME's events take in Chromium.
 */
import type { CDPSession } from '@playwright/test';

/** A key the IME takes. macOS sends Enter inside a composition as key Enter, keyCode 229. */
export async function imeKeyDown(cdp: CDPSession, key = 'Process', code = 'KeyA') {
	await cdp.send('Input.dispatchKeyEvent', {
		type: 'rawKeyDown',
		key,
		code,
		windowsVirtualKeyCode: 229,
		nativeVirtualKeyCode: 229
	});
}

/** The composition so far (pinyin, underlined in the field). */
export const imeCompose = (cdp: CDPSession, text: string) =>
	cdp.send('Input.imeSetComposition', {
		text,
		selectionStart: text.length,
		selectionEnd: text.length
	});

/** The candidate picked: the composition is replaced by `text`. */
export const imeCommit = (cdp: CDPSession, text: string) => cdp.send('Input.insertText', { text });

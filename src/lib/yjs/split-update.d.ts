/** The update itself when it is at most `maxBytes`, else valid updates of about `maxBytes` each. */
export function splitUpdate(update: Uint8Array, maxBytes: number): Uint8Array[];

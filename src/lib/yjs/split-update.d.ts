/** The update itself when it is at most `maxBytes`, else valid updates of about `maxBytes` each. */
export function splitUpdate(update: Uint8Array, maxBytes: number): Uint8Array[];
/** The doc's whole state as valid updates of about `maxBytes` each, from its struct store. */
export function encodeStateInParts(doc: import('yjs').Doc, maxBytes: number): Uint8Array[];

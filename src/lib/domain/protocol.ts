/**
 * Wire protocol between the app and the sync server at `/sync/<org>/<doc>`.
 *
 * It is the y-websocket protocol (y-protocols sync + awareness + auth) plus one
 * message of ours. Each binary message starts with a varuint message type:
 *
 *  0 SYNC       y-protocols sync: step 1 (state vector), step 2 (missing updates),
 *               update. The server sends step 1 first, right after the room's state
 *               is loaded from the store; the client answers with step 2.
 *  1 AWARENESS  presence (user, colour, focused cell). Never stored.
 *  2 AUTH       server → client only: permission denied (y-protocols/auth), sent
 *               when a `view` connection sends sync step 2 or an update. The
 *               message is dropped; the connection stays open for awareness.
 *  3 QUERY_AWARENESS  client → server: resend everyone's awareness.
 * 100 ACK       server → client: a state vector (y-protocols encoding) holding, for
 *               each client id in the update just received from this connection,
 *               the clock the server has durably stored. The client uses it to
 *               count local changes that still wait for the server.
 *
 * The client sends `?v=<PROTOCOL_VERSION>` as a URL parameter; a server that speaks
 * another version closes with CLOSE.ProtocolMismatch so the app can ask for a reload.
 */
export const PROTOCOL_VERSION = 1;

export const MESSAGE = {
	sync: 0,
	awareness: 1,
	auth: 2,
	queryAwareness: 3,
	ack: 100
} as const;

/** WebSocket close codes (4000-4999 are for applications). */
export const CLOSE = {
	Malformed: 4400,
	Unauthorized: 4401,
	Forbidden: 4403,
	UnknownRoom: 4404,
	TooLarge: 4413,
	ProtocolMismatch: 4426,
	ServerError: 4500,
	ShuttingDown: 4503
} as const;
export type CloseCode = (typeof CLOSE)[keyof typeof CLOSE];

/**
 * The close reason of a `CLOSE.Forbidden` sent because an administrator disabled the
 * account (not a change of roles): the app signs out and says why on the login page.
 */
export const CLOSE_REASON_ACCOUNT_DISABLED = 'account_disabled';

/** Largest message the server accepts (bytes). A bigger one closes with TooLarge. */
export const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

export const SESSION_COOKIE = 'gh_session';

/** How long a session lasts without use (it is extended while used). */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** Document schema version, stored in the doc's `meta` map by the server. */
export const SCHEMA_VERSION = 1;

// See https://svelte.dev/docs/kit/types#app.d.ts
// The app is a client-side SPA (ssr = false): no server locals or page data types here;
// the server's own request context lives in server/.
declare global {
	namespace App {
		interface Error {
			message: string;
			code?: string;
		}
	}
}

export {};

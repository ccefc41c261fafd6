// `npm run dev`: Vite's dev server for the app, with the Guildhall server (API and
// /sync) mounted on it by the plugin in vite.config.ts, so all share one origin.
import { createServer } from 'vite';

const server = await createServer({
	server: {
		port: Number(process.env.PORT ?? 5173),
		host: process.env.HOST ?? '127.0.0.1',
		strictPort: Boolean(process.env.PORT)
	}
});
await server.listen();
server.printUrls();

for (const signal of ['SIGINT', 'SIGTERM']) {
	process.once(signal, () => {
		server.close().then(
			() => process.exit(0),
			() => process.exit(1)
		);
	});
}

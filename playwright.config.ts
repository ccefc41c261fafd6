import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests drive the production build (`npm run build`) in Debian's
 * Chromium. tests/e2e/global-setup.ts starts one real Guildhall server on a free
 * port with a temp DATA_DIR and creates the test users.
 */
export default defineConfig({
	testDir: 'tests/e2e',
	globalSetup: './tests/e2e/global-setup.ts',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	timeout: 60_000,
	expect: { timeout: 10_000 },
	reporter: process.env.CI ? [['list']] : [['list']],
	use: {
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--disable-quic',
				'--no-first-run'
			]
		},
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure'
	}
});

/**
 * Server configuration, read once from the environment and validated with zod so a
 * typo fails at start-up with the variable's name instead of misbehaving later.
 */
import { z } from 'zod';
import { DEFAULT_ORG, ORG_PATTERN } from '../src/lib/domain/access';
import { invalidProxyEntries } from './client-address';

const port = z.coerce
	.number({ error: 'must be a number' })
	.int('must be a whole number')
	.min(0, 'must be 0-65535')
	.max(65535, 'must be 0-65535');

const origin = z
	.url({
		protocol: /^https?$/,
		error: 'must be an http(s) URL such as https://members.example.org'
	})
	.transform((s) => new URL(s).origin);

const envSchema = z.object({
	PORT: port.default(3000),
	HOST: z.string().trim().min(1, 'must not be empty').default('127.0.0.1'),
	DATA_DIR: z.string().trim().min(1, 'must not be empty').default('./data'),
	ADMIN_PASSWORD: z
		.string()
		.min(8, 'must be at least 8 characters')
		.max(200, 'must be at most 200 characters')
		.optional(),
	ORIGIN: origin.optional(),
	ORG: z
		.string()
		.regex(ORG_PATTERN, 'must be lower-case letters, digits and dashes')
		.default(DEFAULT_ORG),
	TRUST_PROXY: z
		.string()
		.transform((s) =>
			s
				.split(',')
				.map((e) => e.trim())
				.filter((e) => e !== '')
		)
		.superRefine((entries, ctx) => {
			const bad = invalidProxyEntries(entries);
			if (bad.length > 0) {
				ctx.addIssue({
					code: 'custom',
					message: `${bad.map((e) => JSON.stringify(e)).join(', ')} ${bad.length === 1 ? 'is' : 'are'} not an IP address or CIDR range; list the proxies' addresses, such as 127.0.0.1,10.0.0.0/8`
				});
			}
		})
		.optional()
});

export interface Config {
	port: number;
	host: string;
	dataDir: string;
	/** The `admin` user's password on first start; random (and printed once) when absent. */
	adminPassword?: string;
	/** The public origin (scheme://host[:port]) when behind a proxy; else taken from `Host`. */
	origin?: string;
	/** The organisation created at first start. */
	org: string;
	/**
	 * Addresses and CIDR ranges of the reverse proxies in front of the server: requests
	 * from them are attributed to X-Forwarded-For's right-most untrusted entry
	 * (client-address.ts). Empty: the socket's address, X-Forwarded-For ignored.
	 */
	trustProxy?: string[];
}

export class ConfigError extends Error {
	readonly name = 'ConfigError';
	readonly code = 'invalid_config';
}

/** Empty strings count as unset, as with most env-driven servers. */
function present(env: Record<string, string | undefined>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const key of Object.keys(envSchema.shape)) {
		const v = env[key];
		if (v !== undefined && v !== '') out[key] = v;
	}
	return out;
}

export function configFromEnv(env: Record<string, string | undefined>): Config {
	const r = envSchema.safeParse(present(env));
	if (!r.success) {
		const lines = r.error.issues.map((i) => {
			const name = String(i.path[0] ?? 'environment');
			const got = env[name];
			return `  ${name}${got === undefined ? '' : ` (got ${JSON.stringify(got)})`}: ${i.message}`;
		});
		throw new ConfigError(
			`Invalid configuration; fix these environment variables:\n${lines.join('\n')}`
		);
	}
	const e = r.data;
	return {
		port: e.PORT,
		host: e.HOST,
		dataDir: e.DATA_DIR,
		adminPassword: e.ADMIN_PASSWORD,
		origin: e.ORIGIN,
		org: e.ORG,
		trustProxy: e.TRUST_PROXY
	};
}

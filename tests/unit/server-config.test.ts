import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv } from '../../server/config';

describe('configFromEnv', () => {
	it('has defaults', () => {
		expect(configFromEnv({})).toEqual({
			port: 3000,
			host: '127.0.0.1',
			dataDir: './data',
			adminPassword: undefined,
			origin: undefined,
			org: 'default'
		});
	});

	it('reads every variable and normalises ORIGIN', () => {
		expect(
			configFromEnv({
				PORT: '0',
				HOST: '0.0.0.0',
				DATA_DIR: '/var/lib/guildhall',
				ADMIN_PASSWORD: 'long-enough',
				ORIGIN: 'https://Members.Example.org/',
				ORG: 'acme'
			})
		).toEqual({
			port: 0,
			host: '0.0.0.0',
			dataDir: '/var/lib/guildhall',
			adminPassword: 'long-enough',
			origin: 'https://members.example.org',
			org: 'acme'
		});
	});

	it('names the variable in the error', () => {
		const bad = (env: Record<string, string>, name: string) => {
			expect(() => configFromEnv(env)).toThrow(ConfigError);
			expect(() => configFromEnv(env)).toThrow(new RegExp(name));
		};
		bad({ PORT: 'eighty' }, 'PORT');
		bad({ PORT: '70000' }, 'PORT');
		bad({ ORIGIN: 'members.example.org' }, 'ORIGIN');
		bad({ ADMIN_PASSWORD: 'short' }, 'ADMIN_PASSWORD');
		bad({ ORG: 'Not Valid' }, 'ORG');
	});

	it('[AU1] reads TRUST_PROXY as a list of addresses and CIDR ranges, and names a bad one', () => {
		expect(configFromEnv({ TRUST_PROXY: ' 127.0.0.1, 10.0.0.0/8 ,::1,' }).trustProxy).toEqual([
			'127.0.0.1',
			'10.0.0.0/8',
			'::1'
		]);
		expect(configFromEnv({}).trustProxy).toBeUndefined();
		expect(() => configFromEnv({ TRUST_PROXY: '127.0.0.1,proxy.local,10.0.0.0/40' })).toThrow(
			/TRUST_PROXY.*"proxy\.local", "10\.0\.0\.0\/40" are not an IP address or CIDR range/
		);
	});
});

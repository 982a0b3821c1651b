import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Money is integer fen, rates bps, points micro-points: these patterns are how floats sneak into money code.
const noFloatMoney = [
  { selector: "CallExpression[callee.name='parseFloat']", message: 'No parseFloat: money and points are integers.' },
  {
    selector: "CallExpression[callee.property.name='toFixed']",
    message: 'No toFixed: format money with the money module.',
  },
  {
    selector: "CallExpression[callee.object.name='Math'][callee.property.name=/^(round|floor|ceil|trunc)$/]",
    message: 'No Math rounding in domain code: use the floor helpers on bigint.',
  },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'artifacts/**', 'scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-syntax': ['error', ...noFloatMoney],
      'no-restricted-imports': [
        'error',
        { patterns: ['@mall/server', '**/server/**', 'node:*', 'fs', 'path', 'http', 'crypto'] },
      ],
    },
  },
);

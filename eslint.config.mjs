import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const layer = (patterns) => ['error', { patterns }];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'test/artifacts/**',
      '**/*.mjs',
      '**/*.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: 'error',
      curly: 'error',
    },
  },
  // Layering (shared/STYLE.md): scoring is pure; db knows nothing of src; http is the only web layer.
  {
    files: ['src/scoring/**/*.ts'],
    rules: {
      'no-restricted-imports': layer([
        {
          group: ['**/db/**', '**/surveys/**', '**/jobs/**', '**/http/**', '**/reports/**'],
          message: 'scoring is pure: no I/O imports',
        },
      ]),
    },
  },
  {
    // Kysely's migration guide types migrations as Kysely<any>: they must not depend on today's schema.
    files: ['db/migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['db/**/*.ts'],
    rules: {
      'no-restricted-imports': layer([
        { group: ['**/src/**'], message: 'db never imports from src' },
      ]),
    },
  },
  {
    files: ['src/surveys/**/*.ts'],
    rules: {
      'no-restricted-imports': layer([
        { group: ['**/http/**'], message: 'surveys must not import http' },
        { group: ['**/jobs/*', '!**/jobs/queues'], message: 'surveys may only import jobs/queues' },
      ]),
    },
  },
  {
    files: ['src/jobs/**/*.ts'],
    rules: {
      'no-restricted-imports': layer([
        { group: ['**/http/**'], message: 'jobs must not import http' },
      ]),
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  prettier,
);

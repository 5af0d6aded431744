import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/**
 * The ladder, lowest rung first. A room may import the rooms on lower rungs (and, on a shared
 * rung, its neighbours' services); the kernel files (config, logger, clock, errors) are below all.
 */
const LADDER = [
  ['scoring', 'platform'],
  ['workspaces'],
  ['surveys'],
  ['webhooks'],
  ['contacts'],
  ['dispatch', 'collector', 'followups', 'analytics'],
  ['reports', 'delighted'],
  ['jobs'],
  ['http'],
];
// Relative specifiers that reach room R from a file one, two or three folders deep in src.
const reach = (room) =>
  [1, 2, 3].flatMap((d) => ['../'.repeat(d) + room, '../'.repeat(d) + room + '/**']);
const TOP = ['roles', 'main', 'cli'];

function layering() {
  const configs = [];
  LADDER.forEach((rung, i) => {
    for (const room of rung) {
      const above = LADDER.slice(i + 1).flat();
      const patterns = [
        ...(above.length
          ? [
              {
                group: above.flatMap(reach),
                message: `${room} sits below ${above.join(', ')} on the ladder (README "Architecture")`,
              },
            ]
          : []),
        { group: TOP.flatMap(reach), message: 'roles, main and cli are the top of the ladder' },
        {
          group: ['../*/*.repository', '../../*/*.repository', '../../../*/*.repository'],
          message: "call the owning room's service, never another room's repository",
        },
      ];
      if (!['jobs', 'http'].includes(room)) {
        patterns.push({
          group: reach('context'),
          message: 'only jobs, http and the roles take the whole AppContext',
        });
      }
      if (room !== 'delighted' && room !== 'http' && room !== 'jobs') {
        patterns.push({
          group: reach('delighted'),
          message: 'the core never imports the Delighted compatibility layer',
        });
      }
      configs.push({
        files: [`src/${room}/**/*.ts`],
        rules: {
          'no-restricted-imports': [
            'error',
            {
              patterns,
              ...(room === 'http'
                ? {}
                : { paths: [{ name: 'express', message: 'only http touches requests' }] }),
            },
          ],
        },
      });
    }
  });
  configs.push(
    {
      // scoring imports nothing of ours, not even the kernel.
      files: ['src/scoring/*.ts'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                group: ['../**', 'kysely', 'pg', 'bullmq', 'ioredis', 'express'],
                message: 'scoring is pure: it imports nothing of ours and does no I/O',
              },
            ],
          },
        ],
      },
    },
    {
      files: ['src/scoring/*/*.ts'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                group: ['../../**', 'kysely', 'pg', 'bullmq', 'ioredis', 'express'],
                message: 'scoring is pure: it imports nothing of ours and does no I/O',
              },
            ],
          },
        ],
      },
    },
    {
      // The kernel files sit below every room.
      files: ['src/config.ts', 'src/logger.ts', 'src/clock.ts', 'src/errors.ts'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                group: ['./*/**', './context', './roles', './main', './cli'],
                message: 'the kernel imports no room',
              },
            ],
          },
        ],
      },
    },
    {
      files: ['db/**/*.ts'],
      rules: {
        'no-restricted-imports': [
          'error',
          { patterns: [{ group: ['**/src/**'], message: 'db never imports from src' }] },
        ],
      },
    },
  );
  return configs;
}

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
  // The layering, README "Architecture": scoring is pure; db knows nothing of src; each room imports only
  // rooms below it on the ladder; no room reads another room's repository; only http touches express.
  ...layering(),
  {
    // Kysely's migration guide types migrations as Kysely<any>: they must not depend on today's schema.
    files: ['db/migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
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

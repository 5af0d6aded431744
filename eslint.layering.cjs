// The import ladder as ESLint rules; eslint.config.mjs applies them and test/unit/layering.test.ts
// proves they reject what README "Architecture" forbids.
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
  ['dispatch', 'collector', 'followups', 'analytics', 'bounces'],
  ['reports', 'delighted', 'helpdesk'],
  // The demo workspace plays history through the services of every room below it.
  ['demo'],
  ['jobs'],
  ['http'],
];
// Relative specifiers that reach room R from a file one, two or three folders deep in src.
const reach = (room) =>
  [1, 2, 3].flatMap((d) => ['../'.repeat(d) + room, '../'.repeat(d) + room + '/**']);
const TOP = ['roles', 'main', 'cli'];

/**
 * Files exempt from the layering rule while they are mended. Empty: every file keeps the
 * ladder. An entry may only be added with the reason beside it, and must leave again.
 */
const KNOWN_VIOLATIONS = [];

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
  if (KNOWN_VIOLATIONS.length > 0) {
    configs.push({ files: KNOWN_VIOLATIONS, rules: { 'no-restricted-imports': 'off' } });
  }
  return configs;
}

module.exports = layering;
module.exports.LADDER = LADDER;
module.exports.KNOWN_VIOLATIONS = KNOWN_VIOLATIONS;

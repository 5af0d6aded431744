import { Readable } from 'node:stream';
import { importDelightedCsv } from '../../../src/delighted/import/delighted-import.service';
import { buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';
import { countStatements } from '../../support/statement-counter';
import type { StatementCounter } from '../../support/statement-counter';

// The Delighted import's round trips (issue 11): a constant number per chunk of rows (BEGIN,
// the COPY into staging, the set-based writes, COMMIT), never one per row or per person.

let world: TestWorld;
let counter: StatementCounter;

beforeAll(async () => {
  world = await createTestWorld();
  counter = countStatements();
});
afterAll(async () => {
  counter.restore();
  await world.close();
});

function responsesCsv(n: number): string {
  const lines = ['Response ID,Score,Comment,Response timestamp,Email,Name,Plan'];
  for (let i = 0; i < n; i++) {
    lines.push(`${i},${i % 11},"a, comment ${i}",${1700000000 + i},p${i % 700}@example.com,P,Pro`);
  }
  return `${lines.join('\n')}\n`;
}

// Per import: the workspace and the survey. Per chunk: BEGIN (with its settings and the
// staging table, dropped at COMMIT), COPY, ANALYZE of the staged rows, the contacts upsert,
// the responses with their answers, COMMIT.
const PER_IMPORT = 2;
const PER_CHUNK = 6;

describe('round-trip budget: Delighted CSV import', () => {
  it.each([
    ['the default size (one chunk)', undefined, 1],
    ['1,000 (three chunks)', 1000, 3],
  ])(
    '3,000 responses in chunks of %s: a fixed number of statements per chunk',
    async (_label, batchSize, chunks) => {
      const rows = 3000;
      const { workspace } = await buildWorkspace(world.ctx.db);
      const survey = await buildSurvey(world.ctx.db, workspace.id);
      const deps = {
        db: world.ctx.db,
        pool: world.ctx.pool,
        clock: world.ctx.clock,
        hashEmail: world.ctx.hashEmail,
      };

      let summary: Awaited<ReturnType<typeof importDelightedCsv>> | undefined;
      const seen = await counter.counted(async () => {
        summary = await importDelightedCsv(deps, Readable.from([responsesCsv(rows)]), {
          workspaceId: workspace.id,
          type: 'responses',
          surveyId: survey.id,
          dryRun: false,
          ...(batchSize ? { batchSize } : {}),
        });
      });

      expect(summary).toMatchObject({ newResponses: rows, newContacts: 700, errorCount: 0 });
      const expected = PER_IMPORT + PER_CHUNK * chunks;
      expect({ count: seen.length, seen }).toEqual({ count: expected, seen });
    },
  );
});

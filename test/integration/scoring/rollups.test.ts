import fc from 'fast-check';
import { sql } from 'kysely';
import { rebuildRollups } from '../../../src/analytics/rollup.repository';
import { mergeRollups, rebuildRequestedRollups } from '../../../src/analytics/rollup.service';
import request from 'supertest';
import { bearer, buildResponse, buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld();
});
afterAll(async () => {
  await world.close();
});

type Row = { day: string; dimension: string; value: string; score: number; n: number };

const key = (r: Row) => `${r.day}|${r.dimension}|${r.value}|${r.score}`;
const asMap = (rows: Row[]) => new Map(rows.filter((r) => r.n !== 0).map((r) => [key(r), r.n]));

/** What the rollups say: merged rows plus pending deltas, per day, dimension, value and score. */
async function rolledUp(surveyId: string): Promise<Map<string, number>> {
  const slots = sql.raw(
    Array.from(
      { length: 11 },
      (_, i) =>
        `select day, dimension, value, ${i} as score, s${i} as n from response_rollups where survey_id = '${surveyId}'`,
    ).join(' union all '),
  );
  const { rows } = await sql<Row>`
    select to_char(day, 'YYYY-MM-DD') as day, dimension, value, score, sum(n)::int as n from (
      ${slots}
      union all
      select day, dimension, value, score, delta as n from rollup_deltas where survey_id = ${surveyId}
    ) x group by 1, 2, 3, 4`.execute(world.ctx.db);
  return asMap(rows);
}

/** The truth: a direct count of counted responses, bucketed the same way. */
async function counted(surveyId: string, timeZone: string): Promise<Map<string, number>> {
  const { rows } = await sql<Row>`
    select to_char((r.created_at at time zone ${timeZone})::date, 'YYYY-MM-DD') as day, d.dimension, d.value, r.score, count(*)::int as n
    from counted_responses r cross join lateral rollup_dimensions(r.segment) d
    where r.survey_id = ${surveyId}
    group by 1, 2, 3, 4`.execute(world.ctx.db);
  return asMap(rows);
}

const op = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    score: fc.integer({ min: 0, max: 10 }),
    dayOffset: fc.integer({ min: 0, max: 40 }),
    hour: fc.integer({ min: 0, max: 23 }),
    team: fc.constantFrom('billing', 'support', 'sales'),
    status: fc.constantFrom('counted' as const, 'counted' as const, 'provisional' as const),
    flagged: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('rescore' as const),
    pick: fc.nat(),
    score: fc.integer({ min: 0, max: 10 }),
  }),
  fc.record({ kind: fc.constant('flag' as const), pick: fc.nat(), flagged: fc.boolean() }),
  fc.record({ kind: fc.constant('confirm' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('retag' as const),
    pick: fc.nat(),
    team: fc.constantFrom('billing', 'ops'),
  }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('merge' as const) }),
);

describe('daily rollups', () => {
  it('always equal a direct count of counted responses, whatever happens to the responses', async () => {
    const timeZone = 'America/New_York';
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
        const { workspace } = await buildWorkspace(world.ctx.db);
        await world.ctx.db
          .updateTable('workspaces')
          .set({ time_zone: timeZone })
          .where('id', '=', workspace.id)
          .execute();
        const survey = await buildSurvey(world.ctx.db, workspace.id);
        const ids: string[] = [];
        const pick = (n: number) => ids[n % Math.max(ids.length, 1)];
        for (const o of ops) {
          const db = world.ctx.db;
          switch (o.kind) {
            case 'insert': {
              const createdAt = new Date(Date.UTC(2026, 0, 1 + o.dayOffset, o.hour));
              const row = await buildResponse(db, {
                workspaceId: workspace.id,
                surveyId: survey.id,
                score: o.score,
                createdAt,
                segment: { team: o.team, locale: 'hr' },
                status: o.status,
                flagged: o.flagged,
              });
              ids.push(row.id);
              break;
            }
            case 'rescore':
            case 'flag':
            case 'confirm':
            case 'retag': {
              const id = pick(o.pick);
              if (!id) break;
              const set =
                o.kind === 'rescore'
                  ? { score: o.score }
                  : o.kind === 'flag'
                    ? { flagged: o.flagged }
                    : o.kind === 'confirm'
                      ? { status: 'counted' as const }
                      : { segment: JSON.stringify({ team: o.team, locale: 'hr' }) };
              await db.updateTable('responses').set(set).where('id', '=', id).execute();
              break;
            }
            case 'delete': {
              const id = pick(o.pick);
              if (!id) break;
              await db.deleteFrom('responses').where('id', '=', id).execute();
              ids.splice(ids.indexOf(id), 1);
              break;
            }
            case 'merge':
              await mergeRollups(db);
              break;
          }
        }
        expect(await rolledUp(survey.id)).toEqual(await counted(survey.id, timeZone));
        await mergeRollups(world.ctx.db);
        expect(await rolledUp(survey.id)).toEqual(await counted(survey.id, timeZone));
        await rebuildRollups(world.ctx.db, workspace.id, survey.id);
        expect(await rolledUp(survey.id)).toEqual(await counted(survey.id, timeZone));
      }),
      { numRuns: 25 },
    );
  });

  it('never double-counts when answers arrive while deltas are merged concurrently', async () => {
    const { workspace } = await buildWorkspace(world.ctx.db);
    const survey = await buildSurvey(world.ctx.db, workspace.id);
    const writes = Array.from({ length: 200 }, (_, i) =>
      buildResponse(world.ctx.db, {
        workspaceId: workspace.id,
        surveyId: survey.id,
        score: i % 11,
        segment: { team: `t${i % 4}` },
      }),
    );
    const merges = Array.from({ length: 10 }, () => mergeRollups(world.ctx.db));
    await Promise.all([...writes, ...merges]);
    expect(await rolledUp(survey.id)).toEqual(await counted(survey.id, 'UTC'));
    await mergeRollups(world.ctx.db);
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from rollup_deltas where survey_id = ${survey.id}`.execute(
      world.ctx.db,
    );
    expect(rows[0]!.n).toBe(0);
    expect(await rolledUp(survey.id)).toEqual(await counted(survey.id, 'UTC'));
  });

  it('re-buckets the days after a time-zone change, once, through the maintenance task', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    const survey = await buildSurvey(world.ctx.db, workspace.id);
    for (const hour of [1, 5, 12, 23]) {
      await buildResponse(world.ctx.db, {
        workspaceId: workspace.id,
        surveyId: survey.id,
        score: hour % 11,
        createdAt: new Date(Date.UTC(2026, 2, 10, hour)),
      });
    }
    await request(world.app)
      .patch('/api/workspace')
      .set(bearer(adminKey))
      .send({ timeZone: 'Asia/Tokyo' })
      .expect(200);
    expect(await rebuildRequestedRollups(world.ctx.db)).toBe(1);
    expect(await rolledUp(survey.id)).toEqual(await counted(survey.id, 'Asia/Tokyo'));
    expect(await rebuildRequestedRollups(world.ctx.db)).toBe(0);
  });
});

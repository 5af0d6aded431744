import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { countByPeriod, mergeRollupDeltas, rebuildRollups, SCORE_SLOTS } from './rollup.repository';
import { requireSurvey } from '../surveys/survey.service';

/** Folds pending rollup deltas into the daily rollups (scheduled every few seconds). */
export async function mergeRollups(db: Kysely<Database>): Promise<number> {
  return mergeRollupDeltas(db);
}

/** Recomputes one survey's rollups from its counted responses; 404 for another workspace's survey. */
export async function rebuildSurveyRollups(
  db: Kysely<Database>,
  workspaceId: string,
  surveyId: string,
) {
  await requireSurvey(db, workspaceId, surveyId);
  return { surveyId, rollupRows: await rebuildRollups(db, workspaceId, surveyId) };
}

/**
 * Rebuilds the rollups of workspaces whose time zone changed (their days are local days).
 * The request is cleared only if no newer change arrived meanwhile. Returns how many
 * workspaces were rebuilt.
 */
export async function rebuildRequestedRollups(db: Kysely<Database>): Promise<number> {
  const requests = await db
    .selectFrom('workspaces')
    .select(['id', 'rollups_rebuild_requested_at'])
    .where('rollups_rebuild_requested_at', 'is not', null)
    .execute();
  for (const ws of requests) {
    const surveys = await db
      .selectFrom('surveys')
      .select('id')
      .where('workspace_id', '=', ws.id)
      .orderBy('id')
      .execute();
    for (const survey of surveys) {
      await rebuildRollups(db, ws.id, survey.id);
    }
    await db
      .updateTable('workspaces')
      .set({ rollups_rebuild_requested_at: null })
      .where('id', '=', ws.id)
      // NOTE: JS dates carry milliseconds, Postgres microseconds: compare at the coarser one.
      .where(
        sql<Date>`date_trunc('milliseconds', rollups_rebuild_requested_at)`,
        '=',
        ws.rollups_rebuild_requested_at,
      )
      .execute();
  }
  return requests.length;
}

/**
 * Score counts (index = score) of one survey's counted responses over the local days
 * [from, to], from the rollups plus the deltas not merged yet.
 */
export async function countSurveyScores(
  db: Kysely<Database>,
  q: { workspaceId: string; surveyId: string; from: string; to: string },
): Promise<number[]> {
  const rows = await countByPeriod(db, {
    workspaceId: q.workspaceId,
    surveyIds: [q.surveyId],
    dimensions: [''],
    from: q.from,
    to: q.to,
    // NOTE: only the total counts; by month, whole months come from the monthly rollups.
    unit: 'month',
  });
  const counts = Array.from({ length: SCORE_SLOTS }, () => 0);
  for (const row of rows.filter((r) => r.dimension === '' && r.value === '')) {
    row.counts.forEach((c, i) => (counts[i] = (counts[i] ?? 0) + c));
  }
  return counts;
}

import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { mergeRollupDeltas, rebuildRollups } from './rollup.repository';
import { requireSurvey } from './survey.service';

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

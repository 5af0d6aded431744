import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

export interface ScoreCounts {
  n: number;
  /** counts[v] = responses with score v (index 0..10). */
  counts: number[];
}

/** Counts responses per score value for one survey, in SQL. */
export async function countScores(
  db: Kysely<Database>,
  workspaceId: string,
  surveyId: string,
): Promise<ScoreCounts> {
  const rows = await db
    .selectFrom('responses')
    .select(['score', sql<string>`count(*)`.as('count')])
    .where('workspace_id', '=', workspaceId)
    .where('survey_id', '=', surveyId)
    .groupBy('score')
    .execute();
  const counts = Array.from({ length: 11 }, () => 0);
  let n = 0;
  for (const row of rows) {
    const count = Number(row.count);
    counts[row.score] = count;
    n += count;
  }
  return { n, counts };
}

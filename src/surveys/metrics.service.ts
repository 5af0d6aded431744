import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import {
  cesCountsFromScoreCounts,
  csatCountsFromScoreCounts,
  npsCountsFromScoreCounts,
  scoreCes,
  scoreCsat,
  scoreNps,
} from '../scoring';
import { countScores } from './metrics.repository';
import type { SurveyMetricsDto } from './survey.schemas';
import { requireSurvey } from './survey.service';

/** Headline score of one survey: counts come from SQL, the statistics from src/scoring. */
export async function getSurveyMetrics(
  db: Kysely<Database>,
  workspaceId: string,
  surveyId: string,
): Promise<SurveyMetricsDto> {
  const survey = await requireSurvey(db, workspaceId, surveyId);
  const { n, counts } = await countScores(db, workspaceId, surveyId);
  const base = { surveyId, kind: survey.kind, n };
  switch (survey.kind) {
    case 'nps': {
      const c = npsCountsFromScoreCounts(counts);
      const s = scoreNps(c);
      return {
        ...base,
        nps: {
          score: s.npsPoints,
          n: s.n,
          ...c,
          interval: s.interval,
          tooFewResponses: s.tooFewResponses,
        },
      };
    }
    case 'csat': {
      const c = csatCountsFromScoreCounts(counts.slice(0, 6));
      const s = scoreCsat(c);
      return {
        ...base,
        csat: {
          score: s.csatPercent,
          n: s.total,
          satisfied: c.satisfied,
          interval: s.interval,
          tooFewResponses: s.tooFewResponses,
        },
      };
    }
    case 'ces': {
      const s = scoreCes(cesCountsFromScoreCounts(counts.slice(0, 8)));
      return {
        ...base,
        ces: {
          mean: s.meanScore,
          n: s.total,
          agreePercent: s.agreePercent,
          meanInterval: s.meanInterval,
          agreeInterval: s.agreeInterval,
          tooFewResponses: s.tooFewResponses,
        },
      };
    }
  }
}

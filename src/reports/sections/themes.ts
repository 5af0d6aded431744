import type { Survey } from '../../../db/schema';
import { familyOf } from '../../surveys/scales';
import type { ThemedComments } from '../../analytics/themes.service';
import { responsesLink } from '../period-range';
import { formatScore, scoreName, truncate } from '../report-format';
import type { Quote, ThemeRow, WeeklyItem } from '../report.types';
import { ownerFor } from './owners';
import type { OwnerContext } from './owners';
import { QUOTES } from './quotes';
import { unhappy } from './segments';

const QUOTE_LENGTH = 300;

type Range = { from: Date; to: Date };

function quoteOf(themed: ThemedComments, id: string): Quote {
  return {
    responseId: id,
    score: themed.scores.get(id) ?? 0,
    text: truncate(themed.texts.get(id) ?? '', QUOTE_LENGTH),
    link: `/api/responses/${id}`,
  };
}

/** The month's top comment themes of a survey with quotes; null rows for surveys without themes (CES and the kinds after it). */
export function themeRows(
  themed: ThemedComments | null,
  survey: Survey,
  range: Range,
  max: number,
): { rows: ThemeRow[] | null; note: string | null } {
  if (!themed) {
    return { rows: null, note: 'Comment themes are found for NPS, eNPS and CSAT surveys.' };
  }
  const rows = themed.report.themes.slice(0, max).map((t) => ({
    key: t.key,
    label: t.label,
    volume: t.volume,
    score: t.nps ?? t.csatPercent,
    impact: t.impact,
    pinned: t.pinned,
    quotes: t.representativeIds.slice(0, QUOTES).map((id) => quoteOf(themed, id)),
    responseIds: t.commentIds.slice(0, 200),
    link: responsesLink({ surveyId: survey.id, ...range, hasComment: true }),
  }));
  const note =
    themed.read === 0
      ? 'No comments this period.'
      : themed.capped
        ? `Themes from the newest ${themed.read} comments.`
        : null;
  return { rows, note };
}

/** One weekly item per theme with low scores, ranked by the share of all answers it holds. */
export function weeklyThemeItems(
  themed: ThemedComments | null,
  survey: Survey,
  n: number,
  window: Range,
  owners: OwnerContext,
): WeeklyItem[] {
  const name = scoreName(survey.kind);
  const items: WeeklyItem[] = [];
  for (const t of themed?.report.themes ?? []) {
    const bad = unhappy(survey.kind, t.scoreCounts);
    if (bad === 0) {
      continue;
    }
    const potential = (100 * bad) / n;
    items.push({
      type: 'theme',
      surveyId: survey.id,
      surveyName: survey.name,
      title: `“${t.label}”`,
      potentialPoints: potential,
      impactPoints: t.impact,
      score: t.nps ?? t.csatPercent,
      n: t.volume,
      detail: `${t.volume} comments, ${bad} of them ${familyOf(survey.kind) === 'nps' ? 'from detractors' : 'with a low score'}; theme ${name} ${formatScore(survey.kind, t.nps ?? t.csatPercent)}, impact ${t.impact === null ? '–' : t.impact.toFixed(1)}.`,
      quotes: t.representativeIds.slice(0, QUOTES).map((id) => quoteOf(themed!, id)),
      suggestedOwner: ownerFor(
        survey,
        (a) => a.target_type === 'theme' && a.theme_key === t.key,
        owners,
      ),
      actionDraft: {
        surveyId: survey.id,
        title: `Fix “${t.label}”`,
        target: { type: 'theme', themeKey: t.key },
      },
      link: responsesLink({ surveyId: survey.id, ...window, hasComment: true }),
    });
  }
  return items;
}

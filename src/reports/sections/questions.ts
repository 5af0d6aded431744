import type { Survey, SurveyKind } from '../../../db/schema';
import type { QuestionFigures } from '../../analytics/answer-report.service';
import { familyOf, LOW_SCORE_MAX, SCALES } from '../../surveys/scales';
import type { QuestionCondition } from '../../surveys/questions';
import { responsesLink } from '../period-range';
import { MIN_RESPONSES, truncate } from '../report-format';
import type { QuestionSection } from '../report.types';

type Range = { from: Date; to: Date };

const NPS_GROUPS: Record<string, string> = {
  '0-6': 'detractors',
  '7-8': 'passives',
  '9-10': 'promoters',
  '0-8': 'detractors and passives',
  '7-10': 'passives and promoters',
};

/** Whom a condition on the score showed a question to, in words; null when it showed it to all. */
export function shownToWords(kind: SurveyKind, condition: QuestionCondition | null): string | null {
  if (!condition) {
    return null;
  }
  const { min, max } = SCALES[kind];
  const lo = Math.max(min, condition.minScore ?? min);
  const hi = Math.min(max, condition.maxScore ?? max);
  if (lo > hi) {
    return 'Shown to nobody: its condition lies outside the score scale';
  }
  if (lo === min && hi === max) {
    return null;
  }
  const group =
    familyOf(kind) === 'nps'
      ? NPS_GROUPS[`${lo}-${hi}`]
      : lo === min && hi === LOW_SCORE_MAX[kind]
        ? 'low scores'
        : undefined;
  const scores = lo === hi ? `a score of ${lo}` : `scores ${lo}–${hi}`;
  return `Shown only to ${scores}${group ? ` (${group})` : ''}`;
}

function shareOf(f: QuestionFigures): string {
  const who = `the ${f.n} ${f.n === 1 ? 'person' : 'people'} who answered this question`;
  switch (f.type) {
    case 'multiple_choice':
      return `Share of ${who}; each could pick ${f.maxChoices === 1 ? 'one' : `up to ${f.maxChoices ?? 'several'}`}, so the shares can add up to more than 100 %`;
    case 'free_text':
      return `${f.n} ${f.n === 1 ? 'answer' : 'answers'}`;
    case 'single_choice':
    case 'scale_5':
    case 'scale_10':
      return `Share of ${who}`;
  }
}

/** Names the earlier wordings counted under the shown one; null when every answer had it. */
function versionsNote(f: QuestionFigures): string | null {
  const earlier = f.versions.filter((v) => v.version !== f.version);
  if (earlier.length === 0) {
    return null;
  }
  const answers = earlier.reduce((sum, v) => sum + v.n, 0);
  const wordings = earlier
    .map(
      (v) => `v${v.version} ${v.text === f.text ? '(same wording)' : `“${truncate(v.text, 120)}”`}`,
    )
    .join(', ');
  return `${answers} of the ${f.n} answers were given to an earlier version (${wordings}); they are counted under the wording shown, options by their id.`;
}

/** The report's view of a survey's question figures over `range`. */
export function questionSections(
  survey: Survey,
  figures: readonly QuestionFigures[],
  range: Range,
): QuestionSection[] {
  return figures
    .filter((f) => f.asked || f.n > 0)
    .map((f) => ({
      questionId: f.id,
      version: f.version,
      type: f.type,
      text: f.text,
      asked: f.asked,
      shownTo: f.asked ? shownToWords(survey.kind, f.condition) : null,
      n: f.n,
      tooFewAnswers: f.n < MIN_RESPONSES,
      shareOf: shareOf(f),
      options: f.options.map((o) => ({
        id: o.id,
        text: o.text,
        count: o.count,
        percent: o.percent,
        lower: o.interval?.displayLower ?? null,
        upper: o.interval?.displayUpper ?? null,
        offered: o.offered,
      })),
      mean: f.mean
        ? {
            value: f.mean.value,
            lower: f.mean.interval?.displayLower ?? null,
            upper: f.mean.interval?.displayUpper ?? null,
          }
        : null,
      quotes: f.quotes.map((q) => ({
        responseId: q.responseId,
        score: q.score,
        text: truncate(q.text, 300),
        link: `/api/responses/${q.responseId}`,
      })),
      versionsNote: versionsNote(f),
      link: responsesLink({ surveyId: survey.id, ...range }),
    }));
}

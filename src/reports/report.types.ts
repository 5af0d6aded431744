import type { SurveyKind } from '../../db/schema';
import type { QuestionType } from '../surveys/questions';
import type { ActionDto } from './action.schemas';
import type { Cell, SurveyMetricsDto } from '../analytics/metrics.schemas';

/** Every figure carries `link`: the API query that lists the responses behind it. */
export interface Quote {
  responseId: string;
  score: number;
  text: string;
  link: string;
}

export interface ChangeInWords {
  comparedTo: string;
  label: string;
  change: NonNullable<Cell['change']> | null;
  /** e.g. "up 6.1 points vs February 2026 — significant (p = 0.012)". */
  words: string;
}

export interface TrendPointDto {
  start: string;
  label: string;
  n: number;
  score: number | null;
  lower: number | null;
  upper: number | null;
  link: string;
}

export interface SegmentRow {
  property: string;
  value: string;
  cell: Cell;
  /** NPS: 100·D_g/n of the survey (points gained if its detractors became passives). */
  potentialPoints: number | null;
  impactPoints: number | null;
  /** 'up' / 'down' when the change vs last period is significant after Benjamini–Hochberg. */
  mover: 'up' | 'down' | null;
  adjustedPValue: number | null;
  link: string;
  detractorsLink: string | null;
}

export interface ThemeRow {
  key: string;
  label: string;
  volume: number;
  /** Theme NPS in points or CSAT in percent. */
  score: number | null;
  impact: number | null;
  pinned: boolean;
  quotes: Quote[];
  responseIds: string[];
  link: string;
}

/** An option's (or a scale value's) count and its share, in percent, with a 95 % Wilson interval. */
export interface AnswerShareRow {
  id: string;
  text: string;
  count: number;
  percent: number | null;
  lower: number | null;
  upper: number | null;
  /** False for an option only an earlier version of the question offered. */
  offered: boolean;
}

/**
 * An additional question's figures over the report's range. Earlier versions of the question
 * (same id and type) count under its current wording, options by id; `versionsNote` says so.
 */
export interface QuestionSection {
  questionId: string;
  version: number;
  type: QuestionType;
  text: string;
  /** False when the survey no longer asks it; its newest wording is shown. */
  asked: boolean;
  /** Whom its condition showed it to, e.g. "Shown only to scores 0–6 (detractors)"; null: everyone. */
  shownTo: string | null;
  /** Responses that answered it. */
  n: number;
  tooFewAnswers: boolean;
  /** What the shares are of, in words (a multiple choice's add up to more than 100 %). */
  shareOf: string;
  options: AnswerShareRow[];
  /** Scales: the mean with its 95 % t interval. */
  mean: { value: number; lower: number | null; upper: number | null } | null;
  /** Free text: the newest answers. */
  quotes: Quote[];
  versionsNote: string | null;
  link: string;
}

/** A survey's additional questions, for the weekly report (the monthly one has them per section). */
export interface SurveyQuestions {
  surveyId: string;
  surveyName: string;
  questions: QuestionSection[];
}

export interface SurveySection {
  surveyId: string;
  name: string;
  kind: SurveyKind;
  unit: string;
  cell: Cell;
  vsPrevious: ChangeInWords;
  vsLastYear: ChangeInWords;
  link: string;
  detractorsLink: string | null;
  trend: { points: TrendPointDto[]; fit: SurveyMetricsDto['trend']; words: string };
  volume: {
    responses: number;
    sent: number;
    delivered: number;
    answered: number;
    rate: number | null;
  };
  segments: SegmentRow[];
  themes: ThemeRow[] | null;
  themesNote: string | null;
  /** Absent in reports stored before issue 15. */
  questions?: QuestionSection[];
}

export interface ClosedLoop {
  detractorCases: number;
  contactedWithinSla: number;
  contactedLate: number;
  openPastDue: number;
  openWithinSla: number;
  resolved: number;
  withinSlaRate: number | null;
  link: string;
  overdueLink: string;
}

export interface ReportHeader {
  workspace: { id: string; name: string; timeZone: string };
  period: { start: string; end: string; label: string; from: string; to: string };
  generatedAt: string;
}

export interface MonthlyReportContent extends ReportHeader {
  kind: 'monthly';
  surveys: SurveySection[];
  closedLoop: ClosedLoop;
  actions: ActionDto[];
}

export interface WeeklyItem {
  type: 'segment' | 'theme' | 'drop' | 'overdue_cases';
  surveyId: string;
  surveyName: string;
  title: string;
  /** Points of overall NPS (or CSAT %) the item costs: 100·D_g/n for segments and themes. */
  potentialPoints: number | null;
  impactPoints: number | null;
  score: number | null;
  n: number;
  detail: string;
  quotes: Quote[];
  suggestedOwner: { name: string | null; email: string | null; why: string } | null;
  /** Body for POST /api/actions to turn the item into a tracked action. */
  actionDraft: {
    surveyId: string;
    title: string;
    target:
      | { type: 'survey' }
      | { type: 'segment'; property: string; value: string }
      | { type: 'theme'; themeKey: string };
    sourceReportId?: string;
  } | null;
  link: string;
}

export interface WeeklyReportContent extends ReportHeader {
  kind: 'weekly';
  /** Ranking window (4 weeks ending with the report week), so segments have volume. */
  rankingWindow: { start: string; end: string };
  items: WeeklyItem[];
  /** The additional questions over the ranking window; absent in reports stored before issue 15. */
  questions?: SurveyQuestions[];
  overdueCases: { count: number; link: string };
  actions: ActionDto[];
}

export type ReportContent = MonthlyReportContent | WeeklyReportContent;

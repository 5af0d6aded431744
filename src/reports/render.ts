import path from 'node:path';
import type { SurveyKind } from '../../db/schema';
import { KIND_DISPLAY } from '../surveys/scales';
import { answerText } from '../surveys/texts';
import { Eta } from 'eta';
import { trendChartSvg } from './charts';
import { withEvidenceLinks } from './evidence-links';
import {
  changeInWords,
  formatMargin,
  formatScore,
  percent,
  scoreName,
  secondFigure,
} from './report-format';
import type {
  MonthlyReportContent,
  QuestionSection,
  ReportContent,
  SurveySection,
  WeeklyReportContent,
} from './report.types';

// NOTE: autoEscape: `<%= %>` escapes everything, so comment text can never become markup.
const eta = new Eta({
  views: path.join(__dirname, 'templates'),
  autoEscape: true,
  autoTrim: false,
  cache: true,
});

export interface RenderLinks {
  /** Absolute base for API links in emails (PUBLIC_URL); '' keeps them relative on the page. */
  base: string;
  /** Web page of this report (with its share token), for the email. */
  pageUrl: string;
  /** Path prefix of the report's evidence page; figures link there instead of the key-only API. */
  evidence?: string;
}

/** Score bar width (0–100 %) for the email's HTML bars. */
function barWidth(section: SurveySection, score: number | null): number {
  if (score === null) {
    return 0;
  }
  const { min, max } = KIND_DISPLAY[section.kind].axis;
  return Math.max(0, Math.min(100, Math.round(((score - min) / (max - min)) * 100)));
}

const pctText = (x: number | null) => (x === null ? '–' : `${x.toFixed(1)} %`);

/** An additional question's figures as the templates and the text part print them. */
function questionView(q: QuestionSection) {
  const tag = q.asked ? '' : ' (no longer asked)';
  return {
    ...q,
    title: `${q.text}${tag}`,
    rows: q.options.map((o) => ({
      label: `${o.text}${o.offered ? '' : ' (no longer offered)'}`,
      count: o.count,
      share: pctText(o.percent),
      range:
        o.lower === null || o.upper === null ? '' : `${pctText(o.lower)} to ${pctText(o.upper)}`,
      width: o.percent === null ? 0 : Math.round(Math.max(0, Math.min(100, o.percent))),
    })),
    meanText: q.mean
      ? `Mean ${q.mean.value.toFixed(2)}${q.mean.lower === null || q.mean.upper === null ? '' : ` (${q.mean.lower.toFixed(2)} to ${q.mean.upper.toFixed(2)})`} on ${q.type === 'scale_5' ? '1–5' : '0–10'}`
      : null,
    nText: `n = ${q.n}`,
    tooFew: q.tooFewAnswers && q.n > 0,
  };
}

/** The text part's lines for a list of questions, indented by `pad`. */
function questionLines(questions: readonly QuestionSection[], pad: string): string[] {
  const out: string[] = [];
  for (const q of questions.map(questionView)) {
    out.push(`${pad}Q: ${q.title} (${q.nText}${q.tooFew ? ', too few answers' : ''})`);
    for (const note of [q.shownTo, q.shareOf, q.meanText, q.versionsNote]) {
      if (note) {
        out.push(`${pad}    ${note}`);
      }
    }
    for (const r of q.rows) {
      out.push(`${pad}    - ${r.label}: ${r.count}, ${r.share}${r.range ? ` (${r.range})` : ''}`);
    }
    for (const quote of q.quotes) {
      out.push(`${pad}    "${quote.text.replace(/\s+/g, ' ')}"`);
    }
  }
  return out;
}

function monthlyView(content: MonthlyReportContent, links: RenderLinks, withSvg: boolean) {
  return {
    ...content,
    title: `${content.workspace.name} — customer scores, ${content.period.label}`,
    base: links.base,
    pageUrl: links.pageUrl,
    surveys: content.surveys.map((s) => ({
      ...s,
      name: s.name,
      scoreName: scoreName(s.kind),
      score: formatScore(s.kind, s.cell.score),
      margin: formatMargin(s.kind, s.cell),
      second: secondFigure(s.kind, s.cell),
      svg: withSvg ? trendChartSvg(s.kind, s.trend.points) : '',
      bars: s.trend.points.map((p) => ({
        ...p,
        text: formatScore(s.kind, p.score),
        width: barWidth(s, p.score),
      })),
      rate: percent(s.volume.rate),
      segments: s.segments.map((g) => ({
        ...g,
        score: formatScore(s.kind, g.cell.score),
        margin: formatMargin(s.kind, g.cell),
        change: changeInWords(s.kind, g.cell, g.cell.change, 'last month'),
      })),
      themes: (s.themes ?? []).map((t) => ({ ...t, scoreText: formatScore(s.kind, t.score) })),
      questions: (s.questions ?? []).map(questionView),
    })),
    loopRate: percent(content.closedLoop.withinSlaRate),
    actions: content.actions.map((a) => ({
      ...a,
      effectText: a.effect.enoughAfter
        ? `${formatScore(kindOf(content, a.surveyId), a.effect.before.score)} → ${formatScore(kindOf(content, a.surveyId), a.effect.after.score)} (n = ${a.effect.before.n} → ${a.effect.after.n}${a.effect.change?.significant ? ', significant' : ', not significant'})`
        : `waiting for responses (${a.effect.after.n} of 30 since it started)`,
    })),
  };
}

function kindOf(content: MonthlyReportContent | WeeklyReportContent, surveyId: string) {
  if (content.kind === 'monthly') {
    return content.surveys.find((s) => s.surveyId === surveyId)?.kind ?? 'nps';
  }
  return 'nps';
}

function weeklyView(content: WeeklyReportContent, links: RenderLinks) {
  return {
    ...content,
    title: `${content.workspace.name} — what to fix, week of ${content.period.start}`,
    base: links.base,
    pageUrl: links.pageUrl,
    items: content.items.map((i, index) => ({
      ...i,
      rank: index + 1,
      cost: i.potentialPoints === null ? '' : `${i.potentialPoints.toFixed(1)} pts`,
      owner: i.suggestedOwner
        ? `${i.suggestedOwner.name ?? i.suggestedOwner.email ?? ''} (${i.suggestedOwner.why})`
        : 'nobody yet',
    })),
    questions: (content.questions ?? []).map((s) => ({
      ...s,
      questions: s.questions.map(questionView),
    })),
    actions: content.actions.map((a) => ({
      ...a,
      effectText: a.effect.enoughAfter
        ? `${a.effect.before.score?.toFixed(1) ?? '–'} → ${a.effect.after.score?.toFixed(1) ?? '–'} (n = ${a.effect.after.n})`
        : `waiting for responses (${a.effect.after.n} of 30)`,
    })),
  };
}

function view(original: ReportContent, links: RenderLinks, withSvg: boolean) {
  const content = links.evidence ? withEvidenceLinks(original, links.evidence) : original;
  return content.kind === 'monthly'
    ? { monthly: monthlyView(content, links, withSvg), weekly: null }
    : { monthly: null, weekly: weeklyView(content, links) };
}

/** The report web page: SVG charts, styles from /assets/report.css (strict CSP, no inline style). */
export function renderReportPage(content: ReportContent, links: RenderLinks): string {
  return eta.render('report-page', view(content, links, true));
}

/** The email HTML: tables with inline styles and HTML bars, which survive email clients. */
export function renderReportEmail(content: ReportContent, links: RenderLinks): string {
  return eta.render('report-email', view(content, links, false));
}

export function reportSubject(content: ReportContent): string {
  if (content.kind === 'weekly') {
    return `What to fix this week — ${content.workspace.name}, ${content.period.label}`;
  }
  const first = content.surveys[0];
  const headline = first
    ? `: ${scoreName(first.kind)} ${formatScore(first.kind, first.cell.score)}`
    : '';
  return `${content.period.label} customer report — ${content.workspace.name}${headline}`;
}

/** The plain-text part: the same facts as the HTML, readable in any client. */
export function renderReportText(content: ReportContent, links: RenderLinks): string {
  const out: string[] = [];
  if (content.kind === 'monthly') {
    out.push(`${content.workspace.name} — customer scores, ${content.period.label}`, '');
    for (const s of content.surveys) {
      out.push(`${s.name} (${scoreName(s.kind)})`);
      out.push(
        `  ${scoreName(s.kind)} ${formatScore(s.kind, s.cell.score)} ${formatMargin(s.kind, s.cell)} (n = ${s.cell.n}${s.cell.tooFewResponses ? ', too few responses' : ''})`,
      );
      out.push(`  ${s.vsPrevious.words}`, `  ${s.vsLastYear.words}`, `  Trend: ${s.trend.words}`);
      out.push(
        `  Responses: ${s.volume.responses}; response rate ${percent(s.volume.rate)} (${s.volume.answered} of ${s.volume.delivered} delivered)`,
      );
      for (const g of s.segments.slice(0, 5)) {
        out.push(
          `  - ${g.property} ${g.value}: ${formatScore(s.kind, g.cell.score)} (n = ${g.cell.n})${g.mover ? ` — significant mover ${g.mover}` : ''}`,
        );
      }
      for (const t of (s.themes ?? []).slice(0, 5)) {
        out.push(
          `  * ${t.label}: ${t.volume} comments, impact ${t.impact === null ? '–' : t.impact.toFixed(1)}`,
        );
        for (const q of t.quotes) {
          out.push(`      "${q.text.replace(/\s+/g, ' ')}"`);
        }
      }
      if (s.questions?.length) {
        out.push('  Additional questions:', ...questionLines(s.questions, '  '));
      }
      out.push(`  Responses behind these figures: ${links.base}${s.link}`, '');
    }
    const l = content.closedLoop;
    out.push(
      `Closed loop: ${l.contactedWithinSla} of ${l.detractorCases} detractor cases contacted within the SLA (${percent(l.withinSlaRate)}); ${l.openPastDue} open past due.`,
      '',
    );
  } else {
    out.push(`${content.workspace.name} — what to fix, week ${content.period.label}`, '');
    content.items.forEach((i, index) => {
      out.push(
        `${index + 1}. [${i.surveyName}] ${i.title}${i.potentialPoints === null ? '' : ` — costs ${i.potentialPoints.toFixed(1)} points`}`,
      );
      out.push(`   ${i.detail}`);
      if (i.suggestedOwner) {
        out.push(
          `   Suggested owner: ${i.suggestedOwner.name ?? i.suggestedOwner.email ?? ''} (${i.suggestedOwner.why})`,
        );
      }
      for (const q of i.quotes) {
        out.push(`   "${q.text.replace(/\s+/g, ' ')}"`);
      }
    });
    out.push('');
    for (const s of content.questions ?? []) {
      out.push(
        `Additional questions, ${s.surveyName} (${content.rankingWindow.start} to ${content.rankingWindow.end}):`,
        ...questionLines(s.questions, ''),
        '',
      );
    }
  }
  if (content.actions.length > 0) {
    out.push('Improvement actions:');
    for (const a of content.actions) {
      out.push(
        `  - ${a.title} [${a.status}${a.overdue ? ', overdue' : ''}]${a.dueDate ? ` due ${a.dueDate}` : ''}`,
      );
    }
    out.push('');
  }
  out.push(`Full report: ${links.pageUrl}`);
  return out.join('\n');
}

export interface EvidenceRow {
  createdAt: string;
  surveyKind: SurveyKind;
  score: number;
  comment: string | null;
  segment: Record<string, unknown>;
}

/** The responses behind a figure, as a page in the report's own style (no contacts shown). */
export function renderReportEvidence(
  content: ReportContent,
  rows: EvidenceRow[],
  links: { back: string; next: string | null },
): string {
  return eta.render('report-evidence', {
    title: `${content.workspace.name} — responses behind ${content.period.label}`,
    periodLabel: content.period.label,
    back: links.back,
    next: links.next,
    rows: rows.map((r) => ({
      when: r.createdAt.slice(0, 16).replace('T', ' '),
      score: answerText(r.surveyKind, r.score),
      comment: r.comment ?? '',
      segment: Object.entries(r.segment)
        .map(([k, v]) => `${k}: ${String(v)}`)
        .join(', '),
    })),
  });
}

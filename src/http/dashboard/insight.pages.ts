import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { AppError } from '../../errors';
import { markMovers } from '../../reports/monthly-report';
import { instantRange } from '../../reports/period-range';
import { formatScore, MIN_RESPONSES, truncate } from '../../reports/report-format';
import { themeOverrideBodySchema } from '../../reports/report.schemas';
import {
  deleteThemeOverride,
  findThemeOverrides,
  saveThemeOverride,
  themesForRange,
  toThemeOverrideDto,
} from '../../analytics/themes.service';
import { adjustBenjaminiHochberg } from '../../scoring';
import { compareCells, getSurveyMetrics } from '../../analytics/metrics.service';
import { addDays, addMonths, localDate } from '../../platform/periods';
import { surveyIdParamsSchema } from '../../surveys/survey.schemas';
import { findSurveys, getSurvey, requireSurvey } from '../../surveys/survey.service';
import { getWorkspace } from '../../workspaces/workspace.service';
import { parse } from '../validate';
import { segmentChart } from './charts';
import type { DashRouter } from './kit';
import { BASE, formOf, parseForm, redirectDone, sessionOf } from './kit';
import { cellView, KIND_SCALE } from './scores';
import type { FieldErrors } from './view';
import { renderPage } from './view';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const PROPERTY = /^[A-Za-z0-9_.-]{1,64}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const CONFIDENCE = 0.95;
const overrideParams = z.strictObject({ id: z.uuid(), overrideId: z.uuid() });

const queryText = (req: Request, key: string) =>
  typeof req.query[key] === 'string' ? req.query[key].trim() : '';

/**
 * Each segment value against everyone else in the period (the scoring library's two-sample
 * tests through `compareCells`), Benjamini–Hochberg over all values tested at once.
 */
function differencesFromRest(
  kind: Parameters<typeof compareCells>[0],
  overall: number[],
  segments: { value: string; distribution: number[]; n: number }[],
) {
  const tests = segments.map((s) => {
    const rest = overall.map((c, i) => Math.max(0, c - (s.distribution[i] ?? 0)));
    const restN = rest.reduce((a, b) => a + b, 0);
    const change = compareCells(kind, s.distribution, rest, 'rest', CONFIDENCE);
    const tested = s.n >= MIN_RESPONSES && restN >= MIN_RESPONSES && change.pValue !== null;
    return { value: s.value, change, tested };
  });
  const tested = tests.filter((t) => t.tested);
  const adjusted = adjustBenjaminiHochberg(tested.map((t) => t.change.pValue!));
  const byValue = new Map(tested.map((t, i) => [t.value, adjusted[i] ?? null]));
  return new Map(
    tests.map((t) => {
      const p = byValue.get(t.value) ?? null;
      const d = t.change.difference;
      const side = p !== null && p < 0.05 && d !== null ? (d > 0 ? 'higher' : 'lower') : null;
      return [t.value, { difference: d, adjustedPValue: p, side }];
    }),
  );
}

/** Segments and themes per survey, with the reports engineer's movers and theme overrides. */
export function insightPages(ctx: AppContext, r: DashRouter) {
  r.get('/segments', 'segments', async (req, res) => {
    const session = sessionOf(req);
    const surveys = (await findSurveys(ctx.db, session.workspaceId, { limit: 200 })).data;
    renderPage(res, 'segments-index', {
      title: 'Segments and themes',
      area: 'segments',
      session,
      surveys,
    });
  });

  r.get('/surveys/:id/segments', 'segments', async (req, res) => {
    const session = sessionOf(req);
    const { id } = parse(surveyIdParamsSchema, req.params, 'params');
    const [survey, workspace] = await Promise.all([
      getSurvey(ctx.db, session.workspaceId, id),
      getWorkspace(ctx.db, session.workspaceId),
    ]);
    const thisMonth = localDate(ctx.clock.now(), workspace.time_zone).slice(0, 7);
    const month = MONTH.test(queryText(req, 'month')) ? queryText(req, 'month') : thisMonth;
    const asked = queryText(req, 'property');
    const property = PROPERTY.test(asked) ? asked : (survey.segmentProperties[0] ?? '');
    const start = `${month}-01`;
    const end = addDays(addMonths(start, 1), -1);
    let rows: unknown[] = [];
    let chart = null;
    if (property) {
      const metrics = await getSurveyMetrics(ctx.db, ctx.clock, session.workspaceId, id, {
        interval: 'month',
        since: start,
        until: end,
        segment: property,
        compare: 'previous',
        confidence: CONFIDENCE,
      });
      const period = metrics.periods[0];
      const cells = (period?.segments ?? []).filter((c) => c.n > 0);
      const movers = markMovers(cells.map(({ value, ...cell }) => ({ value, cell })));
      const diffs = differencesFromRest(
        survey.kind,
        period?.overall.distribution ?? [],
        cells.map((c) => ({ value: c.value, distribution: c.distribution, n: c.n })),
      );
      rows = movers.map((m) => ({
        value: m.value,
        cell: cellView(survey.kind, m.cell),
        mover: m.mover,
        moverP: m.adjustedPValue,
        vsRest: diffs.get(m.value) ?? null,
      }));
      chart =
        cells.length > 0
          ? segmentChart(
              cells.map((c) => ({
                label: c.value,
                score: c.score,
                lower: c.interval?.displayLower ?? null,
                upper: c.interval?.displayUpper ?? null,
              })),
              {
                min: KIND_SCALE[survey.kind].min,
                max: KIND_SCALE[survey.kind].max,
                alt: `Score per ${property} in ${month} with ${CONFIDENCE * 100}% intervals`,
              },
            )
          : null;
    }
    renderPage(res, 'segments', {
      title: `Segments: ${survey.name}`,
      area: 'segments',
      session,
      survey,
      month,
      property,
      properties: survey.segmentProperties,
      rows,
      chart,
      minResponses: MIN_RESPONSES,
    });
  });

  const showThemes = async (
    req: Request,
    res: Response,
    view: { errors?: FieldErrors; themeKey?: string; values?: Record<string, string> } = {},
    status = 200,
  ) => {
    const session = sessionOf(req);
    const { id } = parse(surveyIdParamsSchema, req.params, 'params');
    const [survey, workspace] = await Promise.all([
      requireSurvey(ctx.db, session.workspaceId, id),
      getWorkspace(ctx.db, session.workspaceId),
    ]);
    const until = DAY.test(queryText(req, 'until'))
      ? queryText(req, 'until')
      : localDate(ctx.clock.now(), workspace.time_zone);
    const since = DAY.test(queryText(req, 'since')) ? queryText(req, 'since') : addDays(until, -89);
    if (since > until) {
      throw new AppError(400, 'bad_range', 'The start date must not be after the end date.');
    }
    const range = instantRange(since, until, workspace.time_zone);
    const [themed, overrides] = await Promise.all([
      themesForRange(ctx.db, session.workspaceId, survey, range),
      findThemeOverrides(ctx.db, session.workspaceId, id),
    ]);
    const themes = (themed?.report.themes ?? []).map((t) => ({
      key: t.key,
      label: t.label,
      volume: t.volume,
      score: formatScore(survey.kind, t.nps ?? t.csatPercent),
      impact: t.impact,
      pinned: t.pinned,
      quotes: t.representativeIds.slice(0, 3).map((rid) => ({
        responseId: rid,
        score: themed?.scores.get(rid) ?? null,
        text: truncate(themed?.texts.get(rid) ?? '', 300),
      })),
    }));
    renderPage(
      res,
      'themes',
      {
        title: `Themes: ${survey.name}`,
        area: 'themes',
        session,
        survey: { id: survey.id, name: survey.name, kind: survey.kind },
        since,
        until,
        supported: themed !== null,
        totalComments: themed?.report.totalComments ?? 0,
        capped: themed?.capped ?? false,
        themes,
        overrides: overrides.map(toThemeOverrideDto),
        errors: view.errors,
        errorKey: view.themeKey,
        values: view.values ?? {},
      },
      status,
    );
  };

  r.get('/surveys/:id/themes', 'themes', async (req, res) => {
    await showThemes(req, res);
  });

  r.post('/surveys/:id/themes', 'themes', async (req, res) => {
    const session = sessionOf(req);
    const { id } = parse(surveyIdParamsSchema, req.params, 'params');
    const form = formOf(req);
    const kind = form.kind ?? '';
    const parsed = parseForm(themeOverrideBodySchema, {
      kind,
      themeKey: form.themeKey ?? '',
      ...(kind === 'rename' ? { label: form.label ?? '' } : {}),
      ...(kind === 'merge' ? { into: form.into ?? '' } : {}),
    });
    if (!parsed.ok) {
      await showThemes(
        req,
        res,
        { errors: parsed.errors, themeKey: form.themeKey, values: form },
        400,
      );
      return;
    }
    const survey = await requireSurvey(ctx.db, session.workspaceId, id);
    try {
      await saveThemeOverride(ctx.db, session.workspaceId, survey, parsed.value, ctx.clock.now());
    } catch (err) {
      if (err instanceof AppError && err.status === 422) {
        await showThemes(
          req,
          res,
          { errors: { into: err.message }, themeKey: form.themeKey, values: form },
          422,
        );
        return;
      }
      throw err;
    }
    redirectDone(res, `${BASE}/surveys/${id}/themes`, 'theme_saved');
  });

  r.post('/surveys/:id/themes/overrides/:overrideId/delete', 'themes', async (req, res) => {
    const session = sessionOf(req);
    const { id, overrideId } = parse(overrideParams, req.params, 'params');
    await requireSurvey(ctx.db, session.workspaceId, id);
    await deleteThemeOverride(ctx.db, session.workspaceId, id, overrideId);
    redirectDone(res, `${BASE}/surveys/${id}/themes`, 'theme_reset');
  });
}

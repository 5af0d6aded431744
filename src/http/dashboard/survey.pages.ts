import type { Request, Response } from 'express';
import { SURVEY_KINDS } from '../../../db/schema';
import type { SurveyKind } from '../../../db/schema';
import type { AppContext } from '../../context';
import { AppError } from '../../errors';
import { renderInvitationEmail } from '../../surveys/email';
import { createEventBodySchema } from '../../dispatch/event.schemas';
import { ingestEvent } from '../../dispatch/ingest.service';
import type { EventAcceptedDto } from '../../dispatch/event.schemas';
import { isLocale, resolveLocale } from '../../surveys/i18n';
import { LOCALES } from '../../surveys/i18n/types';
import type { Locale } from '../../surveys/i18n/types';
import { getSurveyMetrics } from '../../analytics/metrics.service';
import { renderTemplate } from '../../surveys/render';
import {
  createSurveyBodySchema,
  surveyIdParamsSchema,
  surveyStatusSchema,
  updateSurveyBodySchema,
} from '../../surveys/survey.schemas';
import type { SurveyDto } from '../../surveys/survey.schemas';
import {
  changeSurvey,
  createSurvey,
  findSurveys,
  getSurvey,
  removeSurvey,
  transitionSurvey,
} from '../../surveys/survey.service';
import { resolveTexts, scoreLayout, scoreOptions } from '../../surveys/texts';
import { localizeQuestion, questionsInputSchema, versionQuestions } from '../../surveys/questions';
import type { Question } from '../../surveys/questions';
import { questionViews } from '../routes/collector.routes';
import { getWorkspace } from '../../workspaces/workspace.service';
import { parse } from '../validate';
import type { DashRouter } from './kit';
import { BASE, fieldErrors, formOf, parseForm, redirectDone, sessionOf } from './kit';
import { cellView, KIND_LABEL, surveyTrendChart } from './scores';
import {
  QUESTION_TYPE_OPTIONS,
  questionAlias,
  questionRowCount,
  questionsFromForm,
} from './question-form';
import {
  EMPTY_FORM,
  formValuesFromSurvey,
  LOCALE_NAMES,
  surveyAlias,
  surveyBodyFromForm,
  TEXT_FIELDS,
  textsFromForm,
  WEEKDAY_OPTIONS,
} from './survey-form';
import type { FieldErrors } from './view';
import { renderPage } from './view';

const idOf = (req: Request) => parse(surveyIdParamsSchema, req.params, 'params').id;

interface FormView {
  survey?: SurveyDto;
  values: Record<string, string>;
  days: string[];
  errors?: FieldErrors;
  formError?: string;
  previewLocale?: string;
}

function showForm(req: Request, res: Response, view: FormView, status = 200) {
  const session = sessionOf(req);
  renderPage(
    res,
    'survey-form',
    {
      title: view.survey ? `Edit ${view.survey.name}` : 'New survey',
      area: 'surveys',
      session,
      survey: view.survey,
      values: view.values,
      days: view.days,
      errors: view.errors,
      formError: view.formError,
      locales: LOCALES.map((l) => ({ value: l, label: LOCALE_NAMES[l] })),
      textFields: TEXT_FIELDS,
      weekdays: WEEKDAY_OPTIONS,
      previewLocale: view.previewLocale ?? firstTypedLocale(view.values),
      kindLocked: !!view.survey && view.survey.status !== 'draft',
      questionRows: [...Array(questionRowCount(view.values)).keys()],
      questionTypes: QUESTION_TYPE_OPTIONS,
    },
    status,
  );
}

function firstTypedLocale(values: Record<string, string>): Locale {
  for (const locale of LOCALES) {
    if (TEXT_FIELDS.some((f) => (values[`texts.${locale}.${f.key}`] ?? '').trim())) {
      return locale;
    }
  }
  return 'en';
}

/** A service refusal (409 with field details) shown on the form instead of an error page. */
function formFailure(err: unknown): { errors: FieldErrors; formError: string } | undefined {
  if (err instanceof AppError && err.status < 500) {
    return { errors: surveyAlias(fieldErrors(err.details)), formError: err.message };
  }
  return undefined;
}

export function surveyPages(ctx: AppContext, r: DashRouter) {
  r.get('/surveys', 'surveys', async (req, res) => {
    const session = sessionOf(req);
    const status = surveyStatusSchema.safeParse(req.query.status);
    const q =
      typeof req.query.q === 'string' && req.query.q.trim()
        ? req.query.q.trim().slice(0, 200)
        : undefined;
    const list = await findSurveys(ctx.db, session.workspaceId, {
      limit: 200,
      ...(status.success ? { status: status.data } : {}),
      ...(q ? { q } : {}),
    });
    renderPage(res, 'surveys', {
      title: 'Surveys',
      area: 'surveys',
      session,
      surveys: list.data,
      status: status.success ? status.data : '',
      q: q ?? '',
      kinds: KIND_LABEL,
    });
  });

  r.get('/surveys/new', 'surveys', (req, res) => {
    showForm(req, res, { values: { ...EMPTY_FORM.values }, days: [] });
  });

  r.post('/surveys', 'surveys', async (req, res) => {
    const session = sessionOf(req);
    const { body, values, days, rows } = surveyBodyFromForm(req);
    const parsed = parseForm(createSurveyBodySchema, body);
    if (!parsed.ok) {
      const errors = surveyAlias(questionAlias(parsed.errors, rows));
      showForm(req, res, { values, days, errors }, 400);
      return;
    }
    const created = await createSurvey(ctx.db, session.workspaceId, parsed.value, ctx.clock.now());
    redirectDone(res, `${BASE}/surveys/${created.id}`, 'survey_created');
  });

  r.post('/surveys/preview/:part', 'surveys', async (req, res) => {
    const session = sessionOf(req);
    const part = req.params.part === 'page' ? 'page' : 'email';
    const form = formOf(req);
    const kind = SURVEY_KINDS.find((k) => k === form.kind) ?? 'nps';
    const locale: Locale = isLocale(form.previewLocale ?? '')
      ? (form.previewLocale as Locale)
      : 'en';
    const workspace = await getWorkspace(ctx.db, session.workspaceId);
    const company = workspace.company_name ?? workspace.name;
    const texts = textsFromForm(form);
    const html =
      part === 'email'
        ? renderInvitationEmail({
            invitationId: 'preview',
            kind,
            surveyTexts: texts,
            locale,
            company,
            contactName: 'Ana',
            token: 'preview',
            publicUrl: ctx.config.PUBLIC_URL,
          }).html
        : previewSurveyPage(kind, texts, locale, company, previewQuestions(form));
    // NOTE: a preview is shown in a sandboxed frame of the dashboard; emails need inline styles.
    res.set(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'none'; frame-ancestors 'self'",
    );
    res.set('X-Frame-Options', 'SAMEORIGIN');
    res.type('html').send(html);
  });

  r.get('/surveys/:id', 'surveys', async (req, res) => {
    await showSurvey(ctx, req, res);
  });

  r.get('/surveys/:id/edit', 'surveys', async (req, res) => {
    const session = sessionOf(req);
    const survey = await getSurvey(ctx.db, session.workspaceId, idOf(req));
    if (survey.status === 'closed') {
      throw new AppError(409, 'survey_closed', 'A closed survey cannot be changed.');
    }
    showForm(req, res, { survey, ...formValuesFromSurvey(survey) });
  });

  r.post('/surveys/:id', 'surveys', async (req, res) => {
    const session = sessionOf(req);
    const id = idOf(req);
    const survey = await getSurvey(ctx.db, session.workspaceId, id);
    const { body, values, days, rows } = surveyBodyFromForm(req, survey.questions);
    const { kind, ...rest } = body;
    const parsed = parseForm(updateSurveyBodySchema, survey.status === 'draft' ? body : rest);
    if (!parsed.ok) {
      showForm(
        req,
        res,
        {
          survey,
          values: { ...values, kind: kind ?? survey.kind },
          days,
          errors: surveyAlias(questionAlias(parsed.errors, rows)),
        },
        400,
      );
      return;
    }
    try {
      await changeSurvey(ctx.db, ctx.clock, session.workspaceId, id, parsed.value);
    } catch (err) {
      const failure = formFailure(err);
      if (!failure) {
        throw err;
      }
      showForm(req, res, { survey, values, days, ...failure }, 409);
      return;
    }
    redirectDone(res, `${BASE}/surveys/${id}`, 'survey_saved');
  });

  for (const transition of ['launch', 'pause', 'close'] as const) {
    r.post(`/surveys/:id/${transition}`, 'surveys', async (req, res) => {
      const session = sessionOf(req);
      const id = idOf(req);
      await transitionSurvey(ctx.db, ctx.clock, session.workspaceId, id, transition);
      const done = { launch: 'survey_launched', pause: 'survey_paused', close: 'survey_closed' };
      redirectDone(res, `${BASE}/surveys/${id}`, done[transition]);
    });
  }

  r.post('/surveys/:id/delete', 'surveys', async (req, res) => {
    const session = sessionOf(req);
    await removeSurvey(ctx.db, session.workspaceId, idOf(req));
    redirectDone(res, `${BASE}/surveys`, 'survey_deleted');
  });

  r.post('/surveys/:id/test-event', 'surveys', async (req, res) => {
    const session = sessionOf(req);
    const survey = await getSurvey(ctx.db, session.workspaceId, idOf(req));
    const form = formOf(req);
    const parsed = parseForm(createEventBodySchema, {
      type: survey.trigger.eventType,
      contact: {
        email: (form['contact.email'] ?? '').trim(),
        ...(form['contact.name']?.trim() ? { name: form['contact.name'].trim() } : {}),
        ...(form['contact.locale']?.trim() ? { locale: form['contact.locale'].trim() } : {}),
      },
    });
    if (!parsed.ok) {
      await showSurvey(ctx, req, res, { eventErrors: parsed.errors, eventValues: form }, 400);
      return;
    }
    const result = await ingestEvent(
      ctx.db,
      ctx.clock,
      session.workspaceId,
      parsed.value,
      undefined,
      ctx.hashEmail,
    );
    await showSurvey(ctx, req, res, { eventResult: result.body, eventValues: form });
  });
}

async function showSurvey(
  ctx: AppContext,
  req: Request,
  res: Response,
  extra: {
    eventErrors?: FieldErrors;
    eventValues?: Record<string, string>;
    eventResult?: EventAcceptedDto;
  } = {},
  status = 200,
) {
  const session = sessionOf(req);
  const survey = await getSurvey(ctx.db, session.workspaceId, idOf(req));
  const metrics = await getSurveyMetrics(ctx.db, ctx.clock, session.workspaceId, survey.id, {
    interval: 'month',
    compare: 'previous',
    confidence: 0.95,
  });
  const last = metrics.periods[metrics.periods.length - 1];
  renderPage(
    res,
    'survey',
    {
      title: survey.name,
      area: 'surveys',
      session,
      survey,
      kindLabel: KIND_LABEL[survey.kind],
      overall: cellView(survey.kind, metrics.overall),
      current: last ? { start: last.start, ...cellView(survey.kind, last.overall)! } : null,
      responseRate: last?.responseRate ?? null,
      chart: metrics.overall.n > 0 ? surveyTrendChart(metrics, survey.name) : null,
      since: metrics.since,
      until: metrics.until,
      locales: LOCALES.map((l) => ({ value: l, label: LOCALE_NAMES[l] })),
      typedLocales: Object.keys(survey.texts),
      errors: extra.eventErrors,
      eventValues: extra.eventValues ?? {},
      eventResult: extra.eventResult,
    },
    status,
  );
}

/** The typed questions, if they are valid as a whole (a preview shows no half list). */
function previewQuestions(form: Record<string, string>): Question[] {
  const parsed = questionsInputSchema.safeParse(questionsFromForm(form, []).questions);
  return parsed.success ? versionQuestions(parsed.data, []) : [];
}

/** The public survey page as a contact in `locale` would see it, from the same template. */
function previewSurveyPage(
  kind: SurveyKind,
  texts: Record<string, unknown>,
  locale: Locale,
  company: string,
  questions: Question[],
): string {
  const t = resolveTexts(kind, texts, resolveLocale(locale, 'en'), company);
  const m = t.messages;
  return renderTemplate('./survey-page', {
    lang: locale,
    title: m.pageTitle,
    thankYou: false,
    thankYouTitle: t.thankYouTitle,
    thankYouBody: t.thankYouBody,
    question: t.question,
    followUp: t.followUp,
    chooseScore: m.chooseScore,
    changeScore: m.changeScore,
    scaleLow: m.scaleLow[kind],
    scaleHigh: m.scaleHigh[kind],
    layout: scoreLayout(kind),
    options: scoreOptions(kind, m).map((o) => ({ ...o, checked: false })),
    comment: '',
    commentPlaceholder: m.commentPlaceholder,
    commentMax: 5000,
    questions: questionViews(
      questions.map((q) => localizeQuestion(q, locale)),
      undefined,
      {},
      undefined,
    ),
    submit: m.submit,
    action: '#',
  });
}

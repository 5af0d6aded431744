import { readFileSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../../context';
import { AppError } from '../../errors';
import {
  InvalidScoreError,
  isFirstAnswerThrough,
  SurveyGoneError,
  localeForToken,
  openInvitation,
  parseScore,
  recordAnswer,
  recordHoneypot,
  recordLinkFetch,
  recordPageBeacon,
  unsubscribeByToken,
} from '../../collector/collector.service';
import type { CollectorDeps, OpenInvitation } from '../../collector/collector.service';
import { messagesFor, format, preferredLocale } from '../../surveys/i18n';
import type { Locale } from '../../surveys/i18n/types';
import { renderTemplate } from '../../surveys/render';
import { scoreLayout, scoreOptions } from '../../surveys/texts';
import { toAppError, UNAVAILABLE_RETRY_AFTER } from '../errors';
import {
  AnswerError,
  FREE_TEXT_MAX,
  isShown,
  MAX_OPTIONS,
  MAX_QUESTIONS,
  parseAnswers,
} from '../../surveys/questions';
import type { Question } from '../../surveys/questions';
import type { Messages } from '../../surveys/i18n/types';
import { sharedRateLimit } from '../rate-limit';

const css = readFileSync(path.join(__dirname, '../../surveys/templates/survey.css'), 'utf8');

function messagePage(
  res: Response,
  status: number,
  locale: Locale,
  title: string,
  body: string,
  form?: object,
) {
  res
    .status(status)
    .type('html')
    .send(renderTemplate('./message-page', { lang: locale, title, body, form }));
}

function errorPage(res: Response, err: AppError, locale: Locale) {
  const m = messagesFor(locale);
  // NOTE: these two know the invitation, so they speak the contact's language, not the browser's.
  if (err instanceof SurveyGoneError) {
    const own = messagesFor(err.locale);
    messagePage(res, 410, err.locale, own.expiredTitle, own.expiredBody);
  } else if (err instanceof InvalidScoreError) {
    const own = messagesFor(err.locale);
    messagePage(res, 400, err.locale, own.invalidScoreTitle, own.invalidScoreBody);
  } else if (err.status === 404) {
    messagePage(res, 404, locale, m.notFoundTitle, m.notFoundBody);
  } else if (err.status === 403) {
    messagePage(res, 403, locale, m.forbiddenTitle, m.forbiddenBody);
  } else if (err.status === 503) {
    res.set('Retry-After', UNAVAILABLE_RETRY_AFTER);
    messagePage(res, 503, locale, m.unavailableTitle, m.unavailableBody);
  } else {
    messagePage(res, err.status, locale, m.pageTitle, err.message);
  }
}

/** The additional questions' form fields (`a.<question id>`), by question id. */
function answerFields(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k.startsWith('a.')) {
      out[k.slice(2)] = v;
    }
  }
  return out;
}

const asStrings = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).map(String);

/**
 * The questions shown for this score (all unconditional ones before a score is chosen),
 * filled with what the person typed or, failing that, what is stored.
 */
export function questionViews(
  questions: Question[],
  score: number | undefined,
  values: Record<string, unknown>,
  invalid: string | undefined,
) {
  return questions
    .filter((q) => (score === undefined ? !q.condition : isShown(q, score)))
    .map((q) => {
      const given = asStrings(values[q.id]);
      const scale =
        q.type === 'scale_5' ? [1, 2, 3, 4, 5] : q.type === 'scale_10' ? [...Array(11).keys()] : [];
      const choices =
        q.type === 'single_choice' || q.type === 'multiple_choice'
          ? (q.options ?? []).map((o) => ({ value: o.id, label: o.text }))
          : scale.map((n) => ({ value: String(n), label: String(n) }));
      return {
        id: q.id,
        name: `a.${q.id}`,
        type: q.type,
        text: q.text,
        input: q.type === 'multiple_choice' ? 'checkbox' : 'radio',
        layout: scale.length ? 'row' : 'list',
        choices: choices.map((c) => ({ ...c, checked: given.includes(c.value) })),
        textValue: q.type === 'free_text' ? given.join('\n') : '',
        max: FREE_TEXT_MAX,
        invalid: invalid === q.id,
      };
    });
}

function answerMessage(m: Messages, err: AnswerError): string {
  const question = err.question.text;
  switch (err.issue.kind) {
    case 'notAnOption':
      return format(m.answerNotAnOption, { question });
    case 'tooManyChoices':
      return format(m.answerTooManyChoices, { question, max: err.issue.max });
    case 'hidden':
      return format(m.answerHidden, { question });
    case 'outOfScale':
      return format(m.answerOutOfScale, { question });
    case 'tooLong':
      return format(m.answerTooLong, { question, max: err.issue.max });
  }
}

function surveyPage(
  res: Response,
  open: OpenInvitation,
  view: {
    thankYou: boolean;
    score?: number;
    comment?: string;
    /** What the person typed into the additional questions (a failed post shows it again). */
    answers?: Record<string, unknown>;
    /** The question an error is about. */
    invalidQuestion?: string;
    notice?: string;
    error?: string;
    status?: number;
    /** Stylesheet URL whose fetch tells us a browser rendered the page (docs/collector.md). */
    beacon?: string;
  },
  commentMax: number,
) {
  const t = open.texts;
  const m = t.messages;
  const selected = view.score ?? open.response?.score;
  res
    .status(view.status ?? 200)
    .type('html')
    .send(
      renderTemplate('./survey-page', {
        lang: open.locale,
        title: view.thankYou ? t.thankYouTitle : m.pageTitle,
        beacon: view.beacon,
        thankYou: view.thankYou,
        thankYouTitle: t.thankYouTitle,
        thankYouBody: t.thankYouBody,
        question: t.question,
        followUp: t.followUp,
        chooseScore: m.chooseScore,
        changeScore: m.changeScore,
        scaleLow: m.scaleLow[open.kind],
        scaleHigh: m.scaleHigh[open.kind],
        layout: scoreLayout(open.kind),
        options: scoreOptions(open.kind, m).map((o) => ({ ...o, checked: o.value === selected })),
        comment: view.comment ?? open.response?.comment ?? '',
        commentPlaceholder: m.commentPlaceholder,
        commentMax,
        questions: questionViews(
          open.questions,
          selected,
          view.answers ?? open.response?.answers ?? {},
          view.invalidQuestion,
        ),
        submit: m.submit,
        notice: view.notice,
        error: view.error,
        action: '',
      }),
    );
}

/** Cross-site form posts are refused (Fetch Metadata, then Origin), as OWASP's CSRF sheet advises. */
function isCrossSite(req: Request, publicUrl: string): boolean {
  const site = req.get('sec-fetch-site');
  if (site) {
    return site === 'cross-site';
  }
  const origin = req.get('origin');
  return !!origin && origin !== 'null' && origin !== new URL(publicUrl).origin;
}

/** Public survey pages and one-click unsubscribe: HTML only, never a JSON error or a 500 page. */
export function collectorRoutes(ctx: AppContext): Router {
  const router = Router();
  const commentMax = ctx.config.COMMENT_MAX_LENGTH;
  const deps: CollectorDeps = {
    db: ctx.db,
    clock: ctx.clock,
    logger: ctx.logger,
    config: ctx.config,
  };
  // NOTE: scoped to the public pages; the JSON API has its own per-key limit in app.ts.
  const pageLimit = (name: string, limit: number, keyGenerator?: (req: Request) => string) =>
    sharedRateLimit(ctx, name, {
      windowMs: 60_000,
      limit,
      ...(keyGenerator ? { keyGenerator } : {}),
      handler: (req, res) => {
        const locale = preferredLocale(req.acceptsLanguages(), 'en');
        const m = messagesFor(locale);
        res.set('Retry-After', '60');
        messagePage(res, 429, locale, m.tooManyRequestsTitle, m.tooManyRequestsBody);
      },
    });
  // Per address; a person answering a valid link for the first time passes even over it.
  const perAddress = sharedRateLimit(ctx, 'pages', {
    windowMs: 60_000,
    limit: ctx.config.RATE_LIMIT_SURVEY_PER_MINUTE,
    handler: (req, res, next) => {
      const token = req.baseUrl === '/s' ? /^\/([^/]+)/.exec(req.path)?.[1] : undefined;
      const tooMany = () => {
        const locale = preferredLocale(req.acceptsLanguages(), 'en');
        const m = messagesFor(locale);
        res.set('Retry-After', '60');
        messagePage(res, 429, locale, m.tooManyRequestsTitle, m.tooManyRequestsBody);
      };
      if (!token) {
        tooMany();
        return;
      }
      isFirstAnswerThrough(ctx.db, ctx.clock, token).then(
        (first) => (first ? next() : tooMany()),
        (err: unknown) => next(err),
      );
    },
  });
  router.use(
    ['/s', '/u'],
    perAddress,
    // The score, the comment, the marker and up to ten questions of up to ten options each.
    express.urlencoded({
      extended: false,
      limit: (commentMax + MAX_QUESTIONS * FREE_TEXT_MAX) * 6 + 4096,
      parameterLimit: 10 + MAX_QUESTIONS * MAX_OPTIONS,
    }),
  );
  // Per link too, so one leaked or scanned link cannot be hammered from many addresses.
  router.use(
    ['/s/:token', '/u/:token'],
    pageLimit(
      'links',
      ctx.config.RATE_LIMIT_SURVEY_TOKEN_PER_MINUTE,
      (req) => `token:${String(req.params.token)}`,
    ),
  );

  router.get('/assets/survey.css', (_req, res) => {
    res.type('css').set('Cache-Control', 'public, max-age=3600').send(css);
  });

  router.get('/s/:token', async (req, res) => {
    const open = await openInvitation(ctx.db, ctx.clock, req.params.token);
    surveyPage(res, open, { thankYou: false }, commentMax);
  });

  // The stylesheet beacon of the follow-up page: fetched by browsers that render it.
  router.get('/s/:token/seen.css', async (req, res) => {
    const open = await openInvitation(ctx.db, ctx.clock, req.params.token);
    await recordPageBeacon(deps, open);
    res.type('css').set('Cache-Control', 'no-store').send('/* thank you */\n');
  });

  // The email's hidden honeypot link: people never see it, scanners fetch it.
  router.get('/s/:token/info', async (req, res) => {
    const open = await openInvitation(ctx.db, ctx.clock, req.params.token);
    await recordHoneypot(deps, open);
    surveyPage(res, open, { thankYou: false }, commentMax);
  });

  router.get('/s/:token/:score', async (req, res) => {
    const open = await openInvitation(ctx.db, ctx.clock, req.params.token);
    const score = parseScore(open, req.params.score);
    await recordLinkFetch(deps, open, score);
    surveyPage(
      res,
      open,
      { thankYou: true, score, beacon: `/s/${req.params.token}/seen.css` },
      commentMax,
    );
  });

  const postAnswer = async (req: Request, res: Response) => {
    const token = req.params.token as string;
    if (isCrossSite(req, ctx.config.PUBLIC_URL)) {
      throw new AppError(403, 'cross_site', 'Cross-site form posts are not accepted.');
    }
    const open = await openInvitation(ctx.db, ctx.clock, token);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const score = parseScore(open, body.score);
    const comment = typeof body.comment === 'string' ? body.comment : undefined;
    const m = open.texts.messages;
    if (comment !== undefined && comment.length > commentMax) {
      surveyPage(
        res,
        open,
        {
          thankYou: true,
          score,
          comment,
          status: 400,
          error: format(m.commentTooLong, { max: commentMax }),
        },
        commentMax,
      );
      return;
    }
    const raw = answerFields(body);
    let answers;
    try {
      // Without the marker the form showed no questions: the stored answers stay.
      answers = body.answers === undefined ? undefined : parseAnswers(open.questions, score, raw);
    } catch (err) {
      if (!(err instanceof AnswerError)) {
        throw err;
      }
      surveyPage(
        res,
        open,
        {
          thankYou: true,
          score,
          ...(comment === undefined ? {} : { comment }),
          answers: raw,
          invalidQuestion: err.question.id,
          status: 400,
          error: answerMessage(m, err),
        },
        commentMax,
      );
      return;
    }
    await recordAnswer(deps, open, { score, comment, answers });
    surveyPage(
      res,
      open,
      {
        thankYou: true,
        score,
        ...(comment === undefined ? {} : { comment }),
        ...(body.answers === undefined ? {} : { answers: raw }),
        notice: m.commentSaved,
      },
      commentMax,
    );
  };
  router.post('/s/:token', postAnswer);
  router.post('/s/:token/:score', postAnswer);

  router.get('/u/:token', async (req, res) => {
    const locale = await localeForToken(ctx.db, req.params.token);
    const m = messagesFor(locale ?? 'en');
    if (!locale) {
      messagePage(res, 404, 'en', m.notFoundTitle, m.notFoundBody);
      return;
    }
    // GET never changes anything: link scanners fetch it too (RFC 8058 §3).
    messagePage(res, 200, locale, m.unsubscribeTitle, m.unsubscribeConfirm, {
      action: '',
      button: m.unsubscribeButton,
    });
  });
  router.post('/u/:token', async (req, res) => {
    const { locale } = await unsubscribeByToken(ctx.db, ctx.clock, req.params.token);
    const m = messagesFor(locale);
    messagePage(res, 200, locale, m.unsubscribedTitle, m.unsubscribedBody);
  });

  router.use(async (err: unknown, req: Request, res: Response, next: NextFunction) => {
    const known = toAppError(err);
    if (!known || res.headersSent) {
      next(err);
      return;
    }
    const token = typeof req.params.token === 'string' ? req.params.token : '';
    const locale =
      (await localeForToken(ctx.db, token).catch(() => null)) ??
      preferredLocale(req.acceptsLanguages(), 'en');
    errorPage(res, known, locale);
  });
  return router;
}

import type { Request } from 'express';
import type { AppContext } from '../../context';
import { getContact } from '../../contacts/contact.service';
import { findInvitations } from '../../dispatch/invitation-query.service';
import { listResponsesQuerySchema, responseIdParamsSchema } from '../../collector/response.schemas';
import type { ListResponsesQuery } from '../../collector/response.schemas';
import {
  exportResponsesCsv,
  getResponse,
  listResponses,
  reviewResponse,
} from '../../collector/response.service';
import { findSurveys } from '../../surveys/survey.service';
import { parse } from '../validate';
import type { DashRouter } from './kit';
import { BASE, parseForm, redirectDone, sessionOf } from './kit';
import { KIND_LABEL } from './scores';
import { renderPage } from './view';
import { answerText } from '../../surveys/questions';

const FILTER_KEYS = [
  'surveyId',
  'since',
  'until',
  'category',
  'hasComment',
  'flagged',
  'status',
  'segmentProperty',
  'segmentValue',
  'cursor',
] as const;

/**
 * The filter form as the JSON API's list query. Dates are whole days in UTC; empty inputs
 * are left out so "any" needs no special value.
 */
export function filtersOf(req: Request) {
  const raw: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const v = req.query[key];
    if (typeof v === 'string' && v.trim() !== '') {
      raw[key] = v.trim();
    }
  }
  const query: Record<string, string> = { ...raw };
  if (raw.since) {
    query.since = /^\d{4}-\d{2}-\d{2}$/.test(raw.since) ? `${raw.since}T00:00:00Z` : raw.since;
  }
  if (raw.until) {
    query.until = /^\d{4}-\d{2}-\d{2}$/.test(raw.until) ? `${raw.until}T23:59:59.999Z` : raw.until;
  }
  const parsed = parseForm(listResponsesQuerySchema, query);
  return { raw, parsed };
}

export function queryString(raw: Record<string, string>, omit: string[] = []): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(raw)) {
    if (!omit.includes(k)) {
      params.set(k, v);
    }
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export function responsePages(ctx: AppContext, r: DashRouter) {
  r.get('/responses', 'responses', async (req, res) => {
    const session = sessionOf(req);
    const { raw, parsed } = filtersOf(req);
    const surveys = (await findSurveys(ctx.db, session.workspaceId, { limit: 200 })).data;
    const page = parsed.ok
      ? await listResponses(ctx.db, session.workspaceId, { ...parsed.value, limit: 50 })
      : { data: [], nextCursor: null };
    const names = new Map(surveys.map((s) => [s.id, s.name]));
    renderPage(
      res,
      'responses',
      {
        title: 'Responses',
        area: 'responses',
        session,
        filters: raw,
        errors: parsed.ok ? {} : parsed.errors,
        surveys,
        rows: page.data.map((d) => ({
          ...d,
          surveyName: names.get(d.surveyId) ?? '—',
          kindLabel: KIND_LABEL[d.surveyKind],
        })),
        next: page.nextCursor ? queryString({ ...raw, cursor: page.nextCursor }) : null,
        exportQuery: queryString(raw, ['cursor']),
      },
      parsed.ok ? 200 : 400,
    );
  });

  r.get('/responses/export.csv', 'responses', async (req, res) => {
    const session = sessionOf(req);
    const { parsed } = filtersOf(req);
    if (!parsed.ok) {
      res.redirect(303, `${BASE}/responses${queryString(req.query as Record<string, string>)}`);
      return;
    }
    const q: ListResponsesQuery = { ...parsed.value, cursor: undefined, limit: undefined };
    res.status(200);
    res.type('text/csv; charset=utf-8');
    res.set('Content-Disposition', 'attachment; filename="responses.csv"');
    res.set('X-Content-Type-Options', 'nosniff');
    for await (const chunk of exportResponsesCsv(ctx.db, session.workspaceId, q)) {
      if (!res.write(chunk)) {
        await new Promise((resolve) => res.once('drain', resolve));
      }
    }
    res.end();
  });

  r.get('/responses/:id', 'responses', async (req, res) => {
    const session = sessionOf(req);
    const { id } = parse(responseIdParamsSchema, req.params, 'params');
    const response = await getResponse(ctx.db, session.workspaceId, id);
    const surveys = (await findSurveys(ctx.db, session.workspaceId, { limit: 200 })).data;
    const names = new Map(surveys.map((s) => [s.id, s.name]));
    const contact = response.contact
      ? await getContact(ctx.db, session.workspaceId, response.contact.id).catch(() => null)
      : null;
    const history = response.contact
      ? (
          await findInvitations(ctx.db, session.workspaceId, {
            contactId: response.contact.id,
            limit: 50,
          })
        ).data.map((i) => ({ ...i, surveyName: names.get(i.surveyId) ?? '—' }))
      : [];
    renderPage(res, 'response', {
      title: 'Response',
      area: 'responses',
      session,
      response,
      surveyName: names.get(response.surveyId) ?? '—',
      contact,
      history,
      segment: Object.entries(response.segment).map(([k, v]) => ({ key: k, value: String(v) })),
      // The additional answers with each question as it was asked.
      answers: response.answers.map((a) => ({
        question: a.question,
        version: a.questionVersion,
        text: answerText(a),
      })),
    });
  });

  r.post('/responses/:id/flag', 'responses', async (req, res) => {
    const session = sessionOf(req);
    const { id } = parse(responseIdParamsSchema, req.params, 'params');
    const flagged = (req.body as Record<string, unknown>).flagged === 'true';
    await reviewResponse(ctx, session.workspaceId, id, { flagged });
    redirectDone(
      res,
      `${BASE}/responses/${id}`,
      flagged ? 'response_flagged' : 'response_unflagged',
    );
  });
}

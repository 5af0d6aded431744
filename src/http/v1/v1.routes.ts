import express, { Router } from 'express';
import type { Request, Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { sharedRateLimit } from '../rate-limit';
import type { AppContext } from '../../context';
import { AppError, NotFoundError } from '../../errors';
import { suppress } from '../../contacts/suppression.service';
import {
  addMembership,
  getAutopilotConfiguration,
  listMemberships,
  removeMembership,
} from '../../delighted/autopilot.service';
import { listSuppressedPeople } from '../../delighted/suppressed-people.service';
import {
  autopilotPlatformSchema,
  createPersonBodySchema,
  createSurveyResponseBodySchema,
  expandQuerySchema,
  listMembershipsQuerySchema,
  listPeopleQuerySchema,
  membershipBodySchema,
  listSurveyResponsesQuerySchema,
  metricsQuerySchema,
  pageQuerySchema,
  unsubscribeBodySchema,
  updatePersonBodySchema,
  updateSurveyResponseBodySchema,
} from '../../delighted/delighted.schemas';
import { delightedMetrics } from '../../delighted/metrics.service';
import {
  cancelPendingSurveyRequests,
  createPerson,
  erasePerson,
  getPerson,
  listPeople,
  resolvePerson,
  updatePerson,
} from '../../delighted/person.service';
import {
  createSurveyResponse,
  getSurveyResponse,
  listSurveyResponses,
  updateSurveyResponse,
} from '../../delighted/survey-response.service';
import { authOf } from '../auth';
import { onWritesOnly } from '../read-requests';
import {
  basicAuth,
  identifierFrom,
  normalizeQuery,
  parseIdentSegment,
  parseV1,
  requireAcceptJson,
  stripJsonSuffix,
  v1ErrorHandler,
  V1ValidationError,
} from './compat';

const query = (req: Request, lists: string[] = []) => normalizeQuery(req.query, lists);
const body = (req: Request) => (req.body ?? {}) as Record<string, unknown>;

/** `Link: <PUBLIC_URL/v1/…json?…&page_info=…>; rel="next"`, absolute as the clients need. */
function setNextLink(
  ctx: AppContext,
  res: Response,
  path: string,
  params: Record<string, unknown>,
  next: string | null,
) {
  if (!next) {
    return;
  }
  const url = new URL(`${ctx.config.PUBLIC_URL}/v1/${path}.json`);
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'string' && k !== 'page_info') {
      url.searchParams.set(k, v);
    }
  }
  url.searchParams.set('page_info', next);
  res.set('Link', `<${url.toString()}>; rel="next"`);
}

/** Delighted's public REST API on Glas's model; see docs/delighted-api.md. */
export function v1Routes(ctx: AppContext): Router {
  const router = Router();
  router.use(stripJsonSuffix);
  router.use(
    sharedRateLimit(ctx, 'v1', {
      windowMs: 60_000,
      limit: ctx.config.RATE_LIMIT_V1_PER_MINUTE,
      standardHeaders: false,
      keyGenerator: (req) => req.get('authorization') ?? ipKeyGenerator(req.ip ?? ''),
      handler: (req, res) => {
        const info = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit;
        const reset = info?.resetTime?.getTime() ?? Date.now() + 60_000;
        res.set('Retry-After', String(Math.max(1, Math.ceil((reset - Date.now()) / 1000))));
        res.status(429).json({ status: 429, message: 'Too Many Requests' });
      },
    }),
  );
  router.use(requireAcceptJson);
  router.use(basicAuth(ctx));
  router.use(
    onWritesOnly(
      express.json({ limit: ctx.config.BODY_LIMIT_BYTES, strict: true }),
      express.urlencoded({
        extended: true,
        limit: ctx.config.BODY_LIMIT_BYTES,
        parameterLimit: 500,
      }),
      (req, _res, next) => {
        const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding');
        if (
          hasBody &&
          !req.is('application/json') &&
          !req.is('application/x-www-form-urlencoded')
        ) {
          throw new AppError(415, 'unsupported_media_type', 'Send JSON or form-encoded bodies.');
        }
        if (req.body !== undefined && (typeof req.body !== 'object' || Array.isArray(req.body))) {
          throw new V1ValidationError({ base: ['the body must be an object'] });
        }
        next();
      },
    ),
  );

  const ws = (req: Request) => authOf(req).workspaceId;
  const deps = { ...ctx, publicUrl: ctx.config.PUBLIC_URL };

  router.post('/people', async (req, res) => {
    const input = parseV1(createPersonBodySchema, body(req));
    const { person, created } = await createPerson(
      ctx.db,
      ctx.clock,
      ws(req),
      input,
      ctx.hashEmail,
    );
    res.status(created ? 201 : 200).json(person);
  });
  router.get('/people', async (req, res) => {
    const params = query(req);
    const q = parseV1(listPeopleQuerySchema, params);
    const { people, next } = await listPeople(ctx.db, ws(req), q);
    setNextLink(ctx, res, 'people', params, next);
    res.json(people);
  });
  router.get('/people/:ident', async (req, res) => {
    const ident = parseIdentSegment(String(req.params.ident));
    const contact = await resolvePerson(ctx.db, ws(req), ident);
    res.json(await getPerson(ctx.db, ws(req), contact.id));
  });
  // Node's person.save() sends PUT /people with the id in the body.
  const putPerson = async (req: Request, res: Response) => {
    const input = parseV1(updatePersonBodySchema, body(req));
    const raw: unknown = req.params.ident;
    const ident =
      typeof raw === 'string' && raw
        ? parseIdentSegment(raw)
        : input.id
          ? { id: input.id }
          : identifierFrom(body(req));
    if (!ident) {
      throw new V1ValidationError({ id: ["can't be blank"] });
    }
    res.json(await updatePerson(ctx.db, ctx.clock, ws(req), ident, input));
  };
  router.put('/people/:ident', putPerson);
  router.put('/people', putPerson);
  router.delete('/people/:email/survey_requests/pending', async (req, res) => {
    const email = String(req.params.email).replace(/^email:/, '');
    await cancelPendingSurveyRequests(ctx.db, ws(req), email);
    res.json({ ok: true });
  });
  const deletePerson = async (req: Request, res: Response) => {
    const raw: unknown = req.params.ident;
    const ident =
      typeof raw === 'string' && raw
        ? parseIdentSegment(raw)
        : (identifierFrom(query(req)) ?? identifierFrom(body(req)));
    if (!ident) {
      throw new V1ValidationError({ id: ["can't be blank"] });
    }
    await erasePerson(ctx.db, ctx.clock, ws(req), ident, ctx.hashEmail);
    res.status(202).json({ ok: true });
  };
  router.delete('/people/:ident', deletePerson);
  router.delete('/people', deletePerson);

  router.post('/unsubscribes', async (req, res) => {
    const { person_email } = parseV1(unsubscribeBodySchema, body(req));
    await suppress(
      ctx.db,
      ctx.clock,
      ws(req),
      'unsubscribed',
      { email: person_email, reason: 'api' },
      ctx.hashEmail,
    );
    res.json({ ok: true, person_email });
  });
  for (const kind of ['unsubscribed', 'bounced'] as const) {
    const path = kind === 'unsubscribed' ? '/unsubscribes' : '/bounces';
    router.get(path, async (req, res) => {
      const q = parseV1(pageQuerySchema, query(req));
      res.json(await listSuppressedPeople(ctx.db, ws(req), kind, q));
    });
  }

  router.get('/survey_responses', async (req, res) => {
    const q = parseV1(listSurveyResponsesQuerySchema, query(req, ['expand']));
    res.json(await listSurveyResponses(ctx.db, ws(req), ctx.config.PUBLIC_URL, q));
  });
  router.post('/survey_responses', async (req, res) => {
    const input = parseV1(createSurveyResponseBodySchema, body(req));
    const { expand } = parseV1(expandQuerySchema, normalizeQuery(body(req), ['expand']));
    res.status(201).json(await createSurveyResponse(deps, ws(req), input, expand));
  });
  router.get('/survey_responses/:id', async (req, res) => {
    const { expand } = parseV1(expandQuerySchema, query(req, ['expand']));
    res.json(
      await getSurveyResponse(
        ctx.db,
        ws(req),
        ctx.config.PUBLIC_URL,
        String(req.params.id),
        expand,
      ),
    );
  });
  const put = async (req: Request, res: Response) => {
    const input = parseV1(updateSurveyResponseBodySchema, body(req));
    const id = typeof req.params.id === 'string' ? req.params.id : input.id;
    if (!id) {
      throw new V1ValidationError({ id: ["can't be blank"] });
    }
    const { expand } = parseV1(expandQuerySchema, {
      ...normalizeQuery(query(req, ['expand']), ['expand']),
      ...normalizeQuery(body(req), ['expand']),
    });
    res.json(await updateSurveyResponse(deps, ws(req), id, input, expand));
  };
  router.put('/survey_responses/:id', put);
  router.put('/survey_responses', put);

  router.get('/metrics', async (req, res) => {
    const q = parseV1(metricsQuerySchema, query(req, ['groups']));
    res.json(await delightedMetrics(ctx.db, ctx.clock, ws(req), q));
  });

  router.get('/autopilot/:platform', async (req, res) => {
    const platform = parseV1(autopilotPlatformSchema, req.params.platform);
    res.json(await getAutopilotConfiguration(ctx.db, ws(req), platform));
  });
  router.get('/autopilot/:platform/memberships', async (req, res) => {
    const platform = parseV1(autopilotPlatformSchema, req.params.platform);
    const params = query(req);
    const q = parseV1(listMembershipsQuerySchema, params);
    const { memberships, next } = await listMemberships(ctx.db, ws(req), platform, q);
    setNextLink(ctx, res, `autopilot/${platform}/memberships`, params, next);
    res.json(memberships);
  });
  router.post('/autopilot/:platform/memberships', async (req, res) => {
    const platform = parseV1(autopilotPlatformSchema, req.params.platform);
    const input = parseV1(membershipBodySchema, body(req));
    res
      .status(201)
      .json(await addMembership(ctx.db, ctx.clock, ws(req), platform, input, ctx.hashEmail));
  });
  router.delete('/autopilot/:platform/memberships', async (req, res) => {
    const platform = parseV1(autopilotPlatformSchema, req.params.platform);
    const ident = identifierFrom(query(req), 'person_') ?? identifierFrom(body(req), 'person_');
    if (!ident) {
      throw new V1ValidationError({ person_email: ["can't be blank"] });
    }
    res.status(202).json(await removeMembership(ctx.db, ws(req), platform, ident));
  });

  router.use(() => {
    throw new NotFoundError('route_not_found', 'Not Found');
  });
  router.use(v1ErrorHandler(ctx.logger));
  return router;
}

import fc from 'fast-check';
import request from 'supertest';
import { buildOpenApiDocument } from '../../../src/http/openapi';
import { buildSentInvitation } from '../../support/collector-factories';
import { bearer, buildSurvey, buildWorkspace } from '../../support/factories';
import { operations, request as fuzzRequest } from '../../support/fuzz';
import type { FuzzRequest, JsonSchema, Operation } from '../../support/fuzz';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

// Random and hostile requests over every operation in openapi.json, /v1, the public pages and
// the dashboard's forms: none may answer 5xx. `npm run fuzz -- --runs 20000` runs it long.
const RUNS = Number(process.env.FUZZ_RUNS ?? 600);
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
jest.setTimeout(Math.max(120_000, RUNS * 200));

let world: TestWorld;
let adminKey: string;
const ids: string[] = [];

const str = (maxLength?: number): JsonSchema => ({ type: 'string', maxLength });
const obj = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({
  type: 'object',
  properties,
  required,
});

/** What openapi.json does not list: Delighted's API, the survey pages, the dashboard forms. */
const EXTRA: Operation[] = [
  ...[
    ['GET', '/v1/people.json'],
    ['GET', '/v1/people/{id}'],
    ['DELETE', '/v1/people/{id}'],
    ['GET', '/v1/survey_responses.json'],
    ['GET', '/v1/survey_responses/{id}.json'],
    ['GET', '/v1/metrics.json'],
    ['GET', '/v1/unsubscribes.json'],
    ['GET', '/v1/bounces.json'],
    ['GET', '/v1/autopilot/{id}/memberships.json'],
    ['GET', '/s/{id}'],
    ['GET', '/s/{id}/{score}'],
    ['GET', '/u/{id}'],
    ['GET', '/reports/{id}'],
    ['GET', '/dashboard/surveys/{id}'],
    ['GET', '/dashboard/responses/{id}'],
  ].map(([method, path]) => ({
    method: method!,
    path: path!,
    pathParams: [...path!.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
    query: [
      { name: 'per_page', schema: { type: 'integer' } },
      { name: 'page', schema: { type: 'integer' } },
      { name: 'since', schema: { type: 'integer' } },
      { name: 'expand[]', schema: { type: 'string', enum: ['person', 'notes'] } },
      { name: 'email', schema: str() },
    ],
    headers: [],
  })),
  {
    method: 'POST',
    path: '/v1/people.json',
    pathParams: [],
    query: [],
    headers: [],
    body: obj({
      email: { type: 'string', format: 'email' },
      name: str(),
      delay: { type: 'integer' },
    }),
  },
  {
    method: 'POST',
    path: '/v1/survey_responses.json',
    pathParams: [],
    query: [],
    headers: [],
    body: obj({ person: str(), score: { type: 'integer' }, comment: str() }, ['person', 'score']),
  },
  {
    method: 'PUT',
    path: '/v1/survey_responses/{id}.json',
    pathParams: ['id'],
    query: [],
    headers: [],
    body: obj({ score: { type: 'integer' }, comment: str() }),
  },
  {
    method: 'POST',
    path: '/v1/unsubscribes.json',
    pathParams: [],
    query: [],
    headers: [],
    body: obj({ person_email: { type: 'string', format: 'email' } }, ['person_email']),
  },
  {
    method: 'POST',
    path: '/s/{id}',
    pathParams: ['id'],
    query: [],
    headers: [],
    body: obj({ score: { type: 'integer', minimum: 0, maximum: 10 }, comment: str() }),
  },
  {
    method: 'POST',
    path: '/u/{id}',
    pathParams: ['id'],
    query: [],
    headers: [],
    body: obj({}),
  },
  {
    method: 'POST',
    path: '/dashboard/login',
    pathParams: [],
    query: [],
    headers: [],
    body: obj({ email: str(), password: str(), _csrf: str() }),
  },
];

/** Public pages and the dashboard take forms; /v1 takes Basic auth: send what they take. */
function adapt(req: FuzzRequest): FuzzRequest {
  const page = /^\/(s|u|dashboard)\//.test(req.path);
  const headers = { ...req.headers };
  if (req.path.startsWith('/v1/') && headers.authorization?.startsWith('Bearer ')) {
    const key = headers.authorization.slice(7);
    headers.authorization = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
  }
  if (page && req.body !== undefined && headers['content-type'] === 'application/json') {
    try {
      const parsed = JSON.parse(req.body) as Record<string, unknown>;
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(parsed ?? {})) {
        form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
      }
      return {
        ...req,
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      };
    } catch {
      // Broken JSON stays broken: that is the point.
    }
  }
  return { ...req, headers };
}

async function send(req: FuzzRequest) {
  const agent = request(world.app);
  const method = req.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
  let r = agent[method](req.path);
  for (const [k, v] of Object.entries(req.headers)) {
    r = r.set(k, v);
  }
  if (req.body !== undefined) {
    r = r.send(req.body);
  }
  return r;
}

beforeAll(async () => {
  world = await createTestWorld({
    env: { RATE_LIMIT_API_PER_MINUTE: '1000000', RATE_LIMIT_V1_PER_MINUTE: '1000000' },
  });
  const built = await buildWorkspace(world.ctx.db);
  adminKey = built.adminKey;
  const survey = await buildSurvey(world.ctx.db, built.workspace.id, { kind: 'nps' });
  const inv = await buildSentInvitation(world.ctx.db, {
    workspaceId: built.workspace.id,
    surveyId: survey.id,
  });
  await request(world.app).post(`/s/${inv.token}`).type('form').send({ score: '3', comment: 'x' });
  const responses = await request(world.app).get('/api/responses').set(bearer(adminKey));
  const contacts = await request(world.app).get('/api/contacts').set(bearer(adminKey));
  const cases = await request(world.app).get('/api/followups').set(bearer(adminKey));
  ids.push(
    survey.id,
    inv.token,
    ...responses.body.data.map((r: { id: string }) => r.id),
    ...contacts.body.data.map((c: { id: string }) => c.id),
    ...cases.body.data.map((c: { id: string }) => c.id),
  );
});
afterAll(async () => {
  await world.close();
});

it(`answers ${RUNS} random and hostile requests without a single 5xx`, async () => {
  const ops = [...operations(buildOpenApiDocument() as never), ...EXTRA];
  const arb = fc
    .constantFrom(...ops)
    .chain((op) => fuzzRequest(op, { ids, auth: adminKey }))
    .map(adapt);
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  for (const req of fc.sample(arb, { numRuns: RUNS, seed: SEED })) {
    const res = await send(req);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (res.status >= 500) {
      failures.push(
        `${req.method} ${req.path.slice(0, 200)} ${JSON.stringify(req.headers).slice(0, 200)} ` +
          `${(req.body ?? '').slice(0, 200)} → ${res.status} ${res.text.slice(0, 200)}`,
      );
    }
    if (/at .*\.(ts|js):\d+/.test(res.text)) {
      failures.push(`${req.method} ${req.path.slice(0, 200)} → a stack trace in the body`);
    }
  }
  if (process.env.FUZZ_RUNS) {
    const summary = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`);
    process.stdout.write(
      `fuzz: ${RUNS} requests (seed ${SEED}), ${failures.length} × 5xx; statuses ${summary.join(', ')}\n`,
    );
  }
  expect(failures).toEqual([]);
});

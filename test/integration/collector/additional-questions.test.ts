import request from 'supertest';
import { applyRetention } from '../../../src/contacts/retention.service';
import { format, messagesFor } from '../../../src/surveys/i18n';
import type { Locale } from '../../../src/surveys/i18n';
import { buildSentInvitation } from '../../support/collector-factories';
import { buildUser, signIn } from '../../support/dashboard-factories';
import { bearer, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';
import { QUESTION_SET } from '../../support/question-fixtures';

/**
 * Issue 15's additional questions end to end: defined (and versioned) through the survey API,
 * answered on the real survey page in one form without JavaScript, stored per response, and
 * shown by the response API. Bad answers re-render the page in the person's language and store
 * nothing.
 */

type AnswerMessage =
  'answerNotAnOption' | 'answerTooManyChoices' | 'answerOutOfScale' | 'answerHidden';

let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } });
});
afterAll(async () => {
  await world.close();
});

const QUESTIONS = QUESTION_SET;

async function setup(locale = 'en') {
  const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
  const created = await request(world.app)
    .post('/api/surveys')
    .set(bearer(adminKey))
    .send({
      kind: 'nps',
      name: 'With questions',
      trigger: { eventType: 'ticket.solved' },
      questions: QUESTIONS,
    })
    .expect(201);
  const survey = created.body as { id: string; questions: { id: string; version: number }[] };
  const sent = await buildSentInvitation(world.ctx.db, {
    workspaceId: workspace.id,
    surveyId: survey.id,
    locale,
  });
  return { ...sent, survey, adminKey, workspace };
}

const form = (pairs: [string, string][]) => new URLSearchParams(pairs).toString();

async function storedAnswers(invitationId: string) {
  return world.ctx.db
    .selectFrom('response_answers as a')
    .innerJoin('responses as r', 'r.id', 'a.response_id')
    .select(['a.question_id', 'a.question_version', 'a.value', 'a.question'])
    .where('r.invitation_id', '=', invitationId)
    .orderBy('a.position')
    .execute();
}

describe('survey API: questions', () => {
  it('versions each question: an edit raises only the changed ones', async () => {
    const { survey, adminKey } = await setup();
    expect(survey.questions.map((q) => [q.id, q.version])).toEqual(QUESTIONS.map((q) => [q.id, 1]));
    const edited = QUESTIONS.map((q) =>
      q.id === 'reason' ? { ...q, text: 'What mattered most to you?' } : q,
    );
    const res = await request(world.app)
      .patch(`/api/surveys/${survey.id}`)
      .set(bearer(adminKey))
      .send({ questions: [...edited, { type: 'free_text', text: 'A new one' }] })
      .expect(200);
    const qs = res.body.questions as { id: string; version: number; text: string }[];
    expect(qs.slice(0, 5).map((q) => [q.id, q.version])).toEqual([
      ['reason', 2],
      ['fix', 1],
      ['ease', 1],
      ['likely', 1],
      ['more', 1],
    ]);
    expect(qs[5]).toMatchObject({ version: 1, text: 'A new one' });
    expect(qs[5]!.id).toMatch(/^q_/);
  });

  it.each([
    [
      { questions: Array.from({ length: 11 }, () => ({ type: 'free_text', text: 'x' })) },
      'questions',
    ],
    [{ questions: [{ type: 'single_choice', text: 'x' }] }, 'questions.0.options'],
    [
      {
        questions: [
          {
            type: 'multiple_choice',
            text: 'x',
            options: [{ text: 'a' }, { text: 'b' }],
            maxChoices: 3,
          },
        ],
      },
      'questions.0.maxChoices',
    ],
    [
      { questions: [{ type: 'free_text', text: 'x', condition: { minScore: 11 } }] },
      'questions.0.condition.minScore',
    ],
  ])('refuses a bad question list with the field named (%#)', async (patch, field) => {
    const { survey, adminKey } = await setup();
    const res = await request(world.app)
      .patch(`/api/surveys/${survey.id}`)
      .set(bearer(adminKey))
      .send(patch)
      .expect(400);
    expect(JSON.stringify(res.body)).toContain(`"${field}"`);
  });
});

describe('survey page: questions after the score', () => {
  it('shows the questions for the score, stores the answers, keeps them on return and on change', async () => {
    const { token, invitation, adminKey } = await setup();
    const first = await request(world.app).get(`/s/${token}/3`).expect(200);
    // A detractor sees the detractor-only question; no script is needed for any of it.
    expect(first.text).toContain('What should we fix?');
    expect(first.text).not.toContain('<script');
    expect(first.text).toContain('name="a.fix" value="docs"');
    await request(world.app)
      .post(`/s/${token}/3`)
      .type('form')
      .send(
        form([
          ['score', '3'],
          ['comment', 'Slow'],
          ['answers', '1'],
          ['a.reason', 'speed'],
          ['a.fix', 'docs'],
          ['a.fix', 'api'],
          ['a.ease', '2'],
          ['a.likely', '0'],
          ['a.more', '=HYPERLINK("x")'],
        ]),
      )
      .expect(200);
    expect((await storedAnswers(invitation.id)).map((a) => [a.question_id, a.value])).toEqual([
      ['reason', 'speed'],
      ['fix', ['docs', 'api']],
      ['ease', 2],
      ['likely', 0],
      ['more', '=HYPERLINK("x")'],
    ]);
    // Coming back shows what was given.
    const again = await request(world.app).get(`/s/${token}`).expect(200);
    expect(again.text).toMatch(/name="a.fix" value="api" checked/);
    expect(again.text).toMatch(/name="a.reason" value="speed" checked/);
    // Changing the answers replaces them; a promoter no longer gets the detractor question.
    await request(world.app)
      .post(`/s/${token}`)
      .type('form')
      .send(
        form([
          ['score', '9'],
          ['answers', '1'],
          ['a.reason', 'price'],
        ]),
      )
      .expect(200);
    expect((await storedAnswers(invitation.id)).map((a) => [a.question_id, a.value])).toEqual([
      ['reason', 'price'],
    ]);
    const list = await request(world.app).get('/api/responses').set(bearer(adminKey)).expect(200);
    expect(list.body.data[0].answers).toEqual([
      {
        questionId: 'reason',
        questionVersion: 1,
        type: 'single_choice',
        question: 'What mattered most?',
        value: { id: 'price', text: 'Price' },
      },
    ]);
  });

  it('keeps the question text an answer was given with after the question is edited', async () => {
    const { token, survey, adminKey } = await setup();
    await request(world.app)
      .post(`/s/${token}`)
      .type('form')
      .send(
        form([
          ['score', '8'],
          ['answers', '1'],
          ['a.reason', 'speed'],
        ]),
      )
      .expect(200);
    await request(world.app)
      .patch(`/api/surveys/${survey.id}`)
      .set(bearer(adminKey))
      .send({
        questions: [
          {
            id: 'reason',
            type: 'single_choice',
            text: 'Why did you choose us?',
            options: [
              { id: 'speed', text: 'Fast replies' },
              { id: 'other', text: 'Other' },
            ],
          },
        ],
      })
      .expect(200);
    const list = await request(world.app).get('/api/responses').set(bearer(adminKey)).expect(200);
    expect(list.body.data[0].answers[0]).toEqual({
      questionId: 'reason',
      questionVersion: 1,
      type: 'single_choice',
      question: 'What mattered most?',
      value: { id: 'speed', text: 'Speed' },
    });
  });

  it.each([
    ['en', [['a.reason', 'nope']], 'answerNotAnOption', {}],
    [
      'hr',
      [
        ['a.fix', 'docs'],
        ['a.fix', 'ui'],
        ['a.fix', 'api'],
      ],
      'answerTooManyChoices',
      { max: 2 },
    ],
    ['vi', [['a.ease', '6']], 'answerOutOfScale', {}],
    [
      'sr-Cyrl',
      [
        ['a.reason', 'speed'],
        ['a.fix', 'docs'],
      ],
      'answerHidden',
      {},
      '9',
    ],
  ] as [Locale, string[][], AnswerMessage, Record<string, number>, string?][])(
    "a bad answer (%s, %s) re-renders the page in the person's language and stores nothing",
    async (locale, fields, message, extra, score = '3') => {
      const { token, invitation } = await setup(locale);
      const res = await request(world.app)
        .post(`/s/${token}`)
        .type('form')
        .send(
          form([
            ['score', score],
            ['comment', 'kept'],
            ['answers', '1'],
            ...fields.map((f) => [...f] as [string, string]),
          ]),
        )
        .expect(400);
      const q = QUESTIONS.find((x) => `a.${x.id}` === fields[fields.length - 1]![0])!;
      const expected = format(messagesFor(locale)[message], { question: q.text, ...extra })
        .replace(/&/g, '&amp;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&#39;');
      expect(res.text).toContain(expected);
      expect(res.text).toContain('>kept</textarea>');
      // Nothing half-stored: neither the score, the comment nor any answer.
      expect(await storedAnswers(invitation.id)).toEqual([]);
      const rows = await world.ctx.db
        .selectFrom('responses')
        .selectAll()
        .where('invitation_id', '=', invitation.id)
        .execute();
      expect(rows).toEqual([]);
    },
  );
});

describe('answers in the CSV export and webhooks', () => {
  it('exports the answers formula-safe and announces them in both webhook formats', async () => {
    const { token, survey, adminKey } = await setup();
    for (const [format, events] of [
      ['glas', ['response.created', 'response.updated']],
      ['delighted', ['survey_response.created', 'survey_response.updated']],
    ] as const) {
      await request(world.app)
        .post('/api/webhooks')
        .set(bearer(adminKey))
        .send({ url: `http://127.0.0.1:9/${format}`, format, events })
        .expect(201);
    }
    await request(world.app)
      .post(`/s/${token}`)
      .type('form')
      .send(
        form([
          ['score', '2'],
          ['answers', '1'],
          ['a.fix', 'ui'],
          ['a.fix', 'docs'],
          ['a.more', '=1+1'],
        ]),
      )
      .expect(200);
    // The same answers again change nothing; a new answer is an update.
    await request(world.app)
      .post(`/s/${token}`)
      .type('form')
      .send(
        form([
          ['score', '2'],
          ['answers', '1'],
          ['a.fix', 'ui'],
          ['a.more', '=1+1'],
        ]),
      )
      .expect(200);
    const deliveries = await world.ctx.db
      .selectFrom('webhook_deliveries')
      .select(['event', 'payload'])
      .orderBy('created_at')
      .orderBy('event')
      .execute();
    const byEvent = Object.fromEntries(deliveries.map((d) => [d.event, d.payload])) as Record<
      string,
      any // eslint-disable-line @typescript-eslint/no-explicit-any
    >;
    expect(Object.keys(byEvent).sort()).toEqual([
      'response.created',
      'response.updated',
      'survey_response.created',
      'survey_response.updated',
    ]);
    expect(byEvent['response.created'].data.answers).toEqual([
      {
        questionId: 'fix',
        questionVersion: 1,
        type: 'multiple_choice',
        question: 'What should we fix?',
        value: [
          { id: 'ui', text: 'UI' },
          { id: 'docs', text: 'Docs' },
        ],
      },
      {
        questionId: 'more',
        questionVersion: 1,
        type: 'free_text',
        question: 'Anything else?',
        value: '=1+1',
      },
    ]);
    const updated = byEvent['survey_response.updated'].event_data.additional_answers;
    expect(updated[0]).toMatchObject({
      value: { select_many: [{ id: 'ui', text: 'UI' }], select_one: null },
      question: { id: 'fix', type: 'select_many', text: 'What should we fix?' },
    });

    // A change that does not come from the page (a manager's flag) announces the answers too.
    const { body: listed } = await request(world.app)
      .get('/api/responses')
      .set(bearer(adminKey))
      .expect(200);
    await request(world.app)
      .patch(`/api/responses/${listed.data[0].id}`)
      .set(bearer(adminKey))
      .send({ flagged: true })
      .expect(200);
    await request(world.app)
      .patch(`/api/responses/${listed.data[0].id}`)
      .set(bearer(adminKey))
      .send({ flagged: false })
      .expect(200);
    const later = await world.ctx.db
      .selectFrom('webhook_deliveries')
      .select(['event', 'payload'])
      .where('event', 'in', ['response.updated', 'survey_response.updated'])
      .orderBy('created_at', 'desc')
      .execute();
    // The form's update and the flag and unflag, in both formats.
    expect(later).toHaveLength(6);
    for (const d of later) {
      const p = d.payload as any; // eslint-disable-line @typescript-eslint/no-explicit-any
      const answers =
        d.event === 'response.updated' ? p.data.answers : p.event_data.additional_answers;
      expect(answers).toHaveLength(2);
    }

    const csv = await request(world.app)
      .get(`/api/responses/export.csv?surveyId=${survey.id}`)
      .set(bearer(adminKey))
      .expect(200);
    const [header, line] = csv.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(header!.split(',').at(-1)).toBe('additional_answers');
    expect(line!.endsWith(',"What should we fix?: UI\nAnything else?: =1+1"')).toBe(true);
  });
});

describe('response API: answers on import', () => {
  it('refuses a bad answer with the field named and stores nothing; a good import keeps them', async () => {
    const { survey, adminKey } = await setup();
    const base = { surveyId: survey.id, createdAt: '2026-01-02T03:04:05Z' };
    const bad = await request(world.app)
      .post('/api/responses')
      .set(bearer(adminKey))
      .send({
        responses: [
          { ...base, score: 9, answers: { reason: 'speed' } },
          { ...base, score: 3, answers: { reason: 'nope' } },
          { ...base, score: 3, answers: { fix: ['docs', 'ui', 'api'] } },
          { ...base, score: 9, answers: { fix: ['docs'] } },
          { ...base, score: 9, answers: { ghost: 'x' } },
        ],
      })
      .expect(400);
    const fields = JSON.stringify(bad.body);
    for (const field of [
      'responses.1.answers.reason',
      'responses.2.answers.fix',
      'responses.3.answers.fix',
      'responses.4.answers.ghost',
    ]) {
      expect(fields).toContain(`"${field}"`);
    }
    expect(fields).not.toContain('responses.0.');
    const none = await request(world.app).get('/api/responses').set(bearer(adminKey)).expect(200);
    expect(none.body.data).toEqual([]);

    await request(world.app)
      .post('/api/responses')
      .set(bearer(adminKey))
      .send({
        responses: [
          { ...base, score: 9, externalId: 'x1', answers: { reason: 'speed', ease: 5 } },
          { ...base, score: 2, answers: { fix: ['ui'], more: 'Too slow' } },
        ],
      })
      .expect(201);
    const list = await request(world.app).get('/api/responses').set(bearer(adminKey)).expect(200);
    const byScore = new Map(
      (
        list.body.data as { score: number; answers: { questionId: string; value: unknown }[] }[]
      ).map((r) => [r.score, r.answers.map((a) => [a.questionId, a.value])]),
    );
    expect(byScore.get(9)).toEqual([
      ['reason', { id: 'speed', text: 'Speed' }],
      ['ease', 5],
    ]);
    expect(byScore.get(2)).toEqual([
      ['fix', [{ id: 'ui', text: 'UI' }]],
      ['more', 'Too slow'],
    ]);
  });
});

describe('retention', () => {
  it('drops old free-text answers with the comments and keeps choices and scales', async () => {
    const { survey, adminKey } = await setup();
    await request(world.app)
      .patch('/api/workspace')
      .set(bearer(adminKey))
      .send({ retentionMonths: 12 })
      .expect(200);
    const answers = { reason: 'speed', ease: 4, more: 'My name is Ana' };
    await request(world.app)
      .post('/api/responses')
      .set(bearer(adminKey))
      .send({
        responses: [
          { surveyId: survey.id, score: 9, createdAt: '2020-01-01T00:00:00Z', answers },
          { surveyId: survey.id, score: 8, createdAt: new Date().toISOString(), answers },
        ],
      })
      .expect(201);
    await applyRetention(world.ctx.db, world.ctx.clock, world.ctx.hashEmail);
    const list = await request(world.app).get('/api/responses').set(bearer(adminKey)).expect(200);
    const byScore = new Map(
      (list.body.data as { score: number; answers: { questionId: string }[] }[]).map((r) => [
        r.score,
        r.answers.map((a) => a.questionId),
      ]),
    );
    expect(byScore.get(9)).toEqual(['reason', 'ease']);
    expect(byScore.get(8)).toEqual(['reason', 'ease', 'more']);
  });
});

describe('dashboard response detail', () => {
  it('shows each answer under the question as it was asked', async () => {
    const { token, survey, adminKey, workspace } = await setup();
    await request(world.app)
      .post(`/s/${token}/4`)
      .type('form')
      .send(
        form([
          ['score', '4'],
          ['answers', '1'],
          ['a.fix', 'ui'],
          ['a.fix', 'api'],
          ['a.more', '<b>hi</b>'],
        ]),
      )
      .expect(200);
    await request(world.app)
      .patch(`/api/surveys/${survey.id}`)
      .set(bearer(adminKey))
      .send({ questions: [{ id: 'fix', type: 'free_text', text: 'Renamed' }] })
      .expect(200);
    const list = await request(world.app).get('/api/responses').set(bearer(adminKey)).expect(200);
    const user = await buildUser(world.ctx.db, workspace.id, 'manager');
    const { agent } = await signIn(world.app, user.email);
    const page = await agent.get(`/dashboard/responses/${list.body.data[0].id}`).expect(200);
    expect(page.text).toContain('What should we fix? <span class="muted">(question v1)</span>');
    expect(page.text).toContain('UI; API');
    expect(page.text).toContain('&lt;b&gt;hi&lt;/b&gt;');
    expect(page.text).not.toContain('Renamed');
  });
});

describe('answer figures', () => {
  it('gives each option its share with the Wilson interval and a scale its mean with the t interval', async () => {
    const { survey, adminKey } = await setup();
    const ease = [1, 2, 3, 4, 5, 5, 4, 3, 2, 1];
    const responses = Array.from({ length: 263 }, (_, i) => ({
      surveyId: survey.id,
      score: 9,
      createdAt: '2026-01-02T03:04:05Z',
      answers: { reason: i < 81 ? 'speed' : 'price', ...(i < 10 ? { ease: ease[i]! } : {}) },
    }));
    await request(world.app)
      .post('/api/responses')
      .set(bearer(adminKey))
      .send({ responses })
      .expect(201);
    const res = await request(world.app)
      .get(`/api/surveys/${survey.id}/answers`)
      .set(bearer(adminKey))
      .expect(200);
    const [reason, , easeFig] = res.body.questions;
    expect(reason.n).toBe(263);
    // ../shared/STATISTICS.md §7.1: 81/263 → [0.255289, 0.366210] (SciPy's Wilson).
    expect(reason.options[0]).toMatchObject({ id: 'speed', count: 81 });
    expect(reason.options[0].percent).toBeCloseTo((100 * 81) / 263, 6);
    expect(reason.options[0].interval.lower).toBeCloseTo(25.5289, 3);
    expect(reason.options[0].interval.upper).toBeCloseTo(36.621, 3);
    // §7.2: mean ± t(0.975, 9)·s/√n, t = 2.2621571628 (SciPy), s = √(20/9).
    const half = (2.2621571628 * Math.sqrt(20 / 9)) / Math.sqrt(10);
    expect(easeFig.n).toBe(10);
    expect(easeFig.mean.value).toBeCloseTo(3, 10);
    expect(easeFig.mean.interval.lower).toBeCloseTo(3 - half, 6);
    expect(easeFig.mean.interval.upper).toBeCloseTo(3 + half, 6);
    expect(easeFig.options.map((o: { count: number }) => o.count)).toEqual([2, 2, 2, 2, 2]);
  });
});

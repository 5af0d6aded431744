import request from 'supertest';
import { format, messagesFor } from '../../../src/surveys/i18n';
import { buildSentInvitation } from '../../support/collector-factories';
import { bearer, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

/**
 * Issue 15's question texts per language: given through the survey API (validated like the
 * survey's own texts), shown on the survey page in the contact's language, falling back to the
 * question's own text, and kept in each answer's snapshot as the person saw it.
 */

let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld();
});
afterAll(async () => {
  await world.close();
});

const QUESTIONS = [
  {
    id: 'reason',
    type: 'single_choice',
    text: 'What mattered most?',
    options: [
      { id: 'speed', text: 'Speed' },
      { id: 'price', text: 'Price' },
    ],
    translations: {
      hr: { text: 'Što vam je bilo najvažnije?', options: { speed: 'Brzina', price: 'Cijena' } },
      'sr-Cyrl': { text: 'Шта вам је било најважније?', options: { speed: 'Брзина' } },
    },
  },
  {
    id: 'ease',
    type: 'scale_5',
    text: 'How easy was it?',
    translations: { hr: { text: 'Koliko je bilo lako?' } },
  },
];

async function setup(locale = 'en') {
  const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
  const created = await request(world.app)
    .post('/api/surveys')
    .set(bearer(adminKey))
    .send({
      kind: 'nps',
      name: 'Translated questions',
      trigger: { eventType: 'ticket.solved' },
      questions: QUESTIONS,
    })
    .expect(201);
  const survey = created.body as {
    id: string;
    questions: { id: string; version: number; translations?: unknown }[];
  };
  const sent = await buildSentInvitation(world.ctx.db, {
    workspaceId: workspace.id,
    surveyId: survey.id,
    locale,
  });
  return { ...sent, survey, adminKey };
}

const form = (pairs: [string, string][]) => new URLSearchParams(pairs).toString();

describe('survey API: question translations', () => {
  it('stores the translations and shows them in the survey', async () => {
    const { survey, adminKey } = await setup();
    const got = await request(world.app)
      .get(`/api/surveys/${survey.id}`)
      .set(bearer(adminKey))
      .expect(200);
    expect(got.body.questions[0]).toMatchObject({
      id: 'reason',
      version: 1,
      translations: {
        hr: { text: 'Što vam je bilo najvažnije?', options: { speed: 'Brzina', price: 'Cijena' } },
        'sr-Cyrl': { text: 'Шта вам је било најважније?', options: { speed: 'Брзина' } },
      },
    });
    expect(got.body.questions[1].translations).toEqual({ hr: { text: 'Koliko je bilo lako?' } });
  });

  it('raises the version of a question whose translation changes, and only that one', async () => {
    const { survey, adminKey } = await setup();
    const edited = [
      {
        ...QUESTIONS[0],
        translations: { ...QUESTIONS[0]!.translations, vi: { text: 'Điều gì quan trọng nhất?' } },
      },
      QUESTIONS[1],
    ];
    const res = await request(world.app)
      .patch(`/api/surveys/${survey.id}`)
      .set(bearer(adminKey))
      .send({ questions: edited })
      .expect(200);
    expect(res.body.questions.map((q: { version: number }) => q.version)).toEqual([2, 1]);
    // The same translations in another key order are no change.
    const reordered = [
      {
        ...edited[0],
        translations: {
          vi: { text: 'Điều gì quan trọng nhất?' },
          'sr-Cyrl': QUESTIONS[0]!.translations['sr-Cyrl'],
          hr: {
            options: { price: 'Cijena', speed: 'Brzina' },
            text: 'Što vam je bilo najvažnije?',
          },
        },
      },
      QUESTIONS[1],
    ];
    const again = await request(world.app)
      .patch(`/api/surveys/${survey.id}`)
      .set(bearer(adminKey))
      .send({ questions: reordered })
      .expect(200);
    expect(again.body.questions.map((q: { version: number }) => q.version)).toEqual([2, 1]);
  });

  it('keeps the version of a question sent again unchanged, condition and all', async () => {
    const { survey, adminKey } = await setup();
    const questions = [{ ...QUESTIONS[0], condition: { minScore: 0, maxScore: 6 } }, QUESTIONS[1]];
    for (const expected of [
      [2, 1],
      [2, 1],
    ]) {
      const res = await request(world.app)
        .patch(`/api/surveys/${survey.id}`)
        .set(bearer(adminKey))
        .send({ questions })
        .expect(200);
      expect(res.body.questions.map((q: { version: number }) => q.version)).toEqual(expected);
    }
  });

  it('accepts translations of options whose ids come from their position', async () => {
    const { adminKey } = await setup();
    const res = await request(world.app)
      .post('/api/surveys')
      .set(bearer(adminKey))
      .send({
        kind: 'csat',
        name: 'Positional ids',
        trigger: { eventType: 'order.delivered' },
        questions: [
          {
            type: 'single_choice',
            text: 'Pick one',
            options: [{ text: 'A' }, { id: '1', text: 'B' }, { text: 'C' }],
            translations: { vi: { options: { '1': 'Bê', '2': 'A-vi', '3': 'Xê' } } },
          },
        ],
      })
      .expect(201);
    // A missing id is its position unless another option holds it: ids stay unique.
    expect(res.body.questions[0].options).toEqual([
      { id: '2', text: 'A' },
      { id: '1', text: 'B' },
      { id: '3', text: 'C' },
    ]);
    expect(res.body.questions[0].translations.vi.options).toEqual({
      '2': 'A-vi',
      '1': 'Bê',
      '3': 'Xê',
    });
  });

  const withTranslations = (translations: unknown, type = 'single_choice') => ({
    questions: [
      {
        id: 'reason',
        type,
        text: 'What mattered most?',
        ...(type === 'single_choice'
          ? {
              options: [
                { id: 'speed', text: 'Speed' },
                { id: 'price', text: 'Price' },
              ],
            }
          : {}),
        translations,
      },
    ],
  });

  it.each([
    ['an unknown locale', { de: { text: 'Was?' } }, 'questions.0.translations.de'],
    ['a locale in the wrong case', { HR: { text: 'Što?' } }, 'questions.0.translations.HR'],
    [
      'an unknown option id',
      { hr: { options: { nope: 'Ne' } } },
      'questions.0.translations.hr.options.nope',
    ],
    ['an oversized text', { hr: { text: 'x'.repeat(501) } }, 'questions.0.translations.hr.text'],
    [
      'an oversized option text',
      { hr: { options: { speed: 'x'.repeat(201) } } },
      'questions.0.translations.hr.options.speed',
    ],
    ['a NUL in the text', { hr: { text: 'Što\u0000?' } }, 'questions.0.translations.hr.text'],
    ['a blank text', { hr: { text: '   ' } }, 'questions.0.translations.hr.text'],
    ['an unknown key', { hr: { title: 'Što?' } }, 'questions.0.translations.hr.title'],
    ['not an object', 'hr', 'questions.0.translations'],
  ])('refuses %s with 400 naming the field', async (_what, translations, field) => {
    const { survey, adminKey } = await setup();
    const res = await request(world.app)
      .patch(`/api/surveys/${survey.id}`)
      .set(bearer(adminKey))
      .send(withTranslations(translations))
      .expect(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    // Nothing changed.
    const got = await request(world.app)
      .get(`/api/surveys/${survey.id}`)
      .set(bearer(adminKey))
      .expect(200);
    expect(got.body.questions[0].translations).toEqual(QUESTIONS[0]!.translations);
  });

  it('refuses option translations of a question without options', async () => {
    const { survey, adminKey } = await setup();
    const res = await request(world.app)
      .patch(`/api/surveys/${survey.id}`)
      .set(bearer(adminKey))
      .send(withTranslations({ hr: { options: { '1': 'Jedan' } } }, 'free_text'))
      .expect(400);
    expect(res.body.error.details).toContainEqual(
      expect.objectContaining({ field: 'questions.0.translations.hr.options.1' }),
    );
  });
});

describe('survey page: questions in the contact’s language', () => {
  it('shows the Croatian texts and keeps them in the answer snapshot', async () => {
    const { token, invitation, adminKey } = await setup('hr');
    const page = await request(world.app).get(`/s/${token}/9`).expect(200);
    expect(page.text).toContain('Što vam je bilo najvažnije?');
    expect(page.text).toContain('>Brzina</span>');
    expect(page.text).toContain('>Cijena</span>');
    expect(page.text).toContain('Koliko je bilo lako?');
    expect(page.text).not.toContain('What mattered most?');

    await request(world.app)
      .post(`/s/${token}`)
      .type('form')
      .send(
        form([
          ['score', '9'],
          ['answers', '1'],
          ['a.reason', 'speed'],
          ['a.ease', '4'],
        ]),
      )
      .expect(200);
    const rows = await world.ctx.db
      .selectFrom('response_answers as a')
      .innerJoin('responses as r', 'r.id', 'a.response_id')
      .select(['a.question_id', 'a.question'])
      .where('r.invitation_id', '=', invitation.id)
      .orderBy('a.position')
      .execute();
    expect(rows).toEqual([
      {
        question_id: 'reason',
        question: {
          type: 'single_choice',
          text: 'Što vam je bilo najvažnije?',
          options: [
            { id: 'speed', text: 'Brzina' },
            { id: 'price', text: 'Cijena' },
          ],
        },
      },
      { question_id: 'ease', question: { type: 'scale_5', text: 'Koliko je bilo lako?' } },
    ]);
    const list = await request(world.app).get('/api/responses').set(bearer(adminKey)).expect(200);
    expect(list.body.data[0].answers[0]).toMatchObject({
      question: 'Što vam je bilo najvažnije?',
      value: { id: 'speed', text: 'Brzina' },
    });
  });

  it('falls back to the question’s own text where a language leaves it out', async () => {
    const { token } = await setup('sr-Cyrl');
    const page = await request(world.app).get(`/s/${token}/9`).expect(200);
    expect(page.text).toContain('Шта вам је било најважније?');
    expect(page.text).toContain('>Брзина</span>');
    expect(page.text).toContain('>Price</span>');
    expect(page.text).toContain('How easy was it?');

    const vi = await setup('vi');
    const viPage = await request(world.app).get(`/s/${vi.token}/9`).expect(200);
    expect(viPage.text).toContain('What mattered most?');
  });

  it('names the translated question in a bad answer’s message', async () => {
    const { token } = await setup('hr');
    const res = await request(world.app)
      .post(`/s/${token}`)
      .type('form')
      .send(
        form([
          ['score', '9'],
          ['answers', '1'],
          ['a.reason', 'nope'],
        ]),
      )
      .expect(400);
    const expected = format(messagesFor('hr').answerNotAnOption, {
      question: 'Što vam je bilo najvažnije?',
    }).replace(/"/g, '&quot;');
    expect(res.text).toContain(expected);
  });
});

describe('response API: imported answers in the person’s language', () => {
  it('keeps the text of the import’s locale in the snapshot', async () => {
    const { survey, adminKey } = await setup();
    await request(world.app)
      .post('/api/responses')
      .set(bearer(adminKey))
      .send({
        responses: [
          {
            surveyId: survey.id,
            score: 7,
            createdAt: '2026-01-05T10:00:00Z',
            locale: 'hr',
            answers: { reason: 'price' },
          },
          {
            surveyId: survey.id,
            score: 8,
            createdAt: '2026-01-05T11:00:00Z',
            answers: { reason: 'price' },
          },
        ],
      })
      .expect(201);
    const list = await request(world.app)
      .get(`/api/responses?surveyId=${survey.id}`)
      .set(bearer(adminKey))
      .expect(200);
    const byScore = new Map(
      (list.body.data as { score: number; answers: unknown[] }[]).map((r) => [r.score, r]),
    );
    expect(byScore.get(7)!.answers[0]).toMatchObject({
      question: 'Što vam je bilo najvažnije?',
      value: { id: 'price', text: 'Cijena' },
    });
    expect(byScore.get(8)!.answers[0]).toMatchObject({
      question: 'What mattered most?',
      value: { id: 'price', text: 'Price' },
    });
  });
});

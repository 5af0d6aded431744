import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { bearer, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';
import { QUESTION_SET } from '../../support/question-fixtures';

// Delighted's additional questions in a responses export (issue 15): a column per question,
// headed by its text, imported as the answers of the survey's matching question.

const fixture = readFileSync(
  path.join(__dirname, '../../fixtures/delighted/responses-questions.csv'),
);

let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld();
});
afterAll(async () => {
  await world.close();
});

const QUESTIONS = QUESTION_SET;

const basic = (key: string) => ({
  Authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
});

function post(key: string, query: string) {
  return request(world.app)
    .post(`/api/imports/delighted?${query}`)
    .set(bearer(key))
    .set('Content-Type', 'text/csv')
    .send(fixture);
}

async function answerRows(workspaceId: string) {
  return world.ctx.db
    .selectFrom('response_answers')
    .select(['question_id', 'value'])
    .where('workspace_id', '=', workspaceId)
    .execute();
}

describe('POST /api/imports/delighted: additional questions', () => {
  it('imports the columns named like the survey’s questions as answers, checked against them; /v1 and the answer report show them', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
    const created = await request(world.app)
      .post('/api/surveys')
      .set(bearer(adminKey))
      .send({
        kind: 'nps',
        name: 'From Delighted',
        trigger: { eventType: 'delighted.import' },
        questions: QUESTIONS,
      })
      .expect(201);
    const surveyId = (created.body as { id: string }).id;

    const res = await post(adminKey, `type=responses&surveyId=${surveyId}`);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      rows: 7,
      newResponses: 3,
      questions: {
        mapped: QUESTIONS.map((q) => q.text),
        created: [],
        unmapped: ['How did you hear about us?'],
      },
      errors: [
        { line: 5, reason: 'answer "Colour" to "What mattered most?" is not one of its options' },
        { line: 6, reason: 'answer to "What should we fix?" has more than 2 choices' },
        { line: 7, reason: 'answer "7" to "How easy was it?" is outside its scale' },
        {
          line: 8,
          reason: 'answer to "What should we fix?", which the survey does not ask at this score',
        },
      ],
    });

    const v1 = await request(world.app)
      .get(`/v1/survey_responses.json?per_page=100&trend=${surveyId}`)
      .set(basic(adminKey))
      .expect(200);
    const byComment = new Map(
      (v1.body as { comment: string | null; additional_answers: unknown[] }[]).map((r) => [
        r.comment,
        r.additional_answers,
      ]),
    );
    expect(byComment.get('Meh')).toEqual([
      {
        id: expect.any(String),
        value: {
          free_response: null,
          scale: null,
          select_one: { id: 'price', text: 'Price' },
          select_many: null,
        },
        question: { id: 'reason', type: 'select_one', text: 'What mattered most?' },
      },
      {
        id: expect.any(String),
        value: {
          free_response: null,
          scale: null,
          select_one: null,
          select_many: [
            { id: 'docs', text: 'Docs' },
            { id: 'ui', text: 'UI' },
          ],
        },
        question: { id: 'fix', type: 'select_many', text: 'What should we fix?' },
      },
      expect.objectContaining({ value: expect.objectContaining({ scale: 2 }) }),
      expect.objectContaining({ value: expect.objectContaining({ scale: 3 }) }),
    ]);
    expect(byComment.get('Great')).toContainEqual(
      expect.objectContaining({
        value: expect.objectContaining({ free_response: 'Keep it up, please' }),
        question: { id: 'more', type: 'free_response', text: 'Anything else?' },
      }),
    );

    const report = await request(world.app)
      .get(`/api/surveys/${surveyId}/answers?since=2024-01-01T00:00:00Z`)
      .set(bearer(adminKey))
      .expect(200);
    const byId = new Map(
      (
        report.body.questions as {
          id: string;
          n: number;
          options: { id: string; count: number }[];
          mean: { value: number } | null;
        }[]
      ).map((q) => [q.id, q]),
    );
    expect(byId.get('reason')).toMatchObject({
      n: 3,
      options: [
        { id: 'speed', count: 2 },
        { id: 'price', count: 1 },
      ],
    });
    expect(byId.get('fix')).toMatchObject({ n: 1 });
    expect(byId.get('ease')?.mean?.value).toBeCloseTo(11 / 3);

    // The unmapped column stays a contact property; a re-run adds no answers.
    const contact = await request(world.app)
      .get('/api/contacts?email=a@example.com')
      .set(bearer(adminKey));
    expect(contact.body.data[0].properties).toMatchObject({
      'How did you hear about us?': 'Friend',
    });
    const before = await answerRows(workspace.id);
    const again = await post(adminKey, `type=responses&surveyId=${surveyId}`);
    expect(again.body).toMatchObject({ newResponses: 0, duplicatesSkipped: 3 });
    expect(await answerRows(workspace.id)).toHaveLength(before.length);
  });

  it('with createQuestions, adds question-like columns as free-text questions (a dry run only reports them)', async () => {
    const { workspace, adminKey } = await buildWorkspace(world.ctx.db);

    const dry = await post(adminKey, 'type=responses&createQuestions=true&dryRun=true');
    const real = await post(adminKey, 'type=responses&createQuestions=true');

    const headers = [
      'What mattered most?',
      'What should we fix?',
      'How easy was it?',
      'Would you come back?',
      'Anything else?',
      'How did you hear about us?',
    ];
    expect(dry.body).toMatchObject({
      surveyId: null,
      newResponses: 7,
      questions: { mapped: [], created: headers, unmapped: [] },
    });
    expect(real.body).toMatchObject({
      surveyCreated: true,
      newResponses: 7,
      errorCount: 0,
      questions: { created: headers },
    });
    const survey = await request(world.app)
      .get(`/api/surveys/${real.body.surveyId as string}`)
      .set(bearer(adminKey));
    expect(
      (survey.body.questions as { type: string; text: string }[]).map((q) => [q.type, q.text]),
    ).toEqual(headers.map((h) => ['free_text', h]));
    const rows = await answerRows(workspace.id);
    expect(rows.map((r) => r.value)).toContain('Docs; UI; API');

    // Now the questions exist: the next file maps onto them.
    const again = await post(adminKey, 'type=responses&dryRun=true');
    expect(again.body.questions).toEqual({ mapped: headers, created: [], unmapped: [] });
  });
});

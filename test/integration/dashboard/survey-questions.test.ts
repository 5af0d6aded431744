import request from 'supertest';
import { buildSentInvitation } from '../../support/collector-factories';
import { buildUser, signIn } from '../../support/dashboard-factories';
import type { SignedIn } from '../../support/dashboard-factories';
import { bearer, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

/**
 * The dashboard's survey editor for issue 15's additional questions, driven as a browser without
 * JavaScript would: every input of the page is posted back, a few changed. Add, edit, translate,
 * reorder and remove go through the API's schema and versioning; past answers keep their text.
 */

let world: TestWorld;

beforeAll(async () => {
  world = await createTestWorld();
});
afterAll(async () => {
  await world.close();
});

const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** The form's successful controls as a browser would post them (checked boxes only). */
function formFields(html: string): [string, string][] {
  const form = /<form method="post" action="\/dashboard\/surveys[^"]*"[\s\S]*?<\/form>/.exec(html);
  const out: [string, string][] = [];
  const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
  for (const m of (form?.[0] ?? '').matchAll(
    /<input[^>]*>|<textarea([^>]*)>([\s\S]*?)<\/textarea>|<select([^>]*)>([\s\S]*?)<\/select>/g,
  )) {
    const tag = m[0];
    if (tag.startsWith('<input')) {
      const name = attr(tag, 'name');
      const type = attr(tag, 'type') ?? 'text';
      if (!name || ((type === 'checkbox' || type === 'radio') && !/\schecked/.test(tag))) {
        continue;
      }
      out.push([decode(name), decode(attr(tag, 'value') ?? '')]);
    } else if (tag.startsWith('<textarea')) {
      out.push([decode(attr(m[1]!, 'name')!), decode(m[2]!)]);
    } else {
      const selected = /<option value="([^"]*)" selected>/.exec(m[4]!)?.[1];
      const first = /<option value="([^"]*)"/.exec(m[4]!)?.[1];
      out.push([decode(attr(m[3]!, 'name')!), decode(selected ?? first ?? '')]);
    }
  }
  return out;
}

/** Posts the edit form back with `changes` (a value of undefined drops the field). */
async function saveEdit(
  user: SignedIn,
  surveyId: string,
  changes: Record<string, string | undefined>,
  status = 303,
) {
  const page = await user.agent.get(`/dashboard/surveys/${surveyId}/edit`).expect(200);
  const fields = formFields(page.text).filter(([k]) => !(k in changes));
  for (const [k, v] of Object.entries(changes)) {
    if (v !== undefined) {
      fields.push([k, v]);
    }
  }
  return user.agent
    .post(`/dashboard/surveys/${surveyId}`)
    .type('form')
    .send(new URLSearchParams(fields).toString())
    .expect(status);
}

async function setup() {
  const { workspace, adminKey } = await buildWorkspace(world.ctx.db);
  const manager = await buildUser(world.ctx.db, workspace.id, 'manager');
  const user = await signIn(world.app, manager.email);
  const created = await user.agent
    .post('/dashboard/surveys')
    .type('form')
    .send({
      _csrf: user.csrf,
      kind: 'nps',
      name: 'Support NPS',
      'trigger.eventType': 'ticket.closed',
      expiresAfterDays: '30',
      'questions.0.type': 'single_choice',
      'questions.0.text': 'What mattered most?',
      'questions.0.options': 'Speed\nPrice\n',
      'questions.0.t.hr.text': 'Što vam je bilo najvažnije?',
      'questions.0.t.hr.options': 'Brzina\nCijena',
      'questions.1.type': 'free_text',
      'questions.1.text': 'What should we fix?',
      'questions.1.maxScore': '6',
    })
    .expect(303);
  const id = /\/dashboard\/surveys\/([0-9a-f-]{36})/.exec(created.headers.location!)![1]!;
  return { workspace, adminKey, user, id };
}

interface QuestionDto {
  id: string;
  version: number;
  type: string;
  text: string;
  options?: { id: string; text: string }[];
  condition: unknown;
  translations?: Record<string, { text?: string; options?: Record<string, string> }>;
}

async function questionsOf(adminKey: string, id: string): Promise<QuestionDto[]> {
  const res = await request(world.app).get(`/api/surveys/${id}`).set(bearer(adminKey)).expect(200);
  return res.body.questions as QuestionDto[];
}

describe('dashboard survey editor: additional questions', () => {
  it('creates questions with options, a condition and a translation from the form rows', async () => {
    const { adminKey, id, user } = await setup();
    const qs = await questionsOf(adminKey, id);
    expect(qs).toEqual([
      {
        id: expect.stringMatching(/^q_/),
        version: 1,
        type: 'single_choice',
        text: 'What mattered most?',
        options: [
          { id: '1', text: 'Speed' },
          { id: '2', text: 'Price' },
        ],
        condition: null,
        translations: {
          hr: { text: 'Što vam je bilo najvažnije?', options: { '1': 'Brzina', '2': 'Cijena' } },
        },
      },
      {
        id: expect.stringMatching(/^q_/),
        version: 1,
        type: 'free_text',
        text: 'What should we fix?',
        condition: { maxScore: 6 },
      },
    ]);
    const detail = await user.agent.get(`/dashboard/surveys/${id}`).expect(200);
    expect(detail.text).toContain(
      'What mattered most? <span class="muted">(single choice, also in hr; version 1)',
    );
    expect(detail.text).toContain(
      'What should we fix? <span class="muted">(free text, scores 0–6; version 1)',
    );
    // The edit form shows them again, plus blank rows for new questions.
    const edit = await user.agent.get(`/dashboard/surveys/${id}/edit`).expect(200);
    const fields = new Map(formFields(edit.text));
    expect(fields.get('questions.0.options')).toBe('Speed\nPrice');
    expect(fields.get('questions.0.t.hr.options')).toBe('Brzina\nCijena');
    expect(fields.get('questions.1.maxScore')).toBe('6');
    expect(fields.get('questions.1.type')).toBe('free_text');
    expect(fields.has('questions.4.text')).toBe(true);
    expect(fields.has('questions.5.text')).toBe(false);
  });

  it('edits, adds, reorders and removes; past answers keep the text they were given with', async () => {
    const { adminKey, id, user } = await setup();
    await request(world.app).post(`/api/surveys/${id}/launch`).set(bearer(adminKey)).expect(200);
    const [reason, fix] = await questionsOf(adminKey, id);
    const { workspace } = await world.ctx.db
      .selectFrom('surveys')
      .select('workspace_id as workspace')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const sent = await buildSentInvitation(world.ctx.db, { workspaceId: workspace, surveyId: id });
    await request(world.app)
      .post(`/s/${sent.token}`)
      .type('form')
      .send(
        new URLSearchParams([
          ['score', '3'],
          ['answers', '1'],
          [`a.${reason!.id}`, '2'],
          [`a.${fix!.id}`, 'The <b>app</b>'],
        ]).toString(),
      )
      .expect(200);

    // Edit the first one's text and one option in place, add an option, add a third question
    // that goes first.
    await saveEdit(user, id, {
      'questions.0.text': 'What mattered most to you?',
      'questions.0.options': 'Speed\nLow price\nFriendliness',
      'questions.2.type': 'scale_5',
      'questions.2.text': 'How easy was it?',
      'questions.2.order': '0',
    });
    let qs = await questionsOf(adminKey, id);
    expect(qs.map((q) => [q.text, q.version])).toEqual([
      ['How easy was it?', 1],
      ['What mattered most to you?', 2],
      ['What should we fix?', 1],
    ]);
    expect(qs[1]!.id).toBe(reason!.id);
    expect(qs[1]!.options).toEqual([
      { id: '1', text: 'Speed' },
      { id: '2', text: 'Low price' },
      { id: '3', text: 'Friendliness' },
    ]);
    // The translation lines still follow the options by place.
    expect(qs[1]!.translations).toEqual({
      hr: { text: 'Što vam je bilo najvažnije?', options: { '1': 'Brzina', '2': 'Cijena' } },
    });

    // Saving the form unchanged changes no version.
    await saveEdit(user, id, {});
    expect((await questionsOf(adminKey, id)).map((q) => q.version)).toEqual([1, 2, 1]);

    // Move the free-text question up, drop an option, remove the scale question.
    await saveEdit(user, id, {
      'questions.0.remove': '1',
      'questions.2.order': '1',
      'questions.1.order': '2',
      'questions.1.options': 'Speed\nFriendliness',
      'questions.1.t.hr.options': 'Brzina\nLjubaznost',
    });
    qs = await questionsOf(adminKey, id);
    expect(qs.map((q) => [q.id, q.version])).toEqual([
      [fix!.id, 1],
      [reason!.id, 3],
    ]);
    expect(qs[1]!.options).toEqual([
      { id: '1', text: 'Speed' },
      { id: '3', text: 'Friendliness' },
    ]);
    expect(qs[1]!.translations!.hr!.options).toEqual({ '1': 'Brzina', '3': 'Ljubaznost' });

    // A new option never takes the id of a removed one.
    await saveEdit(user, id, { 'questions.1.options': 'Speed\nFriendliness\nPrice again' });
    qs = await questionsOf(adminKey, id);
    expect(qs[1]!.options!.map((o) => o.id)).toEqual(['1', '3', '4']);

    // The answer given before all this keeps its question as asked.
    const list = await request(world.app).get('/api/responses').set(bearer(adminKey)).expect(200);
    expect(list.body.data[0].answers).toEqual([
      {
        questionId: reason!.id,
        questionVersion: 1,
        type: 'single_choice',
        question: 'What mattered most?',
        value: { id: '2', text: 'Price' },
      },
      {
        questionId: fix!.id,
        questionVersion: 1,
        type: 'free_text',
        question: 'What should we fix?',
        value: 'The <b>app</b>',
      },
    ]);
    const detail = await user.agent
      .get(`/dashboard/responses/${list.body.data[0].id as string}`)
      .expect(200);
    expect(detail.text).toContain('What mattered most?');
    expect(detail.text).toContain('>Price</dd>');
    expect(detail.text).toContain('The &lt;b&gt;app&lt;/b&gt;');
  });

  it.each([
    ['one option', { 'questions.0.options': 'Speed' }, 'q0-options'],
    ['a score off the scale', { 'questions.1.minScore': '11' }, 'q1-minScore'],
    ['a lower bound above the upper', { 'questions.1.minScore': '8' }, 'q1-maxScore'],
    ['a blank text', { 'questions.0.text': '  ' }, 'q0-text'],
    ['a NUL in the text', { 'questions.0.text': 'Why\u0000?' }, 'q0-text'],
    ['an oversized text', { 'questions.1.text': 'x'.repeat(501) }, 'q1-text'],
    [
      'a translation line past the options',
      { 'questions.0.t.hr.options': 'Brzina\nCijena\nViše' },
      'q0-hr-options',
    ],
    ['an oversized translation', { 'questions.0.t.vi.text': 'x'.repeat(501) }, 'q0-vi-text'],
    [
      'more choices than options',
      { 'questions.0.type': 'multiple_choice', 'questions.0.maxChoices': '3' },
      'q0-maxChoices',
    ],
    ['an unknown type', { 'questions.0.type': 'ranking' }, 'q0-type'],
  ])(
    're-renders the form naming the field on %s, and saves nothing',
    async (_what, changes, input) => {
      const { adminKey, id, user } = await setup();
      const before = await questionsOf(adminKey, id);
      const res = await saveEdit(user, id, changes, 400);
      expect(res.text).toMatch(new RegExp(`<p class="field-error" id="${input}-note">`));
      expect(res.text).toMatch(/Please correct the \d field\(s\)/);
      // What was typed is shown again (a select shows only its own options).
      const typed = Object.values(changes)[0]!;
      if (!typed.includes('\u0000') && typed !== 'ranking') {
        expect(res.text).toContain(typed.trim());
      }
      expect(await questionsOf(adminKey, id)).toEqual(before);
    },
  );

  it('previews the survey page with the typed questions in the chosen language', async () => {
    const { id, user } = await setup();
    const edit = await user.agent.get(`/dashboard/surveys/${id}/edit`).expect(200);
    const fields = formFields(edit.text).filter(([k]) => k !== 'previewLocale');
    const preview = (locale: string, extra: [string, string][] = []) =>
      user.agent
        .post('/dashboard/surveys/preview/page')
        .type('form')
        .send(new URLSearchParams([...fields, ...extra, ['previewLocale', locale]]).toString())
        .expect(200);
    const hr = await preview('hr');
    expect(hr.text).toContain('Što vam je bilo najvažnije?');
    expect(hr.text).toContain('>Cijena</span>');
    // The detractors' question waits for a score, as on the real page.
    expect(hr.text).not.toContain('What should we fix?');
    expect((await preview('en')).text).toContain('What mattered most?');
    // An invalid list previews none rather than half of it.
    const bad = await preview('en', [['questions.0.options', 'Only one']]);
    expect(bad.text).not.toContain('What mattered most?');
  });

  it('needs the form’s CSRF token and a manager', async () => {
    const { adminKey, id, user, workspace } = await setup();
    const before = await questionsOf(adminKey, id);
    await user.agent
      .post(`/dashboard/surveys/${id}`)
      .type('form')
      .send({ _csrf: 'x'.repeat(user.csrf.length), name: 'Hijack', 'questions.0.text': 'Evil' })
      .expect(403);
    const viewer = await buildUser(world.ctx.db, workspace.id, 'executive');
    const exec = await signIn(world.app, viewer.email);
    await exec.agent
      .post(`/dashboard/surveys/${id}`)
      .type('form')
      .send({ _csrf: exec.csrf, name: 'Hijack', 'questions.0.text': 'Evil' })
      .expect(403);
    expect(await questionsOf(adminKey, id)).toEqual(before);
  });
});

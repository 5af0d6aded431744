import {
  localizeQuestion,
  questionsInputSchema,
  versionQuestions,
} from '../../../src/surveys/questions';
import { questionsFromForm } from '../../../src/http/dashboard/question-form';

const choice = {
  id: 'reason',
  type: 'single_choice' as const,
  text: 'Why?',
  options: [
    { id: 'a', text: 'A' },
    { id: 'b', text: 'B' },
  ],
};

describe('versionQuestions', () => {
  it('keeps the version when the same question comes back with its objects in another key order', () => {
    const [v1] = versionQuestions(
      [
        {
          ...choice,
          condition: { minScore: 0, maxScore: 6 },
          translations: { hr: { text: 'Zašto?', options: { b: 'Be', a: 'A' } } },
        },
      ],
      [],
    );
    // jsonb sorts keys: shorter first, then by code point.
    const stored = JSON.parse(
      JSON.stringify({
        ...v1,
        condition: { maxScore: 6, minScore: 0 },
        translations: { hr: { text: 'Zašto?', options: { a: 'A', b: 'Be' } } },
      }),
    );
    const [v2] = versionQuestions(
      [
        {
          ...choice,
          condition: { minScore: 0, maxScore: 6 },
          translations: { hr: { options: { a: 'A', b: 'Be' }, text: 'Zašto?' } },
        },
      ],
      [stored],
    );
    expect(v2!.version).toBe(1);
  });

  it('raises the version when a translation is added, changed or dropped', () => {
    const [v1] = versionQuestions([choice], []);
    const [v2] = versionQuestions(
      [{ ...choice, translations: { vi: { text: 'Tại sao?' } } }],
      [v1!],
    );
    const [v3] = versionQuestions(
      [{ ...choice, translations: { vi: { text: 'Vì sao?' } } }],
      [v2!],
    );
    const [v4] = versionQuestions([choice], [v3!]);
    expect([v1, v2, v3, v4].map((q) => q!.version)).toEqual([1, 2, 3, 4]);
  });

  it('gives an option without an id its position unless another option holds it', () => {
    const [q] = versionQuestions(
      [{ ...choice, options: [{ text: 'x' }, { id: '1', text: 'y' }, { text: 'z' }] }],
      [],
    );
    expect(q!.options!.map((o) => o.id)).toEqual(['2', '1', '3']);
  });
});

describe('localizeQuestion', () => {
  it('takes the language’s texts where given and the question’s own elsewhere', () => {
    const [q] = versionQuestions(
      [{ ...choice, translations: { hr: { options: { b: 'Be' } } } }],
      [],
    );
    expect(localizeQuestion(q!, 'hr')).toEqual({
      id: 'reason',
      version: 1,
      type: 'single_choice',
      text: 'Why?',
      options: [
        { id: 'a', text: 'A' },
        { id: 'b', text: 'Be' },
      ],
      condition: null,
    });
    expect(localizeQuestion(q!, 'vi').options).toEqual(choice.options);
  });
});

describe('questionsFromForm', () => {
  const previous = versionQuestions(
    [{ ...choice, options: [{ text: 'A' }, { text: 'B' }, { text: 'C' }] }],
    [],
  );
  const row = (options: string) => ({
    'questions.0.id': 'reason',
    'questions.0.type': 'single_choice',
    'questions.0.text': 'Why?',
    'questions.0.options': options,
  });

  it.each([
    ['unchanged', 'A\nB\nC', ['1', '2', '3']],
    ['reordered', 'C\nA\nB', ['3', '1', '2']],
    ['edited in place', 'A\nBee\nC', ['1', '2', '3']],
    ['one removed, one added', 'A\nC\nD', ['1', '3', '4']],
    ['blank lines and spaces', '\n A \n\nC\r\n', ['1', '3']],
  ])('keeps option ids by text, then by place (%s)', (_what, lines, ids) => {
    const { questions } = questionsFromForm(row(lines), previous);
    const options = (questions[0] as { options: { id: string }[] }).options;
    expect(options.map((o) => o.id)).toEqual(ids);
    expect(questionsInputSchema.safeParse(questions).success).toBe(true);
  });

  it('leaves out blank and removed rows and sorts by the order numbers', () => {
    const { questions, rows } = questionsFromForm(
      {
        ...row('A\nB'),
        'questions.0.order': '3',
        'questions.1.type': 'single_choice',
        'questions.1.order': '1',
        'questions.2.type': 'free_text',
        'questions.2.text': 'Removed',
        'questions.2.id': 'gone',
        'questions.2.remove': '1',
        'questions.3.type': 'scale_5',
        'questions.3.text': 'Easy?',
        'questions.3.order': '2',
      },
      previous,
    );
    expect(questions.map((q) => q.text)).toEqual(['Easy?', 'Why?']);
    expect(rows).toEqual([3, 0]);
  });
});

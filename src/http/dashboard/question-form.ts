import { LOCALES } from '../../surveys/i18n/types';
import { MAX_QUESTIONS } from '../../surveys/questions';
import type { Question } from '../../surveys/questions';
import { intField, textField } from './kit';
import type { FieldErrors } from './view';

/**
 * The survey form's additional questions without JavaScript: a fixed set of rows (`questions.N.*`:
 * the questions so far plus a few blank ones) with an order number and a remove box; options one
 * per line. The rows become the API's `questions` list, so the API's schema and the service's
 * versioning decide, and errors come back onto the row's inputs.
 */

export const BLANK_QUESTION_ROWS = 3;

export const QUESTION_TYPE_OPTIONS = [
  { value: 'single_choice', label: 'Single choice' },
  { value: 'multiple_choice', label: 'Multiple choice' },
  { value: 'scale_5', label: 'Scale 1–5' },
  { value: 'scale_10', label: 'Scale 0–10' },
  { value: 'free_text', label: 'Free text' },
];

const CHOICE = new Set(['single_choice', 'multiple_choice']);

const lines = (v: string | undefined) => (v ?? '').split(/\r?\n/).map((l) => l.trim());

/** The rows' form values of stored questions, in their order. */
export function questionFormValues(questions: Question[]): Record<string, string> {
  const values: Record<string, string> = {};
  questions.forEach((q, i) => {
    const p = `questions.${i}.`;
    values[`${p}id`] = q.id;
    values[`${p}order`] = String(i + 1);
    values[`${p}type`] = q.type;
    values[`${p}text`] = q.text;
    values[`${p}options`] = (q.options ?? []).map((o) => o.text).join('\n');
    values[`${p}maxChoices`] = q.maxChoices === undefined ? '' : String(q.maxChoices);
    values[`${p}minScore`] =
      q.condition?.minScore === undefined ? '' : String(q.condition.minScore);
    values[`${p}maxScore`] =
      q.condition?.maxScore === undefined ? '' : String(q.condition.maxScore);
    for (const locale of LOCALES) {
      const t = q.translations?.[locale];
      values[`${p}t.${locale}.text`] = t?.text ?? '';
      values[`${p}t.${locale}.options`] = (q.options ?? [])
        .map((o) => t?.options?.[o.id] ?? '')
        .join('\n')
        .trimEnd();
    }
  });
  return values;
}

const filled = (values: Record<string, string>, i: number) =>
  !!(values[`questions.${i}.id`] || textField(values[`questions.${i}.text`]));

/** How many rows the form shows: every row typed so far and a few blank ones, at most ten. */
export function questionRowCount(values: Record<string, string>): number {
  let highest = -1;
  let count = 0;
  for (let i = 0; i < MAX_QUESTIONS; i++) {
    if (filled(values, i)) {
      highest = i;
      count++;
    }
  }
  return Math.min(MAX_QUESTIONS, Math.max(highest + 1, count + BLANK_QUESTION_ROWS));
}

/**
 * Option ids for the typed lines: a line keeps the id of the stored option with its text, else
 * of the stored option at its place if that one's text is gone (an edit in place); other lines
 * get an id no option of the question ever had, so old answers never point at a new option.
 */
function optionsFromLines(texts: string[], before: { id: string; text: string }[]) {
  const byText = new Map(before.map((o) => [o.text, o.id]));
  const kept = new Set(texts.flatMap((t) => (byText.has(t) ? [byText.get(t) as string] : [])));
  const used = new Set(before.map((o) => o.id));
  let next = Math.max(0, ...[...used].map((id) => (/^\d+$/.test(id) ? Number(id) : 0))) + 1;
  return texts.map((text, i) => {
    let id = byText.get(text);
    const atPlace = before[i];
    if (id === undefined && atPlace && !texts.includes(atPlace.text) && !kept.has(atPlace.id)) {
      id = atPlace.id;
      kept.add(id);
    }
    if (id === undefined) {
      while (used.has(String(next))) {
        next++;
      }
      id = String(next);
      used.add(id);
    }
    return { id, text };
  });
}

/**
 * The rows as the API's `questions`, sorted by their order number (ties keep the row order);
 * removed and blank rows are left out. `rows[k]` is the form row of the k-th question.
 */
export function questionsFromForm(form: Record<string, string>, previous: Question[]) {
  const before = new Map(previous.map((q) => [q.id, q]));
  const picked: { row: number; order: number; question: Record<string, unknown> }[] = [];
  for (let i = 0; i < MAX_QUESTIONS; i++) {
    const p = `questions.${i}.`;
    const id = textField(form[`${p}id`])?.trim();
    const text = form[`${p}text`] ?? '';
    const optionLines = lines(form[`${p}options`]).filter(Boolean);
    if (form[`${p}remove`] !== undefined || (!id && !text.trim() && !optionLines.length)) {
      continue;
    }
    const type = form[`${p}type`] ?? 'free_text';
    const choice = CHOICE.has(type);
    // NOTE: a type without options ignores the options box, so switching type loses nothing typed.
    const options = choice
      ? optionsFromLines(optionLines, before.get(id ?? '')?.options ?? [])
      : [];
    const minScore = intField(form[`${p}minScore`]);
    const maxScore = intField(form[`${p}maxScore`]);
    const maxChoices = type === 'multiple_choice' ? intField(form[`${p}maxChoices`]) : undefined;
    const translations: Record<string, { text?: string; options?: Record<string, string> }> = {};
    for (const locale of LOCALES) {
      const t: { text?: string; options?: Record<string, string> } = {};
      const tText = textField(form[`${p}t.${locale}.text`]);
      if (tText !== undefined) {
        t.text = tText;
      }
      lines(choice ? form[`${p}t.${locale}.options`] : '').forEach((line, n) => {
        if (line) {
          // A line past the last option has no option to name; the API refuses it there.
          (t.options ??= {})[options[n]?.id ?? `line-${n + 1}`] = line;
        }
      });
      if (t.text !== undefined || t.options) {
        translations[locale] = t;
      }
    }
    const order = intField(form[`${p}order`]);
    picked.push({
      row: i,
      order: order === undefined || Number.isNaN(order) ? i + 1 : order,
      question: {
        ...(id ? { id } : {}),
        type,
        text,
        ...(choice ? { options } : {}),
        ...(maxChoices !== undefined ? { maxChoices } : {}),
        condition:
          minScore === undefined && maxScore === undefined
            ? null
            : {
                ...(minScore !== undefined ? { minScore } : {}),
                ...(maxScore !== undefined ? { maxScore } : {}),
              },
        ...(Object.keys(translations).length ? { translations } : {}),
      },
    });
  }
  picked.sort((a, b) => a.order - b.order || a.row - b.row);
  return { questions: picked.map((x) => x.question), rows: picked.map((x) => x.row) };
}

/** The input of a question's error: `questions.2.condition.maxScore` → `questions.<row>.maxScore`. */
function questionInput(rest: string[]): { input: string; issue?: string } {
  const [head = '', second, third] = rest;
  if (head === 'condition') {
    return { input: second === 'maxScore' ? 'maxScore' : 'minScore' };
  }
  if (head === 'translations') {
    return second && third === 'options'
      ? { input: `t.${second}.options`, issue: 'one line per option, in their order' }
      : { input: second ? `t.${second}.text` : 'text' };
  }
  return { input: ['type', 'text', 'options', 'maxChoices'].includes(head) ? head : 'text' };
}

/** Moves the API's `questions.K.*` errors onto the inputs of the K-th question's row. */
export function questionAlias(errors: FieldErrors, rows: number[]): FieldErrors {
  const out: FieldErrors = {};
  for (const [field, issue] of Object.entries(errors)) {
    const m = /^questions\.(\d+)\.(.+)$/.exec(field);
    const row = m ? rows[Number(m[1])] : undefined;
    if (!m || row === undefined) {
      out[field] ??= issue;
      continue;
    }
    const to = questionInput((m[2] ?? '').split('.'));
    out[`questions.${row}.${to.input}`] ??=
      to.issue && issue === 'no such option' ? to.issue : issue;
  }
  return out;
}

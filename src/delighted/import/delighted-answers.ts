// Delighted's additional questions in a responses export (issue 15).
//
// NOTE: assumption, no public description of the export was found: Delighted writes one column
// per additional question, headed by the question's text, holding the answer as text (a
// choice's text, several choices joined by ", " or "; ", a scale's number, free text). That
// is the CSV form of the API's `additional_answers` (../shared/DELIGHTED_API.md).

import type { Question, StoredAnswer } from '../../surveys/questions';
import { AnswerError, MAX_QUESTIONS, parseAnswers } from '../../surveys/questions';
import type { HeaderMap } from './delighted-columns';

/** A column read as the answers to one of the survey's questions. */
export interface QuestionColumn {
  question: Question;
  index: number;
}

export interface QuestionMapping {
  columns: QuestionColumn[];
  /** Column headers that look like questions (end in "?") and match none: kept as properties. */
  unmapped: string[];
  /** Headers to add to the survey as free-text questions (`createQuestions`). */
  toCreate: { header: string; index: number }[];
}

const norm = (text: string) => text.trim().replace(/\s+/g, ' ').toLowerCase();
const looksLikeQuestion = (header: string) => /\?\s*$/.test(header);

/**
 * Takes the columns whose header is one of the survey's question texts (case and spacing
 * aside) out of the properties. Other question-like columns become new questions when
 * `create` says so (up to the survey's limit), else they stay properties and are reported.
 */
export function mapQuestionColumns(
  map: HeaderMap,
  header: string[],
  questions: Question[],
  create: boolean,
): QuestionMapping {
  const byText = new Map(questions.map((q) => [norm(q.text), q]));
  const columns: QuestionColumn[] = [];
  const unmapped: string[] = [];
  const toCreate: { header: string; index: number }[] = [];
  const used = new Set<string>();
  map.properties = map.properties.filter(([, index]) => {
    const raw = (header[index] ?? '').trim();
    const question = byText.get(norm(raw));
    if (question && !used.has(question.id)) {
      used.add(question.id);
      columns.push({ question, index });
      return false;
    }
    if (!question && looksLikeQuestion(raw)) {
      if (create && questions.length + toCreate.length < MAX_QUESTIONS && raw.length <= 500) {
        toCreate.push({ header: raw, index });
        return false;
      }
      unmapped.push(raw);
    }
    return true;
  });
  return { columns, unmapped, toCreate };
}

/** A choice cell as option ids: the whole text, else its parts split on ";" or ",". */
function choiceIds(q: Question, text: string): string[] {
  const options = q.options ?? [];
  const find = (part: string) =>
    options.find((o) => norm(o.text) === norm(part) || o.id === part.trim())?.id;
  const whole = find(text);
  if (whole) {
    return [whole];
  }
  for (const separator of [/[;\n|]/, /,/]) {
    const parts = text
      .split(separator)
      .map((p) => p.trim())
      .filter(Boolean);
    const ids = parts.flatMap((p) => find(p) ?? []);
    if (parts.length > 1 && ids.length === parts.length) {
      return ids;
    }
  }
  // Not an option: passed on as given, so the check below names it.
  return [text];
}

function issueText(err: AnswerError, given: string): string {
  const q = `"${err.question.text.slice(0, 80)}"`;
  switch (err.issue.kind) {
    case 'notAnOption':
      return `answer "${given.slice(0, 80)}" to ${q} is not one of its options`;
    case 'tooManyChoices':
      return `answer to ${q} has more than ${err.issue.max} choices`;
    case 'hidden':
      return `answer to ${q}, which the survey does not ask at this score`;
    case 'outOfScale':
      return `answer "${given.slice(0, 20)}" to ${q} is outside its scale`;
    case 'tooLong':
      return `answer to ${q} is longer than ${err.issue.max} characters`;
  }
}

/**
 * The row's answers to the mapped questions, checked as the survey page checks them (an
 * option of the question, within the scale, shown at this score); a reason when one is bad.
 */
export function readAnswers(
  columns: QuestionColumn[],
  values: string[],
  score: number,
): StoredAnswer[] | string {
  if (columns.length === 0) {
    return [];
  }
  const raw: Record<string, string | string[]> = {};
  for (const { question, index } of columns) {
    const text = (values[index] ?? '').trim();
    if (text === '') {
      continue;
    }
    raw[question.id] =
      question.type === 'single_choice' || question.type === 'multiple_choice'
        ? choiceIds(question, text)
        : text;
  }
  try {
    return parseAnswers(
      columns.map((c) => c.question),
      score,
      raw,
    );
  } catch (err) {
    if (err instanceof AnswerError) {
      const given = columns.find((c) => c.question.id === err.question.id);
      return issueText(err, given ? (values[given.index] ?? '').trim() : '');
    }
    throw err;
  }
}

import type { JsonObject, SurveyKind } from '../../../db/schema';
import { contactEmailSchema, contactLocaleSchema } from '../../contacts/contact.schemas';
import type { StoredAnswer } from '../../surveys/questions';
import { SCALES } from '../../surveys/scales';
import type { QuestionColumn } from './delighted-answers';
import { readAnswers } from './delighted-answers';
import type { Field, HeaderMap } from './delighted-columns';
import { MAX_PROPERTY_VALUE, parseTags, parseTimestamp } from './delighted-columns';

export interface RowError {
  line: number;
  reason: string;
}

export interface PersonFields {
  email: string;
  name: string | null;
  locale: string | null;
  properties: JsonObject;
}

export interface ResponseRowData extends PersonFields {
  line: number;
  externalId: string;
  score: number;
  comment: string | null;
  createdAt: Date;
  updatedAt: Date;
  tags: string[];
  details: JsonObject;
  /** Answers to the survey's additional questions, from the columns headed by their text. */
  answers: StoredAnswer[];
}

export interface PersonRowData extends PersonFields {
  line: number;
}

export interface SuppressionRowData {
  line: number;
  email: string;
  at: Date | null;
}

/** What a batch did; the dry run answers the same questions without writing. */
export interface BatchCounts {
  newContacts: number;
  updatedContacts: number;
  newResponses: number;
  duplicatesSkipped: number;
  suppressed: number;
}

export const MAX_COMMENT = 20_000;
export const EXTERNAL_ID_PREFIX = 'delighted:';

class RowProblem extends Error {}

function cell(map: HeaderMap, values: string[], field: Field): string {
  const index = map.fields[field];
  return index === undefined ? '' : (values[index] ?? '').trim();
}

function label(field: Field): string {
  return field.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
}

function timestamp(map: HeaderMap, values: string[], field: Field, now: Date): Date | null {
  const text = cell(map, values, field);
  if (text === '') {
    return null;
  }
  const at = parseTimestamp(text);
  if (!at) {
    throw new RowProblem(`unparseable date "${text.slice(0, 40)}" in ${label(field)}`);
  }
  if (at > now) {
    throw new RowProblem(`${label(field)} "${text.slice(0, 40)}" is in the future`);
  }
  return at;
}

function person(map: HeaderMap, values: string[]): PersonFields {
  const email = cell(map, values, 'email');
  if (email === '') {
    throw new RowProblem('missing email');
  }
  if (!contactEmailSchema.safeParse(email).success) {
    throw new RowProblem(`invalid email "${email.slice(0, 80)}"`);
  }
  const name = cell(map, values, 'name').replace(/\s+/g, ' ').slice(0, 200) || null;
  const rawLocale = cell(map, values, 'locale');
  // NOTE: a failed zod parse builds an error object: skipped for the common empty cell.
  const locale =
    rawLocale !== '' && contactLocaleSchema.safeParse(rawLocale).success ? rawLocale : null;
  const properties: JsonObject = {};
  for (const [key, index] of map.properties) {
    const value = (values[index] ?? '').trim();
    if (value !== '') {
      properties[key] = value.slice(0, MAX_PROPERTY_VALUE);
    }
  }
  if (rawLocale !== '' && !locale) {
    properties.locale = rawLocale.slice(0, MAX_PROPERTY_VALUE);
  }
  return { email, name, locale, properties };
}

function guarded<T>(line: number, values: string[], read: () => T): T | RowError {
  if (values.some((v) => v.includes('\0'))) {
    return { line, reason: 'contains a NUL character' };
  }
  try {
    return read();
  } catch (err) {
    if (err instanceof RowProblem) {
      return { line, reason: err.message };
    }
    throw err;
  }
}

function score(text: string, kind: SurveyKind): number {
  if (text === '') {
    throw new RowProblem('missing score');
  }
  if (!/^\d{1,3}(\.0+)?$/.test(text)) {
    throw new RowProblem(`score "${text.slice(0, 20)}" is not a whole number`);
  }
  const value = Number.parseInt(text, 10);
  const { min, max } = SCALES[kind];
  if (value < min || value > max) {
    throw new RowProblem(`score ${value} is outside ${min}–${max} (${kind} survey)`);
  }
  return value;
}

/** One row of a responses export, or why it cannot be imported. */
export function readResponseRow(
  map: HeaderMap,
  values: string[],
  line: number,
  opts: { kind: SurveyKind; now: Date; questions?: QuestionColumn[] },
): ResponseRowData | RowError {
  return guarded(line, values, () => {
    const responseId = cell(map, values, 'responseId');
    if (responseId === '') {
      throw new RowProblem('missing response id');
    }
    if (responseId.length > 150) {
      throw new RowProblem('response id longer than 150 characters');
    }
    const value = score(cell(map, values, 'score'), opts.kind);
    const createdAt = timestamp(map, values, 'createdAt', opts.now);
    if (!createdAt) {
      throw new RowProblem('missing response date');
    }
    const updatedAt = timestamp(map, values, 'updatedAt', opts.now);
    const comment = cell(map, values, 'comment');
    if (comment.length > MAX_COMMENT) {
      throw new RowProblem(`comment longer than ${MAX_COMMENT} characters`);
    }
    const who = person(map, values);
    const answers = readAnswers(opts.questions ?? [], values, value);
    if (typeof answers === 'string') {
      throw new RowProblem(answers);
    }
    const details: JsonObject = { source: 'delighted', responseId };
    for (const field of ['personId', 'phone', 'permalink', 'channel', 'notes'] as const) {
      const text = cell(map, values, field);
      if (text !== '') {
        details[field] = text.slice(0, MAX_COMMENT);
      }
    }
    details.properties = who.properties;
    return {
      line,
      ...who,
      externalId: `${EXTERNAL_ID_PREFIX}${responseId}`,
      score: value,
      comment: comment || null,
      createdAt,
      updatedAt: updatedAt && updatedAt > createdAt ? updatedAt : createdAt,
      tags: parseTags(cell(map, values, 'tags')),
      details,
      answers,
    };
  });
}

/** One row of a people export. Delighted's own ids and dates are kept as properties. */
export function readPersonRow(
  map: HeaderMap,
  values: string[],
  line: number,
  opts: { now: Date },
): PersonRowData | RowError {
  return guarded(line, values, () => {
    const createdAt = timestamp(map, values, 'createdAt', opts.now);
    const lastSentAt = timestamp(map, values, 'lastSentAt', opts.now);
    const who = person(map, values);
    const extra: JsonObject = {};
    const personId = cell(map, values, 'personId');
    const phone = cell(map, values, 'phone');
    if (personId) {
      extra.delighted_person_id = personId.slice(0, MAX_PROPERTY_VALUE);
    }
    if (phone) {
      extra.phone_number = phone.slice(0, MAX_PROPERTY_VALUE);
    }
    if (createdAt) {
      extra.delighted_created_at = createdAt.toISOString();
    }
    if (lastSentAt) {
      extra.delighted_last_sent_at = lastSentAt.toISOString();
    }
    return { line, ...who, properties: { ...who.properties, ...extra } };
  });
}

/** One row of an unsubscribes or bounces export; a missing date means "now". */
export function readSuppressionRow(
  map: HeaderMap,
  values: string[],
  line: number,
  opts: { field: 'unsubscribedAt' | 'bouncedAt'; now: Date },
): SuppressionRowData | RowError {
  return guarded(line, values, () => {
    const { email } = person(map, values);
    return { line, email, at: timestamp(map, values, opts.field, opts.now) };
  });
}

export function isRowError(x: object): x is RowError {
  return 'reason' in x;
}

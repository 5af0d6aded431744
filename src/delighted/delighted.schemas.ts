import { z } from 'zod';
import { contactEmailSchema } from '../contacts/contact.schemas';
import { headerSafeText } from '../surveys/survey.schemas';

// Delighted's clients send numbers and booleans as JSON values, or as strings in form bodies
// and query strings (PHP: "true"/"false"). Every schema here accepts both.

export const flexInt = (min: number, max: number) =>
  z
    .union([
      z.number(),
      z
        .string()
        .trim()
        .regex(/^-?\d{1,12}$/, 'must be an integer'),
    ])
    .transform(Number)
    .pipe(z.number().int(`must be an integer`).min(min).max(max));

export const flexBool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
  .transform((v) => v === true || v === 'true' || v === '1');

/** Unix seconds (integer), as every Delighted time is. */
export const unixTime = flexInt(0, 32_503_680_000).transform((s) => new Date(s * 1000));

const phone = z
  .string()
  .trim()
  .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +15555550123');

const propertyValue = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]);
// PHP's json_encode writes an empty map as `[]` (its save() sends `person_properties: []`).
export const propertiesSchema = z.preprocess(
  (v) => (Array.isArray(v) && v.length === 0 ? {} : v),
  z
    .record(z.string().min(1).max(64), propertyValue)
    .refine((p) => Object.keys(p).length <= 50, 'at most 50 properties'),
);

/**
 * An email or phone filter in a query. PHP's client rawurldecodes its query, so a `+` arrives
 * bare and decodes as a space; neither an address nor an E.164 number holds a space.
 */
const queryFilter = (max: number) =>
  z
    .string()
    .max(max)
    .transform((v) => v.replace(/ /g, '+'));

export const createPersonBodySchema = z.object({
  email: contactEmailSchema.optional(),
  phone_number: phone.optional(),
  channel: z
    .enum(['email', 'sms'])
    .default('email')
    .refine((c) => c === 'email', 'Glas sends surveys by email only'),
  name: headerSafeText(200).optional(),
  delay: flexInt(0, 31_536_000).optional(),
  properties: propertiesSchema.default({}),
  send: flexBool.default(true),
  last_sent_at: unixTime.optional(),
  email_update: contactEmailSchema.optional(),
  phone_number_update: phone.optional(),
});
export type CreatePersonBody = z.infer<typeof createPersonBodySchema>;

/** PUT /v1/people (Node's `person.save()` sends every attribute back; the rest are dropped). */
export const updatePersonBodySchema = z.object({
  id: z.union([z.string().min(1).max(64), z.number().int().transform(String)]).optional(),
  email: contactEmailSchema.optional(),
  phone_number: phone.nullish(),
  name: headerSafeText(200).nullish(),
  properties: propertiesSchema.optional(),
});
export type UpdatePersonBody = z.infer<typeof updatePersonBodySchema>;

const perPage = flexInt(1, 100).default(20);

export const listPeopleQuerySchema = z.object({
  per_page: perPage,
  since: unixTime.optional(),
  until: unixTime.optional(),
  email: queryFilter(254).optional(),
  phone_number: queryFilter(20).optional(),
  page_info: z.string().max(200).optional(),
});
export type ListPeopleQuery = z.infer<typeof listPeopleQuerySchema>;

export const pageQuerySchema = z.object({
  per_page: perPage,
  page: flexInt(1, 100_000).default(1),
  since: unixTime.optional(),
  until: unixTime.optional(),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;

export const unsubscribeBodySchema = z.object({ person_email: contactEmailSchema });

export const ORDERS = ['asc', 'desc', 'asc:updated_at', 'desc:updated_at'] as const;

export const listSurveyResponsesQuerySchema = pageQuerySchema.extend({
  updated_since: unixTime.optional(),
  updated_until: unixTime.optional(),
  trend: z.uuid('is not a trend of this account').optional(),
  person_id: z.string().max(64).optional(),
  person_email: queryFilter(254).optional(),
  order: z.enum(ORDERS).default('asc'),
  expand: z.array(z.enum(['person', 'notes'])).default([]),
});
export type ListSurveyResponsesQuery = z.infer<typeof listSurveyResponsesQuerySchema>;

export const expandQuerySchema = z.object({
  expand: z.array(z.enum(['person', 'notes'])).default([]),
});

const comment = z
  .string()
  .max(20_000)
  .refine((s) => !s.includes('\0'), 'must not contain NUL');

/** `person` is a string id (Ruby sends it so); Python may send the person object. */
const personRef = z.union([
  z.string().min(1).max(64),
  z.number().int().transform(String),
  z.object({ id: z.union([z.string(), z.number()]).transform(String) }).transform((p) => p.id),
]);

export const createSurveyResponseBodySchema = z.object({
  person: personRef,
  score: flexInt(0, 10),
  comment: comment.nullish(),
  person_properties: propertiesSchema.nullish(),
  created_at: unixTime.optional(),
});
export type CreateSurveyResponseBody = z.infer<typeof createSurveyResponseBodySchema>;

export const updateSurveyResponseBodySchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String).optional(),
  person: personRef.optional(),
  score: flexInt(0, 10).optional(),
  comment: comment.nullish(),
  person_properties: propertiesSchema.nullish(),
});
export type UpdateSurveyResponseBody = z.infer<typeof updateSurveyResponseBodySchema>;

export const metricsQuerySchema = z.object({
  since: unixTime.optional(),
  until: unixTime.optional(),
  trend: z.uuid('is not a trend of this account').optional(),
  groups: z.array(z.string().max(20)).optional(),
});
export type MetricsQueryV1 = z.infer<typeof metricsQuerySchema>;

export const autopilotPlatformSchema = z.enum(['email', 'sms']);

export const membershipBodySchema = z.object({
  person_email: contactEmailSchema.optional(),
  person_phone_number: phone.optional(),
  person_id: z.string().max(64).optional(),
  person_name: headerSafeText(200).optional(),
  properties: propertiesSchema.default({}),
});
export type MembershipBody = z.infer<typeof membershipBodySchema>;

export const listMembershipsQuerySchema = z.object({
  per_page: perPage,
  page_info: z.string().max(200).optional(),
  person_id: z.string().max(64).optional(),
  person_email: queryFilter(254).optional(),
  person_phone_number: queryFilter(20).optional(),
});
export type ListMembershipsQuery = z.infer<typeof listMembershipsQuerySchema>;

export const delightedSettingsBodySchema = z.strictObject({
  surveyId: z.uuid().nullable(),
});

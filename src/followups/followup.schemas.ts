import { z } from 'zod';
import { SURVEY_KINDS } from '../../db/schema';
import { pageCursorSchema, pageLimitSchema } from '../platform/pagination.schemas';

const isoDate = z.iso.datetime({ offset: true });
const propertyName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits and . _ - only');
const headerSafe = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !/[\r\n\0]/.test(s), 'must not contain line breaks or NUL');

export const followupStatusSchema = z.enum(['open', 'contacted', 'resolved']);

export const createRuleBodySchema = z
  .strictObject({
    property: propertyName.nullish(),
    value: z.string().min(1).max(200).nullish(),
    ownerEmail: z.email().max(320),
    ownerName: headerSafe(200).optional(),
    slaHours: z.number().int().min(1).max(8760),
    position: z.number().int().min(0).max(10_000).default(0),
  })
  .refine((b) => (b.property ?? null) === null || (b.value ?? null) !== null, {
    path: ['value'],
    message: 'is required with property',
  })
  .refine((b) => (b.value ?? null) === null || (b.property ?? null) !== null, {
    path: ['property'],
    message: 'is required with value',
  });
export type CreateRuleBody = z.infer<typeof createRuleBodySchema>;

export const ruleDtoSchema = z.object({
  id: z.uuid(),
  property: z.string().nullable(),
  value: z.string().nullable(),
  ownerEmail: z.string(),
  ownerName: z.string().nullable(),
  slaHours: z.number().int(),
  position: z.number().int(),
  createdAt: isoDate,
});

export const idParamsSchema = z.strictObject({ id: z.uuid() });

export const listCasesQuerySchema = z.strictObject({
  status: followupStatusSchema.optional(),
  owner: z.string().max(320).optional(),
  surveyId: z.uuid().optional(),
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  limit: pageLimitSchema,
  cursor: pageCursorSchema,
});
export type ListCasesQuery = z.infer<typeof listCasesQuerySchema>;

export const noteDtoSchema = z.object({
  id: z.uuid(),
  body: z.string(),
  authorKeyId: z.uuid().nullable(),
  createdAt: isoDate,
});

export const caseDtoSchema = z.object({
  id: z.uuid(),
  surveyId: z.uuid(),
  surveyName: z.string(),
  surveyKind: z.enum(SURVEY_KINDS),
  responseId: z.uuid(),
  score: z.number().int().describe('Score that opened the case'),
  currentScore: z.number().int(),
  comment: z.string().nullable(),
  contact: z
    .object({ id: z.uuid(), email: z.string().nullable(), name: z.string().nullable() })
    .nullable(),
  owner: z.object({ email: z.string(), name: z.string().nullable() }).nullable(),
  status: followupStatusSchema,
  dueAt: isoDate,
  overdue: z.boolean(),
  contactedAt: isoDate.nullable(),
  resolvedAt: isoDate.nullable(),
  alertSentAt: isoDate.nullable(),
  createdAt: isoDate,
  notes: z.array(noteDtoSchema).optional(),
});
export type CaseDto = z.infer<typeof caseDtoSchema>;

export const casePageSchema = z.object({
  data: z.array(caseDtoSchema),
  nextCursor: z.string().nullable(),
});

export const patchCaseBodySchema = z
  .strictObject({
    status: followupStatusSchema.optional(),
    ownerEmail: z.email().max(320).nullable().optional(),
    ownerName: headerSafe(200).nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { path: ['status'], message: 'nothing to change' });
export type PatchCaseBody = z.infer<typeof patchCaseBodySchema>;

export const createNoteBodySchema = z.strictObject({
  body: z
    .string()
    .trim()
    .min(1)
    .max(10_000)
    .refine((s) => !s.includes('\0'), 'must not contain NUL'),
});

export const recoveryQuerySchema = z
  .strictObject({
    period: z.enum(['week', 'month']).default('month'),
    since: isoDate,
    until: isoDate,
    surveyId: z.uuid().optional(),
  })
  .refine((q) => new Date(q.since) < new Date(q.until), {
    path: ['until'],
    message: 'must be after since',
  })
  .refine(
    (q) => new Date(q.until).getTime() - new Date(q.since).getTime() <= 3 * 366 * 86_400_000,
    {
      path: ['until'],
      message: 'range is limited to three years',
    },
  );

export const recoveryDtoSchema = z.object({
  period: z.enum(['week', 'month']),
  data: z.array(
    z.object({
      periodStart: isoDate,
      cases: z.number().int(),
      contacted: z.number().int(),
      contactedWithinSla: z.number().int(),
      contactedWithinSlaShare: z.number().nullable().describe('0–1 of all cases opened'),
      medianHoursToContact: z.number().nullable(),
      resolved: z.number().int(),
      resurveyed: z.number().int(),
      resurveyMeanScore: z.number().nullable(),
      recovered: z.number().int().describe('Re-survey no longer low: NPS ≥ 7, CSAT ≥ 4, CES ≥ 5'),
    }),
  ),
});

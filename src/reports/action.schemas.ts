import { z } from 'zod';
import { cellSchema, changeSchema } from '../analytics/metrics.schemas';

const segmentProperty = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, 'a segment property name');
const themeKey = z
  .string()
  .min(1)
  .max(200)
  .refine((s) => !/[\0\r\n]/.test(s), 'must be one line');

export const actionStatusSchema = z.enum(['open', 'in_progress', 'done', 'dropped']);

export const actionTargetSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('survey') }),
  z.strictObject({
    type: z.literal('segment'),
    property: segmentProperty,
    value: z.string().min(1).max(200),
  }),
  z.strictObject({ type: z.literal('theme'), themeKey }),
]);
export type ActionTarget = z.infer<typeof actionTargetSchema>;

const oneLine = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !/[\0\r\n]/.test(s), 'must be one line');

export const createActionBodySchema = z.strictObject({
  surveyId: z.uuid(),
  title: oneLine(200),
  description: z.string().max(5000).nullish(),
  ownerName: oneLine(200).nullish(),
  ownerEmail: z.email().max(320).nullish(),
  dueDate: z.iso.date().nullish(),
  status: actionStatusSchema.default('open'),
  target: actionTargetSchema.default({ type: 'survey' }),
  sourceReportId: z.uuid().nullish(),
});
export type CreateActionBody = z.infer<typeof createActionBodySchema>;

export const updateActionBodySchema = z
  .strictObject({
    title: oneLine(200),
    description: z.string().max(5000).nullable(),
    ownerName: oneLine(200).nullable(),
    ownerEmail: z.email().max(320).nullable(),
    dueDate: z.iso.date().nullable(),
    status: actionStatusSchema,
    target: actionTargetSchema,
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { path: ['title'], message: 'nothing to change' });
export type UpdateActionBody = z.infer<typeof updateActionBodySchema>;

export const listActionsQuerySchema = z.strictObject({
  status: actionStatusSchema.optional(),
  surveyId: z.uuid().optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'a whole number from 1 to 100')
    .transform(Number)
    .pipe(z.number().int().min(1).max(100))
    .optional(),
  cursor: z.string().max(200).optional(),
});
export type ListActionsQuery = z.infer<typeof listActionsQuerySchema>;

export const actionIdParamsSchema = z.strictObject({ id: z.uuid() });

export const actionEffectSchema = z.object({
  before: cellSchema.describe(`responses in the ${90} days before the action was created`),
  beforeSince: z.iso.datetime({ offset: true }),
  after: cellSchema.describe('responses since the action was created'),
  enoughAfter: z
    .boolean()
    .describe('true once at least 30 responses arrived after the action; only then compare'),
  change: changeSchema.nullable().describe('after − before with its test; null until enoughAfter'),
  beforeLink: z.string(),
  afterLink: z.string(),
});
export type ActionEffect = z.infer<typeof actionEffectSchema>;

export const actionDtoSchema = z.object({
  id: z.uuid(),
  surveyId: z.uuid(),
  title: z.string(),
  description: z.string().nullable(),
  owner: z.object({ name: z.string().nullable(), email: z.string().nullable() }),
  dueDate: z.iso.date().nullable(),
  status: actionStatusSchema,
  overdue: z.boolean(),
  target: actionTargetSchema,
  sourceReportId: z.uuid().nullable(),
  effect: actionEffectSchema,
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type ActionDto = z.infer<typeof actionDtoSchema>;

export const actionPageSchema = z.object({
  data: z.array(actionDtoSchema),
  nextCursor: z.string().nullable(),
});

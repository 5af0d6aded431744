import { z } from 'zod';
import { timeZoneSchema } from '../platform/schemas';
import { headerSafeText } from '../surveys/survey.schemas';

const propertyValue = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]);
export const propertiesSchema = z
  .record(z.string().min(1).max(64), propertyValue)
  .refine((p) => Object.keys(p).length <= 50, 'at most 50 properties');

export const contactEmailSchema = z
  .email()
  .max(254)
  .refine((s) => !/[\r\n\0]/.test(s), 'must not contain line breaks');

export const contactLocaleSchema = z
  .string()
  .min(2)
  .max(35)
  .regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/, 'a BCP 47 tag');

export const contactInputSchema = z.strictObject({
  email: contactEmailSchema,
  name: headerSafeText(200).optional(),
  locale: contactLocaleSchema.optional(),
  timeZone: timeZoneSchema.optional(),
  externalId: z.string().min(1).max(200).optional(),
  properties: propertiesSchema.optional(),
});

export const upsertContactBodySchema = contactInputSchema;
export type UpsertContactBody = z.infer<typeof upsertContactBodySchema>;

export const updateContactBodySchema = z
  .strictObject({
    email: contactEmailSchema,
    name: headerSafeText(200).nullable(),
    locale: contactLocaleSchema.nullable(),
    timeZone: timeZoneSchema.nullable(),
    externalId: z.string().min(1).max(200).nullable(),
    properties: z
      .record(
        z.string().min(1).max(64),
        z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]),
      )
      .refine((p) => Object.keys(p).length <= 50, 'at most 50 properties')
      .describe('merged into the stored properties; a null value removes that property'),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'name at least one field to change');
export type UpdateContactBody = z.infer<typeof updateContactBodySchema>;

export const contactIdParamsSchema = z.strictObject({ id: z.uuid() });

/** `?erase=true` is accepted for clarity: deleting a contact always erases the person. */
export const deleteContactQuerySchema = z.strictObject({ erase: z.enum(['true']).optional() });

export const listContactsQuerySchema = z.strictObject({
  email: z.string().max(254).optional(),
  externalId: z.string().min(1).max(200).optional(),
  cursor: z.uuid().optional().describe('`nextCursor` of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListContactsQuery = z.infer<typeof listContactsQuerySchema>;

export const contactDtoSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  externalId: z.string().nullable(),
  name: z.string().nullable(),
  locale: z.string().nullable(),
  timeZone: z.string().nullable(),
  properties: propertiesSchema,
  unsubscribedAt: z.iso.datetime().nullable(),
  bouncedAt: z.iso.datetime().nullable(),
  bounceReason: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type ContactDto = z.infer<typeof contactDtoSchema>;

export const suppressionBodySchema = z.strictObject({
  email: contactEmailSchema,
  reason: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .optional()
    .describe('free text, e.g. the bounce message; never shown to the contact'),
});
export type SuppressionBody = z.infer<typeof suppressionBodySchema>;

export const suppressionDtoSchema = z.object({
  contactId: z.uuid(),
  email: z.string(),
  since: z.iso.datetime(),
  source: z.string().nullable(),
});
export type SuppressionDto = z.infer<typeof suppressionDtoSchema>;

export const listSuppressionsQuerySchema = z.strictObject({
  cursor: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListSuppressionsQuery = z.infer<typeof listSuppressionsQuerySchema>;

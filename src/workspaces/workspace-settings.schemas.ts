import { z } from 'zod';
import { timeZoneSchema } from '../platform/schemas';

const recipients = z.array(z.email().max(320)).max(50);

export const workspaceSettingsSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  timeZone: z.string(),
  defaultLocale: z.string(),
  quietPeriodDays: z.number().int().describe('days a contact is not surveyed again'),
  dailySendQuota: z.number().int().nullable().describe('invitations per day; null = no quota'),
  executiveRecipients: recipients,
  managerRecipients: recipients,
  monthlyReportDay: z.number().int().min(1).max(28),
  weeklyReportWeekday: z.number().int().min(1).max(7).describe('1 = Monday'),
  reportHour: z.number().int().min(0).max(23).describe('local hour in the workspace time zone'),
  retentionMonths: z
    .number()
    .int()
    .nullable()
    .describe('personal data older than this many months is anonymized; null keeps it'),
  createdAt: z.iso.datetime({ offset: true }),
});
export type WorkspaceSettingsDto = z.infer<typeof workspaceSettingsSchema>;

/**
 * PATCH /api/workspace. The locales a workspace may default to are the surveys room's, a room
 * above this one, so the caller (http) passes them in.
 */
export function patchWorkspaceBodySchemaFor<L extends readonly [string, ...string[]]>(locales: L) {
  return z
    .strictObject({
      name: z.string().trim().min(1).max(200),
      timeZone: timeZoneSchema,
      defaultLocale: z.enum(locales),
      quietPeriodDays: z.number().int().min(0).max(3650),
      dailySendQuota: z.number().int().min(1).max(10_000_000).nullable(),
      executiveRecipients: recipients,
      managerRecipients: recipients,
      monthlyReportDay: z.number().int().min(1).max(28),
      weeklyReportWeekday: z.number().int().min(1).max(7),
      reportHour: z.number().int().min(0).max(23),
      retentionMonths: z.number().int().min(1).max(120).nullable(),
    })
    .partial()
    .refine((b) => Object.keys(b).length > 0, { path: ['name'], message: 'nothing to change' });
}
export type PatchWorkspaceBody = z.infer<ReturnType<typeof patchWorkspaceBodySchemaFor>>;

import type { Kysely } from 'kysely';
import type { Database, Workspace } from '../../db/schema';
import { getWorkspace } from './workspace.service';
import { updateWorkspace } from './workspace.repository';
import type { PatchWorkspaceBody, WorkspaceSettingsDto } from './workspace-settings.schemas';

export function toWorkspaceSettingsDto(row: Workspace): WorkspaceSettingsDto {
  return {
    id: row.id,
    name: row.name,
    timeZone: row.time_zone,
    defaultLocale: row.default_locale,
    quietPeriodDays: row.quiet_period_days,
    dailySendQuota: row.daily_send_quota,
    executiveRecipients: row.executive_recipients,
    managerRecipients: row.manager_recipients,
    monthlyReportDay: row.monthly_report_day,
    weeklyReportWeekday: row.weekly_report_weekday,
    reportHour: row.report_hour,
    retentionMonths: row.retention_months,
    createdAt: row.created_at.toISOString(),
  };
}

const normalize = (emails: string[]) => [...new Set(emails.map((e) => e.trim().toLowerCase()))];

export async function getWorkspaceSettings(db: Kysely<Database>, workspaceId: string) {
  return toWorkspaceSettingsDto(await getWorkspace(db, workspaceId));
}

export async function updateWorkspaceSettings(
  db: Kysely<Database>,
  workspaceId: string,
  input: PatchWorkspaceBody,
): Promise<WorkspaceSettingsDto> {
  const before = await getWorkspace(db, workspaceId);
  const zoneChanged = input.timeZone !== undefined && input.timeZone !== before.time_zone;
  await updateWorkspace(
    db,
    workspaceId,
    {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.timeZone !== undefined ? { time_zone: input.timeZone } : {}),
      ...(input.defaultLocale !== undefined ? { default_locale: input.defaultLocale } : {}),
      ...(input.quietPeriodDays !== undefined ? { quiet_period_days: input.quietPeriodDays } : {}),
      ...(input.dailySendQuota !== undefined ? { daily_send_quota: input.dailySendQuota } : {}),
      ...(input.executiveRecipients !== undefined
        ? { executive_recipients: normalize(input.executiveRecipients) }
        : {}),
      ...(input.managerRecipients !== undefined
        ? { manager_recipients: normalize(input.managerRecipients) }
        : {}),
      ...(input.monthlyReportDay !== undefined
        ? { monthly_report_day: input.monthlyReportDay }
        : {}),
      ...(input.weeklyReportWeekday !== undefined
        ? { weekly_report_weekday: input.weeklyReportWeekday }
        : {}),
      ...(input.reportHour !== undefined ? { report_hour: input.reportHour } : {}),
      ...(input.retentionMonths !== undefined ? { retention_months: input.retentionMonths } : {}),
    },
    // Rollups are keyed by the local day: the merge-rollups task re-buckets them shortly.
    { requestRollupRebuild: zoneChanged },
  );
  return getWorkspaceSettings(db, workspaceId);
}

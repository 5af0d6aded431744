import type { Job } from 'bullmq';
import type { AppContext } from '../context';
import { sendCaseAlert } from '../followups/followup.service';
import type { JobPayloads } from './queues';

/** Emails the owner of a new follow-up case; idempotent through the case's alert claim. */
export async function followupAlertJob(
  ctx: AppContext,
  job: Job<JobPayloads['followup-alert']>,
): Promise<string> {
  return sendCaseAlert(ctx, job.data.workspaceId, job.data.caseId);
}

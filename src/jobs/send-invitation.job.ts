import type { Job } from 'bullmq';
import type { AppContext } from '../context';
import { deliverInvitation } from '../surveys/invitation.service';
import type { JobPayloads } from './queues';

/** Sends one invitation. Idempotent: the invitation row, not the queue, decides. */
export async function sendInvitationJob(
  ctx: AppContext,
  job: Job<JobPayloads['send-invitation']>,
): Promise<string> {
  const outcome = await deliverInvitation(
    { db: ctx.db, clock: ctx.clock, mailer: ctx.mailer, publicUrl: ctx.config.PUBLIC_URL },
    job.data.workspaceId,
    job.data.invitationId,
  ).catch((err: unknown) => {
    ctx.metrics.mailsSent.inc({ outcome: 'retry' });
    throw err;
  });
  ctx.metrics.mailsSent.inc({ outcome });
  return outcome;
}

import type { Job } from 'bullmq';
import type { AppContext } from '../context';
import { deliverInvitation } from '../dispatch/invitation.service';
import { deliverReminder } from '../dispatch/reminder.service';
import type { JobPayloads } from './queues';

/** Sends one invitation (or its reminder). Idempotent: the invitation row, not the queue, decides. */
export async function sendInvitationJob(
  ctx: AppContext,
  job: Job<JobPayloads['send-invitation']>,
): Promise<string> {
  const deps = {
    db: ctx.db,
    clock: ctx.clock,
    mailer: ctx.mailer,
    publicUrl: ctx.config.PUBLIC_URL,
    giveUpHours: ctx.config.SEND_GIVE_UP_HOURS,
  };
  // NOTE: attemptsMade counts finished attempts, so this one is the last when it reaches attempts - 1.
  const attempt = { finalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1) };
  const deliver = job.data.reminder ? deliverReminder : deliverInvitation;
  const outcome = await deliver(deps, job.data.workspaceId, job.data.invitationId, attempt).catch(
    (err: unknown) => {
      ctx.metrics.mailsSent.inc({ outcome: 'retry' });
      throw err;
    },
  );
  ctx.metrics.mailsSent.inc({ outcome });
  return outcome;
}

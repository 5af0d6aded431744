import type { Job } from 'bullmq';
import type { AppContext } from '../context';
import { evaluateMetricAlerts } from '../analytics/metric-alert-evaluation.service';
import { runAutopilot } from '../delighted/autopilot.service';
import { reconcileInvitations } from '../dispatch/invitation.service';
import { applyRetention } from '../contacts/retention.service';
import { mergeRollups, rebuildRequestedRollups } from '../analytics/rollup.service';
import { scheduleReminders } from '../dispatch/reminder.service';
import { recordScheduleRun } from '../platform/schedule-runs.service';
import { runReportTick } from '../reports/report.service';
import { purgeExpiredSessions } from '../workspaces/session.service';
import { purgePublishedOutbox, requeueLostJobs } from './outbox-relay.job';
import type { JobPayloads } from './queues';

/** Periodic upkeep; each task is idempotent, so a duplicate run is harmless. */
export async function maintenanceJob(ctx: AppContext, job: Job<JobPayloads['maintenance']>) {
  if (job.repeatJobKey) {
    // Watchdog (/readyz): a job produced by a scheduler proves the schedule still fires.
    await recordScheduleRun(ctx.db, job.data.task, ctx.clock.now());
  }
  switch (job.data.task) {
    case 'reconcile-invitations': {
      const result = await reconcileInvitations(ctx.db, ctx.clock, {
        // NOTE: a send outlives its BullMQ lock long before this; the default 10 min is safely dead.
        sendingTimeoutMs: ctx.config.SEND_UNKNOWN_AFTER_MS,
        overdueMs: ctx.config.RECONCILE_OVERDUE_MS,
        giveUpHours: ctx.config.SEND_GIVE_UP_HOURS,
        claimLeaseMs: ctx.config.SEND_CLAIM_LEASE_MS,
      });
      // Redis may have lost the relay's other jobs with the sends: webhooks, chat and owner alerts.
      const lost = await requeueLostJobs(ctx.db, ctx.clock.now(), ctx.config);
      ctx.logger.info({ ...result, lost }, 'invitations reconciled');
      return { ...result, lost };
    }
    case 'retention': {
      const result = await applyRetention(ctx.db, ctx.clock, ctx.hashEmail);
      ctx.logger.info(result, 'retention applied');
      return result;
    }
    case 'purge-sessions': {
      const purged = await purgeExpiredSessions(ctx.db, ctx.clock, {
        idleMinutes: ctx.config.SESSION_IDLE_MINUTES,
        absoluteHours: ctx.config.SESSION_ABSOLUTE_HOURS,
      });
      ctx.logger.info({ purged }, 'expired sessions purged');
      return { purged };
    }
    case 'purge-outbox': {
      const purged = await purgePublishedOutbox(ctx.db, ctx.clock.now());
      ctx.logger.info({ purged }, 'published outbox rows purged');
      return { purged };
    }
    case 'merge-rollups': {
      const merged = await mergeRollups(ctx.db);
      const rebuilt = await rebuildRequestedRollups(ctx.db);
      if (rebuilt > 0) {
        ctx.logger.info({ workspaces: rebuilt }, 'rollups rebuilt after a time-zone change');
      }
      ctx.logger.debug({ merged }, 'rollup deltas merged');
      return { merged };
    }
    case 'schedule-reminders': {
      const scheduled = await scheduleReminders(ctx.db, ctx.clock);
      ctx.logger.info({ scheduled }, 'reminders scheduled');
      return { scheduled };
    }
    case 'autopilot': {
      const result = await runAutopilot(ctx);
      ctx.logger.info(result, 'autopilot survey requests created');
      return result;
    }
    case 'metric-alerts': {
      const result = await evaluateMetricAlerts({ ...ctx, publicUrl: ctx.config.PUBLIC_URL });
      ctx.logger.info(result, 'metric alerts evaluated');
      return result;
    }
    case 'report-tick': {
      const result = await runReportTick(ctx);
      ctx.logger.info(result, 'report tick done');
      return result;
    }
  }
}

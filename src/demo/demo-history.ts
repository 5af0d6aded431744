import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { DemoKind } from './plan';
import type { Clock } from '../clock';
import type { Config } from '../config';
import { openInvitation, recordAnswer } from '../collector/collector.service';
import { importResponses } from '../collector/response.service';
import { ingestEvents } from '../dispatch/ingest.service';
import { deliverInvitation, reconcileInvitations } from '../dispatch/invitation.service';
import type { EmailHasher } from '../platform/keyed-hash';
import type { Mailer, OutgoingMail } from '../platform/mailer';
import type { DemoPlan, PlannedAnswer, PlannedEvent } from './plan';

export type DemoConfig = Pick<
  Config,
  | 'PUBLIC_URL'
  | 'GLAS_SECRET'
  | 'FOLLOWUP_DEFAULT_SLA_HOURS'
  | 'SCANNER_WINDOW_SECONDS'
  | 'SEND_GIVE_UP_HOURS'
  | 'SEND_UNKNOWN_AFTER_MS'
  | 'RECONCILE_OVERDUE_MS'
  | 'SEND_CLAIM_LEASE_MS'
>;

export interface HistoryDeps {
  db: Kysely<Database>;
  config: DemoConfig;
  hashEmail: EmailHasher;
  now: Date;
}

export const EVENT_TYPES: Record<DemoKind, string> = {
  nps: 'ticket.closed',
  csat: 'order.delivered',
  ces: 'account.setup_completed',
};

/** Days on whose first send the SMTP connection drops after the data (two sends in all). */
const DROPPED_ON = new Set([9, 33]);

export const at = (date: Date): Clock => ({ now: () => date });
const MINUTE = 60_000;

/** Midnight UTC of the day `daysAgo` days before `now`. */
export function dayStart(now: Date, daysAgo: number): Date {
  const d = new Date(now.getTime() - daysAgo * 86_400_000);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

/**
 * The demo's mail server: it accepts every invitation and keeps the survey link's token, as a
 * customer's inbox would, so the customer can answer through the survey page's own service.
 */
function inboxMailer(tokens: Map<string, string>, dropped: Set<string>): Mailer {
  let n = 0;
  return {
    async send(mail: OutgoingMail) {
      await mail.beforeTransmit?.();
      const invitation = mail.headers['X-Glas-Invitation'];
      if (invitation && dropped.has(invitation)) {
        // The connection is lost after the message data, before the server's answer: the
        // mail may have arrived, so Glas must never resend it by itself.
        throw Object.assign(new Error('Connection closed after the message data'), {
          code: 'ECONNRESET',
        });
      }
      const token = /\/s\/([A-Za-z0-9_-]{20,100})/.exec(mail.text)?.[1];
      if (invitation && token) {
        tokens.set(invitation, token);
      }
      return { messageId: mail.messageId ?? `<demo-${++n}@glas.invalid>` };
    },
    close() {},
  };
}

async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        await fn(items[next++]!);
      }
    }),
  );
}

export interface HistoryCounts {
  events: number;
  invitations: number;
  skipped: number;
  sent: number;
  /** Sends whose outcome is unknown (the connection dropped after the data): the Deliveries page. */
  unknown: number;
  responses: number;
  /** Answers older than the live window, loaded as imported history. */
  imported: number;
}

/** The invitation's send time as ingest plans it: an hour after the event (the surveys' delay). */
const sendTimeOf = (now: Date, daysAgo: number) =>
  new Date(dayStart(now, daysAgo).getTime() + 10 * 60 * MINUTE);

/**
 * The answers from before the live window, as a team moving from another tool loads them: in
 * batches through the response import (POST /api/responses), with their original times and
 * segments. They count in scores and trends but had no invitations and open no cases here.
 */
export async function importHistory(
  deps: HistoryDeps,
  workspaceId: string,
  seed: number,
  plan: DemoPlan,
  surveyIds: Record<DemoKind, string>,
  liveDays: number,
): Promise<number> {
  const rows = plan.days
    .filter((d) => d.daysAgo > liveDays)
    .flatMap((day) =>
      day.events.flatMap((e, i) => {
        if (!e.answer) {
          return [];
        }
        const c = plan.contacts[e.contact]!;
        const at =
          sendTimeOf(deps.now, day.daysAgo).getTime() + (e.answer.afterMinutes + 1) * MINUTE;
        return [
          {
            surveyId: surveyIds[e.kind],
            score: e.answer.score,
            comment: e.answer.comment ?? null,
            createdAt: new Date(at).toISOString(),
            email: c.email,
            locale: c.locale,
            segment: {
              locale: c.locale,
              region: c.region,
              plan: c.plan,
              team: e.team,
              agent: e.agent,
            },
            externalId: `demo-${seed}-${day.daysAgo}-${i}`,
          },
        ];
      }),
    );
  let imported = 0;
  for (let i = 0; i < rows.length; i += 1000) {
    const result = await importResponses(deps.db, at(deps.now), workspaceId, {
      responses: rows.slice(i, i + 1000),
    });
    imported += result.imported;
  }
  return imported;
}

/**
 * Plays the plan's last `liveDays` days with the clock on that day: the events go in through the batch
 * ingest, each invitation is sent through the send ladder, and the answers come back through
 * the survey page's service, so every row is one the product itself wrote.
 */
export async function playHistory(
  deps: HistoryDeps,
  workspaceId: string,
  seed: number,
  plan: DemoPlan,
  liveDays: number,
): Promise<HistoryCounts> {
  const counts: HistoryCounts = {
    events: 0,
    invitations: 0,
    skipped: 0,
    sent: 0,
    unknown: 0,
    responses: 0,
    imported: 0,
  };
  const tokens = new Map<string, string>();
  const dropped = new Set<string>();
  const mailer = inboxMailer(tokens, dropped);
  for (const day of plan.days) {
    if (day.events.length === 0 || day.daysAgo > liveDays) {
      continue;
    }
    const ingestAt = new Date(dayStart(deps.now, day.daysAgo).getTime() + 9 * 60 * MINUTE);
    const inputs = day.events.map((e: PlannedEvent, i) => {
      const c = plan.contacts[e.contact]!;
      return {
        type: EVENT_TYPES[e.kind],
        contact: {
          email: c.email,
          name: c.name,
          locale: c.locale,
          timeZone: c.timeZone,
          properties: { region: c.region, plan: c.plan },
        },
        properties: { team: e.team, agent: e.agent },
        occurredAt: new Date(ingestAt.getTime() - (i % 120) * MINUTE).toISOString(),
        idempotencyKey: `demo-${seed}-${day.daysAgo}-${i}`,
      };
    });
    const { results } = await ingestEvents(
      deps.db,
      at(ingestAt),
      workspaceId,
      inputs,
      undefined,
      deps.hashEmail,
    );
    counts.events += results.filter((r) => r.status < 300).length;
    const toSend: { invitationId: string; sendAt: Date; answer: PlannedAnswer | null }[] = [];
    results.forEach((r, i) => {
      for (const inv of r.invitations ?? []) {
        counts.invitations++;
        if (DROPPED_ON.has(day.daysAgo) && i === 0) {
          dropped.add(inv.id);
        }
        if (inv.status !== 'scheduled') {
          counts.skipped++;
          continue;
        }
        toSend.push({
          invitationId: inv.id,
          sendAt: new Date(inv.sendAt),
          answer: day.events[i]!.answer,
        });
      }
    });
    await inParallel(toSend, 4, async ({ invitationId, sendAt, answer }) => {
      const sentAt = new Date(sendAt.getTime() + MINUTE);
      const outcome = await deliverInvitation(
        {
          db: deps.db,
          clock: at(sentAt),
          mailer,
          publicUrl: deps.config.PUBLIC_URL,
          giveUpHours: deps.config.SEND_GIVE_UP_HOURS,
        },
        workspaceId,
        invitationId,
      );
      if (outcome === 'send_unknown') {
        counts.unknown++;
      }
      if (outcome !== 'sent') {
        return;
      }
      counts.sent++;
      const token = tokens.get(invitationId);
      tokens.delete(invitationId);
      if (!answer || !token) {
        return;
      }
      const answeredAt = at(new Date(sentAt.getTime() + answer.afterMinutes * MINUTE));
      const open = await openInvitation(deps.db, answeredAt, token);
      await recordAnswer({ db: deps.db, clock: answeredAt, config: deps.config }, open, {
        score: answer.score,
        comment: answer.comment,
      });
      counts.responses++;
    });
  }
  // What the maintenance job does every few minutes: the dropped sends become send_unknown.
  await reconcileInvitations(deps.db, at(deps.now), {
    sendingTimeoutMs: deps.config.SEND_UNKNOWN_AFTER_MS,
    overdueMs: deps.config.RECONCILE_OVERDUE_MS,
    giveUpHours: deps.config.SEND_GIVE_UP_HOURS,
    claimLeaseMs: deps.config.SEND_CLAIM_LEASE_MS,
  });
  return counts;
}

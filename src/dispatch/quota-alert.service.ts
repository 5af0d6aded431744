import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Clock } from '../clock';
import type { Mailer } from '../platform/mailer';
import { localDate } from '../platform/periods';
import { renderTemplate } from '../surveys/render';
import { getWorkspace } from '../workspaces/workspace.service';

/**
 * Tells the workspace's managers that today's send quota is used up: later events are
 * recorded but their invitations are skipped (`quota_exceeded`) until the next local day.
 * Sent once per workspace and day (the ingest reports the first refusal only).
 */
export async function sendQuotaAlert(
  deps: { db: Kysely<Database>; clock: Clock; mailer: Mailer; publicUrl: string },
  workspaceId: string,
): Promise<number> {
  const ws = await getWorkspace(deps.db, workspaceId);
  if (ws.manager_recipients.length === 0) {
    return 0;
  }
  const day = localDate(deps.clock.now(), ws.time_zone);
  const subject = `Glas: daily send quota reached (${ws.daily_send_quota ?? 0} invitations, ${day})`;
  const lines = [
    `${ws.name} reached its daily send quota of ${ws.daily_send_quota ?? 0} invitations on ${day} (${ws.time_zone}).`,
    'Events keep being recorded, but their invitations are skipped with the reason quota_exceeded until tomorrow.',
    `Skipped invitations: ${deps.publicUrl}/api/invitations?status=skipped&reason=quota_exceeded`,
    'Raise the quota in Settings (dailySendQuota) if this volume is expected.',
  ];
  for (const to of ws.manager_recipients) {
    await deps.mailer.send({
      workspaceId,
      to,
      subject,
      text: `${lines.join('\n\n')}\n`,
      html: renderTemplate('./plain-email', { subject, paragraphs: lines }),
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
  }
  return ws.manager_recipients.length;
}

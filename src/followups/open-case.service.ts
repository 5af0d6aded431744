import type { Kysely } from 'kysely';
import type { Database, Response } from '../../db/schema';
import { publishEvent } from '../webhooks/publish.service';
import { findRules, insertAlertOutboxRow, insertCase } from './followup.repository';

function segmentText(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : undefined;
}

/**
 * Opens the follow-up case for a low score, inside the response's transaction: the first rule
 * whose segment matches (else the catch-all rule) names the owner and the SLA. The case is
 * announced as `followup.created`, and its owner alert is an outbox row the relay enqueues.
 * A response has at most one case; a repeat opens nothing.
 */
export async function openCaseForResponse(
  trx: Kysely<Database>,
  config: { FOLLOWUP_DEFAULT_SLA_HOURS: number },
  row: Response,
  now: Date,
  /** false when the workspace has no webhooks: `followup.created` has nobody to reach. */
  subscribers = true,
): Promise<void> {
  const rules = await findRules(trx, row.workspace_id);
  const rule =
    rules.find((r) => r.property !== null && segmentText(row.segment[r.property]) === r.value) ??
    rules.find((r) => r.property === null);
  const slaHours = rule?.sla_hours ?? config.FOLLOWUP_DEFAULT_SLA_HOURS;
  const created = await insertCase(trx, {
    workspaceId: row.workspace_id,
    surveyId: row.survey_id,
    responseId: row.id,
    contactId: row.contact_id,
    ruleId: rule?.id ?? null,
    ownerEmail: rule?.owner_email ?? null,
    ownerName: rule?.owner_name ?? null,
    score: row.score,
    dueAt: new Date(now.getTime() + slaHours * 3_600_000),
    now,
  });
  if (!created) {
    return;
  }
  if (subscribers) {
    await publishEvent(
      trx,
      row.workspace_id,
      'followup.created',
      {
        id: created.id,
        responseId: row.id,
        surveyId: row.survey_id,
        score: row.score,
        status: created.status,
        owner: created.owner_email
          ? { email: created.owner_email, name: created.owner_name }
          : null,
        dueAt: created.due_at.toISOString(),
      },
      now,
    );
  }
  if (created.owner_email) {
    await insertAlertOutboxRow(trx, row.workspace_id, created.id, now);
  }
}

import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Contact, Database, Event, JsonObject, Survey } from '../../db/schema';
import type { Clock } from '../clock';
import { UnprocessableError } from '../errors';
import { upsertContact } from './contact.repository';
import type { CreateEventBody, EventAcceptedDto } from './event.schemas';
import { resolveLocale } from './i18n';
import type { Locale } from './i18n/types';
import { insertInvitation, insertOutboxRow } from './invitation.repository';
import { findTriggeredSurveys } from './survey.repository';
import { getWorkspace } from './workspace.service';

export interface IngestResult {
  status: number;
  body: EventAcceptedDto;
  replayed: boolean;
}

function requestHash(body: unknown): string {
  return createHash('sha256').update(stableJson(body)).digest('hex');
}

/** JSON with sorted keys, so the same body hashes the same whatever its key order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(stableJson).join(',')}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function replay(existing: Event, hash: string, key: string): IngestResult {
  if (existing.request_hash !== hash) {
    throw new UnprocessableError(
      'idempotency_key_reused',
      'This Idempotency-Key was already used with a different request body.',
      [
        {
          field: 'Idempotency-Key',
          issue: `already used with another body: ${key}`,
          location: 'header',
        },
      ],
    );
  }
  return {
    status: existing.response_status ?? 202,
    body: existing.response_body as unknown as EventAcceptedDto,
    replayed: true,
  };
}

/** The segment snapshot: the survey's chosen properties from the contact and the event, plus locale. */
function segmentSnapshot(survey: Survey, contact: Contact, event: JsonObject, locale: Locale) {
  const merged: JsonObject = { ...contact.properties, ...event };
  const segment: JsonObject = { locale };
  for (const key of survey.segment_properties) {
    if (merged[key] !== undefined && merged[key] !== null) {
      segment[key] = merged[key];
    }
  }
  return segment;
}

/**
 * Records one customer event and the invitations it triggers, all in one Postgres
 * transaction (event, invitations, outbox rows). Never touches Redis, so ingest keeps
 * working while Redis is down; the outbox relay hands the sends to BullMQ later.
 */
export async function ingestEvent(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  input: CreateEventBody,
  headerKey: string | undefined,
): Promise<IngestResult> {
  const key = headerKey ?? input.idempotencyKey ?? null;
  // The key itself is not part of the body it guards.
  const hash = requestHash({ ...input, idempotencyKey: undefined });
  const now = clock.now();
  const workspace = await getWorkspace(db, workspaceId);

  return db.transaction().execute(async (trx) => {
    const event = await trx
      .insertInto('events')
      .values({
        workspace_id: workspaceId,
        type: input.type,
        properties: JSON.stringify(input.properties),
        idempotency_key: key,
        request_hash: hash,
        occurred_at: input.occurredAt ?? now,
        created_at: now,
      })
      .onConflict((oc) =>
        oc
          .columns(['workspace_id', 'idempotency_key'])
          .where('idempotency_key', 'is not', null)
          .doNothing(),
      )
      .returningAll()
      .executeTakeFirst();
    if (!event) {
      // A concurrent twin waited on the unique index until the first commit; replay its answer.
      const existing = await trx
        .selectFrom('events')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('idempotency_key', '=', key)
        .executeTakeFirstOrThrow();
      return replay(existing, hash, key ?? '');
    }

    const contact = await upsertContact(trx, workspaceId, input.contact, now);
    const surveys = await findTriggeredSurveys(trx, workspaceId, input.type);
    const invitations: EventAcceptedDto['invitations'] = [];
    for (const survey of surveys) {
      const locale = resolveLocale(contact.locale, resolveLocale(workspace.default_locale, 'en'));
      const sendAt = new Date(now.getTime() + survey.delay_seconds * 1000);
      const skipReason = contact.unsubscribed_at
        ? 'unsubscribed'
        : contact.bounced_at
          ? 'bounced'
          : null;
      const invitation = await insertInvitation(trx, {
        workspace_id: workspaceId,
        survey_id: survey.id,
        contact_id: contact.id,
        event_id: event.id,
        status: skipReason ? 'skipped' : 'scheduled',
        skip_reason: skipReason,
        locale,
        segment: JSON.stringify(segmentSnapshot(survey, contact, input.properties, locale)),
        send_at: sendAt,
        expires_at: new Date(sendAt.getTime() + survey.expires_after_days * 86_400_000),
        created_at: now,
      });
      if (!invitation) {
        continue;
      }
      if (!skipReason) {
        await insertOutboxRow(trx, {
          workspaceId,
          invitationId: invitation.id,
          availableAt: sendAt,
        });
      }
      invitations.push({
        id: invitation.id,
        surveyId: survey.id,
        status: invitation.status,
        skipReason: invitation.skip_reason,
        sendAt: invitation.send_at.toISOString(),
      });
    }

    const body: EventAcceptedDto = {
      event: { id: event.id, type: event.type, contactId: contact.id },
      invitations,
    };
    await trx
      .updateTable('events')
      .set({
        contact_id: contact.id,
        response_status: 202,
        response_body: sql`${JSON.stringify(body)}::jsonb`,
      })
      .where('id', '=', event.id)
      .execute();
    return { status: 202, body, replayed: false };
  });
}

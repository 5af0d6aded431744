import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { hashToken, newToken } from '../../src/platform/tokens';

/** A sent invitation with a live link token (the raw token is returned, only its hash stored). */
export async function buildSentInvitation(
  db: Kysely<Database>,
  opts: {
    workspaceId: string;
    surveyId: string;
    locale?: string;
    segment?: Record<string, string>;
    expiresAt?: Date | null;
    email?: string;
    name?: string;
  },
) {
  const contact = await db
    .insertInto('contacts')
    .values({
      workspace_id: opts.workspaceId,
      email: opts.email ?? `c-${randomBytes(4).toString('hex')}@example.com`,
      name: opts.name ?? null,
      locale: opts.locale ?? 'en',
      properties: '{}',
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const token = newToken();
  const invitation = await db
    .insertInto('invitations')
    .values({
      workspace_id: opts.workspaceId,
      survey_id: opts.surveyId,
      contact_id: contact.id,
      token_hash: hashToken(token),
      status: 'sent',
      locale: opts.locale ?? 'en',
      segment: JSON.stringify(opts.segment ?? {}),
      send_at: new Date(),
      sent_at: new Date(),
      expires_at: opts.expiresAt === undefined ? new Date(Date.now() + 86_400_000) : opts.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { invitation, contact, token };
}

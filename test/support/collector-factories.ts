import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { hashToken, newToken } from '../../src/platform/tokens';
import { buildContact, surveyParents } from './factories';

/**
 * A sent invitation with a live link token (the raw token is returned, only its hash stored).
 * What it hangs from is made when not given: a survey (in `workspaceId`, or in a new workspace)
 * and a contact (from `email`, `name` and `locale`) unless `contactId` names one, whose
 * workspace is then the invitation's.
 */
export async function buildSentInvitation(
  db: Kysely<Database>,
  opts: {
    workspaceId?: string;
    surveyId?: string;
    contactId?: string;
    locale?: string;
    segment?: Record<string, string>;
    expiresAt?: Date | null;
    email?: string;
    name?: string;
  } = {},
) {
  const given =
    opts.contactId === undefined
      ? undefined
      : await db
          .selectFrom('contacts')
          .selectAll()
          .where('id', '=', opts.contactId)
          .executeTakeFirstOrThrow();
  const { workspaceId, surveyId } = await surveyParents(db, {
    workspaceId: opts.workspaceId ?? given?.workspace_id,
    surveyId: opts.surveyId,
  });
  if (given && given.workspace_id !== workspaceId) {
    throw new Error(`contact ${given.id} is not in workspace ${workspaceId}`);
  }
  const contact =
    given ??
    (await buildContact(db, {
      workspaceId,
      email: opts.email,
      name: opts.name,
      locale: opts.locale,
    }));
  const token = newToken();
  const invitation = await db
    .insertInto('invitations')
    .values({
      workspace_id: workspaceId,
      survey_id: surveyId,
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

import type { Insertable, Selectable, Updateable } from 'kysely';
import type { ApiKeysTable } from './api-keys';
import type { ContactsTable } from './contacts';
import type { DailySendCountsTable } from './daily-send-counts';
import type { DevMailboxTable } from './dev-mailbox';
import type { EventsTable } from './events';
import type { InvitationTokensTable } from './invitation-tokens';
import type { InvitationsTable } from './invitations';
import type { OutboxTable } from './outbox';
import type { ResponsesTable } from './responses';
import type { SuppressedEmailsTable } from './suppressed-emails';
import type { SurveysTable } from './surveys';
import type { WorkspacesTable } from './workspaces';

export interface Database {
  workspaces: WorkspacesTable;
  api_keys: ApiKeysTable;
  contacts: ContactsTable;
  surveys: SurveysTable;
  events: EventsTable;
  invitations: InvitationsTable;
  outbox: OutboxTable;
  responses: ResponsesTable;
  dev_mailbox: DevMailboxTable;
  invitation_tokens: InvitationTokensTable;
  daily_send_counts: DailySendCountsTable;
  suppressed_emails: SuppressedEmailsTable;
}

export type Workspace = Selectable<WorkspacesTable>;
export type ApiKey = Selectable<ApiKeysTable>;
export type Contact = Selectable<ContactsTable>;
export type NewContact = Insertable<ContactsTable>;
export type Survey = Selectable<SurveysTable>;
export type NewSurvey = Insertable<SurveysTable>;
export type SurveyUpdate = Updateable<SurveysTable>;
export type Event = Selectable<EventsTable>;
export type Invitation = Selectable<InvitationsTable>;
export type NewInvitation = Insertable<InvitationsTable>;
export type Response = Selectable<ResponsesTable>;

export type { ApiKeyRole } from './api-keys';
export type { InvitationStatus, ReminderStatus } from './invitations';
export type { SurveyKind, SurveyStatus } from './surveys';
export type { JsonObject } from './common';

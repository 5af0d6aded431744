import type { Kysely } from 'kysely';
import type { Database, HelpdeskProvider } from '../../db/schema';
import type { Clock } from '../clock';
import { AppError, NotFoundError, ValidationError } from '../errors';
import { createEventBodySchema } from '../dispatch/event.schemas';
import { ingestEvent } from '../dispatch/ingest.service';
import type { EmailHasher } from '../platform/keyed-hash';
import { openSecret } from '../platform/secret-box';
import type { HelpdeskIntakeResult } from './helpdesk-source.schemas';
import { findHelpdeskSourceForIntake } from './helpdesk-source.repository';
import { HELPDESK_SECRET_PURPOSE, URL_TOKEN_PROVIDERS } from './helpdesk-source.service';
import { parseChatwootCall } from './providers/chatwoot';
import {
  FREESCOUT_EVENT_HEADER,
  FREESCOUT_SIGNATURE_HEADER,
  freescoutSigned,
  parseFreescoutCall,
} from './providers/freescout';
import { parseFreshdeskCall } from './providers/freshdesk';
import {
  HUBSPOT_SIGNATURE_HEADER,
  HUBSPOT_TIMESTAMP_HEADER,
  hubspotSigned,
  parseHubspotCall,
} from './providers/hubspot';
import { INTERCOM_SIGNATURE_HEADER, intercomSigned, parseIntercomCall } from './providers/intercom';
import { parseZammadCall, ZAMMAD_SIGNATURE_HEADER, zammadSigned } from './providers/zammad';
import {
  parseZendeskCall,
  ZENDESK_SIGNATURE_HEADER,
  ZENDESK_TIMESTAMP_HEADER,
  zendeskSigned,
} from './providers/zendesk';
import type { ParsedTicketCall, SolvedTicket } from './solved-ticket';
import { HelpdeskSignatureError, parseHelpdeskBody, sameSecret } from './solved-ticket';

/** A helpdesk's call as it arrived: lower-cased headers, the exact body, the URL's token. */
export interface HelpdeskCall {
  method: string;
  /** The public URL the helpdesk called (HubSpot signs it): PUBLIC_URL + the request path. */
  url: string;
  headers: Record<string, string | undefined>;
  body: Buffer;
  token?: string;
}

export interface HelpdeskIntakeDeps {
  db: Kysely<Database>;
  clock: Clock;
  config: { GLAS_SECRET: string };
  hashEmail: EmailHasher;
}

type SourceRow = NonNullable<Awaited<ReturnType<typeof findHelpdeskSourceForIntake>>>;

function json(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new ValidationError([{ field: 'body', issue: 'must be JSON', location: 'body' }]);
  }
}

/** Checks the call the helpdesk's way (401 before anything is read), then reads it. */
function verifyAndParse(secret: string, provider: HelpdeskProvider, call: HelpdeskCall, now: Date) {
  if (URL_TOKEN_PROVIDERS.includes(provider)) {
    if (!call.token || !sameSecret(call.token, secret)) {
      throw new HelpdeskSignatureError(`${provider} calls must use the URL with its token.`);
    }
  }
  switch (provider) {
    case 'zendesk':
      if (
        !zendeskSigned(
          call.body,
          call.headers[ZENDESK_SIGNATURE_HEADER],
          call.headers[ZENDESK_TIMESTAMP_HEADER],
          secret,
        )
      ) {
        throw new HelpdeskSignatureError('The Zendesk webhook signature does not verify.');
      }
      return parseZendeskCall(json(call.body));
    case 'zammad':
      if (!zammadSigned(call.body, call.headers[ZAMMAD_SIGNATURE_HEADER], secret)) {
        throw new HelpdeskSignatureError('The Zammad X-Hub-Signature does not verify.');
      }
      return parseZammadCall(json(call.body));
    case 'intercom':
      if (!intercomSigned(call.body, call.headers[INTERCOM_SIGNATURE_HEADER], secret)) {
        throw new HelpdeskSignatureError('The Intercom X-Hub-Signature does not verify.');
      }
      return parseIntercomCall(json(call.body));
    case 'chatwoot':
      return parseChatwootCall(json(call.body));
    case 'freshdesk':
      return parseFreshdeskCall(json(call.body));
    case 'hubspot': {
      const signed = hubspotSigned(
        {
          method: call.method,
          url: call.url,
          body: call.body,
          signature: call.headers[HUBSPOT_SIGNATURE_HEADER],
          timestamp: call.headers[HUBSPOT_TIMESTAMP_HEADER],
        },
        secret,
        now,
      );
      if (!signed) {
        throw new HelpdeskSignatureError(
          'The HubSpot X-HubSpot-Signature-v3 does not verify or is over five minutes old.',
        );
      }
      return parseHubspotCall(json(call.body));
    }
    case 'freescout':
      if (!freescoutSigned(call.body, call.headers[FREESCOUT_SIGNATURE_HEADER], secret)) {
        throw new HelpdeskSignatureError('The FreeScout X-FreeScout-Signature does not verify.');
      }
      return parseFreescoutCall(call.headers[FREESCOUT_EVENT_HEADER], json(call.body));
  }
}

function eventOf(source: SourceRow, ticket: SolvedTicket) {
  // NOTE: the ticket id is the idempotency key: a retried call, or the same ticket solved
  // again, never invites the customer twice.
  return parseHelpdeskBody(createEventBodySchema, {
    type: source.event_type,
    contact: {
      email: ticket.email,
      ...(ticket.name ? { name: ticket.name } : {}),
      ...(ticket.locale ? { locale: ticket.locale } : {}),
    },
    properties: ticket.properties,
    idempotencyKey: `${source.provider}-${ticket.ticketId}`,
  });
}

/**
 * One helpdesk webhook call: checked (401 and nothing stored when it is not the helpdesk's), read
 * (400 naming what is missing), then a solved ticket ingested as one event through the same path
 * as `POST /api/events`, so the surveys triggered by the source's event type invite the customer.
 */
export async function receiveHelpdeskCall(
  deps: HelpdeskIntakeDeps,
  provider: HelpdeskProvider,
  sourceId: string,
  call: HelpdeskCall,
): Promise<HelpdeskIntakeResult> {
  const source = await findHelpdeskSourceForIntake(deps.db, provider, sourceId);
  if (!source) {
    throw new NotFoundError('helpdesk_source_not_found', 'No such helpdesk source.');
  }
  const secret = openSecret(deps.config.GLAS_SECRET, HELPDESK_SECRET_PURPOSE, source.secret);
  const parsed: ParsedTicketCall = verifyAndParse(secret, provider, call, deps.clock.now());
  if ('ignored' in parsed) {
    return { accepted: false, invitations: 0, duplicate: false, ignored: parsed.ignored };
  }
  const input = eventOf(source, parsed.ticket);
  try {
    const result = await ingestEvent(
      deps.db,
      deps.clock,
      source.workspace_id,
      input,
      undefined,
      deps.hashEmail,
    );
    return {
      accepted: !result.replayed,
      eventId: result.body.event.id,
      invitations: result.body.invitations.length,
      duplicate: result.replayed,
    };
  } catch (err) {
    // The same ticket reported again with other details (another agent): still the same ticket.
    if (err instanceof AppError && err.code === 'idempotency_key_reused') {
      return { accepted: false, invitations: 0, duplicate: true };
    }
    throw err;
  }
}

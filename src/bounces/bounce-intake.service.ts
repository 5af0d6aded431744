import type { Kysely } from 'kysely';
import type { BounceProvider, Database } from '../../db/schema';
import type { Clock } from '../clock';
import { AppError, NotFoundError, ValidationError } from '../errors';
import { bounceAddress } from '../contacts/suppression.service';
import { markLateBounce } from '../dispatch/invitation.service';
import type { TextFetcher } from '../platform/https-fetch';
import type { EmailHasher } from '../platform/keyed-hash';
import { openSecret } from '../platform/secret-box';
import type { ParsedCall } from './bounce-report';
import type { BounceIntakeResult } from './bounce-source.schemas';
import { findBounceSourceForIntake, insertBounceEvent } from './bounce-source.repository';
import { BOUNCE_SECRET_PURPOSE } from './bounce-source.service';
import { mailgunSigned, parseMailgunCall } from './providers/mailgun';
import { parsePostmarkCall, parsePostmarkJson, postmarkAuthorized } from './providers/postmark';
import {
  parseSendgridCall,
  SENDGRID_SIGNATURE_HEADER,
  SENDGRID_TIMESTAMP_HEADER,
  sendgridSigned,
} from './providers/sendgrid';
import { parseSesNotification, snsEnvelopeSchema } from './providers/ses';
import { parseProviderBody } from './bounce-report';
import { snsUrl, verifySnsMessage } from './sns-message';

/** A provider's call as it arrived: lower-cased headers and the exact body bytes. */
export interface InboundCall {
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export interface BounceIntakeDeps {
  db: Kysely<Database>;
  clock: Clock;
  config: { GLAS_SECRET: string };
  hashEmail: EmailHasher;
  /** Fetches SNS signing certificates and confirmation links (tests serve their own). */
  fetchSns: TextFetcher;
}

export class ProviderSignatureError extends AppError {
  override name = 'ProviderSignatureError';
  constructor(message: string) {
    super(401, 'invalid_signature', message);
  }
}

type SourceRow = NonNullable<Awaited<ReturnType<typeof findBounceSourceForIntake>>>;

function json(text: string, parse: (raw: string) => unknown = JSON.parse): unknown {
  try {
    return parse(text);
  } catch {
    throw new ValidationError([{ field: 'body', issue: 'must be JSON', location: 'body' }]);
  }
}

function secretOf(deps: BounceIntakeDeps, source: SourceRow): string {
  if (!source.secret) {
    throw new ProviderSignatureError('This source has no key to check calls with.');
  }
  return openSecret(deps.config.GLAS_SECRET, BOUNCE_SECRET_PURPOSE, source.secret);
}

/** Checks the call the provider's way and reads it; throws 401 before anything is read. */
async function verifyAndParse(
  deps: BounceIntakeDeps,
  source: SourceRow,
  call: InboundCall,
): Promise<ParsedCall & { subscriptionConfirmed?: boolean }> {
  const text = call.body.toString('utf8');
  switch (source.provider) {
    case 'postmark': {
      if (!postmarkAuthorized(call.headers.authorization, secretOf(deps, source))) {
        throw new ProviderSignatureError('Postmark calls must carry the basic-auth credentials.');
      }
      return parsePostmarkCall(json(text, parsePostmarkJson));
    }
    case 'sendgrid': {
      const signed = sendgridSigned(
        call.body,
        call.headers[SENDGRID_SIGNATURE_HEADER],
        call.headers[SENDGRID_TIMESTAMP_HEADER],
        secretOf(deps, source),
      );
      if (!signed) {
        throw new ProviderSignatureError('The SendGrid event webhook signature does not verify.');
      }
      return parseSendgridCall(json(text));
    }
    case 'mailgun': {
      const body = json(text);
      if (!mailgunSigned(body, secretOf(deps, source))) {
        throw new ProviderSignatureError('The Mailgun webhook signature does not verify.');
      }
      return parseMailgunCall(body);
    }
    case 'ses':
      return receiveSns(deps, source, json(text));
  }
}

async function receiveSns(
  deps: BounceIntakeDeps,
  source: SourceRow,
  body: unknown,
): Promise<ParsedCall & { subscriptionConfirmed?: boolean }> {
  const msg = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  // NOTE: any AWS account can sign for its own topic; only the configured topic is ours. Checked
  // first (the signature covers it), so a stranger's message never makes Glas fetch a certificate.
  if (msg.TopicArn !== source.topic_arn) {
    throw new ProviderSignatureError('The SNS message comes from another topic.');
  }
  if (!(await verifySnsMessage(msg, deps.fetchSns, deps.clock.now()))) {
    throw new ProviderSignatureError('The SNS message signature does not verify.');
  }
  const envelope = parseProviderBody(snsEnvelopeSchema, msg);
  if (envelope.Type === 'SubscriptionConfirmation') {
    const url = snsUrl(envelope.SubscribeURL);
    if (!url) {
      throw new ValidationError([
        { field: 'SubscribeURL', issue: 'must be an https SNS URL', location: 'body' },
      ]);
    }
    try {
      await deps.fetchSns(url);
    } catch {
      throw new AppError(502, 'subscription_not_confirmed', 'SNS did not confirm; retry later.');
    }
    return { reports: [], ignored: 0, subscriptionConfirmed: true };
  }
  if (envelope.Type === 'UnsubscribeConfirmation') {
    return { reports: [], ignored: 1 };
  }
  return parseSesNotification(envelope.Message);
}

/**
 * One provider webhook call: checked (401 and nothing stored when it is not the provider's),
 * read (400 naming what is missing), then each hard bounce or complaint recorded once by the
 * provider's event id and its addresses put on the bounce list, all in one transaction.
 */
export async function receiveBounceCall(
  deps: BounceIntakeDeps,
  provider: BounceProvider,
  sourceId: string,
  call: InboundCall,
): Promise<BounceIntakeResult> {
  const source = await findBounceSourceForIntake(deps.db, provider, sourceId);
  if (!source) {
    throw new NotFoundError('bounce_source_not_found', 'No such bounce source.');
  }
  const parsed = await verifyAndParse(deps, source, call);
  const now = deps.clock.now();
  const counts = await deps.db.transaction().execute(async (trx) => {
    let suppressed = 0;
    let duplicates = 0;
    for (const report of parsed.reports) {
      const fresh = await insertBounceEvent(trx, {
        workspaceId: source.workspace_id,
        provider,
        eventId: report.eventId,
        kind: report.kind,
        detail: report.detail,
        recipients: report.emails.length,
        now,
      });
      if (!fresh) {
        duplicates += 1;
        continue;
      }
      const reason = `${provider} ${report.kind}: ${report.detail}`;
      for (const email of report.emails) {
        if (await bounceAddress(trx, source.workspace_id, email, now, reason, deps.hashEmail)) {
          suppressed += 1;
        }
        if (report.kind === 'bounce') {
          await markLateBounce(trx, source.workspace_id, email, now, reason);
        }
      }
    }
    return { suppressed, duplicates };
  });
  return {
    received: parsed.reports.length + parsed.ignored,
    ...counts,
    ignored: parsed.ignored,
    ...(parsed.subscriptionConfirmed ? { subscriptionConfirmed: true } : {}),
  };
}

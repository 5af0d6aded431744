import { createHmac, randomBytes } from 'node:crypto';
import { openSecret, sealSecret } from '../platform/secret-box';
import http from 'node:http';
import https from 'node:https';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Clock } from '../clock';
import { NotFoundError, ValidationError } from '../errors';
import { decodeCursor, pageOf } from '../platform/cursor';
import { delightedBody } from './formats/delighted';
import { assertPublicHost, PrivateAddressError, publicOnlyLookup } from '../platform/ssrf';
import {
  deleteWebhookById,
  findDeliveries,
  findDelivery,
  findDeliveryForSend,
  findWebhookById,
  findWebhooks,
  insertReplayDelivery,
  insertWebhook,
  recordDeliveryAttempt,
} from './webhook.repository';
import type { CreateWebhookBody, DeliveryDto, WebhookDto } from './webhook.schemas';

const SECRET_PURPOSE = 'webhook-signing';

export interface WebhookConfig {
  /** Seals signing secrets at rest (secret-box.ts). */
  GLAS_SECRET: string;
  WEBHOOK_ALLOW_PRIVATE_URLS: boolean;
  WEBHOOK_TIMEOUT_MS: number;
}

type WebhookRow = NonNullable<Awaited<ReturnType<typeof findWebhookById>>>;
type DeliveryRow = NonNullable<Awaited<ReturnType<typeof findDelivery>>>;

function toWebhookDto(row: WebhookRow): WebhookDto {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    format: row.format,
    createdAt: row.created_at.toISOString(),
  };
}

function toDeliveryDto(row: DeliveryRow): DeliveryDto {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    replayOf: row.replay_of,
    payload: row.payload,
    createdAt: row.created_at.toISOString(),
    deliveredAt: row.delivered_at?.toISOString() ?? null,
  };
}

/**
 * Refuses URLs that reach loopback, private or link-local hosts (SSRF, OWASP API7:2023), and
 * plain http, unless WEBHOOK_ALLOW_PRIVATE_URLS is set (tests and local development).
 */
export async function checkUrl(raw: string, config: WebhookConfig): Promise<void> {
  const url = new URL(raw);
  if (config.WEBHOOK_ALLOW_PRIVATE_URLS) {
    return;
  }
  if (url.protocol !== 'https:') {
    throw new ValidationError([{ field: 'url', issue: 'must use https', location: 'body' }]);
  }
  try {
    await assertPublicHost(url);
  } catch (err) {
    const issue =
      err instanceof PrivateAddressError
        ? 'must not point to a loopback, private or link-local address'
        : 'host name does not resolve';
    throw new ValidationError([{ field: 'url', issue, location: 'body' }]);
  }
}

export async function createWebhook(
  db: Kysely<Database>,
  clock: Clock,
  config: WebhookConfig,
  workspaceId: string,
  body: CreateWebhookBody,
): Promise<WebhookDto & { secret: string }> {
  await checkUrl(body.url, config);
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  const row = await insertWebhook(db, {
    workspaceId,
    url: body.url,
    events: [...new Set(body.events)],
    secret: sealSecret(config.GLAS_SECRET, SECRET_PURPOSE, secret),
    description: body.description ?? null,
    format: body.format,
    now: clock.now(),
  });
  return { ...toWebhookDto(row), secret };
}

export async function listWebhooks(db: Kysely<Database>, workspaceId: string) {
  return (await findWebhooks(db, workspaceId)).map(toWebhookDto);
}

export async function deleteWebhook(db: Kysely<Database>, workspaceId: string, id: string) {
  if (!(await deleteWebhookById(db, workspaceId, id))) {
    throw new NotFoundError('webhook_not_found', 'No such webhook in this workspace.');
  }
}

async function requireWebhook(db: Kysely<Database>, workspaceId: string, id: string) {
  const row = await findWebhookById(db, workspaceId, id);
  if (!row) {
    throw new NotFoundError('webhook_not_found', 'No such webhook in this workspace.');
  }
  return row;
}

export async function listDeliveries(
  db: Kysely<Database>,
  workspaceId: string,
  webhookId: string,
  q: { limit?: number | undefined; cursor?: string | undefined },
) {
  await requireWebhook(db, workspaceId, webhookId);
  const limit = q.limit ?? 50;
  const rows = await findDeliveries(db, workspaceId, webhookId, limit + 1, decodeCursor(q.cursor));
  const page = pageOf(rows, limit);
  return { data: page.rows.map(toDeliveryDto), nextCursor: page.nextCursor };
}

/** Sends the same event again as a new delivery (new id, fresh attempts), logged on its own. */
export async function replayDelivery(
  deps: { db: Kysely<Database>; clock: Clock },
  workspaceId: string,
  webhookId: string,
  deliveryId: string,
): Promise<DeliveryDto> {
  const original = await findDelivery(deps.db, workspaceId, webhookId, deliveryId);
  if (!original) {
    throw new NotFoundError('delivery_not_found', 'No such delivery for this webhook.');
  }
  const replay = await insertReplayDelivery(deps.db, workspaceId, deliveryId, deps.clock.now());
  if (!replay) {
    throw new NotFoundError('delivery_not_found', 'No such delivery for this webhook.');
  }
  return toDeliveryDto(replay);
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, the scheme docs/collector.md explains. */
export function signPayload(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

interface PostResult {
  statusCode: number;
}

/** POSTs a body with the webhook timeout and, unless allowed, public addresses only. */
export function postToUrl(
  url: URL,
  body: string,
  headers: Record<string, string>,
  config: WebhookConfig,
): Promise<PostResult> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        timeout: config.WEBHOOK_TIMEOUT_MS,
        ...(config.WEBHOOK_ALLOW_PRIVATE_URLS ? {} : { lookup: publicOnlyLookup }),
      },
      (res) => {
        // NOTE: the body is drained and dropped: it is never echoed back (no SSRF read-out).
        res.resume();
        res.on('end', () => resolve({ statusCode: res.statusCode ?? 0 }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

export class DeliveryFailedError extends Error {
  override name = 'DeliveryFailedError';
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/**
 * Delivers one webhook event: signed POST, 2xx = done. Every attempt is logged on the
 * delivery row; a failure throws so BullMQ retries with backoff, and the last attempt marks
 * the delivery failed. Already finished deliveries are skipped (jobs run at least once).
 */
export async function deliverWebhook(
  deps: { db: Kysely<Database>; clock: Clock; config: WebhookConfig },
  workspaceId: string,
  deliveryId: string,
  attempt: { number: number; last: boolean },
): Promise<'succeeded' | 'skipped'> {
  const row = await findDeliveryForSend(deps.db, workspaceId, deliveryId);
  if (!row || row.status !== 'pending') {
    return 'skipped';
  }
  const body = JSON.stringify(
    row.format === 'delighted'
      ? delightedBody(row.id, row.replay_of, row.payload)
      : { id: row.id, ...row.payload },
  );
  const timestamp = Math.floor(deps.clock.now().getTime() / 1000);
  const headers = {
    'Content-Type': 'application/json',
    'User-Agent': 'Glas-Webhooks/1',
    'Glas-Event': row.event,
    'Glas-Delivery': row.id,
    'Glas-Signature': signPayload(
      openSecret(deps.config.GLAS_SECRET, SECRET_PURPOSE, row.secret),
      timestamp,
      body,
    ),
  };
  let statusCode: number | null = null;
  let error: string | null = null;
  let permanent = false;
  try {
    const url = new URL(row.url);
    if (!deps.config.WEBHOOK_ALLOW_PRIVATE_URLS && url.protocol !== 'https:') {
      throw new PrivateAddressError(url.hostname);
    }
    statusCode = (await postToUrl(url, body, headers, deps.config)).statusCode;
    if (statusCode >= 200 && statusCode < 300) {
      await recordDeliveryAttempt(deps.db, row.id, {
        status: 'succeeded',
        statusCode,
        error: null,
        now: deps.clock.now(),
      });
      return 'succeeded';
    }
    error = `HTTP ${statusCode}`;
  } catch (err) {
    permanent = err instanceof PrivateAddressError;
    error = permanent
      ? 'refused: the URL resolves to a loopback, private or link-local address'
      : err instanceof Error
        ? err.message.slice(0, 300)
        : 'delivery failed';
  }
  const final = permanent || attempt.last;
  await recordDeliveryAttempt(deps.db, row.id, {
    status: final ? 'failed' : 'pending',
    statusCode,
    error,
    now: deps.clock.now(),
  });
  throw new DeliveryFailedError(error, permanent);
}

import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, HelpdeskProvider } from '../../db/schema';
import type { Clock } from '../clock';
import { NotFoundError } from '../errors';
import { sealSecret } from '../platform/secret-box';
import type {
  ConfigureHelpdeskSourceBody,
  ConfiguredHelpdeskSourceDto,
  HelpdeskSourceDto,
} from './helpdesk-source.schemas';
import { DEFAULT_HELPDESK_EVENT_TYPE } from './helpdesk-source.schemas';
import {
  deleteHelpdeskSource,
  findHelpdeskSources,
  upsertHelpdeskSource,
} from './helpdesk-source.repository';

/** The purpose under which helpdesk secrets are sealed (secret-box.ts). */
export const HELPDESK_SECRET_PURPOSE = 'helpdesk-source';

/** Helpdesks that cannot sign: their calls prove themselves with a token in the URL. */
export const URL_TOKEN_PROVIDERS: readonly HelpdeskProvider[] = ['chatwoot', 'freshdesk'];

/** Helpdesks that make their own signing secret; the others sign with one Glas makes. */
const PROVIDER_SECRET: readonly HelpdeskProvider[] = [
  'zendesk',
  'intercom',
  'hubspot',
  'freescout',
];

export interface HelpdeskSourceConfig {
  GLAS_SECRET: string;
  PUBLIC_URL: string;
}

type SourceRow = Awaited<ReturnType<typeof findHelpdeskSources>>[number];

export function helpdeskIntakeUrl(publicUrl: string, provider: HelpdeskProvider, id: string) {
  return `${publicUrl}/inbound/helpdesk/${provider}/${id}`;
}

function toHelpdeskSourceDto(row: SourceRow, publicUrl: string): HelpdeskSourceDto {
  return {
    provider: row.provider,
    url: helpdeskIntakeUrl(publicUrl, row.provider, row.id),
    eventType: row.event_type,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/**
 * Sets (or replaces) how one helpdesk's calls are checked and which event they make. The URL's
 * id stays across replacements; a generated token or signature key is new each time.
 */
export async function configureHelpdeskSource(
  db: Kysely<Database>,
  clock: Clock,
  config: HelpdeskSourceConfig,
  workspaceId: string,
  provider: HelpdeskProvider,
  body: ConfigureHelpdeskSourceBody,
): Promise<{ source: ConfiguredHelpdeskSourceDto; created: boolean }> {
  const made = PROVIDER_SECRET.includes(provider)
    ? undefined
    : randomBytes(24).toString('base64url');
  const plain = made ?? body.signingSecret ?? body.clientSecret ?? body.signingKey ?? '';
  const row = await upsertHelpdeskSource(db, {
    workspaceId,
    provider,
    secret: sealSecret(config.GLAS_SECRET, HELPDESK_SECRET_PURPOSE, plain),
    eventType: body.eventType ?? DEFAULT_HELPDESK_EVENT_TYPE,
    now: clock.now(),
  });
  const source: ConfiguredHelpdeskSourceDto = toHelpdeskSourceDto(row, config.PUBLIC_URL);
  if (made && URL_TOKEN_PROVIDERS.includes(provider)) {
    source.urlWithToken = `${source.url}/${made}`;
  } else if (made) {
    source.signatureToken = made;
  }
  return { source, created: row.created_at.getTime() === row.updated_at.getTime() };
}

export async function listHelpdeskSources(
  db: Kysely<Database>,
  config: HelpdeskSourceConfig,
  workspaceId: string,
): Promise<HelpdeskSourceDto[]> {
  return (await findHelpdeskSources(db, workspaceId)).map((r) =>
    toHelpdeskSourceDto(r, config.PUBLIC_URL),
  );
}

export async function removeHelpdeskSource(
  db: Kysely<Database>,
  workspaceId: string,
  provider: HelpdeskProvider,
): Promise<void> {
  if (!(await deleteHelpdeskSource(db, workspaceId, provider))) {
    throw new NotFoundError(
      'helpdesk_source_not_found',
      `No ${provider} source in this workspace.`,
    );
  }
}

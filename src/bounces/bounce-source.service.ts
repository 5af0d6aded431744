import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { BounceProvider, Database } from '../../db/schema';
import type { Clock } from '../clock';
import { NotFoundError } from '../errors';
import { sealSecret } from '../platform/secret-box';
import type {
  BounceSourceDto,
  ConfigureBounceSourceBody,
  ConfiguredBounceSourceDto,
} from './bounce-source.schemas';
import {
  deleteBounceSource,
  findBounceSources,
  upsertBounceSource,
} from './bounce-source.repository';
import { POSTMARK_USER } from './providers/postmark';

/** The purpose under which provider secrets are sealed (secret-box.ts). */
export const BOUNCE_SECRET_PURPOSE = 'bounce-source';

export interface BounceSourceConfig {
  GLAS_SECRET: string;
  PUBLIC_URL: string;
}

type SourceRow = Awaited<ReturnType<typeof findBounceSources>>[number];

export function intakeUrl(publicUrl: string, provider: BounceProvider, id: string): string {
  return `${publicUrl}/inbound/bounces/${provider}/${id}`;
}

function toBounceSourceDto(row: SourceRow, publicUrl: string): BounceSourceDto {
  return {
    provider: row.provider,
    url: intakeUrl(publicUrl, row.provider, row.id),
    topicArn: row.topic_arn,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/**
 * Sets (or replaces) what checks one provider's calls for the workspace. The URL stays the same
 * across replacements, so a key can be rotated without touching the provider's webhook.
 */
export async function configureBounceSource(
  db: Kysely<Database>,
  clock: Clock,
  config: BounceSourceConfig,
  workspaceId: string,
  provider: BounceProvider,
  body: ConfigureBounceSourceBody,
): Promise<{ source: ConfiguredBounceSourceDto; created: boolean }> {
  const password = provider === 'postmark' ? randomBytes(24).toString('base64url') : undefined;
  const plain = password ?? body.signingKey ?? body.verificationKey ?? null;
  const now = clock.now();
  const row = await upsertBounceSource(db, {
    workspaceId,
    provider,
    secret: plain === null ? null : sealSecret(config.GLAS_SECRET, BOUNCE_SECRET_PURPOSE, plain),
    topicArn: provider === 'ses' ? (body.topicArn ?? null) : null,
    now,
  });
  const source: ConfiguredBounceSourceDto = toBounceSourceDto(row, config.PUBLIC_URL);
  if (password) {
    const url = new URL(source.url);
    url.username = POSTMARK_USER;
    url.password = password;
    source.password = password;
    source.urlWithCredentials = url.href;
  }
  return { source, created: row.created_at.getTime() === row.updated_at.getTime() };
}

export async function listBounceSources(
  db: Kysely<Database>,
  config: BounceSourceConfig,
  workspaceId: string,
): Promise<BounceSourceDto[]> {
  return (await findBounceSources(db, workspaceId)).map((r) =>
    toBounceSourceDto(r, config.PUBLIC_URL),
  );
}

export async function removeBounceSource(
  db: Kysely<Database>,
  workspaceId: string,
  provider: BounceProvider,
): Promise<void> {
  if (!(await deleteBounceSource(db, workspaceId, provider))) {
    throw new NotFoundError('bounce_source_not_found', `No ${provider} source in this workspace.`);
  }
}

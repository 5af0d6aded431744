import type { Kysely } from 'kysely';
import type { Database, Workspace } from '../../db/schema';
import { NotFoundError } from '../errors';
import { createApiKey } from './api-key.service';
import { findAnyWorkspaceId, findWorkspaceById, insertWorkspace } from './workspace.repository';

export interface WorkspaceDto {
  id: string;
  name: string;
  timeZone: string;
  defaultLocale: string;
  createdAt: string;
}

export function toWorkspaceDto(row: Workspace): WorkspaceDto {
  return {
    id: row.id,
    name: row.name,
    timeZone: row.time_zone,
    defaultLocale: row.default_locale,
    createdAt: row.created_at.toISOString(),
  };
}

/** Creates a workspace with its first admin API key, in one transaction. */
export async function createWorkspace(db: Kysely<Database>, input: { name: string }) {
  return db.transaction().execute(async (trx) => {
    const row = await insertWorkspace(trx, input.name);
    const key = await createApiKey(trx, row.id, { name: 'bootstrap admin', role: 'admin' });
    return { workspace: toWorkspaceDto(row), apiKey: key.key };
  });
}

export async function getWorkspace(db: Kysely<Database>, workspaceId: string): Promise<Workspace> {
  const row = await findWorkspaceById(db, workspaceId);
  if (!row) {
    throw new NotFoundError('workspace_not_found', 'Workspace not found.');
  }
  return row;
}

/** Whether this instance has a workspace yet (a fresh one offers the first-run setup). */
export async function hasAnyWorkspace(db: Kysely<Database>): Promise<boolean> {
  return (await findAnyWorkspaceId(db)) !== undefined;
}

import { sql } from 'kysely';
import type { Kysely, Updateable } from 'kysely';
import type { Database, Workspace } from '../../db/schema';
import type { WorkspacesTable } from '../../db/schema/workspaces';

export async function insertWorkspace(db: Kysely<Database>, name: string): Promise<Workspace> {
  return db.insertInto('workspaces').values({ name }).returningAll().executeTakeFirstOrThrow();
}

export async function findAnyWorkspaceId(db: Kysely<Database>): Promise<string | undefined> {
  const row = await db.selectFrom('workspaces').select('id').limit(1).executeTakeFirst();
  return row?.id;
}

export async function findWorkspaceById(
  db: Kysely<Database>,
  id: string,
): Promise<Workspace | undefined> {
  return db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateWorkspace(
  db: Kysely<Database>,
  id: string,
  values: Updateable<WorkspacesTable>,
  opts: { requestRollupRebuild?: boolean } = {},
): Promise<void> {
  await db
    .updateTable('workspaces')
    .set({
      ...values,
      ...(opts.requestRollupRebuild ? { rollups_rebuild_requested_at: sql<Date>`now()` } : {}),
    })
    .where('id', '=', id)
    .execute();
}

import type { Kysely } from 'kysely';
import type { Database, User } from '../../db/schema';
import type { Clock } from '../clock';
import { AppError, ConflictError } from '../errors';
import { hashToken, newToken } from '../platform/tokens';
import { insertSetupToken, lockSetup, retireSetupTokens, useSetupToken } from './setup.repository';
import type { SetupBody } from './setup.schemas';
import { insertUser } from './user.repository';
import { hashPassword } from './user.service';
import { findAnyWorkspaceId, insertWorkspace } from './workspace.repository';
import type { WorkspaceDto } from './workspace.service';
import { toWorkspaceDto } from './workspace.service';

// First run without the CLI (as Metabase and Grafana do it): while no workspace exists, each
// start prints a one-time token, and whoever can read the log may create the first workspace
// and its admin on the dashboard. Nobody else can claim a fresh instance.

export class SetupTokenError extends AppError {
  override name = 'SetupTokenError';
  constructor() {
    super(
      403,
      'setup_token_invalid',
      'That setup token is wrong or was used already. Glas prints a new one in its log each time it starts without a workspace.',
    );
  }
}

export const alreadySetUp = () =>
  new ConflictError('already_set_up', 'Glas is set up already: sign in instead.');

export async function needsSetup(db: Kysely<Database>): Promise<boolean> {
  return (await findAnyWorkspaceId(db)) === undefined;
}

/** A new setup token while no workspace exists (stored as its hash), else null. */
export async function issueSetupToken(db: Kysely<Database>, clock: Clock): Promise<string | null> {
  if (!(await needsSetup(db))) {
    return null;
  }
  const token = newToken('glas_setup_');
  await insertSetupToken(db, hashToken(token), clock.now());
  return token;
}

/**
 * Creates the first workspace and its admin with a setup token, once: the token is used and
 * every other one retired in the same transaction, under a lock, so a second setup (or one
 * after a workspace was made another way) is refused.
 */
export async function completeSetup(
  db: Kysely<Database>,
  clock: Clock,
  input: SetupBody,
): Promise<{ workspace: WorkspaceDto; user: User }> {
  const passwordHash = await hashPassword(input.password);
  const now = clock.now();
  return db.transaction().execute(async (trx) => {
    await lockSetup(trx);
    if ((await findAnyWorkspaceId(trx)) !== undefined) {
      throw alreadySetUp();
    }
    if (!(await useSetupToken(trx, hashToken(input.token), now))) {
      throw new SetupTokenError();
    }
    await retireSetupTokens(trx, now);
    const workspace = await insertWorkspace(trx, input.workspaceName);
    const user = await insertUser(trx, {
      workspaceId: workspace.id,
      email: input.email,
      name: null,
      role: 'admin',
      passwordHash,
      now,
    });
    return { workspace: toWorkspaceDto(workspace), user };
  });
}

import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import type { Kysely } from 'kysely';
import request from 'supertest';
import type { Database, UserRole } from '../../db/schema';
import { systemClock } from '../../src/clock';
import { createUser } from '../../src/workspaces/user.service';
import { workspaceIdOrNew } from './factories';

export const TEST_PASSWORD = 'correct horse battery staple';

/** A dashboard user of `role` with a known password; without a workspace, in a new one. */
export async function buildUser(
  db: Kysely<Database>,
  workspaceId: string | undefined,
  role: UserRole,
  overrides: { email?: string; password?: string } = {},
) {
  const email = overrides.email ?? `${role}-${randomBytes(3).toString('hex')}@example.com`;
  const password = overrides.password ?? TEST_PASSWORD;
  const id = await workspaceIdOrNew(db, workspaceId);
  const user = await createUser(db, systemClock, id, { email, role, password });
  return { ...user, password };
}

export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m?.[1]) {
    throw new Error('no CSRF token in the page');
  }
  return m[1];
}

export interface SignedIn {
  agent: ReturnType<typeof request.agent>;
  csrf: string;
}

/** Signs in through the real form (login CSRF included) and returns the cookie-carrying agent. */
export async function signIn(
  app: Express,
  email: string,
  password = TEST_PASSWORD,
): Promise<SignedIn> {
  const agent = request.agent(app);
  const form = await agent.get('/dashboard/sign-in').expect(200);
  await agent
    .post('/dashboard/sign-in')
    .type('form')
    .send({ _csrf: csrfFrom(form.text), email, password, next: '/dashboard' })
    .expect(303);
  const home = await agent.get('/dashboard/account').expect(200);
  return { agent, csrf: csrfFrom(home.text) };
}

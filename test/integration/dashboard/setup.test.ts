import request from 'supertest';
import { hashToken } from '../../../src/platform/tokens';
import { issueSetupToken } from '../../../src/workspaces/setup.service';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

let world: TestWorld;

const form = (token: string, overrides: Record<string, string> = {}) => ({
  token,
  workspaceName: 'Acme',
  email: 'first@acme.example',
  password: 'a long passphrase',
  ...overrides,
});

beforeAll(async () => {
  world = await createTestWorld();
});

afterAll(async () => {
  await world?.close();
});

describe('first-run setup on /dashboard', () => {
  it('sends the dashboard of an instance without workspaces to the setup page', async () => {
    const home = await request(world.app).get('/dashboard').expect(303);
    const signIn = await request(world.app).get(home.headers.location!).expect(303);
    expect(signIn.headers.location).toBe('/dashboard/setup');
    const page = await request(world.app).get('/dashboard/setup').expect(200);
    expect(page.text).toContain('Set up Glas');
    expect(page.text).toContain('name="token"');
  });

  it('stores the printed token only as its hash', async () => {
    const token = await issueSetupToken(world.ctx.db, world.ctx.clock);
    expect(token).toMatch(/^glas_setup_[A-Za-z0-9_-]{43}$/);
    const rows = await world.ctx.db.selectFrom('setup_tokens').selectAll().execute();
    expect(rows.map((r) => r.token_hash)).toContain(hashToken(token!));
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('refuses a wrong token with 403 and a message, as HTML and as JSON', async () => {
    await issueSetupToken(world.ctx.db, world.ctx.clock);
    const html = await request(world.app)
      .post('/dashboard/setup')
      .type('form')
      .send(form('glas_setup_wrong'))
      .expect(403);
    expect(html.headers['content-type']).toMatch(/html/);
    expect(html.text).toContain('That setup token is wrong or was used already.');
    expect(html.text).toContain('value="first@acme.example"');
    const json = await request(world.app)
      .post('/dashboard/setup')
      .set('Accept', 'application/json')
      .type('form')
      .send(form('glas_setup_wrong'))
      .expect(403);
    expect(json.body.error).toMatchObject({ code: 'setup_token_invalid' });
    expect(await world.ctx.db.selectFrom('workspaces').selectAll().execute()).toHaveLength(0);
  });

  it('refuses a bad form with 400 naming the field, and keeps the token', async () => {
    const token = (await issueSetupToken(world.ctx.db, world.ctx.clock))!;
    const json = await request(world.app)
      .post('/dashboard/setup')
      .set('Accept', 'application/json')
      .type('form')
      .send(form(token, { email: 'not an email', password: 'short' }))
      .expect(400);
    const fields = json.body.error.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(['email', 'password']);
    const html = await request(world.app)
      .post('/dashboard/setup')
      .type('form')
      .send(form(token, { workspaceName: '' }))
      .expect(400);
    expect(html.text).toContain('id="workspaceName-error"');
    const [row] = await world.ctx.db
      .selectFrom('setup_tokens')
      .select('used_at')
      .where('token_hash', '=', hashToken(token))
      .execute();
    expect(row!.used_at).toBeNull();
  });

  it('creates the first workspace and admin once, signed in, then refuses every setup', async () => {
    const tokens = [
      (await issueSetupToken(world.ctx.db, world.ctx.clock))!,
      (await issueSetupToken(world.ctx.db, world.ctx.clock))!,
    ];
    // Two setups at once, each with a valid token: one wins, the other finds a workspace.
    const answers = await Promise.all(
      tokens.map((token, i) =>
        request(world.app)
          .post('/dashboard/setup')
          .set('Accept', 'application/json')
          .type('form')
          .send(form(token, { email: `admin${i}@acme.example` })),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const won = answers.find((a) => a.status === 201)!;
    expect(won.body).toMatchObject({ workspace: { name: 'Acme' }, admin: { role: 'admin' } });
    const lost = answers.find((a) => a.status === 409)!;
    expect(lost.body.error).toMatchObject({ code: 'already_set_up' });
    expect(await world.ctx.db.selectFrom('workspaces').selectAll().execute()).toHaveLength(1);

    const cookie = won.headers['set-cookie'] as unknown as string[];
    const overview = await request(world.app).get('/dashboard').set('Cookie', cookie).expect(200);
    expect(overview.text).toContain(won.body.admin.email);

    for (const token of tokens) {
      const again = await request(world.app)
        .post('/dashboard/setup')
        .type('form')
        .send(form(token))
        .expect(409);
      expect(again.text).toContain('Glas is set up already: sign in instead.');
    }
    await request(world.app).get('/dashboard/setup').expect(409);
    await request(world.app).get('/dashboard/sign-in').expect(200);
    expect(await issueSetupToken(world.ctx.db, world.ctx.clock)).toBeNull();
    const unused = await world.ctx.db
      .selectFrom('setup_tokens')
      .select('id')
      .where('used_at', 'is', null)
      .execute();
    expect(unused).toHaveLength(0);
  });

  it('signs the new admin in with the chosen password', async () => {
    const agent = request.agent(world.app);
    const page = await agent.get('/dashboard/sign-in').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    const admins = await world.ctx.db.selectFrom('users').select('email').execute();
    await agent
      .post('/dashboard/sign-in')
      .type('form')
      .send({ _csrf: csrf, email: admins[0]!.email, password: 'a long passphrase' })
      .expect(303);
  });
});

import fc from 'fast-check';
import type { Clock } from '../../../src/clock';
import type { CreateEventBody } from '../../../src/dispatch/event.schemas';
import { ingestEvent, ingestEvents } from '../../../src/dispatch/ingest.service';
import { buildSurvey, buildWorkspace } from '../../support/factories';
import { createTestWorld } from '../../support/test-context';
import type { TestWorld } from '../../support/test-context';

// A batch is stored set-based (glas_ingest_set); the same events one by one go through the
// per-item walk (glas_ingest). Both must decide every invitation alike: quiet periods across
// surveys and repeated contacts, suppressions, and leave every contact alike.

let world: TestWorld;
const clock = {
  at: new Date('2026-11-25T12:00:00Z'),
  now() {
    return this.at;
  },
} satisfies Clock & { at: Date };

beforeAll(async () => {
  world = await createTestWorld({ clock });
});
afterAll(async () => {
  await world.close();
});

const EMAILS = ['ana@example.com', 'Ana@Example.com', 'bo@example.com', 'cy@example.com'];
const TYPES = ['ticket.closed', 'order.shipped'];

const eventArb: fc.Arbitrary<CreateEventBody> = fc.record({
  type: fc.constantFrom(...TYPES),
  contact: fc.record(
    {
      email: fc.constantFrom(...EMAILS),
      locale: fc.constantFrom('en', 'hr', 'vi'),
      properties: fc.dictionary(fc.constantFrom('plan', 'region'), fc.constantFrom('a', 'b')),
    },
    { requiredKeys: ['email'] },
  ),
  properties: fc.dictionary(fc.constantFrom('team', 'agent'), fc.constantFrom('x', 'y')),
});

/** A workspace with three surveys of different quiet periods, one contact unsubscribed, one invited already. */
async function setUp() {
  const { workspace } = await buildWorkspace(world.ctx.db);
  const db = world.ctx.db;
  const long = await buildSurvey(db, workspace.id, { name: 'long' });
  const none = await buildSurvey(db, workspace.id, { name: 'none' });
  const week = await buildSurvey(db, workspace.id, { name: 'week', eventType: 'order.shipped' });
  await db.updateTable('surveys').set({ quiet_period_days: 0 }).where('id', '=', none.id).execute();
  await db.updateTable('surveys').set({ quiet_period_days: 7 }).where('id', '=', week.id).execute();
  // Ten days ago: blocks the 90-day survey, not the 7-day one.
  clock.at = new Date('2026-11-15T12:00:00Z');
  await ingestEvent(
    db,
    clock,
    workspace.id,
    { type: 'order.shipped', contact: { email: 'bo@example.com' }, properties: {} },
    undefined,
    world.ctx.hashEmail,
  );
  clock.at = new Date('2026-11-25T12:00:00Z');
  await ingestEvent(
    db,
    clock,
    workspace.id,
    { type: 'nothing.here', contact: { email: 'cy@example.com' }, properties: {} },
    undefined,
    world.ctx.hashEmail,
  );
  await db
    .updateTable('contacts')
    .set({ unsubscribed_at: clock.at, unsubscribe_source: 'link' })
    .where('workspace_id', '=', workspace.id)
    .where('email', '=', 'cy@example.com')
    .execute();
  const names = new Map([long, none, week].map((s) => [s.id, s.name]));
  return { workspaceId: workspace.id, names };
}

async function contactsOf(workspaceId: string) {
  const rows = await world.ctx.db
    .selectFrom('contacts')
    .select(['email', 'locale', 'properties', 'unsubscribed_at'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('email')
    .execute();
  return rows.map((r) => ({ ...r, unsubscribed_at: r.unsubscribed_at !== null }));
}

describe('batch ingest, set-based', () => {
  it('decides as the per-item walk does, in a constant number of statements', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(eventArb, { minLength: 2, maxLength: 25 }), async (events) => {
        const a = await setUp();
        const b = await setUp();
        const batch = await ingestEvents(
          world.ctx.db,
          clock,
          a.workspaceId,
          events,
          undefined,
          world.ctx.hashEmail,
        );
        expect(batch.walked).toBe(false);
        const oneByOne = [];
        for (const e of events) {
          oneByOne.push(
            await ingestEvent(
              world.ctx.db,
              clock,
              b.workspaceId,
              e,
              undefined,
              world.ctx.hashEmail,
            ),
          );
        }
        const decisions = (
          names: Map<string, string>,
          invs: { surveyId: string; status: string; skipReason: string | null }[] = [],
        ) => invs.map((i) => [names.get(i.surveyId), i.status, i.skipReason]);
        expect(batch.results.map((r) => decisions(a.names, r.invitations))).toEqual(
          oneByOne.map((r) => decisions(b.names, r.body.invitations)),
        );
        expect(await contactsOf(a.workspaceId)).toEqual(await contactsOf(b.workspaceId));
      }),
      { numRuns: 25, seed: 20261204 },
    );
  });

  it('walks the batch per item when the set cannot be stored whole (a key twice)', async () => {
    const a = await setUp();
    const e = { type: 'ticket.closed', contact: { email: 'new@example.com' }, properties: {} };
    const batch = await ingestEvents(
      world.ctx.db,
      clock,
      a.workspaceId,
      [
        { ...e, idempotencyKey: 'same' },
        { ...e, idempotencyKey: 'same' },
      ],
      undefined,
      world.ctx.hashEmail,
    );
    expect(batch.walked).toBe(true);
    expect(batch.results.map((r) => [r.status, r.replayed])).toEqual([
      [202, false],
      [202, true],
    ]);
  });
});

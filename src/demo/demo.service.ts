import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { DemoKind } from './plan';
import type { Logger } from '../logger';
import { mergeRollups } from '../analytics/rollup.service';
import {
  addNote,
  changeCase,
  createRule,
  listCases,
  sendCaseAlert,
} from '../followups/followup.service';
import type { EmailHasher } from '../platform/keyed-hash';
import type { Mailer } from '../platform/mailer';
import { addDays, addMonths, localDate, periodStart } from '../platform/periods';
import { createAction, updateAction } from '../reports/action.service';
import { ensureReport, periodEndOf } from '../reports/report.service';
import { createSurveyBodySchema } from '../surveys/survey.schemas';
import { createSurvey, launchSurvey } from '../surveys/survey.service';
import { listApiKeys } from '../workspaces/api-key.service';
import { createUser } from '../workspaces/user.service';
import { updateWorkspaceSettings } from '../workspaces/workspace-settings.service';
import { createWorkspace, getWorkspace, hasAnyWorkspace } from '../workspaces/workspace.service';
import { at, dayStart, EVENT_TYPES, importHistory, playHistory } from './demo-history';
import type { DemoConfig, HistoryCounts } from './demo-history';
import { withDemoLock } from './demo.repository';
import { DEMO_ACTIONS } from './actions';
import { DEMO_DAYS, DEMO_QUIET_DAYS, planDemo } from './plan';
import type { PlanOptions } from './plan';
import { seededRandom } from './random';

export interface DemoDeps {
  db: Kysely<Database>;
  config: DemoConfig;
  hashEmail: EmailHasher;
  logger: Logger;
  /** Where the history ends; it starts 400 days before (DEMO_DAYS). */
  now: Date;
}

export interface DemoOptions extends PlanOptions {
  seed?: number;
  name?: string;
  /** Dashboard password of the three demo users; a random one when absent. */
  password?: string;
  /** Domain of the demo users' emails (admin@…, manager@…, executive@…). */
  emailDomain?: string;
  /**
   * The last days lived through the whole product (events, sends, answers, cases); the
   * months before are the answers the team imported when it moved to Glas. Default 90.
   */
  liveDays?: number;
}

export interface DemoResult {
  workspace: { id: string; name: string };
  apiKey: string;
  password: string;
  users: { email: string; role: 'admin' | 'manager' | 'executive' }[];
  surveys: { id: string; kind: DemoKind; name: string }[];
  counts: HistoryCounts & { followups: number; actions: number; reports: number };
  seed: number;
}

export const DEFAULT_DEMO_SEED = 14;
const TIME_ZONE = 'Europe/Zagreb';
const DAY = 86_400_000;
const HOUR = 3_600_000;

const SURVEYS: Record<DemoKind, string> = {
  nps: 'Support NPS (after a ticket is closed)',
  csat: 'Delivery CSAT',
  ces: 'Account setup effort (CES)',
};

/** Who follows up which team's detractors (the follow-up rules). */
const OWNERS: readonly { team: string | null; name: string; email: string }[] = [
  { team: 'billing', name: 'Maja Horvat', email: 'maja.horvat@demo.glas.example' },
  { team: 'technical', name: 'Ivan Kovačević', email: 'ivan.kovacevic@demo.glas.example' },
  { team: 'logistics', name: 'Nguyễn Minh Anh', email: 'minh.anh@demo.glas.example' },
  { team: 'onboarding', name: 'Jovana Petrović', email: 'jovana.petrovic@demo.glas.example' },
  { team: null, name: 'Oliver Bennett', email: 'oliver.bennett@demo.glas.example' },
];

const NOTES = [
  'Called the customer, apologised and explained the fix.',
  'Sent a credit note and a direct line to the team lead.',
  'Customer did not pick up; left a voicemail and sent an email.',
  'Walked the customer through the setup on a call.',
];

async function createSurveys(deps: DemoDeps, workspaceId: string, start: Date) {
  const out: DemoResult['surveys'] = [];
  // A minute apart, so reports (oldest survey first) always open with the NPS.
  for (const [i, kind] of (['nps', 'csat', 'ces'] as const).entries()) {
    const body = createSurveyBodySchema.parse({
      kind,
      name: SURVEYS[kind],
      trigger: {
        eventType: EVENT_TYPES[kind],
        delaySeconds: 3600,
        quietPeriodDays: DEMO_QUIET_DAYS,
      },
      segmentProperties: ['region', 'plan', 'team', 'agent'],
      expiresAfterDays: 14,
    });
    const made = new Date(start.getTime() + i * 60_000);
    const survey = await createSurvey(deps.db, workspaceId, body, made);
    await launchSurvey(deps.db, at(made), workspaceId, survey.id);
    out.push({ id: survey.id, kind, name: survey.name });
  }
  return out;
}

/**
 * Walks every follow-up case the answers opened as its owner would: the alert goes out, old
 * cases are mostly resolved (some after a call), recent ones are contacted or still open, and
 * a few old ones stay open past their due time.
 */
async function workCases(deps: DemoDeps, workspaceId: string, seed: number, authorKeyId: string) {
  const rnd = seededRandom(seed + 1);
  const mailer: Mailer = {
    send: (mail) => Promise.resolve({ messageId: mail.messageId ?? '<demo-alert@glas.invalid>' }),
    close() {},
  };
  let total = 0;
  let cursor: string | undefined;
  do {
    const page = await listCases(deps.db, at(deps.now), workspaceId, { limit: 200, cursor });
    for (const c of page.data) {
      total++;
      const created = new Date(c.createdAt);
      const ageDays = (deps.now.getTime() - created.getTime()) / DAY;
      await sendCaseAlert(
        { db: deps.db, clock: at(new Date(created.getTime() + 60_000)), mailer },
        workspaceId,
        c.id,
      );
      const r = rnd.next();
      const fate =
        ageDays > 21
          ? r < 0.62
            ? 'contacted-resolved'
            : r < 0.87
              ? 'resolved'
              : r < 0.95
                ? 'contacted'
                : 'open'
          : ageDays > 3
            ? r < 0.3
              ? 'contacted-resolved'
              : r < 0.45
                ? 'resolved'
                : r < 0.8
                  ? 'contacted'
                  : 'open'
            : r < 0.3
              ? 'contacted'
              : 'open';
      const contactedAt = new Date(created.getTime() + rnd.int(2, 40) * HOUR);
      const ended = (t: Date) => (t < deps.now ? t : new Date(deps.now.getTime() - 60_000));
      if (fate.startsWith('contacted')) {
        await changeCase(deps.db, at(ended(contactedAt)), workspaceId, c.id, {
          status: 'contacted',
        });
        await addNote(
          deps.db,
          at(ended(contactedAt)),
          workspaceId,
          c.id,
          rnd.pick(NOTES),
          authorKeyId,
        );
      }
      if (fate.endsWith('resolved')) {
        const resolvedAt = new Date(contactedAt.getTime() + rnd.int(1, 72) * HOUR);
        await changeCase(deps.db, at(ended(resolvedAt)), workspaceId, c.id, { status: 'resolved' });
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return total;
}

type Step = { at: Date; run: () => Promise<unknown> };

/** The five improvement actions: created, then moved along, each at its own time. */
function actionSteps(deps: DemoDeps, workspaceId: string, surveys: DemoResult['surveys']): Step[] {
  return DEMO_ACTIONS.flatMap((a) => {
    const survey = surveys.find((s) => s.kind === a.kind)!;
    const created = new Date(dayStart(deps.now, a.createdDaysAgo).getTime() + 8 * HOUR);
    let id = '';
    const create: Step = {
      at: created,
      run: async () => {
        const action = await createAction(deps.db, at(created), workspaceId, {
          surveyId: survey.id,
          title: a.title,
          description: a.description,
          ownerName: a.owner.name,
          ownerEmail: a.owner.email,
          dueDate: localDate(new Date(created.getTime() + 60 * DAY), TIME_ZONE),
          status: 'open',
          target: a.target,
        });
        id = action.id;
      },
    };
    return [
      create,
      ...a.history.map(([after, status]): Step => {
        const when = new Date(created.getTime() + after * DAY);
        return {
          at: when,
          run: () => updateAction(deps.db, at(when), workspaceId, id, { status }),
        };
      }),
    ];
  });
}

/** The reports the scheduler would have stored: the last twelve months and eight weeks. */
async function reportSteps(deps: DemoDeps, workspaceId: string): Promise<Step[]> {
  const workspace = await getWorkspace(deps.db, workspaceId);
  const today = localDate(deps.now, TIME_ZONE);
  const periods: { kind: 'monthly' | 'weekly'; start: string }[] = [];
  for (let m = 12; m >= 1; m--) {
    periods.push({ kind: 'monthly', start: addMonths(periodStart(today, 'month'), -m) });
  }
  for (let w = 8; w >= 1; w--) {
    periods.push({ kind: 'weekly', start: addDays(periodStart(today, 'week'), -7 * w) });
  }
  return periods.map((p) => {
    // Built the morning after the period ended, as the schedule does.
    const builtAt = new Date(`${addDays(periodEndOf(p.kind, p.start), 1)}T06:00:00Z`);
    return {
      at: builtAt,
      run: () =>
        ensureReport({ db: deps.db, clock: at(builtAt) }, workspace, p.kind, p.start, 'schedule'),
    };
  });
}

/**
 * Actions and reports in the order they happened, so each stored report shows the actions as
 * they stood on the morning it was built. (The follow-up cases are already worked to today.)
 */
async function actionsAndReports(
  deps: DemoDeps,
  workspaceId: string,
  surveys: DemoResult['surveys'],
) {
  const reports = await reportSteps(deps, workspaceId);
  const steps = [...actionSteps(deps, workspaceId, surveys), ...reports].sort(
    (a, b) => a.at.getTime() - b.at.getTime(),
  );
  for (const step of steps) {
    await step.run();
  }
  return { actions: DEMO_ACTIONS.length, reports: reports.length };
}

/**
 * Creates a demo workspace with thirteen months of history: three launched surveys, customers
 * in five languages, their answers and comments, follow-up cases in every state, improvement
 * actions with measured effects and the stored reports. Deterministic from the seed (the ids
 * and the password aside); every row is written by the service that writes it in production.
 */
export async function createDemoWorkspace(
  deps: DemoDeps,
  options: DemoOptions = {},
): Promise<DemoResult> {
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  const started = Date.now();
  const start = new Date(dayStart(deps.now, (options.days ?? DEMO_DAYS) + 1).getTime() + 8 * HOUR);
  const name = options.name ?? 'Demo: Northwind Support';
  const domain = options.emailDomain ?? 'demo.glas.example';
  const password = options.password ?? randomBytes(9).toString('base64url');
  const created = await createWorkspace(deps.db, { name });
  const workspaceId = created.workspace.id;
  const roles = ['admin', 'manager', 'executive'] as const;
  const users = roles.map((role) => ({ email: `${role}@${domain}`, role }));
  await updateWorkspaceSettings(deps.db, workspaceId, {
    timeZone: TIME_ZONE,
    quietPeriodDays: DEMO_QUIET_DAYS,
    executiveRecipients: [`executive@${domain}`],
    managerRecipients: [`manager@${domain}`],
  });
  for (const u of users) {
    await createUser(deps.db, at(start), workspaceId, { ...u, password });
  }
  for (const [i, o] of OWNERS.entries()) {
    await createRule(deps.db, at(start), workspaceId, {
      property: o.team === null ? null : 'team',
      value: o.team,
      ownerEmail: o.email,
      ownerName: o.name,
      slaHours: 48,
      position: o.team === null ? 100 : i,
    });
  }
  const surveys = await createSurveys(deps, workspaceId, start);
  const plan = planDemo(seed, deps.now, options);
  const liveDays = options.liveDays ?? 90;
  const history = await playHistory(deps, workspaceId, seed, plan, liveDays);
  const surveyIds = Object.fromEntries(surveys.map((s) => [s.kind, s.id])) as Record<
    DemoKind,
    string
  >;
  history.imported = await importHistory(deps, workspaceId, seed, plan, surveyIds, liveDays);
  await mergeRollups(deps.db);
  const [key] = await listApiKeys(deps.db, workspaceId);
  const followups = await workCases(deps, workspaceId, seed, key!.id);
  const { actions, reports } = await actionsAndReports(deps, workspaceId, surveys);
  deps.logger.info(
    { workspaceId, seed, ...history, followups, actions, reports, ms: Date.now() - started },
    'demo workspace created',
  );
  return {
    workspace: { id: workspaceId, name },
    apiKey: created.apiKey,
    password,
    users,
    surveys,
    counts: { ...history, followups, actions, reports },
    seed,
  };
}

/**
 * The demo for `GLAS_DEMO=1`: created only while the instance has no workspace at all, so a
 * restart (or a real workspace) never adds one, and under a lock, so processes started
 * together make one. Null when a workspace exists.
 */
export async function createDemoIfEmpty(
  deps: DemoDeps,
  options: DemoOptions = {},
): Promise<DemoResult | null> {
  return withDemoLock(deps.db, async () =>
    (await hasAnyWorkspace(deps.db)) ? null : createDemoWorkspace(deps, options),
  );
}

/** What the demo made and how to sign in, for the CLI and the start-up log. */
export function describeDemo(result: DemoResult, publicUrl: string, ms: number): string {
  const c = result.counts;
  const n = (x: number) => x.toLocaleString('en');
  return [
    `Demo workspace "${result.workspace.name}" (${result.workspace.id}), seed ${result.seed}, in ${(ms / 1000).toFixed(1)} s:`,
    `  ${n(c.responses + c.imported)} responses (${n(c.imported)} of them imported history), ${n(c.invitations)} invitations, ${n(c.followups)} follow-up cases, ${c.actions} improvement actions, ${c.reports} stored reports`,
    `Sign in at ${publicUrl}/dashboard with any of:`,
    ...result.users.map((u) => `  ${u.role.padEnd(10)} ${u.email}`),
    `  password   ${result.password}`,
    `Admin API key (shown once): ${result.apiKey}`,
    '',
  ].join('\n');
}

import { phraseFor, THEMES, toSerbianCyrillic } from './comments';
import type { DemoLocale } from './comments';
import { seededRandom } from './random';
import type { Random } from './random';
import { DEMO_ACTIONS } from './actions';

/** The kinds the demo workspace runs (one survey each). */
export type DemoKind = 'nps' | 'csat' | 'ces';

// The demo's history as a pure function of (seed, now): who is asked what on which day and
// how they answer. The service then plays it through the product's own services.

export interface DemoContact {
  email: string;
  name: string;
  locale: DemoLocale;
  timeZone: string;
  region: string;
  plan: string;
}

export interface PlannedAnswer {
  score: number;
  comment: string | undefined;
  /** Minutes after the invitation was sent. */
  afterMinutes: number;
}

export interface PlannedEvent {
  kind: DemoKind;
  contact: number;
  team: string;
  agent: string;
  answer: PlannedAnswer | null;
}

export interface PlannedDay {
  /** Days before `now` (1 = yesterday). */
  daysAgo: number;
  events: PlannedEvent[];
}

export interface DemoPlan {
  contacts: DemoContact[];
  days: PlannedDay[];
}

const LOCALES: readonly (readonly [DemoLocale, number])[] = [
  ['en', 32],
  ['hr', 24],
  ['sr-Latn', 14],
  ['sr-Cyrl', 12],
  ['vi', 18],
];

const NAMES: Record<'en' | 'hr' | 'sr' | 'vi', { first: string[]; last: string[] }> = {
  en: {
    first: [
      'Emma',
      'Oliver',
      'Amelia',
      'Jack',
      'Sophie',
      'Harry',
      'Grace',
      'Noah',
      'Chloe',
      'Liam',
    ],
    last: ['Smith', 'Jones', 'Taylor', 'Brown', 'Walker', 'Wilson', 'Clarke', 'Hughes', 'Wright'],
  },
  hr: {
    first: [
      'Ana',
      'Luka',
      'Petra',
      'Ivan',
      'Marija',
      'Marko',
      'Lucija',
      'Josip',
      'Ivana',
      'Tomislav',
    ],
    last: ['Horvat', 'Kovačević', 'Babić', 'Marić', 'Jurić', 'Novak', 'Knežević', 'Vuković'],
  },
  sr: {
    first: [
      'Milica',
      'Nikola',
      'Jelena',
      'Stefan',
      'Jovana',
      'Lazar',
      'Teodora',
      'Đorđe',
      'Nevena',
    ],
    last: ['Jovanović', 'Petrović', 'Nikolić', 'Marković', 'Đorđević', 'Stojanović', 'Ilić'],
  },
  vi: {
    first: ['Anh', 'Minh', 'Linh', 'Huy', 'Trang', 'Khoa', 'Thảo', 'Dũng', 'Ngọc', 'Phúc'],
    last: ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi'],
  },
};

const REGIONS: Record<string, { mood: number; timeZone: string }> = {
  UK: { mood: 0.1, timeZone: 'Europe/London' },
  US: { mood: 0, timeZone: 'America/New_York' },
  Croatia: { mood: 0.05, timeZone: 'Europe/Zagreb' },
  Serbia: { mood: 0, timeZone: 'Europe/Belgrade' },
  Vietnam: { mood: -0.15, timeZone: 'Asia/Ho_Chi_Minh' },
};
const PLAN_MOOD: Record<string, number> = { free: -0.12, pro: 0.05, enterprise: 0.18 };

/** Which teams answer which survey's customers, with their agents and how they do. */
const TEAMS: Record<DemoKind, readonly { team: string; mood: number; agents: string[] }[]> = {
  nps: [
    { team: 'billing', mood: -0.35, agents: ['Maja', 'Petar', 'Sarah'] },
    { team: 'technical', mood: 0, agents: ['Ivan', 'Linh', 'Tom', 'Ana'] },
    { team: 'accounts', mood: 0.12, agents: ['Jelena', 'Mark'] },
  ],
  csat: [
    { team: 'logistics', mood: 0, agents: ['Marko', 'Huy', 'Kate'] },
    { team: 'returns', mood: -0.1, agents: ['Nina', 'Duc'] },
  ],
  ces: [
    { team: 'onboarding', mood: 0, agents: ['Jovana', 'Oliver', 'Thảo'] },
    { team: 'self-service', mood: -0.1, agents: ['Bot'] },
  ],
};
const AGENT_MOOD: Record<string, number> = { Petar: -0.15, Linh: 0.12, Kate: 0.1, Bot: -0.1 };

const KIND_MOOD: Record<DemoKind, number> = { nps: -0.05, csat: 0.9, ces: 0.1 };
/** Invitations per weekday; weekends get half. */
const PER_DAY: Record<DemoKind, number> = { nps: 9, csat: 7, ces: 4 };
const QUIET_DAYS = 30;

function asciiEmailPart(text: string): string {
  return text
    .replace(/[đĐ]/g, 'd')
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

function planContacts(rnd: Random, count: number): DemoContact[] {
  return Array.from({ length: count }, (_, i) => {
    const locale = rnd.weighted(LOCALES);
    const names =
      NAMES[locale === 'en' ? 'en' : locale === 'hr' ? 'hr' : locale === 'vi' ? 'vi' : 'sr'];
    const first = rnd.pick(names.first);
    const last = rnd.pick(names.last);
    const region =
      locale === 'en'
        ? rnd.chance(0.55)
          ? 'UK'
          : 'US'
        : locale === 'hr'
          ? 'Croatia'
          : locale === 'vi'
            ? 'Vietnam'
            : 'Serbia';
    const name = locale === 'vi' ? `${last} ${first}` : `${first} ${last}`;
    return {
      email: `${asciiEmailPart(first)}.${asciiEmailPart(last)}.${i + 1}@customers.example`,
      name: locale === 'sr-Cyrl' ? toSerbianCyrillic(name) : name,
      locale,
      timeZone: REGIONS[region]!.timeZone,
      region,
      plan: rnd.weighted([
        ['free', 45],
        ['pro', 40],
        ['enterprise', 15],
      ] as const),
    };
  });
}

function actionLift(kind: DemoKind, segment: Record<string, string>, daysAgo: number): number {
  let lift = 0;
  for (const a of DEMO_ACTIONS) {
    if (a.kind !== kind || daysAgo >= a.createdDaysAgo) {
      continue;
    }
    if (a.target.type === 'segment' && segment[a.target.property] !== a.target.value) {
      continue;
    }
    // Effects take a couple of weeks to show.
    lift += a.lift * Math.min(1, (a.createdDaysAgo - daysAgo) / 14);
  }
  return lift;
}

/** How a customer feels, about -1..1, from who they are, who served them and when. */
function moodOf(
  kind: DemoKind,
  contact: DemoContact,
  team: { team: string; mood: number },
  agent: string,
  daysAgo: number,
  month: number,
): number {
  const segment = { team: team.team, region: contact.region, plan: contact.plan };
  const deliveryDip = kind === 'csat' && (month === 11 || month === 0) ? -0.25 : 0;
  const vietnamDelivery = kind === 'csat' && contact.region === 'Vietnam' ? -0.2 : 0;
  return (
    KIND_MOOD[kind] +
    REGIONS[contact.region]!.mood +
    PLAN_MOOD[contact.plan]! +
    team.mood +
    (AGENT_MOOD[agent] ?? 0) +
    0.12 * (1 - daysAgo / 365) +
    deliveryDip +
    vietnamDelivery +
    actionLift(kind, segment, daysAgo)
  );
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** A score on the kind's scale for a mood: low, middle or high band, then a value inside it. */
function scoreFor(rnd: Random, kind: DemoKind, mood: number): { score: number; band: 0 | 1 | 2 } {
  const high = clamp(0.45 + 0.32 * mood, 0.05, 0.92);
  const low = clamp(0.22 - 0.24 * mood, 0.03, 0.7);
  const r = rnd.next();
  const band: 0 | 1 | 2 = r < low ? 0 : r < low + high ? 2 : 1;
  const bands: Record<DemoKind, readonly (readonly (readonly [number, number])[])[]> = {
    nps: [
      [
        [0, 1],
        [1, 1],
        [2, 2],
        [3, 3],
        [4, 3],
        [5, 5],
        [6, 6],
      ],
      [
        [7, 5],
        [8, 6],
      ],
      [
        [9, 6],
        [10, 5],
      ],
    ],
    csat: [
      [
        [1, 2],
        [2, 3],
      ],
      [[3, 1]],
      [
        [4, 5],
        [5, 4],
      ],
    ],
    ces: [
      [
        [1, 1],
        [2, 2],
        [3, 3],
      ],
      [
        [4, 2],
        [5, 3],
      ],
      [
        [6, 5],
        [7, 3],
      ],
    ],
  };
  return { score: rnd.weighted(bands[kind][band]!), band };
}

function commentFor(
  rnd: Random,
  kind: DemoKind,
  band: 0 | 1 | 2,
  locale: DemoLocale,
  team: string,
): string | undefined {
  if (!rnd.chance([0.75, 0.4, 0.5][band]!)) {
    return undefined;
  }
  const tone =
    band === 0 ? 'negative' : band === 2 ? 'positive' : rnd.chance(0.5) ? 'negative' : 'positive';
  const themes = THEMES[kind].filter((t) => t.tone === tone);
  // Billing's detractors write about invoices more than anyone.
  const theme =
    tone === 'negative' && team === 'billing' && rnd.chance(0.6)
      ? themes.find((t) => t.key === 'invoice')!
      : rnd.pick(themes);
  return phraseFor(theme, locale, rnd.int(0, 2));
}

function answerDelay(rnd: Random): number {
  const [lo, hi] = rnd.weighted([
    [[3, 60], 50],
    [[60, 480], 30],
    [[480, 2880], 15],
    [[2880, 8640], 5],
  ] as const);
  return rnd.int(lo, hi);
}

export interface PlanOptions {
  /** Days of history; the default, 400, lets the latest month compare with a year before. */
  days?: number;
  contacts?: number;
  /** Scales the daily volume (1 = about 6,000 invitations a year). */
  volume?: number;
}

/** The whole history, deterministic from the seed; `now` only anchors it in time. */
export function planDemo(seed: number, now: Date, options: PlanOptions = {}): DemoPlan {
  const rnd = seededRandom(seed);
  const totalDays = options.days ?? DEMO_DAYS;
  const contacts = planContacts(rnd, options.contacts ?? 2400);
  const lastAsked = new Map<number, number>();
  const days: PlannedDay[] = [];
  for (let daysAgo = totalDays; daysAgo >= 1; daysAgo--) {
    const date = new Date(now.getTime() - daysAgo * 86_400_000);
    const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
    const events: PlannedEvent[] = [];
    for (const kind of ['nps', 'csat', 'ces'] as const) {
      const base = PER_DAY[kind] * (options.volume ?? 1) * (weekend ? 0.5 : 1);
      const count = Math.round(base * (0.75 + 0.5 * rnd.next()));
      for (let i = 0; i < count; i++) {
        let contact = rnd.int(0, contacts.length - 1);
        for (
          let tries = 0;
          tries < 4 && (lastAsked.get(contact) ?? 1e9) - daysAgo < QUIET_DAYS;
          tries++
        ) {
          contact = rnd.int(0, contacts.length - 1);
        }
        if ((lastAsked.get(contact) ?? 1e9) - daysAgo < QUIET_DAYS) {
          continue;
        }
        lastAsked.set(contact, daysAgo);
        const person = contacts[contact]!;
        const team = rnd.pick(TEAMS[kind]);
        const agent = rnd.pick(team.agents);
        const answers = rnd.chance(person.locale === 'vi' ? 0.36 : 0.46);
        const { score, band } = scoreFor(
          rnd,
          kind,
          moodOf(kind, person, team, agent, daysAgo, date.getUTCMonth()),
        );
        const comment = commentFor(rnd, kind, band, person.locale, team.team);
        const afterMinutes = answerDelay(rnd);
        // Someone asked yesterday may not have answered yet.
        const inTime = afterMinutes < daysAgo * 1440 - 12 * 60;
        events.push({
          kind,
          contact,
          team: team.team,
          agent,
          answer: answers && inTime ? { score, comment, afterMinutes } : null,
        });
      }
    }
    days.push({ daysAgo, events });
  }
  return { contacts, days };
}

export const DEMO_QUIET_DAYS = QUIET_DAYS;
export const DEMO_DAYS = 400;

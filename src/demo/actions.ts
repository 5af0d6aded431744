import type { DemoKind } from './plan';

// The demo's improvement actions: what the team tried, when, and how much it helped its target
// (the plan lifts the target's answers from the day each one was created).

/** An improvement action and the lift it gives its target from the day it was created. */
export interface PlannedAction {
  kind: DemoKind;
  title: string;
  description: string;
  owner: { name: string; email: string };
  target:
    { type: 'survey' } | { type: 'segment'; property: 'team' | 'region' | 'plan'; value: string };
  createdDaysAgo: number;
  /** Status changes after creation: [days after creation, status]. */
  history: readonly (readonly [number, 'in_progress' | 'done' | 'dropped'])[];
  lift: number;
}

export const DEMO_ACTIONS: readonly PlannedAction[] = [
  {
    kind: 'nps',
    title: 'Billing: answer every ticket within 4 hours',
    description: 'Second shift on the billing queue and a daily check of invoices sent twice.',
    owner: { name: 'Maja Horvat', email: 'maja.horvat@demo.glas.example' },
    target: { type: 'segment', property: 'team', value: 'billing' },
    createdDaysAgo: 210,
    history: [
      [7, 'in_progress'],
      [75, 'done'],
    ],
    lift: 0.55,
  },
  {
    kind: 'csat',
    title: 'New courier partner for Vietnam',
    description: 'Move deliveries in Hanoi and Ho Chi Minh City to a courier with tracking.',
    owner: { name: 'Nguyễn Minh Anh', email: 'minh.anh@demo.glas.example' },
    target: { type: 'segment', property: 'region', value: 'Vietnam' },
    createdDaysAgo: 130,
    history: [[10, 'in_progress']],
    lift: 0.45,
  },
  {
    kind: 'ces',
    title: 'Guided setup for the free plan',
    description: 'A three-step wizard instead of the settings page, and a working password reset.',
    owner: { name: 'Jovana Petrović', email: 'jovana.petrovic@demo.glas.example' },
    target: { type: 'segment', property: 'plan', value: 'free' },
    createdDaysAgo: 75,
    history: [
      [3, 'in_progress'],
      [40, 'done'],
    ],
    lift: 0.4,
  },
  {
    kind: 'csat',
    title: 'Plastic-free packaging',
    description: 'Tried and dropped: the paper filling let fragile items break.',
    owner: { name: 'Oliver Bennett', email: 'oliver.bennett@demo.glas.example' },
    target: { type: 'survey' },
    createdDaysAgo: 160,
    history: [[45, 'dropped']],
    lift: 0,
  },
  {
    kind: 'nps',
    title: 'One agent per ticket from start to end',
    description: 'Tickets stay with the agent who took them, so nobody explains twice.',
    owner: { name: 'Ivan Kovačević', email: 'ivan.kovacevic@demo.glas.example' },
    target: { type: 'survey' },
    createdDaysAgo: 20,
    history: [],
    lift: 0.1,
  },
];

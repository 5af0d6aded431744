import type { UserRole } from '../../../db/schema';

/**
 * Who may use which part of the dashboard: the one place roles are decided. Every dashboard
 * route names its area; the role-matrix test walks every route × role from this table.
 */
export const AREAS = {
  overview: ['admin', 'manager', 'executive'],
  reports: ['admin', 'manager', 'executive'],
  account: ['admin', 'manager', 'executive'],
  surveys: ['admin', 'manager'],
  responses: ['admin', 'manager'],
  segments: ['admin', 'manager'],
  themes: ['admin', 'manager'],
  followups: ['admin', 'manager'],
  deliveries: ['admin', 'manager'],
  actions: ['admin', 'manager'],
  reportRequests: ['admin', 'manager'],
  settings: ['admin'],
  apiKeys: ['admin'],
  users: ['admin'],
} as const satisfies Record<string, readonly UserRole[]>;

export type Area = keyof typeof AREAS;

export function mayUse(role: UserRole, area: Area): boolean {
  return (AREAS[area] as readonly UserRole[]).includes(role);
}

/** The navigation, in order; each entry shows only to roles allowed in its area. */
export const NAV: { area: Area; label: string; href: string }[] = [
  { area: 'overview', label: 'Overview', href: '/dashboard' },
  { area: 'surveys', label: 'Surveys', href: '/dashboard/surveys' },
  { area: 'responses', label: 'Responses', href: '/dashboard/responses' },
  { area: 'segments', label: 'Segments & themes', href: '/dashboard/segments' },
  { area: 'followups', label: 'Follow-ups', href: '/dashboard/followups' },
  { area: 'actions', label: 'Actions', href: '/dashboard/actions' },
  { area: 'deliveries', label: 'Deliveries', href: '/dashboard/deliveries' },
  { area: 'reports', label: 'Reports', href: '/dashboard/reports' },
  { area: 'settings', label: 'Settings', href: '/dashboard/settings' },
  { area: 'apiKeys', label: 'API keys', href: '/dashboard/api-keys' },
  { area: 'users', label: 'Users', href: '/dashboard/users' },
];

import path from 'node:path';
import type { SurveyKind } from '../../../db/schema';
import { answerText } from '../../surveys/texts';
import type { Response } from 'express';
import { Eta } from 'eta';
import type { SessionInfo } from '../../workspaces/session.service';
import { mayUse, NAV } from './access';
import type { Area } from './access';

// NOTE: its own Eta instance; autoEscape makes `<%= %>` HTML-escape every value, comments included.
const eta = new Eta({
  views: path.join(__dirname, 'templates'),
  autoEscape: true,
  autoTrim: false,
  cache: true,
});

export type FieldErrors = Record<string, string>;

const NOTICES: Record<string, string> = {
  signed_in: 'Welcome back.',
  password_changed: 'Your password is changed. Other sessions were signed out.',
  survey_created: 'Survey created as a draft.',
  survey_saved: 'Survey saved.',
  survey_launched: 'Survey launched: new events now send invitations.',
  survey_paused: 'Survey paused.',
  survey_closed: 'Survey closed.',
  survey_deleted: 'Draft deleted.',
  event_sent: 'Test event accepted.',
  response_flagged: 'Response flagged: it no longer counts in scores.',
  response_unflagged: 'Response unflagged: it counts in scores again.',
  case_saved: 'Case updated.',
  note_added: 'Note added.',
  send_resent: 'Scheduled again with the same Message-ID; the first link keeps working.',
  key_revoked: 'API key revoked.',
  user_created: 'User created.',
  settings_saved: 'Settings saved.',
  webhook_created: 'Webhook created.',
  webhook_deleted: 'Webhook deleted.',
  alert_created: 'Alert added.',
  alert_deleted: 'Alert deleted.',
  metric_alert_created: 'Metric alert added; it is checked every 15 minutes.',
  metric_alert_saved: 'Metric alert saved.',
  alert_test_sent: 'Test alert queued; it shows in the log below within seconds.',
  action_saved: 'Action saved.',
  action_deleted: 'Action deleted.',
  theme_saved: 'Theme change saved.',
  theme_reset: 'Theme change removed.',
};

export interface PageData {
  title: string;
  area?: Area;
  session?: SessionInfo;
  [key: string]: unknown;
}

/** Helpers every template gets: field errors next to inputs, and number/date formatting. */
function helpers(errors: FieldErrors) {
  return {
    err: (field: string) => errors[field],
    invalid: (field: string) => (errors[field] ? 'true' : 'false'),
    num: (v: number | null | undefined, digits = 1) =>
      v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits),
    signed: (v: number | null | undefined, digits = 1) =>
      v === null || v === undefined || !Number.isFinite(v)
        ? '—'
        : `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v).toFixed(digits)}`,
    answer: (kind: SurveyKind, score: number) => answerText(kind, score),
    date: (iso: string | Date | null | undefined) =>
      iso ? new Date(iso).toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : '—',
  };
}

export function renderPage(res: Response, view: string, data: PageData, status = 200): void {
  const errors = (data.errors as FieldErrors | undefined) ?? {};
  const session = data.session;
  const notice = typeof res.req.query.done === 'string' ? NOTICES[res.req.query.done] : undefined;
  const html = eta.render(`./${view}`, {
    notice,
    ...data,
    errors,
    h: helpers(errors),
    nav: session ? NAV.filter((n) => mayUse(session.role, n.area)) : [],
    csrf: session?.csrfToken ?? data.csrf,
  });
  res.status(status).type('html').send(html);
}

export function renderFragment(view: string, data: Record<string, unknown>): string {
  return eta.render(`./${view}`, data);
}

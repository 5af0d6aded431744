import type { SurveyKind, JsonObject } from '../../db/schema';
import { format } from './i18n';
import type { Locale } from './i18n/types';
import { renderTemplate } from './render';
import { resolveTexts, scoreLayout, scoreOptions } from './texts';

export interface InvitationEmailInput {
  invitationId: string;
  kind: SurveyKind;
  surveyTexts: JsonObject;
  locale: Locale;
  company: string;
  contactName: string | null;
  token: string;
  publicUrl: string;
  /** A reminder: the subject gets the catalog's reminder prefix. */
  reminder?: boolean;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

/** Builds the invitation email: HTML and text parts, score links, RFC 8058 unsubscribe headers. */
export function renderInvitationEmail(input: InvitationEmailInput): RenderedEmail {
  const texts = resolveTexts(input.kind, input.surveyTexts, input.locale, input.company);
  const m = texts.messages;
  const base = `${input.publicUrl}/s/${input.token}`;
  const unsubscribeUrl = `${input.publicUrl}/u/${input.token}`;
  const buttons = scoreOptions(input.kind, m).map((o) => ({ ...o, url: `${base}/${o.value}` }));
  const greeting = input.contactName
    ? format(m.emailGreeting, { name: input.contactName })
    : m.emailGreetingNoName;
  const vars = { company: input.company };
  const footer = format(input.kind === 'enps' ? m.emailFooterEmployee : m.emailFooter, vars);
  const subject = input.reminder
    ? `${m.reminderSubjectPrefix}${texts.emailSubject}`
    : texts.emailSubject;
  const html = renderTemplate('./invitation-email', {
    lang: input.locale,
    subject,
    greeting,
    intro: texts.emailIntro,
    question: texts.question,
    buttons,
    layout: scoreLayout(input.kind),
    scaleLow: m.scaleLow[input.kind],
    scaleHigh: m.scaleHigh[input.kind],
    footer,
    unsubscribeUrl,
    unsubscribeText: m.unsubscribeLink,
    // NOTE: invisible to people; a fetch of it flags the scanner at work (docs/collector.md).
    honeypotUrl: `${base}/info`,
  });
  const text = [
    greeting,
    '',
    texts.emailIntro,
    '',
    texts.question,
    `(${m.scaleLow[input.kind]} → ${m.scaleHigh[input.kind]})`,
    '',
    ...buttons.map((b) => `${b.label}: ${b.url}`),
    '',
    footer,
    `${m.unsubscribeLink}: ${unsubscribeUrl}`,
    '',
  ].join('\n');
  return {
    subject,
    text,
    html,
    headers: {
      'List-Unsubscribe': `<${unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'X-Glas-Invitation': input.invitationId,
      ...(input.reminder ? { 'X-Glas-Reminder': '1' } : {}),
      'Auto-Submitted': 'auto-generated',
    },
  };
}

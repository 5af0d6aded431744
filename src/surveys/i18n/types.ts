/**
 * Shapes of the survey text catalog. Every locale file exports one `Messages` object; the
 * compiler (and test/unit/i18n/catalog.test.ts) make sure each catalog is complete.
 *
 * Placeholders use `{name}` syntax and are filled in by `format()` from `./index`.
 */
import type { SurveyKind } from '../../../db/schema';

export const LOCALES = ['en', 'hr', 'sr-Latn', 'sr-Cyrl', 'vi'] as const;
export type Locale = (typeof LOCALES)[number];
export type { SurveyKind };

export interface Messages {
  /** Default survey question. Placeholders: `{company}`. */
  question: Record<SurveyKind, string>;
  /** Open follow-up question shown with the comment box. */
  followUp: Record<SurveyKind, string>;
  /** Anchor label for the lowest value of the scale (NPS 0, CSAT 1, CES 1, thumbs down…). */
  scaleLow: Record<SurveyKind, string>;
  /** Anchor label for the highest value of the scale (NPS 10, CSAT 5, CES 7). */
  scaleHigh: Record<SurveyKind, string>;
  /**
   * Per-value labels, lowest first: CSAT 1–5, CES 1–7, stars 1–5 (naming the number of stars),
   * smileys 1–5 (the face's text name), thumbs 0–1 (down, up), PMF 1–3 (not, somewhat, very
   * disappointed). They are the accessible names of the email buttons and page options.
   */
  scoreLabels: {
    csat: [string, string, string, string, string];
    ces: [string, string, string, string, string, string, string];
    stars: [string, string, string, string, string];
    smileys: [string, string, string, string, string];
    thumbs: [string, string];
    pmf: [string, string, string];
  };

  // --- Email -------------------------------------------------------------------------------
  /** Placeholders: `{company}`. */
  emailSubject: Record<SurveyKind, string>;
  /** Placeholders: `{name}`. */
  emailGreeting: string;
  emailGreetingNoName: string;
  emailIntro: string;
  /** Why the recipient got this email. Placeholders: `{company}`. */
  emailFooter: string;
  /** The same for an employee survey (eNPS). Placeholders: `{company}`. */
  emailFooterEmployee: string;
  unsubscribeLink: string;
  /** Prepended to the subject of reminder emails; includes its trailing space. */
  reminderSubjectPrefix: string;

  // --- Survey pages ------------------------------------------------------------------------
  pageTitle: string;
  chooseScore: string;
  /** Placeholders: `{score}`. */
  yourScore: string;
  changeScore: string;
  commentLabel: string;
  commentPlaceholder: string;
  submit: string;
  thankYouTitle: string;
  thankYouBody: string;
  commentSaved: string;
  notFoundTitle: string;
  notFoundBody: string;
  expiredTitle: string;
  expiredBody: string;
  invalidScoreTitle: string;
  invalidScoreBody: string;
  tooManyRequestsTitle: string;
  tooManyRequestsBody: string;
  unsubscribeTitle: string;
  /** Question on the GET unsubscribe page, before the visitor confirms. */
  unsubscribeConfirm: string;
  unsubscribeButton: string;
  unsubscribedTitle: string;
  unsubscribedBody: string;
  /** Placeholders: `{max}`. */
  commentTooLong: string;
  /** Additional questions' errors. Placeholders: `{question}` (and `{max}`). */
  answerNotAnOption: string;
  answerTooManyChoices: string;
  answerHidden: string;
  answerOutOfScale: string;
  answerTooLong: string;
  /** Page shown while Postgres is away (a 503): the visitor should retry, the link is fine. */
  unavailableTitle: string;
  unavailableBody: string;
  /** Page shown when a survey form is posted from another site. */
  forbiddenTitle: string;
  forbiddenBody: string;
}

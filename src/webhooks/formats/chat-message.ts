import type { ChatPlatform, SurveyKind } from '../../../db/schema';
import { familyOf, KIND_DISPLAY, SCALES } from '../../surveys/scales';
import { answerText } from '../../surveys/texts';

/** What a chat alert says, before it is shaped for Slack or Teams. */
export interface ChatAlertContent {
  kind: SurveyKind;
  score: number;
  surveyName: string;
  comment: string | null;
  segment: [string, string][];
  responseUrl: string;
  caseUrl: string | null;
  test?: boolean;
}

// NOTE: chat messages stay short; the full comment is one click away in the dashboard.
const COMMENT_MAX = 2_000;

function npsCategory(score: number): string {
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}

export function headline(c: ChatAlertContent): string {
  const band = familyOf(c.kind) === 'nps' ? ` (${npsCategory(c.score)})` : '';
  const prefix = c.test ? '[Test] ' : '';
  // Stars, smileys, thumbs and PMF answers read by name: "Thumbs up 0 · Thumbs down".
  const answer =
    answerText(c.kind, c.score) === String(c.score)
      ? `${c.score}/${SCALES[c.kind].max}`
      : answerText(c.kind, c.score);
  return `${prefix}${KIND_DISPLAY[c.kind].name} ${answer}${band} on ${c.surveyName}`;
}

function clip(text: string): string {
  return text.length > COMMENT_MAX ? `${text.slice(0, COMMENT_MAX)}…` : text;
}

/**
 * Slack mrkdwn needs `&`, `<` and `>` escaped ("Escaping text",
 * https://docs.slack.dev/messaging/formatting-message-text#escaping), which also keeps a
 * comment from forming links or `<!channel>` mentions.
 */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// Slack refuses a section whose text passes 3,000 characters (invalid_blocks), and escaping
// can make a clipped comment five times longer; the quote is cut again, never mid-entity.
const SLACK_SECTION_MAX = 2_990;

function slackQuote(comment: string): string {
  const quoted = `>${slackEscape(clip(comment)).replace(/\n/g, '\n>')}`;
  return quoted.length <= SLACK_SECTION_MAX
    ? quoted
    : `${quoted.slice(0, SLACK_SECTION_MAX).replace(/&[a-z]{0,3}$/, '')}…`;
}

/** A Block Kit message for a Slack incoming webhook (https://docs.slack.dev/reference/block-kit/blocks). */
export function slackMessage(c: ChatAlertContent): Record<string, unknown> {
  const title = headline(c);
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150), emoji: false } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: c.comment ? slackQuote(c.comment) : '_No comment_',
      },
    },
  ];
  if (c.segment.length > 0) {
    blocks.push({
      type: 'context',
      elements: c.segment
        .slice(0, 10)
        .map(([k, v]) => ({ type: 'mrkdwn', text: `*${slackEscape(k)}:* ${slackEscape(v)}` })),
    });
  }
  const buttons = [
    { type: 'button', text: { type: 'plain_text', text: 'Open response' }, url: c.responseUrl },
  ];
  if (c.caseUrl) {
    buttons.push({
      type: 'button',
      text: { type: 'plain_text', text: 'Open follow-up case' },
      url: c.caseUrl,
    });
  }
  blocks.push({ type: 'actions', elements: buttons });
  // NOTE: `text` is the notification and screen-reader fallback Slack asks for with blocks.
  return { text: slackEscape(title), blocks };
}

/**
 * An Adaptive Card for a Teams incoming webhook or Workflows webhook
 * (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using).
 * The comment sits in a RichTextBlock TextRun, whose text is never read as markdown
 * (https://learn.microsoft.com/en-us/adaptive-cards/schema-explorer/text-run), so a customer's
 * `**` or `[link](…)` stays literal.
 */
export function teamsMessage(c: ChatAlertContent): Record<string, unknown> {
  const body: Record<string, unknown>[] = [
    {
      type: 'TextBlock',
      text: headline(c).replace(/[*_[\]`]/g, ''),
      weight: 'Bolder',
      size: 'Medium',
      wrap: true,
    },
    {
      type: 'RichTextBlock',
      inlines: [
        { type: 'TextRun', text: c.comment ? clip(c.comment) : 'No comment', italic: !c.comment },
      ],
    },
  ];
  if (c.segment.length > 0) {
    // NOTE: not a FactSet: Teams reads markdown in Fact values, and segment values come from outside.
    body.push({
      type: 'RichTextBlock',
      inlines: [
        {
          type: 'TextRun',
          text: c.segment
            .slice(0, 10)
            .map(([k, v]) => `${k}: ${v}`)
            .join(' · '),
          isSubtle: true,
        },
      ],
    });
  }
  const actions = [{ type: 'Action.OpenUrl', title: 'Open response', url: c.responseUrl }];
  if (c.caseUrl) {
    actions.push({ type: 'Action.OpenUrl', title: 'Open follow-up case', url: c.caseUrl });
  }
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          actions,
        },
      },
    ],
  };
}

export function chatMessage(platform: ChatPlatform, c: ChatAlertContent): Record<string, unknown> {
  return platform === 'slack' ? slackMessage(c) : teamsMessage(c);
}

import type { ChatPlatform } from '../../../db/schema';
import { slackEscape } from './chat-message';

/** A message that is not about one answer: a metric alert or its recovery. */
export interface ChatNotice {
  title: string;
  lines: string[];
  url: string;
}

/** Block Kit: a header, the lines as one section, and a button to the dashboard. */
function slackNotice(n: ChatNotice): Record<string, unknown> {
  return {
    text: slackEscape(n.title),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: n.title.slice(0, 150), emoji: false } },
      { type: 'section', text: { type: 'mrkdwn', text: slackEscape(n.lines.join('\n')) } },
      {
        type: 'actions',
        elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open' }, url: n.url }],
      },
    ],
  };
}

/** An Adaptive Card with the lines as plain TextRuns (never read as markdown). */
function teamsNotice(n: ChatNotice): Record<string, unknown> {
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
          body: [
            {
              type: 'TextBlock',
              text: n.title.replace(/[*_[\]`]/g, ''),
              weight: 'Bolder',
              size: 'Medium',
              wrap: true,
            },
            {
              type: 'RichTextBlock',
              inlines: [{ type: 'TextRun', text: n.lines.join('\n') }],
            },
          ],
          actions: [{ type: 'Action.OpenUrl', title: 'Open', url: n.url }],
        },
      },
    ],
  };
}

export function noticeMessage(platform: ChatPlatform, n: ChatNotice): Record<string, unknown> {
  return platform === 'slack' ? slackNotice(n) : teamsNotice(n);
}

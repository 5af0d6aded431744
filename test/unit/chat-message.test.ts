import { slackEscape, slackMessage, teamsMessage } from '../../src/webhooks/formats/chat-message';
import type { ChatAlertContent } from '../../src/webhooks/formats/chat-message';

const content: ChatAlertContent = {
  kind: 'nps',
  score: 2,
  surveyName: 'Onboarding',
  comment: '<@U123> *no* [x](https://evil.example)',
  segment: [['team', '**Blue** [t](https://evil.example)']],
  responseUrl: 'https://glas.example/dashboard/responses',
  caseUrl: null,
};

describe('chat messages', () => {
  it('escapes &, < and > for Slack mrkdwn (docs.slack.dev "Escaping text")', () => {
    expect(slackEscape('a & b <!here> >')).toBe('a &amp; b &lt;!here&gt; &gt;');
    const blocks = slackMessage(content).blocks as { type: string; text?: { text: string } }[];
    expect(blocks[1]?.text?.text).toBe('>&lt;@U123&gt; *no* [x](https://evil.example)');
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'context', 'actions']);
  });

  it('keeps a long comment of ampersands under Slack’s 3,000-character section limit', () => {
    const blocks = slackMessage({ ...content, comment: '&'.repeat(2_000) }).blocks as {
      text?: { text: string };
    }[];
    const text = blocks[1]?.text?.text ?? '';
    expect(text.length).toBeLessThanOrEqual(3_000);
    expect(text).toMatch(/^>(&amp;)+…$/);
  });

  it('keeps Teams comment and segment in TextRuns, which never read markdown', () => {
    const card = (teamsMessage(content).attachments as { content: { body: unknown[] } }[])[0]!;
    expect(card.content.body.slice(1)).toEqual([
      { type: 'RichTextBlock', inlines: [expect.objectContaining({ text: content.comment })] },
      {
        type: 'RichTextBlock',
        inlines: [expect.objectContaining({ text: 'team: **Blue** [t](https://evil.example)' })],
      },
    ]);
  });
});

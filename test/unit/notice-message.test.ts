import { noticeMessage } from '../../src/webhooks/formats/notice-message';

const notice = {
  title: 'Metric alert: <Support> & co',
  lines: ['Survey: Support', 'score: -20'],
  url: 'http://glas.test/dashboard/settings/metric-alerts',
};

describe('noticeMessage', () => {
  it('escapes Slack mrkdwn in the fallback text and the section', () => {
    const slack = noticeMessage('slack', notice) as {
      text: string;
      blocks: { type: string; text?: { text: string } }[];
    };
    expect(slack.text).toBe('Metric alert: &lt;Support&gt; &amp; co');
    expect(slack.blocks.map((b) => b.type)).toEqual(['header', 'section', 'actions']);
    expect(slack.blocks[1]!.text!.text).toBe('Survey: Support\nscore: -20');
  });

  it('builds a Teams Adaptive Card with the lines as plain text and a link', () => {
    const teams = noticeMessage('teams', notice) as {
      attachments: {
        content: { body: { text?: string }[]; actions: { url: string }[] };
      }[];
    };
    const card = teams.attachments[0]!.content;
    expect(card.body[0]!.text).toBe('Metric alert: <Support> & co');
    expect(card.actions[0]!.url).toBe(notice.url);
  });
});

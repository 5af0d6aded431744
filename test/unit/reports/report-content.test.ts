import { renderReportEmail, renderReportPage, renderReportText } from '../../../src/reports/render';
import { toReportContent } from '../../../src/reports/report-content';

const header = {
  workspace: { id: 'w', name: 'Pekara', timeZone: 'Europe/Belgrade' },
  period: {
    start: '2026-03-01',
    end: '2026-03-31',
    label: 'March 2026',
    from: '2026-02-28T23:00:00.000Z',
    to: '2026-03-31T22:00:00.000Z',
  },
  generatedAt: '2026-04-01T05:00:00.000Z',
  actions: [],
};

describe('toReportContent', () => {
  it('narrows what the monthly and weekly builders store', () => {
    const monthly = { kind: 'monthly', ...header, surveys: [], closedLoop: {} };
    const weekly = {
      kind: 'weekly',
      ...header,
      items: [],
      overdueCases: { count: 0, link: '/api/followups?overdue=true' },
      rankingWindow: { start: '2026-03-02', end: '2026-03-29' },
    };
    expect(toReportContent(monthly).kind).toBe('monthly');
    expect(toReportContent(weekly).period.label).toBe('March 2026');
  });

  it('refuses stored JSON no builder wrote, naming the part that is wrong', () => {
    expect(() => toReportContent(null)).toThrow('not an object');
    expect(() => toReportContent({ ...header, kind: 'daily' })).toThrow('kind');
    expect(() =>
      toReportContent({ kind: 'monthly', ...header, period: { label: 'x' }, surveys: [] }),
    ).toThrow('period');
    expect(() => toReportContent({ kind: 'weekly', ...header, items: [] })).toThrow(
      'weekly sections',
    );
  });
});

describe('reports stored before issue 15', () => {
  it('render without an additional questions section', () => {
    const weekly = toReportContent({
      kind: 'weekly',
      ...header,
      items: [],
      overdueCases: { count: 0, link: '/api/followups?overdue=true' },
      rankingWindow: { start: '2026-03-02', end: '2026-03-29' },
    });
    const links = { base: '', pageUrl: 'http://glas.test/reports/x' };
    for (const out of [
      renderReportPage(weekly, links),
      renderReportEmail(weekly, links),
      renderReportText(weekly, links),
    ]) {
      expect(out).toContain('Pekara');
      expect(out).not.toContain('Additional questions');
    }
  });
});

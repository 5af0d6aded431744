import type { ReportContent } from './report.types';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';

function malformed(what: string): never {
  throw new Error(`stored report content is malformed: ${what}`);
}

/**
 * The stored JSON of a report as the content its builder produced. Only ensureReport writes
 * reports, so this narrows once, checking the header and the sections every reader walks,
 * rather than each reader casting on its own; a row that fails is a bug, not user input.
 */
export function toReportContent(stored: unknown): ReportContent {
  if (!isObject(stored)) {
    return malformed('not an object');
  }
  const { kind, workspace, period, generatedAt, actions } = stored;
  if (kind !== 'monthly' && kind !== 'weekly') {
    return malformed('kind');
  }
  if (!isObject(workspace) || !isString(workspace.id) || !isString(workspace.timeZone)) {
    return malformed('workspace');
  }
  if (
    !isObject(period) ||
    !isString(period.start) ||
    !isString(period.end) ||
    !isString(period.label) ||
    !isString(period.from) ||
    !isString(period.to)
  ) {
    return malformed('period');
  }
  if (!isString(generatedAt) || !Array.isArray(actions)) {
    return malformed('generatedAt or actions');
  }
  if (kind === 'monthly') {
    if (!Array.isArray(stored.surveys) || !isObject(stored.closedLoop)) {
      return malformed('monthly sections');
    }
  } else if (
    !Array.isArray(stored.items) ||
    !isObject(stored.overdueCases) ||
    !isObject(stored.rankingWindow)
  ) {
    return malformed('weekly sections');
  }
  // The checks above cover what readers branch on; the rest is the builder's own output.
  return stored as unknown as ReportContent;
}

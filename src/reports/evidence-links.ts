/** Where a figure's responses open, given the report's own evidence page (see withEvidenceLinks). */
export function reportEvidencePath(reportId: string, shareToken?: string): string {
  return `/reports/${reportId}/responses?${shareToken ? `token=${encodeURIComponent(shareToken)}&` : ''}`;
}

/**
 * Points every figure's link (`/api/responses?…`, which needs an API key) at the report's own
 * evidence page, so a reader of the email, the shared page or the dashboard can open it.
 */
export function withEvidenceLinks<T>(content: T, evidencePath: string): T {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      return value.map(walk);
    }
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [
          k,
          /link$/i.test(k) && typeof v === 'string' ? evidenceLink(v, evidencePath) : walk(v),
        ]),
      );
    }
    return value;
  };
  return walk(content) as T;
}

const ONE_RESPONSE = /^\/api\/responses\/([0-9a-f-]{36})$/;
const ONE_CASE = /^\/api\/followups\/([0-9a-f-]{36})$/;

/**
 * `/api/responses?…` (a figure) and `/api/responses/<id>` (a quote) open the evidence page;
 * follow-up figures open the dashboard's follow-up queue or case (managers sign in there).
 */
function evidenceLink(link: string, evidencePath: string): string {
  if (link.startsWith('/api/responses?')) {
    return `${evidencePath}${link.slice('/api/responses?'.length)}`;
  }
  const one = ONE_RESPONSE.exec(link);
  if (one) {
    return `${evidencePath}response=${one[1]}`;
  }
  const followup = ONE_CASE.exec(link);
  if (followup) {
    return `/dashboard/followups/${followup[1]}`;
  }
  if (link.startsWith('/api/followups?')) {
    return new URLSearchParams(link.split('?')[1]).get('overdue') === 'true'
      ? '/dashboard/followups?view=overdue'
      : '/dashboard/followups';
  }
  if (link.startsWith('/api/followups/recovery')) {
    return '/dashboard/followups?view=resolved';
  }
  return link;
}

import { z } from 'zod';
import type { AppContext } from '../../context';
import { listMetricAlertRules, removeMetricAlertRule } from '../../analytics/metric-alert.service';
import { findSurveys } from '../../surveys/survey.service';
import { parse } from '../validate';
import type { DashRouter } from './kit';
import { BASE, redirectDone, sessionOf } from './kit';
import { renderPage } from './view';

const idParams = z.strictObject({ id: z.uuid() });

const CONDITION_LABEL = {
  below_threshold: 'Score below a threshold',
  significant_drop: 'Significant drop',
  low_volume: 'Low response volume',
} as const;

/** Settings → Metric alerts: every rule with its state, last reading and episodes. */
export function metricAlertPages(ctx: AppContext, r: DashRouter) {
  r.get('/settings/metric-alerts', 'settings', async (req, res) => {
    const session = sessionOf(req);
    const [rules, surveys] = await Promise.all([
      listMetricAlertRules(ctx.db, session.workspaceId),
      findSurveys(ctx.db, session.workspaceId, { limit: 200 }),
    ]);
    const surveyName = new Map(surveys.data.map((s) => [s.id, s.name]));
    renderPage(res, 'metric-alerts', {
      title: 'Metric alerts',
      area: 'settings',
      session,
      rules: rules.map((rule) => ({
        ...rule,
        surveyName: surveyName.get(rule.surveyId) ?? 'a survey',
        conditionLabel: CONDITION_LABEL[rule.condition],
      })),
    });
  });

  r.post('/settings/metric-alerts/:id/delete', 'settings', async (req, res) => {
    const session = sessionOf(req);
    const { id } = parse(idParams, req.params, 'params');
    await removeMetricAlertRule(ctx.db, session.workspaceId, id);
    redirectDone(res, `${BASE}/settings/metric-alerts`, 'alert_deleted');
  });
}

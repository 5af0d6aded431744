import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { createMetricAlertRuleBodySchema } from '../../analytics/metric-alert.schemas';
import type {
  CreateMetricAlertRuleBody,
  MetricAlertRuleDto,
} from '../../analytics/metric-alert.schemas';
import {
  createMetricAlertRule,
  getMetricAlertRule,
  listMetricAlertRules,
  removeMetricAlertRule,
  updateMetricAlertRule,
} from '../../analytics/metric-alert.service';
import { AppError } from '../../errors';
import { findSurveys } from '../../surveys/survey.service';
import { listChatAlertRules } from '../../webhooks/chat-alert.service';
import { parse } from '../validate';
import type { DashRouter } from './kit';
import {
  BASE,
  fieldErrors,
  formOf,
  intField,
  numField,
  parseForm,
  redirectDone,
  sessionOf,
  textField,
} from './kit';
import type { FieldErrors } from './view';
import { renderPage } from './view';

const idParams = z.strictObject({ id: z.uuid() });

const CONDITION_LABEL = {
  below_threshold: 'Score below a threshold',
  significant_drop: 'Significant drop',
  low_volume: 'Low response volume',
} as const;

/** A new rule's form: the schema's defaults, shown so they can be changed. */
const NEW_VALUES: Record<string, string> = {
  condition: 'below_threshold',
  windowDays: '7',
  minResponses: '30',
  alpha: '0.05',
  baselineWeeks: '8',
  limitMethod: 'sigma',
  channel: 'email',
};

/**
 * The form as the API body: empty fields are left out (the schema's defaults apply), numbers
 * parsed, and the fields of the condition or channel not chosen dropped (the API ignores the
 * other channel's field too).
 */
function ruleBodyFromForm(form: Record<string, string>) {
  const condition = form.condition ?? '';
  const channel = form.channel ?? '';
  return {
    name: form.name ?? '',
    surveyId: form.surveyId ?? '',
    condition,
    windowDays: intField(form.windowDays),
    ...(condition === 'below_threshold' ? { threshold: numField(form.threshold) } : {}),
    minResponses: intField(form.minResponses),
    alpha: numField(form.alpha),
    baselineWeeks: intField(form.baselineWeeks),
    sameWeekday: form.sameWeekday === 'on',
    limitMethod: textField(form.limitMethod),
    channel,
    ...(channel === 'email' ? { email: textField(form.email?.trim()) } : {}),
    ...(channel === 'chat' ? { chatAlertRuleId: textField(form.chatAlertRuleId) } : {}),
  };
}

/** zod names a missing number "expected number, received undefined"; the form says required. */
function plain(errors: FieldErrors): FieldErrors {
  return Object.fromEntries(
    Object.entries(errors).map(([k, v]) => [k, /received undefined/.test(v) ? 'required' : v]),
  );
}

function valuesFromRule(rule: MetricAlertRuleDto): Record<string, string> {
  return {
    name: rule.name,
    surveyId: rule.surveyId,
    condition: rule.condition,
    windowDays: String(rule.windowDays),
    threshold: rule.threshold === null ? '' : String(rule.threshold),
    minResponses: String(rule.minResponses),
    alpha: String(rule.alpha),
    baselineWeeks: String(rule.baselineWeeks),
    sameWeekday: rule.sameWeekday ? 'on' : '',
    limitMethod: rule.limitMethod,
    channel: rule.channel,
    email: rule.email ?? '',
    chatAlertRuleId: rule.chatAlertRuleId ?? '',
  };
}

/** Settings → Metric alerts: every rule with its state, last reading and episodes. */
export function metricAlertPages(ctx: AppContext, r: DashRouter) {
  /** The new-rule form, or one rule's state, episodes and edit form. */
  const showForm = async (
    req: Request,
    res: Response,
    view: {
      rule?: MetricAlertRuleDto;
      values: Record<string, string>;
      errors?: FieldErrors;
      formError?: string;
    },
    status = 200,
  ) => {
    const session = sessionOf(req);
    const [surveys, chatRules] = await Promise.all([
      findSurveys(ctx.db, session.workspaceId, { limit: 200 }),
      listChatAlertRules(ctx.db, session.workspaceId),
    ]);
    const surveyName = new Map(surveys.data.map((s) => [s.id, s.name]));
    renderPage(
      res,
      'metric-alert',
      {
        title: view.rule ? `Metric alert ${view.rule.name}` : 'New metric alert',
        area: 'settings',
        session,
        rule: view.rule && {
          ...view.rule,
          surveyName: surveyName.get(view.rule.surveyId) ?? 'a survey',
          conditionLabel: CONDITION_LABEL[view.rule.condition],
          chatRuleName: chatRules.find((c) => c.id === view.rule?.chatAlertRuleId)?.name ?? null,
        },
        surveys: surveys.data.map((s) => ({ value: s.id, label: s.name })),
        chatRules: chatRules.map((c) => ({
          value: c.id,
          label: `${c.name} (${c.platform === 'slack' ? 'Slack' : 'Teams'})`,
        })),
        conditions: Object.entries(CONDITION_LABEL).map(([value, label]) => ({ value, label })),
        values: view.values,
        errors: view.errors,
        formError: view.formError,
      },
      status,
    );
  };

  /** A service refusal (no such survey or chat rule) shown on the form; anything else thrown. */
  const failure = (err: unknown) =>
    err instanceof AppError && err.status < 500
      ? { errors: fieldErrors(err.details), formError: err.message, status: err.status }
      : undefined;

  /**
   * A posted form, new or edit: checked with the API's schema, then saved; a refusal of
   * either re-renders the form with the message beside its field and the values kept.
   */
  const submit = async (
    req: Request,
    res: Response,
    rule: MetricAlertRuleDto | undefined,
    done: string,
    save: (body: CreateMetricAlertRuleBody) => Promise<string>,
  ) => {
    const form = formOf(req);
    const parsed = parseForm(createMetricAlertRuleBodySchema, ruleBodyFromForm(form));
    if (!parsed.ok) {
      await showForm(req, res, { rule, values: form, errors: plain(parsed.errors) }, 400);
      return;
    }
    let id: string;
    try {
      id = await save(parsed.value);
    } catch (err) {
      const f = failure(err);
      if (!f) {
        throw err;
      }
      await showForm(
        req,
        res,
        { rule, values: form, errors: f.errors, formError: f.formError },
        f.status,
      );
      return;
    }
    redirectDone(res, `${BASE}/settings/metric-alerts/${id}`, done);
  };

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

  r.get('/settings/metric-alerts/new', 'settings', async (req, res) => {
    await showForm(req, res, { values: { ...NEW_VALUES } });
  });

  r.post('/settings/metric-alerts/new', 'settings', async (req, res) => {
    const session = sessionOf(req);
    await submit(req, res, undefined, 'metric_alert_created', async (body) => {
      const created = await createMetricAlertRule(ctx.db, ctx.clock, session.workspaceId, body);
      return created.id;
    });
  });

  r.get('/settings/metric-alerts/:id', 'settings', async (req, res) => {
    const session = sessionOf(req);
    const { id } = parse(idParams, req.params, 'params');
    const rule = await getMetricAlertRule(ctx.db, session.workspaceId, id);
    await showForm(req, res, { rule, values: valuesFromRule(rule) });
  });

  r.post('/settings/metric-alerts/:id', 'settings', async (req, res) => {
    const session = sessionOf(req);
    const { id } = parse(idParams, req.params, 'params');
    const rule = await getMetricAlertRule(ctx.db, session.workspaceId, id);
    await submit(req, res, rule, 'metric_alert_saved', async (body) => {
      await updateMetricAlertRule(ctx.db, session.workspaceId, id, body);
      return id;
    });
  });

  r.post('/settings/metric-alerts/:id/delete', 'settings', async (req, res) => {
    const session = sessionOf(req);
    const { id } = parse(idParams, req.params, 'params');
    await removeMetricAlertRule(ctx.db, session.workspaceId, id);
    redirectDone(res, `${BASE}/settings/metric-alerts`, 'alert_deleted');
  });
}

import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { listBounceSources } from '../../bounces/bounce-source.service';
import { AppError } from '../../errors';
import { findSurveys } from '../../surveys/survey.service';
import { createChatAlertRuleBodySchema } from '../../webhooks/chat-alert.schemas';
import {
  createChatAlertRule,
  listChatAlertDeliveries,
  listChatAlertRules,
  removeChatAlertRule,
  sendTestChatAlert,
} from '../../webhooks/chat-alert.service';
import { parse } from '../validate';
import type { DashRouter } from './kit';
import {
  BASE,
  fieldErrors,
  formList,
  formOf,
  intField,
  parseForm,
  redirectDone,
  sessionOf,
} from './kit';
import type { FieldErrors } from './view';
import { renderPage } from './view';

const idParams = z.strictObject({ id: z.uuid() });

/** The add-rule form as the API body: empty fields are left out, numbers parsed. */
function ruleBodyFromForm(req: Request, form: Record<string, string>) {
  const segmentProperty = form.segmentProperty?.trim() ?? '';
  const minScore = intField(form.minScore);
  const maxScore = intField(form.maxScore);
  return {
    platform: form.platform ?? '',
    name: form.name ?? '',
    url: form.url?.trim() ?? '',
    surveyIds: formList(req, 'surveyIds').filter((s) => s !== ''),
    ...(minScore === undefined ? {} : { minScore }),
    ...(maxScore === undefined ? {} : { maxScore }),
    onlyWithComment: form.onlyWithComment === 'on',
    segment: segmentProperty ? { [segmentProperty]: form.segmentValue?.trim() ?? '' } : {},
  };
}

/** Settings → Alerts & bounces: Slack and Teams rules, their logs, and the bounce sources. */
export function alertPages(ctx: AppContext, r: DashRouter) {
  const show = async (
    req: Request,
    res: Response,
    view: { errors?: FieldErrors; values?: Record<string, string> } = {},
    status = 200,
  ) => {
    const session = sessionOf(req);
    const [rules, sources, surveys] = await Promise.all([
      listChatAlertRules(ctx.db, session.workspaceId),
      listBounceSources(ctx.db, ctx.config, session.workspaceId),
      findSurveys(ctx.db, session.workspaceId, { limit: 200 }),
    ]);
    renderPage(
      res,
      'alerts',
      {
        title: 'Alerts & bounces',
        area: 'settings',
        session,
        rules,
        sources,
        surveys: surveys.data,
        errors: view.errors,
        values: view.values ?? { platform: 'slack', maxScore: '6' },
      },
      status,
    );
  };

  r.get('/settings/alerts', 'settings', async (req, res) => {
    await show(req, res);
  });

  r.post('/settings/alerts', 'settings', async (req, res) => {
    const session = sessionOf(req);
    const form = formOf(req);
    const parsed = parseForm(createChatAlertRuleBodySchema, ruleBodyFromForm(req, form));
    const alias = (errors: FieldErrors) =>
      Object.fromEntries(
        Object.entries(errors).map(([k, v]) => [
          k.startsWith('segment') ? 'segmentValue' : k.replace(/\.\d+$/, ''),
          v,
        ]),
      );
    if (!parsed.ok) {
      await show(req, res, { errors: alias(parsed.errors), values: form }, 400);
      return;
    }
    try {
      await createChatAlertRule(ctx.db, ctx.clock, ctx.config, session.workspaceId, parsed.value);
    } catch (err) {
      if (err instanceof AppError && err.status < 500) {
        const errors = fieldErrors(err.details);
        const shown = Object.keys(errors).length ? errors : { url: err.message };
        await show(req, res, { errors: shown, values: form }, err.status);
        return;
      }
      throw err;
    }
    redirectDone(res, `${BASE}/settings/alerts`, 'alert_created');
  });

  r.get('/settings/alerts/:id', 'settings', async (req, res) => {
    const session = sessionOf(req);
    const { id } = parse(idParams, req.params, 'params');
    const rule = (await listChatAlertRules(ctx.db, session.workspaceId)).find((x) => x.id === id);
    const log = await listChatAlertDeliveries(ctx.db, session.workspaceId, id, { limit: 50 });
    renderPage(res, 'alert', {
      title: `Alert ${rule?.name ?? ''}`,
      area: 'settings',
      session,
      rule,
      deliveries: log.data,
    });
  });

  r.post('/settings/alerts/:id/test', 'settings', async (req, res) => {
    const session = sessionOf(req);
    const { id } = parse(idParams, req.params, 'params');
    await sendTestChatAlert(ctx.db, ctx.clock, ctx.config.PUBLIC_URL, session.workspaceId, id);
    redirectDone(res, `${BASE}/settings/alerts/${id}`, 'alert_test_sent');
  });

  r.post('/settings/alerts/:id/delete', 'settings', async (req, res) => {
    const session = sessionOf(req);
    const { id } = parse(idParams, req.params, 'params');
    await removeChatAlertRule(ctx.db, session.workspaceId, id);
    redirectDone(res, `${BASE}/settings/alerts`, 'alert_deleted');
  });
}

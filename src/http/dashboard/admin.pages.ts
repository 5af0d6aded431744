import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { createUserBodySchema } from '../../workspaces/user.schemas';
import { createApiKeyBodySchema } from '../../workspaces/user.schemas';
import { createUser, listUsers } from '../../workspaces/user.service';
import { AppError, NotFoundError } from '../../errors';
import { createApiKey, listApiKeys, revokeApiKey } from '../../workspaces/api-key.service';
import type { CreatedApiKey } from '../../workspaces/api-key.service';
import { patchWorkspaceBodySchemaFor } from '../../workspaces/workspace-settings.schemas';
import type { WorkspaceSettingsDto } from '../../workspaces/workspace-settings.schemas';
import {
  getWorkspaceSettings,
  updateWorkspaceSettings,
} from '../../workspaces/workspace-settings.service';
import { LOCALES } from '../../surveys/i18n/types';
import { createWebhookBodySchema } from '../../webhooks/webhook.schemas';
import { createWebhook, deleteWebhook, listWebhooks } from '../../webhooks/webhook.service';
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

const patchWorkspaceBodySchema = patchWorkspaceBodySchemaFor(LOCALES);

export function adminPages(ctx: AppContext, r: DashRouter) {
  const showKeys = async (
    req: Request,
    res: Response,
    view: { created?: CreatedApiKey; errors?: FieldErrors; values?: Record<string, string> } = {},
    status = 200,
  ) => {
    const session = sessionOf(req);
    renderPage(
      res,
      'api-keys',
      {
        title: 'API keys',
        area: 'apiKeys',
        session,
        keys: await listApiKeys(ctx.db, session.workspaceId),
        created: view.created,
        errors: view.errors,
        values: view.values ?? { role: 'ingest' },
      },
      status,
    );
  };

  r.get('/api-keys', 'apiKeys', async (req, res) => {
    await showKeys(req, res);
  });

  r.post('/api-keys', 'apiKeys', async (req, res) => {
    const session = sessionOf(req);
    const form = formOf(req);
    const parsed = parseForm(createApiKeyBodySchema, { name: form.name ?? '', role: form.role });
    if (!parsed.ok) {
      await showKeys(req, res, { errors: parsed.errors, values: form }, 400);
      return;
    }
    const created = await createApiKey(ctx.db, session.workspaceId, parsed.value);
    // NOTE: shown once in this response (no redirect), never stored or logged in clear.
    await showKeys(req, res, { created }, 201);
  });

  r.post('/api-keys/:id/revoke', 'apiKeys', async (req, res) => {
    const session = sessionOf(req);
    const { id } = parse(idParams, req.params, 'params');
    if (!(await revokeApiKey(ctx.db, session.workspaceId, id, ctx.clock.now(), ctx.apiKeys))) {
      throw new NotFoundError('api_key_not_found', 'No such API key in this workspace.');
    }
    redirectDone(res, `${BASE}/api-keys`, 'key_revoked');
  });

  const showUsers = async (
    req: Request,
    res: Response,
    view: { errors?: FieldErrors; values?: Record<string, string>; formError?: string } = {},
    status = 200,
  ) => {
    const session = sessionOf(req);
    renderPage(
      res,
      'users',
      {
        title: 'Users',
        area: 'users',
        session,
        users: await listUsers(ctx.db, session.workspaceId),
        errors: view.errors,
        formError: view.formError,
        values: view.values ?? { role: 'manager' },
      },
      status,
    );
  };

  r.get('/users', 'users', async (req, res) => {
    await showUsers(req, res);
  });

  r.post('/users', 'users', async (req, res) => {
    const session = sessionOf(req);
    const form = formOf(req);
    const parsed = parseForm(createUserBodySchema, {
      email: form.email ?? '',
      ...(form.name?.trim() ? { name: form.name } : {}),
      role: form.role,
      password: form.password ?? '',
    });
    const values = { ...form, password: '' };
    if (!parsed.ok) {
      await showUsers(req, res, { errors: parsed.errors, values }, 400);
      return;
    }
    try {
      await createUser(ctx.db, ctx.clock, session.workspaceId, parsed.value);
    } catch (err) {
      if (err instanceof AppError && err.status === 409) {
        await showUsers(req, res, { errors: fieldErrors(err.details), values }, 409);
        return;
      }
      throw err;
    }
    redirectDone(res, `${BASE}/users`, 'user_created');
  });

  const showSettings = async (
    req: Request,
    res: Response,
    view: {
      errors?: FieldErrors;
      values?: Record<string, string>;
      events?: string[];
      secret?: string;
      formError?: string;
      wsErrors?: FieldErrors;
      wsValues?: Record<string, string>;
    } = {},
    status = 200,
  ) => {
    const session = sessionOf(req);
    const [workspace, webhooks] = await Promise.all([
      getWorkspaceSettings(ctx.db, session.workspaceId),
      listWebhooks(ctx.db, session.workspaceId),
    ]);
    renderPage(
      res,
      'settings',
      {
        title: 'Settings',
        area: 'settings',
        session,
        workspace,
        webhooks,
        errors: view.errors,
        values: view.values ?? {},
        events: view.events ?? ['response.created'],
        secret: view.secret,
        formError: view.formError,
        wsErrors: view.wsErrors ?? {},
        wsValues: view.wsValues ?? workspaceFormValues(workspace),
        locales: LOCALES,
      },
      status,
    );
  };

  r.post('/settings/workspace', 'settings', async (req, res) => {
    const session = sessionOf(req);
    const form = formOf(req);
    const parsed = parseForm(patchWorkspaceBodySchema, workspaceBodyFromForm(form));
    if (!parsed.ok) {
      const wsErrors = Object.fromEntries(
        Object.entries(parsed.errors).map(([k, v]) => [k.replace(/\.\d+$/, ''), v]),
      );
      await showSettings(req, res, { wsErrors, wsValues: form }, 400);
      return;
    }
    // NOTE: a new time zone re-buckets the rollups; the settings service rebuilds them.
    await updateWorkspaceSettings(ctx.db, session.workspaceId, parsed.value);
    redirectDone(res, `${BASE}/settings`, 'settings_saved');
  });

  r.get('/settings', 'settings', async (req, res) => {
    await showSettings(req, res);
  });

  r.post('/settings/webhooks', 'settings', async (req, res) => {
    const session = sessionOf(req);
    const form = formOf(req);
    const events = formList(req, 'events');
    const parsed = parseForm(createWebhookBodySchema, {
      url: form.url ?? '',
      events,
      ...(form.description?.trim() ? { description: form.description } : {}),
    });
    const alias = (errors: FieldErrors) =>
      Object.fromEntries(Object.entries(errors).map(([k, v]) => [k.replace(/\.\d+$/, ''), v]));
    if (!parsed.ok) {
      await showSettings(req, res, { errors: alias(parsed.errors), values: form, events }, 400);
      return;
    }
    try {
      const created = await createWebhook(
        ctx.db,
        ctx.clock,
        ctx.config,
        session.workspaceId,
        parsed.value,
      );
      await showSettings(req, res, { secret: created.secret }, 201);
    } catch (err) {
      if (err instanceof AppError && err.status < 500) {
        const errors = fieldErrors(err.details);
        await showSettings(
          req,
          res,
          {
            errors: Object.keys(errors).length ? errors : { url: err.message },
            values: form,
            events,
          },
          err.status,
        );
        return;
      }
      throw err;
    }
  });

  r.post('/settings/webhooks/:id/delete', 'settings', async (req, res) => {
    const session = sessionOf(req);
    const { id } = parse(idParams, req.params, 'params');
    await deleteWebhook(ctx.db, session.workspaceId, id);
    redirectDone(res, `${BASE}/settings`, 'webhook_deleted');
  });
}

const emails = (v: string | undefined) =>
  (v ?? '')
    .split(/[\s,;]+/)
    .map((e) => e.trim())
    .filter(Boolean);

function workspaceBodyFromForm(form: Record<string, string>) {
  const quota = form.dailySendQuota?.trim() ?? '';
  return {
    ...(form.name !== undefined ? { name: form.name } : {}),
    timeZone: form.timeZone?.trim() ?? '',
    defaultLocale: form.defaultLocale ?? '',
    quietPeriodDays: intField(form.quietPeriodDays) ?? Number.NaN,
    dailySendQuota: quota === '' ? null : intField(quota),
    executiveRecipients: emails(form.executiveRecipients),
    managerRecipients: emails(form.managerRecipients),
    monthlyReportDay: intField(form.monthlyReportDay) ?? Number.NaN,
    weeklyReportWeekday: intField(form.weeklyReportWeekday) ?? Number.NaN,
    reportHour: intField(form.reportHour) ?? Number.NaN,
  };
}

function workspaceFormValues(w: WorkspaceSettingsDto): Record<string, string> {
  return {
    name: w.name,
    timeZone: w.timeZone,
    defaultLocale: w.defaultLocale,
    quietPeriodDays: String(w.quietPeriodDays),
    dailySendQuota: w.dailySendQuota === null ? '' : String(w.dailySendQuota),
    executiveRecipients: w.executiveRecipients.join('\n'),
    managerRecipients: w.managerRecipients.join('\n'),
    monthlyReportDay: String(w.monthlyReportDay),
    weeklyReportWeekday: String(w.weeklyReportWeekday),
    reportHour: String(w.reportHour),
  };
}

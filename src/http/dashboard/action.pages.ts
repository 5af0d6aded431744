import type { Request, Response } from 'express';
import type { AppContext } from '../../context';
import { AppError } from '../../errors';
import {
  actionIdParamsSchema,
  createActionBodySchema,
  updateActionBodySchema,
} from '../../reports/action.schemas';
import type { ActionDto } from '../../reports/action.schemas';
import {
  createAction,
  deleteAction,
  getAction,
  listActions,
  MIN_RESPONSES_AFTER,
  updateAction,
} from '../../reports/action.service';
import { findSurveys } from '../../surveys/survey.service';
import { parse } from '../validate';
import type { DashRouter } from './kit';
import { BASE, fieldErrors, formOf, parseForm, redirectDone, sessionOf, textField } from './kit';
import type { FieldErrors } from './view';
import { renderPage } from './view';

const COLUMNS = [
  ['open', 'Open'],
  ['in_progress', 'In progress'],
  ['done', 'Done'],
  ['dropped', 'Dropped'],
] as const;

/** API paths of the action body, as the form names its fields. */
const ALIAS = {
  'target.property': 'property',
  'target.value': 'value',
  'target.themeKey': 'themeKey',
  'target.type': 'targetType',
};

const nullable = (v: string | undefined) => (v === undefined ? undefined : v.trim() || null);

function targetFromForm(form: Record<string, string>) {
  if (form.targetType === 'segment') {
    return { type: 'segment', property: form.property ?? '', value: form.value ?? '' };
  }
  if (form.targetType === 'theme') {
    return { type: 'theme', themeKey: form.themeKey ?? '' };
  }
  return { type: form.targetType || 'survey' };
}

function createBodyFromForm(form: Record<string, string>) {
  return {
    surveyId: form.surveyId ?? '',
    title: form.title ?? '',
    ...(textField(form.description) ? { description: form.description } : {}),
    ...(textField(form.ownerName) ? { ownerName: form.ownerName } : {}),
    ...(textField(form.ownerEmail) ? { ownerEmail: form.ownerEmail?.trim() } : {}),
    ...(textField(form.dueDate) ? { dueDate: form.dueDate } : {}),
    ...(form.status ? { status: form.status } : {}),
    target: targetFromForm(form),
    ...(textField(form.sourceReportId) ? { sourceReportId: form.sourceReportId } : {}),
  };
}

/** The improvement-actions board through the reports engineer's action service. */
export function actionPages(ctx: AppContext, r: DashRouter) {
  const showBoard = async (
    req: Request,
    res: Response,
    view: { errors?: FieldErrors; values?: Record<string, string> } = {},
    status = 200,
  ) => {
    const session = sessionOf(req);
    const [page, surveys] = await Promise.all([
      listActions(ctx.db, ctx.clock, session.workspaceId, { limit: 100 }),
      findSurveys(ctx.db, session.workspaceId, { limit: 200 }),
    ]);
    const names = new Map(surveys.data.map((s) => [s.id, s.name]));
    const prefill = Object.fromEntries(
      ['surveyId', 'targetType', 'property', 'value', 'themeKey', 'sourceReportId', 'title'].map(
        (k) => [k, typeof req.query[k] === 'string' ? req.query[k] : ''],
      ),
    );
    renderPage(
      res,
      'actions',
      {
        title: 'Improvement actions',
        area: 'actions',
        session,
        columns: COLUMNS.map(([status, label]) => ({
          status,
          label,
          actions: page.data
            .filter((a) => a.status === status)
            .map((a) => ({ ...a, surveyName: names.get(a.surveyId) ?? '' })),
        })),
        more: page.nextCursor !== null,
        surveys: surveys.data.map((s) => ({ value: s.id, label: s.name })),
        values: view.values ?? { targetType: 'survey', status: 'open', ...prefill },
        errors: view.errors,
      },
      status,
    );
  };

  r.get('/actions', 'actions', async (req, res) => {
    await showBoard(req, res);
  });

  r.post('/actions', 'actions', async (req, res) => {
    const session = sessionOf(req);
    const form = formOf(req);
    const parsed = parseForm(createActionBodySchema, createBodyFromForm(form), ALIAS);
    if (!parsed.ok) {
      await showBoard(req, res, { errors: parsed.errors, values: form }, 400);
      return;
    }
    let created: ActionDto;
    try {
      created = await createAction(ctx.db, ctx.clock, session.workspaceId, parsed.value);
    } catch (err) {
      if (err instanceof AppError && (err.status === 404 || err.status === 422)) {
        const errors = fieldErrors(err.details, ALIAS);
        await showBoard(
          req,
          res,
          { errors: Object.keys(errors).length ? errors : { surveyId: err.message }, values: form },
          err.status,
        );
        return;
      }
      throw err;
    }
    redirectDone(res, `${BASE}/actions/${created.id}`, 'action_saved');
  });

  const showAction = async (
    req: Request,
    res: Response,
    view: { errors?: FieldErrors; values?: Record<string, string> } = {},
    status = 200,
  ) => {
    const session = sessionOf(req);
    const { id } = parse(actionIdParamsSchema, req.params, 'params');
    const action = await getAction(ctx.db, ctx.clock, session.workspaceId, id);
    const surveys = await findSurveys(ctx.db, session.workspaceId, { limit: 200 });
    renderPage(
      res,
      'action',
      {
        title: `Action: ${action.title}`,
        area: 'actions',
        session,
        action,
        surveyName: surveys.data.find((s) => s.id === action.surveyId)?.name ?? '',
        kind: surveys.data.find((s) => s.id === action.surveyId)?.kind ?? 'nps',
        minAfter: MIN_RESPONSES_AFTER,
        statuses: COLUMNS.map(([value, label]) => ({ value, label })),
        values: view.values ?? {
          title: action.title,
          description: action.description ?? '',
          ownerName: action.owner.name ?? '',
          ownerEmail: action.owner.email ?? '',
          dueDate: action.dueDate ?? '',
          status: action.status,
          targetType: action.target.type,
          property: action.target.type === 'segment' ? action.target.property : '',
          value: action.target.type === 'segment' ? action.target.value : '',
          themeKey: action.target.type === 'theme' ? action.target.themeKey : '',
        },
        errors: view.errors,
      },
      status,
    );
  };

  r.get('/actions/:id', 'actions', async (req, res) => {
    await showAction(req, res);
  });

  r.post('/actions/:id', 'actions', async (req, res) => {
    const session = sessionOf(req);
    const { id } = parse(actionIdParamsSchema, req.params, 'params');
    const form = formOf(req);
    const parsed = parseForm(
      updateActionBodySchema,
      {
        ...(form.title !== undefined ? { title: form.title } : {}),
        ...(form.description !== undefined ? { description: nullable(form.description) } : {}),
        ...(form.ownerName !== undefined ? { ownerName: nullable(form.ownerName) } : {}),
        ...(form.ownerEmail !== undefined ? { ownerEmail: nullable(form.ownerEmail) } : {}),
        ...(form.dueDate !== undefined ? { dueDate: nullable(form.dueDate) } : {}),
        ...(form.status ? { status: form.status } : {}),
        ...(form.targetType ? { target: targetFromForm(form) } : {}),
      },
      ALIAS,
    );
    if (!parsed.ok) {
      await showAction(req, res, { errors: parsed.errors, values: form }, 400);
      return;
    }
    await updateAction(ctx.db, ctx.clock, session.workspaceId, id, parsed.value);
    redirectDone(res, `${BASE}/actions/${id}`, 'action_saved');
  });

  r.post('/actions/:id/delete', 'actions', async (req, res) => {
    const session = sessionOf(req);
    const { id } = parse(actionIdParamsSchema, req.params, 'params');
    await deleteAction(ctx.db, session.workspaceId, id);
    redirectDone(res, `${BASE}/actions`, 'action_deleted');
  });
}

import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import {
  themeListSchema,
  themeOverrideBodySchema,
  themeOverrideDtoSchema,
  themesQuerySchema,
} from '../../reports/report.schemas';
import { LOCALES } from '../../surveys/i18n/types';
import {
  patchWorkspaceBodySchemaFor,
  workspaceSettingsSchema,
} from '../../workspaces/workspace-settings.schemas';
import { instantRange } from '../../reports/period-range';
import { formatScore } from '../../reports/report-format';
import { truncate } from '../../reports/report-format';
import {
  deleteThemeOverride,
  findThemeOverrides,
  saveThemeOverride,
  themesForRange,
  toThemeOverrideDto,
} from '../../analytics/themes.service';
import {
  getWorkspaceSettings,
  updateWorkspaceSettings,
} from '../../workspaces/workspace-settings.service';
import { surveyIdParamsSchema } from '../../surveys/survey.schemas';
import { requireSurvey } from '../../surveys/survey.service';
import { getWorkspace } from '../../workspaces/workspace.service';
import { READERS, WRITERS, allow, authOf } from '../auth';
import { errorResponses } from '../openapi-common';
import { parse } from '../validate';

const overrideParamsSchema = z.strictObject({ id: z.uuid(), overrideId: z.uuid() });

/** Mounted at /api: workspace settings and comment themes with their overrides. */

const patchWorkspaceBodySchema = patchWorkspaceBodySchemaFor(LOCALES);

export function workspaceRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/workspace', allow('admin', 'manager'), async (req, res) => {
    res.json(await getWorkspaceSettings(ctx.db, authOf(req).workspaceId));
  });
  router.patch('/workspace', allow('admin'), async (req, res) => {
    const body = parse(patchWorkspaceBodySchema, req.body, 'body');
    res.json(await updateWorkspaceSettings(ctx.db, authOf(req).workspaceId, body));
  });
  router.get('/surveys/:id/themes', allow(...READERS), async (req, res) => {
    const { id } = parse(surveyIdParamsSchema, req.params, 'params');
    const query = parse(themesQuerySchema, req.query, 'query');
    const workspaceId = authOf(req).workspaceId;
    const [survey, workspace] = await Promise.all([
      requireSurvey(ctx.db, workspaceId, id),
      getWorkspace(ctx.db, workspaceId),
    ]);
    const range = instantRange(query.since, query.until, workspace.time_zone);
    const themed = await themesForRange(ctx.db, workspaceId, survey, range);
    res.json({
      surveyId: id,
      since: query.since,
      until: query.until,
      totalComments: themed?.report.totalComments ?? 0,
      overallScore: themed?.report.overallScore ?? null,
      themes: (themed?.report.themes ?? []).map((t) => ({
        key: t.key,
        label: t.label,
        volume: t.volume,
        score: t.nps ?? t.csatPercent,
        scoreText: formatScore(survey.kind, t.nps ?? t.csatPercent),
        impact: t.impact,
        pinned: t.pinned,
        quotes: t.representativeIds.map((rid) => ({
          responseId: rid,
          score: themed?.scores.get(rid) ?? 0,
          text: truncate(themed?.texts.get(rid) ?? '', 300),
        })),
        responseIds: t.commentIds,
      })),
    });
  });
  router.get('/surveys/:id/theme-overrides', allow(...READERS), async (req, res) => {
    const { id } = parse(surveyIdParamsSchema, req.params, 'params');
    const workspaceId = authOf(req).workspaceId;
    await requireSurvey(ctx.db, workspaceId, id);
    const rows = await findThemeOverrides(ctx.db, workspaceId, id);
    res.json({ data: rows.map(toThemeOverrideDto) });
  });
  router.post('/surveys/:id/theme-overrides', allow(...WRITERS), async (req, res) => {
    const { id } = parse(surveyIdParamsSchema, req.params, 'params');
    const body = parse(themeOverrideBodySchema, req.body, 'body');
    const workspaceId = authOf(req).workspaceId;
    const survey = await requireSurvey(ctx.db, workspaceId, id);
    const { override, created } = await saveThemeOverride(
      ctx.db,
      workspaceId,
      survey,
      body,
      ctx.clock.now(),
    );
    res.status(created ? 201 : 200).json(override);
  });
  router.delete('/surveys/:id/theme-overrides/:overrideId', allow(...WRITERS), async (req, res) => {
    const { id, overrideId } = parse(overrideParamsSchema, req.params, 'params');
    const workspaceId = authOf(req).workspaceId;
    await requireSurvey(ctx.db, workspaceId, id);
    await deleteThemeOverride(ctx.db, workspaceId, id, overrideId);
    res.status(204).end();
  });
  return router;
}

export function registerWorkspacePaths(registry: OpenAPIRegistry): void {
  const settings = {
    description: 'Workspace settings',
    content: { 'application/json': { schema: workspaceSettingsSchema } },
  };
  registry.registerPath({
    method: 'get',
    path: '/api/workspace',
    summary: 'Workspace settings: report recipients, report day and hour',
    responses: { 200: settings, ...errorResponses() },
  });
  registry.registerPath({
    method: 'patch',
    path: '/api/workspace',
    summary: 'Change workspace settings (admin)',
    request: { body: { content: { 'application/json': { schema: patchWorkspaceBodySchema } } } },
    responses: { 200: settings, ...errorResponses(413) },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/surveys/{id}/themes',
    summary: 'Comment themes of a date range (local dates), with the manager’s overrides applied',
    request: { params: surveyIdParamsSchema, query: themesQuerySchema },
    responses: {
      200: { description: 'Themes', content: { 'application/json': { schema: themeListSchema } } },
      ...errorResponses(404),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/surveys/{id}/theme-overrides',
    summary: 'Rename, merge and pin decisions on this survey’s themes',
    request: { params: surveyIdParamsSchema },
    responses: {
      200: {
        description: 'Overrides',
        content: {
          'application/json': { schema: z.object({ data: z.array(themeOverrideDtoSchema) }) },
        },
      },
      ...errorResponses(404),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/surveys/{id}/theme-overrides',
    summary: 'Rename, merge or pin a theme; one decision per kind and key (a repeat replaces it)',
    request: {
      params: surveyIdParamsSchema,
      body: { content: { 'application/json': { schema: themeOverrideBodySchema } } },
    },
    responses: {
      200: {
        description: 'Replaced',
        content: { 'application/json': { schema: themeOverrideDtoSchema } },
      },
      201: {
        description: 'Created',
        content: { 'application/json': { schema: themeOverrideDtoSchema } },
      },
      ...errorResponses(404, 413),
    },
  });
  registry.registerPath({
    method: 'delete',
    path: '/api/surveys/{id}/theme-overrides/{overrideId}',
    summary: 'Forget a theme decision',
    request: { params: overrideParamsSchema },
    responses: { 204: { description: 'Deleted' }, ...errorResponses(404) },
  });
}

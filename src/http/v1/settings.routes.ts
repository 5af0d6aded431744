import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { NotFoundError } from '../../errors';
import { configureAutopilot, getAutopilotConfiguration } from '../../delighted/autopilot.service';
import { findDelightedSurvey, setDelightedSurvey } from '../../delighted/delighted.repository';
import { requireSurvey } from '../../surveys/survey.service';
import { allow, authOf } from '../auth';
import { parse } from '../validate';

const settingsBodySchema = z
  .strictObject({
    surveyId: z
      .uuid()
      .nullable()
      .describe('survey for Delighted survey requests; null = the oldest active NPS survey'),
    autopilotActive: z.boolean(),
    autopilotFrequencyDays: z.number().int().min(1).max(3650),
  })
  .partial();

/** GET/PUT /api/delighted/settings: how the Delighted-compatible /v1 API maps onto Glas. */
export function delightedSettingsRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use(allow('admin'));
  const read = async (workspaceId: string) => {
    const [survey, autopilot, ws] = await Promise.all([
      findDelightedSurvey(ctx.db, workspaceId),
      getAutopilotConfiguration(ctx.db, workspaceId, 'email'),
      ctx.db
        .selectFrom('workspaces')
        .select('delighted_survey_id')
        .where('id', '=', workspaceId)
        .executeTakeFirst(),
    ]);
    return {
      surveyId: ws?.delighted_survey_id ?? null,
      effectiveSurveyId: survey?.id ?? null,
      autopilotActive: autopilot.active,
      autopilotFrequencyDays: Math.round(autopilot.frequency / 86_400),
    };
  };
  router.get('/settings', async (req, res) => {
    res.json(await read(authOf(req).workspaceId));
  });
  router.put('/settings', async (req, res) => {
    const { workspaceId } = authOf(req);
    const body = parse(settingsBodySchema, req.body, 'body');
    if (body.surveyId) {
      await requireSurvey(ctx.db, workspaceId, body.surveyId).catch(() => {
        throw new NotFoundError('survey_not_found', 'No such survey in this workspace.');
      });
    }
    if (body.surveyId !== undefined) {
      await setDelightedSurvey(ctx.db, workspaceId, body.surveyId);
    }
    if (body.autopilotActive !== undefined || body.autopilotFrequencyDays !== undefined) {
      const current = await getAutopilotConfiguration(ctx.db, workspaceId, 'email');
      await configureAutopilot(ctx.db, ctx.clock, workspaceId, {
        active: body.autopilotActive ?? current.active,
        frequencySeconds: body.autopilotFrequencyDays
          ? body.autopilotFrequencyDays * 86_400
          : undefined,
      });
    }
    res.json(await read(workspaceId));
  });
  return router;
}

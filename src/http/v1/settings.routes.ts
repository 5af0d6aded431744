import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { changeDelightedSettings, getDelightedSettings } from '../../delighted/settings.service';
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
  router.get('/settings', async (req, res) => {
    res.json(await getDelightedSettings(ctx.db, authOf(req).workspaceId));
  });
  router.put('/settings', async (req, res) => {
    const body = parse(settingsBodySchema, req.body, 'body');
    res.json(await changeDelightedSettings(ctx.db, ctx.clock, authOf(req).workspaceId, body));
  });
  return router;
}

import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { parse } from '../validate';

const querySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Local mailbox for trying Glas without SMTP. Mounted only outside production. */
export function devRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/mailbox', async (req, res) => {
    const { limit } = parse(querySchema, req.query, 'query');
    const rows = await ctx.db
      .selectFrom('dev_mailbox')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    res.json({
      data: rows.map((r) => ({
        id: r.id,
        to: r.to_address,
        subject: r.subject,
        headers: r.headers,
        text: r.text_body,
        html: r.html_body,
        links: [...new Set(r.text_body.match(/https?:\/\/\S+/g) ?? [])],
        createdAt: r.created_at.toISOString(),
      })),
    });
  });
  return router;
}

import type { AppContext } from '../../context';
import { findUnknownSends } from '../../dispatch/invitation-query.service';
import { invitationIdParamsSchema } from '../../dispatch/invitation.schemas';
import { resendUnknown } from '../../dispatch/invitation.service';
import { parse } from '../validate';
import type { DashRouter } from './kit';
import { BASE, redirectDone, sessionOf } from './kit';
import { renderPage } from './view';

/**
 * Sends whose outcome is unknown (docs/reliability.md, "Invitations: claim states"): handed to
 * SMTP by a worker that died before the server's answer. Glas never resends them by itself;
 * here an operator leaves each one or sends it again with the same Message-ID.
 */
export function deliveryPages(ctx: AppContext, r: DashRouter) {
  r.get('/deliveries', 'deliveries', async (req, res) => {
    const session = sessionOf(req);
    const unknown = await findUnknownSends(ctx.db, session.workspaceId);
    renderPage(res, 'deliveries', {
      title: 'Deliveries',
      area: 'deliveries',
      session,
      total: unknown.total,
      sends: unknown.data,
    });
  });

  r.post('/deliveries/:id/resend', 'deliveries', async (req, res) => {
    const session = sessionOf(req);
    const { id } = parse(invitationIdParamsSchema, req.params, 'params');
    await resendUnknown(ctx.db, ctx.clock, session.workspaceId, id);
    redirectDone(res, `${BASE}/deliveries`, 'send_resent');
  });
}

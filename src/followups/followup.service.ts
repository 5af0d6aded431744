import type { Kysely } from 'kysely';
import { answerText } from '../surveys/texts';
import type { Database, FollowupStatus } from '../../db/schema';
import type { Clock } from '../clock';
import { ConflictError, NotFoundError } from '../errors';
import { decodeCursor, pageOf } from '../platform/cursor';
import {
  claimCaseAlert,
  deleteRule,
  findCaseById,
  findCasePage,
  findNotes,
  findRules,
  insertNote,
  insertRule,
  lockCase,
  recoveryByPeriod,
  releaseCaseAlert,
  updateCase,
} from './followup.repository';
import type { CaseRow } from './followup.repository';
import type { CaseDto, CreateRuleBody, ListCasesQuery, PatchCaseBody } from './followup.schemas';
import type { Mailer } from '../platform/mailer';
import { renderTemplate } from '../surveys/render';

type RuleRow = Awaited<ReturnType<typeof findRules>>[number];

function toRuleDto(r: RuleRow) {
  return {
    id: r.id,
    property: r.property,
    value: r.value,
    ownerEmail: r.owner_email,
    ownerName: r.owner_name,
    slaHours: r.sla_hours,
    position: r.position,
    createdAt: r.created_at.toISOString(),
  };
}

function toCaseDto(row: CaseRow, now: Date): CaseDto {
  return {
    id: row.id,
    surveyId: row.survey_id,
    surveyName: row.survey_name,
    surveyKind: row.kind,
    responseId: row.response_id,
    score: row.score,
    currentScore: row.current_score,
    comment: row.comment,
    contact: row.contact_id
      ? { id: row.contact_id, email: row.contact_email, name: row.contact_name }
      : null,
    owner: row.owner_email ? { email: row.owner_email, name: row.owner_name } : null,
    status: row.status,
    dueAt: row.due_at.toISOString(),
    overdue: row.status === 'open' && row.due_at < now,
    contactedAt: row.contacted_at?.toISOString() ?? null,
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    alertSentAt: row.alert_sent_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

export async function listRules(db: Kysely<Database>, workspaceId: string) {
  return (await findRules(db, workspaceId)).map(toRuleDto);
}

export async function createRule(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  body: CreateRuleBody,
) {
  const row = await insertRule(db, {
    workspaceId,
    property: body.property ?? null,
    value: body.value ?? null,
    ownerEmail: body.ownerEmail,
    ownerName: body.ownerName ?? null,
    slaHours: body.slaHours,
    position: body.position,
    now: clock.now(),
  });
  return toRuleDto(row);
}

export async function removeRule(db: Kysely<Database>, workspaceId: string, id: string) {
  if (!(await deleteRule(db, workspaceId, id))) {
    throw new NotFoundError('rule_not_found', 'No such follow-up rule in this workspace.');
  }
}

export async function listCases(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  q: ListCasesQuery,
) {
  const limit = q.limit ?? 50;
  const now = clock.now();
  const rows = await findCasePage(
    db,
    workspaceId,
    { status: q.status, owner: q.owner, surveyId: q.surveyId, overdue: q.overdue, now },
    limit + 1,
    decodeCursor(q.cursor),
  );
  const page = pageOf(rows, limit);
  return { data: page.rows.map((r) => toCaseDto(r, now)), nextCursor: page.nextCursor };
}

export async function getCase(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  id: string,
): Promise<CaseDto> {
  const row = await findCaseById(db, workspaceId, id);
  if (!row) {
    throw new NotFoundError('case_not_found', 'No such follow-up case in this workspace.');
  }
  const notes = await findNotes(db, workspaceId, id);
  return {
    ...toCaseDto(row, clock.now()),
    notes: notes.map((n) => ({
      id: n.id,
      body: n.body,
      authorKeyId: n.author_key_id,
      createdAt: n.created_at.toISOString(),
    })),
  };
}

const NEXT: Record<FollowupStatus, FollowupStatus[]> = {
  open: ['contacted', 'resolved'],
  contacted: ['resolved'],
  resolved: [],
};

/** Moves a case forward (open → contacted → resolved) and/or reassigns it. */
export async function changeCase(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  id: string,
  body: PatchCaseBody,
): Promise<CaseDto> {
  const now = clock.now();
  await db.transaction().execute(async (trx) => {
    const current = await lockCase(trx, workspaceId, id);
    if (!current) {
      throw new NotFoundError('case_not_found', 'No such follow-up case in this workspace.');
    }
    const status = body.status;
    if (status && status !== current.status && !NEXT[current.status].includes(status)) {
      throw new ConflictError(
        'invalid_transition',
        `A ${current.status} case cannot become ${status}.`,
        [
          {
            field: 'status',
            issue: `allowed: ${NEXT[current.status].join(', ') || 'none'}`,
            location: 'body',
          },
        ],
      );
    }
    const moving = status && status !== current.status;
    await updateCase(trx, workspaceId, id, {
      updated_at: now,
      ...(moving ? { status } : {}),
      ...(moving && status === 'contacted' ? { contacted_at: now } : {}),
      ...(moving && status === 'resolved' ? { resolved_at: now } : {}),
      ...(body.ownerEmail !== undefined ? { owner_email: body.ownerEmail } : {}),
      ...(body.ownerName !== undefined ? { owner_name: body.ownerName } : {}),
    });
  });
  return getCase(db, clock, workspaceId, id);
}

export async function addNote(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  caseId: string,
  body: string,
  authorKeyId: string,
) {
  const row = await findCaseById(db, workspaceId, caseId);
  if (!row) {
    throw new NotFoundError('case_not_found', 'No such follow-up case in this workspace.');
  }
  const note = await insertNote(db, { workspaceId, caseId, body, authorKeyId, now: clock.now() });
  return {
    id: note.id,
    body: note.body,
    authorKeyId: note.author_key_id,
    createdAt: note.created_at.toISOString(),
  };
}

export async function getRecovery(
  db: Kysely<Database>,
  workspaceId: string,
  q: { period: 'week' | 'month'; since: string; until: string; surveyId?: string | undefined },
) {
  const rows = await recoveryByPeriod(db, workspaceId, {
    period: q.period,
    since: new Date(q.since),
    until: new Date(q.until),
    surveyId: q.surveyId,
  });
  return {
    period: q.period,
    data: rows.map((r) => {
      const cases = Number(r.cases);
      const within = Number(r.contacted_within_sla);
      return {
        periodStart: new Date(r.period_start).toISOString(),
        cases,
        contacted: Number(r.contacted),
        contactedWithinSla: within,
        contactedWithinSlaShare: cases > 0 ? within / cases : null,
        medianHoursToContact:
          r.median_hours_to_contact === null ? null : Number(r.median_hours_to_contact),
        resolved: Number(r.resolved),
        resurveyed: Number(r.resurveyed),
        resurveyMeanScore: r.resurvey_mean_score === null ? null : Number(r.resurvey_mean_score),
        recovered: Number(r.recovered),
      };
    }),
  };
}

/**
 * Emails the case owner: score, comment (escaped; text everywhere), due time. The alert is
 * claimed in Postgres first so a repeated job sends nothing; a failed send releases the
 * claim and throws so BullMQ retries.
 */
export async function sendCaseAlert(
  deps: { db: Kysely<Database>; clock: Clock; mailer: Mailer },
  workspaceId: string,
  caseId: string,
): Promise<'sent' | 'skipped'> {
  const row = await findCaseById(deps.db, workspaceId, caseId);
  if (!row?.owner_email || row.alert_sent_at) {
    return 'skipped';
  }
  if (!(await claimCaseAlert(deps.db, workspaceId, caseId, deps.clock.now()))) {
    return 'skipped';
  }
  const customer = row.contact_name ?? row.contact_email ?? 'unknown';
  const comment = row.comment ?? '(no comment)';
  const answer = answerText(row.kind, row.score);
  const subject = `Follow-up needed: score ${answer} on ${row.survey_name}`.replace(
    /[\r\n\0]/g,
    ' ',
  );
  const dueAt = row.due_at.toISOString().replace('T', ' ').slice(0, 16);
  const html = renderTemplate('./followup-alert', {
    subject,
    heading: 'A customer needs a follow-up',
    surveyName: row.survey_name,
    score: answer,
    customer,
    comment,
    dueAt,
    caseId: row.id,
  });
  const text = [
    'A customer needs a follow-up.',
    '',
    `Survey: ${row.survey_name}`,
    `Score: ${answer}`,
    `Customer: ${customer}`,
    'Comment:',
    comment,
    '',
    `Please contact the customer before ${dueAt} (UTC).`,
    `Case ${row.id}`,
    '',
  ].join('\n');
  try {
    await deps.mailer.send({
      workspaceId,
      to: row.owner_email,
      subject,
      text,
      html,
      headers: { 'X-Glas-Case': row.id, 'Auto-Submitted': 'auto-generated' },
    });
  } catch (err) {
    await releaseCaseAlert(deps.db, workspaceId, caseId);
    throw err;
  }
  return 'sent';
}

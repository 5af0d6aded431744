import type { Kysely } from 'kysely';
import type { Database, JsonObject, SurveyKind } from '../../db/schema';
import { NotFoundError } from '../errors';
import { applyResponseEffects } from './response-effects';
import type { EffectDeps } from './response-effects';
import { findResponseById, findResponsePageAt } from './response-list.repository';
import type { NumberedPage, ResponseFilters, ResponseListRow } from './response-list.repository';
import { insertCountedResponse, lockResponseById, updateResponse } from './response.repository';
import type { ResponseRow } from './response.repository';

// The collector's offer to other front doors (the `/v1` API): responses read and written with
// the same effects as the survey pages, without those callers touching the responses table.

export type { ResponseFilters, ResponseListRow, ResponseRow };

export interface ResponseWriteDeps extends EffectDeps {
  db: Kysely<Database>;
}

export async function listResponseRows(
  db: Kysely<Database>,
  workspaceId: string,
  filters: ResponseFilters,
  page: NumberedPage,
): Promise<ResponseListRow[]> {
  return findResponsePageAt(db, workspaceId, filters, page);
}

export async function findResponseRow(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
): Promise<ResponseListRow | undefined> {
  return findResponseById(db, workspaceId, id);
}

/** A response collected outside Glas for a known person: it counts at once, with every effect. */
export async function recordCountedResponse(
  deps: ResponseWriteDeps,
  workspaceId: string,
  values: {
    surveyId: string;
    kind: SurveyKind;
    contactId: string;
    score: number;
    comment: string | null;
    locale: string;
    segment: JsonObject;
    createdAt: Date;
  },
): Promise<string> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const row = await insertCountedResponse(trx, { ...values, workspaceId, now });
    await applyResponseEffects(trx, deps, values.kind, undefined, row);
    return row.id;
  });
}

/** Changes a response under its row lock; webhooks hear of the change as from any other path. */
export async function reviseResponse(
  deps: ResponseWriteDeps,
  workspaceId: string,
  id: string,
  kind: SurveyKind,
  revise: (before: ResponseRow) => Parameters<typeof updateResponse>[3],
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const before = await lockResponseById(trx, workspaceId, id);
    if (!before) {
      throw new NotFoundError('response_not_found', 'No such survey response.');
    }
    const after = await updateResponse(trx, workspaceId, id, revise(before));
    await applyResponseEffects(trx, deps, kind, before, after);
  });
}

import type { Kysely } from 'kysely';
import type { Database, ImprovementAction, Survey, Workspace } from '../../../db/schema';
import type { ActionDto } from '../action.schemas';
import { listActionRows, toActionDto } from '../action.service';

/**
 * The newest 50 actions created before the period ended that `keep` accepts, each with its
 * before/after effect as of `asOf` (actions of surveys the report does not cover are left out).
 */
export async function reportActions(
  db: Kysely<Database>,
  workspace: Workspace,
  surveys: readonly Survey[],
  createdBefore: Date,
  asOf: Date,
  keep: (row: ImprovementAction) => boolean,
): Promise<ActionDto[]> {
  const { rows } = await listActionRows(db, workspace.id, { createdBefore, limit: 50 });
  const byId = new Map(surveys.map((s) => [s.id, s]));
  const actions: ActionDto[] = [];
  for (const row of rows.filter(keep)) {
    const survey = byId.get(row.survey_id);
    if (survey) {
      actions.push(await toActionDto(db, workspace.id, row, survey, asOf, workspace.time_zone));
    }
  }
  return actions;
}

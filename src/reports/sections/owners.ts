import type { Kysely } from 'kysely';
import type { Database, ImprovementAction, Survey, Workspace } from '../../../db/schema';
import { findOpenActions, findUsualOwners } from '../report-data.repository';
import type { WeeklyItem } from '../report.types';

export type Owner = WeeklyItem['suggestedOwner'];

export interface OwnerContext {
  actions: ImprovementAction[];
  usual: Map<string, { owner_name: string | null; owner_email: string }>;
  managers: string[];
}

export async function loadOwnerContext(
  db: Kysely<Database>,
  workspace: Workspace,
): Promise<OwnerContext> {
  const [actions, usual] = await Promise.all([
    findOpenActions(db, workspace.id),
    findUsualOwners(db, workspace.id),
  ]);
  return { actions, usual, managers: workspace.manager_recipients };
}

/** Who should act on an item: the open action's owner, else the survey's usual case owner, else the first manager. */
export function ownerFor(
  survey: Survey,
  matches: (a: ImprovementAction) => boolean,
  ctx: OwnerContext,
): Owner {
  const action = ctx.actions.find(
    (a) => a.survey_id === survey.id && matches(a) && (a.owner_email || a.owner_name),
  );
  if (action) {
    return {
      name: action.owner_name,
      email: action.owner_email,
      why: `owns the open action “${action.title}”`,
    };
  }
  const usual = ctx.usual.get(survey.id);
  if (usual) {
    return {
      name: usual.owner_name,
      email: usual.owner_email,
      why: 'handles most follow-up cases of this survey',
    };
  }
  const manager = ctx.managers[0];
  return manager
    ? { name: null, email: manager, why: 'first manager recipient of this report' }
    : null;
}

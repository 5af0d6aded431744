import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Clock } from '../clock';
import { NotFoundError } from '../errors';
import { requireSurvey } from '../surveys/survey.service';
import { configureAutopilot, getAutopilotConfiguration } from './autopilot.service';
import {
  findChosenDelightedSurveyId,
  findDelightedSurvey,
  setDelightedSurvey,
} from './delighted.repository';

/** How the Delighted-compatible /v1 API maps onto Glas (GET/PUT /api/delighted/settings). */
export interface DelightedSettings {
  /** The survey chosen for Delighted survey requests; null = the oldest active NPS survey. */
  surveyId: string | null;
  /** The survey requests actually use now, null when there is none. */
  effectiveSurveyId: string | null;
  autopilotActive: boolean;
  autopilotFrequencyDays: number;
}

export interface DelightedSettingsChange {
  surveyId?: string | null | undefined;
  autopilotActive?: boolean | undefined;
  autopilotFrequencyDays?: number | undefined;
}

export async function getDelightedSettings(
  db: Kysely<Database>,
  workspaceId: string,
): Promise<DelightedSettings> {
  const [survey, autopilot, chosen] = await Promise.all([
    findDelightedSurvey(db, workspaceId),
    getAutopilotConfiguration(db, workspaceId, 'email'),
    findChosenDelightedSurveyId(db, workspaceId),
  ]);
  return {
    surveyId: chosen,
    effectiveSurveyId: survey?.id ?? null,
    autopilotActive: autopilot.active,
    autopilotFrequencyDays: Math.round(autopilot.frequency / 86_400),
  };
}

/** Applies the fields given (a chosen survey must belong to the workspace) and returns the result. */
export async function changeDelightedSettings(
  db: Kysely<Database>,
  clock: Clock,
  workspaceId: string,
  change: DelightedSettingsChange,
): Promise<DelightedSettings> {
  if (change.surveyId) {
    await requireSurvey(db, workspaceId, change.surveyId).catch(() => {
      throw new NotFoundError('survey_not_found', 'No such survey in this workspace.');
    });
  }
  if (change.surveyId !== undefined) {
    await setDelightedSurvey(db, workspaceId, change.surveyId);
  }
  if (change.autopilotActive !== undefined || change.autopilotFrequencyDays !== undefined) {
    const current = await getAutopilotConfiguration(db, workspaceId, 'email');
    await configureAutopilot(db, clock, workspaceId, {
      active: change.autopilotActive ?? current.active,
      frequencySeconds: change.autopilotFrequencyDays
        ? change.autopilotFrequencyDays * 86_400
        : undefined,
    });
  }
  return getDelightedSettings(db, workspaceId);
}

import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type {
  Database,
  Survey,
  SurveyKind,
  ThemeOverride,
  ThemeOverrideKind,
} from '../../db/schema';
import { NotFoundError, UnprocessableError } from '../errors';
import { extractThemes } from '../scoring';
import type { CommentLocale, ThemeOverrides, ThemeReport } from '../scoring';
import { LOCALES } from '../surveys/i18n/types';

/** Most comments one extraction reads (newest first); bounds memory on very large surveys. */
export const MAX_THEME_COMMENTS = 5000;

export interface ThemeOverrideDto {
  id: string;
  surveyId: string;
  kind: ThemeOverrideKind;
  themeKey: string;
  label: string | null;
  into: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toThemeOverrideDto(row: ThemeOverride): ThemeOverrideDto {
  return {
    id: row.id,
    surveyId: row.survey_id,
    kind: row.kind,
    themeKey: row.theme_key,
    label: row.kind === 'rename' ? row.value : null,
    into: row.kind === 'merge' ? row.value : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function findThemeOverrides(
  db: Kysely<Database>,
  workspaceId: string,
  surveyId: string,
): Promise<ThemeOverride[]> {
  return db
    .selectFrom('theme_overrides')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('survey_id', '=', surveyId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** The stored decisions in the shape the theme extractor re-applies on every run. */
export function toThemeOverrides(rows: readonly ThemeOverride[]): ThemeOverrides {
  const renames: Record<string, string> = {};
  const merges: Record<string, string> = {};
  const pins: string[] = [];
  for (const row of rows) {
    if (row.kind === 'rename' && row.value) {
      renames[row.theme_key] = row.value;
    } else if (row.kind === 'merge' && row.value) {
      merges[row.theme_key] = row.value;
    } else if (row.kind === 'pin') {
      pins.push(row.theme_key);
    }
  }
  return { renames, merges, pins };
}

export type ThemeOverrideInput =
  | { kind: 'rename'; themeKey: string; label: string }
  | { kind: 'merge'; themeKey: string; into: string }
  | { kind: 'pin'; themeKey: string };

/** Upserts one decision per (survey, kind, key): renaming twice keeps the latest label. */
export async function saveThemeOverride(
  db: Kysely<Database>,
  workspaceId: string,
  survey: Survey,
  input: ThemeOverrideInput,
  now: Date,
): Promise<{ override: ThemeOverrideDto; created: boolean }> {
  if (input.kind === 'merge' && input.into === input.themeKey) {
    throw new UnprocessableError('theme_merge_self', 'A theme cannot be merged into itself.', [
      { field: 'into', issue: 'must differ from themeKey', location: 'body' },
    ]);
  }
  const value = input.kind === 'rename' ? input.label : input.kind === 'merge' ? input.into : null;
  const row = await db
    .insertInto('theme_overrides')
    .values({
      workspace_id: workspaceId,
      survey_id: survey.id,
      kind: input.kind,
      theme_key: input.themeKey,
      value,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['survey_id', 'kind', 'theme_key']).doUpdateSet({ value, updated_at: now }),
    )
    .returningAll()
    .returning(sql<boolean>`xmax = 0`.as('inserted'))
    .executeTakeFirstOrThrow();
  // NOTE: xmax = 0 only on a freshly inserted row, not one updated by ON CONFLICT.
  return { override: toThemeOverrideDto(row), created: row.inserted };
}

export async function deleteThemeOverride(
  db: Kysely<Database>,
  workspaceId: string,
  surveyId: string,
  id: string,
): Promise<void> {
  const row = await db
    .deleteFrom('theme_overrides')
    .where('workspace_id', '=', workspaceId)
    .where('survey_id', '=', surveyId)
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  if (!row) {
    throw new NotFoundError('theme_override_not_found', 'Theme override not found.');
  }
}

function commentLocale(locale: string): CommentLocale {
  const exact = LOCALES.find((l) => l === locale);
  if (exact) {
    return exact;
  }
  const lower = locale.toLowerCase();
  return LOCALES.find((l) => l.toLowerCase() === lower || lower.startsWith(`${l}-`)) ?? 'en';
}

export interface ThemedComments {
  report: ThemeReport;
  /** Comment text by response id, for quotes. */
  texts: Map<string, string>;
  scores: Map<string, number>;
  /** Comments read (may be capped at MAX_THEME_COMMENTS). */
  read: number;
  capped: boolean;
}

type CommentRow = { id: string; score: number; comment: string | null; locale: string };
type ThemeOptions = { maxThemes?: number; minVolume?: number; extraPins?: string[] };

/**
 * The extractor's scale for a kind: eNPS is scored like NPS. NOTE: the mean kinds (CES, stars,
 * smileys), thumbs and PMF get no themes yet: the extractor scores themes as NPS or CSAT only.
 */
function themeKindOf(kind: SurveyKind): 'nps' | 'csat' | null {
  return kind === 'nps' || kind === 'enps' ? 'nps' : kind === 'csat' ? 'csat' : null;
}

/** Runs the extractor over one survey's comments (newest first) with its overrides. */
function themedComments(
  kind: 'nps' | 'csat',
  rows: readonly CommentRow[],
  overrideRows: readonly ThemeOverride[],
  options: ThemeOptions,
): ThemedComments {
  const capped = rows.length > MAX_THEME_COMMENTS;
  const used = rows.slice(0, MAX_THEME_COMMENTS);
  const overrides = toThemeOverrides(overrideRows);
  const report = extractThemes(
    used.map((r) => ({
      id: r.id,
      text: r.comment ?? '',
      locale: commentLocale(r.locale),
      score: r.score,
    })),
    {
      kind,
      ...(options.maxThemes !== undefined ? { maxThemes: options.maxThemes } : {}),
      ...(options.minVolume !== undefined ? { minVolume: options.minVolume } : {}),
      overrides: {
        ...overrides,
        pins: [...(overrides.pins ?? []), ...(options.extraPins ?? [])],
      },
    },
  );
  return {
    report,
    texts: new Map(used.map((r) => [r.id, r.comment ?? ''])),
    scores: new Map(used.map((r) => [r.id, r.score])),
    read: used.length,
    capped,
  };
}

/**
 * Themes of the counted comments of one survey in [from, to), with the manager's overrides.
 * NPS, eNPS and CSAT only (the extractor's scales); the other kinds return null.
 */
export async function themesForRange(
  db: Kysely<Database>,
  workspaceId: string,
  survey: Pick<Survey, 'id' | 'kind'>,
  range: { from: Date; to: Date },
  options: ThemeOptions = {},
): Promise<ThemedComments | null> {
  const themeKind = themeKindOf(survey.kind);
  if (!themeKind) {
    return null;
  }
  const [rows, overrideRows] = await Promise.all([
    db
      .selectFrom('counted_responses')
      .select(['id', 'score', 'comment', 'locale'])
      .where('workspace_id', '=', workspaceId)
      .where('survey_id', '=', survey.id)
      .where('created_at', '>=', range.from)
      .where('created_at', '<', range.to)
      .where('comment', 'is not', null)
      .where('comment', '<>', '')
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(MAX_THEME_COMMENTS + 1)
      .execute(),
    findThemeOverrides(db, workspaceId, survey.id),
  ]);
  return themedComments(themeKind, rows, overrideRows, options);
}

/**
 * themesForRange for several surveys at once, in two statements however many surveys there
 * are (a report's themes). Surveys without themes (CES) map to null.
 */
export async function themesForSurveys(
  db: Kysely<Database>,
  workspaceId: string,
  surveys: readonly Pick<Survey, 'id' | 'kind'>[],
  range: { from: Date; to: Date },
  options: ThemeOptions = {},
): Promise<Map<string, ThemedComments | null>> {
  const themed = surveys.filter((s) => themeKindOf(s.kind) !== null);
  const result = new Map<string, ThemedComments | null>(surveys.map((s) => [s.id, null]));
  if (themed.length === 0) {
    return result;
  }
  const ids = themed.map((s) => s.id);
  const [rows, overrideRows] = await Promise.all([
    db
      .selectFrom((eb) =>
        eb
          .selectFrom('counted_responses')
          .select(['id', 'survey_id', 'score', 'comment', 'locale', 'created_at'])
          .select(
            sql<number>`row_number() over (partition by survey_id order by created_at desc, id)`.as(
              'rank',
            ),
          )
          .where('workspace_id', '=', workspaceId)
          .where('survey_id', 'in', ids)
          .where('created_at', '>=', range.from)
          .where('created_at', '<', range.to)
          .where('comment', 'is not', null)
          .where('comment', '<>', '')
          .as('c'),
      )
      .select(['id', 'survey_id', 'score', 'comment', 'locale'])
      .where('rank', '<=', MAX_THEME_COMMENTS + 1)
      .orderBy('survey_id')
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('theme_overrides')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('survey_id', 'in', ids)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
  ]);
  for (const survey of themed) {
    result.set(
      survey.id,
      themedComments(
        themeKindOf(survey.kind)!,
        rows.filter((r) => r.survey_id === survey.id),
        overrideRows.filter((r) => r.survey_id === survey.id),
        options,
      ),
    );
  }
  return result;
}

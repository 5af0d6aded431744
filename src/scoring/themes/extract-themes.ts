import { draftLabel, groupTerms } from './grouping';
import { lowerCaseText } from './normalize';
import type { OverriddenDraft } from './overrides';
import { applyOverrides, protectedKeysOf } from './overrides';
import type { RepresentativeCandidate } from './representatives';
import { pickRepresentatives } from './representatives';
import { extractTerms } from './terms';
import { themeImpact, themeScore, themeScoreCounts } from './theme-score';
import type { Theme, ThemeComment, ThemeOptions, ThemeReport, ThemeSurveyKind } from './types';

/** Defaults for {@link ThemeOptions}. */
export const THEME_DEFAULTS = {
  kind: 'nps',
  minVolume: 2,
  maxThemes: 20,
  maxRepresentatives: 3,
} as const satisfies Required<Omit<ThemeOptions, 'overrides'>>;

function assertUniqueIds(comments: readonly ThemeComment[]): void {
  const ids = new Set<string>();
  for (const { id } of comments) {
    if (ids.has(id)) {
      throw new RangeError(`comment id ${id} appears more than once`);
    }
    ids.add(id);
  }
}

function compareThemes(a: Theme, b: Theme): number {
  return b.volume - a.volume || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

function toTheme(
  draft: OverriddenDraft,
  byId: ReadonlyMap<string, RepresentativeCandidate>,
  allScoreCounts: readonly number[],
  kind: ThemeSurveyKind,
  maxRepresentatives: number,
): Theme {
  const commentIds = [...draft.ids].sort();
  const members = commentIds.flatMap((id) => byId.get(id) ?? []);
  const scoreCounts = themeScoreCounts(
    members.map((m) => m.score),
    kind,
  );
  const score = themeScore(scoreCounts, kind);
  const surface = draftLabel(draft);
  return {
    key: draft.key,
    label: draft.rename ?? surface,
    volume: commentIds.length,
    commentIds,
    scoreCounts,
    nps: kind === 'nps' ? score : null,
    csatPercent: kind === 'csat' ? score : null,
    impact: members.length === 0 ? null : themeImpact(allScoreCounts, scoreCounts, kind),
    representativeIds: pickRepresentatives(members, surface, kind, maxRepresentatives),
    pinned: draft.pinned,
  };
}

/**
 * Finds comment themes in en, hr, sr-Latn, sr-Cyrl and vi (issue 6): normalizes and folds words,
 * drops stop words, keeps words and two-word phrases, groups near-duplicates, applies manager
 * overrides, and scores each theme (NPS or CSAT, impact per docs/statistics.md). Pure and
 * deterministic: the same comments in any order give the same report. Throws a RangeError for
 * duplicate ids or off-scale scores.
 */
export function extractThemes(
  comments: readonly ThemeComment[],
  options: ThemeOptions = {},
): ThemeReport {
  const { kind, minVolume, maxThemes, maxRepresentatives } = { ...THEME_DEFAULTS, ...options };
  const overrides = options.overrides ?? {};
  assertUniqueIds(comments);
  const allScoreCounts = themeScoreCounts(
    comments.map((c) => c.score),
    kind,
  );
  const byId = new Map(
    comments.map((c) => [
      c.id,
      { id: c.id, lowered: lowerCaseText(c.text, c.locale), score: c.score },
    ]),
  );
  const grouping = groupTerms(
    comments.map((c) => ({ id: c.id, terms: extractTerms(c.text, c.locale) })),
    protectedKeysOf(overrides),
  );
  const themes = applyOverrides(grouping, overrides)
    .filter((draft) => draft.pinned || draft.ids.size >= minVolume)
    .map((draft) => toTheme(draft, byId, allScoreCounts, kind, maxRepresentatives));
  const pinned = themes.filter((t) => t.pinned).sort(compareThemes);
  const rest = themes
    .filter((t) => !t.pinned)
    .sort(compareThemes)
    .slice(0, Math.max(0, maxThemes - pinned.length));
  return {
    kind,
    totalComments: comments.length,
    overallScore: themeScore(allScoreCounts, kind),
    themes: [...pinned, ...rest],
  };
}

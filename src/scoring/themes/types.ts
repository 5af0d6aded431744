/** Locales whose comments Glas groups into themes. */
export type CommentLocale = 'en' | 'hr' | 'sr-Latn' | 'sr-Cyrl' | 'vi';

/** Which score a survey asks for: NPS on 0–10 or CSAT on 1–5. */
export type ThemeSurveyKind = 'nps' | 'csat';

/** One free-text answer with the score given in the same response. */
export interface ThemeComment {
  readonly id: string;
  readonly text: string;
  readonly locale: CommentLocale;
  readonly score: number;
}

/**
 * Manager decisions, kept as data and re-applied on every run. Keys are theme keys as returned
 * in {@link Theme.key}.
 */
export interface ThemeOverrides {
  /** key → label shown instead of the automatic one. */
  readonly renames?: Readonly<Record<string, string>>;
  /** fromKey → intoKey: the from theme's comments join the into theme. Chains are followed. */
  readonly merges?: Readonly<Record<string, string>>;
  /** Keys always reported, first, even below the minimum volume or with no comments. */
  readonly pins?: readonly string[];
}

export interface ThemeOptions {
  /** Survey kind; decides the scale of `score` and whether NPS or CSAT is reported (default nps). */
  readonly kind?: ThemeSurveyKind;
  /** Themes mentioned by fewer comments are left out, unless pinned (default 2). */
  readonly minVolume?: number;
  /** Most themes returned, pinned ones included when they fit (default 20). */
  readonly maxThemes?: number;
  /** Most representative comment ids per theme (default 3). */
  readonly maxRepresentatives?: number;
  readonly overrides?: ThemeOverrides;
}

/** A group of comments that talk about the same thing. */
export interface Theme {
  /** Stable grouping key (normalized stem or phrase); use it in {@link ThemeOverrides}. */
  readonly key: string;
  /** Most frequent original surface form, or the manager's rename. */
  readonly label: string;
  /** Number of distinct comments in the theme. */
  readonly volume: number;
  /** Ids of those comments, sorted. */
  readonly commentIds: readonly string[];
  /** Index = score value 0…10, value = number of the theme's comments with that score. */
  readonly scoreCounts: readonly number[];
  /** NPS of the theme's comments in points; null for CSAT surveys or an empty theme. */
  readonly nps: number | null;
  /** CSAT of the theme's comments in percent; null for NPS surveys or an empty theme. */
  readonly csatPercent: number | null;
  /** Overall score minus the score without this theme's comments (docs/statistics.md). */
  readonly impact: number | null;
  /** A few typical comment ids, most typical first. */
  readonly representativeIds: readonly string[];
  readonly pinned: boolean;
}

export interface ThemeReport {
  readonly kind: ThemeSurveyKind;
  /** Number of comments given. */
  readonly totalComments: number;
  /** NPS points or CSAT percent over all comments given; null when there are none. */
  readonly overallScore: number | null;
  /** Pinned themes first, then by volume descending, then key. */
  readonly themes: readonly Theme[];
}

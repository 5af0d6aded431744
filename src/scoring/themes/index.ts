export { extractThemes, THEME_DEFAULTS } from './extract-themes';
export { SUBSUMPTION_JACCARD } from './grouping';
export { areNearDuplicates } from './near-duplicates';
export { foldWord, stripDiacritics, transliterateSerbianCyrillic } from './normalize';
export { stemEnglish, stemSouthSlavic } from './stem';
export { SERBIAN_STOP_SUPPLEMENT } from './stop-words';
export { extractTerms } from './terms';
export type { TermOccurrence } from './terms';
export { csatImpactPoints } from './theme-score';
export type {
  CommentLocale,
  Theme,
  ThemeComment,
  ThemeOptions,
  ThemeOverrides,
  ThemeReport,
  ThemeSurveyKind,
} from './types';

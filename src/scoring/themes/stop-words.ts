import stopwordsIso from 'stopwords-iso';
import { foldWord, stripDiacritics } from './normalize';
import { stemWord } from './stem';
import type { CommentLocale } from './types';

/**
 * Serbian (and shared Croatian) function words missing from the stopwords-iso `hr` list:
 * ekavian forms (gde, posle, pre, uvek), their ijekavian twins, "šta", and frequent
 * intensifiers, pronouns and prepositions. Written in Latin; folded like comment words.
 */
export const SERBIAN_STOP_SUPPLEMENT: readonly string[] = [
  'šta',
  'gde',
  'gdje',
  'ovde',
  'ovdje',
  'onde',
  'tamo',
  'posle',
  'poslije',
  'pre',
  'uvek',
  'uvijek',
  'nikad',
  'nikada',
  'sad',
  'sada',
  'onda',
  'opet',
  'ipak',
  'inače',
  'zato',
  'jer',
  'kad',
  'dok',
  'evo',
  'eto',
  'ovaj',
  'ovo',
  'ove',
  'ovi',
  'ovog',
  'ovoga',
  'ovom',
  'ovu',
  'ovih',
  'ovim',
  'onaj',
  'ono',
  'tog',
  'toga',
  'tom',
  'tim',
  'tih',
  'kog',
  'kojeg',
  'kojem',
  'čemu',
  'čega',
  'ništa',
  'svaki',
  'svaka',
  'svako',
  'sav',
  'sva',
  'svega',
  'jedan',
  'jako',
  'veoma',
  'baš',
  'mnogo',
  'puno',
  'malo',
  'čak',
  'tek',
  'stvarno',
  'uopšte',
  'uopće',
  'isto',
  'kod',
  'zbog',
  'bez',
  'oko',
  'preko',
  'prema',
  'ima',
  'imam',
  'imao',
  'imala',
  'imali',
  'treba',
  'može',
  'mogu',
  'bude',
  'budu',
  'biće',
  'hteo',
  'htela',
  'htio',
  'htjela',
  'bila',
  'bio',
];

// NOTE: the `hr` list serves sr-Latn and sr-Cyrl too (stopwords-iso has no Serbian); the
// supplement is applied to hr as well, because its words are just as common in Croatian.
const SOUTH_SLAVIC = [...stopwordsIso.hr, ...SERBIAN_STOP_SUPPLEMENT];

// NOTE: entries such as "i.e." or a stray "himse”" are split the way comments are, so every
// fragment the tokenizer can produce from a stop-word entry is itself a stop word.
function fragments(entries: readonly string[]): string[] {
  return entries.flatMap(
    (entry) => entry.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{M}\p{N}']*/gu) ?? [],
  );
}

function foldedSet(words: readonly string[]): ReadonlySet<string> {
  const set = new Set<string>();
  for (const word of fragments(words)) {
    const folded = foldWord(word.toLowerCase());
    set.add(folded);
    set.add(stemWord(folded, 'south-slavic'));
  }
  return set;
}

function stemmedEnglishSet(words: readonly string[]): ReadonlySet<string> {
  const set = new Set<string>();
  for (const word of fragments(words)) {
    const folded = foldWord(word.toLowerCase());
    set.add(folded);
    set.add(stemWord(folded, 'english'));
  }
  return set;
}

const SOUTH_SLAVIC_STOP = foldedSet(SOUTH_SLAVIC);
const ENGLISH_STOP = stemmedEnglishSet(stopwordsIso.en);
// NOTE: "a-lô" and the like are split at punctuation like comments are; each piece is a stop phrase.
const VIETNAMESE_ENTRIES = stopwordsIso.vi.flatMap((entry) =>
  entry
    .normalize('NFC')
    .split(/[^\p{L}\p{M}\p{N}\s]+/u)
    .map((piece) => piece.trim())
    .filter((piece) => piece.length > 0),
);
const VIETNAMESE_STOP: ReadonlySet<string> = new Set(VIETNAMESE_ENTRIES);
const VIETNAMESE_STOP_UNACCENTED: ReadonlySet<string> = new Set(
  VIETNAMESE_ENTRIES.map(stripDiacritics),
);

/** Longest Vietnamese stop phrase, in syllables. */
export const VIETNAMESE_STOP_MAX_SYLLABLES = Math.max(
  ...stopwordsIso.vi.map((w) => w.split(' ').length),
);

/**
 * True when a folded word (Serbian Latin, no diacritics) or its stem is a stop word for the
 * locale: stopwords-iso `en`, or `hr` plus {@link SERBIAN_STOP_SUPPLEMENT} for hr and sr.
 */
export function isStopWord(folded: string, stem: string, locale: CommentLocale): boolean {
  const set = locale === 'en' ? ENGLISH_STOP : SOUTH_SLAVIC_STOP;
  return set.has(folded) || set.has(stem);
}

/**
 * True when a run of Vietnamese syllables (joined by one space) is in stopwords-iso `vi`;
 * `unaccented` compares against the list with its diacritics stripped.
 */
export function isVietnameseStopPhrase(phrase: string, unaccented: boolean): boolean {
  return (unaccented ? VIETNAMESE_STOP_UNACCENTED : VIETNAMESE_STOP).has(phrase);
}

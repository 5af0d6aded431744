/** Which light stemmer a word gets. */
export type StemmerKind = 'south-slavic' | 'english';

// Case and gender endings of South Slavic nouns and adjectives, longest first. Deliberately
// short: -ama, -ovi and -evi are left out because they also end stems (reklama, program-a).
const SOUTH_SLAVIC_SUFFIXES: readonly string[] = [
  'ijom',
  'ijem',
  'ijeg',
  'ijih',
  'ijim',
  'ijoj',
  'ima',
  'ija',
  'ije',
  'iju',
  'iji',
  'ega',
  'emu',
  'omu',
  'ome',
  'oga',
  'om',
  'em',
  'og',
  'oj',
  'im',
  'ih',
  'a',
  'e',
  'i',
  'o',
  'u',
];

const MIN_SOUTH_SLAVIC_STEM = 3;

// NOTE: the masculine l-participle drops its l (kasnio, čekao, hteo); putting it back lets
// "kasnio" and "kasnila" share the stem "kasnil".
const PARTICIPLE = /([aie])o$/u;

/** Ijekavian → ekavian inside a stem (cijen → cen, mjest → mest), so hr and sr forms group. */
function foldYat(stem: string): string {
  return stem.replace(/ije/gu, 'e').replace(/([bcdfgmpstvz])je/gu, '$1e');
}

/**
 * Conservative suffix stripper for Croatian and Serbian (folded Latin, no diacritics): restores
 * the l of masculine l-participles, strips one case/gender ending leaving at least 3 letters,
 * then folds ijekavian "ije"/"je" to ekavian "e". dostava, dostavom, dostave, dostavi → dostav.
 */
export function stemSouthSlavic(word: string): string {
  const restored = word.length >= 5 ? word.replace(PARTICIPLE, '$1l') : word;
  for (const suffix of SOUTH_SLAVIC_SUFFIXES) {
    if (restored.endsWith(suffix) && restored.length - suffix.length >= MIN_SOUTH_SLAVIC_STEM) {
      return foldYat(restored.slice(0, -suffix.length));
    }
  }
  return foldYat(restored);
}

const VOWEL = /[aeiouy]/u;

function undouble(stem: string): string {
  const last = stem.at(-1);
  return last !== undefined && stem.at(-2) === last && !'lsz'.includes(last)
    ? stem.slice(0, -1)
    : stem;
}

function stripEnglishPlural(word: string): string {
  if (word.endsWith('ies') && word.length > 4) {
    return `${word.slice(0, -3)}y`;
  }
  if (/(sses|xes|ches|shes)$/u.test(word)) {
    return word.slice(0, -2);
  }
  if (/(ss|us|is)$/u.test(word) || !word.endsWith('s') || word.length <= 3) {
    return word;
  }
  return word.slice(0, -1);
}

function stripEnglishVerbEnding(word: string): string {
  for (const ending of ['ing', 'ed']) {
    const stem = word.slice(0, -ending.length);
    if (word.endsWith(ending) && !word.endsWith('eed') && stem.length >= 3 && VOWEL.test(stem)) {
      return undouble(stem);
    }
  }
  return word;
}

/**
 * English plural, -ing and -ed folding (a small subset of Porter's step 1), then a final "e"
 * dropped on longer words so price, prices, priced and pricing all give "pric".
 */
export function stemEnglish(word: string): string {
  const base = stripEnglishVerbEnding(stripEnglishPlural(word.replace(/'s?$/u, '')));
  return base.length > 4 && base.endsWith('e') ? base.slice(0, -1) : base;
}

/** Stems a folded word with the given stemmer and drops any apostrophes left in it. */
export function stemWord(folded: string, kind: StemmerKind): string {
  const stem = kind === 'english' ? stemEnglish(folded) : stemSouthSlavic(folded);
  return stem.replace(/'/gu, '');
}

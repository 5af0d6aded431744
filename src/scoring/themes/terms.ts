import { foldWord, hasDiacritics, lowerCaseText, stripDiacritics } from './normalize';
import { stemWord } from './stem';
import { VIETNAMESE_STOP_MAX_SYLLABLES, isStopWord, isVietnameseStopPhrase } from './stop-words';
import type { CommentLocale } from './types';

/** One candidate term found in a comment: a word (one part) or a two-word phrase. */
export interface TermOccurrence {
  /** Grouping keys of the words: stems, or Vietnamese syllables. */
  readonly parts: readonly string[];
  /** Lower-cased original text of the term, for labels. */
  readonly surface: string;
  /** From a Vietnamese comment (syllables, no stemming, no edit-distance merging). */
  readonly vi: boolean;
  /** From a Vietnamese comment typed without any diacritics. */
  readonly unaccented: boolean;
}

/** A word kept as a candidate, or null where a stop word, number or punctuation breaks phrases. */
interface Unit {
  readonly key: string;
  readonly surface: string;
}

const MIN_WORD_LENGTH = 3;
const MIN_SYLLABLE_LENGTH = 2;
const TOKEN = /[\p{L}\p{N}][\p{L}\p{M}\p{N}']*/gu;
const PHRASE_BREAK = /[^\p{L}\p{M}\p{N}'\s]+/u;

function chunksOf(text: string, locale: CommentLocale): string[][] {
  return lowerCaseText(text, locale)
    .split(PHRASE_BREAK)
    .map((chunk) => chunk.match(TOKEN) ?? []);
}

function wordUnit(token: string, locale: CommentLocale): Unit | null {
  if (/\p{N}/u.test(token)) {
    return null;
  }
  const folded = foldWord(token).replace(/'+$/u, '');
  const stem = stemWord(folded, locale === 'en' ? 'english' : 'south-slavic');
  if (folded.length < MIN_WORD_LENGTH || isStopWord(folded, stem, locale)) {
    return null;
  }
  return { key: stem, surface: token };
}

/** Marks syllables covered by the longest stop phrase starting at each position. */
function vietnameseStopMask(syllables: readonly string[], unaccented: boolean): boolean[] {
  const mask = syllables.map(() => false);
  let i = 0;
  while (i < syllables.length) {
    let covered = 0;
    for (let n = Math.min(VIETNAMESE_STOP_MAX_SYLLABLES, syllables.length - i); n >= 1; n--) {
      if (isVietnameseStopPhrase(syllables.slice(i, i + n).join(' '), unaccented)) {
        covered = n;
        break;
      }
    }
    mask.fill(true, i, i + covered);
    i += Math.max(covered, 1);
  }
  return mask;
}

function vietnameseUnits(tokens: readonly string[], unaccented: boolean): (Unit | null)[] {
  const stop = vietnameseStopMask(tokens, unaccented);
  return tokens.map((token, i) =>
    stop[i] === true || /\p{N}/u.test(token) || token.length < MIN_SYLLABLE_LENGTH
      ? null
      : { key: token, surface: token },
  );
}

function occurrencesOf(
  units: readonly (Unit | null)[],
  vi: boolean,
  unaccented: boolean,
): TermOccurrence[] {
  const found: TermOccurrence[] = [];
  units.forEach((unit, i) => {
    if (unit === null) {
      return;
    }
    found.push({ parts: [unit.key], surface: unit.surface, vi, unaccented });
    const next = units[i + 1];
    if (next !== undefined && next !== null) {
      const surface = `${unit.surface} ${next.surface}`;
      found.push({ parts: [unit.key, next.key], surface, vi, unaccented });
    }
  });
  return found;
}

/**
 * Candidate terms of one comment: meaningful words and two-word phrases of adjacent non-stop
 * words. Stop words, numbers, short words and punctuation break phrases. Vietnamese keeps
 * each syllable with its diacritics (NFC); other locales are folded and stemmed.
 */
export function extractTerms(text: string, locale: CommentLocale): TermOccurrence[] {
  const vi = locale === 'vi';
  const unaccented = vi && !hasDiacritics(lowerCaseText(text, locale));
  return chunksOf(text, locale).flatMap((tokens) => {
    const units = vi
      ? vietnameseUnits(unaccented ? tokens.map(stripDiacritics) : tokens, unaccented)
      : tokens.map((token) => wordUnit(token, locale));
    return occurrencesOf(units, vi, unaccented);
  });
}

import type { CommentLocale } from './types';

// NOTE: the official Serbian Cyrillic ↔ Latin table (Vuk's alphabet ↔ Gaj's Latin alphabet).
const SERBIAN_CYRILLIC_TO_LATIN: Readonly<Record<string, string>> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  ђ: 'đ',
  е: 'e',
  ж: 'ž',
  з: 'z',
  и: 'i',
  ј: 'j',
  к: 'k',
  л: 'l',
  љ: 'lj',
  м: 'm',
  н: 'n',
  њ: 'nj',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  ћ: 'ć',
  у: 'u',
  ф: 'f',
  х: 'h',
  ц: 'c',
  ч: 'č',
  џ: 'dž',
  ш: 'š',
};

const CYRILLIC_LETTER = /[\u0400-\u04ff]/gu;

// NOTE: letters that NFKD does not decompose into base + combining mark.
const UNDECOMPOSABLE: Readonly<Record<string, string>> = {
  đ: 'd',
  ð: 'd',
  ł: 'l',
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  ß: 'ss',
  ı: 'i',
};

/**
 * Transliterates lower-case Serbian Cyrillic to Serbian Latin with the exact official table
 * (љ→lj, њ→nj, џ→dž, ђ→đ, ћ→ć, …). Other characters pass through, so mixed-script text works.
 * Upper-case letters are lower-cased first.
 */
export function transliterateSerbianCyrillic(text: string): string {
  return text.replace(CYRILLIC_LETTER, (ch) => {
    const lower = ch.toLocaleLowerCase('sr');
    return SERBIAN_CYRILLIC_TO_LATIN[lower] ?? lower;
  });
}

/** Unicode NFKD, then drops combining marks and folds đ→d, ł→l and the like; ASCII stays as is. */
export function stripDiacritics(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đðłøæœßı]/gu, (ch) => UNDECOMPOSABLE[ch] ?? ch);
}

const LOCALE_TAG: Readonly<Record<CommentLocale, string>> = {
  en: 'en',
  hr: 'hr',
  'sr-Latn': 'sr-Latn',
  'sr-Cyrl': 'sr-Cyrl',
  vi: 'vi',
};

/** NFC, typographic apostrophes unified, then locale-aware lower-casing. */
export function lowerCaseText(text: string, locale: CommentLocale): string {
  return text.normalize('NFC').replace(/[’‘ʼ]/gu, "'").toLocaleLowerCase(LOCALE_TAG[locale]);
}

/**
 * Grouping form of one lower-cased word outside Vietnamese: Serbian Cyrillic folded to Latin,
 * then diacritics stripped ("ђачки" → "đački" → "dacki", "Kašnjenje" → "kasnjenje").
 */
export function foldWord(word: string): string {
  return stripDiacritics(transliterateSerbianCyrillic(word));
}

/** True when a lower-cased word carries any mark or letter that {@link stripDiacritics} changes. */
export function hasDiacritics(word: string): boolean {
  return stripDiacritics(word) !== word;
}

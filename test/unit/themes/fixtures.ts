import type { CommentLocale, ThemeComment } from '../../../src/scoring';

let next = 0;

/** A comment with a fresh id unless one is given. */
export function comment(
  text: string,
  locale: CommentLocale,
  score: number,
  id = `c${String(next++).padStart(3, '0')}`,
): ThemeComment {
  return { id, text, locale, score };
}

/** Latin → Cyrillic for Serbian, digraphs first (the inverse of the official table). */
export function toSerbianCyrillic(latin: string): string {
  const table: [string, string][] = [
    ['lj', 'љ'],
    ['nj', 'њ'],
    ['dž', 'џ'],
    ['a', 'а'],
    ['b', 'б'],
    ['v', 'в'],
    ['g', 'г'],
    ['d', 'д'],
    ['đ', 'ђ'],
    ['e', 'е'],
    ['ž', 'ж'],
    ['z', 'з'],
    ['i', 'и'],
    ['j', 'ј'],
    ['k', 'к'],
    ['l', 'л'],
    ['m', 'м'],
    ['n', 'н'],
    ['o', 'о'],
    ['p', 'п'],
    ['r', 'р'],
    ['s', 'с'],
    ['t', 'т'],
    ['ć', 'ћ'],
    ['u', 'у'],
    ['f', 'ф'],
    ['h', 'х'],
    ['c', 'ц'],
    ['č', 'ч'],
    ['š', 'ш'],
  ];
  let out = '';
  let i = 0;
  const lower = latin.toLowerCase();
  while (i < lower.length) {
    const hit = table.find(([l]) => lower.startsWith(l, i));
    out += hit === undefined ? lower[i] : hit[1];
    i += hit === undefined ? 1 : hit[0].length;
  }
  return out;
}

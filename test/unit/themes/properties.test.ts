import fc from 'fast-check';
import type { CommentLocale, ThemeComment } from '../../../src/scoring';
import { extractThemes } from '../../../src/scoring';
import { toSerbianCyrillic } from './fixtures';

const RUNS = 1000;

const WORDS: Record<CommentLocale, string[]> = {
  en: [
    'delivery',
    'deliveries',
    'late',
    'courier',
    'rude',
    'price',
    'prices',
    'app',
    'the',
    'was',
    'very',
  ],
  hr: ['dostava', 'dostavom', 'kasnila', 'kurir', 'cijena', 'cijene', 'je', 'vrlo', 'osoblje'],
  'sr-Latn': ['dostava', 'dostave', 'kasnila', 'kurir', 'cena', 'je', 'veoma', 'ljubazno', 'džep'],
  'sr-Cyrl': ['достава', 'касни', 'курир', 'цена', 'је', 'љубазно', 'ђак', 'њих'],
  vi: ['giao', 'hàng', 'chậm', 'rất', 'nhân', 'viên', 'giá', 'tốt', 'hang', 'cham', 'không'],
};

const LOCALES = Object.keys(WORDS) as CommentLocale[];

const textArb = (locale: CommentLocale): fc.Arbitrary<string> =>
  fc
    .array(fc.oneof(fc.constantFrom(...WORDS[locale]), fc.constantFrom('.', ',', '!', '42')), {
      maxLength: 8,
    })
    .map((words) => words.join(' '));

const commentsArb: fc.Arbitrary<ThemeComment[]> = fc
  .uniqueArray(
    fc.record({
      id: fc.string({ minLength: 1, maxLength: 4 }),
      locale: fc.constantFrom(...LOCALES),
      score: fc.integer({ min: 0, max: 10 }),
    }),
    { selector: (c) => c.id, maxLength: 12 },
  )
  .chain((heads) =>
    fc.tuple(...heads.map((h) => textArb(h.locale).map((text) => ({ ...h, text })))),
  );

describe('theme properties (fast-check)', () => {
  it('gives every theme comment ids drawn from the input, with volume = number of ids', () => {
    fc.assert(
      fc.property(commentsArb, fc.integer({ min: 1, max: 3 }), (comments, minVolume) => {
        const ids = new Set(comments.map((c) => c.id));
        for (const theme of extractThemes(comments, { minVolume }).themes) {
          expect(theme.commentIds.every((id) => ids.has(id))).toBe(true);
          expect(new Set(theme.commentIds).size).toBe(theme.volume);
          expect(theme.scoreCounts.reduce((a, b) => a + b, 0)).toBe(theme.volume);
          expect(theme.representativeIds.every((id) => theme.commentIds.includes(id))).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('returns the same report whatever the order of the comments', () => {
    fc.assert(
      fc.property(
        commentsArb.chain((comments) =>
          fc.tuple(
            fc.constant(comments),
            fc.shuffledSubarray(comments, {
              minLength: comments.length,
              maxLength: comments.length,
            }),
          ),
        ),
        ([comments, shuffled]) => {
          expect(extractThemes(shuffled, { minVolume: 1 })).toEqual(
            extractThemes(comments, { minVolume: 1 }),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('gives a Serbian comment the same theme keys in Cyrillic as in Latin', () => {
    const latinWord = fc
      .array(fc.constantFrom(...'abcčćddžđefghijklljmnnjoprsštuvzž'.match(/dž|lj|nj|./gu)!), {
        minLength: 1,
        maxLength: 9,
      })
      .map((letters) => letters.join(''));
    const sentence = fc
      .array(fc.oneof(latinWord, fc.constantFrom('je', 'dostava', 'kasnila', 'ljubazno', 'šta')), {
        maxLength: 8,
      })
      .map((words) => words.join(' '));
    fc.assert(
      fc.property(sentence, fc.integer({ min: 0, max: 10 }), (latin, score) => {
        const keys = (text: string, locale: CommentLocale): string[] =>
          extractThemes([{ id: 'x', text, locale, score }], {
            minVolume: 1,
            maxThemes: 100,
          }).themes.map((t) => t.key);
        expect(keys(toSerbianCyrillic(latin), 'sr-Cyrl')).toEqual(keys(latin, 'sr-Latn'));
      }),
      { numRuns: RUNS },
    );
  });
});

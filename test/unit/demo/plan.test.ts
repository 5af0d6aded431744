import { toSerbianCyrillic } from '../../../src/demo/comments';
import { planDemo } from '../../../src/demo/plan';
import { seededRandom } from '../../../src/demo/random';

const NOW = new Date('2026-11-20T12:00:00Z');
const SCALE = { nps: [0, 10], csat: [1, 5], ces: [1, 7] } as const;

describe('the demo plan', () => {
  it('draws the same numbers in [0, 1) from the same seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const drawn = Array.from({ length: 1000 }, () => a.next());
    expect(drawn).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(drawn.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(seededRandom(43).next()).not.toBe(drawn[0]);
  });

  it('writes Serbian Cyrillic letter for letter, digraphs as one letter', () => {
    expect(toSerbianCyrillic('Ljubazna podrška, njegov džep, Đorđe')).toBe(
      'Љубазна подршка, његов џеп, Ђорђе',
    );
  });

  it('keeps every score on its scale and writes comments in the customer’s language', () => {
    const plan = planDemo(14, NOW, { days: 120 });
    const locales = new Set(plan.contacts.map((c) => c.locale));
    expect([...locales].sort()).toEqual(['en', 'hr', 'sr-Cyrl', 'sr-Latn', 'vi']);
    let answers = 0;
    for (const day of plan.days) {
      for (const e of day.events) {
        if (!e.answer) {
          continue;
        }
        answers++;
        const [min, max] = SCALE[e.kind];
        expect(e.answer.score).toBeGreaterThanOrEqual(min);
        expect(e.answer.score).toBeLessThanOrEqual(max);
        const locale = plan.contacts[e.contact]!.locale;
        if (e.answer.comment && locale === 'sr-Cyrl') {
          expect(e.answer.comment).toMatch(/[\u0400-\u04ff]/);
          expect(e.answer.comment).not.toMatch(/[a-z]/);
        }
      }
    }
    expect(answers).toBeGreaterThan(500);
  });

  it('asks no customer twice within the quiet period', () => {
    const plan = planDemo(14, NOW, { days: 200 });
    const last = new Map<number, number>();
    for (const day of plan.days) {
      for (const e of day.events) {
        const before = last.get(e.contact);
        if (before !== undefined) {
          expect(before - day.daysAgo).toBeGreaterThanOrEqual(30);
        }
        last.set(e.contact, day.daysAgo);
      }
    }
  });
});

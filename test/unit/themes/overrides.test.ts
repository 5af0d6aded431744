import { extractThemes } from '../../../src/scoring';
import { comment } from './fixtures';

const comments = [
  comment('Dostava je kasnila', 'hr', 2, 'a'),
  comment('dostava spora', 'hr', 4, 'b'),
  comment('Kurir nije zvao', 'hr', 3, 'c'),
  comment('kurir bezobrazan, dostava kasni', 'hr', 1, 'd'),
  comment('Aplikacija radi odlično', 'hr', 10, 'e'),
  comment('aplikacija super', 'hr', 9, 'f'),
  comment('Cijena u redu', 'hr', 8, 'g'),
];

describe('manager overrides', () => {
  it('renames a theme and keeps its key and comments', () => {
    const report = extractThemes(comments, { overrides: { renames: { dostav: 'Delivery' } } });
    expect(report.themes.find((t) => t.key === 'dostav')).toMatchObject({
      label: 'Delivery',
      commentIds: ['a', 'b', 'd'],
    });
  });

  it('merges one theme into another, counting each comment once', () => {
    const report = extractThemes(comments, {
      overrides: { merges: { kurir: 'dostav' }, renames: { dostav: 'Delivery' } },
    });
    const delivery = report.themes.find((t) => t.key === 'dostav');
    expect(delivery).toMatchObject({
      label: 'Delivery',
      volume: 4,
      commentIds: ['a', 'b', 'c', 'd'],
    });
    expect(report.themes.map((t) => t.key)).not.toContain('kurir');
  });

  it('follows merge chains and settles merge cycles in one theme', () => {
    const chain = extractThemes(comments, {
      overrides: { merges: { kurir: 'dostav', dostav: 'aplikac' } },
    });
    expect(chain.themes.find((t) => t.key === 'aplikac')?.volume).toBe(6);
    const cycle = extractThemes(comments, {
      overrides: { merges: { kurir: 'dostav', dostav: 'kurir' } },
    });
    expect(cycle.themes.filter((t) => ['kurir', 'dostav'].includes(t.key))).toHaveLength(1);
    expect(cycle.themes.find((t) => t.key === 'dostav')?.volume).toBe(4);
  });

  it('keeps pinned themes present and first, even below the minimum volume', () => {
    const report = extractThemes(comments, { overrides: { pins: ['cen'] }, minVolume: 2 });
    expect(report.themes[0]).toMatchObject({ key: 'cen', pinned: true, commentIds: ['g'] });
  });

  it('keeps a pinned theme with no comments this period, empty and unscored', () => {
    const report = extractThemes(comments, {
      overrides: { pins: ['povrat'], renames: { povrat: 'Refunds' } },
      maxThemes: 1,
    });
    expect(report.themes).toHaveLength(1);
    expect(report.themes[0]).toMatchObject({
      key: 'povrat',
      label: 'Refunds',
      volume: 0,
      commentIds: [],
      nps: null,
      impact: null,
      representativeIds: [],
    });
  });

  it('protects a pinned phrase from being absorbed into its word', () => {
    const en = [
      comment('customer service was slow', 'en', 2, 'x'),
      comment('customer service rude', 'en', 3, 'y'),
    ];
    expect(extractThemes(en).themes.map((t) => t.key)).not.toContain('customer servic');
    const pinned = extractThemes(en, { overrides: { pins: ['customer servic'] } });
    expect(pinned.themes[0]).toMatchObject({ key: 'customer servic', label: 'customer service' });
  });

  it('ignores overrides that name unknown keys, apart from pins', () => {
    const plain = extractThemes(comments);
    const report = extractThemes(comments, {
      overrides: { renames: { nothing: 'X' }, merges: { nothing: 'dostav' } },
    });
    expect(report).toEqual(plain);
  });
});

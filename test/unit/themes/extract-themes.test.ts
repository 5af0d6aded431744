import stopwordsIso from 'stopwords-iso';
import type { Theme, ThemeReport } from '../../../src/scoring';
import { SERBIAN_STOP_SUPPLEMENT, extractThemes, foldWord } from '../../../src/scoring';
import { comment } from './fixtures';

function themeWith(report: ThemeReport, id: string, label: string): Theme | undefined {
  return report.themes.find((t) => t.commentIds.includes(id) && t.label === label);
}

function keysOf(report: ThemeReport): string[] {
  return report.themes.map((t) => t.key);
}

describe('extractThemes on Serbian and Croatian', () => {
  const comments = [
    comment('Достава је касниla', 'sr-Cyrl', 3, 'cyr'),
    comment('Dostava je kasnila.', 'sr-Latn', 5, 'lat'),
    comment('Nisam zadovoljan dostavom, uvijek kasni.', 'hr', 2, 'hr1'),
    comment('Brza dostava i ljubazno osoblje!', 'hr', 10, 'hr2'),
    comment('Osoblje je bilo veoma ljubazno', 'sr-Latn', 9, 'sr2'),
    comment('ОСОБЉЕ ЉУБАЗНО, цене превисоке', 'sr-Cyrl', 7, 'sr3'),
    comment('Cijene su previsoke', 'hr', 4, 'hr3'),
  ];
  const report = extractThemes(comments);

  it('puts "Достава је касниla" and "Dostava je kasnila" in one delivery theme and one lateness theme', () => {
    const delivery = report.themes.find((t) => t.key === 'dostav');
    expect(delivery?.commentIds).toEqual(['cyr', 'hr1', 'hr2', 'lat']);
    expect(report.themes.find((t) => t.key === 'kasnil')?.commentIds).toEqual(['cyr', 'lat']);
  });

  it('groups Croatian case forms (dostava, dostavom) and ekavian/ijekavian prices (cene, cijene)', () => {
    expect(themeWith(report, 'hr1', 'dostava')?.volume).toBe(4);
    expect(report.themes.find((t) => t.key === 'cen')?.commentIds).toEqual(['hr3', 'sr3']);
  });

  it('labels a theme with its most frequent original surface form', () => {
    expect(report.themes.find((t) => t.key === 'osoblj')?.label).toBe('osoblje');
    expect(report.themes.find((t) => t.key === 'dostav')?.label).toBe('dostava');
  });

  it('never reports je, su, bilo, veoma or uvijek as themes', () => {
    const labels = report.themes.map((t) => t.label);
    for (const stop of ['je', 'su', 'bilo', 'veoma', 'uvijek', 'nisam']) {
      expect(labels).not.toContain(stop);
    }
  });
});

describe('extractThemes on Vietnamese', () => {
  it('groups "giao hàng chậm" and "Giao hàng rất chậm" under the two-syllable word "giao hàng"', () => {
    const report = extractThemes([
      comment('giao hàng chậm', 'vi', 4, 'v1'),
      comment('Giao hàng rất chậm', 'vi', 6, 'v2'),
    ]);
    expect(report.themes.find((t) => t.label === 'giao hàng')?.commentIds).toEqual(['v1', 'v2']);
    expect(report.themes.find((t) => t.label === 'chậm')?.commentIds).toEqual(['v1', 'v2']);
    expect(keysOf(report)).not.toContain('giao');
    expect(keysOf(report)).not.toContain('hàng');
    expect(keysOf(report)).not.toContain('rất');
  });

  it('keeps tone marks in keys so chậm (slow) and chấm (mark) stay different themes', () => {
    const report = extractThemes([
      comment('Phục vụ chậm', 'vi', 3),
      comment('chậm quá', 'vi', 2),
      comment('chấm điểm cao', 'vi', 9),
      comment('tôi chấm điểm', 'vi', 8),
    ]);
    expect(keysOf(report)).toEqual(expect.arrayContaining(['chậm', 'chấm điểm']));
    expect(report.themes.find((t) => t.key === 'chậm')?.volume).toBe(2);
  });

  it('joins a comment typed without diacritics to the accented spelling used by others', () => {
    const report = extractThemes([
      comment('giao hàng chậm', 'vi', 4, 'v1'),
      comment('Giao hàng rất chậm', 'vi', 6, 'v2'),
      comment('giao hang rat cham', 'vi', 5, 'v3'),
    ]);
    const delivery = report.themes.find((t) => t.key === 'giao hàng');
    expect(delivery).toMatchObject({ label: 'giao hàng', commentIds: ['v1', 'v2', 'v3'] });
    expect(report.themes.find((t) => t.key === 'chậm')?.volume).toBe(3);
  });

  it('keeps nhân viên (staff) as one phrase theme apart from giá (price)', () => {
    const report = extractThemes([
      comment('Nhân viên thân thiện, giá tốt', 'vi', 10, 'v1'),
      comment('nhân viên nhiệt tình', 'vi', 9, 'v2'),
      comment('giá cao', 'vi', 5, 'v3'),
      comment('Giá hợp lý', 'vi', 8, 'v4'),
    ]);
    expect(report.themes.find((t) => t.key === 'nhân viên')?.commentIds).toEqual(['v1', 'v2']);
    expect(report.themes.find((t) => t.key === 'giá')?.commentIds).toEqual(['v1', 'v3', 'v4']);
  });
});

describe('extractThemes on English', () => {
  const report = extractThemes([
    comment('The delivery was late and the courier was rude', 'en', 2, 'e1'),
    comment('Late deliveries again!', 'en', 1, 'e2'),
    comment('Deliverys are slow', 'en', 6, 'e3'),
    comment('Courier very friendly, delivered on time', 'en', 10, 'e4'),
    comment('Price is fair; prices were lower last year', 'en', 9, 'e5'),
  ]);

  it('folds plurals, -ed and small typos into one delivery theme', () => {
    expect(report.themes.find((t) => t.key === 'deliver')?.commentIds).toEqual([
      'e1',
      'e2',
      'e3',
      'e4',
    ]);
  });

  it('counts a comment once however often it repeats the term', () => {
    const price = report.themes.find((t) => t.key === 'pric');
    expect(price).toBeUndefined();
    expect(extractThemes([comment('Price price prices', 'en', 5)]).themes).toEqual([]);
  });

  it('drops numbers and short words', () => {
    const r = extractThemes([comment('2024 ok 99 go', 'en', 5), comment('2024 ok go', 'en', 4)]);
    expect(r.themes).toEqual([]);
  });
});

describe('stop words', () => {
  it('never become themes in any locale', () => {
    const hr = [...stopwordsIso.hr, ...SERBIAN_STOP_SUPPLEMENT];
    const comments = [
      ...[0, 1].map((i) => comment(stopwordsIso.en.join(' '), 'en', i)),
      ...[2, 3].map((i) => comment(hr.join(' '), 'hr', i)),
      ...[4, 5].map((i) => comment(hr.join(', '), 'sr-Cyrl', i)),
      ...[6, 7].map((i) => comment(stopwordsIso.vi.join(', '), 'vi', i)),
    ];
    expect(extractThemes(comments, { minVolume: 1 }).themes).toEqual([]);
  });

  it('are dropped from Serbian after folding, so "šta" and "sta" are both stop words', () => {
    const r = extractThemes(
      [comment('šta sta Шта', 'sr-Latn', 1), comment('gde posle', 'sr-Cyrl', 2)],
      {
        minVolume: 1,
      },
    );
    expect(r.themes).toEqual([]);
    expect(foldWord('Шта'.toLowerCase())).toBe('sta');
  });
});

describe('theme scores', () => {
  const comments = [
    comment('Dostava kasni', 'hr', 0, 'a'),
    comment('dostava spora', 'hr', 6, 'b'),
    comment('dostava brza', 'hr', 10, 'c'),
    comment('Osoblje ljubazno', 'hr', 9, 'd'),
    comment('osoblje super', 'hr', 8, 'e'),
  ];

  it('counts scores per value 0…10 and gives NPS points and the impact of docs/statistics.md', () => {
    const report = extractThemes(comments);
    const delivery = report.themes.find((t) => t.key === 'dostav');
    expect(delivery?.scoreCounts).toEqual([1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(delivery?.nps).toBeCloseTo((100 * (1 - 2)) / 3, 9);
    // all: 2 promoters, 1 passive, 2 detractors → 0; without delivery: (1 − 0)/2 → +50.
    expect(report.overallScore).toBe(0);
    expect(delivery?.impact).toBeCloseTo(-50, 9);
    expect(delivery?.csatPercent).toBeNull();
  });

  it('reports CSAT share and CSAT impact for a CSAT survey', () => {
    const csat = [
      comment('dostava kasni', 'hr', 1, 'a'),
      comment('dostava spora', 'hr', 4, 'b'),
      comment('osoblje ljubazno', 'hr', 5, 'c'),
      comment('osoblje super', 'hr', 5, 'd'),
    ];
    const report = extractThemes(csat, { kind: 'csat' });
    const delivery = report.themes.find((t) => t.key === 'dostav');
    // all: 3 of 4 satisfied → 75 %; without delivery: 2 of 2 → 100 %; impact −25 points.
    expect(delivery).toMatchObject({ csatPercent: 50, nps: null, impact: -25 });
    expect(delivery?.scoreCounts).toEqual([0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(report.overallScore).toBe(75);
  });

  it('rejects off-scale scores and duplicate ids', () => {
    expect(() => extractThemes([comment('x', 'en', 11)])).toThrow(RangeError);
    expect(() => extractThemes([comment('x', 'en', 0)], { kind: 'csat' })).toThrow(RangeError);
    expect(() => extractThemes([comment('a', 'en', 1, 'x'), comment('b', 'en', 1, 'x')])).toThrow(
      RangeError,
    );
  });
});

describe('representative comments and limits', () => {
  it('prefers a spread of scores, shorter comments and never a very long one', () => {
    const long = `dostava ${'vrlo dugačak komentar '.repeat(20)}`;
    const report = extractThemes(
      [
        comment('Dostava je kasnila tri dana, nitko se nije javio', 'hr', 1, 'det1'),
        comment('dostava je kasnila pa sam otkazao narudžbu', 'hr', 2, 'det2'),
        comment(long, 'hr', 3, 'long'),
        comment('dostavom sam zadovoljan, sve je stiglo', 'hr', 10, 'pro1'),
        comment('dostava ok', 'hr', 8, 'pas1'),
      ],
      { maxRepresentatives: 3 },
    );
    const delivery = report.themes.find((t) => t.key === 'dostav');
    // det2 is the shorter detractor; then one passive and one promoter; the very long one never.
    expect(delivery?.representativeIds).toEqual(['det2', 'pas1', 'pro1']);
  });

  it('keeps at most maxThemes themes, ordered by volume then key, above minVolume', () => {
    const report = extractThemes(
      [
        comment('dostava osoblje cijena', 'hr', 1),
        comment('dostava osoblje', 'hr', 2),
        comment('dostava aplikacija', 'hr', 3),
        comment('aplikacija', 'hr', 4),
      ],
      { maxThemes: 2, minVolume: 2 },
    );
    expect(keysOf(report)).toEqual(['dostav', 'aplikac']);
  });
});

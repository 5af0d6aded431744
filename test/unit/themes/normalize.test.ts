import {
  SERBIAN_STOP_SUPPLEMENT,
  areNearDuplicates,
  foldWord,
  stemEnglish,
  stemSouthSlavic,
  stripDiacritics,
  transliterateSerbianCyrillic,
} from '../../../src/scoring';

describe('Serbian Cyrillic to Latin transliteration', () => {
  it('follows the official table letter for letter, digraphs included', () => {
    const cyrillic = 'абвгдђежзијклљмнњопрстћуфхцчџш';
    expect(transliterateSerbianCyrillic(cyrillic)).toBe('abvgdđežzijklljmnnjoprstćufhcčdžš');
  });

  it('lower-cases capitals and leaves Latin letters in mixed-script text alone', () => {
    expect(transliterateSerbianCyrillic('Достава је касниla')).toBe('dostava je kasnila');
    expect(transliterateSerbianCyrillic('ЉУБАЗНО Џеп')).toBe('ljubazno džep');
  });
});

describe('grouping form of a word', () => {
  it('strips South Slavic diacritics and folds đ to d', () => {
    expect(stripDiacritics('čćžšđ')).toBe('cczsd');
    expect(foldWord('ђачки')).toBe('dacki');
    expect(foldWord('кашњење')).toBe('kasnjenje');
  });

  it('applies NFKD so compatibility forms fold too', () => {
    expect(stripDiacritics('ﬁlé')).toBe('file');
  });
});

describe('South Slavic stemmer', () => {
  it.each([
    ['dostava', 'dostavom', 'dostave', 'dostavi', 'dostavu'],
    ['kasnila', 'kasnio', 'kasnili', 'kasnilo'],
    ['aplikacija', 'aplikacije', 'aplikaciju', 'aplikacijom'],
    ['ljubazni', 'ljubazna', 'ljubaznog', 'ljubaznom', 'ljubaznoj'],
    ['cijena', 'cijene', 'cena', 'cenom'],
    ['vrijeme', 'vreme'],
  ])('gives %s and its forms one stem', (...forms) => {
    expect(new Set(forms.map(stemSouthSlavic)).size).toBe(1);
  });

  it('keeps at least three letters and leaves -ama nouns whole', () => {
    expect(stemSouthSlavic('ona')).toBe('ona');
    expect(stemSouthSlavic('reklama')).toBe(stemSouthSlavic('reklame'));
    expect(stemSouthSlavic('programa')).toBe('program');
  });
});

describe('English stemmer', () => {
  it.each([
    ['price', 'prices', 'priced', 'pricing'],
    ['ship', 'ships', 'shipped', 'shipping'],
    ['wait', 'waits', 'waited', 'waiting'],
    ['box', 'boxes'],
    ['delivery', 'deliveries'],
  ])('gives %s and its forms one stem', (...forms) => {
    expect(new Set(forms.map(stemEnglish)).size).toBe(1);
  });

  it('leaves -ss, -us and -eed words alone', () => {
    expect(stemEnglish('status')).toBe('status');
    expect(stemEnglish('speed')).toBe('speed');
    expect(stemEnglish('access')).toBe('access');
  });
});

describe('near-duplicate words', () => {
  it('joins typos and short extensions of a stem', () => {
    expect(areNearDuplicates('delivery', 'delivary')).toBe(true);
    expect(areNearDuplicates('deliver', 'delivery')).toBe(true);
    expect(areNearDuplicates('probl', 'problem')).toBe(true);
  });

  it('keeps short or differently starting words apart', () => {
    expect(areNearDuplicates('staff', 'stuff')).toBe(false);
    expect(areNearDuplicates('slow', 'show')).toBe(false);
    expect(areNearDuplicates('kasnil', 'rasnil')).toBe(false);
  });
});

describe('Serbian stop-word supplement', () => {
  it('holds ekavian forms the Croatian list lacks', () => {
    expect(SERBIAN_STOP_SUPPLEMENT).toEqual(
      expect.arrayContaining(['šta', 'gde', 'posle', 'uvek']),
    );
  });
});

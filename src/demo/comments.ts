import type { DemoKind } from './plan';

/** Locales of the demo's customers; sr-Cyrl comments are the sr-Latn ones transliterated. */
export type DemoLocale = 'en' | 'hr' | 'sr-Latn' | 'sr-Cyrl' | 'vi';
type WrittenLocale = Exclude<DemoLocale, 'sr-Cyrl'>;

interface Theme {
  key: string;
  tone: 'negative' | 'positive';
  /** The theme's team or segment, when it belongs to one (the generator leans on it). */
  phrases: Record<WrittenLocale, readonly string[]>;
}

// Comments as customers write them: each theme shares its key words across phrasings, so the
// product's theme extraction finds it in every language.
const SUPPORT: readonly Theme[] = [
  {
    key: 'wait',
    tone: 'negative',
    phrases: {
      en: [
        'Waited far too long for an answer.',
        'The wait on the phone was over an hour.',
        'Long wait for a reply, three days.',
      ],
      hr: [
        'Predugo čekanje na odgovor podrške.',
        'Čekanje na odgovor trajalo je tri dana.',
        'Opet dugo čekanje na telefonu.',
      ],
      'sr-Latn': [
        'Predugo čekanje na odgovor podrške.',
        'Čekanje na odgovor je trajalo tri dana.',
        'Opet dugo čekanje na telefonu.',
      ],
      vi: [
        'Chờ đợi quá lâu mới có phản hồi.',
        'Thời gian chờ đợi quá lâu.',
        'Gọi tổng đài phải chờ đợi rất lâu.',
      ],
    },
  },
  {
    key: 'invoice',
    tone: 'negative',
    phrases: {
      en: [
        'My invoice was wrong again.',
        'Charged twice, the invoice is still not fixed.',
        'Wrong invoice for the second month.',
      ],
      hr: [
        'Račun je opet pogrešan.',
        'Naplatili ste mi dvaput, račun nije točan.',
        'Pogrešan račun već drugi mjesec.',
      ],
      'sr-Latn': [
        'Račun je opet pogrešan.',
        'Naplatili ste mi dva puta, račun nije tačan.',
        'Pogrešan račun već drugi mesec.',
      ],
      vi: [
        'Hóa đơn bị sai lần nữa.',
        'Tôi bị tính tiền hai lần, hóa đơn không đúng.',
        'Hóa đơn sai hai tháng liền.',
      ],
    },
  },
  {
    key: 'explain',
    tone: 'negative',
    phrases: {
      en: [
        'Had to explain my problem three times.',
        'Every agent asked me to explain the problem again.',
        'Explaining the same problem to each new person.',
      ],
      hr: [
        'Morao sam problem objašnjavati tri puta.',
        'Svaki put nova osoba, problem ispočetka.',
        'Isti problem sam ponavljao svakom agentu.',
      ],
      'sr-Latn': [
        'Morao sam problem da objašnjavam tri puta.',
        'Svaki put nova osoba, problem iznova.',
        'Isti problem sam ponavljao svakom agentu.',
      ],
      vi: [
        'Phải giải thích vấn đề ba lần.',
        'Mỗi lần một nhân viên mới, lại giải thích vấn đề từ đầu.',
        'Vấn đề cũ phải kể lại cho từng người.',
      ],
    },
  },
  {
    key: 'friendly',
    tone: 'positive',
    phrases: {
      en: [
        'Friendly and patient agent, thank you!',
        'Very friendly support team.',
        'The agent was friendly and knew the product.',
      ],
      hr: [
        'Ljubazna i strpljiva podrška, hvala!',
        'Vrlo ljubazna agentica.',
        'Ljubazna ekipa, sve pohvale.',
      ],
      'sr-Latn': [
        'Ljubazna i strpljiva podrška, hvala!',
        'Veoma ljubazna agentkinja.',
        'Ljubazna ekipa, sve pohvale.',
      ],
      vi: [
        'Nhân viên rất thân thiện và kiên nhẫn.',
        'Nhân viên thân thiện, cảm ơn!',
        'Đội hỗ trợ thân thiện.',
      ],
    },
  },
  {
    key: 'fast',
    tone: 'positive',
    phrases: {
      en: [
        'Problem solved fast.',
        'Fast fix, ten minutes and done.',
        'Fast and easy, solved on the first call.',
      ],
      hr: [
        'Problem riješen brzo.',
        'Brzo rješenje, za deset minuta.',
        'Sve riješeno brzo i jednostavno.',
      ],
      'sr-Latn': [
        'Problem rešen brzo.',
        'Brzo rešenje, za deset minuta.',
        'Sve rešeno brzo i jednostavno.',
      ],
      vi: [
        'Vấn đề được giải quyết nhanh chóng.',
        'Giải quyết nhanh chóng trong mười phút.',
        'Hỗ trợ nhanh chóng và dễ dàng.',
      ],
    },
  },
];

const DELIVERY: readonly Theme[] = [
  {
    key: 'late',
    tone: 'negative',
    phrases: {
      en: [
        'The delivery was late by two days.',
        'Late delivery again, nobody told me.',
        'Delivery came late, after the promised date.',
      ],
      hr: [
        'Dostava je kasnila dva dana.',
        'Opet kasna dostava, nitko mi nije javio.',
        'Dostava je stigla kasno, nakon obećanog datuma.',
      ],
      'sr-Latn': [
        'Dostava je kasnila dva dana.',
        'Opet kasna dostava, niko mi nije javio.',
        'Dostava je stigla kasno, posle obećanog datuma.',
      ],
      vi: [
        'Giao hàng trễ hai ngày.',
        'Lại giao hàng trễ mà không ai báo.',
        'Gói hàng đến trễ, giao hàng sau ngày hẹn.',
      ],
    },
  },
  {
    key: 'damaged',
    tone: 'negative',
    phrases: {
      en: [
        'The box was damaged and one item broken.',
        'Damaged package, the corner was crushed.',
        'Item arrived damaged.',
      ],
      hr: [
        'Paket je bio oštećen.',
        'Oštećen paket, kutija zgnječena.',
        'Proizvod je stigao oštećen.',
      ],
      'sr-Latn': [
        'Paket je bio oštećen.',
        'Oštećen paket, kutija zgnječena.',
        'Proizvod je stigao oštećen.',
      ],
      vi: [
        'Gói hàng bị hư hỏng.',
        'Hộp bị móp, hàng hư hỏng một phần.',
        'Sản phẩm đến nơi bị hư hỏng.',
      ],
    },
  },
  {
    key: 'on-time',
    tone: 'positive',
    phrases: {
      en: [
        'Delivered on time, as promised.',
        'Right on time and well packed.',
        'On time delivery, great tracking.',
      ],
      hr: [
        'Dostava na vrijeme, kako je obećano.',
        'Stiglo točno na vrijeme i dobro zapakirano.',
        'Na vrijeme, odlično praćenje pošiljke.',
      ],
      'sr-Latn': [
        'Dostava na vreme, kao što je obećano.',
        'Stiglo tačno na vreme i dobro spakovano.',
        'Na vreme, odlično praćenje pošiljke.',
      ],
      vi: [
        'Giao hàng đúng hẹn như đã hứa.',
        'Đúng hẹn và đóng gói cẩn thận.',
        'Giao đúng hẹn, theo dõi đơn hàng rất tốt.',
      ],
    },
  },
  {
    key: 'courier',
    tone: 'positive',
    phrases: {
      en: [
        'The courier was polite and helpful.',
        'Polite courier, called before arriving.',
        'The courier carried it upstairs, very polite.',
      ],
      hr: [
        'Dostavljač je bio pristojan i ljubazan.',
        'Pristojan dostavljač, nazvao je prije dolaska.',
        'Dostavljač je donio paket do vrata, vrlo pristojan.',
      ],
      'sr-Latn': [
        'Kurir je bio pristojan i ljubazan.',
        'Pristojan kurir, pozvao je pre dolaska.',
        'Kurir je doneo paket do vrata, veoma pristojan.',
      ],
      vi: [
        'Người giao hàng lịch sự và nhiệt tình.',
        'Người giao hàng lịch sự, gọi điện trước khi đến.',
        'Người giao hàng mang lên tận cửa, rất lịch sự.',
      ],
    },
  },
];

const SETUP: readonly Theme[] = [
  {
    key: 'setup',
    tone: 'negative',
    phrases: {
      en: [
        'The setup was confusing, too many steps.',
        'Confusing setup screens, I gave up twice.',
        'Setup took an hour and the steps were confusing.',
      ],
      hr: [
        'Postavljanje je zbunjujuće, previše koraka.',
        'Zbunjujuće postavljanje, dvaput sam odustao.',
        'Postavljanje je trajalo sat vremena, koraci su zbunjujući.',
      ],
      'sr-Latn': [
        'Podešavanje je zbunjujuće, previše koraka.',
        'Zbunjujuće podešavanje, dva puta sam odustao.',
        'Podešavanje je trajalo sat vremena, koraci su zbunjujući.',
      ],
      vi: [
        'Cài đặt rất khó hiểu, quá nhiều bước.',
        'Màn hình cài đặt khó hiểu, tôi bỏ dở hai lần.',
        'Cài đặt mất một tiếng, các bước khó hiểu.',
      ],
    },
  },
  {
    key: 'password',
    tone: 'negative',
    phrases: {
      en: [
        'The password reset email never came.',
        'The password reset link expired before I could use it.',
        'Could not log in, password reset failed.',
      ],
      hr: [
        'Poruka za promjenu lozinke nikad nije stigla.',
        'Poveznica za lozinku istekla je prije nego što sam je otvorio.',
        'Nisam se mogao prijaviti, promjena lozinke ne radi.',
      ],
      'sr-Latn': [
        'Poruka za promenu lozinke nikad nije stigla.',
        'Link za lozinku je istekao pre nego što sam ga otvorio.',
        'Nisam mogao da se prijavim, promena lozinke ne radi.',
      ],
      vi: [
        'Email đặt lại mật khẩu không bao giờ đến.',
        'Liên kết đặt lại mật khẩu hết hạn trước khi tôi mở.',
        'Không đăng nhập được, đặt lại mật khẩu bị lỗi.',
      ],
    },
  },
  {
    key: 'easy',
    tone: 'positive',
    phrases: {
      en: [
        'Easy setup, done in five minutes.',
        'Really easy, everything just worked.',
        'Easy to connect my account.',
      ],
      hr: [
        'Jednostavno postavljanje, gotovo za pet minuta.',
        'Stvarno jednostavno, sve je odmah radilo.',
        'Jednostavno povezivanje računa.',
      ],
      'sr-Latn': [
        'Jednostavno podešavanje, gotovo za pet minuta.',
        'Stvarno jednostavno, sve je odmah radilo.',
        'Jednostavno povezivanje naloga.',
      ],
      vi: [
        'Cài đặt dễ dàng, xong trong năm phút.',
        'Thật sự dễ dàng, mọi thứ đều chạy ngay.',
        'Kết nối tài khoản dễ dàng.',
      ],
    },
  },
  {
    key: 'instructions',
    tone: 'positive',
    phrases: {
      en: [
        'Clear instructions at every step.',
        'The instructions were clear and short.',
        'Clear instructions with screenshots.',
      ],
      hr: ['Jasne upute na svakom koraku.', 'Upute su jasne i kratke.', 'Jasne upute sa slikama.'],
      'sr-Latn': [
        'Jasna uputstva na svakom koraku.',
        'Uputstva su jasna i kratka.',
        'Jasna uputstva sa slikama.',
      ],
      vi: [
        'Hướng dẫn rõ ràng ở từng bước.',
        'Hướng dẫn rõ ràng và ngắn gọn.',
        'Hướng dẫn rõ ràng có hình minh họa.',
      ],
    },
  },
];

export const THEMES: Record<DemoKind, readonly Theme[]> = {
  nps: SUPPORT,
  csat: DELIVERY,
  ces: SETUP,
};

const CYRILLIC: Record<string, string> = {
  lj: 'љ',
  nj: 'њ',
  dž: 'џ',
  Lj: 'Љ',
  Nj: 'Њ',
  Dž: 'Џ',
  a: 'а',
  b: 'б',
  c: 'ц',
  č: 'ч',
  ć: 'ћ',
  d: 'д',
  đ: 'ђ',
  e: 'е',
  f: 'ф',
  g: 'г',
  h: 'х',
  i: 'и',
  j: 'ј',
  k: 'к',
  l: 'л',
  m: 'м',
  n: 'н',
  o: 'о',
  p: 'п',
  r: 'р',
  s: 'с',
  š: 'ш',
  t: 'т',
  u: 'у',
  v: 'в',
  z: 'з',
  ž: 'ж',
};

/** Serbian Latin to Cyrillic, digraphs first (lj, nj, dž each one letter). */
export function toSerbianCyrillic(text: string): string {
  return text.replace(/[LlNn]j|[Dd]ž|./gu, (ch) => {
    const lower = CYRILLIC[ch];
    if (lower) {
      return lower;
    }
    const mapped = CYRILLIC[ch.toLowerCase()];
    return mapped ? mapped.toUpperCase() : ch;
  });
}

/** A comment on the theme in the customer's language. */
export function phraseFor(theme: Theme, locale: DemoLocale, index: number): string {
  const written = theme.phrases[locale === 'sr-Cyrl' ? 'sr-Latn' : locale];
  const text = written[index % written.length]!;
  return locale === 'sr-Cyrl' ? toSerbianCyrillic(text) : text;
}

export type { Theme };

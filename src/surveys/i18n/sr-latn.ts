// Serbian, Latin script (sr-Latn). Standard Serbian (ekavian): kompanija, ocena, skala, nedelja.
// sr-cyrl.ts must stay an exact script transliteration of this file (checked by the tests).
import type { Messages } from './types';

export const messages: Messages = {
  question: {
    nps: 'Koliko je verovatno da biste kompaniju {company} preporučili prijatelju ili kolegi?',
    csat: 'Koliko ste bili zadovoljni uslugom kompanije {company}?',
    ces: 'Kompanija {company} mi je olakšala rešavanje problema.',
  },
  followUp: {
    nps: 'Koji je glavni razlog za vašu ocenu?',
    csat: 'Koji je glavni razlog za vašu ocenu?',
    ces: 'Šta vam je olakšalo ili otežalo rešavanje problema?',
  },
  scaleLow: {
    nps: 'Nimalo verovatno',
    csat: 'Veoma nezadovoljni',
    ces: 'Uopšte se ne slažem',
  },
  scaleHigh: {
    nps: 'Izuzetno verovatno',
    csat: 'Veoma zadovoljni',
    ces: 'Potpuno se slažem',
  },
  scoreLabels: {
    csat: [
      'Veoma nezadovoljni',
      'Nezadovoljni',
      'Ni zadovoljni ni nezadovoljni',
      'Zadovoljni',
      'Veoma zadovoljni',
    ],
    ces: [
      'Uopšte se ne slažem',
      'Ne slažem se',
      'Delimično se ne slažem',
      'Niti se slažem niti se ne slažem',
      'Delimično se slažem',
      'Slažem se',
      'Potpuno se slažem',
    ],
  },

  emailSubject: {
    nps: '{company}: vaše mišljenje nam je važno',
    csat: '{company}: kakvo je bilo vaše iskustvo?',
    ces: '{company}: da li je sve bilo jednostavno?',
  },
  emailGreeting: 'Zdravo, {name},',
  emailGreetingNoName: 'Dobar dan,',
  emailIntro: 'Zanima nas vaše mišljenje, a za odgovor je dovoljan samo jedan klik.',
  emailFooter: 'Ovu poruku ste dobili jer ste nedavno bili u kontaktu sa kompanijom {company}.',
  unsubscribeLink: 'Ne želim više da primam ove ankete',
  reminderSubjectPrefix: 'Podsetnik: ',

  pageTitle: 'Vaše mišljenje',
  chooseScore: 'Izaberite ocenu.',
  yourScore: 'Vaša ocena: {score}',
  changeScore: 'Promenite ocenu',
  commentLabel: 'Vaš komentar (nije obavezno)',
  commentPlaceholder: 'Recite nam nešto više…',
  submit: 'Pošalji',
  thankYouTitle: 'Hvala vam!',
  thankYouBody: 'Vaš odgovor je zabeležen. Iskreno cenimo vaše mišljenje.',
  commentSaved: 'Hvala, vaš komentar je sačuvan.',
  notFoundTitle: 'Anketa nije pronađena',
  notFoundBody:
    'Link ka ovoj anketi nije ispravan ili više ne postoji. Proverite da li ste otvorili ceo link iz poruke koju ste dobili.',
  expiredTitle: 'Anketa je zatvorena',
  expiredBody: 'Hvala na interesovanju, ali ova anketa više ne prima odgovore.',
  invalidScoreTitle: 'Neispravna ocena',
  invalidScoreBody: 'Ta ocena nije važeća za ovu anketu. Izaberite ocenu sa ponuđene skale.',
  tooManyRequestsTitle: 'Previše zahteva',
  tooManyRequestsBody:
    'Poslali ste previše zahteva u kratkom vremenu. Sačekajte trenutak i pokušajte ponovo.',
  unsubscribeTitle: 'Odjava od primanja anketa',
  unsubscribeConfirm: 'Da li želite da prestanete da primate ove ankete?',
  unsubscribeButton: 'Da, odjavite me',
  unsubscribedTitle: 'Odjavljeni ste',
  unsubscribedBody: 'Više nećete dobijati ove ankete.',
  commentTooLong: 'Vaš komentar je predugačak (najviše {max} karaktera).',
  unavailableTitle: 'Vraćamo se za trenutak',
  unavailableBody:
    'Trenutno ne možemo da primimo vaš odgovor. Pokušajte ponovo za minut; vaš link ostaje važeći.',
  forbiddenTitle: 'Zahtev nije prihvaćen',
  forbiddenBody:
    'Ovaj obrazac može da se pošalje samo sa stranice ankete. Molimo vas da ponovo otvorite link iz imejla.',
};

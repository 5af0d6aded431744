// Croatian (hr). Standard Croatian (ijekavian) vocabulary: tvrtka, ocjena, ljestvica, poveznica.
import type { Messages } from './types';

export const messages: Messages = {
  question: {
    nps: 'Koliko je vjerojatno da biste tvrtku {company} preporučili prijatelju ili kolegi?',
    csat: 'Koliko ste bili zadovoljni uslugom tvrtke {company}?',
    ces: 'Tvrtka {company} olakšala mi je rješavanje problema.',
  },
  followUp: {
    nps: 'Koji je glavni razlog vaše ocjene?',
    csat: 'Koji je glavni razlog vaše ocjene?',
    ces: 'Što vam je olakšalo ili otežalo rješavanje problema?',
  },
  scaleLow: {
    nps: 'Nimalo vjerojatno',
    csat: 'Vrlo nezadovoljni',
    ces: 'Uopće se ne slažem',
  },
  scaleHigh: {
    nps: 'Iznimno vjerojatno',
    csat: 'Vrlo zadovoljni',
    ces: 'U potpunosti se slažem',
  },
  scoreLabels: {
    csat: [
      'Vrlo nezadovoljni',
      'Nezadovoljni',
      'Ni zadovoljni ni nezadovoljni',
      'Zadovoljni',
      'Vrlo zadovoljni',
    ],
    ces: [
      'Uopće se ne slažem',
      'Ne slažem se',
      'Djelomično se ne slažem',
      'Niti se slažem niti se ne slažem',
      'Djelomično se slažem',
      'Slažem se',
      'U potpunosti se slažem',
    ],
  },

  emailSubject: {
    nps: '{company}: vaše nam je mišljenje važno',
    csat: '{company}: kakvo je bilo vaše iskustvo?',
    ces: '{company}: je li sve bilo jednostavno?',
  },
  emailGreeting: 'Pozdrav, {name},',
  emailGreetingNoName: 'Dobar dan,',
  emailIntro: 'Zanima nas vaše mišljenje, a za odgovor je dovoljan samo jedan klik.',
  emailFooter: 'Ovu ste poruku primili jer ste nedavno bili u kontaktu s tvrtkom {company}.',
  unsubscribeLink: 'Ne želim više primati ove ankete',
  reminderSubjectPrefix: 'Podsjetnik: ',

  pageTitle: 'Vaše mišljenje',
  chooseScore: 'Odaberite ocjenu.',
  yourScore: 'Vaša ocjena: {score}',
  changeScore: 'Promijenite ocjenu',
  commentLabel: 'Vaš komentar (nije obavezno)',
  commentPlaceholder: 'Recite nam nešto više…',
  submit: 'Pošalji',
  thankYouTitle: 'Hvala vam!',
  thankYouBody: 'Vaš je odgovor zabilježen. Iskreno cijenimo vaše mišljenje.',
  commentSaved: 'Hvala, vaš je komentar spremljen.',
  notFoundTitle: 'Anketa nije pronađena',
  notFoundBody:
    'Poveznica na ovu anketu nije valjana ili više ne postoji. Provjerite jeste li otvorili cijelu poveznicu iz poruke koju ste primili.',
  expiredTitle: 'Anketa je zatvorena',
  expiredBody: 'Hvala na interesu, no ova anketa više ne prima odgovore.',
  invalidScoreTitle: 'Neispravna ocjena',
  invalidScoreBody: 'Ta ocjena nije valjana za ovu anketu. Odaberite ocjenu s ponuđene ljestvice.',
  tooManyRequestsTitle: 'Previše zahtjeva',
  tooManyRequestsBody:
    'Poslali ste previše zahtjeva u kratkom vremenu. Pričekajte trenutak i pokušajte ponovno.',
  unsubscribeTitle: 'Odjava od primanja anketa',
  unsubscribeConfirm: 'Želite li prestati primati ove ankete?',
  unsubscribeButton: 'Da, odjavite me',
  unsubscribedTitle: 'Odjavljeni ste',
  unsubscribedBody: 'Više nećete primati ove ankete.',
  commentTooLong: 'Vaš je komentar predug (najviše {max} znakova).',
  unavailableTitle: 'Vraćamo se za trenutak',
  unavailableBody:
    'Trenutno ne možemo primiti vaš odgovor. Pokušajte ponovno za minutu; vaša poveznica ostaje valjana.',
  forbiddenTitle: 'Zahtjev nije prihvaćen',
  forbiddenBody:
    'Ovaj obrazac može se poslati samo sa stranice ankete. Molimo ponovno otvorite poveznicu iz e-pošte.',
};

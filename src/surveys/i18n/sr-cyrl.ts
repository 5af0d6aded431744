// Serbian, Cyrillic script (sr-Cyrl). Exact transliteration of sr-latn.ts: edit that file first,
// then transliterate (checked by test/unit/i18n/catalog.test.ts).
import type { Messages } from './types';

export const messages: Messages = {
  question: {
    nps: 'Колико је вероватно да бисте компанију {company} препоручили пријатељу или колеги?',
    csat: 'Колико сте били задовољни услугом компаније {company}?',
    ces: 'Компанија {company} ми је олакшала решавање проблема.',
  },
  followUp: {
    nps: 'Који је главни разлог за вашу оцену?',
    csat: 'Који је главни разлог за вашу оцену?',
    ces: 'Шта вам је олакшало или отежало решавање проблема?',
  },
  scaleLow: {
    nps: 'Нимало вероватно',
    csat: 'Веома незадовољни',
    ces: 'Уопште се не слажем',
  },
  scaleHigh: {
    nps: 'Изузетно вероватно',
    csat: 'Веома задовољни',
    ces: 'Потпуно се слажем',
  },
  scoreLabels: {
    csat: [
      'Веома незадовољни',
      'Незадовољни',
      'Ни задовољни ни незадовољни',
      'Задовољни',
      'Веома задовољни',
    ],
    ces: [
      'Уопште се не слажем',
      'Не слажем се',
      'Делимично се не слажем',
      'Нити се слажем нити се не слажем',
      'Делимично се слажем',
      'Слажем се',
      'Потпуно се слажем',
    ],
  },

  emailSubject: {
    nps: '{company}: ваше мишљење нам је важно',
    csat: '{company}: какво је било ваше искуство?',
    ces: '{company}: да ли је све било једноставно?',
  },
  emailGreeting: 'Здраво, {name},',
  emailGreetingNoName: 'Добар дан,',
  emailIntro: 'Занима нас ваше мишљење, а за одговор је довољан само један клик.',
  emailFooter: 'Ову поруку сте добили јер сте недавно били у контакту са компанијом {company}.',
  unsubscribeLink: 'Не желим више да примам ове анкете',
  reminderSubjectPrefix: 'Подсетник: ',

  pageTitle: 'Ваше мишљење',
  chooseScore: 'Изаберите оцену.',
  yourScore: 'Ваша оцена: {score}',
  changeScore: 'Промените оцену',
  commentLabel: 'Ваш коментар (није обавезно)',
  commentPlaceholder: 'Реците нам нешто више…',
  submit: 'Пошаљи',
  thankYouTitle: 'Хвала вам!',
  thankYouBody: 'Ваш одговор је забележен. Искрено ценимо ваше мишљење.',
  commentSaved: 'Хвала, ваш коментар је сачуван.',
  notFoundTitle: 'Анкета није пронађена',
  notFoundBody:
    'Линк ка овој анкети није исправан или више не постоји. Проверите да ли сте отворили цео линк из поруке коју сте добили.',
  expiredTitle: 'Анкета је затворена',
  expiredBody: 'Хвала на интересовању, али ова анкета више не прима одговоре.',
  invalidScoreTitle: 'Неисправна оцена',
  invalidScoreBody: 'Та оцена није важећа за ову анкету. Изаберите оцену са понуђене скале.',
  tooManyRequestsTitle: 'Превише захтева',
  tooManyRequestsBody:
    'Послали сте превише захтева у кратком времену. Сачекајте тренутак и покушајте поново.',
  unsubscribeTitle: 'Одјава од примања анкета',
  unsubscribeConfirm: 'Да ли желите да престанете да примате ове анкете?',
  unsubscribeButton: 'Да, одјавите ме',
  unsubscribedTitle: 'Одјављени сте',
  unsubscribedBody: 'Више нећете добијати ове анкете.',
  commentTooLong: 'Ваш коментар је предугачак (највише {max} карактера).',
};

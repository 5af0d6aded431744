// English (en). The reference catalog: other locales must have the same keys and placeholders.
import type { Messages } from './types';

export const messages: Messages = {
  question: {
    nps: 'How likely are you to recommend {company} to a friend or colleague?',
    csat: 'How satisfied were you with {company}?',
    ces: '{company} made it easy for me to handle my issue.',
  },
  followUp: {
    nps: 'What is the main reason for your score?',
    csat: 'What is the main reason for your rating?',
    ces: 'What made handling your issue easy or difficult?',
  },
  scaleLow: {
    nps: 'Not at all likely',
    csat: 'Very dissatisfied',
    ces: 'Strongly disagree',
  },
  scaleHigh: {
    nps: 'Extremely likely',
    csat: 'Very satisfied',
    ces: 'Strongly agree',
  },
  scoreLabels: {
    csat: [
      'Very dissatisfied',
      'Dissatisfied',
      'Neither satisfied nor dissatisfied',
      'Satisfied',
      'Very satisfied',
    ],
    ces: [
      'Strongly disagree',
      'Disagree',
      'Somewhat disagree',
      'Neither agree nor disagree',
      'Somewhat agree',
      'Agree',
      'Strongly agree',
    ],
  },

  emailSubject: {
    nps: '{company}: how did we do?',
    csat: '{company}: how was your experience?',
    ces: '{company}: did we make it easy for you?',
  },
  emailGreeting: 'Hi {name},',
  emailGreetingNoName: 'Hello,',
  emailIntro: 'We’d love to hear your feedback, and it only takes one click.',
  emailFooter: 'You received this email because you recently interacted with {company}.',
  unsubscribeLink: 'Unsubscribe from these surveys',
  reminderSubjectPrefix: 'Reminder: ',

  pageTitle: 'Your feedback',
  chooseScore: 'Please choose a score.',
  yourScore: 'Your score: {score}',
  changeScore: 'Change your score',
  commentLabel: 'Your comment (optional)',
  commentPlaceholder: 'Tell us more…',
  submit: 'Submit',
  thankYouTitle: 'Thank you!',
  thankYouBody: 'Your response has been recorded. We really appreciate your feedback.',
  commentSaved: 'Thanks, your comment has been saved.',
  notFoundTitle: 'Survey not found',
  notFoundBody:
    'This survey link is not valid or no longer exists. Please check that you opened the full link from the email you received.',
  expiredTitle: 'This survey has closed',
  expiredBody: 'Thank you for your interest, but this survey is no longer accepting responses.',
  invalidScoreTitle: 'Invalid score',
  invalidScoreBody: 'That score isn’t valid for this survey. Please choose a score from the scale.',
  tooManyRequestsTitle: 'Too many requests',
  tooManyRequestsBody:
    'You’ve sent too many requests in a short time. Please wait a moment and try again.',
  unsubscribeTitle: 'Unsubscribe',
  unsubscribeConfirm: 'Do you want to stop receiving these surveys?',
  unsubscribeButton: 'Yes, unsubscribe me',
  unsubscribedTitle: 'You have been unsubscribed',
  unsubscribedBody: 'You will no longer receive these surveys.',
  commentTooLong: 'Your comment is too long (max {max} characters).',
  unavailableTitle: 'Back in a moment',
  unavailableBody:
    'We can’t take your answer right now. Please try again in a minute; your link stays valid.',
  forbiddenTitle: 'Request not accepted',
  forbiddenBody:
    'This form can only be sent from the survey page. Please open the link from your email again.',
};

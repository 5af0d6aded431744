/**
 * One of each kind of additional question (issue 15), the last two choices shown only to
 * detractors: the set the collector and the Delighted import tests answer. The import's CSV
 * fixture has a column headed by each text.
 */
export const QUESTION_SET = [
  {
    id: 'reason',
    type: 'single_choice',
    text: 'What mattered most?',
    options: [
      { id: 'speed', text: 'Speed' },
      { id: 'price', text: 'Price' },
    ],
  },
  {
    id: 'fix',
    type: 'multiple_choice',
    text: 'What should we fix?',
    options: [
      { id: 'docs', text: 'Docs' },
      { id: 'ui', text: 'UI' },
      { id: 'api', text: 'API' },
    ],
    maxChoices: 2,
    condition: { maxScore: 6 },
  },
  { id: 'ease', type: 'scale_5', text: 'How easy was it?' },
  { id: 'likely', type: 'scale_10', text: 'Would you come back?' },
  { id: 'more', type: 'free_text', text: 'Anything else?' },
];

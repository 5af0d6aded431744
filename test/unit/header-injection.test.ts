import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { contactInputSchema } from '../../src/contacts/contact.schemas';
import { renderInvitationEmail } from '../../src/surveys/email';
import { surveyTextsSchema } from '../../src/surveys/survey.schemas';

const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });

/** Builds the raw MIME message the way the SMTP mailer does. */
async function raw(name: string, subject: string, company: string): Promise<string> {
  const email = renderInvitationEmail({
    invitationId: '00000000-0000-4000-8000-000000000001',
    kind: 'nps',
    surveyTexts: { en: { emailSubject: subject } },
    locale: 'en',
    company,
    contactName: name,
    token: 'a'.repeat(43),
    publicUrl: 'https://glas.example.com',
  });
  const info = (await transport.sendMail({
    from: 'Glas <surveys@glas.example.com>',
    to: { name, address: 'ana@example.com' },
    subject: email.subject,
    text: email.text,
    html: email.html,
    headers: email.headers,
  })) as { message: Buffer };
  return info.message.toString('utf8');
}

const headerNames = (message: string) =>
  message
    .split(/\r?\n\r?\n/)[0]!
    .split(/\r?\n(?![ \t])/)
    .map((line) => line.slice(0, line.indexOf(':')).toLowerCase());

const EXPECTED = [
  'content-type',
  'from',
  'to',
  'subject',
  'list-unsubscribe',
  'list-unsubscribe-post',
  'x-glas-invitation',
  'auto-submitted',
  'message-id',
  'date',
  'mime-version',
];

// No contact or survey text can add a header to an invitation (docs/reliability.md).
describe('header injection', () => {
  const hostile = fc.string({
    unit: fc.constantFrom(
      'a',
      'B',
      ' ',
      ':',
      '\r',
      '\n',
      '\0',
      'č',
      'Ђ',
      '<',
      '>',
      '"',
      ',',
      'Bcc',
      '\t',
    ),
  });

  it('the API refuses CR, LF and NUL in names and subjects, naming the field', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const name = contactInputSchema.safeParse({ email: 'a@example.com', name: s });
        const subject = surveyTextsSchema.safeParse({ emailSubject: s });
        if (/[\r\n\0]/.test(s)) {
          expect(name.error?.issues.map((i) => i.path.join('.'))).toContain('name');
          expect(subject.error?.issues.map((i) => i.path.join('.'))).toContain('emailSubject');
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('whatever the API accepts yields exactly the expected headers', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, hostile, async (n, s, c) => {
        const name = contactInputSchema.safeParse({ email: 'a@example.com', name: n });
        const subject = surveyTextsSchema.safeParse({ emailSubject: s });
        fc.pre(name.success && subject.success && !!name.data.name && !!subject.data.emailSubject);
        const message = await raw(
          name.data.name,
          subject.data.emailSubject,
          c.replace(/[\r\n\0]/g, ''),
        );
        expect(headerNames(message).sort()).toEqual([...EXPECTED].sort());
        const parsed = await simpleParser(message);
        expect(parsed.headers.get('bcc')).toBeUndefined();
        expect(parsed.to).toBeDefined();
      }),
      { numRuns: 1000 },
    );
  });
});

import { Writable } from 'node:stream';
import { createLogger, redactUrl } from '../../src/logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

describe('logger redaction', () => {
  it('redacts emails, tokens, API keys and comments in log objects', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        email: 'ana@example.com',
        contact: { email: 'b@example.com' },
        token: 'tok',
        apiKey: 'glas_x',
        comment: 'private',
      },
      'hello',
    );
    const out = lines.join('');
    expect(out).not.toMatch(/ana@example\.com|b@example\.com|tok"|glas_x|private/);
    expect(out).toContain('[redacted]');
  });

  it('removes email addresses from messages', () => {
    const { logger, lines } = capture();
    logger.warn('550 5.1.1 <ana@example.com>: user unknown');
    expect(lines.join('')).not.toContain('ana@example.com');
  });

  it('hides survey and unsubscribe tokens in URLs', () => {
    expect(redactUrl('/s/abcDEF123_-xyz/9?x=1')).toBe('/s/[redacted]/9?x=1');
    expect(redactUrl('/u/abcDEF123')).toBe('/u/[redacted]');
    expect(redactUrl('/api/surveys')).toBe('/api/surveys');
  });
});

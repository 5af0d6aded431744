import fc from 'fast-check';
import { openSecret, sealSecret } from '../../src/platform/secret-box';

const KEY = 'k'.repeat(40);

describe('secret box', () => {
  it('opens what it sealed, for any text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(openSecret(KEY, 'p', sealSecret(KEY, 'p', text))).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('seals the same text differently each time', () => {
    expect(sealSecret(KEY, 'p', 'whsec_x')).not.toBe(sealSecret(KEY, 'p', 'whsec_x'));
  });

  it('refuses another key, another purpose, and tampered values', () => {
    const sealed = sealSecret(KEY, 'p', 'whsec_abc');
    expect(() => openSecret('x'.repeat(40), 'p', sealed)).toThrow();
    expect(() => openSecret(KEY, 'q', sealed)).toThrow();
    const parts = sealed.split(':');
    parts[3] = Buffer.from('whsec_abd').toString('base64url');
    expect(() => openSecret(KEY, 'p', parts.join(':'))).toThrow();
    expect(() => openSecret(KEY, 'p', 'whsec_plain')).toThrow('not a sealed secret');
  });
});

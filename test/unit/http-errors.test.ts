import createError from 'http-errors';
import { toAppError } from '../../src/http/errors';

// One error rule: an error a library raises with a 4xx status is the client's and keeps its
// status; anything else is ours (500), and its message is never shown.
describe('toAppError', () => {
  it('keeps the 4xx status of errors from Express and its parsers', () => {
    for (const status of [400, 405, 411, 413, 414, 415, 416, 431]) {
      const known = toAppError(createError(status, 'told by the library'));
      expect(known?.status).toBe(status);
      expect(known?.message).toBe('told by the library');
    }
  });

  it('hides the message of a 4xx error the library did not mark safe to show', () => {
    const err = Object.assign(new Error('internal detail'), { status: 400, expose: false });
    expect(toAppError(err)).toMatchObject({
      status: 400,
      message: 'The request could not be processed.',
    });
  });

  it('leaves errors without a client status to the 500 handler', () => {
    expect(toAppError(new Error('boom'))).toBeUndefined();
    expect(toAppError(createError(502, 'upstream'))).toBeUndefined();
    expect(toAppError(Object.assign(new Error('x'), { status: 'bad' }))).toBeUndefined();
  });

  it('turns a router decoding failure into a 400 that names the path', () => {
    const err = Object.assign(new URIError('URI malformed'), { status: 400 });
    expect(toAppError(err)).toMatchObject({ status: 400, code: 'invalid_path' });
  });
});

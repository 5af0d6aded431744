import { missingBrowser } from '../support/browser';

// Without Chromium the browser tests fail at once, with one line that says what to install.
describe('the browser tests’ prerequisite', () => {
  it('names the install line and CHROMIUM_PATH when the binary is missing', () => {
    const err = missingBrowser('/nonexistent/chromium');
    expect(err?.message).toContain('/nonexistent/chromium');
    expect(err?.message).toContain('apt-get install -y chromium');
    expect(err?.message).toContain('CHROMIUM_PATH');
    expect(err?.stack).toBe(err?.message);
  });

  it('accepts an executable', () => {
    expect(missingBrowser(process.execPath)).toBeUndefined();
  });
});

import { snsUrl } from '../../src/bounces/sns-message';

// The SigningCertURL and SubscribeURL checks: only https on sns.<region>.amazonaws.com
// (https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html).
describe('snsUrl', () => {
  it.each([
    'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem',
    'https://sns.eu-central-1.amazonaws.com/?Action=ConfirmSubscription&Token=x',
  ])('accepts %s', (url) => {
    expect(snsUrl(url)?.href).toBe(url);
  });

  it.each([
    'http://sns.us-east-1.amazonaws.com/cert.pem',
    'https://sns.us-east-1.amazonaws.com:8443/cert.pem',
    'https://user:pw@sns.us-east-1.amazonaws.com/cert.pem',
    'https://sns.us-east-1.amazonaws.com.evil.example/cert.pem',
    'https://evilsns.us-east-1.amazonaws.com/cert.pem',
    'https://s3.amazonaws.com/cert.pem',
    'https://sns.amazonaws.com/cert.pem',
    'not a url',
    42,
  ])('refuses %s', (url) => {
    expect(snsUrl(url)).toBeNull();
  });
});

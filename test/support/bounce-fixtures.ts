// Provider payloads as their public docs show them; only addresses and ids are swapped per test.

/**
 * Postmark bounce webhook, the example on https://postmarkapp.com/developer/webhooks/bounce-webhook
 * (note the 64-bit ID, larger than a JS number holds exactly).
 */
export function postmarkBounce(email: string, id = '4323372036854775807', type = 'HardBounce') {
  return `{
  "RecordType": "Bounce",
  "MessageStream": "outbound",
  "ID": ${id},
  "Type": "${type}",
  "TypeCode": 1,
  "Name": "Hard bounce",
  "Tag": "Test",
  "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
  "Metadata": { "a_key": "a_value", "b_key": "b_value" },
  "ServerID": 23,
  "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
  "Details": "Test bounce details",
  "Email": "${email}",
  "From": "sender@example.com",
  "BouncedAt": "2019-11-05T16:33:54.9070259Z",
  "DumpAvailable": true,
  "Inactive": true,
  "CanActivate": true,
  "Subject": "Test subject",
  "Content": "<Full dump of bounce>"
}`;
}

/** Postmark spam complaint webhook, https://postmarkapp.com/developer/webhooks/spam-complaint-webhook */
export function postmarkSpamComplaint(email: string, id = 42) {
  return JSON.stringify({
    RecordType: 'SpamComplaint',
    MessageStream: 'outbound',
    ID: id,
    Type: 'SpamComplaint',
    TypeCode: 512,
    Name: 'Spam complaint',
    Tag: 'Test',
    MessageID: '00000000-0000-0000-0000-000000000000',
    Metadata: { a_key: 'a_value', b_key: 'b_value' },
    ServerID: 1234,
    Description: '',
    Details: 'Test spam complaint details',
    Email: email,
    From: 'sender@example.com',
    BouncedAt: '2019-11-05T16:33:54.9070259Z',
    DumpAvailable: true,
    Inactive: true,
    CanActivate: false,
    Subject: 'Test subject',
    Content: '<Abuse report dump>',
  });
}

/**
 * Mailgun "failed" (permanent) event-data, after the sample in
 * https://documentation.mailgun.com/docs/mailgun/user-manual/events/ ; the signature block is
 * the documented {token, timestamp, signature} of
 * https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks
 */
export function mailgunEvent(
  signature: { timestamp: string; token: string; signature: string },
  eventData: Record<string, unknown>,
) {
  return JSON.stringify({ signature, 'event-data': eventData });
}

export function mailgunFailed(email: string, id: string, severity = 'permanent') {
  return {
    event: 'failed',
    id,
    timestamp: 1521472262.908181,
    'log-level': 'error',
    severity,
    reason: 'bounce',
    recipient: email,
    'recipient-domain': email.split('@')[1],
    'delivery-status': {
      code: 550,
      message: '5.1.1 The email account that you tried to reach does not exist.',
      description: '',
      'attempt-no': 1,
    },
    message: { headers: { 'message-id': '20180319154238.1.E6A7A4D6C2EEE9C6@example.com' } },
  };
}

export function mailgunComplained(email: string, id: string) {
  return {
    event: 'complained',
    id,
    timestamp: 1521472262.908181,
    'log-level': 'warn',
    recipient: email,
    message: { headers: { 'message-id': '20130503182626.18666.16540@example.com' } },
  };
}

/** SendGrid Event Webhook events, https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event */
export function sendgridBounce(email: string, sgEventId: string, type = 'bounce') {
  return {
    email,
    timestamp: 1513299569,
    'smtp-id': '<14c5d75ce93.dfd.64b469@ismtpd-555>',
    event: 'bounce',
    bounce_classification: 'Invalid Address',
    category: 'cat facts',
    sg_event_id: sgEventId,
    sg_message_id: '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0',
    reason: '500 unknown recipient',
    status: '5.0.0',
    type,
  };
}

export function sendgridSpamReport(email: string, sgEventId: string) {
  return {
    email,
    timestamp: 1513299569,
    'smtp-id': '<14c5d75ce93.dfd.64b469@ismtpd-555>',
    event: 'spamreport',
    category: 'cat facts',
    sg_event_id: sgEventId,
    sg_message_id: '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0',
  };
}

export function sendgridDelivered(email: string, sgEventId: string) {
  return {
    email,
    timestamp: 1513299569,
    'smtp-id': '<14c5d75ce93.dfd.64b469@ismtpd-555>',
    event: 'delivered',
    category: 'cat facts',
    sg_event_id: sgEventId,
    sg_message_id: '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0',
    response: '250 OK',
  };
}

/**
 * SES bounce notification with a DSN, https://docs.aws.amazon.com/ses/latest/dg/notification-examples.html
 */
export function sesBounce(email: string, feedbackId: string, bounceType = 'Permanent') {
  return {
    notificationType: 'Bounce',
    bounce: {
      bounceType,
      reportingMTA: 'dns; email.example.com',
      bouncedRecipients: [
        {
          emailAddress: email,
          status: '5.1.1',
          action: 'failed',
          diagnosticCode: `smtp; 550 5.1.1 <${email}>... User`,
        },
      ],
      bounceSubType: 'General',
      timestamp: '2016-01-27T14:59:38.237Z',
      feedbackId,
      remoteMtaIp: '127.0.2.0',
    },
    mail: {
      timestamp: '2016-01-27T14:59:38.237Z',
      source: 'john@example.com',
      sourceArn: 'arn:aws:ses:us-east-1:888888888888:identity/example.com',
      sourceIp: '127.0.3.0',
      sendingAccountId: '123456789012',
      messageId: '00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa0680-000000',
      destination: [email],
    },
  };
}

/** SES complaint notification, same page ("Complaint notification with a feedback report"). */
export function sesComplaint(email: string, feedbackId: string) {
  return {
    notificationType: 'Complaint',
    complaint: {
      userAgent: 'AnyCompany Feedback Loop (V0.01)',
      complainedRecipients: [{ emailAddress: email }],
      complaintFeedbackType: 'abuse',
      arrivalDate: '2016-01-27T14:59:38.237Z',
      timestamp: '2016-01-27T14:59:38.237Z',
      feedbackId,
    },
    mail: {
      timestamp: '2016-01-27T14:59:38.237Z',
      messageId: '000001378603177f-7a5433e7-8edb-42ae-af10-f0181f34d6ee-000000',
      source: 'john@example.com',
      sendingAccountId: '123456789012',
      destination: [email],
    },
  };
}

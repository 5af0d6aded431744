import { createHmac } from 'node:crypto';

// Helpdesk payloads as their public docs show them; only addresses, ids and statuses are swapped
// per test. Signatures are made the way each helpdesk documents them.

/**
 * A Zendesk trigger webhook body: the JSON template of docs/integrations/zendesk.md rendered
 * with the placeholders' documented values
 * (https://support.zendesk.com/hc/en-us/articles/4408886858138, "Zendesk Support placeholders
 * reference"). Zendesk renders every placeholder as text, ids included.
 */
export function zendeskSolved(email: string, id = '35436', status = 'Solved') {
  return `{
  "ticket": {
    "id": "${id}",
    "status": "${status}",
    "channel": "Web Form",
    "assignee": "Sally Agent",
    "group": "Support",
    "requester": {
      "email": "${email}",
      "name": "Jane Requester",
      "locale": "en-US"
    }
  }
}`;
}

/**
 * Zendesk's signature: base64(HMAC-SHA256(secret, timestamp + body)), headers
 * X-Zendesk-Webhook-Signature and X-Zendesk-Webhook-Signature-Timestamp
 * (https://developer.zendesk.com/documentation/webhooks/verifying/).
 */
export function zendeskHeaders(body: string, secret: string, timestamp = '2026-06-15T12:00:00Z') {
  return {
    'X-Zendesk-Webhook-Signature': createHmac('sha256', secret)
      .update(timestamp + body)
      .digest('base64'),
    'X-Zendesk-Webhook-Signature-Timestamp': timestamp,
    'Content-Type': 'application/json',
  };
}

/**
 * Chatwoot's conversation_resolved webhook, the sample on
 * https://github.com/chatwoot/docs/blob/main/docs/product/others/webhook-events.md (a team and
 * the browser language added, as Chatwoot sends them when the conversation has them).
 */
export function chatwootResolved(email: string, id = 10, event = 'conversation_resolved') {
  return JSON.stringify({
    additional_attributes: {
      browser: {
        device_name: 'Unknown',
        browser_name: 'Chrome',
        platform_name: 'macOS',
        browser_version: '92.0.4515.107',
        platform_version: '10.15.7',
      },
      referer: 'http://localhost:3000/widget_tests',
      initiated_at: { timestamp: 'Fri Jul 23 2021 23:32:48 GMT+0530 (India Standard Time)' },
      browser_language: 'fr',
    },
    can_reply: true,
    channel: 'Channel::WebWidget',
    id,
    inbox_id: 1,
    contact_inbox: {
      id: 12,
      contact_id: 12,
      inbox_id: 1,
      source_id: '405f1d30-1af3-4fa0-8ffd-11ea3f86101e',
      created_at: '2021-07-23T18:01:48.739Z',
      updated_at: '2021-07-23T18:02:59.053Z',
      hmac_verified: false,
    },
    messages: [
      {
        id: 120,
        content: 'Get notified by email',
        account_id: 1,
        inbox_id: 1,
        conversation_id: id,
        message_type: 3,
        created_at: 1627063369,
        updated_at: '2021-07-23T18:02:58.000Z',
        private: false,
        status: 'sent',
        source_id: null,
        content_type: 'input_email',
        content_attributes: { submitted_email: email },
        sender_type: null,
        sender_id: null,
        external_source_ids: {},
      },
    ],
    meta: {
      sender: {
        additional_attributes: {},
        custom_attributes: {},
        email,
        id: 12,
        identifier: null,
        name: 'jane',
        phone_number: null,
        pubsub_token: 's76CptSuowp4BDcBom2q7aNX',
        thumbnail: 'https://www.gravatar.com/avatar/526692031d4bb623b36ae4e340260f13?d=404',
        type: 'contact',
      },
      assignee: {
        id: 1,
        name: 'John',
        available_name: 'John',
        avatar_url: 'https://www.gravatar.com/avatar/0d722ac7bc3b3c92c030d0da9690d981?d=404',
        type: 'user',
        availability_status: 'online',
      },
      team: { id: 2, name: 'billing' },
    },
    status: event === 'conversation_resolved' ? 'resolved' : 'open',
    unread_count: 0,
    agent_last_seen_at: 1627063520,
    contact_last_seen_at: 0,
    timestamp: 1627063520,
    event,
  });
}

const zammadUser = (id: number, email: string, first: string, last: string, roles: string[]) => ({
  active: true,
  created_at: '2020-11-13T12:57:48.036Z',
  created_by: '-',
  created_by_id: 1,
  email,
  firstname: first,
  id,
  image: 'b64fef91c29105b4a08a2a69be08eda3',
  lastname: last,
  login: email,
  organization: 'Chrispresso Inc.',
  organization_id: 2,
  out_of_office: false,
  roles,
  updated_at: '2020-11-13T12:57:48.072Z',
  updated_by: '-',
  updated_by_id: 1,
  verified: false,
  vip: false,
});

/**
 * Zammad's default trigger webhook payload, the example on
 * https://github.com/zammad/zammad-admin-documentation/blob/6.0/manage/webhook/payload.rst
 * (state set to closed, the article's attachments and repeated user objects shortened).
 */
export function zammadClosed(email: string, id = 81, state = 'closed') {
  const chris = zammadUser(3, 'chris@chrispresso.com', 'Christopher', 'Miller', ['Admin', 'Agent']);
  return JSON.stringify({
    ticket: {
      article_count: 1,
      article_ids: [104],
      create_article_sender: 'Customer',
      create_article_sender_id: 2,
      create_article_type: 'phone',
      create_article_type_id: 5,
      created_at: '2020-11-13T14:34:35.282Z',
      created_by: chris,
      created_by_id: 3,
      customer: {
        ...zammadUser(8, email, 'Emily', 'Adams', ['Customer']),
        address: 'Bennelong Point\nSydney NSW 2000',
        note: 'did order café au lait, ask next time if the flavor was as expected',
        organization: 'Awesome Customer Inc.',
        organization_id: 3,
        phone: '0061 2 1234 7777',
      },
      customer_id: 8,
      group: {
        active: true,
        created_at: '2020-11-13T12:57:47.498Z',
        follow_up_assignment: true,
        follow_up_possible: 'yes',
        id: 3,
        name: 'Service Desk',
        user_ids: [3, 4, 5],
        users: ['chris@chrispresso.com', 'jacob@chrispresso.com', 'emma@chrispresso.com'],
      },
      group_id: 3,
      id,
      last_contact_at: '2020-11-13T14:34:35.318Z',
      number: `100${id}`,
      organization: { active: true, id: 3, name: 'Awesome Customer Inc.', shared: true },
      organization_id: 3,
      owner: zammadUser(5, 'emma@chrispresso.com', 'Emma', 'Taylor', ['Agent']),
      owner_id: 5,
      priority: { active: true, default_create: true, id: 2, name: '2 normal' },
      priority_id: 2,
      state,
      state_id: 4,
      title: 'Webhook-Test',
      updated_at: '2020-11-13T14:34:35.333Z',
      updated_by: chris,
      updated_by_id: 3,
    },
    article: {
      body: 'This is a simple Webhook Test.',
      content_type: 'text/html',
      created_at: '2020-11-13T14:34:35.318Z',
      from: `Emily Adams <${email}>`,
      id: 104,
      internal: false,
      sender: 'Customer',
      ticket_id: id,
      to: 'Service Desk',
      type: 'phone',
    },
  });
}

/**
 * Zammad's X-Hub-Signature: sha1=<hex HMAC-SHA1(token, body)>
 * (https://github.com/zammad/zammad-admin-documentation/blob/6.0/manage/webhook/payload.rst).
 */
export function zammadHeaders(body: string, token: string) {
  return {
    'X-Hub-Signature': `sha1=${createHmac('sha1', token).update(body).digest('hex')}`,
    'X-Zammad-Trigger': 'Glas survey on close',
    'X-Zammad-Delivery': 'b6e6c4b1a5d0f4e0c8d3',
    'User-Agent': 'Zammad User Agent',
    'Content-Type': 'application/json',
  };
}

/**
 * A Freshdesk "Trigger webhook" body in the "Simple" content mode, where Freshdesk wraps the
 * chosen fields in `freshdesk_webhook` with their placeholder names
 * (https://support.freshdesk.com/support/solutions/articles/132589-using-webhooks-in-automation-rules).
 */
export function freshdeskResolved(email: string, id = 2, status = 'Resolved') {
  return JSON.stringify({
    freshdesk_webhook: {
      ticket_id: id,
      ticket_subject: 'Support needed..',
      ticket_status: status,
      ticket_priority: 'Low',
      ticket_source: 'Email',
      ticket_agent_name: 'Rachel Agent',
      ticket_group_name: 'Billing',
      ticket_contact_name: 'Emily Garcia',
      ticket_contact_email: email,
      ticket_url: `https://acme.freshdesk.com/helpdesk/tickets/${id}`,
    },
  });
}

/**
 * Intercom's conversation.admin.closed notification: the notification_event envelope and the
 * conversation model of https://developers.intercom.com/docs/references/webhooks/webhook-models
 * (API 2.x; ids as Intercom's examples show them).
 */
export function intercomClosed(email: string, id = '147', topic = 'conversation.admin.closed') {
  return JSON.stringify({
    type: 'notification_event',
    app_id: 'ooo2uqj2',
    data: {
      type: 'notification_event_data',
      item: {
        type: 'conversation',
        id,
        created_at: 1539897198,
        updated_at: 1540393270,
        source: {
          type: 'conversation',
          id: '403918316',
          delivered_as: 'customer_initiated',
          subject: '',
          body: '<p>Hi, my order has not arrived</p>',
          author: { type: 'user', id: '5310d8e7598c9a0b24000002', name: 'Joe Bloggs', email },
          attachments: [],
          url: null,
        },
        contacts: {
          type: 'contact.list',
          contacts: [{ type: 'contact', id: '5310d8e7598c9a0b24000002', external_id: '25' }],
        },
        admin_assignee_id: 814860,
        team_assignee_id: 5017691,
        open: false,
        state: 'closed',
        read: true,
        conversation_parts: {
          type: 'conversation_part.list',
          conversation_parts: [
            {
              type: 'conversation_part',
              id: '4412',
              part_type: 'close',
              body: '<p>Glad we could help!</p>',
              created_at: 1540393270,
              author: {
                type: 'admin',
                id: '814860',
                name: 'Mark Admin',
                email: 'mark@example.com',
              },
            },
          ],
          total_count: 1,
        },
      },
    },
    links: {},
    id: 'notif_ccd8a4d0-f965-11e3-a367-c779cae3e1b3',
    topic,
    delivery_status: 'pending',
    delivery_attempts: 1,
    delivered_at: 0,
    first_sent_at: 1540393270,
    created_at: 1540393270,
    self: null,
  });
}

/**
 * Intercom's X-Hub-Signature: sha1=<hex HMAC-SHA1(client secret, body)>
 * (https://developers.intercom.com/docs/references/webhooks/webhook-models, "Signed notifications").
 */
export function intercomHeaders(body: string, clientSecret: string) {
  return {
    'X-Hub-Signature': `sha1=${createHmac('sha1', clientSecret).update(body).digest('hex')}`,
    'Content-Type': 'application/json',
  };
}

/**
 * A HubSpot ticket workflow's "Send a webhook" body with "Customize request body", keyed as
 * docs/integrations/hubspot.md asks; the values are HubSpot's ticket and contact properties
 * (https://knowledge.hubspot.com/workflows/how-do-i-use-webhooks-with-hubspot-workflows).
 */
export function hubspotClosed(email: string, ticketId = '1234567890') {
  return JSON.stringify({
    ticketId,
    email,
    firstName: 'Brian',
    lastName: 'Halligan',
    language: 'de',
    owner: 'Dharmesh Shah',
    team: 'Tier 2',
    channel: 'EMAIL',
  });
}

/**
 * HubSpot's v3 signature: base64(HMAC-SHA256(client secret, method + URL + body + timestamp))
 * in X-HubSpot-Signature-v3, the timestamp (ms) in X-HubSpot-Request-Timestamp
 * (https://developers.hubspot.com/docs/guides/apps/authentication/validating-requests).
 */
export function hubspotHeaders(url: string, body: string, clientSecret: string, at: Date) {
  const timestamp = String(at.getTime());
  return {
    'X-HubSpot-Signature-v3': createHmac('sha256', clientSecret)
      .update(`POST${url}${body}${timestamp}`)
      .digest('base64'),
    'X-HubSpot-Request-Timestamp': timestamp,
    'Content-Type': 'application/json',
  };
}

/**
 * FreeScout's Conversation object as the API & Webhooks module posts it for `convo.status`,
 * after the example on https://freescout.net/module/api-webhooks/ (fields Glas reads kept,
 * the threads left out).
 */
export function freescoutClosed(email: string, id = 1, status = 'closed') {
  return JSON.stringify({
    id,
    number: id + 2,
    threadsCount: 2,
    type: 'email',
    folderId: 11,
    status,
    state: 'published',
    subject: 'Refund',
    preview: 'Could you please refund my recent payment...',
    mailboxId: 15,
    assignee: { id: 9, type: 'user', first: 'John', last: 'Doe', email: 'johndoe@example.org' },
    createdBy: { id: 11, type: 'customer', first: 'Mark', last: 'Morrison', email },
    createdAt: '2020-07-23T12:34:12Z',
    updatedAt: '2020-07-24T20:18:33Z',
    closedAt: '2020-07-24T20:18:33Z',
    customer: { id: 11, type: 'customer', firstName: 'Mark', lastName: 'Morrison', email },
  });
}

/**
 * FreeScout's headers: X-FreeScout-Event and X-FreeScout-Signature = base64 of HMAC-SHA1 of
 * the body with md5(APP_KEY . "webhook_key") (Modules/ApiWebhooks/Entities/Webhook.php).
 */
export function freescoutHeaders(body: string, key: string, event = 'convo.status') {
  return {
    'Content-Type': 'application/json',
    'X-FreeScout-Event': event,
    'X-FreeScout-Signature': createHmac('sha1', key).update(body).digest('base64'),
  };
}

/** webhook(): the request steps after authentication (method, raw body, body, event filter, item, response mode). */
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';
import { KNOWN_EVENTS, MAX_EVENT_BODY_BYTES } from '../../../nodes/shared/telesign/events';
import { TelesignVoiceTrigger } from '../../../nodes/TelesignVoiceTrigger/TelesignVoiceTrigger.node';

import {
	DIAL_COMPLETED,
	CALL_COMPLETED,
	makeContext,
	call,
	expectRejected,
	expectUnauthorized,
	signed,
} from './triggerHarness';

describe('webhook(): method', () => {
	it.each(['GET', 'PUT', 'DELETE'])('%s → 405 with Allow: POST, no execution', async (method) => {
		const r = await call({ method });
		expectRejected(r, 405);
		expect(r.res.headers.allow).toBe('POST');
	});
});

describe('webhook(): raw body', () => {
	it('reads the raw body itself when n8n has not (version 1.1, a content type n8n does not parse)', async () => {
		const body = JSON.stringify(DIAL_COMPLETED);
		const c = makeContext({
			...signed(body),
			rawBody: null,
			headers: { ...signed(body).headers, 'content-type': 'application/octet-stream' },
		});
		const req = c.req as typeof c.req & { readRawBody: () => Promise<void> };
		req.readRawBody = jest.fn(async () => {
			req.rawBody = Buffer.from(body);
		});
		const result = await new TelesignVoiceTrigger().webhook.call(
			c.ctx as unknown as IWebhookFunctions,
		);
		expect(req.readRawBody).toHaveBeenCalledTimes(1);
		expect(result.workflowData?.[0]?.[0]?.json).toEqual(DIAL_COMPLETED);
	});

	it('does not read the body again when n8n already has', async () => {
		const body = JSON.stringify(DIAL_COMPLETED);
		const c = makeContext(signed(body));
		const req = c.req as typeof c.req & { readRawBody: () => Promise<void> };
		req.readRawBody = jest.fn(async () => undefined);
		const result = await new TelesignVoiceTrigger().webhook.call(
			c.ctx as unknown as IWebhookFunctions,
		);
		expect(req.readRawBody).not.toHaveBeenCalled();
		expect(result.workflowData?.[0]?.[0]?.json).toEqual(DIAL_COMPLETED);
	});

	it('answers 500 (cannot verify) when reading the body fails', async () => {
		const body = JSON.stringify(DIAL_COMPLETED);
		const c = makeContext({ ...signed(body), rawBody: null });
		const req = c.req as typeof c.req & { readRawBody: () => Promise<void> };
		req.readRawBody = jest.fn(async () => {
			throw new Error('Request body stream was aborted');
		});
		const result = await new TelesignVoiceTrigger().webhook.call(
			c.ctx as unknown as IWebhookFunctions,
		);
		expect(result).toEqual({ noWebhookResponse: true });
		expect(c.res.statusCode).toBe(500);
	});
});

describe('webhook(): bad bodies → 400, nothing starts', () => {
	it.each([
		['empty', ''],
		['not JSON', 'event=dial_completed'],
		['a JSON array', '[{"event":"dial_completed"}]'],
		['JSON without event', '{"reference_id":"x"}'],
		['a non-string event', '{"event":42}'],
		[
			'too large',
			JSON.stringify({ event: 'dial_completed', data: { pad: 'x'.repeat(MAX_EVENT_BODY_BYTES) } }),
		],
	])('%s', async (_label, rawBody) => {
		const r = await call({ rawBody });
		expectRejected(r, 400);
		expect(r.res.body).toEqual({ message: expect.any(String) });
	});

	it('parses from the raw bytes, not from the parsed body', async () => {
		const r = await call({ rawBody: JSON.stringify(CALL_COMPLETED) });
		expect(r.getBodyData).not.toHaveBeenCalled();
		expect(r.result.workflowData).toEqual([[{ json: CALL_COMPLETED }]]);
	});

	it('authenticates before it parses: an unauthenticated bad body gets 401, not 400', async () => {
		const r = await call({ params: { authentication: 'basicAuth' }, rawBody: 'garbage' });
		expectUnauthorized(r);
	});
});

describe('webhook(): event filter', () => {
	it.each(['lastNode', 'responseNode', 'immediately'])(
		'an unselected event gets 200 {} and starts nothing (respond=%s)',
		async (respond) => {
			const r = await call({ params: { events: ['incoming_call', 'call_completed'], respond } });
			expectRejected(r, 200);
			expect(r.res.body).toEqual({});
			expect(r.res.headers['content-type']).toMatch(/application\/json/);
		},
	);

	it('a selected event starts the workflow', async () => {
		const r = await call({ params: { events: ['dial_completed'] } });
		expect(r.result.workflowData).toHaveLength(1);
	});

	it('Any Event also lets unknown event names through', async () => {
		const future = { event: 'recording_ready', reference_id: 'R1', data: { x: 1 } };
		const r = await call({ params: { events: ['*'] }, rawBody: JSON.stringify(future) });
		expect(r.result.workflowData).toEqual([[{ json: future }]]);
		const filtered = await call({
			params: { events: KNOWN_EVENTS.slice() },
			rawBody: JSON.stringify(future),
		});
		expectRejected(filtered, 200);
	});

	it('filters after authentication: an unselected event with a bad signature gets 401', async () => {
		const s = signed(JSON.stringify(DIAL_COMPLETED));
		const r = await call({ ...s, params: { ...s.params, events: ['incoming_call'] }, headers: {} });
		expectUnauthorized(r);
	});
});

describe('webhook(): item', () => {
	it('adds the request headers without credentials or signatures when asked', async () => {
		const s = signed(JSON.stringify(DIAL_COMPLETED), 'both');
		const r = await call({
			...s,
			params: { ...s.params, options: { includeHeaders: true } },
			headers: { ...s.headers, Cookie: 'a=b', 'X-Forwarded-For': '203.0.113.9' },
		});
		const json = r.result.workflowData?.[0][0].json as IDataObject;
		const headers = json.headers as IDataObject;
		expect(headers['x-forwarded-for']).toBe('203.0.113.9');
		expect(headers['content-type']).toBe('application/json');
		expect(headers).not.toHaveProperty('authorization');
		expect(headers).not.toHaveProperty('x-ts-authorization');
		expect(headers).not.toHaveProperty('cookie');
		expect({ ...json, headers: undefined }).toEqual({ ...DIAL_COMPLETED, headers: undefined });
	});
});

describe('webhook(): response per Respond mode', () => {
	it('immediately: the workflow starts and n8n answers {} (webhookResponse with responseData "")', async () => {
		const r = await call({
			params: { respond: 'immediately' },
			rawBody: JSON.stringify(CALL_COMPLETED),
		});
		expect(r.result).toEqual({ workflowData: [[{ json: CALL_COMPLETED }]], webhookResponse: {} });
		expect(r.res.sent).toBe(false);
	});

	it.each(['lastNode', 'responseNode'])(
		'%s: the workflow starts and n8n holds the answer',
		async (respond) => {
			const r = await call({ params: { respond } });
			expect(r.result).toEqual({ workflowData: [[{ json: DIAL_COMPLETED }]] });
			expect(r.res.sent).toBe(false);
		},
	);
});

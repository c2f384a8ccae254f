import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import { clearCredentialCache } from '../../nodes/shared/credentialCache';
import { applyTelesignAuth } from '../../nodes/shared/telesign/credentials';

import {
	TransportError,
	retryDelayMs,
	sendTelesignRequest,
	sendTelesignRequestOnce,
} from '../../nodes/shared/telesign/transport';

type Reply = { statusCode: number; headers?: Record<string, unknown>; body: unknown } | Error;

function fakeContext(replies: Reply[]) {
	const calls: Array<{ type: string; options: Record<string, unknown> }> = [];
	const context = {
		helpers: {
			httpRequestWithAuthentication: jest.fn(
				async (type: string, options: Record<string, unknown>) => {
					calls.push({ type, options });
					const reply = replies.shift();
					if (!reply) throw new Error('no more replies');
					if (reply instanceof Error) throw reply;
					return reply;
				},
			),
		},
	};
	return { context: context as unknown as IExecuteFunctions, calls };
}

function networkError(code: string) {
	const cause = Object.assign(new Error(code), {
		code,
		config: { headers: { Authorization: 'Basic c2VjcmV0' } },
	});
	return Object.assign(new Error('wrapped'), { cause });
}

describe('transport', () => {
	it('sends the body serialised once with its content type, through the credential', async () => {
		const { context, calls } = fakeContext([
			{ statusCode: 202, headers: {}, body: { status: 'dial_accepted' } },
		]);
		const response = await sendTelesignRequestOnce.call(context, {
			method: 'POST',
			path: '/v2/voice',
			body: { method: 'dial', params: { to: '1' } },
		});
		expect(response.statusCode).toBe(202);
		expect(calls[0].type).toBe('telesignVoiceApi');
		expect(calls[0].options).toMatchObject({
			method: 'POST',
			url: '/v2/voice',
			body: '{"method":"dial","params":{"to":"1"}}',
			headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		});
	});

	it('GET sends no body and no content type', async () => {
		const { context, calls } = fakeContext([{ statusCode: 200, body: {} }]);
		await sendTelesignRequestOnce.call(context, {
			method: 'GET',
			path: '/v2/call_recording',
			qs: { token: 't' },
		});
		expect(calls[0].options.body).toBeUndefined();
		expect(calls[0].options.headers).toEqual({ Accept: 'application/json' });
		expect(calls[0].options.qs).toEqual({ token: 't' });
	});

	it.each([
		['ECONNREFUSED', 'no'],
		['ENOTFOUND', 'no'],
		['ECONNRESET', 'unknown'],
		['ECONNABORTED', 'unknown'],
		['ETIMEDOUT', 'unknown'],
	])('%s → sent=%s, without the request configuration', async (code, sent) => {
		const { context } = fakeContext([networkError(code)]);
		const error = await sendTelesignRequestOnce
			.call(context, { method: 'POST', path: '/v2/voice', body: {} })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(TransportError);
		expect((error as TransportError).sent).toBe(sent);
		expect((error as TransportError).code).toBe(code);
		expect(JSON.stringify(error)).not.toContain('c2VjcmV0');
		expect((error as Error).message).not.toContain('c2VjcmV0');
	});

	it('retries 429 up to the limit, honouring Retry-After', async () => {
		const { context, calls } = fakeContext([
			{ statusCode: 429, headers: { 'retry-after': '0' }, body: { status: 'rate_limit_exceeded' } },
			{ statusCode: 429, headers: { 'Retry-After': '0' }, body: { status: 'rate_limit_exceeded' } },
			{ statusCode: 202, body: { status: 'dial_accepted' } },
		]);
		const response = await sendTelesignRequest.call(
			context,
			{ method: 'POST', path: '/v2/voice', body: {} },
			{ maxRetries: 3 },
		);
		expect(response).toMatchObject({ statusCode: 202, attempts: 3 });
		expect(calls).toHaveLength(3);
	});

	it('returns the last 429 when retries run out, and never retries 5xx', async () => {
		const limited = fakeContext([
			{ statusCode: 429, headers: { 'retry-after': '0' }, body: {} },
			{ statusCode: 429, headers: { 'retry-after': '0' }, body: {} },
		]);
		const last = await sendTelesignRequest.call(
			limited.context,
			{ method: 'POST', path: '/v2/voice' },
			{ maxRetries: 1 },
		);
		expect(last).toMatchObject({ statusCode: 429, attempts: 2 });

		const failing = fakeContext([
			{ statusCode: 503, body: {} },
			{ statusCode: 202, body: {} },
		]);
		const response = await sendTelesignRequest.call(
			failing.context,
			{ method: 'POST', path: '/v2/voice' },
			{ maxRetries: 5 },
		);
		expect(response).toMatchObject({ statusCode: 503, attempts: 1 });
		expect(failing.calls).toHaveLength(1);
	});

	it('backs off exponentially with jitter when there is no Retry-After', () => {
		const policy = { maxRetries: 5, baseDelayMs: 1000, maxDelayMs: 8000 };
		expect(retryDelayMs(0, undefined, { ...policy, random: () => 0 })).toBe(500);
		expect(retryDelayMs(0, undefined, { ...policy, random: () => 1 })).toBe(1000);
		expect(retryDelayMs(2, undefined, { ...policy, random: () => 1 })).toBe(4000);
		expect(retryDelayMs(6, undefined, { ...policy, random: () => 1 })).toBe(8000);
		expect(retryDelayMs(0, '2', policy)).toBe(2000);
		expect(retryDelayMs(0, '99999', policy)).toBe(120000);
	});
});

describe('transport from a waiting webhook (the next call of an on-call list)', () => {
	beforeEach(() => clearCredentialCache());

	it('signs with the cached credential values, as the credential would, without asking n8n for them per dial', async () => {
		const credentials = {
			authMethod: 'basic',
			customerId: 'CUST-1',
			apiKey: 'a2V5',
			baseUrl: 'https://rest-api.telesign.com',
		};
		const getCredentials = jest.fn(async () => credentials);
		const httpRequest = jest.fn<Promise<unknown>, [Record<string, unknown>]>(async () => ({
			statusCode: 200,
			headers: {},
			body: { status: 'dial_accepted' },
		}));
		const httpRequestWithAuthentication = jest.fn();
		const context = {
			getRequestObject: () => ({}),
			getNode: () => ({
				id: 'node-1',
				name: 'Telesign Voice',
				credentials: { telesignVoiceApi: { id: 'cred-1', name: 'Telesign' } },
			}),
			getCredentials,
			helpers: { httpRequest, httpRequestWithAuthentication },
		} as unknown as IWebhookFunctions;
		for (let i = 0; i < 2; i++) {
			await sendTelesignRequestOnce.call(context, {
				method: 'POST',
				path: '/v2/voice',
				body: { method: 'dial', params: { to: '1' } },
			});
		}
		expect(httpRequestWithAuthentication).not.toHaveBeenCalled();
		expect(getCredentials).toHaveBeenCalledTimes(1);
		expect(httpRequest.mock.calls[1][0]).toMatchObject({
			baseURL: 'https://rest-api.telesign.com',
			url: '/v2/voice',
			body: '{"method":"dial","params":{"to":"1"}}',
			headers: {
				Authorization: applyTelesignAuth(credentials, { url: '/v2/voice' }).headers?.Authorization,
			},
		});
	});
});

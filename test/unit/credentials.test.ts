import type { IHttpRequestOptions } from 'n8n-workflow';

import { TelesignVoiceApi } from '../../credentials/TelesignVoiceApi.credentials';
import { applyTelesignAuth, normalizeBaseUrl } from '../../nodes/shared/telesign/credentials';

const DATE = new Date('Wed, 14 Dec 2016 18:20:12 GMT');
const NONCE = 'A1592C6F-E384-4CDB-BC42-C3AB970369E9';

describe('Telesign Voice API credential', () => {
	const credential = new TelesignVoiceApi();

	it('has the fields of the issue, the API key as a password', () => {
		const byName = Object.fromEntries(credential.properties.map((p) => [p.name, p]));
		expect(Object.keys(byName)).toEqual(['customerId', 'apiKey', 'authMethod', 'baseUrl']);
		expect(byName.apiKey.typeOptions).toEqual({ password: true });
		expect(byName.baseUrl.default).toBe('https://rest-ww.telesign.com');
		expect(byName.authMethod.default).toBe('basic');
	});

	it("labels TSA signing apart from the trigger's RFC 7616 Digest, keeping the stored value of existing credentials", () => {
		const authMethod = credential.properties.find((p) => p.name === 'authMethod');
		expect(authMethod?.options).toEqual([
			expect.objectContaining({ name: 'Basic', value: 'basic' }),
			expect.objectContaining({ name: 'TSA Signature (HMAC-SHA256)', value: 'digest' }),
		]);
	});

	it('Basic: Authorization = Basic base64(customerId:apiKey), base URL from the credential', async () => {
		const out = await credential.authenticate(
			{
				customerId: 'yourCustomerId',
				apiKey: 'yourApiKey',
				authMethod: 'basic',
				baseUrl: 'http://127.0.0.1:9/',
			},
			{ url: '/v2/voice', method: 'POST', body: '{}', headers: { Authorization: 'stale' } },
		);
		expect(out.headers).toEqual({ Authorization: 'Basic eW91ckN1c3RvbWVySWQ6eW91ckFwaUtleQ==' });
		expect(out.baseURL).toBe('http://127.0.0.1:9');
	});

	it('TSA Signature: reproduces the SDK vector through the request path', () => {
		const out = applyTelesignAuth(
			{
				customerId: 'yourCustomerId',
				apiKey: 'yourApiKey',
				authMethod: 'digest',
				baseUrl: 'https://rest-ww.telesign.com',
			},
			{
				url: '/v1/resource',
				method: 'POST',
				body: '{"key":"value"}',
				headers: { 'Content-Type': 'application/json' },
			},
			DATE,
			NONCE,
		);
		expect(out.headers).toMatchObject({
			Authorization: 'TSA yourCustomerId:q5n15bclH8MY7OmbZnuVxwb9uivpmafJAlLcFnN/U8A=',
			Date: 'Wed, 14 Dec 2016 18:20:12 GMT',
			'x-ts-auth-method': 'HMAC-SHA256',
			'x-ts-nonce': NONCE,
			'Content-Type': 'application/json',
		});
		expect(out.body).toBe('{"key":"value"}');
	});

	it('TSA Signature: signs the exact Content-Type sent and serialises an object body once', () => {
		const form = applyTelesignAuth(
			{
				customerId: 'FFFFFFFF-EEEE-DDDD-1234-AB1234567890',
				apiKey: 'VGVzdCBLZXk=',
				authMethod: 'digest',
			},
			{
				url: '/v1/resource',
				method: 'POST',
				body: 'test=param',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
			},
			DATE,
			NONCE,
		);
		expect((form.headers as Record<string, string>).Authorization).toBe(
			'TSA FFFFFFFF-EEEE-DDDD-1234-AB1234567890:vXw/XzywdhgfEG2/zWLaFp7oXmjLB8iJDMndvDbZMjk=',
		);
		const objectBody = applyTelesignAuth(
			{ customerId: 'yourCustomerId', apiKey: 'yourApiKey', authMethod: 'digest' },
			{ url: '/v1/resource', method: 'POST', body: { key: 'value' } } as IHttpRequestOptions,
			DATE,
			NONCE,
		);
		expect(objectBody.body).toBe('{"key":"value"}');
		expect((objectBody.headers as Record<string, string>).Authorization).toBe(
			'TSA yourCustomerId:q5n15bclH8MY7OmbZnuVxwb9uivpmafJAlLcFnN/U8A=',
		);
	});

	it('TSA Signature: GET signs no content type and no query string', () => {
		const out = applyTelesignAuth(
			{
				customerId: 'FFFFFFFF-EEEE-DDDD-1234-AB1234567890',
				apiKey:
					'EXAMPLETE8sTgg45yusumoN6BYsBVkh+yRJ5czgsnCehZaOYldPJdmFh6NeX8kunZ2zU1YWaUw/0wV6xfw==',
				authMethod: 'digest',
			},
			{ url: '/v1/resource', method: 'GET', qs: { a: 1 } },
			DATE,
			NONCE,
		);
		expect((out.headers as Record<string, string>).Authorization).toBe(
			'TSA FFFFFFFF-EEEE-DDDD-1234-AB1234567890:aUm7I+9GKl3ww7PNeeJntCT0iS7b+EmRKEE4LnRzChQ=',
		);
	});

	it('TSA Signature: signs the same path for the legacy {uri} shape (HTTP Request node), with or without a query string', () => {
		const credentials = {
			customerId: 'FFFFFFFF-EEEE-DDDD-1234-AB1234567890',
			apiKey:
				'EXAMPLETE8sTgg45yusumoN6BYsBVkh+yRJ5czgsnCehZaOYldPJdmFh6NeX8kunZ2zU1YWaUw/0wV6xfw==',
			authMethod: 'digest',
		};
		const expected =
			'TSA FFFFFFFF-EEEE-DDDD-1234-AB1234567890:aUm7I+9GKl3ww7PNeeJntCT0iS7b+EmRKEE4LnRzChQ=';
		for (const uri of [
			'https://rest-ww.telesign.com/v1/resource',
			'https://rest-ww.telesign.com/v1/resource?a=1',
		]) {
			const legacy = { uri, method: 'GET', qs: { a: 1 } } as unknown as IHttpRequestOptions;
			const out = applyTelesignAuth(credentials, legacy, DATE, NONCE);
			expect((out.headers as Record<string, string>).Authorization).toBe(expected);
			expect(out.baseURL).toBeUndefined(); // the legacy request path takes the absolute uri as it is
		}
	});

	it('does not mutate the caller request options', () => {
		const request: IHttpRequestOptions = {
			url: '/v2/voice',
			method: 'POST',
			body: '{}',
			headers: {},
		};
		applyTelesignAuth({ customerId: 'c', apiKey: 'VGVzdCBLZXk=', authMethod: 'digest' }, request);
		expect(request.headers).toEqual({});
	});

	it('validates the Base URL', () => {
		expect(normalizeBaseUrl('https://rest-ww.telesign.com/')).toBe('https://rest-ww.telesign.com');
		expect(normalizeBaseUrl('')).toBe('https://rest-ww.telesign.com');
		expect(() => normalizeBaseUrl('rest-ww.telesign.com')).toThrow(/is not a URL/);
		expect(() => normalizeBaseUrl('ftp://rest-ww.telesign.com')).toThrow(
			/must start with https:\/\//,
		);
		expect(() => normalizeBaseUrl('https://rest-ww.telesign.com/v2')).toThrow(
			/must not have a path/,
		);
		expect(() => normalizeBaseUrl('https://u:p@rest-ww.telesign.com')).toThrow(
			/user name or password/,
		);
	});

	it('never puts the API key into an error message', () => {
		const secret = Buffer.from('secret-key-123456789').toString('base64');
		const bads: Array<Record<string, string>> = [
			{ customerId: '', apiKey: secret },
			{ customerId: 'c', apiKey: secret, baseUrl: 'nope' },
			{ customerId: 'c', apiKey: secret, baseUrl: 'https://x/y' },
		];
		for (const bad of bads) {
			try {
				applyTelesignAuth(bad, { url: '/v2/voice', method: 'POST' });
				throw new Error('expected a failure');
			} catch (error) {
				expect((error as Error).message).not.toContain(secret);
			}
		}
	});

	it('tests credentials with a dial that cannot place a call (no "to")', () => {
		expect(credential.test.request).toMatchObject({
			method: 'POST',
			url: '/v2/voice',
			body: { method: 'dial', params: {} },
		});
		const codes = (credential.test.rules ?? []).map(
			(rule) => (rule.properties as { value: number }).value,
		);
		expect(codes).toEqual(expect.arrayContaining([401, 403, 404]));
		expect(JSON.stringify(credential.test.request.ignoreHttpStatusErrors)).not.toContain('400');
	});
});

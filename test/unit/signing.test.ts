import {
	buildBasicAuthorization,
	buildTsaAuthorization,
	buildTsaHeaders,
	buildTsaStringToSign,
	computeCallbackSignature,
	extractCallbackSignature,
	verifyCallbackSignature,
} from '../../nodes/shared/telesign/signing';

const DATE = 'Wed, 14 Dec 2016 18:20:12 GMT';
const NONCE = 'A1592C6F-E384-4CDB-BC42-C3AB970369E9';
// The Python SDK tests use the key "EXAMPLE----TE8s…"; Python's lenient base64 decoder drops only the dashes,
// so the effective key is "EXAMPLETE8s…" ("EXAMPLE" is valid base64). Printed without "EXAMPLE",
// the key does not reproduce the published signatures.
const PY_KEY =
	'EXAMPLETE8sTgg45yusumoN6BYsBVkh+yRJ5czgsnCehZaOYldPJdmFh6NeX8kunZ2zU1YWaUw/0wV6xfw==';
const CUSTOMER = 'FFFFFFFF-EEEE-DDDD-1234-AB1234567890';

describe('TSA signing reproduces the four Telesign SDK vectors (https://developer.telesign.com/enterprise/docs/authentication)', () => {
	const vectors = [
		{
			customerId: 'yourCustomerId',
			apiKey: 'yourApiKey',
			method: 'POST',
			contentType: 'application/json',
			body: '{"key":"value"}',
			expected: 'q5n15bclH8MY7OmbZnuVxwb9uivpmafJAlLcFnN/U8A=',
		},
		{
			customerId: CUSTOMER,
			apiKey: 'VGVzdCBLZXk=',
			method: 'POST',
			contentType: 'application/x-www-form-urlencoded',
			body: 'test=param',
			expected: 'vXw/XzywdhgfEG2/zWLaFp7oXmjLB8iJDMndvDbZMjk=',
		},
		{
			customerId: CUSTOMER,
			apiKey: PY_KEY,
			method: 'POST',
			contentType: 'application/x-www-form-urlencoded',
			body: 'test=param',
			expected: '2xVlmbrxLjYrrPun3G3WMNG6Jon4yKcTeOoK9DjXJ/Q=',
		},
		{
			customerId: CUSTOMER,
			apiKey: PY_KEY,
			method: 'GET',
			contentType: '',
			body: '',
			expected: 'aUm7I+9GKl3ww7PNeeJntCT0iS7b+EmRKEE4LnRzChQ=',
		},
	];
	it.each(vectors)('$method $contentType with key $apiKey', (v) => {
		const header = buildTsaAuthorization(v.customerId, v.apiKey, {
			method: v.method,
			contentType: v.contentType,
			date: DATE,
			nonce: NONCE,
			body: v.body,
			resource: '/v1/resource',
		});
		expect(header).toBe(`TSA ${v.customerId}:${v.expected}`);
	});

	it('lays out the string to sign as the SDKs do (body line only when there is a body)', () => {
		expect(
			buildTsaStringToSign({
				method: 'post',
				contentType: 'application/json',
				date: DATE,
				nonce: 'n',
				body: '{}',
				resource: '/v2/voice',
			}),
		).toBe(
			`POST\napplication/json\n${DATE}\nx-ts-auth-method:HMAC-SHA256\nx-ts-nonce:n\n{}\n/v2/voice`,
		);
		expect(
			buildTsaStringToSign({
				method: 'GET',
				contentType: '',
				date: '',
				xTsDate: DATE,
				nonce: 'n',
				body: '',
				resource: '/v2/x',
			}),
		).toBe(`GET\n\n\nx-ts-auth-method:HMAC-SHA256\nx-ts-date:${DATE}\nx-ts-nonce:n\n/v2/x`);
	});

	it('uses a fresh nonce and the current date for every request', () => {
		const a = buildTsaHeaders('c', 'VGVzdCBLZXk=', {
			method: 'POST',
			contentType: 'application/json',
			body: '{}',
			resource: '/v2/voice',
		});
		const b = buildTsaHeaders('c', 'VGVzdCBLZXk=', {
			method: 'POST',
			contentType: 'application/json',
			body: '{}',
			resource: '/v2/voice',
		});
		expect(a['x-ts-nonce']).toMatch(
			/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
		);
		expect(a['x-ts-nonce']).not.toBe(b['x-ts-nonce']);
		expect(Math.abs(Date.parse(a.Date) - Date.now())).toBeLessThan(5000);
		expect(a['x-ts-auth-method']).toBe('HMAC-SHA256');
		expect(a.Authorization).not.toBe(b.Authorization);
	});
});

describe('Basic authorization', () => {
	it('matches the node SDK vector', () => {
		expect(buildBasicAuthorization('yourCustomerId', 'yourApiKey')).toBe(
			'Basic eW91ckN1c3RvbWVySWQ6eW91ckFwaUtleQ==',
		);
	});
});

describe('callback signature', () => {
	const body = "{'test': 123}";
	const sig = 'B97g3N9lPdVaptvifxRau7bzVAC5hhRBZ6HKXABN744=';

	it('reproduces the Python SDK vector', () => {
		expect(computeCallbackSignature(PY_KEY, body)).toBe(sig);
		expect(computeCallbackSignature(PY_KEY, Buffer.from(body))).toBe(sig);
	});

	it('accepts Authorization: TSA id:sig with the right customer', () => {
		expect(
			verifyCallbackSignature({
				apiKey: PY_KEY,
				customerId: CUSTOMER,
				rawBody: body,
				headers: { authorization: `TSA ${CUSTOMER}:${sig}` },
			}),
		).toEqual({ valid: true, customerId: CUSTOMER });
	});

	it('accepts X-TS-Authorization as a bare signature or as TSA id:sig', () => {
		expect(
			verifyCallbackSignature({
				apiKey: PY_KEY,
				rawBody: body,
				headers: { 'X-TS-Authorization': sig },
			}).valid,
		).toBe(true);
		expect(
			verifyCallbackSignature({
				apiKey: PY_KEY,
				rawBody: body,
				headers: { 'x-ts-authorization': `TSA ${CUSTOMER}:${sig}` },
			}).valid,
		).toBe(true);
	});

	it('rejects a missing, wrong or tampered signature and another customer', () => {
		expect(verifyCallbackSignature({ apiKey: PY_KEY, rawBody: body, headers: {} })).toEqual({
			valid: false,
			reason: 'missing_signature',
		});
		expect(
			verifyCallbackSignature({
				apiKey: PY_KEY,
				rawBody: body,
				headers: { authorization: 'Basic abc' },
			}),
		).toEqual({
			valid: false,
			reason: 'missing_signature',
		});
		expect(
			verifyCallbackSignature({
				apiKey: 'VGVzdCBLZXk=',
				rawBody: body,
				headers: { 'x-ts-authorization': sig },
			}),
		).toEqual({
			valid: false,
			reason: 'bad_signature',
		});
		expect(
			verifyCallbackSignature({
				apiKey: PY_KEY,
				rawBody: "{'test': 124}",
				headers: { 'x-ts-authorization': sig },
			}),
		).toEqual({
			valid: false,
			reason: 'bad_signature',
		});
		expect(
			verifyCallbackSignature({
				apiKey: PY_KEY,
				customerId: 'someone-else',
				rawBody: body,
				headers: { authorization: `TSA ${CUSTOMER}:${sig}` },
			}),
		).toEqual({ valid: false, reason: 'customer_mismatch' });
	});

	it('finds the signature source', () => {
		expect(extractCallbackSignature({ Authorization: `TSA abc:${sig}` })).toEqual({
			customerId: 'abc',
			signature: sig,
			source: 'authorization',
		});
		expect(extractCallbackSignature({ 'X-TS-Authorization': ['  ' + sig] })).toEqual({
			signature: sig,
			source: 'x-ts-authorization',
		});
	});
});

'use strict';
const {
	computeTsaSignature,
	buildTsaStringToSign,
	basicAuthHeader,
	signEventBody,
	verifyEventSignature,
	tsaHeaders,
} = require('./index');

const DATE = 'Wed, 14 Dec 2016 18:20:12 GMT';
const NONCE = 'A1592C6F-E384-4CDB-BC42-C3AB970369E9';
// The Python SDK test key is "EXAMPLE----TE8s…". Python's lenient base64 decoder drops only the '-'
// characters, so the key bytes are those of "EXAMPLETE8s…" (the letters of EXAMPLE are valid base64).
// Printed without "EXAMPLE", the key does NOT reproduce the published signatures; this key reproduces all of
// them (https://developer.telesign.com/enterprise/docs/authentication, https://developer.telesign.com/enterprise/docs/authenticate-callbacks).
const PY_KEY =
	'EXAMPLETE8sTgg45yusumoN6BYsBVkh+yRJ5czgsnCehZaOYldPJdmFh6NeX8kunZ2zU1YWaUw/0wV6xfw==';

describe('TSA signature vectors', () => {
	test('vector 1: node SDK, JSON body', () => {
		expect(
			computeTsaSignature('yourApiKey', {
				method: 'POST',
				contentType: 'application/json',
				date: DATE,
				nonce: NONCE,
				body: '{"key":"value"}',
				resource: '/v1/resource',
			}),
		).toBe('q5n15bclH8MY7OmbZnuVxwb9uivpmafJAlLcFnN/U8A=');
	});
	test('vector 2: node SDK, form body', () => {
		expect(
			computeTsaSignature('VGVzdCBLZXk=', {
				method: 'POST',
				contentType: 'application/x-www-form-urlencoded',
				date: DATE,
				nonce: NONCE,
				body: 'test=param',
				resource: '/v1/resource',
			}),
		).toBe('vXw/XzywdhgfEG2/zWLaFp7oXmjLB8iJDMndvDbZMjk=');
	});
	test('vector 3: Python SDK, form body', () => {
		expect(
			computeTsaSignature(PY_KEY, {
				method: 'POST',
				contentType: 'application/x-www-form-urlencoded',
				date: DATE,
				nonce: NONCE,
				body: 'test=param',
				resource: '/v1/resource',
			}),
		).toBe('2xVlmbrxLjYrrPun3G3WMNG6Jon4yKcTeOoK9DjXJ/Q=');
	});
	test('vector 4: Python SDK, GET', () => {
		expect(
			computeTsaSignature(PY_KEY, {
				method: 'GET',
				contentType: '',
				date: DATE,
				nonce: NONCE,
				resource: '/v1/resource',
			}),
		).toBe('aUm7I+9GKl3ww7PNeeJntCT0iS7b+EmRKEE4LnRzChQ=');
	});
	test('the key as printed in the shared doc (without EXAMPLE) does not reproduce vectors 3/4', () => {
		const docKey = 'TE8sTgg45yusumoN6BYsBVkh+yRJ5czgsnCehZaOYldPJdmFh6NeX8kunZ2zU1YWaUw/0wV6xfw==';
		expect(
			computeTsaSignature(docKey, {
				method: 'GET',
				contentType: '',
				date: DATE,
				nonce: NONCE,
				resource: '/v1/resource',
			}),
		).not.toBe('aUm7I+9GKl3ww7PNeeJntCT0iS7b+EmRKEE4LnRzChQ=');
	});
	test('string-to-sign layout (Date form, body, x-ts-date form)', () => {
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
				xTsDate: DATE,
				nonce: 'n',
				resource: '/v2/call_recording',
			}),
		).toBe(
			`GET\n\n\nx-ts-auth-method:HMAC-SHA256\nx-ts-date:${DATE}\nx-ts-nonce:n\n/v2/call_recording`,
		);
	});
	test('tsaHeaders produces a header that matches computeTsaSignature', () => {
		const h = tsaHeaders({
			customerId: 'C',
			apiKey: 'yourApiKey',
			method: 'POST',
			resource: '/v1/resource',
			body: '{"key":"value"}',
			date: DATE,
			nonce: NONCE,
		});
		expect(h.Authorization).toBe('TSA C:q5n15bclH8MY7OmbZnuVxwb9uivpmafJAlLcFnN/U8A=');
		expect(h['Content-Type']).toBe('application/json');
		expect(h['x-ts-nonce']).toBe(NONCE);
	});
});

describe('Basic', () => {
	test('node SDK vector', () => {
		expect(basicAuthHeader('yourCustomerId', 'yourApiKey')).toBe(
			'Basic eW91ckN1c3RvbWVySWQ6eW91ckFwaUtleQ==',
		);
	});
});

describe('callback signature', () => {
	test('Python SDK vector', () => {
		expect(signEventBody(PY_KEY, "{'test': 123}")).toBe(
			'B97g3N9lPdVaptvifxRau7bzVAC5hhRBZ6HKXABN744=',
		);
		expect(signEventBody(PY_KEY, Buffer.from("{'test': 123}"))).toBe(
			'B97g3N9lPdVaptvifxRau7bzVAC5hhRBZ6HKXABN744=',
		);
	});
	test('verifyEventSignature accepts TSA form and bare form, rejects tampering', () => {
		const body = '{"event":"call_completed"}';
		const sig = signEventBody(PY_KEY, body);
		expect(verifyEventSignature(PY_KEY, body, `TSA CID:${sig}`)).toBe(true);
		expect(verifyEventSignature(PY_KEY, body, sig)).toBe(true);
		expect(verifyEventSignature(PY_KEY, body + ' ', sig)).toBe(false);
		expect(verifyEventSignature('VGVzdCBLZXk=', body, sig)).toBe(false);
		expect(verifyEventSignature(PY_KEY, body, undefined)).toBe(false);
	});
});

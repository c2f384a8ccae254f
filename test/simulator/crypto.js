'use strict';
/**
 * Telesign signing primitives, written only from Telesign's published algorithms:
 * https://developer.telesign.com/enterprise/docs/authentication (requests) and https://developer.telesign.com/enterprise/docs/authenticate-callbacks (events).
 * The simulator uses these to verify requests made TO "Telesign" and to sign the events it
 * posts FROM "Telesign". Nothing here is shared with the package under test.
 */
const crypto = require('crypto');

/**
 * Decode a Telesign API key (it is base64 text) into HMAC key bytes.
 * @param {string} apiKey
 * @returns {Buffer}
 */
function decodeApiKey(apiKey) {
	return Buffer.from(String(apiKey), 'base64');
}

/**
 * TSA string-to-sign.
 * @param {object} p
 * @param {string} p.method HTTP method (upper-cased here)
 * @param {string} [p.contentType] exact Content-Type value; '' for GET/DELETE
 * @param {string} [p.date] Date header value; '' when x-ts-date is used instead
 * @param {string} [p.authMethod] x-ts-auth-method value (default HMAC-SHA256)
 * @param {string} [p.xTsDate] x-ts-date header value, only when that header is sent
 * @param {string} p.nonce x-ts-nonce value
 * @param {string|Buffer} [p.body] raw body, included only when non-empty
 * @param {string} p.resource path only, no host, no query
 * @returns {string}
 */
function buildTsaStringToSign(p) {
	const method = String(p.method || '').toUpperCase();
	let s = method;
	s += '\n' + (p.contentType || '');
	s += '\n' + (p.xTsDate ? '' : p.date || '');
	s += '\n' + 'x-ts-auth-method:' + (p.authMethod || 'HMAC-SHA256');
	if (p.xTsDate) s += '\n' + 'x-ts-date:' + p.xTsDate;
	s += '\n' + 'x-ts-nonce:' + p.nonce;
	const body =
		p.body == null ? '' : Buffer.isBuffer(p.body) ? p.body.toString('utf8') : String(p.body);
	if (body.length > 0) s += '\n' + body;
	s += '\n' + p.resource;
	return s;
}

/**
 * base64(HMAC-SHA256(base64decode(apiKey), utf8(data)))
 * @param {string} apiKey
 * @param {string|Buffer} data
 * @returns {string}
 */
function hmacBase64(apiKey, data) {
	return crypto.createHmac('sha256', decodeApiKey(apiKey)).update(data).digest('base64');
}

/**
 * TSA signature for a request.
 * @param {string} apiKey
 * @param {Parameters<typeof buildTsaStringToSign>[0]} parts
 */
function computeTsaSignature(apiKey, parts) {
	return hmacBase64(apiKey, Buffer.from(buildTsaStringToSign(parts), 'utf8'));
}

/**
 * Client-side helper (for tests / scripts): the headers a Telesign SDK would send for a TSA request.
 * @param {object} o
 * @param {string} o.customerId
 * @param {string} o.apiKey
 * @param {string} o.method
 * @param {string} o.resource
 * @param {string} [o.body]
 * @param {string} [o.contentType] default application/json for POST/PUT/PATCH, '' otherwise
 * @param {string} [o.date] default now (RFC 1123)
 * @param {string} [o.nonce] default random UUID
 * @param {boolean} [o.useXTsDate] send x-ts-date instead of Date
 * @returns {Record<string,string>}
 */
function tsaHeaders(o) {
	const method = String(o.method || 'POST').toUpperCase();
	const hasBodyMethod = method === 'POST' || method === 'PUT' || method === 'PATCH';
	const contentType =
		o.contentType !== undefined ? o.contentType : hasBodyMethod ? 'application/json' : '';
	const date = o.date || new Date().toUTCString();
	const nonce = o.nonce || crypto.randomUUID();
	const sig = computeTsaSignature(o.apiKey, {
		method,
		contentType: hasBodyMethod ? contentType : '',
		date: o.useXTsDate ? '' : date,
		xTsDate: o.useXTsDate ? date : undefined,
		nonce,
		body: o.body,
		resource: o.resource,
	});
	/** @type {Record<string,string>} */
	const h = {
		Authorization: `TSA ${o.customerId}:${sig}`,
		'x-ts-auth-method': 'HMAC-SHA256',
		'x-ts-nonce': nonce,
	};
	if (o.useXTsDate) h['x-ts-date'] = date;
	else h.Date = date;
	if (hasBodyMethod && contentType) h['Content-Type'] = contentType;
	return h;
}

/**
 * Basic header value.
 * @param {string} customerId
 * @param {string} apiKey
 */
function basicAuthHeader(customerId, apiKey) {
	return 'Basic ' + Buffer.from(`${customerId}:${apiKey}`, 'utf8').toString('base64');
}

/**
 * Callback signature: base64(HMAC-SHA256(base64decode(apiKey), raw body bytes)).
 * @param {string} apiKey
 * @param {string|Buffer} rawBody
 * @returns {string}
 */
function signEventBody(apiKey, rawBody) {
	return hmacBase64(
		apiKey,
		Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(String(rawBody), 'utf8'),
	);
}

/**
 * Constant-time comparison of two base64 strings.
 * @param {string} a
 * @param {string} b
 */
function safeEqual(a, b) {
	const ba = Buffer.from(String(a), 'utf8');
	const bb = Buffer.from(String(b), 'utf8');
	if (ba.length !== bb.length) {
		crypto.timingSafeEqual(ba, ba);
		return false;
	}
	return crypto.timingSafeEqual(ba, bb);
}

/**
 * Verify a callback as a receiver would (used by the simulator's own tests and available to users).
 * Accepts `TSA <cid>:<sig>` or a bare signature.
 * @param {string} apiKey
 * @param {string|Buffer} rawBody
 * @param {string|undefined} headerValue
 */
function verifyEventSignature(apiKey, rawBody, headerValue) {
	if (!headerValue) return false;
	const v = String(headerValue).trim();
	const i = v.lastIndexOf(':');
	const sig = i >= 0 ? v.slice(i + 1) : v.replace(/^TSA\s+/i, '');
	return safeEqual(sig.trim(), signEventBody(apiKey, rawBody));
}

module.exports = {
	decodeApiKey,
	buildTsaStringToSign,
	computeTsaSignature,
	tsaHeaders,
	basicAuthHeader,
	signEventBody,
	verifyEventSignature,
	safeEqual,
};

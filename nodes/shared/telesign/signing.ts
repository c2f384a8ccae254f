/**
 * Telesign request signing and callback verification: the only place that knows these algorithms.
 *
 * - Outbound "Digest" auth is Telesign's TSA scheme (HMAC-SHA256 over method, content type, date, x-ts-*
 *   headers, body and resource path), as implemented by Telesign's official SDKs.
 * - Callbacks (events) from Telesign carry an HMAC-SHA256 of the raw request body, keyed with the
 *   base64-decoded API key, in `Authorization: TSA <customer_id>:<sig>` and/or `X-TS-Authorization`.
 *
 * Pure functions only (no n8n imports), so they are unit-tested against the published SDK vectors.
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'crypto';

export const TSA_AUTH_METHOD = 'HMAC-SHA256';

export interface TsaStringToSignInput {
	method: string;
	/** Exact Content-Type header value sent ("" for requests without a body, e.g. GET / DELETE). */
	contentType: string;
	/** Value of the Date header; "" when an x-ts-date header is sent instead. */
	date: string;
	nonce: string;
	/** Exact body string sent ("" when there is none). */
	body: string;
	/** Path only, e.g. "/v2/voice" (no host, no query string). */
	resource: string;
	/** Value of the x-ts-date header, when that header is used instead of Date. */
	xTsDate?: string;
	authMethod?: string;
}

/** Decodes an API key as Telesign does: the key is base64 text of the HMAC secret. */
export function decodeApiKey(apiKey: string): Buffer {
	const key = Buffer.from(apiKey.trim(), 'base64');
	if (key.length === 0) {
		throw new Error(
			'The API key is empty or is not base64 text. Copy it again from the Telesign portal.',
		);
	}
	return key;
}

export function buildTsaStringToSign(input: TsaStringToSignInput): string {
	const lines = [
		input.method.toUpperCase(),
		input.contentType,
		input.date,
		`x-ts-auth-method:${input.authMethod ?? TSA_AUTH_METHOD}`,
	];
	if (input.xTsDate !== undefined) lines.push(`x-ts-date:${input.xTsDate}`);
	lines.push(`x-ts-nonce:${input.nonce}`);
	if (input.body !== '') lines.push(input.body);
	lines.push(input.resource);
	return lines.join('\n');
}

function hmacBase64(apiKey: string, message: string | Buffer): string {
	return createHmac('sha256', decodeApiKey(apiKey)).update(message).digest('base64');
}

export function computeTsaSignature(apiKey: string, input: TsaStringToSignInput): string {
	return hmacBase64(apiKey, Buffer.from(buildTsaStringToSign(input), 'utf8'));
}

export function buildTsaAuthorization(
	customerId: string,
	apiKey: string,
	input: TsaStringToSignInput,
): string {
	return `TSA ${customerId}:${computeTsaSignature(apiKey, input)}`;
}

export function buildBasicAuthorization(customerId: string, apiKey: string): string {
	return `Basic ${Buffer.from(`${customerId}:${apiKey}`, 'utf8').toString('base64')}`;
}

export interface TsaRequestToSign {
	method: string;
	contentType: string;
	body: string;
	resource: string;
	/** Injected for tests; defaults to now and a fresh UUID v4. */
	now?: Date;
	nonce?: string;
}

/** The headers to add to one request signed with TSA; Date and nonce are fresh for every request. */
export function buildTsaHeaders(
	customerId: string,
	apiKey: string,
	request: TsaRequestToSign,
): Record<string, string> {
	const date = (request.now ?? new Date()).toUTCString();
	const nonce = request.nonce ?? randomUUID();
	const authorization = buildTsaAuthorization(customerId, apiKey, {
		method: request.method,
		contentType: request.contentType,
		date,
		nonce,
		body: request.body,
		resource: request.resource,
	});
	return {
		Authorization: authorization,
		Date: date,
		'x-ts-auth-method': TSA_AUTH_METHOD,
		'x-ts-nonce': nonce,
	};
}

/** Expected signature of a callback: base64(HMAC-SHA256(base64decode(apiKey), rawBody)). */
export function computeCallbackSignature(apiKey: string, rawBody: Buffer | string): string {
	return hmacBase64(apiKey, typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody);
}

export interface CallbackSignatureHeader {
	/** Customer ID carried by `Authorization: TSA <id>:<sig>`, when that header was used. */
	customerId?: string;
	signature: string;
	source: 'authorization' | 'x-ts-authorization';
}

export type HeaderBag = Record<string, string | string[] | undefined>;

/** The keys a header is stored under in a header object (HTTP header names are case-insensitive). */
export function headerKeys(headers: object, name: string): string[] {
	const wanted = name.toLowerCase();
	return Object.keys(headers).filter((key) => key.toLowerCase() === wanted);
}

/** The value of a header as it is stored (string, list or number), under the first key that matches. */
export function rawHeaderValue(headers: Record<string, unknown>, name: string): unknown {
	const key = headerKeys(headers, name)[0];
	return key === undefined ? undefined : headers[key];
}

/** The first non-empty value of a header, matched case-insensitively and trimmed. */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
	for (const key of headerKeys(headers, name)) {
		const value = headers[key];
		const single = Array.isArray(value) ? value[0] : value;
		if (typeof single === 'string' && single.trim() !== '') return single.trim();
	}
	return undefined;
}

/**
 * Finds the callback signature in the request headers. `Authorization: TSA <customer_id>:<sig>` is preferred
 * (it also names the customer); `X-TS-Authorization` is read as the text after its last ":" (base64 never
 * contains ":"), which accepts both the bare signature and a "TSA id:sig" form.
 * Returns undefined when neither header carries a signature, or the Authorization header is not TSA.
 */
export function extractCallbackSignature(headers: HeaderBag): CallbackSignatureHeader | undefined {
	const authorization = headerValue(headers, 'authorization');
	if (authorization !== undefined) {
		const match = /^TSA\s+([^:\s]+):(\S+)$/i.exec(authorization);
		if (match) return { customerId: match[1], signature: match[2], source: 'authorization' };
	}
	const xts = headerValue(headers, 'x-ts-authorization');
	if (xts !== undefined) {
		const signature = xts.slice(xts.lastIndexOf(':') + 1).trim();
		if (signature !== '') return { signature, source: 'x-ts-authorization' };
	}
	return undefined;
}

/**
 * Constant-time comparison of two secrets of any length: both sides are hashed first, so neither the
 * content nor the length of the expected value leaks through timing.
 */
export function safeEqualSecret(expected: string, received: string): boolean {
	const a = createHash('sha256').update(expected, 'utf8').digest();
	const b = createHash('sha256').update(received, 'utf8').digest();
	return timingSafeEqual(a, b);
}

export type CallbackVerification =
	| { valid: true; customerId?: string }
	| { valid: false; reason: 'missing_signature' | 'customer_mismatch' | 'bad_signature' };

/**
 * Verifies that a callback really comes from Telesign: the signature over the exact raw body bytes must
 * match, and when the Authorization header names a customer it must be ours.
 */
export function verifyCallbackSignature(params: {
	apiKey: string;
	customerId?: string;
	rawBody: Buffer | string;
	headers: HeaderBag;
}): CallbackVerification {
	const found = extractCallbackSignature(params.headers);
	if (!found) return { valid: false, reason: 'missing_signature' };
	if (
		found.customerId !== undefined &&
		params.customerId !== undefined &&
		params.customerId.trim() !== '' &&
		found.customerId.toLowerCase() !== params.customerId.trim().toLowerCase()
	) {
		return { valid: false, reason: 'customer_mismatch' };
	}
	const expected = computeCallbackSignature(params.apiKey, params.rawBody);
	if (!safeEqualSecret(expected, found.signature)) return { valid: false, reason: 'bad_signature' };
	return { valid: true, customerId: found.customerId };
}

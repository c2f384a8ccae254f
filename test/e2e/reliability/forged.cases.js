'use strict';
/**
 * The forged and malformed requests of category 2 (2-forged.e2e.test.js), per authentication of the trigger.
 * Each builder gets the trigger's URL and the senders, and returns {forged: [{name, status, send, also?}],
 * genuine(ref)}: every forged request must be rejected with one of `status`, the genuine event answered.
 */
const crypto = require('crypto');
const { CALLER_ID } = require('../harness/reliability');
const {
	digestNonceSecret,
	mintDigestNonce,
	parseDigestChallenges,
	digestAuthorization,
} = require('../harness/digest');
const { signEventBody } = require('../../simulator');

const REJECT_AUTH = [401];
const REJECT_BODY = [400, 413, 422];
const REJECT_METHOD = [404, 405];

function eventJson(ref, extra = {}) {
	return JSON.stringify({
		event: 'dial_completed',
		reference_id: ref,
		data: { to: '15551230001', from: CALLER_ID, status: 'answered' },
		...extra,
	});
}

const basicHeader = (user, password) => ({
	Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

/** Telesign signature (HMAC of the body). */
function signatureCases({ url: U, post, request, secrets }) {
	const key = secrets.account.apiKey;
	const cid = secrets.account.customerId;
	const sigHeaders = (sig) => ({ Authorization: `TSA ${cid}:${sig}`, 'X-TS-Authorization': sig });
	const body = eventJson('FORGED-SIG');
	const oneByteChanged = body.replace('answered', 'answerEd');
	const bigBody = eventJson('FORGED-BIG', { padding: 'x'.repeat(100 * 1024) });
	const rawKeyHmac = crypto.createHmac('sha256', key).update(body).digest('base64');
	const signed = { apiKey: key, customerId: cid };
	const forged = [
		{ name: 'no signature headers', status: REJECT_AUTH, send: () => post(U, body) },
		{
			name: 'signed with a wrong API key',
			status: REJECT_AUTH,
			send: () => post(U, body, { apiKey: secrets.wrongKey, customerId: cid }),
		},
		{
			name: 'right signature but another customer ID in Authorization',
			status: REJECT_AUTH,
			send: () => post(U, body, { apiKey: key, customerId: 'OTHER-CUSTOMER-0000' }),
		},
		{
			name: 'one byte of the body changed after signing',
			status: REJECT_AUTH,
			send: () => post(U, oneByteChanged, { headers: sigHeaders(signEventBody(key, body)) }),
		},
		{
			name: 'valid signature of a different body',
			status: REJECT_AUTH,
			send: () =>
				post(U, body, { headers: sigHeaders(signEventBody(key, eventJson('OTHER-BODY'))) }),
		},
		{
			name: 'HMAC keyed with the API key text (not base64-decoded)',
			status: REJECT_AUTH,
			send: () => post(U, body, { headers: sigHeaders(rawKeyHmac) }),
		},
		{
			name: 'X-TS-Authorization only, wrong signature',
			status: REJECT_AUTH,
			send: () =>
				post(U, body, { headers: { 'X-TS-Authorization': Buffer.alloc(32).toString('base64') } }),
		},
		{
			name: '"TSA <customer>:" with an empty signature',
			status: REJECT_AUTH,
			send: () => post(U, body, { headers: { Authorization: `TSA ${cid}:` } }),
		},
		{
			name: 'Basic credentials instead of a signature',
			status: REJECT_AUTH,
			send: () => post(U, body, { headers: basicHeader(cid, secrets.wrongKey) }),
		},
		{
			name: 'signature sent twice for another body (replayed header)',
			status: REJECT_AUTH,
			send: () => post(U, eventJson('REPLAYED'), { headers: sigHeaders(signEventBody(key, body)) }),
		},
		{ name: 'empty body, unsigned', status: REJECT_AUTH, send: () => post(U, '') },
		{ name: 'empty body, correctly signed', status: REJECT_BODY, send: () => post(U, '', signed) },
		{
			name: 'non-JSON body (application/json), signed',
			status: REJECT_BODY,
			send: () => post(U, 'event=dial_completed&x=1', signed),
		},
		{
			name: 'non-JSON body (text/plain), signed',
			status: REJECT_BODY,
			send: () =>
				post(U, 'not json at all', { ...signed, headers: { 'Content-Type': 'text/plain' } }),
		},
		{ name: 'JSON array, signed', status: REJECT_BODY, send: () => post(U, `[${body}]`, signed) },
		{ name: 'JSON null, signed', status: REJECT_BODY, send: () => post(U, 'null', signed) },
		{
			name: 'JSON object without "event", signed',
			status: REJECT_BODY,
			send: () => post(U, JSON.stringify({ reference_id: 'NO-EVENT', data: {} }), signed),
		},
		{
			name: '"event" not a string, signed',
			status: REJECT_BODY,
			send: () => post(U, JSON.stringify({ event: 42, reference_id: 'NUM-EVENT' }), signed),
		},
		{
			name: 'oversized body (100 KB), signed',
			status: REJECT_BODY,
			send: () => post(U, bigBody, signed),
		},
		{ name: 'wrong method GET', status: REJECT_METHOD, send: () => request('GET', U) },
		{
			name: 'wrong method PUT, signed',
			status: REJECT_METHOD,
			send: () =>
				request('PUT', U, body, {
					'Content-Type': 'application/json',
					...sigHeaders(signEventBody(key, body)),
				}),
		},
	];
	return { forged, genuine: (ref) => post(U, eventJson(ref), signed) };
}

/** Basic auth (the webhook credential's user and password). */
function basicCases({ url: B, post, request, secrets, webhookUser }) {
	const body = eventJson('FORGED-SIG');
	const password = secrets.webhookPassword;
	const good = basicHeader(webhookUser, password);
	const forged = [
		{
			name: 'no Authorization',
			status: REJECT_AUTH,
			send: () => post(B, body),
			also: (res) => expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/),
		},
		{
			name: 'wrong password',
			status: REJECT_AUTH,
			send: () => post(B, body, { headers: basicHeader(webhookUser, `${password}x`) }),
		},
		{
			name: 'password in other letter case',
			status: REJECT_AUTH,
			send: () => post(B, body, { headers: basicHeader(webhookUser, password.toUpperCase()) }),
		},
		{
			name: 'wrong user, right password',
			status: REJECT_AUTH,
			send: () => post(B, body, { headers: basicHeader('someone-else', password) }),
		},
		{
			name: 'empty password',
			status: REJECT_AUTH,
			send: () => post(B, body, { headers: basicHeader(webhookUser, '') }),
		},
		{
			name: 'malformed Basic token',
			status: REJECT_AUTH,
			send: () => post(B, body, { headers: { Authorization: 'Basic !!!not-base64!!!' } }),
		},
		{
			name: 'Bearer token instead of Basic',
			status: REJECT_AUTH,
			send: () =>
				post(B, body, {
					headers: { Authorization: `Bearer ${crypto.randomBytes(16).toString('hex')}` },
				}),
		},
		{
			name: 'a valid Telesign signature instead of Basic',
			status: REJECT_AUTH,
			send: () =>
				post(B, body, { apiKey: secrets.account.apiKey, customerId: secrets.account.customerId }),
		},
		{
			name: 'authenticated, but the body is not JSON',
			status: REJECT_BODY,
			send: () => post(B, 'garbage', { headers: { ...good, 'Content-Type': 'text/plain' } }),
		},
		{
			name: 'authenticated, but no "event"',
			status: REJECT_BODY,
			send: () => post(B, '{"reference_id":"x"}', { headers: good }),
		},
		{
			name: 'authenticated, wrong method GET',
			status: REJECT_METHOD,
			send: () => request('GET', B, undefined, good),
		},
	];
	return { forged, genuine: (ref) => post(B, eventJson(ref), { headers: good }) };
}

/** A sender of Digest-authenticated requests to the trigger at `url`: a fresh challenge unless a nonce is given. */
function digestClient({ url, post, user, password }) {
	const body = eventJson('FORGED-SIG');
	const challenge = async () => {
		const res = await post(url, body);
		const sha = parseDigestChallenges(res.headers['www-authenticate']).find(
			(c) => c.algorithm === 'SHA-256',
		);
		if (!sha)
			throw new Error(
				`no SHA-256 Digest challenge: ${JSON.stringify(res.headers['www-authenticate'])}`,
			);
		return sha;
	};
	return async (overrides = {}, bodyText = body) => {
		const nonce = overrides.nonce ?? (await challenge()).nonce;
		const header = digestAuthorization({
			user,
			password,
			realm: 'Telesign Voice',
			uri: new URL(url).pathname,
			nonce,
			...overrides,
		});
		return post(url, bodyText, { headers: { Authorization: header } });
	};
}

/** Digest auth (RFC 7616, stateless nonces). */
function digestCases({ url: D, post, secrets, webhookUser, webhookId }) {
	const body = eventJson('FORGED-SIG');
	const user = webhookUser;
	const password = secrets.webhookPassword;
	const withDigest = digestClient({ url: D, post, user, password });
	const secret = digestNonceSecret({ user, password, webhookId });
	const otherTrigger = () => digestNonceSecret({ user, password, webhookId: crypto.randomUUID() });
	const forged = [
		{
			name: 'no Authorization (challenge offers SHA-256 and MD5)',
			status: REJECT_AUTH,
			send: () => post(D, body),
			also: (res) =>
				expect(
					parseDigestChallenges(res.headers['www-authenticate']).map((c) => c.algorithm),
				).toEqual(['SHA-256', 'MD5']),
		},
		{
			name: 'wrong password (fresh nonce)',
			status: REJECT_AUTH,
			send: () => withDigest({ password: `${password}x` }),
		},
		{
			name: 'wrong password, MD5',
			status: REJECT_AUTH,
			send: () => withDigest({ password: 'not-the-password-123', algorithm: 'MD5' }),
		},
		{
			name: 'replay of a nonce past its lifetime (issued 10 min ago), right password',
			status: REJECT_AUTH,
			send: () => withDigest({ nonce: mintDigestNonce(secret, Date.now() - 10 * 60_000) }),
			also: (res) =>
				expect(parseDigestChallenges(res.headers['www-authenticate'])[0].stale).toBe('true'),
		},
		{
			name: 'nonce stamped 10 min in the future',
			status: REJECT_AUTH,
			send: () => withDigest({ nonce: mintDigestNonce(secret, Date.now() + 10 * 60_000) }),
		},
		{
			name: 'nonce issued by another trigger (other webhook id)',
			status: REJECT_AUTH,
			send: () => withDigest({ nonce: mintDigestNonce(otherTrigger(), Date.now()) }),
		},
		{
			name: 'forged random nonce',
			status: REJECT_AUTH,
			send: () => withDigest({ nonce: crypto.randomBytes(48).toString('base64url') }),
		},
		{
			name: 'uri of another webhook',
			status: REJECT_AUTH,
			send: () => withDigest({ uri: `/webhook/${crypto.randomUUID()}/telesign-voice` }),
		},
		{ name: 'wrong realm', status: REJECT_AUTH, send: () => withDigest({ realm: 'Other Realm' }) },
		{
			name: 'Basic credentials sent to the Digest trigger',
			status: REJECT_AUTH,
			send: () => post(D, body, { headers: basicHeader(user, password) }),
		},
		{
			name: 'authenticated, but the body is a JSON array',
			status: REJECT_BODY,
			send: () => withDigest({}, `[${body}]`),
		},
	];
	return { forged, genuine: (ref) => withDigest({}, eventJson(ref)) };
}

module.exports = { signatureCases, basicCases, digestCases };

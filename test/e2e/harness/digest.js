'use strict';
/**
 * An independent client side of HTTP Digest (RFC 7616, qop=auth) and of the trigger's stateless Digest nonces,
 * used by the e2e and queue suites to authenticate to (and forge requests against) a Digest-protected trigger.
 *
 * The nonce part lets a test mint a nonce that is *older than its lifetime* without waiting 5 minutes. It mirrors
 * what nodes/shared/telesign/webhookAuth.ts documents: secret = HMAC-SHA256(key = webhook password,
 * "telesign-voice-digest-nonce:v1\n<user>\n<webhookId>/telesign-voice"); nonce = base64url("<unix ms>:<random
 * hex>:<base64url HMAC-SHA256(secret, "<unix ms>:<random hex>")>"). Only someone who knows the webhook password
 * can do this — the test plays Telesign replaying an old challenge, which the trigger must refuse as stale.
 */
const crypto = require('crypto');

function base64url(data) {
	return Buffer.from(data)
		.toString('base64')
		.replace(/\+/g, '-')
		.replace(/\//g, '_')
		.replace(/=+$/, '');
}

function digestNonceSecret({ user, password, webhookId, webhookPath = 'telesign-voice' }) {
	return crypto
		.createHmac('sha256', password)
		.update(`telesign-voice-digest-nonce:v1\n${user}\n${webhookId}/${webhookPath}`, 'utf8')
		.digest();
}

function mintDigestNonce(secret, issuedAtMs, random = crypto.randomBytes(12).toString('hex')) {
	const stamp = String(Math.floor(issuedAtMs));
	const mac = base64url(
		crypto.createHmac('sha256', secret).update(`${stamp}:${random}`, 'utf8').digest(),
	);
	return base64url(`${stamp}:${random}:${mac}`);
}

/** The challenges of a 401 (one WWW-Authenticate header per algorithm), parsed. */
function parseDigestChallenges(header) {
	// Several WWW-Authenticate headers may arrive joined into one value (Node joins repeated headers with ", ").
	const values = (Array.isArray(header) ? header : header ? [header] : []).flatMap((v) =>
		v.split(/,\s*(?=Digest\s)/i),
	);
	return values
		.filter((v) => /^Digest\s/i.test(v))
		.map((v) => {
			const params = {};
			for (const m of v.replace(/^Digest\s+/i, '').matchAll(/([a-z]+)=("([^"]*)"|[^,\s]+)/gi)) {
				params[m[1].toLowerCase()] = m[3] !== undefined ? m[3] : m[2];
			}
			return params;
		});
}

function digestHash(algorithm, text) {
	return crypto
		.createHash(algorithm === 'MD5' ? 'md5' : 'sha256')
		.update(text, 'utf8')
		.digest('hex');
}

/** `Authorization: Digest …` for one request (RFC 7616, qop=auth). */
function digestAuthorization({
	user,
	password,
	realm,
	nonce,
	method = 'POST',
	uri,
	algorithm = 'SHA-256',
	nc = '00000001',
	cnonce,
}) {
	const cn = cnonce || crypto.randomBytes(8).toString('hex');
	const ha1 = digestHash(algorithm, `${user}:${realm}:${password}`);
	const ha2 = digestHash(algorithm, `${method}:${uri}`);
	const response = digestHash(algorithm, [ha1, nonce, nc, cn, 'auth', ha2].join(':'));
	return `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", algorithm=${algorithm}, qop=auth, nc=${nc}, cnonce="${cn}", response="${response}"`;
}

module.exports = { digestNonceSecret, mintDigestNonce, parseDigestChallenges, digestAuthorization };

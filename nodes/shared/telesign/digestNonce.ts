/**
 * Stateless Digest nonces for the trigger's Digest Auth (RFC 7616): a nonce carries its creation time and an
 * HMAC over it, keyed with a secret every n8n process derives the same way, so any process can check a nonce
 * another one issued and nothing is stored between requests.
 */
import { createHmac, randomBytes } from 'crypto';

import { safeEqualSecret } from './signing';

/** How long a Digest nonce is accepted after it was issued. */
export const DIGEST_NONCE_LIFETIME_MS = 300_000;

/** Nonces stamped this far in the future are still accepted (clock drift between n8n processes). */
export const DIGEST_CLOCK_SKEW_MS = 30_000;

function base64url(data: Buffer | string): string {
	return Buffer.from(data).toString('base64url');
}

function fromBase64url(text: string): string | undefined {
	return /^[A-Za-z0-9_-]+$/.test(text)
		? Buffer.from(text, 'base64url').toString('utf8')
		: undefined;
}

/**
 * The key for signing nonces: the same in every n8n process serving this webhook (derived from the
 * credential and the webhook's identity), unknown to anyone without the password, and different per webhook.
 */
export function deriveDigestNonceSecret(params: {
	user: string;
	password: string;
	scope: string;
}): Buffer {
	return createHmac('sha256', params.password)
		.update(`telesign-voice-digest-nonce:v1\n${params.user}\n${params.scope}`, 'utf8')
		.digest();
}

function nonceMac(secret: Buffer, stamp: string, random: string): string {
	return base64url(createHmac('sha256', secret).update(`${stamp}:${random}`, 'utf8').digest());
}

/** A nonce = base64url("<unix-ms>:<random hex>:<base64url HMAC-SHA256(secret, unix-ms:random)>"). */
export function createDigestNonce(
	secret: Buffer,
	nowMs: number,
	random = randomBytes(12).toString('hex'),
): string {
	const stamp = String(Math.floor(nowMs));
	return base64url(`${stamp}:${random}:${nonceMac(secret, stamp, random)}`);
}

export type NonceCheck = 'valid' | 'stale' | 'invalid';

/** Whether a nonce was issued with this secret ("invalid" if not) and is still within its lifetime. */
export function checkDigestNonce(
	secret: Buffer,
	nonce: string,
	nowMs: number,
	lifetimeMs = DIGEST_NONCE_LIFETIME_MS,
): NonceCheck {
	const decoded = fromBase64url(nonce);
	if (decoded === undefined) return 'invalid';
	const parts = decoded.split(':');
	if (parts.length !== 3) return 'invalid';
	const [stamp, random, mac] = parts;
	if (!/^\d{1,16}$/.test(stamp) || !/^[0-9a-f]{8,64}$/.test(random)) return 'invalid';
	if (!safeEqualSecret(nonceMac(secret, stamp, random), mac)) return 'invalid';
	const issued = Number(stamp);
	if (issued - nowMs > DIGEST_CLOCK_SKEW_MS) return 'invalid';
	if (nowMs - issued > lifetimeMs) return 'stale';
	return 'valid';
}

/**
 * Keeps the decrypted values of a credential in this process's memory for a short time, so a webhook request
 * does not pay for `getCredentials()` each time: n8n ≥ 2.41 resolves a credential's defaults and overwrites in an
 * expression isolate of its own, which costs as much CPU as the rest of the webhook phase. Used where a request
 * is checked with a secret: the trigger (Telesign's signature, Basic, Digest) and Call and Wait's waiting node
 * (the relay signature, keyed from the API key).
 *
 * Security reasoning:
 * - What stays in memory: the decrypted data of one credential (API key / webhook password) per credential
 *   ID, in this n8n process only, never written anywhere and never logged. At most MAX_ENTRIES credentials.
 * - For how long: CACHE_TTL_MS from the moment it was read from n8n (a hit does not extend it). After that
 *   the next event reads the credential again.
 * - Rotation: a request that fails verification with cached values — and whose failure a different stored
 *   value could turn into a pass (a wrong signature, customer ID, user/password or Digest nonce) — makes the
 *   trigger read the credential again and verify once more before rejecting. A request signed with a newly
 *   saved key or password is therefore never refused because of the cache.
 * - Revocation: a key or password that was replaced in n8n is still accepted for at most CACHE_TTL_MS after
 *   this process last read it (in each process). That is the window a leaked, already-rotated secret keeps.
 * - What a forged request costs: one credential read and a second HMAC/digest comparison — what every event
 *   cost before this cache existed. A request that presents no credentials at all (or an unparsable one)
 *   costs no read, since no stored value could accept it; the Digest challenge is issued from cached values.
 */
import type { ICredentialDataDecryptedObject, INode } from 'n8n-workflow';

/** How long read values are trusted without asking n8n again. */
export const CREDENTIAL_CACHE_TTL_MS = 60_000;
const MAX_ENTRIES = 100;

/**
 * Failure reasons a different stored credential could turn into a pass: only these re-read the credential
 * (Telesign's and the Call and Wait relay's `bad_signature` included).
 */
const CREDENTIAL_DEPENDENT_REASONS = new Set([
	'bad_signature',
	'customer_mismatch',
	'wrong_credentials',
	'bad_nonce',
]);

interface Entry {
	data: ICredentialDataDecryptedObject;
	expiresAt: number;
}

const entries = new Map<string, Entry>();

/** A verification outcome; a rejection names its reason (the reasons of signing.ts and webhookAuth.ts). */
export interface Verification {
	valid: boolean;
	reason?: string;
}

/** What the cache needs from n8n's webhook context (IWebhookFunctions has both). */
export interface CredentialSource {
	getNode(): INode;
	getCredentials<T extends object = ICredentialDataDecryptedObject>(type: string): Promise<T>;
}

function cacheKey(node: INode, type: string): string | undefined {
	const id = node.credentials?.[type]?.id;
	return typeof id === 'string' && id !== '' ? `${type}:${id}` : undefined;
}

function remember(key: string, data: ICredentialDataDecryptedObject, nowMs: number): void {
	entries.delete(key);
	// Map keeps insertion order: the first key is the oldest read.
	if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
	entries.set(key, { data, expiresAt: nowMs + CREDENTIAL_CACHE_TTL_MS });
}

/**
 * Runs `verify` with the credential's values — cached ones when fresh — and, if cached values reject the
 * request for a credential-dependent reason, once more with values read from n8n now. An error thrown by
 * `verify` (an unusable credential) is not cached and propagates.
 */
export async function verifyWithCredential<R extends Verification>(
	source: CredentialSource,
	type: string,
	verify: (data: ICredentialDataDecryptedObject) => R,
	nowMs = Date.now(),
): Promise<R> {
	const key = cacheKey(source.getNode(), type);
	const cached = key === undefined ? undefined : entries.get(key);
	if (cached !== undefined && cached.expiresAt > nowMs) {
		const result = verify(cached.data);
		if (result.valid || !CREDENTIAL_DEPENDENT_REASONS.has(result.reason ?? '')) return result;
	}
	const data = await source.getCredentials<ICredentialDataDecryptedObject>(type);
	const result = verify(data);
	if (key !== undefined) remember(key, data, nowMs);
	return result;
}

/**
 * The credential's values without a check to run: the cached ones when fresh, else read now (and kept). For work
 * that follows a verification of the same request (the Call and Wait relay signs with the key that verified it).
 */
export async function credentialValues(
	source: CredentialSource,
	type: string,
	nowMs = Date.now(),
): Promise<ICredentialDataDecryptedObject> {
	const key = cacheKey(source.getNode(), type);
	const cached = key === undefined ? undefined : entries.get(key);
	if (cached !== undefined && cached.expiresAt > nowMs) return cached.data;
	const data = await source.getCredentials<ICredentialDataDecryptedObject>(type);
	if (key !== undefined) remember(key, data, nowMs);
	return data;
}

/** Forgets every cached value (tests; a process that wants to drop secrets early). */
export function clearCredentialCache(): void {
	entries.clear();
}

/**
 * The waiting node's side of the relay: a request to the resume URL is obeyed only when the Telesign Voice
 * Trigger relayed it (relay signature made with the account's API key, at most RELAY_MAX_AGE_MS old, never seen
 * before by this process), and only for an event of a call this very node placed; the answer is signed back.
 */
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import type { CredentialSource } from '../credentialCache';
import { credentialValues, verifyWithCredential } from '../credentialCache';
import { TELESIGN_CREDENTIAL, readCredentials } from '../telesign/credentials';
import type { HeaderBag } from '../telesign/signing';
import { headerValue } from '../telesign/signing';
import type { RelayKind, RelayVerification, WaitMarker } from './protocol';
import {
	RELAY_MAX_AGE_MS,
	RELAY_SIGNATURE_HEADER,
	deriveRelayKey,
	signRelay,
	verifyRelayHeaders,
} from './protocol';

/**
 * Relay signatures this process has obeyed, with when they stop being valid anyway. A signature covers a
 * timestamp and the exact bytes, so a second request with the same one is a replay (a retry of the trigger makes
 * a new signature). Other processes do not see this set: there a replay inside the window is possible, and
 * harmless, since a repeated event gets the answer it got before (see the webhook's idempotent steps).
 */
const seenRelays = new Map<string, number>();
const MAX_SEEN_RELAYS = 100_000;

function sweepSeen(nowMs: number): void {
	for (const [signature, expiresMs] of seenRelays) {
		if (expiresMs > nowMs && seenRelays.size <= MAX_SEEN_RELAYS) break; // insertion order ≈ expiry order
		seenRelays.delete(signature);
	}
}

/** True the first time a relay signature is seen in its window, false for a replay. */
function firstSight(signature: string, nowMs: number): boolean {
	sweepSeen(nowMs);
	if (seenRelays.has(signature)) return false;
	seenRelays.set(signature, nowMs + 2 * RELAY_MAX_AGE_MS); // the window is ± RELAY_MAX_AGE_MS around its timestamp
	return true;
}

export type RelayCheck =
	| { ok: true; key: Buffer; kind: 'event' | 'timeLimit' }
	| { ok: false; reason: string };

/**
 * Checks the relay signature with the node's Telesign credential — the values this process read within the last
 * minute when fresh (credentialCache.ts: n8n reads a credential in an expression isolate of its own) — and
 * returns the relay key that passed, to sign the answer with.
 */
export async function verifyRelayedRequest(
	context: IWebhookFunctions,
	raw: Buffer,
	nowMs: number,
): Promise<RelayCheck> {
	const headers = (context.getRequestObject().headers ?? {}) as HeaderBag;
	let key: Buffer | undefined;
	let kind: 'event' | 'timeLimit' = 'event';
	const verification = await verifyWithCredential(context, TELESIGN_CREDENTIAL, (data) => {
		const credentials = readCredentials(data);
		key = deriveRelayKey(credentials.apiKey, credentials.customerId);
		const check = (k: RelayKind): RelayVerification =>
			verifyRelayHeaders({ key: key as Buffer, kind: k, body: raw, headers, nowMs });
		let result = check('event');
		kind = 'event';
		if (!result.valid && result.reason === 'bad_signature' && check('timeLimit').valid) {
			result = { valid: true };
			kind = 'timeLimit';
		}
		return result;
	});
	if (!verification.valid || key === undefined)
		return { ok: false, reason: verification.valid ? 'no key' : verification.reason };
	if (!firstSight(headerValue(headers, RELAY_SIGNATURE_HEADER) ?? '', nowMs))
		return { ok: false, reason: 'replayed' };
	return { ok: true, key, kind };
}

/** The relay key of the node's Telesign credential (to sign a request this node sends itself). */
export async function relayKeyFor(context: CredentialSource): Promise<Buffer> {
	const credentials = readCredentials(await credentialValues(context, TELESIGN_CREDENTIAL));
	return deriveRelayKey(credentials.apiKey, credentials.customerId);
}

/** Whether the marker names this node and this resume URL (its signature is the execution's token). */
export function markerTargetsThisNode(context: IWebhookFunctions, marker: WaitMarker): boolean {
	if (marker.nodeId !== context.getNode().id) return false;
	const query = context.getQueryData() as IDataObject;
	return (
		typeof query.signature === 'string' &&
		query.signature.toLowerCase() === marker.signature.toLowerCase()
	);
}

/** Answers the trigger with the call's next action (null: none), signed so the trigger can trust it. */
export function sendSignedAnswer(
	context: IWebhookFunctions,
	key: Buffer,
	action: IDataObject | null,
): void {
	const answer = Buffer.from(JSON.stringify({ action }), 'utf8');
	const res = context.getResponseObject();
	for (const [name, value] of Object.entries(signRelay(key, 'answer', answer, Date.now())))
		res.setHeader(name, value);
	res.status(200).type('application/json').send(answer);
}

/** Forgets every relay signature seen (tests). */
export function clearSeenRelays(): void {
	seenRelays.clear();
}

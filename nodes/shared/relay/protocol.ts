/**
 * The relay protocol of Call → Call and Wait for Response: how an event of a waiting call finds its waiting
 * execution, and how the relay from the Telesign Voice Trigger to that execution is authenticated. Pure (Node's
 * crypto only); send.ts (the trigger's side) and receive.ts (the waiting node's side) use it.
 *
 * 1. The marker. Telesign repeats a dial's external_id on every event of the call (at most 128 characters,
 *    https://developer.telesign.com/enterprise/reference/sendvoicecall). Call and Wait sets it to
 *    `tsw1.<executionId>.<nodeId>.<itemIndex>.<signature>[.<your External ID>]`: enough for the trigger to
 *    rebuild the waiting execution's resume URL (n8n's `/webhook-waiting/<executionId>/<nodeId>?signature=…`)
 *    and for the waiting node to know which item's call an event belongs to.
 *
 * 2. Why the resume URL alone must not steer a call. The marker travels through Telesign and into every
 *    workflow that logs call events, so its resume signature is not a secret. A request to the resume URL is
 *    therefore only obeyed when it carries a relay signature: HMAC-SHA256 over a timestamp and the exact event
 *    bytes, keyed with a key derived from the account's Telesign API key. Only holders of that API key — the
 *    trigger, which verified Telesign's own signature on those bytes with the same key, and the waiting node —
 *    can produce it. The event body names the execution (its external_id), so a relayed event cannot be
 *    replayed into another execution; the timestamp bounds replays into the same one.
 *    The waiting node signs its answer the same way, so the trigger never forwards an answer it did not get
 *    from the waiting node (e.g. n8n's own page for an execution that has ended).
 */
import { createHash, createHmac } from 'crypto';

import { decodeApiKey, headerValue, safeEqualSecret } from '../telesign/signing';
import type { HeaderBag } from '../telesign/signing';

/** The marker's first field: names the format (version 1), so a changed format is never misread. */
export const MARKER_PREFIX = 'tsw1';
export const MAX_EXTERNAL_ID_LENGTH = 128;
export const RELAY_SIGNATURE_HEADER = 'x-telesign-voice-relay-signature';
export const RELAY_TIMESTAMP_HEADER = 'x-telesign-voice-relay-timestamp';
/** How old a relayed request may be (clock skew between n8n processes included). */
export const RELAY_MAX_AGE_MS = 5 * 60 * 1000;

export interface WaitMarker {
	executionId: string;
	nodeId: string;
	itemIndex: number;
	/**
	 * The step of an on-call list's chain (shared/telesign/escalation.ts): which person in which round this call
	 * is. Absent for a single call. Written after the item index as `<item>-<step>`.
	 */
	step?: number;
	/** The resume URL's signature (n8n's `signature` query parameter), as hex. */
	signature: string;
	/** The user's own External ID, if any. */
	userExternalId?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function b64url(bytes: Buffer): string {
	return bytes.toString('base64url');
}

function encodeNodeId(nodeId: string): string {
	if (UUID.test(nodeId)) return b64url(Buffer.from(nodeId.replace(/-/g, ''), 'hex'));
	return `~${b64url(Buffer.from(nodeId, 'utf8'))}`;
}

function decodeNodeId(text: string): string | undefined {
	if (text.startsWith('~'))
		return Buffer.from(text.slice(1), 'base64url').toString('utf8') || undefined;
	const hex = Buffer.from(text, 'base64url').toString('hex');
	if (hex.length !== 32) return undefined;
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The marker without the user's External ID; throws when the resume URL has an unexpected shape. */
export function encodeMarker(marker: Omit<WaitMarker, 'userExternalId'>): string {
	if (
		marker.step !== undefined &&
		!(Number.isInteger(marker.step) && marker.step >= 0 && marker.step <= 999)
	)
		throw new Error(`Unexpected chain step ${marker.step}`);
	if (!/^[A-Za-z0-9_-]{1,40}$/.test(marker.executionId))
		throw new Error(`Unexpected execution ID "${marker.executionId}"`);
	if (!/^[0-9a-f]{64}$/i.test(marker.signature))
		throw new Error('Unexpected resume URL signature (expected 64 hex digits)');
	const node = encodeNodeId(marker.nodeId);
	const signature = b64url(Buffer.from(marker.signature, 'hex'));
	const item =
		marker.step === undefined ? String(marker.itemIndex) : `${marker.itemIndex}-${marker.step}`;
	return [MARKER_PREFIX, marker.executionId, node, item, signature].join('.');
}

/**
 * How long the user's own External ID may be. A marker is 73 characters plus the execution ID's and the item
 * index's digits (n8n's execution IDs are integers: 10 digits reach 9,999,999,999 executions), plus, for a call
 * of an on-call list, "-" and the step (at most 3 digits: 50 recipients × 10 rounds). 73 + 10 + 6 + 4 + "." + 32
 * = 126 ≤ 128. One fixed limit that always fits reads better than a room that shrinks as executions are counted.
 */
export const MAX_USER_EXTERNAL_ID_LENGTH = 32;

/** The external_id of a dial: the marker, then the user's External ID; throws when Telesign's limit is passed. */
export function buildExternalId(marker: string, userExternalId?: string): string {
	const externalId = userExternalId ? `${marker}.${userExternalId}` : marker;
	if (externalId.length > MAX_EXTERNAL_ID_LENGTH) {
		throw new Error(
			`The external_id would be ${externalId.length} characters long, more than Telesign's ${MAX_EXTERNAL_ID_LENGTH}`,
		);
	}
	return externalId;
}

/** Reads a marker from an event's external_id; undefined for calls not placed by Call and Wait. */
export function parseMarker(externalId: unknown): WaitMarker | undefined {
	if (typeof externalId !== 'string' || !externalId.startsWith(`${MARKER_PREFIX}.`))
		return undefined;
	const parts = externalId.split('.');
	if (parts.length < 5) return undefined;
	const [, executionId, node, item, signature] = parts;
	const nodeId = decodeNodeId(node);
	const sigHex = Buffer.from(signature, 'base64url').toString('hex');
	const itemAndStep = /^(\d{1,6})(?:-(\d{1,3}))?$/.exec(item);
	if (
		!/^[A-Za-z0-9_-]+$/.test(executionId) ||
		nodeId === undefined ||
		itemAndStep === null ||
		sigHex.length !== 64
	) {
		return undefined;
	}
	const marker: WaitMarker = {
		executionId,
		nodeId,
		itemIndex: Number(itemAndStep[1]),
		signature: sigHex,
	};
	if (itemAndStep[2] !== undefined) marker.step = Number(itemAndStep[2]);
	if (parts.length > 5) marker.userExternalId = parts.slice(5).join('.');
	return marker;
}

/**
 * The resume URL of the waiting execution, from the trigger's own production webhook URL
 * (`<base>/<endpoint>/<webhookId>/<path>`) and n8n's default waiting endpoint (`<endpoint>-waiting`).
 */
export function resumeUrlFor(
	triggerUrl: string,
	triggerSuffix: string,
	marker: WaitMarker,
): string | undefined {
	const suffix = `/${triggerSuffix.replace(/^\/+/, '')}`;
	if (!triggerUrl.endsWith(suffix)) return undefined;
	const webhookBase = triggerUrl.slice(0, -suffix.length);
	return `${webhookBase}-waiting/${marker.executionId}/${encodeURIComponent(marker.nodeId)}?signature=${marker.signature}`;
}

/** The relay key: only someone holding the account's API key can derive it. */
export function deriveRelayKey(apiKey: string, customerId: string): Buffer {
	return createHmac('sha256', decodeApiKey(apiKey))
		.update(`n8n-nodes-telesign-voice call-and-wait relay v1|${customerId}`)
		.digest();
}

/**
 * What a signed relay request or answer is: a Telesign event relayed by the trigger, the waiting node's answer,
 * or the time-limit request one waiting node's process sends to end the wait (callAndWait/timeLimit.ts). The kind
 * is signed, so one can never pass for another.
 */
export type RelayKind = 'event' | 'answer' | 'timeLimit';

function relayMac(key: Buffer, kind: RelayKind, timestamp: string, body: Buffer): string {
	const digest = createHash('sha256').update(body).digest('hex');
	return createHmac('sha256', key).update(`${kind}\n${timestamp}\n${digest}`).digest('hex');
}

export function signRelay(
	key: Buffer,
	kind: RelayKind,
	body: Buffer,
	nowMs: number,
): Record<string, string> {
	const timestamp = String(nowMs);
	return {
		[RELAY_TIMESTAMP_HEADER]: timestamp,
		[RELAY_SIGNATURE_HEADER]: `v1=${relayMac(key, kind, timestamp, body)}`,
	};
}

export type RelayVerification =
	| { valid: true }
	| { valid: false; reason: 'missing' | 'malformed' | 'expired' | 'bad_signature' };

export function verifyRelay(params: {
	key: Buffer;
	kind: RelayKind;
	body: Buffer;
	timestamp: string | undefined;
	signature: string | undefined;
	nowMs: number;
}): RelayVerification {
	if (!params.timestamp || !params.signature) return { valid: false, reason: 'missing' };
	if (!/^\d{1,16}$/.test(params.timestamp) || !/^v1=[0-9a-f]{64}$/.test(params.signature))
		return { valid: false, reason: 'malformed' };
	if (Math.abs(params.nowMs - Number(params.timestamp)) > RELAY_MAX_AGE_MS)
		return { valid: false, reason: 'expired' };
	const expected = `v1=${relayMac(params.key, params.kind, params.timestamp, params.body)}`;
	return safeEqualSecret(expected, params.signature)
		? { valid: true }
		: { valid: false, reason: 'bad_signature' };
}

/** verifyRelay with the timestamp and signature read from the request's or response's headers. */
export function verifyRelayHeaders(params: {
	key: Buffer;
	kind: RelayKind;
	body: Buffer;
	headers: HeaderBag;
	nowMs: number;
}): RelayVerification {
	return verifyRelay({
		key: params.key,
		kind: params.kind,
		body: params.body,
		timestamp: headerValue(params.headers, RELAY_TIMESTAMP_HEADER),
		signature: headerValue(params.headers, RELAY_SIGNATURE_HEADER),
		nowMs: params.nowMs,
	});
}

/**
 * The trigger's side of the relay: posts a Telesign event, byte for byte, to the waiting execution's resume URL
 * with a relay signature, and accepts the answer only when the waiting node signed it (so n8n's own page for an
 * execution that has ended is never forwarded to Telesign as an action).
 */
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import type { HeaderBag } from '../telesign/signing';
import type { WaitMarker } from './protocol';
import { resumeUrlFor, signRelay, verifyRelayHeaders } from './protocol';

/** Telesign waits for the answer; the waiting node answers in milliseconds. */
export const RELAY_TIMEOUT_MS = 8000;

export type RelayAnswer = { ok: true; action: IDataObject | null } | { ok: false; reason: string };

/**
 * Relays `rawBody` to the execution the marker names. `triggerUrl` is the trigger's production URL and
 * `triggerSuffix` its `<webhookId>/<path>` part: the waiting URL is derived from them (resumeUrlFor).
 */
export async function relayToWaitingExecution(
	context: IWebhookFunctions,
	target: { triggerUrl: string; triggerSuffix: string; marker: WaitMarker },
	key: Buffer,
	rawBody: Buffer,
): Promise<RelayAnswer> {
	const url = resumeUrlFor(target.triggerUrl, target.triggerSuffix, target.marker);
	if (url === undefined) return { ok: false, reason: "the resume URL cannot be derived from this trigger's URL" };
	let response: { statusCode: number; headers: Record<string, unknown>; body: unknown };
	try {
		response = await context.helpers.httpRequest({
			method: 'POST',
			url,
			body: rawBody,
			headers: { 'content-type': 'application/json', ...signRelay(key, 'event', rawBody, Date.now()) },
			encoding: 'text',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: RELAY_TIMEOUT_MS,
		});
	} catch (error) {
		return { ok: false, reason: `relay failed: ${(error as Error).message}` };
	}
	if (response.statusCode !== 200) return { ok: false, reason: `waiting execution answered HTTP ${response.statusCode}` };
	const body = Buffer.from(typeof response.body === 'string' ? response.body : String(response.body ?? ''), 'utf8');
	const headers = response.headers as HeaderBag;
	const verification = verifyRelayHeaders({ key, kind: 'answer', body, headers, nowMs: Date.now() });
	if (!verification.valid) return { ok: false, reason: `answer not signed by the waiting node (${verification.reason})` };
	try {
		const parsed = JSON.parse(body.toString('utf8')) as { action?: IDataObject | null };
		return { ok: true, action: parsed.action ?? null };
	} catch {
		return { ok: false, reason: 'answer is not JSON' };
	}
}

/**
 * The trigger's side of the relay: posts a Telesign event, byte for byte, to the waiting execution's resume URL
 * with a relay signature, and accepts the answer only when the waiting node signed it (so n8n's own page for an
 * execution that has ended is never forwarded to Telesign as an action).
 */
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { HeaderBag } from '../telesign/signing';
import type { WaitMarker } from './protocol';
import { resumeUrlFor, signRelay, verifyRelayHeaders } from './protocol';

/**
 * How long the relay may take at most, retries included. Telesign does not publish how long it waits for the
 * answer to an event; the relay also stops as soon as Telesign closes its request (relayToWaitingExecution's
 * `stop`), so under load an answer is never given up while Telesign still waits for it, up to this bound.
 */
export const RELAY_TIMEOUT_MS = 15_000;
/**
 * Waits before sending a relay again after n8n could not take it (busy: 502/503/504, the connection refused or
 * reset), for as long as RELAY_TIMEOUT_MS allows: n8n 2.41 answers "503 Database is not ready" for seconds when
 * many waiting-webhook requests arrive together (each loads its whole execution from the database, and n8n's
 * database health check times out meanwhile), so a short busy spell must not hang up the call. Each wait is
 * doubled from RETRY_FIRST_DELAY_MS up to RETRY_MAX_DELAY_MS and jittered, so that relays refused together do
 * not come back together. Sending again is safe: the waiting node answers a repeated event as it answered it
 * the first time.
 */
const RETRY_FIRST_DELAY_MS = 250;
const RETRY_MAX_DELAY_MS = 2000;

/** The wait before try `attempt + 2`: between half and all of the doubled delay (`random` in [0, 1)). */
export function relayRetryDelayMs(attempt: number, random: () => number = Math.random): number {
	const full = Math.min(RETRY_MAX_DELAY_MS, RETRY_FIRST_DELAY_MS * 2 ** attempt);
	return Math.round(full / 2 + (random() * full) / 2);
}

const RETRY_STATUS = new Set([502, 503, 504]);
const RETRY_ERRORS = /ECONNREFUSED|ECONNRESET|socket hang up|EPIPE/i;

type RelayResponse = { statusCode: number; headers: Record<string, unknown>; body: unknown };

/**
 * n8n answers 409 "… is running already" while the execution that dialled has not been saved as waiting yet (a
 * call answered at once can report back within milliseconds of its dial): it is about to wait, so try again.
 * packages/cli/src/webhooks/waiting-webhooks.ts; its other 409s (finished) are final.
 */
function stillRunning(response: RelayResponse): boolean {
	return response.statusCode === 409 && /is running/i.test(String(response.body ?? ''));
}

export type RelayAnswer = { ok: true; action: IDataObject | null } | { ok: false; reason: string };

/**
 * Relays `rawBody` to the execution the marker names. `triggerUrl` is the trigger's production URL and
 * `triggerSuffix` its `<webhookId>/<path>` part: the waiting URL is derived from them (resumeUrlFor). `stop`
 * aborts when Telesign has closed its request (nobody is left to answer).
 */
export async function relayToWaitingExecution(
	context: IWebhookFunctions,
	target: { triggerUrl: string; triggerSuffix: string; marker: WaitMarker },
	key: Buffer,
	rawBody: Buffer,
	stop?: AbortSignal,
): Promise<RelayAnswer> {
	const url = resumeUrlFor(target.triggerUrl, target.triggerSuffix, target.marker);
	if (url === undefined)
		return { ok: false, reason: "the resume URL cannot be derived from this trigger's URL" };
	const deadline = Date.now() + RELAY_TIMEOUT_MS;
	let response: RelayResponse | undefined;
	let failure = '';
	for (let attempt = 0; ; attempt++) {
		const left = deadline - Date.now();
		if (stop?.aborted)
			return {
				ok: false,
				reason: `Telesign closed its request before the waiting execution answered (${failure || 'relay pending'})`,
			};
		try {
			response = (await context.helpers.httpRequest({
				method: 'POST',
				url,
				body: rawBody,
				headers: {
					'content-type': 'application/json',
					...signRelay(key, 'event', rawBody, Date.now()),
				},
				encoding: 'text',
				json: false,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: Math.max(1, left),
				abortSignal: stop,
			})) as RelayResponse;
			if (!RETRY_STATUS.has(response.statusCode) && !stillRunning(response)) break;
			failure = `waiting execution answered HTTP ${response.statusCode}`;
		} catch (error) {
			response = undefined;
			failure = `relay failed: ${(error as Error).message}`;
			if (!RETRY_ERRORS.test((error as Error).message)) break;
		}
		const wait = relayRetryDelayMs(attempt);
		if (Date.now() + wait >= deadline || stop?.aborted) break;
		// Telesign closing its request ends the wait at once (the abort is seen below).
		await sleep(wait, stop).catch(() => undefined);
	}
	if (stop?.aborted)
		return {
			ok: false,
			reason: `Telesign closed its request before the waiting execution answered (${failure || 'relay pending'})`,
		};
	if (response === undefined || RETRY_STATUS.has(response.statusCode) || stillRunning(response))
		return { ok: false, reason: failure };
	if (response.statusCode !== 200)
		return { ok: false, reason: `waiting execution answered HTTP ${response.statusCode}` };
	const body = Buffer.from(
		typeof response.body === 'string' ? response.body : String(response.body ?? ''),
		'utf8',
	);
	const headers = response.headers as HeaderBag;
	const verification = verifyRelayHeaders({
		key,
		kind: 'answer',
		body,
		headers,
		nowMs: Date.now(),
	});
	if (!verification.valid)
		return { ok: false, reason: `answer not signed by the waiting node (${verification.reason})` };
	try {
		const parsed = JSON.parse(body.toString('utf8')) as { action?: IDataObject | null };
		return { ok: true, action: parsed.action ?? null };
	} catch {
		return { ok: false, reason: 'answer is not JSON' };
	}
}

/**
 * The trigger's half of Call → Call and Wait for Response. Telesign posts every event of an account to the one
 * URL registered for it (this trigger), so events of calls placed by Call and Wait — recognised by the marker in
 * their external_id — are relayed, after the trigger's usual verification, to the waiting execution's resume URL
 * with a relay signature (the protocol, both sides: shared/relay/). The waiting node's answer is Telesign's action.
 *
 * Decisions:
 * - Relayed events do not start this trigger's workflow — its answer would compete with the waiting node's —
 *   except call_completed when Events selects it, whether or not the relay succeeds: Telesign ignores answers to
 *   call_completed, and a call log must see every call of the account.
 * - Any other event whose waiting execution is gone (ended, timed out, deleted) or does not answer properly is
 *   answered with hangup (call_completed: with {}) and starts nothing.
 * - Call and Wait needs Authentication "Telesign Signature": the relay key is derived from the API key.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { buildHangupAction } from '../shared/telesign/actions';
import { TELESIGN_CREDENTIAL, readCredentials } from '../shared/telesign/credentials';
import type { TelesignEvent } from '../shared/telesign/events';
import type { RelayAnswer, WaitMarker } from '../shared/relay';
import { deriveRelayKey, parseMarker, relayToWaitingExecution } from '../shared/relay';
import { credentialValues } from '../shared/credentialCache';
import type { AuthenticationMethod } from './description';
import { WEBHOOK_PATH, buildItemJson, filterEvent, sendReply } from './webhookSteps';

function fallbackAnswer(event: TelesignEvent): IDataObject {
	return event.event === 'call_completed' ? {} : (buildHangupAction() as unknown as IDataObject);
}

async function relay(
	this: IWebhookFunctions,
	marker: WaitMarker,
	rawBody: Buffer,
): Promise<RelayAnswer> {
	// The values that just verified Telesign's signature on this request (credentialCache.ts): no second read.
	const credentials = readCredentials(await credentialValues(this, TELESIGN_CREDENTIAL));
	const target = {
		triggerUrl: this.getNodeWebhookUrl('default') ?? '',
		triggerSuffix: `${this.getNode().webhookId ?? ''}/${WEBHOOK_PATH}`,
		marker,
	};
	// Telesign gave up on this event when it closes its request before the answer: stop relaying then.
	const stop = new AbortController();
	const res = this.getResponseObject();
	const onClose = () => {
		if (!res.writableEnded) stop.abort();
	};
	res.once('close', onClose);
	try {
		return await relayToWaitingExecution(
			this,
			target,
			deriveRelayKey(credentials.apiKey, credentials.customerId),
			rawBody,
			stop.signal,
		);
	} finally {
		res.off('close', onClose);
	}
}

/**
 * Relays an event of a Call and Wait call and answers Telesign; undefined for any other event (the trigger
 * goes on as usual). Runs after the request was verified and parsed.
 */
export async function relayWaitingCallEvent(
	this: IWebhookFunctions,
	event: TelesignEvent,
	rawBody: Buffer | undefined,
	authentication: AuthenticationMethod,
): Promise<IWebhookResponseData | undefined> {
	const marker = parseMarker(event.external_id);
	if (marker === undefined || rawBody === undefined) return undefined;
	const meta = { node: this.getNode().name, event: event.event, executionId: marker.executionId };
	let answer: RelayAnswer;
	if (authentication !== 'telesignSignature') {
		answer = {
			ok: false,
			reason: "Call and Wait needs the trigger's Authentication set to Telesign Signature",
		};
	} else {
		try {
			answer = await relay.call(this, marker, rawBody);
		} catch (error) {
			answer = { ok: false, reason: (error as Error).message };
		}
	}
	if (!answer.ok)
		this.logger.warn(
			`Telesign Voice Trigger: event of a Call and Wait call not relayed: ${answer.reason}`,
			meta,
		);
	const action = answer.ok ? (answer.action ?? {}) : fallbackAnswer(event);
	sendReply.call(this, { status: 200, body: action });
	if (
		event.event !== 'call_completed' ||
		filterEvent(event, this.getNodeParameter('events', [])) !== undefined
	) {
		return { noWebhookResponse: true };
	}
	const options = this.getNodeParameter('options', {}) as { includeHeaders?: boolean };
	const item = buildItemJson(event, this.getRequestObject(), options.includeHeaders === true);
	return { noWebhookResponse: true, workflowData: [this.helpers.returnJsonArray(item)] };
}

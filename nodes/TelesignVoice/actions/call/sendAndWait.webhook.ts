/**
 * The waiting side of Call → Call and Wait for Response: n8n calls this for every request to the execution's
 * resume URL. Only requests relayed by a Telesign Voice Trigger (relay signature, see waitRelay.ts) are obeyed.
 * Each relayed event is answered with the call's next action without resuming; when the last call has ended,
 * the execution resumes with one outcome item per input item.
 */
import type {
	IDataObject,
	INodeExecutionData,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { verifyWithCredential } from '../../../shared/credentialCache';
import { TELESIGN_CREDENTIAL, readCredentials } from '../../../shared/telesign/credentials';
import { buildOutcome, decideNext } from '../../../shared/telesign/callAndWait';
import { parseEventBody } from '../../../shared/telesign/events';
import type { HeaderBag } from '../../../shared/telesign/signing';
import type { WaitMarker } from '../../../shared/telesign/waitRelay';
import { deriveRelayKey, parseMarker, signRelay, verifyRelayHeaders } from '../../../shared/telesign/waitRelay';
import { ensureRawBody, getRawBody } from '../../../TelesignVoiceTrigger/webhookSteps';
import type { PendingCall } from './sendAndWait.operation';
import { PENDING_KEY } from './sendAndWait.operation';
import { callOf, callsOf, forget } from './sendAndWait.calls';

/** The resume URL's webhook: n8n's `/webhook-waiting/<executionId>/<nodeId>`, valid while the execution waits. */
export const callAndWaitWebhooks: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		responseData: '',
		path: '={{ $nodeId }}',
		restartWebhook: true,
		isFullPath: true,
	},
];

function reply(this: IWebhookFunctions, status: number, body: IDataObject): void {
	this.getResponseObject().status(status).json(body);
}

/**
 * The items n8n keeps as this node's input while it waits (the pending items written by execute()). A webhook
 * can read them only through an expression; each read is copied through n8n's expression isolate, so an event in
 * the middle of a call reads its own item and only the end of a call reads them all.
 */
function pendingItems(this: IWebhookFunctions): INodeExecutionData[] {
	const items = this.evaluateExpression('{{ $input.all() }}', 0);
	return Array.isArray(items) ? (JSON.parse(JSON.stringify(items)) as INodeExecutionData[]) : [];
}

function pendingItem(this: IWebhookFunctions, itemIndex: number): INodeExecutionData | undefined {
	const json = this.evaluateExpression('{{ $json }}', itemIndex);
	return json !== null && typeof json === 'object' ? { json: JSON.parse(JSON.stringify(json)) as IDataObject } : undefined;
}

function pendingOf(item: INodeExecutionData | undefined): PendingCall | undefined {
	const pending = item?.json?.[PENDING_KEY];
	return pending !== null && typeof pending === 'object' ? (pending as unknown as PendingCall) : undefined;
}

/** The outcome items, or undefined while a dialled call has not ended. */
function outcomes(items: INodeExecutionData[], calls: ReturnType<typeof callsOf>): INodeExecutionData[] | undefined {
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const pending = pendingOf(items[itemIndex]);
		if (pending === undefined) {
			output.push({ json: items[itemIndex].json, pairedItem: { item: itemIndex } }); // a dial that failed
			continue;
		}
		const call = calls.get(itemIndex);
		if (call?.completed === undefined || call.referenceId !== (pending.reference_id ?? undefined)) return undefined;
		const json = buildOutcome(pending.settings, call.steps, {
			referenceId: pending.reference_id ?? undefined,
			externalId: pending.user_external_id,
			to: pending.to,
			completed: call.completed,
		});
		output.push({ json: json as IDataObject, pairedItem: { item: itemIndex } });
	}
	return output;
}

function targetsThisNode(this: IWebhookFunctions, marker: WaitMarker): boolean {
	if (marker.nodeId !== this.getNode().id) return false;
	const query = this.getQueryData() as IDataObject;
	return typeof query.signature === 'string' && query.signature.toLowerCase() === marker.signature.toLowerCase();
}

/**
 * Checks the relay signature with the node's Telesign credential — the values this process read within the last
 * minute when fresh (shared/credentialCache.ts: n8n reads a credential in an expression isolate of its own) —
 * and returns the relay key that passed, to sign the answer with.
 */
async function verifiedRelayKey(this: IWebhookFunctions, raw: Buffer, nowMs: number): Promise<Buffer | undefined> {
	const headers = (this.getRequestObject().headers ?? {}) as HeaderBag;
	let key: Buffer | undefined;
	const verification = await verifyWithCredential(this, TELESIGN_CREDENTIAL, (data) => {
		const credentials = readCredentials(data);
		key = deriveRelayKey(credentials.apiKey, credentials.customerId);
		return verifyRelayHeaders({ key, kind: 'event', body: raw, headers, nowMs });
	});
	if (verification.valid) return key;
	this.logger.warn('Telesign Voice: request to a waiting call refused (not relayed by a Telesign Voice Trigger)', {
		node: this.getNode().name,
		reason: verification.reason,
	});
	return undefined;
}

export async function callAndWaitWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = this.getRequestObject();
	await ensureRawBody(req);
	const raw = getRawBody(req) ?? Buffer.alloc(0);
	const nowMs = Date.now();
	const key = await verifiedRelayKey.call(this, raw, nowMs);
	if (key === undefined) {
		reply.call(this, 401, { message: 'Unauthorized' });
		return { noWebhookResponse: true };
	}
	const parsed = parseEventBody(raw);
	const marker = parsed.ok ? parseMarker(parsed.event.external_id) : undefined;
	if (!parsed.ok || marker === undefined || !targetsThisNode.call(this, marker)) {
		reply.call(this, 400, { message: 'Not an event of a call this node is waiting for' });
		return { noWebhookResponse: true };
	}
	const pending = pendingOf(pendingItem.call(this, marker.itemIndex));
	const calls = callsOf(marker.signature, nowMs);
	let action: IDataObject | null = null;
	let ended = false;
	if (pending !== undefined) {
		const call = callOf(calls, marker.itemIndex, typeof parsed.event.reference_id === 'string' ? parsed.event.reference_id : undefined);
		const decision = decideNext(pending.settings, call.steps, { event: parsed.event.event, data: parsed.event.data });
		call.steps.push(decision.step);
		if (decision.ended) call.completed = parsed.event.data ?? {};
		ended = decision.ended;
		action = (decision.action as unknown as IDataObject) ?? null;
	}
	const answer = Buffer.from(JSON.stringify({ action }), 'utf8');
	const res = this.getResponseObject();
	for (const [name, value] of Object.entries(signRelay(key, 'answer', answer, Date.now()))) res.setHeader(name, value);
	res.status(200).type('application/json').send(answer);
	const output = ended ? outcomes(pendingItems.call(this), calls) : undefined;
	if (output === undefined) return { noWebhookResponse: true };
	forget(marker.signature);
	return { noWebhookResponse: true, workflowData: [output] };
}

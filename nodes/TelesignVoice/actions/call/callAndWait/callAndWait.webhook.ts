/**
 * The waiting side of Call → Call and Wait for Response: n8n calls this for every request to the execution's
 * resume URL. Only requests relayed by a Telesign Voice Trigger are obeyed (shared/relay/receive.ts). Each event
 * is answered with the call's next step, decided once (followedCalls.ts), without resuming; when the last call
 * has ended, the execution resumes with one outcome item per input item.
 */
import type {
	IDataObject,
	INodeExecutionData,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { buildOutcome, decideNext } from '../../../../shared/telesign/callAndWait';
import { parseEventBody } from '../../../../shared/telesign/events';
import {
	markerTargetsThisNode,
	parseMarker,
	readRawBody,
	sendSignedAnswer,
	verifyRelayedRequest,
} from '../../../../shared/relay';
import type { FollowedCall } from './followedCalls';
import {
	adoptKnown,
	callOf,
	callsOf,
	forget,
	hasTimeLimit,
	recordStep,
	repeatAnswer,
	sameEvent,
} from './followedCalls';
import { dialDueSteps } from './chain';
import type { FollowedChain } from './followedChains';
import {
	adoptKnownChains,
	chainFinished,
	chainOf,
	chainOutcome,
	followChainEvent,
	forgetChains,
	knownChainOf,
} from './followedChains';
import { armTimeLimit, parseTimeLimitRequest } from './timeLimit';
import type { WaitingItem } from './waitingState';
import {
	failedItemOf,
	readTimeLimit,
	readWaitingItem,
	readWaitingState,
	waitingCallOf,
} from './waitingState';

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

function refuse(this: IWebhookFunctions, status: number, message: string): IWebhookResponseData {
	this.getResponseObject().status(status).json({ message });
	return { noWebhookResponse: true };
}

/**
 * The outcome items, or undefined while a dialled call has not ended (at the time limit, a call that has not
 * ended is a timeout outcome with what is known of it).
 */
function outcomes(
	items: WaitingItem[],
	key: string,
	calls: Map<number, FollowedCall>,
	atTimeLimit = false,
): INodeExecutionData[] | undefined {
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const waiting = waitingCallOf(items[itemIndex]);
		if (waiting === undefined) {
			const failed = failedItemOf(items[itemIndex]);
			if (failed !== undefined) output.push({ json: failed, pairedItem: { item: itemIndex } });
			continue;
		}
		if (waiting.chain !== undefined) {
			const chain = knownChainOf(key, itemIndex);
			const finished = chain !== undefined && chainFinished(chain, waiting.chain.plan);
			if (!finished && !atTimeLimit) return undefined;
			output.push({
				json: chainOutcome({ ...waiting, chain: waiting.chain }, chain, !finished),
				pairedItem: { item: itemIndex },
			});
			continue;
		}
		const found = calls.get(itemIndex);
		const call = found?.referenceId === (waiting.reference_id ?? undefined) ? found : undefined;
		if (call?.completed === undefined && !atTimeLimit) return undefined;
		const json = buildOutcome(waiting.settings, call?.steps ?? [], {
			referenceId: waiting.reference_id ?? undefined,
			externalId: waiting.user_external_id,
			to: waiting.to,
			completed: call?.completed,
		});
		output.push({ json: json as IDataObject, pairedItem: { item: itemIndex } });
	}
	return output;
}

/** A time-limit request (timeLimit.ts): resumes with every call's outcome, what this and the sender know. */
function endAtTimeLimit(
	this: IWebhookFunctions,
	key: Buffer,
	raw: Buffer,
	nowMs: number,
): IWebhookResponseData {
	const request = parseTimeLimitRequest(raw);
	const query = this.getQueryData() as IDataObject;
	const limit = readTimeLimit(this);
	if (
		request === undefined ||
		request.node_id !== this.getNode().id ||
		request.signature !== query.signature ||
		request.at_ms !== limit?.atMs
	) {
		return refuse.call(this, 400, 'Not the time limit of this waiting node');
	}
	const calls = callsOf(request.signature, nowMs);
	adoptKnown(calls, request.calls);
	const items = readWaitingState(this);
	adoptKnownChains(
		request.signature,
		(item) => waitingCallOf(items[item])?.chain,
		request.chains ?? [],
		nowMs,
	);
	const output = outcomes(items, request.signature, calls, true) ?? [];
	sendSignedAnswer(this, key, null);
	forget(request.signature);
	forgetChains(request.signature);
	return { noWebhookResponse: true, workflowData: [output] };
}

/** This process follows the execution from now on: it keeps a timer for its time limit too. */
function followTimeLimit(this: IWebhookFunctions, signature: string, relayKey: Buffer): void {
	if (hasTimeLimit(signature)) return;
	const limit = readTimeLimit(this);
	if (limit === undefined) return;
	armTimeLimit({
		key: signature,
		nodeId: this.getNode().id,
		limit,
		relayKey,
		http: this.helpers.httpRequest,
		logger: this.logger,
	});
}

export async function callAndWaitWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const raw = (await readRawBody(this.getRequestObject())) ?? Buffer.alloc(0);
	const nowMs = Date.now();
	const relay = await verifyRelayedRequest(this, raw, nowMs);
	if (!relay.ok) {
		this.logger.warn(
			'Telesign Voice: request to a waiting call refused (not relayed by a Telesign Voice Trigger)',
			{
				node: this.getNode().name,
				reason: relay.reason,
			},
		);
		return refuse.call(this, 401, 'Unauthorized');
	}
	if (relay.kind === 'timeLimit') return endAtTimeLimit.call(this, relay.key, raw, nowMs);
	const parsed = parseEventBody(raw);
	const marker = parsed.ok ? parseMarker(parsed.event.external_id) : undefined;
	if (!parsed.ok || marker === undefined || !markerTargetsThisNode(this, marker)) {
		return refuse.call(this, 400, 'Not an event of a call this node is waiting for');
	}
	const waiting = waitingCallOf(readWaitingItem(this, marker.itemIndex));
	const calls = callsOf(marker.signature, nowMs);
	let action: IDataObject | null = null;
	let ended = false;
	let chain: FollowedChain | undefined;
	if (waiting?.chain !== undefined) {
		followTimeLimit.call(this, marker.signature, relay.key);
		chain = chainOf(marker.signature, marker.itemIndex, waiting.chain, nowMs);
		const { event, data, reference_id: referenceId } = parsed.event;
		const followed = followChainEvent(
			chain,
			waiting.settings,
			waiting.chain.plan,
			marker.step ?? 0,
			{ event, data, referenceId: typeof referenceId === 'string' ? referenceId : undefined },
			nowMs,
		);
		action = followed.action;
		ended = followed.callEnded;
	} else if (waiting !== undefined) {
		followTimeLimit.call(this, marker.signature, relay.key);
		const { event, data } = parsed.event;
		const call = callOf(
			calls,
			marker.itemIndex,
			typeof parsed.event.reference_id === 'string' ? parsed.event.reference_id : undefined,
		);
		const identity = sameEvent(event, data);
		const repeat = repeatAnswer(call, identity, nowMs);
		if (repeat !== undefined) {
			action = (repeat.action as unknown as IDataObject) ?? null;
		} else {
			const decision = decideNext(waiting.settings, call.steps, { event, data });
			recordStep(call, identity, decision, data, nowMs);
			ended = decision.ended;
			action = (decision.action as unknown as IDataObject) ?? null;
		}
	}
	sendSignedAnswer(this, relay.key, action);
	// An on-call list's next calls are dialled once Telesign has its answer (chain.ts: never twice per step).
	if (ended && chain !== undefined && waiting?.chain !== undefined) {
		await dialDueSteps(this, marker.itemIndex, waiting.chain, waiting.user_external_id, chain);
	}
	const output = ended ? outcomes(readWaitingState(this), marker.signature, calls) : undefined;
	if (output === undefined) return { noWebhookResponse: true };
	forget(marker.signature);
	forgetChains(marker.signature);
	return { noWebhookResponse: true, workflowData: [output] };
}

/**
 * Call → Call and Wait for Response: the entry of the whole operation. How a call flows through it
 * (docs/call-and-wait.md draws it):
 * 1. execute() (this file) validates every item, dials through the dial pipeline (../dialPipeline.ts) with an
 *    external_id that carries the marker of this execution, node and item (shared/relay/protocol.ts), keeps the
 *    calls' state with the wait (waitingState.ts) and puts the execution into n8n's waiting state.
 * 2. Telesign posts each call event to the account's one event URL: the Telesign Voice Trigger. It recognises the
 *    marker and relays the event, signed, to this execution's resume URL (shared/relay/send.ts).
 * 3. n8n runs this node's webhook (callAndWait.webhook.ts): it checks the relay (shared/relay/receive.ts), decides
 *    the call's next step once (followedCalls.ts; what to say: shared/telesign/callAndWait.ts) and answers it
 *    without resuming; the trigger returns that answer to Telesign.
 * 4. When every call has ended, the webhook resumes the execution with one outcome per input item. At Limit Wait
 *    Time, the processes that follow the calls end the wait with what they know (timeLimit.ts); n8n's own timer,
 *    a minute later, outputs the timeout outcomes kept in step 1 if none of them is alive.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { buildDialAction } from '../../../../shared/telesign/actions';
import { buildOutcome } from '../../../../shared/telesign/callAndWait';
import type { WaitSettings } from '../../../../shared/telesign/callAndWaitSettings';
import { buildWaitSettings } from '../../../../shared/telesign/callAndWaitSettings';
import {
	buildChainPlan,
	isChain,
	parseRecipients,
	stepCount,
} from '../../../../shared/telesign/escalation';
import { ValidationError } from '../../../../shared/telesign/validation';
import {
	MAX_USER_EXTERNAL_ID_LENGTH,
	buildExternalId,
	encodeMarker,
	relayKeyFor,
} from '../../../../shared/relay';
import { errorItem } from '../../nodeErrors';
import { getOptions } from '../../runItems';
import { readDialInput, readSendLimits } from '../../dialFields';
import { readLanguage } from '../../speechFields';
import type { DialResult } from '../dial.steps';
import { sendDial } from '../dial.steps';
import type { DialJob } from '../dialPipeline';
import { runDialPipeline } from '../dialPipeline';
import { DEFAULT_WAIT_MINUTES } from './callAndWait.description';
import type { ChainStart, WaitingChain } from './chain';
import { startChain } from './chain';
import { chainOutcome } from './followedChains';
import type { WaitingCall, WaitingItem } from './waitingState';
import { keepAsTimeoutOutput, keepWaitingState } from './waitingState';
import { FALLBACK_AFTER_MS, armTimeLimit } from './timeLimit';

export { description } from './callAndWait.description';

function readSettings(
	this: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
): WaitSettings {
	const approvalOptions = this.getNodeParameter('approvalOptions', itemIndex, {}) as IDataObject;
	const approval = (approvalOptions?.values ?? {}) as IDataObject;
	const responseType = this.getNodeParameter('responseType', itemIndex, 'keyPress');
	return buildWaitSettings({
		message: this.getNodeParameter('message', itemIndex),
		language: readLanguage.call(this, itemIndex),
		responseType,
		maxDigits:
			responseType === 'keyPress' ? this.getNodeParameter('maxDigits', itemIndex, 1) : undefined,
		acknowledgeKey:
			responseType === 'keyPress'
				? this.getNodeParameter('acknowledgeKey', itemIndex, '1')
				: undefined,
		approvalType: approval.approvalType,
		approveKey: approval.approveKey,
		declineKey: approval.declineKey,
		repeat: options.repeatMessage ?? 1,
		closingMessage: options.closingMessage,
		keyMessages: (options.keyMessages as IDataObject | undefined)?.values,
	});
}

function userExternalIdOf(options: IDataObject): string | undefined {
	const given = options.externalId;
	if (given === undefined || given === null || String(given).trim() === '') return undefined;
	const id = String(given).trim();
	if (id.length > MAX_USER_EXTERNAL_ID_LENGTH) {
		throw new ValidationError(
			'External ID',
			`External ID is ${id.length} characters long: Call and Wait shares Telesign's 128-character external_id with the marker that leads the call's events back to this execution, so keep it to ${MAX_USER_EXTERNAL_ID_LENGTH} characters or fewer`,
		);
	}
	return id;
}

interface WaitJob extends DialJob {
	settings: WaitSettings;
	userExternalId?: string;
	/** An on-call list (chain.ts); absent for one number. */
	chain?: WaitingChain;
}

interface ResumeParts {
	executionId: string;
	nodeId: string;
	signature: string;
}

/** The execution ID and signature of this node's signed resume URL (…/<executionId>/<nodeId>?signature=…). */
function resumeParts(this: IExecuteFunctions): ResumeParts {
	const url = new URL(this.getSignedResumeUrl());
	const segments = url.pathname.split('/');
	return {
		executionId: decodeURIComponent(segments[segments.length - 2] ?? ''),
		nodeId: this.getNode().id,
		signature: url.searchParams.get('signature') ?? '',
	};
}

function prepare(this: IExecuteFunctions, itemIndex: number, resume: ResumeParts): WaitJob {
	const options = getOptions.call(this, itemIndex);
	const settings = readSettings.call(this, itemIndex, options);
	const userExternalId = userExternalIdOf(options);
	const recipients = parseRecipients(this.getNodeParameter('to', itemIndex));
	const plan = buildChainPlan({
		recipients,
		strategy: this.getNodeParameter('strategy', itemIndex, 'oneAfterAnother'),
		moreRounds: options.moreRounds,
		endedByOthersMessage: options.endedByOthersMessage,
	});
	const marker = { ...resume, itemIndex };
	const chained = isChain(plan);
	// A chain's longest marker is checked here too, so that no later step can fail Telesign's limit.
	if (chained)
		buildExternalId(encodeMarker({ ...marker, step: stepCount(plan) - 1 }), userExternalId);
	const externalId = buildExternalId(
		encodeMarker(chained ? { ...marker, step: 0 } : marker),
		userExternalId,
	);
	const input = readDialInput.call(this, itemIndex, { ...options, sendDtmf: undefined });
	const action = buildDialAction({ ...input, to: recipients[0], externalId });
	const dial = {
		body: action as unknown as IDataObject,
		externalId: action.params.external_id as string,
		to: action.params.to,
		callerIdNumber: action.params.caller_id_number,
		...readSendLimits(options),
	};
	if (!chained) return { dial, settings, userExternalId };
	const chainDial = {
		body: dial.body,
		callerIdNumber: dial.callerIdNumber,
		retries: dial.retries,
		timeoutMs: dial.timeoutMs,
	};
	return {
		dial,
		settings,
		userExternalId,
		chain: { plan, dial: chainDial, marker, started: { placed: [], failed: [] } },
	};
}

/** The pipeline's send: one dial, or the first calls of an on-call list. */
async function sendJob(
	this: IExecuteFunctions,
	itemIndex: number,
	job: WaitJob,
): Promise<DialResult> {
	if (job.chain === undefined) return await sendDial.call(this, itemIndex, job.dial);
	const stopped = () => this.getExecutionCancelSignal?.()?.aborted === true;
	return await startChain(this, itemIndex, job.chain, job.userExternalId ?? null, stopped);
}

const UNIT_MS: Record<string, number> = {
	seconds: 1000,
	minutes: 60_000,
	hours: 3_600_000,
	days: 86_400_000,
};

/** When the wait ends at the latest (n8n's waiting state resumes the execution then). */
export function waitTillOf(this: IExecuteFunctions, nowMs = Date.now()): Date {
	const limit = ((getOptions.call(this, 0).limitWaitTime as IDataObject | undefined)?.values ??
		{}) as IDataObject;
	let till: Date;
	if (limit.limitType === 'atSpecifiedTime') till = new Date(String(limit.maxDateAndTime ?? ''));
	else if (limit.resumeAmount !== undefined) {
		till = new Date(
			nowMs + Number(limit.resumeAmount) * (UNIT_MS[String(limit.resumeUnit ?? 'minutes')] ?? NaN),
		);
	} else till = new Date(nowMs + DEFAULT_WAIT_MINUTES * 60_000);
	if (Number.isNaN(till.getTime())) {
		throw new NodeOperationError(this.getNode(), 'Limit Wait Time is not a valid time', {
			description: 'Set an amount and unit, or a date and time.',
		});
	}
	return till;
}

/** A call an earlier try of this run placed (Retry On Fail) whose fields fail now: it cannot be followed. */
function notFollowed(this: IExecuteFunctions, itemIndex: number): NodeOperationError {
	return new NodeOperationError(
		this.getNode(),
		'This call was placed by an earlier try of the node, but its fields could not be read again to follow it',
		{
			itemIndex,
			description: 'It was not dialled again. Its outcome is not known to this node.',
		},
	);
}

function newWaitingCall(job: WaitJob, json: IDataObject): WaitingCall {
	const call: WaitingCall = {
		settings: job.settings,
		reference_id: typeof json.reference_id === 'string' ? json.reference_id : null,
		to: job.dial.to,
		user_external_id: job.userExternalId ?? null,
	};
	if (job.chain !== undefined)
		call.chain = { ...job.chain, started: json.chain_started as unknown as ChainStart };
	return call;
}

/** What n8n outputs for an item if no process that followed its calls is alive at the time limit. */
function timeoutOutcome(call: WaitingCall): IDataObject {
	if (call.chain !== undefined)
		return chainOutcome({ ...call, chain: call.chain }, undefined, true);
	return buildOutcome(call.settings, [], {
		referenceId: call.reference_id ?? undefined,
		externalId: call.user_external_id,
		to: call.to,
	}) as IDataObject;
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	if (items.length === 0) return [];
	const waitTill = waitTillOf.call(this);
	const resume = resumeParts.call(this);
	const { jobs, results } = await runDialPipeline(
		this,
		items.length,
		(itemIndex) => prepare.call(this, itemIndex, resume),
		async (itemIndex, job) => await sendJob.call(this, itemIndex, job),
	);
	const timeoutItems: INodeExecutionData[] = [];
	const waiting: WaitingItem[] = [];
	results.forEach((result, itemIndex) => {
		if (result === undefined) return; // never prepared: the execution was stopped
		const job = jobs.get(itemIndex);
		if (!result.ok || job === undefined) {
			const failed = result.ok
				? errorItem(notFollowed.call(this, itemIndex), itemIndex, {
						...result.json,
						call_may_have_been_placed: true,
					})
				: errorItem(result.error, itemIndex, {
						...result.fields,
						answered: false,
						acknowledged: false,
					});
			timeoutItems.push(failed);
			waiting[itemIndex] = { failed: failed.json };
			return;
		}
		const call = newWaitingCall(job, result.json);
		timeoutItems.push({ json: timeoutOutcome(call), pairedItem: { item: itemIndex } });
		waiting[itemIndex] = { call };
	});
	if (!waiting.some((item) => item !== undefined && 'call' in item)) return timeoutItems;
	const limit = { atMs: waitTill.getTime(), resumeUrl: this.getSignedResumeUrl() };
	keepWaitingState(this, { items: waiting, limit });
	keepAsTimeoutOutput(items, timeoutItems);
	const relayKey = await relayKeyFor(this);
	armTimeLimit({
		key: resume.signature,
		nodeId: resume.nodeId,
		limit,
		relayKey,
		http: this.helpers.httpRequest,
		logger: this.logger,
	});
	await this.putExecutionToWait(new Date(limit.atMs + FALLBACK_AFTER_MS));
	return timeoutItems;
}

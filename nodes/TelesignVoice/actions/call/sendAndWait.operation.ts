/**
 * Call → Call and Wait for Response: dials every item (validated first, sent in a bounded pool by the Dial
 * operation's sender), then puts the execution into n8n's waiting state. The call events come back through the
 * Telesign Voice Trigger's relay to this node's webhook (sendAndWait.webhook.ts), which answers Telesign and
 * resumes the execution once every call has ended.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { buildDialAction } from '../../../shared/telesign/actions';
import type { WaitSettings } from '../../../shared/telesign/callAndWait';
import { buildOutcome, buildWaitSettings } from '../../../shared/telesign/callAndWait';
import { ValidationError } from '../../../shared/telesign/validation';
import { buildExternalId, encodeMarker, roomForUserExternalId } from '../../../shared/telesign/waitRelay';
import { errorItem, toNodeError } from '../nodeErrors';
import { getOptions, prepareItems } from '../runItems';
import { readConcurrency, readDialInput, readSendLimits } from '../dialFields';
import { readLanguage } from '../respond/speak.operation';
import { runPool } from '../pool';
import type { DialResult, PreparedDial } from './dial.steps';
import { reuseSentDial, sendDial, sentDialsOfThisRun, stoppedBatchError } from './dial.steps';
import { DEFAULT_WAIT_MINUTES } from './sendAndWait.description';

export { description } from './sendAndWait.description';

/** What the waiting webhook needs of an item; kept in the item itself, which n8n persists with the wait. */
export const PENDING_KEY = 'call_and_wait';

export interface PendingCall {
	settings: WaitSettings;
	reference_id: string | null;
	to: string;
	user_external_id: string | null;
}

function readSettings(this: IExecuteFunctions, itemIndex: number, options: IDataObject): WaitSettings {
	const approvalOptions = this.getNodeParameter('approvalOptions', itemIndex, {}) as IDataObject;
	const approval = (approvalOptions?.values ?? {}) as IDataObject;
	const responseType = this.getNodeParameter('responseType', itemIndex, 'keyPress');
	return buildWaitSettings({
		message: this.getNodeParameter('message', itemIndex),
		language: readLanguage.call(this, itemIndex),
		responseType,
		maxDigits: responseType === 'keyPress' ? this.getNodeParameter('maxDigits', itemIndex, 1) : undefined,
		acknowledgeKey: responseType === 'keyPress' ? this.getNodeParameter('acknowledgeKey', itemIndex, '1') : undefined,
		approvalType: approval.approvalType,
		approveKey: approval.approveKey,
		declineKey: approval.declineKey,
		repeat: options.repeatMessage ?? 1,
		closingMessage: options.closingMessage,
	});
}

function userExternalIdOf(options: IDataObject, room: number): string | undefined {
	const given = options.externalId;
	if (given === undefined || given === null || String(given).trim() === '') return undefined;
	const id = String(given).trim();
	if (id.length > room) {
		throw new ValidationError('External ID', `External ID is ${id.length} characters long: Call and Wait keeps room in Telesign's 128-character external_id for its marker, so keep it to ${room} characters or fewer`);
	}
	return id;
}

interface PreparedWait {
	dial: PreparedDial;
	settings: WaitSettings;
	userExternalId?: string;
}

function prepare(this: IExecuteFunctions, itemIndex: number, resume: ResumeParts): PreparedWait {
	const options = getOptions.call(this, itemIndex);
	const settings = readSettings.call(this, itemIndex, options);
	const marker = encodeMarker({ ...resume, itemIndex });
	const userExternalId = userExternalIdOf(options, roomForUserExternalId(marker));
	const action = buildDialAction({ ...readDialInput.call(this, itemIndex, { ...options, sendDtmf: undefined }), externalId: buildExternalId(marker, userExternalId) });
	const dial: PreparedDial = {
		body: action as unknown as IDataObject,
		externalId: action.params.external_id as string,
		to: action.params.to,
		callerIdNumber: action.params.caller_id_number,
		...readSendLimits(options),
	};
	return { dial, settings, userExternalId };
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

const UNIT_MS: Record<string, number> = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

/** When the wait ends at the latest (n8n's waiting state resumes the execution then). */
export function waitTillOf(this: IExecuteFunctions, nowMs = Date.now()): Date {
	const limit = ((getOptions.call(this, 0).limitWaitTime as IDataObject | undefined)?.values ?? {}) as IDataObject;
	let till: Date;
	if (limit.limitType === 'atSpecifiedTime') till = new Date(String(limit.maxDateAndTime ?? ''));
	else if (limit.resumeAmount !== undefined) till = new Date(nowMs + Number(limit.resumeAmount) * (UNIT_MS[String(limit.resumeUnit ?? 'minutes')] ?? NaN));
	else till = new Date(nowMs + DEFAULT_WAIT_MINUTES * 60_000);
	if (Number.isNaN(till.getTime())) {
		throw new NodeOperationError(this.getNode(), 'Limit Wait Time is not a valid time', { description: 'Set an amount and unit, or a date and time.' });
	}
	return till;
}

/** The item a dialled call stands as while it waits: also what n8n outputs if the wait time runs out. */
function pendingItem(itemIndex: number, wait: PreparedWait, result: DialResult & { ok: true }): INodeExecutionData {
	const pending: PendingCall = {
		settings: wait.settings,
		reference_id: (result.json.reference_id as string | null) ?? null,
		to: wait.dial.to,
		user_external_id: wait.userExternalId ?? null,
	};
	const json = buildOutcome(wait.settings, [], { referenceId: pending.reference_id ?? undefined, externalId: pending.user_external_id, to: pending.to });
	json[PENDING_KEY] = pending as unknown as IDataObject;
	return { json: json as IDataObject, pairedItem: { item: itemIndex } };
}

/**
 * Sends the dials in a bounded pool, with the Dial operation's record of what this node run sent: a retry of the
 * node (n8n's Retry On Fail) never sends again a dial that was accepted or may have placed a call. The resume
 * URL, so the external_id, is the same on every try of a run, which is how a dial is recognised.
 */
async function dialAll(
	this: IExecuteFunctions,
	prepared: Map<number, PreparedWait>,
	concurrency: number,
	continueOnFail: boolean,
): Promise<Map<number, DialResult>> {
	const node = this.getNode();
	const sentBefore = sentDialsOfThisRun.call(this);
	const results = new Map<number, DialResult>();
	const toSend: number[] = [];
	for (const itemIndex of prepared.keys()) {
		const reused = reuseSentDial.call(this, itemIndex, sentBefore?.get(itemIndex));
		if (reused) results.set(itemIndex, reused);
		else toSend.push(itemIndex);
	}
	const failedBefore = !continueOnFail && [...results.values()].some((result) => !result.ok);
	const settled = await runPool(
		failedBefore ? [] : toSend,
		concurrency,
		async (itemIndex) => {
			const { dial } = prepared.get(itemIndex) as PreparedWait;
			let result: DialResult;
			try {
				result = await sendDial.call(this, itemIndex, dial);
			} catch (error) {
				result = { ok: false, error: toNodeError(node, error, itemIndex), fields: { call_may_have_been_placed: true } };
			}
			sentBefore?.set(itemIndex, { externalId: dial.externalId, result, description: result.ok ? undefined : result.error.description });
			return result;
		},
		{ stopOnFailure: !continueOnFail, isFailure: (result) => !result.ok },
	);
	for (const [itemIndex, outcome] of settled) if (outcome.ok) results.set(itemIndex, outcome.value);
	return results;
}

/** Results as an array indexed by item, as the Dial operation keeps them. */
function byItem(results: Map<number, DialResult>): Array<DialResult | undefined> {
	const list: Array<DialResult | undefined> = [];
	for (const [itemIndex, result] of results) list[itemIndex] = result;
	return list;
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	if (items.length === 0) return [];
	const continueOnFail = this.continueOnFail();
	const concurrency = readConcurrency.call(this);
	const waitTill = waitTillOf.call(this);
	const resume = resumeParts.call(this);
	const output: INodeExecutionData[] = new Array(items.length);
	const prepared = await prepareItems<PreparedWait>(this, items.length, {
		prepare: (itemIndex) => prepare.call(this, itemIndex, resume),
		fail: (itemIndex, error) => {
			output[itemIndex] = errorItem(error, itemIndex, { call_may_have_been_placed: false });
		},
	});
	const results = await dialAll.call(this, prepared, concurrency, continueOnFail);
	let waiting = 0;
	for (const [itemIndex, wait] of prepared) {
		const result = results.get(itemIndex);
		if (result === undefined) continue; // not started: an earlier dial failed and the node stops
		if (!result.ok) {
			// Calls already placed by this batch are named in the error, so nobody is called twice by a retry.
			if (!continueOnFail) throw stoppedBatchError(result.error, byItem(results));
			output[itemIndex] = errorItem(result.error, itemIndex, { ...result.fields, answered: false, acknowledged: false });
			continue;
		}
		output[itemIndex] = pendingItem(itemIndex, wait, result);
		waiting++;
	}
	const result = output.filter((item) => item !== undefined);
	if (waiting === 0) return result;
	// What n8n keeps as this node's input while it waits is what it outputs if the wait times out, and what the
	// webhook reads back: so the input items become the pending items.
	items.splice(0, items.length, ...result);
	await this.putExecutionToWait(waitTill);
	return result;
}

/**
 * What every Respond operation runs: the action is the item's JSON, and (option "Answer Telesign Now") the
 * first action is also sent at once as the HTTP answer to a Telesign Voice Trigger that waits for a respond node.
 * An operation only describes its fields and builds its action (see speak.operation.ts).
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IN8nHttpFullResponse,
	INodeExecutionData,
} from 'n8n-workflow';

import type { TelesignAction } from '../../../shared/telesign/actions';
import { getOptions, runEachItem } from '../runItems';
import { warnIfActionReachesNoCall } from './respondReach';

/**
 * Answers a Telesign Voice Trigger in "respond node" mode. In n8n 2.41, sendResponse only resolves the
 * response a webhook execution is waiting for, and does nothing otherwise (manual runs, other response modes).
 * A failure here must not fail the item (the action is still output, and a "last node" trigger still answers
 * with it), but the call waits for an answer that never comes: it is warned in the log and shown on the node.
 */
export async function answerTelesign(
	this: IExecuteFunctions,
	action: TelesignAction,
): Promise<boolean> {
	if (typeof this.sendResponse !== 'function') {
		this.logger.debug(
			'Telesign Voice: no sendResponse in this context (e.g. run as a tool); Telesign not answered from here',
		);
		return false;
	}
	const response: IN8nHttpFullResponse = {
		body: JSON.parse(JSON.stringify(action)) as IDataObject,
		headers: { 'content-type': 'application/json' },
		statusCode: 200,
	};
	const failure = await this.sendResponse(response).then(
		() => undefined,
		(error: unknown) => (error instanceof Error ? error.message : String(error)),
	);
	if (failure === undefined) return true;
	const message = `Telesign was not answered with this ${action.method} action (Answer Telesign Now): ${failure}. The call waits for an answer and Telesign may end it.`;
	this.logger.warn(`Telesign Voice: ${message}`);
	if (typeof this.addExecutionHints === 'function') {
		this.addExecutionHints({ message, type: 'warning', location: 'outputPane' });
	}
	return false;
}

/**
 * Runs a Respond operation: builds one action per item (output unchanged as the item's JSON) and answers
 * Telesign with the first action built, unless that item turned "Answer Telesign Now" off. Warns in the run
 * when no Telesign Voice Trigger upstream can take the action.
 */
export async function runRespondOperation(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	build: (this: IExecuteFunctions, itemIndex: number) => TelesignAction,
): Promise<INodeExecutionData[]> {
	warnIfActionReachesNoCall.call(this);
	let answered = false;
	return await runEachItem.call(this, items, async (itemIndex) => {
		const action = build.call(this, itemIndex);
		if (!answered) {
			answered = true;
			if (getOptions.call(this, itemIndex).answerTelesignNow !== false)
				await answerTelesign.call(this, action);
		}
		return action as unknown as IDataObject;
	});
}

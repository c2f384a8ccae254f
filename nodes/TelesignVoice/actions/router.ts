/** Sends the node's items to the operation chosen by Resource and Operation. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError, SEND_AND_WAIT_OPERATION } from 'n8n-workflow';

import * as call from './call/Call.resource';
import * as recording from './recording/Recording.resource';
import * as respond from './respond/Respond.resource';
import type { OperationExecute } from './runItems';

type TelesignVoiceResource = 'call' | 'respond' | 'recording';

const operations: Record<TelesignVoiceResource, Record<string, OperationExecute>> = {
	call: { dial: call.dial.execute, [SEND_AND_WAIT_OPERATION]: call.callAndWait.execute },
	respond: respond.respondExecutes,
	recording: {
		getAll: recording.getAll.execute,
		get: recording.get.execute,
		download: recording.download.execute,
		delete: recording.delete.execute,
	},
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	// Resource and Operation take no expressions, so item 0 decides for the whole run.
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = Object.prototype.hasOwnProperty.call(operations, resource)
		? operations[resource as TelesignVoiceResource][operation]
		: undefined;
	if (execute === undefined) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of resource "${resource}" is not supported by Telesign Voice: for other Telesign API calls, use the HTTP Request node with the Telesign Voice API credential`,
		);
	}
	return [await execute.call(this, items)];
}

/** Call → Dial under test: the node, a fake execute context for dial items, and how to run it and catch its error. */
import type { IExecuteFunctions, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { TelesignVoice } from '../../../nodes/TelesignVoice/TelesignVoice.node';
import type { ContextOptions, Parameters } from '../../helpers/executeContext';
import { executeContext, testCredentials } from '../../helpers/executeContext';

export const node = new TelesignVoice();
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const CALLER = '15554441313';
export const accepted = (referenceId: string, externalId?: string) => ({
	statusCode: 202,
	body: {
		reference_id: referenceId,
		status: 'dial_accepted',
		...(externalId ? { external_id: externalId } : {}),
	},
});

export function dialContext(items: Parameters[], extra: Partial<ContextOptions> = {}) {
	return executeContext({
		parameters: { resource: 'call', operation: 'dial', callerIdNumber: CALLER },
		items,
		credentials: testCredentials('basic'),
		...extra,
	});
}

export async function runDial(items: Parameters[], extra: Partial<ContextOptions> = {}) {
	const fake = dialContext(items, extra);
	const output = await node.execute.call(fake.context);
	return { output: output[0], ...fake };
}

export async function dialError(context: IExecuteFunctions) {
	return await node.execute.call(context).then(
		() => {
			throw new Error('expected the node to fail');
		},
		(error: unknown) => error as NodeApiError | NodeOperationError,
	);
}

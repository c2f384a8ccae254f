import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

export type TelesignVoiceResource = 'call' | 'respond' | 'recording';

/** One operation: gets all input items, returns one or more output items per input item (with pairedItem). */
export type OperationExecute = (
	this: IExecuteFunctions,
	items: INodeExecutionData[],
) => Promise<INodeExecutionData[]>;

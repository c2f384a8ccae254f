import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { OperationExecute } from '../runItems';

import * as dial from './bridge.operation';
import * as hangup from './hangup.operation';
import * as play from './play.operation';
import * as rawAction from './rawAction.operation';
import * as sendDtmf from './sendDtmf.operation';
import * as speak from './speak.operation';

/** One Respond action: its Operation option, its fields, and what it runs (see any `*.operation.ts` here). */
export interface RespondOperation {
	option: INodePropertyOptions;
	description: INodeProperties[];
	execute: OperationExecute;
}

/** Every Respond action. Adding one: its operation file, its line here, its test. */
export const respondOperations: RespondOperation[] = [
	dial,
	hangup,
	play,
	rawAction,
	sendDtmf,
	speak,
];

/** What the router runs for each Operation value. */
export const respondExecutes: Record<string, OperationExecute> = Object.fromEntries(
	respondOperations.map((operation) => [operation.option.value as string, operation.execute]),
);

export const description: INodeProperties[] = [
	{
		displayName:
			'Only works after a Telesign Voice Trigger whose Respond is not "Immediately": the output is the answer to the trigger\'s event, the next action on that call. Anywhere else nothing happens on any call (the run warns). To call a number and say something, use Call → Dial or Call → Call and Wait for Response.',
		name: 'respondNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['respond'] } },
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['respond'] } },
		// n8n lists options in the order given: alphabetical, as its lint rules ask of literal lists.
		options: respondOperations
			.map((operation) => operation.option)
			.sort((a, b) => a.name.localeCompare(b.name)),
		default: 'speak',
	},
	...respondOperations.flatMap((operation) => operation.description),
];

/**
 * How operations walk their items: every item is read and validated first (an invalid item never sends
 * anything), then the credential is checked once, then the items run; with "Continue On Fail" a failing item
 * becomes an error item and the others go on, otherwise the first failure stops the node.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { TELESIGN_CREDENTIAL, readCredentials } from '../../shared/telesign/credentials';
import type { NodeError } from './nodeErrors';
import { errorItem, toNodeError } from './nodeErrors';

/** One operation: gets all input items, returns one or more output items per input item (with pairedItem). */
export type OperationExecute = (
	this: IExecuteFunctions,
	items: INodeExecutionData[],
) => Promise<INodeExecutionData[]>;

/** The "Options" collection of an item (always an object). */
export function getOptions(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const options = this.getNodeParameter('options', itemIndex, {});
	return options !== null && typeof options === 'object' && !Array.isArray(options)
		? (options as IDataObject)
		: {};
}

/**
 * Reads and checks the Telesign Voice API credential once, before any request: a missing or broken credential
 * must not look like a request that failed in flight (for a dial that would read "the call may have been placed").
 */
export async function checkCredentials(
	this: IExecuteFunctions,
): Promise<NodeOperationError | undefined> {
	let credentials;
	try {
		credentials = await this.getCredentials(TELESIGN_CREDENTIAL);
	} catch (error) {
		return new NodeOperationError(
			this.getNode(),
			`The Telesign Voice API credential could not be read: ${(error as Error).message}`,
			{
				description:
					'Select a Telesign Voice API credential for this node. Nothing was sent to Telesign.',
			},
		);
	}
	try {
		readCredentials(credentials);
	} catch (error) {
		return new NodeOperationError(
			this.getNode(),
			`The Telesign Voice API credential is not usable: ${(error as Error).message}`,
			{ description: 'Open the credential and fix it. Nothing was sent to Telesign.' },
		);
	}
	return undefined;
}

/** How an operation prepares its items and what it does with the ones that fail before anything is sent. */
export interface PreparePhase<P> {
	/** Reads and validates one item; undefined leaves the item out (e.g. a dial an earlier try already sent). */
	prepare: (itemIndex: number) => P | undefined;
	/** Records an item that failed validation, or whose credential is unusable (then with what it prepared). */
	fail: (itemIndex: number, error: NodeError, prepared?: P) => void;
	/** The error the node stops with when "Continue On Fail" is off (default: the failure itself). */
	stop?: (failure: NodeError) => NodeError;
}

/**
 * Prepares every item, then checks the credential once if anything is to be sent. Returns the prepared items
 * (none when the credential is unusable); failures go to `fail`, or stop the node without Continue On Fail.
 */
export async function prepareItems<P>(
	context: IExecuteFunctions,
	count: number,
	phase: PreparePhase<P>,
): Promise<Map<number, P>> {
	const continueOnFail = context.continueOnFail();
	const stop = phase.stop ?? ((failure: NodeError) => failure);
	const prepared = new Map<number, P>();
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		try {
			const value = phase.prepare(itemIndex);
			if (value !== undefined) prepared.set(itemIndex, value);
		} catch (error) {
			const nodeError = toNodeError(context.getNode(), error, itemIndex);
			if (!continueOnFail) throw stop(nodeError);
			phase.fail(itemIndex, nodeError);
		}
	}
	if (prepared.size === 0) return prepared;
	const credentialError = await checkCredentials.call(context);
	if (credentialError === undefined) return prepared;
	if (!continueOnFail) throw stop(credentialError);
	for (const [itemIndex, value] of prepared) phase.fail(itemIndex, credentialError, value);
	return new Map();
}

function safeErrorFields(
	errorFields: (itemIndex: number) => IDataObject,
	itemIndex: number,
): IDataObject {
	try {
		return errorFields(itemIndex);
	} catch {
		// The fields only decorate an error item; a parameter that cannot be read simply stays out.
		return {};
	}
}

/** The output items of an operation that gives JSON only (pairedItem is set by runEachItemData). */
const jsonItems = (result: IDataObject | IDataObject[]): INodeExecutionData[] =>
	(Array.isArray(result) ? result : [result]).map((json) => ({ json }));

/**
 * Runs an operation item by item (in order). Each item gives one or more output objects; an item that already
 * failed (`failures`) becomes its error item.
 */
export async function runEachItem(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	run: (itemIndex: number) => Promise<IDataObject | IDataObject[]>,
	errorFields: (itemIndex: number) => IDataObject = () => ({}),
	failures: ReadonlyMap<number, NodeError> = new Map(),
): Promise<INodeExecutionData[]> {
	return await runEachItemData.call(
		this,
		items,
		async (itemIndex) => jsonItems(await run(itemIndex)),
		errorFields,
		failures,
	);
}

/** As runEachItem, for operations whose output items carry more than JSON (binary data); pairedItem is set here. */
export async function runEachItemData(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	run: (itemIndex: number) => Promise<INodeExecutionData[]>,
	errorFields: (itemIndex: number) => IDataObject = () => ({}),
	failures: ReadonlyMap<number, NodeError> = new Map(),
): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const failure = failures.get(itemIndex);
		if (failure) {
			output.push(errorItem(failure, itemIndex, safeErrorFields(errorFields, itemIndex)));
			continue;
		}
		try {
			for (const item of await run(itemIndex))
				output.push({ ...item, pairedItem: { item: itemIndex } });
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, itemIndex);
			if (!this.continueOnFail()) throw nodeError;
			output.push(errorItem(nodeError, itemIndex, safeErrorFields(errorFields, itemIndex)));
		}
	}
	return output;
}

/**
 * Runs an operation that calls Telesign: prepareItems, then each item in order. (Takes the context as a
 * parameter: `.call` would lose the type of P.)
 */
export async function runApiOperation<P>(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	prepare: (itemIndex: number) => P,
	run: (itemIndex: number, prepared: P) => Promise<IDataObject | IDataObject[]>,
	errorFields: (itemIndex: number) => IDataObject = () => ({}),
): Promise<INodeExecutionData[]> {
	const asItems = async (itemIndex: number, prepared: P) =>
		jsonItems(await run(itemIndex, prepared));
	return await runApiOperationItems(context, items, prepare, asItems, errorFields);
}

/** As runApiOperation, for operations whose output items carry more than JSON (Recording → Download). */
export async function runApiOperationItems<P>(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	prepare: (itemIndex: number) => P,
	run: (itemIndex: number, prepared: P) => Promise<INodeExecutionData[]>,
	errorFields: (itemIndex: number) => IDataObject = () => ({}),
): Promise<INodeExecutionData[]> {
	const failures = new Map<number, NodeError>();
	const prepared = await prepareItems(context, items.length, {
		prepare,
		fail: (itemIndex, error) => failures.set(itemIndex, error),
	});
	return await runEachItemData.call(
		context,
		items,
		async (itemIndex) => await run(itemIndex, prepared.get(itemIndex) as P),
		errorFields,
		failures,
	);
}

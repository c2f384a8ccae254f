/**
 * A fake IExecuteFunctions for the Telesign Voice action node: per-item parameters, "Continue On Fail",
 * credentials, a request helper that either records requests or is given by the test, sendResponse and a logger.
 */
import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	NodeExecutionHint,
	NodeTypeAndVersion,
} from 'n8n-workflow';

export type Parameters = Record<string, unknown>;
export type HttpReply =
	| { statusCode: number; headers?: Record<string, unknown>; body?: unknown }
	| Error;

export interface ContextOptions {
	/** Parameters shared by every item (resource, operation, …). */
	parameters: Parameters;
	/** Per-item parameters, merged over `parameters`; its length is the number of input items. */
	items?: Parameters[];
	continueOnFail?: boolean;
	/** The credential; null = none set (getCredentials throws). */
	credentials?: ICredentialDataDecryptedObject | null;
	/** Answers of the request helper, in order, or a function that answers each request. */
	http?: HttpReply[] | ((options: IHttpRequestOptions) => Promise<unknown>);
	/** 'missing' = the context has no sendResponse (e.g. a tool run); a function = its implementation. */
	sendResponse?: 'missing' | ((response: unknown) => Promise<void>);
	/** The nodes upstream of this one (getParentNodes); 'missing' = the context has no getParentNodes. */
	parents?: NodeTypeAndVersion[] | 'missing';
}

export const NODE: INode = {
	id: 'node-1',
	name: 'Telesign Voice',
	type: 'n8n-nodes-telesign-voice.telesignVoice',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

type RecordedRequest = { credentialType: string; options: IHttpRequestOptions };

/** httpRequestWithAuthentication: records each request and answers from `options.http`. */
function fakeHttpRequest(options: ContextOptions, requests: RecordedRequest[]) {
	const replies = Array.isArray(options.http) ? [...options.http] : undefined;
	return jest.fn(async function (
		this: unknown,
		credentialType: string,
		requestOptions: IHttpRequestOptions,
	) {
		requests.push({ credentialType, options: requestOptions });
		if (typeof options.http === 'function') return await options.http(requestOptions);
		const reply = replies?.shift();
		if (reply === undefined) throw new Error('the test gave no answer for this request');
		if (reply instanceof Error) throw reply;
		return { headers: {}, ...reply };
	});
}

/** getNodeParameter over the shared parameters and the item's own, with n8n's fallback and extractValue. */
function fakeGetNodeParameter(options: ContextOptions, items: Parameters[]) {
	return function getNodeParameter(
		name: string,
		itemIndex: number,
		...rest: [unknown?, { extractValue?: boolean }?]
	) {
		const [fallback, parameterOptions] = rest;
		const values = { ...options.parameters, ...(items[itemIndex] ?? {}) };
		let value = Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined;
		if (value === undefined) {
			if (rest.length >= 1) return fallback;
			throw new Error(`Could not get parameter "${name}"`);
		}
		if (
			parameterOptions?.extractValue &&
			value !== null &&
			typeof value === 'object' &&
			'__rl' in value
		) {
			value = (value as unknown as { value: unknown }).value;
		}
		return value;
	};
}

export function executeContext(options: ContextOptions) {
	const items = options.items ?? [{}];
	const inputData: INodeExecutionData[] = items.map((_, index) => ({ json: { index } }));
	const requests: RecordedRequest[] = [];
	const sendResponse = jest.fn<Promise<void>, [unknown]>(
		typeof options.sendResponse === 'function' ? options.sendResponse : async () => {},
	);
	const debug = jest.fn();
	const hints: NodeExecutionHint[] = [];
	const getParentNodes = jest.fn<
		NodeTypeAndVersion[],
		[string, { includeNodeParameters?: boolean }?]
	>(() => (Array.isArray(options.parents) ? options.parents : []));
	const getCredentials = jest.fn(async (type: string) => {
		if (options.credentials === null || options.credentials === undefined) {
			throw new Error(`Node "${NODE.name}" does not have any credentials of type "${type}" set`);
		}
		return options.credentials;
	});
	const httpRequestWithAuthentication = fakeHttpRequest(options, requests);

	const context = {
		getNode: () => NODE,
		getInputData: () => inputData,
		continueOnFail: () => options.continueOnFail ?? false,
		getNodeParameter: fakeGetNodeParameter(options, items),
		getCredentials,
		helpers: { httpRequestWithAuthentication },
		logger: { debug, info: jest.fn(), warn: jest.fn(), error: jest.fn() },
		...(options.sendResponse === 'missing' ? {} : { sendResponse }),
		...(options.parents === 'missing' ? {} : { getParentNodes }),
		addExecutionHints: (...added: NodeExecutionHint[]) => hints.push(...added),
	};
	return {
		context: context as unknown as IExecuteFunctions,
		requests,
		sendResponse,
		debug,
		hints,
		getParentNodes,
		getCredentials,
		httpRequestWithAuthentication,
	};
}

/** Test credentials; the key is base64 text, built at run time (no secret-looking literal in the source). */
export function testCredentials(
	authMethod: 'basic' | 'digest',
	baseUrl = 'https://rest-ww.telesign.com',
): { customerId: string; apiKey: string; authMethod: 'basic' | 'digest'; baseUrl: string } {
	return {
		customerId: 'FFFFFFFF-EEEE-DDDD-1234-AB1234567890',
		apiKey: Buffer.from('unit test key material').toString('base64'),
		authMethod,
		baseUrl,
	};
}

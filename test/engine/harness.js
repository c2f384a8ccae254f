'use strict';
/**
 * Runs small workflows through n8n-core's own WorkflowExecute (the engine n8n runs workflows with), the way
 * n8n's node test harness does, but without n8n-nodes-base or a database: the node types are this package's
 * nodes plus two tiny test nodes (a start node that emits the given items and a pass-through node), and the
 * credentials helper applies the package's credential exactly as n8n's CredentialsHelper does (it calls the
 * credential type's authenticate() with the request options).
 *
 * Expressions: n8n 2.41's CLI starts the "vm" engine (N8N_EXPRESSION_ENGINE, default "vm": expressions run in
 * isolated-vm, through @n8n/expression-runtime) with Expression.initExpressionEngine(); n8n-workflow alone
 * evaluates with "legacy". ENGINE_TEST_EXPRESSION_ENGINE=vm starts the vm engine as n8n's CLI does, with n8n's
 * default settings (`npm test` runs the engine tests so under Node 24, whose isolated-vm prebuild loads; see
 * scripts/test.js); otherwise the harness selects "legacy", which runs on Node 20 without a native build. Either
 * way it checks the engine is the active one. Executions acquire their isolate in WorkflowExecute; webhooks get
 * one here as n8n's live and waiting webhook handlers do.
 */
const { Expression, Workflow } = require('n8n-workflow');
const {
	ExecutionLifecycleHooks,
	HookContext,
	PollContext,
	WebhookContext,
	WorkflowExecute,
} = require('n8n-core');

const { TelesignVoice } = require('../../nodes/TelesignVoice/TelesignVoice.node');
const {
	TelesignVoiceTrigger,
} = require('../../nodes/TelesignVoiceTrigger/TelesignVoiceTrigger.node');
const {
	TelesignVoiceRecordingTrigger,
} = require('../../nodes/TelesignVoiceRecordingTrigger/TelesignVoiceRecordingTrigger.node');
const { TelesignVoiceApi } = require('../../credentials/TelesignVoiceApi.credentials');

// n8n-core's logger (its own copies of @n8n/di and @n8n/backend-common) would print every node error: quiet.
const fromCore = (name) => require(require.resolve(name, { paths: [require.resolve('n8n-core')] }));
const coreLogger = fromCore('@n8n/di').Container.get(fromCore('@n8n/backend-common').Logger);
coreLogger.internalLogger.silent = true;

const EXPRESSION_ENGINE = process.env.ENGINE_TEST_EXPRESSION_ENGINE || 'legacy';
if (EXPRESSION_ENGINE === 'vm') {
	// n8n 2.41's defaults (@n8n/config ExpressionEngineConfig), passed as its base command passes them.
	beforeAll(async () => {
		await Expression.initExpressionEngine({
			engine: 'vm',
			poolSize: 1,
			maxCodeCacheSize: 1024,
			bridgeTimeout: 5000,
			bridgeMemoryLimit: 128,
			lazyAcquire: false,
			compileCache: false,
		});
		if (Expression.getActiveImplementation() !== 'vm')
			throw new Error('the vm expression engine is not active');
	});
	afterAll(async () => await Expression.disposeExpressionEngine());
} else if (EXPRESSION_ENGINE === 'legacy') {
	Expression.setExpressionEngine('legacy');
	if (Expression.getActiveImplementation() !== 'legacy')
		throw new Error('the legacy expression engine is not active');
} else {
	throw new Error(
		`ENGINE_TEST_EXPRESSION_ENGINE must be "legacy" or "vm", not "${EXPRESSION_ENGINE}"`,
	);
}

const PACKAGE = 'n8n-nodes-telesign-voice';
const TELESIGN_NODE = `${PACKAGE}.telesignVoice`;
const TRIGGER_NODE = `${PACKAGE}.telesignVoiceTrigger`;
const RECORDING_TRIGGER_NODE = `${PACKAGE}.telesignVoiceRecordingTrigger`;
const START_NODE = 'test.start';
const PASS_NODE = 'test.pass';

/** A start node (like n8n's Manual Trigger) that emits the items given in its "items" parameter (JSON). */
class StartNode {
	description = {
		displayName: 'Start',
		name: 'start',
		group: ['trigger'],
		version: 1,
		description: 'test start',
		defaults: { name: 'Start' },
		inputs: [],
		outputs: ['main'],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	};

	async execute() {
		const items = JSON.parse(this.getNodeParameter('items', 0));
		return [items.map((json) => ({ json }))];
	}
}

/**
 * A pass-through node: outputs every input item with the value of its "seen" parameter added, which tests set
 * to an expression such as `$('Start').item.json.name` so that n8n resolves it through pairedItem.
 */
class PassNode {
	description = {
		displayName: 'Pass',
		name: 'pass',
		group: ['transform'],
		version: 1,
		description: 'test pass-through',
		defaults: { name: 'Pass' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [{ displayName: 'Seen', name: 'seen', type: 'string', default: '' }],
	};

	async execute() {
		return [
			this.getInputData().map((item, index) => ({
				json: { ...item.json, seen: this.getNodeParameter('seen', index, '') },
				pairedItem: { item: index },
			})),
		];
	}
}

/**
 * Stands in for n8n's HTTP Request node (n8n-nodes-base is not a dependency) with a predefined credential type:
 * it sends its "request" parameter (JSON) through n8n-core's own helpers, as that node does — the legacy
 * request path (`requestWithAuthentication`, options with `uri`, `qs`, `body`, `json`) or the current one
 * (`httpRequestWithAuthentication`, options with `url`) — so n8n-core passes those shapes to the credential.
 */
class HttpRequestNode {
	description = {
		displayName: 'HTTP Request (test)',
		name: 'httpRequest',
		group: ['output'],
		version: 1,
		description: 'test request through n8n-core helpers',
		defaults: { name: 'HTTP Request' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'telesignVoiceApi', required: true }],
		properties: [
			{ displayName: 'Helper', name: 'helper', type: 'string', default: 'legacy' },
			{ displayName: 'Request', name: 'request', type: 'json', default: '{}' },
		],
	};

	async execute() {
		const output = [];
		for (let index = 0; index < this.getInputData().length; index++) {
			const request = JSON.parse(this.getNodeParameter('request', index));
			const response =
				this.getNodeParameter('helper', index) === 'legacy'
					? await this.helpers.requestWithAuthentication.call(
							this,
							'telesignVoiceApi',
							request,
							undefined,
							index,
						)
					: await this.helpers.httpRequestWithAuthentication.call(
							this,
							'telesignVoiceApi',
							request,
						);
			output.push({ json: { response }, pairedItem: { item: index } });
		}
		return [output];
	}
}
const HTTP_NODE = 'test.httpRequest';

const nodeTypeClasses = {
	[TELESIGN_NODE]: TelesignVoice,
	[TRIGGER_NODE]: TelesignVoiceTrigger,
	[RECORDING_TRIGGER_NODE]: TelesignVoiceRecordingTrigger,
	[START_NODE]: StartNode,
	[PASS_NODE]: PassNode,
	[HTTP_NODE]: HttpRequestNode,
};

const nodeTypes = {
	getByName(type) {
		return new nodeTypeClasses[type]();
	},
	getByNameAndVersion(type) {
		const NodeType = nodeTypeClasses[type];
		if (!NodeType) throw new Error(`unknown node type ${type}`);
		return new NodeType();
	},
	getKnownTypes() {
		return {};
	},
};

/** What n8n's CredentialsHelper does for this package's credential: decrypt (here: return) and authenticate(). */
function credentialsHelper(credentials) {
	const type = new TelesignVoiceApi();
	return {
		getParentTypes: () => [],
		isCredentialUsableByNode: () => true,
		async authenticate(data, typeName, requestOptions) {
			if (typeName !== type.name) throw new Error(`unexpected credential type ${typeName}`);
			return await type.authenticate(data, requestOptions);
		},
		async preAuthentication() {
			return undefined;
		},
		async runPreAuthentication() {
			return undefined;
		},
		async getCredentials() {
			throw new Error('not used');
		},
		async getDecrypted(_additionalData, _nodeCredentials, typeName) {
			if (typeName !== type.name) throw new Error(`unexpected credential type ${typeName}`);
			return { ...credentials };
		},
		async updateCredentials() {},
		async updateCredentialsOauthTokenData() {},
		getCredentialsProperties: () => type.properties,
	};
}

/**
 * Builds a workflow Start → Telesign Voice (→ Pass on output 0, → Errors on the error output when On Error is
 * "continueErrorOutput").
 * @param {object} o
 * @param {object[]} o.items the items Start emits
 * @param {object} o.parameters the Telesign Voice node's parameters
 * @param {object} [o.settings] node settings: onError, retryOnFail, maxTries, waitBetweenTries
 * @param {string} [o.seen] the Pass nodes' "seen" parameter
 */
function dialWorkflow({ items, parameters, settings = {}, seen = '' }) {
	const nodes = [
		{
			id: 'n-start',
			name: 'Start',
			type: START_NODE,
			typeVersion: 1,
			position: [0, 0],
			parameters: { items: JSON.stringify(items) },
		},
		{
			id: 'n-telesign',
			name: 'Telesign Voice',
			type: TELESIGN_NODE,
			typeVersion: 1,
			position: [200, 0],
			parameters,
			credentials: { telesignVoiceApi: { id: 'cred-1', name: 'Telesign' } },
			...settings,
		},
		{
			id: 'n-pass',
			name: 'Pass',
			type: PASS_NODE,
			typeVersion: 1,
			position: [400, 0],
			parameters: { seen },
		},
		{
			id: 'n-errors',
			name: 'Errors',
			type: PASS_NODE,
			typeVersion: 1,
			position: [400, 200],
			parameters: { seen },
		},
	];
	const telesignOutputs = [[{ node: 'Pass', type: 'main', index: 0 }]];
	if (settings.onError === 'continueErrorOutput')
		telesignOutputs.push([{ node: 'Errors', type: 'main', index: 0 }]);
	const connections = {
		Start: { main: [[{ node: 'Telesign Voice', type: 'main', index: 0 }]] },
		'Telesign Voice': { main: telesignOutputs },
	};
	return { nodes, connections };
}

/** What n8n's WorkflowExecuteAdditionalData holds that these nodes and n8n-core read. */
function newAdditionalData({ hooks, executionId, credentials }) {
	return {
		hooks,
		executionId,
		credentialsHelper: credentialsHelper(credentials),
		currentNodeParameters: undefined,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		variables: {},
		userId: 'user-1',
	};
}

/** A workflow with only a Telesign Voice Trigger with the given parameters. */
function triggerWorkflow(parameters) {
	const trigger = {
		id: 'n-trigger',
		name: 'Telesign Voice Trigger',
		type: TRIGGER_NODE,
		typeVersion: 1.1,
		position: [0, 0],
		webhookId: 'hook-1',
		parameters,
		credentials: { telesignVoiceApi: { id: 'cred-1', name: 'Telesign' } },
	};
	const workflow = new Workflow({
		id: 'wf-t',
		name: 'trigger test',
		nodes: [trigger],
		connections: {},
		nodeTypes,
		active: true,
		settings: {},
	});
	return { workflow, trigger };
}

/** An express-like response that records what a webhook wrote (status, headers, body). */
function fakeResponse() {
	const reply = { status: undefined, body: undefined, headers: {} };
	const res = {
		setHeader: (name, value) => (reply.headers[name.toLowerCase()] = value),
		status(code) {
			reply.status = code;
			return res;
		},
		type: () => res,
		json(body) {
			reply.body = body;
			return res;
		},
		send(body) {
			reply.body = body;
			return res;
		},
		end() {},
	};
	return { res, reply };
}

/**
 * Calls a node's webhook() in n8n-core's own WebhookContext, with an express-like request and response, as n8n's
 * webhook server does (`runExecutionData` with `waiting: true`: the waiting execution's data, as n8n hands it to a
 * waiting node's webhook).
 * Returns what webhook() returned and what was written to the response.
 */
/**
 * The execution data a waiting node's webhook runs with in n8n 2.41 (packages/cli/src/webhooks/
 * waiting-webhooks.ts, getWebhookExecutionData): read back from the database (a JSON copy), the wait cleared, and
 * the waiting node's last run removed (preserveInputOverride keeps only its inputOverride, if any).
 */
function asWaitingWebhookSeesIt(runExecutionData) {
	const data = JSON.parse(JSON.stringify(runExecutionData));
	data.waitTill = undefined;
	const runs = data.resultData.runData[data.resultData.lastNodeExecuted];
	const popped = runs.pop();
	if (popped?.inputOverride)
		runs.push({
			startTime: 0,
			executionTime: 0,
			executionIndex: 0,
			source: popped.source,
			inputOverride: popped.inputOverride,
		});
	return data;
}

async function callWebhook({
	workflow,
	node,
	nodeType,
	credentials,
	request,
	runExecutionData = null,
	executionId,
	waiting = false,
}) {
	if (waiting) runExecutionData = asWaitingWebhookSeesIt(runExecutionData);
	const { res, reply } = fakeResponse();
	const additionalData = {
		...newAdditionalData({ executionId, credentials }),
		httpRequest: request,
		httpResponse: res,
	};
	const webhookData = {
		httpMethod: 'POST',
		node: node.name,
		path: node.webhookId ?? node.id,
		webhookDescription: {},
		workflowId: workflow.id,
	};
	const context = new WebhookContext(
		workflow,
		node,
		additionalData,
		'webhook',
		webhookData,
		[],
		runExecutionData,
	);
	const result = await workflow.expression.withIsolate(
		async () => await nodeType.webhook.call(context),
	);
	return { result, reply };
}

/** The trigger's webhook() for one request (see callWebhook). */
async function callTriggerWebhook({ parameters, credentials, request }) {
	const { workflow, trigger } = triggerWorkflow(parameters);
	return await callWebhook({
		workflow,
		node: trigger,
		nodeType: new TelesignVoiceTrigger(),
		credentials,
		request,
	});
}

/** Runs the trigger's activation check (webhookMethods.default.checkExists, what n8n's WebhookService calls first) in n8n-core's own HookContext. */
async function activateTrigger({ parameters, credentials }) {
	const { workflow, trigger } = triggerWorkflow(parameters);
	const additionalData = newAdditionalData({ executionId: undefined, credentials });
	const context = new HookContext(workflow, trigger, additionalData, 'trigger', 'activate');
	return await workflow.expression.withIsolate(
		async () => await new TelesignVoiceTrigger().webhookMethods.default.checkExists.call(context),
	);
}

/**
 * One poll of the Recording Trigger in n8n-core's own PollContext, on a workflow whose static data is `staticData`
 * (what n8n keeps in the database between polls): returns what poll() returned.
 */
async function pollRecordingTrigger({
	parameters,
	credentials,
	staticData = {},
	mode = 'trigger',
}) {
	const node = {
		id: 'n-rec',
		name: 'On New Call Recording',
		type: RECORDING_TRIGGER_NODE,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: { telesignVoiceApi: { id: 'cred-1', name: 'Telesign' } },
	};
	const workflow = new Workflow({
		id: 'wf-r',
		name: 'recording trigger',
		nodes: [node],
		connections: {},
		nodeTypes,
		active: true,
		settings: {},
		staticData,
	});
	const context = new PollContext(
		workflow,
		node,
		newAdditionalData({ executionId: undefined, credentials }),
		mode,
		'trigger',
	);
	const result = await new TelesignVoiceRecordingTrigger().poll.call(context);
	return { result, staticData: workflow.staticData };
}

/** Start → HTTP Request (test) with the given request options. */
function httpRequestWorkflow(request, helper = 'legacy') {
	return {
		nodes: [
			{
				id: 'n-start',
				name: 'Start',
				type: START_NODE,
				typeVersion: 1,
				position: [0, 0],
				parameters: { items: '[{}]' },
			},
			{
				id: 'n-http',
				name: 'HTTP Request',
				type: HTTP_NODE,
				typeVersion: 1,
				position: [200, 0],
				parameters: { helper, request: JSON.stringify(request) },
				credentials: { telesignVoiceApi: { id: 'cred-1', name: 'Telesign' } },
			},
		],
		connections: { Start: { main: [[{ node: 'HTTP Request', type: 'main', index: 0 }]] } },
	};
}

/**
 * Runs a workflow through WorkflowExecute.processRunExecutionData.
 * `sendResponse` is the handler of the execution's sendResponse hook (what answers a waiting webhook).
 * @returns {{ promise: Promise<object>, cancel: () => void }} the IRun when it finished; cancel() stops the
 *   execution as n8n does when a user stops it (PCancelable.cancel → the execution's abort signal).
 */
function runWorkflow({
	nodes,
	connections,
	credentials,
	executionId = 'exec-1',
	mode = 'manual',
	runExecutionData,
	sendResponse,
}) {
	const workflow = new Workflow({
		id: 'wf-1',
		name: 'engine test',
		nodes,
		connections,
		nodeTypes,
		active: false,
		settings: {},
	});
	const hooks = new ExecutionLifecycleHooks(mode, executionId, {
		id: 'wf-1',
		name: 'engine test',
		nodes,
		connections,
		active: false,
		settings: {},
	});
	// n8n answers a waiting webhook request from this hook (the node's sendResponse runs it).
	if (sendResponse) hooks.addHandler('sendResponse', sendResponse);
	// What n8n's WorkflowExecuteAdditionalData holds that these nodes and the engine read.
	const additionalData = newAdditionalData({ hooks, executionId, credentials });
	const start = workflow.getNode('Start');
	const data = runExecutionData ?? {
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [{ node: start, data: { main: [[{ json: {} }]] }, source: null }],
		},
	};
	const execute = new WorkflowExecute(additionalData, mode, data);
	const cancelable = execute.processRunExecutionData(workflow);
	return {
		promise: cancelable,
		cancel: () => cancelable.cancel(),
		runExecutionData: data,
	};
}

/** The items of one output of a node's run (runIndex 0 unless given). */
function outputOf(run, nodeName, outputIndex = 0, runIndex = 0) {
	const task = run.data.resultData.runData[nodeName]?.[runIndex];
	return task?.data?.main?.[outputIndex] ?? [];
}

/**
 * A relay request to the waiting Telesign Voice node's webhook, signed as the trigger signs it (kind 'event' or
 * 'timeLimit'; `relayMs`: the relay's own timestamp), over the run as n8n saved it while waiting.
 */
async function postToWaitingNode({
	wf,
	runData,
	credentials,
	signature,
	raw,
	kind = 'event',
	relayMs = Date.now(),
}) {
	const { deriveRelayKey, signRelay } = require('../../nodes/shared/relay');
	const key = deriveRelayKey(credentials.apiKey, credentials.customerId);
	const request = {
		method: 'POST',
		headers: signRelay(key, kind, raw, relayMs),
		query: { signature },
		rawBody: raw,
		body: {},
	};
	const workflow = new Workflow({
		id: 'wf-1',
		name: 'engine test',
		nodes: wf.nodes,
		connections: wf.connections,
		nodeTypes,
		active: false,
		settings: {},
	});
	const { result, reply } = await callWebhook({
		workflow,
		node: workflow.getNode('Telesign Voice'),
		nodeType: new TelesignVoice(),
		credentials,
		request,
		runExecutionData: runData,
		waiting: true,
		executionId: 'exec-1',
	});
	return { result, reply, key };
}

module.exports = {
	EXPRESSION_ENGINE,
	callWebhook,
	postToWaitingNode,
	callTriggerWebhook,
	activateTrigger,
	pollRecordingTrigger,
	httpRequestWorkflow,
	dialWorkflow,
	runWorkflow,
	outputOf,
	TELESIGN_NODE,
	START_NODE,
	PASS_NODE,
	nodeTypes,
};

'use strict';
/** Small builders and readers for workflows and executions used by the e2e suites. */
const crypto = require('crypto');

const TRIGGER_TYPE = 'n8n-nodes-telesign-voice.telesignVoiceTrigger';
const ACTION_TYPE = 'n8n-nodes-telesign-voice.telesignVoice';

let position = 0;
function nextPosition() {
	position += 220;
	return [position, 300];
}

/** A Telesign Voice Trigger node (signature verification with the workflow's Telesign credential). */
function telesignTrigger(name, parameters = {}) {
	return {
		id: crypto.randomUUID(),
		name,
		type: TRIGGER_TYPE,
		typeVersion: 1,
		position: nextPosition(),
		webhookId: crypto.randomUUID(),
		parameters: {
			events: ['*'],
			authentication: 'telesignSignature',
			respond: 'lastNode',
			...parameters,
		},
		credentials: { telesignVoiceApi: { id: 'set-by-test', name: 'set-by-test' } },
	};
}

/** A Telesign Voice node with resource "respond" and the given operation. */
function respondNode(name, operation, parameters = {}) {
	return {
		id: crypto.randomUUID(),
		name,
		type: ACTION_TYPE,
		typeVersion: 1,
		position: nextPosition(),
		parameters: { resource: 'respond', operation, ...parameters },
	};
}

/**
 * Copies a workflow with fresh node ids, webhook ids and webhook paths (suffixed), so it can be active next to
 * the original.
 */
function cloneWorkflow(workflow, suffix) {
	const copy = JSON.parse(JSON.stringify(workflow));
	copy.name = `${workflow.name} (${suffix})`;
	for (const node of copy.nodes) {
		node.id = crypto.randomUUID();
		if (node.webhookId) node.webhookId = crypto.randomUUID();
		if (node.type === 'n8n-nodes-base.webhook')
			node.parameters.path = `${node.parameters.path}-${suffix}`;
	}
	return copy;
}

/** Tracks the executions of a workflow that start after this call. */
async function newExecutions(n8n, workflowId) {
	const existing = new Set(
		(await n8n.executions(workflowId, { includeData: false })).map((e) => e.id),
	);
	const fresh = async (includeData) =>
		(await n8n.executions(workflowId, { includeData })).filter((e) => !existing.has(e.id));
	return {
		/**
		 * Waits for at least n finished new executions; returns them oldest first. With `startNode`, only the
		 * executions that ran that node count: a workflow that also holds a trigger gets the trigger's executions
		 * too (e.g. a late call_completed of an earlier test's call), which must not stand in for the ones awaited.
		 */
		async waitFor(n, timeoutMs = 60_000, startNode = undefined) {
			const started = Date.now();
			for (;;) {
				const list = (await fresh(true)).filter(
					(e) =>
						(e.finished || e.stoppedAt) &&
						(startNode === undefined || nodesRun(e).includes(startNode)),
				);
				if (list.length >= n) return list.sort((a, b) => Number(a.id) - Number(b.id));
				if (Date.now() - started > timeoutMs) {
					throw new Error(
						`workflow ${workflowId}: ${list.length}/${n} new executions${startNode ? ` started at ${startNode}` : ''} after ${timeoutMs} ms`,
					);
				}
				await new Promise((resolve) => setTimeout(resolve, 250));
			}
		},
		async count() {
			return (await fresh(false)).length;
		},
	};
}

/**
 * Waits until a polling trigger's first poll after activation has kept its position in the workflow's static data
 * (the public API's GET /workflows/:id returns it), and returns that position. n8n 2.41 activates a workflow
 * through its publication outbox, after POST /activate has answered: until that first poll has run, a recording
 * dated "now" may be older than the position it takes, and so never new.
 */
async function waitForPollPosition(n8n, workflowId, nodeName, timeoutMs = 60_000) {
	const started = Date.now();
	for (;;) {
		const res = await n8n.api('GET', `/workflows/${workflowId}`);
		const position = res.data.staticData?.[`node:${nodeName}`];
		if (typeof position?.since === 'string') return position;
		if (Date.now() - started > timeoutMs) {
			throw new Error(
				`workflow ${workflowId}: "${nodeName}" kept no poll position within ${timeoutMs} ms (is the workflow active?)`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

function nodesRun(execution) {
	return Object.keys(execution?.data?.resultData?.runData || {});
}

/** First output item JSON of a node in an execution (any output branch). */
function output(execution, nodeName, index = 0) {
	const runs = execution?.data?.resultData?.runData?.[nodeName];
	const main = runs?.[0]?.data?.main || [];
	for (const branch of main) if (branch && branch[index]) return branch[index].json;
	return undefined;
}

/**
 * Webhook "Alert In" (POST, answered at once) → Telesign Voice "Call and Wait" (Call → Call and Wait for Response
 * to $json.body.to, speaking $json.body.message, from `callerId`, with `credential`), `parameters` on top.
 * Returns the workflow and its webhook path.
 */
function callAndWaitWorkflow(
	name,
	{ callerId, credential, parameters = {}, extraNodes = [], extraConnections = {}, settings } = {},
) {
	const path = `cw-${crypto.randomUUID()}`;
	const webhook = {
		id: crypto.randomUUID(),
		name: 'Alert In',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: crypto.randomUUID(),
		parameters: { httpMethod: 'POST', path, responseMode: 'onReceived' },
	};
	const call = {
		id: crypto.randomUUID(),
		name: 'Call and Wait',
		type: ACTION_TYPE,
		typeVersion: 1,
		position: [220, 0],
		parameters: {
			resource: 'call',
			operation: 'sendAndWait',
			to: '={{ $json.body.to }}',
			callerIdNumber: callerId,
			message: '={{ $json.body.message }}',
			...parameters,
		},
		credentials: { telesignVoiceApi: credential },
	};
	const workflow = {
		name,
		nodes: [webhook, call, ...extraNodes],
		connections: {
			'Alert In': { main: [[{ node: 'Call and Wait', type: 'main', index: 0 }]] },
			...extraConnections,
		},
		settings,
	};
	return { workflow, path };
}

module.exports = {
	telesignTrigger,
	respondNode,
	callAndWaitWorkflow,
	cloneWorkflow,
	newExecutions,
	waitForPollPosition,
	nodesRun,
	output,
	TRIGGER_TYPE,
	ACTION_TYPE,
};

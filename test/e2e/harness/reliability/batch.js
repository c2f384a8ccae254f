'use strict';
/**
 * "Batch" workflows: the real action node run on a posted list of items, so one HTTP request tries many cases.
 */
const crypto = require('crypto');
const axios = require('axios');

const { ACTION_TYPE } = require('../workflows');

function node(name, type, typeVersion, position, parameters, extra = {}) {
	return { id: crypto.randomUUID(), name, type, typeVersion, position, parameters, ...extra };
}

/**
 * A workflow that runs the Telesign Voice node on the items posted to it: Webhook (POST {cases: [...]},
 * answers with every item of the last node) → Split Out of `cases` → Telesign Voice with `parameters`
 * (expressions such as ={{ $json.to }} read each case). With continueOnFail the node's "On Error" is
 * "Continue" (n8n 2.x: onError = continueRegularOutput), so each failed item becomes an item with `error`.
 * `nodeSettings` are node-level settings such as {retryOnFail: true, maxTries: 3, waitBetweenTries: 0}.
 */
function batchWorkflow(
	name,
	parameters,
	{ continueOnFail = true, credential, nodeSettings = {} } = {},
) {
	const hookPath = `reliability-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${crypto.randomBytes(4).toString('hex')}`;
	const action = node('Telesign Voice', ACTION_TYPE, 1, [440, 0], parameters, {
		onError: continueOnFail ? 'continueRegularOutput' : 'stopWorkflow',
		...nodeSettings,
	});
	if (credential)
		action.credentials = { telesignVoiceApi: { id: credential.id, name: credential.name } };
	const batchIn = node(
		'Batch In',
		'n8n-nodes-base.webhook',
		2,
		[0, 0],
		{
			httpMethod: 'POST',
			path: hookPath,
			responseMode: 'lastNode',
			responseData: 'allEntries',
			options: {},
		},
		{ webhookId: crypto.randomUUID() },
	);
	const split = node('One Item per Case', 'n8n-nodes-base.splitOut', 1, [220, 0], {
		fieldToSplitOut: 'body.cases',
		include: 'noOtherFields',
		options: {},
	});
	return {
		hookPath,
		workflow: {
			name: `Reliability: ${name}`,
			nodes: [batchIn, split, action],
			connections: {
				'Batch In': { main: [[{ node: 'One Item per Case', type: 'main', index: 0 }]] },
				'One Item per Case': { main: [[{ node: 'Telesign Voice', type: 'main', index: 0 }]] },
			},
		},
	};
}

/** Creates and activates a batch workflow; `run(cases)` posts them and resolves {status, data}. */
async function deployBatch(n8n, name, parameters, options = {}) {
	const { workflow, hookPath } = batchWorkflow(name, parameters, options);
	const created = await n8n.createWorkflow(workflow);
	const url = `${n8n.baseUrl}/webhook/${hookPath}`;
	await n8n.waitForWebhook(url);
	return {
		id: created.id,
		name: workflow.name,
		url,
		async run(cases, { timeoutMs = 120_000 } = {}) {
			const res = await axios.post(
				url,
				{ cases },
				{ validateStatus: () => true, timeout: timeoutMs },
			);
			options.onResponse?.(res);
			return { status: res.status, data: res.data };
		},
	};
}

module.exports = { batchWorkflow, deployBatch };

'use strict';
/**
 * Imports the example workflows (examples/*.json) into a running n8n exactly as a user would use them:
 * one Telesign Voice API credential, the Data Table of the call log, and the example workflows, activated.
 * Used by `npm start` (demo) and by the e2e suite, so the examples cannot rot.
 */
const fs = require('fs');
const path = require('path');
const { REPO_ROOT } = require('./install');

const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');

/** The numbers the examples and the simulator agree on (fictitious 555 numbers). */
const DEMO_NUMBERS = {
	callerId: '15550000001', // the number "leased from Telesign" in the simulator
	sales: '15557770000', // the agent the IVR bridges to
	answers: '15551230001',
	busy: '15551230002',
	hangsUp: '15551230003',
	noAnswer: '15551230004',
	presses1: '15551230011',
	presses2: '15551230012',
	presses9: '15551230019',
	callees: {
		15551230002: { answer: 'busy' },
		15551230003: { hangupDuring: 'speak' },
		15551230004: { answer: 'no_answer' },
		15551230011: { digits: ['1'] },
		15551230012: { digits: ['2'] },
		15551230019: { digits: ['9'] },
		15557770000: { talkMs: 200 },
	},
};

const CALL_LOG_TABLE = 'telesign_call_log';
const CALL_LOG_COLUMNS = [
	{ name: 'reference_id', type: 'string' },
	{ name: 'external_id', type: 'string' },
	{ name: 'direction', type: 'string' },
	{ name: 'from', type: 'string' },
	{ name: 'to', type: 'string' },
	{ name: 'status', type: 'string' },
	{ name: 'duration', type: 'number' },
	{ name: 'answered_on_utc', type: 'string' },
	{ name: 'ended_on_utc', type: 'string' },
];

/** The examples, simplest first (the demo imports them in this order). */
const FILES = {
	alert: 'outbound-alert-call.json',
	escalation: 'on-call-escalation.json',
	advancedDial: 'advanced-alert-dial-and-trigger.json',
	ivr: 'inbound-ivr-menu.json',
	callLog: 'call-log-to-data-table.json',
};

function readExample(file) {
	return JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8'));
}

function triggerOf(workflow) {
	return workflow.nodes.find((n) => n.type === 'n8n-nodes-telesign-voice.telesignVoiceTrigger');
}

async function findWorkflowByName(n8n, name) {
	const res = await n8n.api('GET', `/workflows?name=${encodeURIComponent(name)}&limit=50`);
	return res.data.data.find((w) => w.name === name);
}

async function ensureDataTable(n8n) {
	const list = await n8n.api('GET', `/data-tables?limit=100`);
	const existing = (list.data.data || []).find((t) => t.name === CALL_LOG_TABLE);
	return existing || (await n8n.createDataTable(CALL_LOG_TABLE, CALL_LOG_COLUMNS));
}

/**
 * n8n 2.41 refuses to delete a published (active) workflow, and answers 409 for a moment after unpublishing it:
 * without this the demo's second start failed.
 */
async function deleteWorkflow(n8n, workflow) {
	if (workflow.active) await n8n.deactivate(workflow.id);
	const started = Date.now();
	for (;;) {
		const res = await n8n.api('DELETE', `/workflows/${workflow.id}`, undefined, {
			allowStatus: [200, 204, 409],
		});
		if (res.status !== 409) return;
		if (Date.now() - started > 30_000)
			throw new Error(`workflow ${workflow.id} still not deletable: ${JSON.stringify(res.data)}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

/** The URL of an example's Webhook node (where alerts are posted), once n8n has registered it. */
async function alertHookUrl(n8n, workflow) {
	const alertHook = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.webhook');
	const url = `${n8n.baseUrl}/webhook/${alertHook.parameters.path}`;
	await n8n.waitForWebhook(url);
	return url;
}

/**
 * @param {import('./n8n').N8nServer} n8n
 * @param {{simulatorUrl: string, account: {customerId: string, apiKey: string}, authMethod?: 'basic'|'digest',
 *          which?: Array<keyof FILES>, reuse?: boolean}} o
 */
async function importExamples(n8n, o) {
	const credentialName = `Telesign Voice (local simulator${o.authMethod === 'digest' ? ', Digest' : ''})`;
	const credential = await n8n.createCredential(credentialName, 'telesignVoiceApi', {
		customerId: o.account.customerId,
		apiKey: o.account.apiKey,
		authMethod: o.authMethod || 'basic',
		baseUrl: o.simulatorUrl,
	});
	const table = await ensureDataTable(n8n);
	const result = { credentialName, credential, table, workflows: [] };
	for (const key of o.which || Object.keys(FILES)) {
		const workflow = readExample(FILES[key]);
		const existing = o.reuse === false ? undefined : await findWorkflowByName(n8n, workflow.name);
		if (existing) await deleteWorkflow(n8n, existing);
		const created = await n8n.createWorkflow(workflow, {
			credentials: { telesignVoiceApi: credential },
		});
		const trigger = triggerOf(workflow);
		const entry = {
			key,
			name: workflow.name,
			id: created.id,
			workflow,
			webhookUrl: trigger ? n8n.webhookUrl(trigger) : undefined,
		};
		if (entry.webhookUrl) await n8n.waitForWebhook(entry.webhookUrl);
		result.workflows.push(entry);
		if (key === 'alert') {
			result.alertWebhookUrl = entry.webhookUrl;
			result.alertUrl = await alertHookUrl(n8n, workflow);
		}
		if (key === 'advancedDial') {
			result.dialWebhookUrl = entry.webhookUrl;
			result.dialAlertUrl = await alertHookUrl(n8n, workflow);
		}
		if (key === 'escalation') {
			result.escalationWebhookUrl = entry.webhookUrl;
			result.escalationUrl = await alertHookUrl(n8n, workflow);
		}
		if (key === 'ivr') result.ivrWebhookUrl = entry.webhookUrl;
		if (key === 'callLog') result.callLogWebhookUrl = entry.webhookUrl;
	}
	return result;
}

module.exports = {
	importExamples,
	readExample,
	DEMO_NUMBERS,
	CALL_LOG_TABLE,
	CALL_LOG_COLUMNS,
	FILES,
	EXAMPLES_DIR,
};

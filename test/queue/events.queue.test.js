'use strict';
/**
 * Events in queue mode: answered through the webhook processor while the workflow runs on a worker, in
 * lastNode and responseNode mode, and Digest challenges issued by one process answered at another.
 */
const crypto = require('crypto');
const { connectCluster } = require('./harness/context');
const { telesignTrigger, respondNode, newExecutions, output } = require('../e2e/harness/workflows');
const { parseDigestChallenges, digestAuthorization } = require('../e2e/harness/digest');
const { DEFAULT_ACCOUNT, postEvent } = require('../simulator');

const WEBHOOK_USER = 'telesign';
const WEBHOOK_PASSWORD = `queue-suite-${crypto.randomBytes(6).toString('hex')}`;
const WORKERS = ['worker-1', 'worker-2'];

let cluster;
let telesignCredential;
let webhookCredential;
const deployed = [];

function chain(name, nodes) {
	const connections = {};
	for (let i = 0; i < nodes.length - 1; i++)
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return { name, nodes, connections };
}

/** Creates and activates a workflow; returns it with its trigger node and the trigger's URLs at both processes. */
async function deploy(name, nodes, credentials) {
	const workflow = chain(name, nodes);
	const created = await cluster.main.createWorkflow(workflow, { credentials });
	deployed.push(created.id);
	const trigger = nodes[0];
	const urls = {
		webhook: cluster.triggerUrl(trigger, 'webhook'),
		main: cluster.triggerUrl(trigger, 'main'),
	};
	await cluster.main.waitForWebhook(urls.webhook);
	await cluster.main.waitForWebhook(urls.main);
	return { id: created.id, urls };
}

function dialCompleted(reference) {
	return JSON.stringify({
		event: 'dial_completed',
		reference_id: reference,
		external_id: reference,
		data: { status: 'answered', to: '15551230001', from: '15550000001' },
	});
}

const signedBy = { apiKey: DEFAULT_ACCOUNT.apiKey, customerId: DEFAULT_ACCOUNT.customerId };

beforeAll(async () => {
	cluster = connectCluster();
	telesignCredential = await cluster.main.createCredential(
		'Telesign (queue suite)',
		'telesignVoiceApi',
		{
			customerId: DEFAULT_ACCOUNT.customerId,
			apiKey: DEFAULT_ACCOUNT.apiKey,
			authMethod: 'basic',
			baseUrl: 'http://127.0.0.1:9',
		},
	);
	webhookCredential = await cluster.main.createCredential(
		'Telesign webhook (queue suite)',
		'telesignVoiceWebhookAuthApi',
		{
			user: WEBHOOK_USER,
			password: WEBHOOK_PASSWORD,
		},
	);
});

afterAll(async () => {
	for (const id of deployed) await cluster.main.deactivate(id).catch(() => undefined);
});

test('lastNode: a signed event posted to the webhook processor is answered with the Speak action; a worker ran it', async () => {
	const message = 'Queue mode, last node.';
	const flow = await deploy(
		'queue: events lastNode',
		[
			telesignTrigger('Events', { respond: 'lastNode' }),
			respondNode('Speak', 'speak', { message }),
		],
		{ telesignVoiceApi: telesignCredential },
	);
	const since = await newExecutions(cluster.main, flow.id);
	const res = await postEvent(flow.urls.webhook, dialCompleted('QUEUE-LAST'), {
		...signedBy,
		timeoutMs: 30_000,
	});
	expect(res.status).toBe(200);
	expect(JSON.parse(res.body)).toMatchObject({ method: 'speak', params: { tts: { message } } });
	const [run] = await since.waitFor(1);
	expect(run.status).toBe('success');
	expect(output(run, 'Events').reference_id).toBe('QUEUE-LAST');
	expect(cluster.rolesThatRan(run.id)).toEqual([expect.stringMatching(/^worker-/)]);

	// A forged event is refused by the webhook processor itself: 401, no execution anywhere.
	const forged = await postEvent(flow.urls.webhook, dialCompleted('QUEUE-FORGED'), {
		apiKey: Buffer.from('not the key').toString('base64'),
		customerId: DEFAULT_ACCOUNT.customerId,
	});
	expect(forged.status).toBe(401);
	expect(await since.count()).toBe(1);
});

/** The workflow's executions that n8n reports as running (its public API lists them only when asked by status). */
async function runningExecutions(workflowId) {
	const res = await cluster.main.api(
		'GET',
		`/executions?${new URLSearchParams({ workflowId: String(workflowId), status: 'running' })}`,
	);
	return res.data.data;
}

test('responseNode: the answer arrives while the execution still runs (its 5 s Wait); the execution finishes on a worker afterwards', async () => {
	const message = 'Queue mode, respond node.';
	const wait = {
		id: crypto.randomUUID(),
		name: 'Wait 5 s',
		type: 'n8n-nodes-base.wait',
		typeVersion: 1.1,
		position: [900, 300],
		webhookId: crypto.randomUUID(),
		parameters: { resume: 'timeInterval', amount: 5, unit: 'seconds' },
	};
	const flow = await deploy(
		'queue: events responseNode',
		[
			telesignTrigger('Events', { respond: 'responseNode' }),
			respondNode('Speak', 'speak', { message }),
			wait,
		],
		{ telesignVoiceApi: telesignCredential },
	);
	const since = await newExecutions(cluster.main, flow.id);
	const res = await postEvent(flow.urls.webhook, dialCompleted('QUEUE-RESPOND'), {
		...signedBy,
		timeoutMs: 30_000,
	});
	expect(res.status).toBe(200);
	expect(JSON.parse(res.body)).toMatchObject({ method: 'speak', params: { tts: { message } } });
	// Answered by the Respond node, not by the end of the workflow: the execution is still running (in its Wait).
	const running = await runningExecutions(flow.id);
	expect(running.map((e) => e.status)).toEqual(['running']);
	const [run] = await since.waitFor(1, 60_000);
	expect(run.id).toBe(running[0].id);
	expect(run.status).toBe('success');
	expect(Object.keys(run.data.resultData.runData)).toEqual(['Events', 'Speak', 'Wait 5 s']);
	expect(WORKERS).toContain(cluster.rolesThatRan(run.id)[0]);
});

describe('Digest across processes', () => {
	let flow;
	beforeAll(async () => {
		const trigger = telesignTrigger('Events', {
			authentication: 'digestAuth',
			respond: 'lastNode',
		});
		trigger.credentials = {
			telesignVoiceWebhookAuthApi: { id: webhookCredential.id, name: webhookCredential.name },
		};
		flow = await deploy(
			'queue: events Digest',
			[trigger, respondNode('Speak', 'speak', { message: 'Digest in queue mode.' })],
			{},
		);
	});

	/** Gets a challenge at one process and answers it at the other; returns the answer. */
	async function challengeThenAnswer(challengeAt, answerAt, reference) {
		const body = dialCompleted(reference);
		const first = await postEvent(flow.urls[challengeAt], body);
		expect(first.status).toBe(401);
		const sha = parseDigestChallenges(first.headers['www-authenticate']).find(
			(c) => c.algorithm === 'SHA-256',
		);
		expect(sha).toBeDefined();
		const uri = new URL(flow.urls[answerAt]).pathname;
		const authorization = digestAuthorization({
			user: WEBHOOK_USER,
			password: WEBHOOK_PASSWORD,
			realm: sha.realm,
			nonce: sha.nonce,
			uri,
		});
		return postEvent(flow.urls[answerAt], body, {
			headers: { Authorization: authorization },
			timeoutMs: 30_000,
		});
	}

	test('a challenge from main is answered at the webhook processor', async () => {
		const res = await challengeThenAnswer('main', 'webhook', 'QUEUE-DIGEST-1');
		expect(res.status).toBe(200);
		expect(JSON.parse(res.body)).toMatchObject({ method: 'speak' });
	});

	test('a challenge from the webhook processor is answered at main', async () => {
		const res = await challengeThenAnswer('webhook', 'main', 'QUEUE-DIGEST-2');
		expect(res.status).toBe(200);
		expect(JSON.parse(res.body)).toMatchObject({ method: 'speak' });
	});

	test('a wrong password answering a real challenge is refused at the other process', async () => {
		const first = await postEvent(flow.urls.main, dialCompleted('QUEUE-DIGEST-3'));
		const sha = parseDigestChallenges(first.headers['www-authenticate']).find(
			(c) => c.algorithm === 'SHA-256',
		);
		const uri = new URL(flow.urls.webhook).pathname;
		const authorization = digestAuthorization({
			user: WEBHOOK_USER,
			password: `${WEBHOOK_PASSWORD}x`,
			realm: sha.realm,
			nonce: sha.nonce,
			uri,
		});
		const res = await postEvent(flow.urls.webhook, dialCompleted('QUEUE-DIGEST-3'), {
			headers: { Authorization: authorization },
		});
		expect(res.status).toBe(401);
	});
});

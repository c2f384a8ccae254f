'use strict';
/**
 * A burst of signed events in lastNode mode through the webhook processor, with the recommended queue settings
 * (harness/cluster.js RECOMMENDED_QUEUE_ENV on main and webhook processor): every request gets its answer.
 * Without those settings n8n loses a few percent of lastNode answers under load (a Bull race in n8n).
 */
const { connectCluster } = require('./harness/context');
const { telesignTrigger, respondNode } = require('../e2e/harness/workflows');
const { DEFAULT_ACCOUNT, postEvent } = require('../simulator');

const EVENTS = Number(process.env.QUEUE_BURST_EVENTS || 500);
const CONCURRENCY = 16;
// A set-up guard, not a test: the README promises at least 500 events; QUEUE_BURST_EVENTS may only raise it.
if (!Number.isInteger(EVENTS) || EVENTS < 500)
	throw new Error(
		`QUEUE_BURST_EVENTS must be an integer ≥ 500, not ${process.env.QUEUE_BURST_EVENTS}`,
	);
let cluster;
let workflowId;

afterAll(async () => {
	if (workflowId) await cluster.main.deactivate(workflowId).catch(() => undefined);
});

test(`${EVENTS} events at concurrency ${CONCURRENCY}: 0 unanswered, each answered with its own Speak, ${EVENTS} successful executions`, async () => {
	cluster = connectCluster();
	const credential = await cluster.main.createCredential(
		'Telesign (queue burst)',
		'telesignVoiceApi',
		{
			customerId: DEFAULT_ACCOUNT.customerId,
			apiKey: DEFAULT_ACCOUNT.apiKey,
			authMethod: 'basic',
			baseUrl: 'http://127.0.0.1:9',
		},
	);
	const trigger = telesignTrigger('Events', { respond: 'lastNode' });
	const speak = respondNode('Speak', 'speak', { message: '={{ "Burst " + $json.reference_id }}' });
	const created = await cluster.main.createWorkflow(
		{
			name: 'queue: burst',
			nodes: [trigger, speak],
			connections: { Events: { main: [[{ node: 'Speak', type: 'main', index: 0 }]] } },
		},
		{ credentials: { telesignVoiceApi: credential } },
	);
	workflowId = created.id;
	const url = cluster.triggerUrl(trigger);
	await cluster.main.waitForWebhook(url);

	const outcomes = [];
	let next = 0;
	const started = Date.now();
	const worker = async () => {
		while (next < EVENTS) {
			const i = next++;
			const reference = `BURST-${String(i).padStart(4, '0')}`;
			const body = JSON.stringify({
				event: 'dial_completed',
				reference_id: reference,
				data: { status: 'answered' },
			});
			try {
				const res = await postEvent(url, body, {
					apiKey: DEFAULT_ACCOUNT.apiKey,
					customerId: DEFAULT_ACCOUNT.customerId,
					timeoutMs: 60_000,
				});
				const expected =
					res.status === 200 && JSON.parse(res.body).params?.tts?.message === `Burst ${reference}`;
				outcomes.push(expected ? 'answered' : `HTTP ${res.status} ${res.body.slice(0, 120)}`);
			} catch (error) {
				outcomes.push(`unanswered (${error.code || error.message})`);
			}
		}
	};
	await Promise.all(Array.from({ length: CONCURRENCY }, worker));
	const seconds = (Date.now() - started) / 1000;
	process.stderr.write(
		`[queue] burst: ${EVENTS} events in ${seconds.toFixed(1)} s = ${(EVENTS / seconds).toFixed(1)} events/s through one webhook processor\n`,
	);

	const problems = outcomes.filter((o) => o !== 'answered');
	expect(problems).toEqual([]);
	expect(outcomes).toHaveLength(EVENTS);
	const executions = await cluster.main.executions(workflowId, { includeData: false });
	expect(executions).toHaveLength(EVENTS);
	expect(executions.filter((e) => e.status !== 'success')).toEqual([]);
});

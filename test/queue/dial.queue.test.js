'use strict';
/**
 * A batch dial in queue mode: the advanced alert example (examples/advanced-alert-dial-and-trigger.json) gets its alert
 * through the webhook processor, a worker dials every number while the simulator answers 429 to bursts, and
 * the calls' events come back through the webhook processor. Every number is dialed exactly once.
 */
const { connectCluster } = require('./harness/context');
const { importExamples, DEMO_NUMBERS } = require('../e2e/harness/examples');
const { newExecutions, nodesRun } = require('../e2e/harness/workflows');
const { TelesignSimulator, DEFAULT_ACCOUNT } = require('../simulator');

const BATCH = 60;
let cluster;
let sim;
let ex;

beforeAll(async () => {
	cluster = connectCluster();
	sim = new TelesignSimulator({
		ownedNumbers: [DEMO_NUMBERS.callerId],
		callees: DEMO_NUMBERS.callees,
		webhookTimeoutMs: 30_000,
	});
	await sim.start();
	ex = await importExamples(cluster.main, {
		simulatorUrl: sim.url,
		account: DEFAULT_ACCOUNT,
		which: ['advancedDial'],
		reuse: false,
	});
});

afterAll(async () => {
	await sim?.stop();
	for (const w of ex?.workflows || []) await cluster.main.deactivate(w.id).catch(() => undefined);
});

test(`a ${BATCH}-number alert through the webhook processor: dialed on a worker under 429s, each number exactly once`, async () => {
	const outbound = ex.workflows[0];
	const alertUrl = `${cluster.webhookUrl}/webhook/telesign-alert-dial`;
	const eventsUrl = cluster.triggerUrl(
		outbound.workflow.nodes.find((n) => n.name === 'Telesign Events'),
	);
	await cluster.main.waitForWebhook(alertUrl);
	await cluster.main.waitForWebhook(eventsUrl);
	sim.configure({
		webhookUrl: eventsUrl,
		rateLimit: { maxPerWindow: 15, windowMs: 1000, retryAfter: 1 },
	});
	const since = await newExecutions(cluster.main, outbound.id);

	const numbers = Array.from({ length: BATCH }, (_, i) => `1555888${String(i).padStart(4, '0')}`);
	const res = await fetch(alertUrl, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ numbers, message: 'Queue batch alert' }),
		signal: AbortSignal.timeout(180_000),
	});
	expect(res.status).toBe(200);
	const results = await res.json();
	expect(results.map((r) => r.to)).toEqual(numbers);
	expect(results.every((r) => r.status === 'dial_accepted')).toBe(true);

	expect(sim.requests().filter((r) => r.status === 429).length).toBeGreaterThan(0);
	const counts = sim.dialCounts('to');
	for (const number of numbers) expect(counts[number]).toBe(1);
	expect(sim.duplicateDials({ by: 'to' })).toEqual([]);

	// The alert's execution ran on a worker; then every call's events were answered through the webhook processor.
	const calls = await sim.waitForCalls(BATCH, { timeoutMs: 150_000 });
	const answeredEvents = calls.flatMap((c) => c.entries.filter((e) => e.type === 'event'));
	expect(answeredEvents.every((e) => e.webhookStatus === 200)).toBe(true);
	expect(
		calls.every((c) => c.entries.some((e) => e.type === 'action' && e.method === 'speak')),
	).toBe(true);
	const runs = await since.waitFor(1 + answeredEvents.length, 120_000);
	const alertRun = runs.find((r) => nodesRun(r).includes('Place Call'));
	expect(alertRun.status).toBe('success');
	expect(cluster.rolesThatRan(alertRun.id)).toEqual([expect.stringMatching(/^worker-/)]);
	expect(runs.filter((r) => r.status !== 'success')).toEqual([]);
});

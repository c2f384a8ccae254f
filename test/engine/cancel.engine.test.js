'use strict';
/** Stopping an execution (n8n's cancel → the execution's abort signal) while Call → Dial works through a batch. */
const { dialWorkflow, runWorkflow, outputOf } = require('./harness');
const { fakeTelesign, accepted, until, CALLER } = require('./setup');

const parameters = (options = {}) => ({
	resource: 'call',
	operation: 'dial',
	to: '={{ $json.phone }}',
	callerIdNumber: CALLER,
	options: { concurrency: 1, ...options },
});
const phones = (...list) => list.map((phone) => ({ phone }));

let server;
afterEach(async () => server && (await server.fake.close()));

it('starts no new dial after the execution is stopped, and reports the unsent items as not placed', async () => {
	server = await fakeTelesign((req) => ({ ...accepted(req), delayMs: 300 }));
	const wf = dialWorkflow({
		items: phones('15555550001', '15555550002', '15555550003', '15555550004'),
		parameters: parameters(),
		settings: { onError: 'continueRegularOutput' },
	});
	const execution = runWorkflow({ ...wf, credentials: server.credentials });
	await until(() => server.fake.state.requests.length === 1);
	execution.cancel();
	const run = await execution.promise;
	// Give a pool that ignored the stop the time to start the next dial (the first one answers after 300 ms).
	await new Promise((resolve) => setTimeout(resolve, 500));
	expect(server.fake.state.requests).toHaveLength(1);
	expect(run.status).toBe('canceled');

	const output = outputOf(run, 'Telesign Voice');
	expect(output).toHaveLength(4);
	// The dial in flight was cut off by n8n: Telesign may have received it.
	expect(output[0].json.details.call_may_have_been_placed).toBe(true);
	for (const item of output.slice(1)) {
		expect(item.json.error).toMatch(/No call was placed: the execution was stopped/);
		expect(item.json.details.call_may_have_been_placed).toBe(false);
	}
});

it('ends a rate-limit wait at once when the execution is stopped', async () => {
	server = await fakeTelesign(() => ({ status: 429, headers: { 'Retry-After': '100' }, body: { status: 'rate_limit_exceeded' } }));
	const wf = dialWorkflow({
		items: phones('15555550001', '15555550002'),
		parameters: parameters({ rateLimitRetries: 3 }),
		settings: { onError: 'continueRegularOutput' },
	});
	const execution = runWorkflow({ ...wf, credentials: server.credentials });
	await until(() => server.fake.state.answered === 1);
	await new Promise((resolve) => setTimeout(resolve, 100)); // the node has the 429 and waits 100 s
	execution.cancel();
	const run = await execution.promise; // without the stop honoured this waits 100 s and the test times out
	expect(server.fake.state.requests).toHaveLength(1);
	const output = outputOf(run, 'Telesign Voice');
	expect(output.map((item) => item.json.details.call_may_have_been_placed)).toEqual([false, false]);
	expect(output[0].json.error).toMatch(/No call was placed: the execution was stopped/);
}, 10000);

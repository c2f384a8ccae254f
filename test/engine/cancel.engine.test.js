'use strict';
/**
 * Stopping an execution (n8n's cancel → the execution's abort signal) while Call → Dial works through a batch.
 * No fixed sleeps: the tests wait for the events themselves (the request reached the fake Telesign, the node
 * started its rate-limit wait) and count the dials the node starts in this process (Node's http diagnostics
 * channel reports each request as the node creates it, before it leaves the process).
 */
const diagnostics = require('diagnostics_channel');
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
let dialsStarted;
/** Counts the dials sent to this test's fake Telesign, as the node starts them. */
const countDial = ({ request }) => {
	if (
		server &&
		request.path === '/v2/voice' &&
		request.getHeader('host') === new URL(server.fake.url).host
	)
		dialsStarted++;
};
beforeEach(() => {
	dialsStarted = 0;
	diagnostics.subscribe('http.client.request.start', countDial);
});
afterEach(async () => {
	diagnostics.unsubscribe('http.client.request.start', countDial);
	jest.restoreAllMocks();
	if (server) await server.fake.close();
});

it('starts no new dial after the execution is stopped, and reports the unsent items as not placed', async () => {
	server = await fakeTelesign((req) => ({ ...accepted(req), delayMs: 300 }));
	const wf = dialWorkflow({
		items: phones('15555550001', '15555550002', '15555550003', '15555550004'),
		parameters: parameters(),
		settings: { onError: 'continueRegularOutput' },
	});
	const execution = runWorkflow({ ...wf, credentials: server.credentials });
	await until(
		() => server.fake.state.requests.length === 1,
		5000,
		'the first dial at the fake Telesign',
	);
	execution.cancel();
	const run = await execution.promise;
	// The node has returned: every dial it started is counted by now.
	expect(dialsStarted).toBe(1);
	// A pool that ignored the stop and waited for the first answer would dial once the fake Telesign has
	// answered it (after 300 ms): wait for that answer, then still one dial started and one received.
	await until(() => server.fake.state.answered === 1, 5000, 'the answer to the first dial');
	expect(dialsStarted).toBe(1);
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
	server = await fakeTelesign(() => ({
		status: 429,
		headers: { 'Retry-After': '100' },
		body: { status: 'rate_limit_exceeded' },
	}));
	const wf = dialWorkflow({
		items: phones('15555550001', '15555550002'),
		parameters: parameters({ rateLimitRetries: 3 }),
		settings: { onError: 'continueRegularOutput' },
	});
	// The node's wait is a timer of Retry-After (100 s): the test stops the execution once that timer exists.
	const setTimer = jest.spyOn(global, 'setTimeout');
	const clearTimer = jest.spyOn(global, 'clearTimeout');
	const rateLimitWaits = () =>
		setTimer.mock.calls.flatMap(([, delay], i) =>
			delay === 100_000 ? [setTimer.mock.results[i].value] : [],
		);
	const execution = runWorkflow({ ...wf, credentials: server.credentials });
	await until(() => rateLimitWaits().length === 1, 5000, "the node's rate-limit wait");
	expect(server.fake.state.requests).toHaveLength(1);
	execution.cancel();
	// The stop ends that very wait: its timer is cleared (a stop that is not honoured fails here, not after 100 s).
	await until(
		() => clearTimer.mock.calls.some(([timer]) => timer === rateLimitWaits()[0]),
		5000,
		'the end of the rate-limit wait',
	);
	const run = await execution.promise;
	// No dial was started after the stop.
	expect(dialsStarted).toBe(1);
	expect(server.fake.state.requests).toHaveLength(1);
	const output = outputOf(run, 'Telesign Voice');
	expect(output.map((item) => item.json.details.call_may_have_been_placed)).toEqual([false, false]);
	expect(output[0].json.error).toMatch(/No call was placed: the execution was stopped/);
}, 10000);

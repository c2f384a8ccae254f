'use strict';
/**
 * Call → Dial run by n8n's engine (WorkflowExecute) against a local fake Telesign: what reaches each output,
 * what n8n's Retry On Fail does, a batch that stops, pairedItem for the next node.
 */
const { dialWorkflow, runWorkflow, outputOf } = require('./harness');
const { fakeTelesign, accepted, CALLER } = require('./setup');

const OK = '15555550001';
const RESET = '15555550003';
const REFUSED = '15555550004';
const OK2 = '15555550005';

/** Accepts OK numbers, resets the connection for RESET (the call may have been placed), 400 for REFUSED. */
function telesign(req) {
	const to = req.json.params.to;
	if (to === RESET) return { status: 0, destroy: true };
	if (to === REFUSED)
		return { status: 400, body: { status: 'invalid_parameter', reference_id: 'REF-REFUSED' } };
	return accepted(req);
}

const dialParameters = (options = {}) => ({
	resource: 'call',
	operation: 'dial',
	to: '={{ $json.phone }}',
	callerIdNumber: CALLER,
	options: { concurrency: 1, ...options },
});
const SEEN = "={{ $('Start').item.json.name }}";
const people = (...phones) => phones.map((phone, index) => ({ name: `person-${index}`, phone }));

let server;
afterEach(async () => server && (await server.fake.close()));

function dialsTo(number) {
	return server.fake.state.requests.filter((request) => request.json?.params?.to === number);
}

describe('errors under the engine', () => {
	it('On Error → Continue (using error output): failed items reach the error output and keep which call they were', async () => {
		server = await fakeTelesign(telesign);
		const wf = dialWorkflow({
			items: people(OK, 'not a number', RESET),
			parameters: dialParameters(),
			settings: { onError: 'continueErrorOutput' },
			seen: SEEN,
		});
		const run = await runWorkflow({ ...wf, credentials: server.credentials }).promise;
		expect(run.data.resultData.error).toBeUndefined();

		const success = outputOf(run, 'Telesign Voice', 0);
		const errors = outputOf(run, 'Telesign Voice', 1);
		expect(success.map((item) => item.json.to)).toEqual([OK]);
		expect(errors).toHaveLength(2);

		const [invalid, reset] = errors;
		expect(invalid.pairedItem).toEqual({ item: 1 });
		expect(invalid.json.error).toMatch(/To/);
		expect(invalid.json.details).toMatchObject({
			call_may_have_been_placed: false,
			to: 'not a number',
		});
		expect(reset.pairedItem).toEqual({ item: 2 });
		expect(reset.json.error).toMatch(/may have been placed/);
		expect(reset.json.details).toMatchObject({
			call_may_have_been_placed: true,
			to: RESET,
			reference_id: null,
		});
		expect(typeof reset.json.details.external_id).toBe('string');

		// The next nodes get them, paired with the right input items.
		expect(outputOf(run, 'Pass').map((item) => item.json.seen)).toEqual(['person-0']);
		expect(outputOf(run, 'Errors').map((item) => item.json.seen)).toEqual(['person-1', 'person-2']);
		// n8n adds the input item's fields to an item on the error output; the node's error and details stay whole.
		expect(outputOf(run, 'Errors')[1].json).toMatchObject({
			name: 'person-2',
			phone: RESET,
			error: reset.json.error,
		});
		expect(outputOf(run, 'Errors')[1].json.details.call_may_have_been_placed).toBe(true);
		expect(dialsTo(RESET)).toHaveLength(1);
	});

	it('Continue (regular output): every item on the one output, error items with the same facts', async () => {
		server = await fakeTelesign(telesign);
		const wf = dialWorkflow({
			items: people(OK, REFUSED, RESET),
			parameters: dialParameters({ externalId: '={{ "alert-" + $json.name }}' }),
			settings: { onError: 'continueRegularOutput' },
			seen: SEEN,
		});
		const run = await runWorkflow({ ...wf, credentials: server.credentials }).promise;
		const output = outputOf(run, 'Telesign Voice');
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[0].json).toMatchObject({
			to: OK,
			external_id: 'alert-person-0',
			reference_id: `REF-${OK}`,
		});
		expect(output[1].json.error).toBeDefined();
		expect(output[1].json.details).toMatchObject({
			call_may_have_been_placed: false,
			to: REFUSED,
			external_id: 'alert-person-1',
			reference_id: 'REF-REFUSED',
		});
		expect(output[2].json.details).toMatchObject({
			call_may_have_been_placed: true,
			to: RESET,
			external_id: 'alert-person-2',
		});
		expect(outputOf(run, 'Pass').map((item) => item.json.seen)).toEqual([
			'person-0',
			'person-1',
			'person-2',
		]);
	});
});

describe("n8n's Retry On Fail", () => {
	const retry = { retryOnFail: true, maxTries: 3, waitBetweenTries: 20 };

	it('never sends an accepted dial again, even when its External ID is time-dependent', async () => {
		server = await fakeTelesign(telesign);
		const wf = dialWorkflow({
			items: people(OK, REFUSED),
			parameters: dialParameters({ externalId: '={{ "alert-" + $now.toMillis() }}' }),
			settings: retry,
		});
		const run = await runWorkflow({ ...wf, credentials: server.credentials }).promise;
		expect(run.data.resultData.error).toBeDefined();
		expect(dialsTo(OK)).toHaveLength(1);
		expect(dialsTo(REFUSED)).toHaveLength(3); // refused with 400: nothing placed, so each try may send it
	});

	it('never sends a dial that may have been placed again', async () => {
		server = await fakeTelesign(telesign);
		const wf = dialWorkflow({
			items: people(RESET, REFUSED),
			parameters: dialParameters({ externalId: '={{ "alert-" + $now.toMillis() }}' }),
			settings: retry,
		});
		await runWorkflow({ ...wf, credentials: server.credentials }).promise;
		expect(dialsTo(RESET)).toHaveLength(1);
	});

	it("a retry that succeeds outputs the first try's external_id and result for the accepted dial", async () => {
		let refusals = 1;
		server = await fakeTelesign((req) => {
			if (req.json.params.to === OK2 && refusals-- > 0)
				return { status: 400, body: { status: 'invalid_parameter' } };
			return accepted(req);
		});
		const wf = dialWorkflow({
			items: people(OK, OK2),
			parameters: dialParameters({ externalId: '={{ "alert-" + $now.toMillis() }}' }),
			settings: retry,
			seen: SEEN,
		});
		const run = await runWorkflow({ ...wf, credentials: server.credentials }).promise;
		expect(run.data.resultData.error).toBeUndefined();
		const output = outputOf(run, 'Telesign Voice');
		const firstDial = dialsTo(OK);
		expect(firstDial).toHaveLength(1);
		expect(output[0].json).toMatchObject({
			to: OK,
			external_id: firstDial[0].json.params.external_id,
			reference_id: `REF-${OK}`,
		});
		expect(output[1].json).toMatchObject({ to: OK2, reference_id: `REF-${OK2}` });
		expect(outputOf(run, 'Pass').map((item) => item.json.seen)).toEqual(['person-0', 'person-1']);
	});
});

describe('a batch that stops (no Continue On Fail)', () => {
	it('fails with every accepted or ambiguous dial and says retrying the execution calls them again', async () => {
		server = await fakeTelesign(telesign);
		const wf = dialWorkflow({
			items: people(OK, RESET, OK2, REFUSED, OK),
			parameters: dialParameters({ concurrency: 1 }),
		});
		// One at a time, in order: OK accepted, RESET ambiguous (the node stops starting dials after it).
		const run = await runWorkflow({ ...wf, credentials: server.credentials }).promise;
		const error = run.data.resultData.error;
		expect(error).toBeDefined();
		expect(server.fake.state.requests).toHaveLength(2);
		const ok = dialsTo(OK)[0].json.params;
		const reset = dialsTo(RESET)[0].json.params;
		expect(error.description).toContain(
			`item 0: to ${OK}, reference_id REF-${OK}, external_id ${ok.external_id}`,
		);
		expect(error.description).toContain(
			`item 1: to ${RESET}, reference_id unknown, external_id ${reset.external_id}`,
		);
		expect(error.description).toMatch(
			/Retrying this execution \(Executions → Retry\) calls them again/,
		);
		expect(error.context.dials).toEqual([
			{
				item_index: 0,
				to: OK,
				reference_id: `REF-${OK}`,
				external_id: ok.external_id,
				call_may_have_been_placed: true,
			},
			{
				item_index: 1,
				to: RESET,
				reference_id: null,
				external_id: reset.external_id,
				call_may_have_been_placed: true,
			},
		]);
	});

	it('a generated External ID is the same when n8n retries the execution (Executions → Retry)', async () => {
		server = await fakeTelesign(telesign);
		const wf = dialWorkflow({ items: people(OK, REFUSED), parameters: dialParameters() });
		const first = runWorkflow({ ...wf, credentials: server.credentials, executionId: 'exec-41' });
		const failed = await first.promise;
		expect(failed.data.resultData.error).toBeDefined();
		const firstId = dialsTo(OK)[0].json.params.external_id;

		// What n8n's "Retry" of a failed execution does: a new execution (new id) that continues the stored
		// execution data, with the failed node's error and its last (failed) run removed.
		const retried = JSON.parse(JSON.stringify(failed.data));
		delete retried.resultData.error;
		retried.resultData.runData['Telesign Voice'].pop();
		await runWorkflow({
			...wf,
			credentials: server.credentials,
			executionId: 'exec-42',
			mode: 'retry',
			runExecutionData: retried,
		}).promise;
		const ids = dialsTo(OK).map((request) => request.json.params.external_id);
		expect(ids).toHaveLength(2); // a new execution: nothing tells the node the first dial happened
		expect(ids[1]).toBe(firstId);
	});

	it('gives different generated External IDs to different executions and items', async () => {
		server = await fakeTelesign(telesign);
		const wf = dialWorkflow({ items: people(OK, OK2), parameters: dialParameters() });
		await runWorkflow({ ...wf, credentials: server.credentials, executionId: 'exec-1' }).promise;
		await runWorkflow({ ...wf, credentials: server.credentials, executionId: 'exec-2' }).promise;
		const ids = server.fake.state.requests.map((request) => request.json.params.external_id);
		expect(new Set(ids).size).toBe(4);
	});
});

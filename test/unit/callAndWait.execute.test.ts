/** Call → Call and Wait for Response, execute(): validation before any dial, the dials, the wait. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { parseMarker } from '../../nodes/shared/relay';
import { STATE_KEY } from '../../nodes/TelesignVoice/actions/call/callAndWait/waitingState';
import { FALLBACK_AFTER_MS } from '../../nodes/TelesignVoice/actions/call/callAndWait/timeLimit';
import { forget } from '../../nodes/TelesignVoice/actions/call/callAndWait/followedCalls';
import { TelesignVoice } from '../../nodes/TelesignVoice/TelesignVoice.node';
import type { HttpReply, Parameters } from '../helpers/executeContext';
import { executeContext, testCredentials } from '../helpers/executeContext';

const node = new TelesignVoice();
// execute() starts this process's timer for the time limit (timeLimit.ts): clear it after each test.
afterEach(() => forget(SIGNATURE));
const SIGNATURE = '0f'.repeat(32);
const accepted = (referenceId: string): HttpReply => ({
	statusCode: 202,
	body: { reference_id: referenceId, status: 'dial_accepted' },
});

function waitContext(
	items: Parameters[],
	http: HttpReply[],
	o: { continueOnFail?: boolean; parameters?: Parameters } = {},
) {
	const built = executeContext({
		parameters: {
			resource: 'call',
			operation: 'sendAndWait',
			callerIdNumber: '15554441313',
			message: 'Press 1.',
			responseType: 'keyPress',
			acknowledgeKey: '1',
			...o.parameters,
		},
		items,
		http,
		continueOnFail: o.continueOnFail,
		credentials: testCredentials('basic'),
	});
	const putExecutionToWait = jest.fn<Promise<void>, [Date]>(async () => undefined);
	// The node's execution context, which n8n saves with the waiting execution.
	const nodeContext: IDataObject = {};
	Object.assign(built.context, {
		getSignedResumeUrl: () =>
			`https://n8n.example.com/webhook-waiting/77/node-1?signature=${SIGNATURE}`,
		putExecutionToWait,
		getContext: (type: string) => (type === 'node' ? nodeContext : {}),
	});
	/** The dialled calls' reference_id per item as saved for the webhook (null: a failed dial). */
	const savedCalls = () =>
		((nodeContext[STATE_KEY] as { items: Array<{ call?: IDataObject }> }).items ?? []).map(
			(item) => (item.call ? item.call : null),
		);
	return {
		...built,
		putExecutionToWait,
		nodeContext,
		savedCalls,
		context: built.context as IExecuteFunctions,
	};
}

test("dials every item, waits (default 10 minutes); the timeout outcomes replace the input, the state is in the node's execution context", async () => {
	const { context, requests, putExecutionToWait, savedCalls } = waitContext(
		[{ to: '15551230001' }, { to: '+1 (555) 123-0002', options: { externalId: 'order-9' } }],
		[accepted('R0'), accepted('R1')],
	);
	const before = Date.now();
	const [output] = await node.execute.call(context);
	expect(requests).toHaveLength(2);
	const bodies = requests.map(
		(r) => JSON.parse(r.options.body as string) as { params: { to: string; external_id: string } },
	);
	expect(bodies.map((b) => b.params.to).sort()).toEqual(['15551230001', '15551230002']);
	const markers = bodies
		.map((b) => parseMarker(b.params.external_id)!)
		.sort((a, b) => a.itemIndex - b.itemIndex);
	expect(
		markers.map((m) => [m.executionId, m.nodeId, m.itemIndex, m.signature, m.userExternalId]),
	).toEqual([
		['77', 'node-1', 0, SIGNATURE, undefined],
		['77', 'node-1', 1, SIGNATURE, 'order-9'],
	]);
	expect(putExecutionToWait).toHaveBeenCalledTimes(1);
	const till = putExecutionToWait.mock.calls[0][0].getTime();
	// n8n's own timer is the fallback, a minute after the limit (timeLimit.ts).
	expect(till - before).toBeGreaterThanOrEqual(10 * 60_000 + FALLBACK_AFTER_MS - 1000);
	expect(till - before).toBeLessThanOrEqual(10 * 60_000 + FALLBACK_AFTER_MS + 5000);
	const timeouts = context.getInputData();
	expect(
		timeouts.map((i) => [i.json.status, i.json.reference_id, i.json.external_id, i.pairedItem]),
	).toEqual([
		['timeout', 'R0', null, { item: 0 }],
		['timeout', 'R1', 'order-9', { item: 1 }],
	]);
	expect(timeouts.every((i) => Object.keys(i.json).every((key) => key !== STATE_KEY))).toBe(true);
	expect(output).toEqual(timeouts);
	expect(savedCalls().map((call) => call?.reference_id)).toEqual(['R0', 'R1']);
	expect(savedCalls()[0]?.settings).toMatchObject({ message: 'Press 1.', acknowledgeDigits: '1' });
});

test('Limit Wait Time sets when the wait ends', async () => {
	const { context, putExecutionToWait } = waitContext([{ to: '15551230001' }], [accepted('R0')], {
		parameters: {
			options: {
				limitWaitTime: {
					values: { limitType: 'afterTimeInterval', resumeAmount: 5, resumeUnit: 'minutes' },
				},
			},
		},
	});
	const before = Date.now();
	await node.execute.call(context);
	expect(putExecutionToWait.mock.calls[0][0].getTime() - before).toBeGreaterThanOrEqual(
		5 * 60_000 + FALLBACK_AFTER_MS - 1000,
	);
	expect(putExecutionToWait.mock.calls[0][0].getTime() - before).toBeLessThanOrEqual(
		5 * 60_000 + FALLBACK_AFTER_MS + 5000,
	);
});

test.each([
	[{ to: '15551230001', acknowledgeKey: 'x' }, /Acknowledge Key/],
	[{ to: '15551230001', message: '' }, /Message/],
	[{ to: 'abc' }, /^Recipients "abc" is not a phone number/],
	[
		{ to: '15551230001', options: { externalId: 'x'.repeat(33) } },
		/External ID is 33 characters long.*keep it to 32 characters/,
	],
])('an invalid item (%j) stops the node before any dial', async (item, message) => {
	const { context, requests, putExecutionToWait } = waitContext([{ to: '15551230009' }, item], []);
	await expect(node.execute.call(context)).rejects.toThrow(message);
	expect(requests).toHaveLength(0);
	expect(putExecutionToWait).not.toHaveBeenCalled();
});

test('a refused dial: the error of Call → Dial; with Continue On Fail an error item, the others wait', async () => {
	const refused: HttpReply = {
		statusCode: 400,
		body: { reference_id: 'X', status: 'caller_id_number_not_owned' },
	};
	const stop = waitContext([{ to: '15551230001' }], [refused]);
	await expect(node.execute.call(stop.context)).rejects.toThrow(/caller/i);
	expect(stop.putExecutionToWait).not.toHaveBeenCalled();

	const go = waitContext(
		[{ to: '15551230001' }, { to: '15551230002' }],
		[refused, accepted('R1')],
		{ continueOnFail: true },
	);
	const [output] = await node.execute.call(go.context);
	expect(output[0].json.details).toMatchObject({
		answered: false,
		acknowledged: false,
		call_may_have_been_placed: false,
	});
	expect(output[0].json.error).toMatch(/caller/i);
	expect(go.savedCalls().map((call) => call?.reference_id ?? null)).toEqual([null, 'R1']);
	expect(output[1].json).toMatchObject({ status: 'timeout', reference_id: 'R1' });
	expect(go.context.getInputData()[1].json).toMatchObject({
		status: 'timeout',
		reference_id: 'R1',
	});
	expect(go.putExecutionToWait).toHaveBeenCalledTimes(1);
});

test('nothing dialled (every item failed with Continue On Fail): no wait', async () => {
	const { context, putExecutionToWait } = waitContext([{ to: 'abc' }], [], {
		continueOnFail: true,
	});
	const [output] = await node.execute.call(context);
	expect(output).toHaveLength(1);
	expect(output[0].json.error).toMatch(/^Recipients/);
	expect(putExecutionToWait).not.toHaveBeenCalled();
});

test('Retry On Fail (the same run executed again) never places an accepted call a second time', async () => {
	const refused: HttpReply = {
		statusCode: 400,
		body: { reference_id: 'X', status: 'caller_id_number_not_owned' },
	};
	const fake = waitContext(
		[{ to: '15551230001' }, { to: '15551230002' }],
		[accepted('R0'), refused, accepted('R1')],
		{ parameters: { options: { concurrency: 1 } } },
	);
	const executeData = {};
	(fake.context as unknown as { getExecuteData: () => object }).getExecuteData = () => executeData;
	await expect(node.execute.call(fake.context)).rejects.toThrow(/caller/i);
	expect(fake.requests).toHaveLength(2);
	// n8n runs the node again: only the refused dial (which placed no call) is sent again.
	const [output] = await node.execute.call(fake.context);
	expect(fake.requests).toHaveLength(3);
	expect(JSON.parse(fake.requests[2].options.body as string).params.to).toBe('15551230002');
	expect(output.map((i) => i.json.reference_id)).toEqual(['R0', 'R1']);
	expect(fake.savedCalls().map((call) => call?.reference_id)).toEqual(['R0', 'R1']);
});

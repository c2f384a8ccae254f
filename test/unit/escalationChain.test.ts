import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { WaitingChain } from '../../nodes/TelesignVoice/actions/call/callAndWait/chain';
import {
	dialDueSteps,
	progressFrom,
} from '../../nodes/TelesignVoice/actions/call/callAndWait/chain';
import { buildChainPlan } from '../../nodes/shared/telesign/escalation';
import { parseMarker } from '../../nodes/shared/relay';
import { executeContext } from '../helpers/executeContext';

const SIGNATURE = 'cd'.repeat(32);
const NODE_ID = '2e33b09e-eabb-49e3-a5e6-c8e99fcd256c';

function chainOf(recipients: string[], strategy = 'oneAfterAnother', moreRounds = 0): WaitingChain {
	return {
		plan: buildChainPlan({ recipients, strategy, moreRounds }),
		dial: {
			body: {
				jsonrpc: '2.0',
				method: 'dial',
				params: { to: recipients[0], caller_id_number: '15554441313' },
			},
			callerIdNumber: '15554441313',
			retries: 0,
			timeoutMs: 1000,
		},
		marker: { executionId: '42', nodeId: NODE_ID, signature: SIGNATURE, itemIndex: 3 },
		started: { placed: [], failed: [] },
	};
}

/** Telesign answering after a while, so that two callers overlap. */
function slowTelesign() {
	let n = 0;
	return executeContext({
		parameters: {},
		http: async () => {
			await sleep(20);
			n += 1;
			return {
				statusCode: 200,
				headers: {},
				body: { reference_id: `REF-${n}`, status: 'dial_accepted' },
			};
		},
	});
}

const sentTo = (requests: Array<{ options: { body?: unknown } }>) =>
	requests.map(
		(request) => (JSON.parse(String(request.options.body)) as { params: IDataObject }).params,
	);

describe('dialDueSteps: each step dialled once', () => {
	test('two callers at the same moment (e.g. two events that both end a round) dial the next round once', async () => {
		const chain = chainOf(['15555550001', '15555550002'], 'allAtOnce', 1);
		const progress = progressFrom(
			{
				placed: [
					[0, 'R0'],
					[1, 'R1'],
				],
				failed: [],
			},
			() => false,
		);
		progress.ended.add(0).add(1);
		const { context, requests } = slowTelesign();
		await Promise.all([
			dialDueSteps(context, 3, chain, null, progress),
			dialDueSteps(context, 3, chain, null, progress),
		]);
		expect(
			sentTo(requests).map((params) => [params.to, parseMarker(params.external_id)?.step]),
		).toEqual([
			['15555550001', 2],
			['15555550002', 3],
		]);
		expect([...progress.placed.keys()].sort()).toEqual([0, 1, 2, 3]);
	});

	test("each step's dial carries its step and the user's External ID in the marker", async () => {
		const chain = chainOf(['15555550001', '15555550002']);
		const progress = progressFrom({ placed: [[0, 'R0']], failed: [] }, () => false);
		progress.ended.add(0);
		const { context, requests } = slowTelesign();
		await dialDueSteps(context, 3, chain, 'INC-7', progress);
		const [params] = sentTo(requests);
		expect(parseMarker(params.external_id)).toEqual({
			executionId: '42',
			nodeId: NODE_ID,
			itemIndex: 3,
			step: 1,
			signature: SIGNATURE,
			userExternalId: 'INC-7',
		});
		expect(params).toMatchObject({ to: '15555550002', caller_id_number: '15554441313' });
	});

	test('nothing once decided', async () => {
		const chain = chainOf(['15555550001', '15555550002']);
		const progress = progressFrom({ placed: [[0, 'R0']], failed: [] }, () => true);
		progress.ended.add(0);
		const { context, requests } = slowTelesign();
		await dialDueSteps(context, 3, chain, null, progress);
		expect(requests).toHaveLength(0);
	});
});

'use strict';
/** Respond → Speak with "Answer Telesign Now" when n8n cannot deliver the answer (sendResponse fails). */
// n8n-core's own copies (it has its own node_modules): the logger its contexts hand to nodes.
const fromCore = (name) => require(require.resolve(name, { paths: [require.resolve('n8n-core')] }));
const { Container } = fromCore('@n8n/di');
const { Logger } = fromCore('@n8n/backend-common');
const { dialWorkflow, runWorkflow, outputOf } = require('./harness');

const notAnswered = (hint) => /Telesign was not answered/.test(hint.message);
const speak = { resource: 'respond', operation: 'speak', message: 'Your alarm is on', options: {} };

it('a failed answer to Telesign is warned in the log and shown as a hint on the node; the action is still output', async () => {
	const logger = Container.get(Logger);
	const warn = jest.spyOn(logger, 'warn').mockImplementation(() => {});
	try {
		const wf = dialWorkflow({ items: [{ event: 'call_answered' }], parameters: speak });
		const run = await runWorkflow({
			...wf,
			sendResponse: () => {
				throw new Error('the webhook connection is gone');
			},
		}).promise;
		expect(run.data.resultData.error).toBeUndefined();
		const task = run.data.resultData.runData['Telesign Voice'][0];
		expect(outputOf(run, 'Telesign Voice')[0].json).toMatchObject({ method: 'speak' });
		// (This workflow has no Telesign Voice Trigger, so the node also warns about that: see respondReach.)
		expect(task.hints.filter(notAnswered)).toEqual([
			expect.objectContaining({
				message: expect.stringMatching(/Telesign was not answered.*the webhook connection is gone/),
			}),
		]);
		expect(warn).toHaveBeenCalledWith(
			expect.stringMatching(/Telesign was not answered.*the webhook connection is gone/),
		);
	} finally {
		warn.mockRestore();
	}
});

it('no hint when the answer was delivered', async () => {
	const delivered = [];
	const wf = dialWorkflow({ items: [{ event: 'call_answered' }], parameters: speak });
	const run = await runWorkflow({ ...wf, sendResponse: (response) => delivered.push(response) })
		.promise;
	expect(delivered).toHaveLength(1);
	expect(delivered[0].body).toMatchObject({ method: 'speak' });
	expect(run.data.resultData.runData['Telesign Voice'][0].hints.filter(notAnswered)).toEqual([]);
});

'use strict';
/** Recording → Get / Delete under the engine: failed items reach the error output with their reference_id. */
const { dialWorkflow, runWorkflow, outputOf } = require('./harness');
const { fakeTelesign } = require('./setup');

let server;
afterEach(async () => server && (await server.fake.close()));

const FOUND = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1';
const MISSING = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA2';

function recordings(req) {
	if (req.path.includes(MISSING)) return { status: 404, body: { status: 'not_found' } };
	if (req.method === 'DELETE') return { status: 204 };
	return {
		status: 200,
		body: [{ recording_id: 'rec-1', url: 'https://example.invalid/rec-1.mp3' }],
	};
}

it.each(['get', 'delete'])(
	'Recording → %s: a failing item goes to the error output with its reference_id',
	async (operation) => {
		server = await fakeTelesign(recordings);
		const wf = dialWorkflow({
			items: [{ ref: FOUND }, { ref: MISSING }],
			parameters: { resource: 'recording', operation, referenceId: '={{ $json.ref }}' },
			settings: { onError: 'continueErrorOutput' },
			seen: "={{ $('Start').item.json.ref }}",
		});
		const run = await runWorkflow({ ...wf, credentials: server.credentials }).promise;
		expect(run.data.resultData.error).toBeUndefined();
		expect(outputOf(run, 'Telesign Voice', 0)).toHaveLength(1);
		const errors = outputOf(run, 'Telesign Voice', 1);
		expect(errors).toHaveLength(1);
		expect(errors[0].pairedItem).toEqual({ item: 1 });
		expect(errors[0].json.details).toMatchObject({ reference_id: MISSING });
		expect(outputOf(run, 'Errors').map((item) => item.json.seen)).toEqual([MISSING]);
		expect(outputOf(run, 'Pass').map((item) => item.json.seen)).toEqual([FOUND]);
	},
);

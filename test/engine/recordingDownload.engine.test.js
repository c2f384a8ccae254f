'use strict';
/**
 * Recording → Download and the Recording Trigger under n8n-core's own engine: its real request helpers (the
 * authenticated one for Telesign, the plain one for the storage host) and its binary data helper, with the
 * simulator as Telesign.
 */
const { dialWorkflow, runWorkflow, outputOf, pollRecordingTrigger } = require('./harness');
const { CUSTOMER_ID, API_KEY } = require('./setup');
const { TelesignSimulator } = require('../simulator');

const REF = 'EN000000000000000000000000000001';
const MISSING = 'EN000000000000000000000000000404';
let sim;
let credentials;
beforeEach(async () => {
	sim = new TelesignSimulator({ accounts: [{ customerId: CUSTOMER_ID, apiKey: API_KEY }] });
	await sim.start();
	credentials = {
		customerId: CUSTOMER_ID,
		apiKey: API_KEY,
		authMethod: 'digest',
		baseUrl: sim.url,
	};
});
afterEach(async () => await sim.stop());

async function binaryBytes(binary) {
	// n8n-core kept it in memory (no binary data mode is configured here): base64 in `data`.
	return Buffer.from(binary.data, 'base64');
}

it('Download: the exact bytes, a refreshed expired link, TSA-signed Telesign requests, nothing of the credential at the storage host; a missing call goes to the error output', async () => {
	sim.configure({ recordings: [{ reference_id: REF, date: '2024-05-01T10:00:00', duration: 2 }] });
	sim.expireNextRecordingUrls(1);
	const wf = dialWorkflow({
		items: [{ ref: REF }, { ref: MISSING }],
		parameters: {
			resource: 'recording',
			operation: 'download',
			referenceId: '={{ $json.ref }}',
			binaryPropertyName: 'audio',
		},
		settings: { onError: 'continueErrorOutput' },
		seen: "={{ $('Start').item.json.ref }}",
	});
	const run = await runWorkflow({ ...wf, credentials }).promise;
	expect(run.data.resultData.error).toBeUndefined();
	const [item] = outputOf(run, 'Telesign Voice', 0);
	expect(item.json).toMatchObject({
		reference_id: REF,
		file_name: `${REF}_1714557600.wav`,
		mime_type: 'audio/wav',
		size: 44 + 16000,
	});
	expect(item.binary.audio).toMatchObject({
		fileName: `${REF}_1714557600.wav`,
		mimeType: 'audio/wav',
		bytes: 44 + 16000,
	});
	expect(
		(await binaryBytes(item.binary.audio)).equals(sim.recordingAudio(`${REF}_1714557600.wav`)),
	).toBe(true);
	expect(sim.storageRequests().map((r) => r.status)).toEqual([403, 200]);
	expect(sim.requests().map((r) => r.authMethod)).toEqual(['tsa', 'tsa', 'tsa']);
	const storageHeaders = JSON.stringify(sim.storageRequests().map((r) => r.headers));
	expect(storageHeaders).not.toMatch(/authorization|x-ts-/i);
	expect(storageHeaders).not.toContain(API_KEY);
	const errors = outputOf(run, 'Telesign Voice', 1);
	expect(errors.map((e) => [e.json.error, e.pairedItem])).toEqual([
		[`No recordings found for reference ID ${MISSING}`, { item: 1 }],
	]);
	expect(outputOf(run, 'Pass').map((i) => i.json.seen)).toEqual([REF]);
});

it('Recording Trigger in PollContext: static data starts the position, a new recording is emitted once with its audio', async () => {
	const parameters = { downloadAudio: true, binaryPropertyName: 'data' };
	const first = await pollRecordingTrigger({ parameters, credentials });
	expect(first.result).toBeNull();
	expect(first.staticData['node:On New Call Recording']).toMatchObject({
		since: expect.any(String),
		handled: {},
		waiting: {},
	});
	const stored = JSON.parse(JSON.stringify(first.staticData));
	sim.configure({
		recordings: [{ reference_id: REF, date: new Date().toISOString().slice(0, 19) }],
	});
	const second = await pollRecordingTrigger({ parameters, credentials, staticData: stored });
	expect(second.result[0].map((i) => i.json.reference_id)).toEqual([REF]);
	const file = second.result[0][0].json.file_name;
	expect(
		(await binaryBytes(second.result[0][0].binary.data)).equals(sim.recordingAudio(file)),
	).toBe(true);
	const third = await pollRecordingTrigger({
		parameters,
		credentials,
		staticData: JSON.parse(JSON.stringify(second.staticData)),
	});
	expect(third.result).toBeNull();
});

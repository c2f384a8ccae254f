'use strict';
/**
 * Recordings in queue mode (issue #24). n8n 2.41.1 keeps binary data in the `database` store in queue mode
 * (N8N_DEFAULT_BINARY_DATA_MODE, which the cluster sets explicitly: every process reads what another wrote, through
 * Postgres; docs/scaling.md says why not `filesystem`):
 * - Recording → Download runs on a worker; the audio it stored is answered by the webhook processor (Respond to
 *   Webhook with the binary) and read by main (the editor's download link): the exact bytes of the simulator's file.
 * - The Recording Trigger polls on main (the only process that runs pollers); its execution is queued by main and run
 *   by a worker, which reads the audio main stored. Each new recording is emitted once: a recording that appears
 *   later in the same second is emitted by the next poll, alone.
 */
const crypto = require('crypto');
const { connectCluster, logCount } = require('./harness/context');
const { newExecutions, waitForPollPosition } = require('../e2e/harness/workflows');
const { createTelesignCredential } = require('../e2e/harness/callAndWait');
const { TelesignSimulator } = require('../simulator');

const WORKERS = ['worker-1', 'worker-2'];
const ACTION_TYPE = 'n8n-nodes-telesign-voice.telesignVoice';
const RECORDING_TRIGGER_TYPE = 'n8n-nodes-telesign-voice.telesignVoiceRecordingTrigger';

let cluster;
let sim;
let credential;
const deployed = [];

beforeAll(async () => {
	cluster = connectCluster();
	sim = new TelesignSimulator();
	await sim.start();
	credential = await createTelesignCredential(
		cluster.main,
		`Telesign (queue recordings ${Date.now()})`,
		sim.url,
	);
});

afterAll(async () => {
	await sim?.stop();
	for (const id of deployed) await cluster.main.deactivate(id).catch(() => undefined);
});

const node = (name, type, typeVersion, parameters, extra = {}) => ({
	id: crypto.randomUUID(),
	name,
	type,
	typeVersion,
	position: [220 * deployed.length, 0],
	parameters,
	...extra,
});
const chain = (...names) =>
	Object.fromEntries(
		names
			.slice(0, -1)
			.map((name, i) => [name, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]),
	);

/** The bytes main serves for a stored binary (the editor's download link): main reads the shared store. */
async function bytesFromMain(binary) {
	const rest = await cluster.main.restSession();
	const res = await rest.get('/binary-data', {
		params: { id: binary.id, action: 'download' },
		responseType: 'arraybuffer',
	});
	expect(res.status).toBe(200);
	return Buffer.from(res.data);
}

const outputOf = (execution, name) => execution.data.resultData.runData[name][0].data.main[0];
const failure = (execution) => ({
	status: execution.status,
	error: execution.data.resultData.error?.message,
});
const utcNow = () => new Date().toISOString().slice(0, 19);

test('Recording → Download on a worker: the audio is binary data in the shared store, answered by the webhook processor and read by main', async () => {
	const ref = `QUEUE${crypto.randomBytes(13).toString('hex').toUpperCase()}`;
	sim.configure({ recordings: [{ reference_id: ref, date: '2024-05-01T10:00:00', duration: 3 }] });
	const file = sim.recordings().find((r) => r.reference_id === ref).file_name;
	const audio = sim.recordingAudio(file);
	const hookPath = `rec-queue-${crypto.randomUUID()}`;
	const created = await cluster.main.createWorkflow(
		{
			name: `queue: recording download ${hookPath}`,
			nodes: [
				node(
					'In',
					'n8n-nodes-base.webhook',
					2,
					{ httpMethod: 'POST', path: hookPath, responseMode: 'responseNode' },
					{ webhookId: crypto.randomUUID() },
				),
				node(
					'Download',
					ACTION_TYPE,
					1,
					{
						resource: 'recording',
						operation: 'download',
						referenceId: '={{ $json.body.reference_id }}',
						binaryPropertyName: 'audio',
					},
					{ credentials: { telesignVoiceApi: credential } },
				),
				node('Answer', 'n8n-nodes-base.respondToWebhook', 1.5, {
					respondWith: 'binary',
					responseDataSource: 'set',
					inputFieldName: 'audio',
				}),
			],
			connections: chain('In', 'Download', 'Answer'),
		},
		{ activate: true },
	);
	deployed.push(created.id);
	const url = `${cluster.webhookUrl}/webhook/${hookPath}`;
	await cluster.main.waitForWebhook(url);
	const runs = await newExecutions(cluster.main, created.id);

	const res = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ reference_id: ref }),
		signal: AbortSignal.timeout(60_000),
	});
	expect(res.status).toBe(200);
	expect(res.headers.get('content-type')).toMatch(/^audio\/wav/);
	expect(Buffer.from(await res.arrayBuffer()).equals(audio)).toBe(true);

	const [execution] = await runs.waitFor(1);
	expect(failure(execution)).toEqual({ status: 'success', error: undefined });
	const [item] = outputOf(execution, 'Download');
	expect(item.json).toMatchObject({
		reference_id: ref,
		file_name: file,
		mime_type: 'audio/wav',
		size: audio.length,
	});
	expect(item.binary.audio).toMatchObject({ fileName: file, mimeType: 'audio/wav' });
	// Stored in the database store (id "<mode>:<file id>"), which every process of the cluster reads.
	expect(item.binary.audio.id).toMatch(/^database:/);
	expect((await bytesFromMain(item.binary.audio)).equals(audio)).toBe(true);

	// Queued by a webhook processor (either, behind the balancer), run on a worker only.
	const enqueued = logCount(cluster, execution.id, 'Enqueued');
	expect(Object.values(enqueued)).toEqual([1]);
	expect(cluster.webhookRoles).toContain(Object.keys(enqueued)[0]);
	expect(cluster.rolesThatRan(execution.id)).toEqual([expect.stringMatching(/^worker-/)]);
}, 120_000);

test('the Recording Trigger polls on main; a worker runs the workflow with the audio main stored; each new recording once', async () => {
	const created = await cluster.main.createWorkflow(
		{
			name: `queue: recording trigger ${Date.now()}`,
			nodes: [
				node(
					'On New Call Recording',
					RECORDING_TRIGGER_TYPE,
					1,
					{
						pollTimes: { item: [{ mode: 'everyMinute' }] },
						downloadAudio: true,
						binaryPropertyName: 'data',
					},
					{ credentials: { telesignVoiceApi: credential } },
				),
				// Reads the binary data on the worker (base64 into the JSON), so a store main wrote and a worker cannot
				// read fails here.
				node('Read Audio', 'n8n-nodes-base.extractFromFile', 1.1, {
					operation: 'binaryToPropery',
					binaryPropertyName: 'data',
					destinationKey: 'audio_base64',
					options: { keepSource: 'json' },
				}),
			],
			connections: chain('On New Call Recording', 'Read Audio'),
		},
		{ activate: true },
	);
	deployed.push(created.id);
	// The first poll after activation keeps its position (n8n activates asynchronously: wait for it);
	// recordings dated from then on are new.
	await waitForPollPosition(cluster.main, created.id, 'On New Call Recording');
	const runs = await newExecutions(cluster.main, created.id);
	const second = utcNow();
	const refs = ['A', 'B', 'C'].map(
		(x) => `QPOLL${x}${crypto.randomBytes(10).toString('hex').toUpperCase()}`,
	);
	sim.configure({
		recordings: [
			{ reference_id: refs[0], date: second, duration: 2 },
			{ reference_id: refs[1], date: second, duration: 3 },
		],
	});

	const [first] = await runs.waitFor(1, 150_000);
	expect(failure(first)).toEqual({ status: 'success', error: undefined });
	const emitted = outputOf(first, 'On New Call Recording');
	expect(emitted.map((i) => i.json.reference_id).sort()).toEqual([refs[0], refs[1]].sort());
	const read = outputOf(first, 'Read Audio');
	expect(read).toHaveLength(2);
	for (const [index, item] of emitted.entries()) {
		const file = sim.recordings().find((r) => r.reference_id === item.json.reference_id).file_name;
		const audio = sim.recordingAudio(file);
		expect(item.json).toMatchObject({
			file_name: file,
			mime_type: 'audio/wav',
			size: audio.length,
		});
		expect(item.binary.data).toMatchObject({ fileName: file, mimeType: 'audio/wav' });
		expect(item.binary.data.id).toMatch(/^database:/);
		// What the worker read from the store main wrote to.
		expect(read[index].json.reference_id).toBe(item.json.reference_id);
		expect(Buffer.from(read[index].json.audio_base64, 'base64').equals(audio)).toBe(true);
	}
	// The poll ran on main (it queued the execution), the workflow on a worker.
	expect(logCount(cluster, first.id, 'Enqueued')).toEqual({ main: 1 });
	expect(cluster.rolesThatRan(first.id)).toEqual([expect.stringMatching(/^worker-/)]);

	// A third recording in that same second: the next poll emits it, and only it.
	sim.configure({ recordings: [{ reference_id: refs[2], date: second }] });
	const both = await runs.waitFor(2, 150_000);
	expect(both).toHaveLength(2);
	expect(failure(both[1])).toEqual({ status: 'success', error: undefined });
	expect(outputOf(both[1], 'On New Call Recording').map((i) => i.json.reference_id)).toEqual([
		refs[2],
	]);
	expect(WORKERS).toContain(cluster.rolesThatRan(both[1].id)[0]);
	expect(await runs.count()).toBe(2);
}, 330_000);

'use strict';
/**
 * Recordings as files in a real n8n with the packed package, the simulator as Telesign and its storage host:
 * Recording → Download gives the exact bytes served, refreshes an expired link once and never sends the Telesign
 * credential to the storage host; the example "call recordings → files and a Data Table" (Telesign Voice
 * Recording Trigger, polling every minute, activated) emits each new recording once.
 */
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const axios = require('axios');
const {
	connectN8n,
	loadExample,
	findNode,
	TelesignSimulator,
	DEFAULT_ACCOUNT,
} = require('./harness/context');
const { newExecutions, waitForPollPosition } = require('./harness/workflows');

const TABLE = 'telesign_recordings';
const COLUMNS = [
	'reference_id',
	'file_name',
	'date',
	'transcript',
	'transcript_language',
	'audio_path',
]
	.map((name) => ({ name, type: 'string' }))
	.concat([{ name: 'size', type: 'number' }]);

let n8n;
let sim;
let credential;
const workflows = [];
const audioDir = path.join(os.homedir(), '.n8n-files', `telesign-e2e-${crypto.randomUUID()}`);

beforeAll(async () => {
	n8n = connectN8n();
	// The example's folder must exist (n8n's Write File does not create it), as its note says.
	fs.mkdirSync(audioDir, { recursive: true });
	sim = new TelesignSimulator();
	await sim.start();
	credential = await n8n.createCredential('Telesign Voice (recordings e2e)', 'telesignVoiceApi', {
		customerId: DEFAULT_ACCOUNT.customerId,
		apiKey: DEFAULT_ACCOUNT.apiKey,
		authMethod: 'basic',
		baseUrl: sim.url,
	});
});

afterAll(async () => {
	for (const id of workflows) await n8n.deactivate(id).catch(() => undefined);
	await sim.stop();
	fs.rmSync(audioDir, { recursive: true, force: true });
});

const utcNow = () => new Date().toISOString().slice(0, 19);

/** The bytes n8n stored for a binary item (its editor's download link). */
async function binaryBytes(binary) {
	const rest = await n8n.restSession();
	const res = await rest.get('/binary-data', {
		params: { id: binary.id, action: 'download' },
		responseType: 'arraybuffer',
	});
	expect(res.status).toBe(200);
	return Buffer.from(res.data);
}

function expectNoCredentialAtStorage() {
	const headers = JSON.stringify(sim.storageRequests().map((r) => r.headers));
	expect(sim.storageRequests().length).toBeGreaterThan(0);
	expect(headers).not.toMatch(/authorization|x-ts-/i);
	expect(headers).not.toContain(DEFAULT_ACCOUNT.apiKey);
	expect(headers).not.toContain(
		Buffer.from(`${DEFAULT_ACCOUNT.customerId}:${DEFAULT_ACCOUNT.apiKey}`).toString('base64'),
	);
}

test('Download: the binary is the exact bytes served; an expired link is read again once; no credential reaches the storage host', async () => {
	const ref = `E2E${crypto.randomBytes(14).toString('hex').toUpperCase()}`;
	sim.configure({ recordings: [{ reference_id: ref, date: '2024-05-01T10:00:00', duration: 5 }] });
	const file = sim.recordings().find((r) => r.reference_id === ref).file_name;
	const hookPath = `rec-${crypto.randomUUID()}`;
	const created = await n8n.createWorkflow(
		{
			name: `recordings e2e download ${hookPath}`,
			nodes: [
				{
					id: crypto.randomUUID(),
					name: 'In',
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2,
					position: [0, 0],
					webhookId: crypto.randomUUID(),
					parameters: { httpMethod: 'POST', path: hookPath, responseMode: 'onReceived' },
				},
				{
					id: crypto.randomUUID(),
					name: 'Download',
					type: 'n8n-nodes-telesign-voice.telesignVoice',
					typeVersion: 1,
					position: [220, 0],
					parameters: {
						resource: 'recording',
						operation: 'download',
						referenceId: '={{ $json.body.reference_id }}',
						binaryPropertyName: 'audio',
					},
					credentials: { telesignVoiceApi: credential },
				},
			],
			connections: { In: { main: [[{ node: 'Download', type: 'main', index: 0 }]] } },
		},
		{ activate: true },
	);
	workflows.push(created.id);
	const url = `${n8n.baseUrl}/webhook/${hookPath}`;
	await n8n.waitForWebhook(url);
	const runs = await newExecutions(n8n, created.id);
	sim.expireNextRecordingUrls(1);
	expect((await axios.post(url, { reference_id: ref })).status).toBe(200);
	const [execution] = await runs.waitFor(1);
	expect({ status: execution.status, error: execution.data.resultData.error?.message }).toEqual({
		status: 'success',
		error: undefined,
	});
	const item = execution.data.resultData.runData.Download[0].data.main[0][0];
	expect(item.json).toMatchObject({
		reference_id: ref,
		file_name: file,
		mime_type: 'audio/wav',
		size: 44 + 5 * 8000,
		transcript: 'simulated transcription',
	});
	expect(item.binary.audio).toMatchObject({ fileName: file, mimeType: 'audio/wav' });
	expect((await binaryBytes(item.binary.audio)).equals(sim.recordingAudio(file))).toBe(true);
	expect(
		sim
			.storageRequests()
			.filter((r) => r.file === file)
			.map((r) => r.status),
	).toEqual([403, 200]);
	expectNoCredentialAtStorage();
});

test('the example, activated: the polling trigger emits each new recording once (two in one second, then a third in that second) → files and Data Table rows', async () => {
	const tables = await n8n.api('GET', '/data-tables?limit=100');
	const table =
		tables.data.data.find((t) => t.name === TABLE) || (await n8n.createDataTable(TABLE, COLUMNS));
	const example = loadExample('call-recordings-to-data-table.json');
	findNode(example, 'Save Audio').parameters.fileName = `=${audioDir}/{{ $json.file_name }}`;
	const created = await n8n.createWorkflow(example, {
		credentials: { telesignVoiceApi: credential },
		activate: true,
	});
	workflows.push(created.id);
	// The first poll after activation keeps its position (n8n activates asynchronously: wait for it);
	// recordings dated from then on are new.
	await waitForPollPosition(n8n, created.id, 'On New Call Recording');
	const runs = await newExecutions(n8n, created.id);
	const second = utcNow();
	const refs = ['A', 'B', 'C'].map(
		(x) => `E2EPOLL${x}${crypto.randomBytes(8).toString('hex').toUpperCase()}`,
	);
	sim.configure({
		recordings: [
			{ reference_id: refs[0], date: second, duration: 2 },
			{ reference_id: refs[1], date: second, duration: 3 },
		],
	});
	const [first] = await runs.waitFor(1, 150_000);
	const failed = (execution) => ({
		status: execution.status,
		error: execution.data.resultData.error?.message,
		node: execution.data.resultData.lastNodeExecuted,
	});
	expect(failed(first)).toMatchObject({ status: 'success', error: undefined });
	const emitted = (execution) =>
		execution.data.resultData.runData['On New Call Recording'][0].data.main[0].map(
			(i) => i.json.reference_id,
		);
	expect(emitted(first).sort()).toEqual([refs[0], refs[1]].sort());

	// A third recording in the very same second: the next poll emits it, and only it.
	sim.configure({ recordings: [{ reference_id: refs[2], date: second }] });
	const all = await runs.waitFor(2, 150_000);
	expect(all).toHaveLength(2);
	expect(emitted(all[1])).toEqual([refs[2]]);

	const rows = (await n8n.dataTableRows(table.id)).filter((r) => refs.includes(r.reference_id));
	expect(rows.map((r) => r.reference_id).sort()).toEqual([...refs].sort());
	for (const row of rows) {
		expect(row).toMatchObject({
			transcript: 'simulated transcription',
			transcript_language: 'en-US',
		});
		const fileName = sim.recordings().find((r) => r.reference_id === row.reference_id).file_name;
		expect(row.audio_path).toBe(path.join(audioDir, fileName));
		expect(fs.readFileSync(row.audio_path).equals(sim.recordingAudio(fileName))).toBe(true);
		expect(row.size).toBe(sim.recordingAudio(fileName).length);
	}
	expectNoCredentialAtStorage();
});

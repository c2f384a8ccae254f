#!/usr/bin/env node
'use strict';
/**
 * Memory of downloading recordings (`node bench/recordings.js`): 20 recordings of 10 MB each in one execution,
 * through Recording → Download, beside the same 20 files through n8n's own HTTP Request node (Response Format: File)
 * — the same n8n, the same simulator links. Then one recording of a 4-hour call (115 MB, Telesign's longest): a
 * download held in memory would show there at once, where 10 MB files could reuse memory freed in between. Per run: the n8n process's peak RSS growth (VmHWM, reset through
 * /proc/<pid>/clear_refs before each run, minus VmRSS just before it) and that growth per MB downloaded.
 * The variants alternate (package, HTTP Request, package, …) so that a drift of the process hits both.
 * Ports: BENCH_RECORDINGS_PORT (default 5860) and the next one (n8n's task broker).
 */
const crypto = require('crypto');
const fs = require('fs');
const axios = require('axios');

const { N8nServer } = require('../test/e2e/harness/n8n');
const { TelesignSimulator, DEFAULT_ACCOUNT } = require('../test/simulator');

const PORT = Number(process.env.BENCH_RECORDINGS_PORT || 5860);
// 8 kHz 8-bit mono: 1250 s of audio is 10,000,044 bytes; 14,400 s (4 h, the longest call) 115,200,044.
const SCENARIOS = [
	{ files: 20, seconds: 1250 },
	{ files: 1, seconds: 14_400 },
];
const ROUNDS = Number(process.env.BENCH_RECORDINGS_ROUNDS || 3);

const log = (text) => console.log(`[bench:recordings] ${text}`);
const procStatus = (pid, key) =>
	Number(new RegExp(`${key}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

function webhookNode(path) {
	return {
		id: crypto.randomUUID(),
		name: 'In',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: crypto.randomUUID(),
		parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'noData' },
	};
}
function splitNode() {
	return {
		id: crypto.randomUUID(),
		name: 'Split',
		type: 'n8n-nodes-base.splitOut',
		typeVersion: 1,
		position: [200, 0],
		parameters: { fieldToSplitOut: 'body.items', options: {} },
	};
}
function chain(nodes) {
	const connections = {};
	for (let i = 0; i + 1 < nodes.length; i++)
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return connections;
}

/** Webhook → Split Out → the downloading node; answers when the last node has run. */
async function createWorkflow(n8n, name, downloader) {
	const path = `bench-rec-${crypto.randomUUID()}`;
	const nodes = [
		webhookNode(path),
		splitNode(),
		{ id: crypto.randomUUID(), position: [400, 0], ...downloader },
	];
	const created = await n8n.createWorkflow({
		name,
		nodes,
		connections: chain(nodes),
		settings: { saveDataSuccessExecution: 'none' },
	});
	const url = `${n8n.baseUrl}/webhook/${path}`;
	await n8n.waitForWebhook(url);
	return url;
}

async function main() {
	const sim = new TelesignSimulator();
	await sim.start();
	const n8n = new N8nServer({
		port: PORT,
		env: { N8N_LOG_LEVEL: 'warn', N8N_RUNNERS_BROKER_PORT: String(PORT + 1) },
	});
	const stop = async () => {
		await n8n.stop().catch(() => undefined);
		await sim.stop();
		fs.rmSync(n8n.userFolder, { recursive: true, force: true });
	};
	process.once('SIGINT', () => stop().finally(() => process.exit(130)));
	try {
		await n8n.start();
		const pid = n8n.child.pid;
		const credential = await n8n.createCredential(
			'Telesign (bench recordings)',
			'telesignVoiceApi',
			{ ...DEFAULT_ACCOUNT, authMethod: 'basic', baseUrl: sim.url },
		);
		const packageUrl = await createWorkflow(n8n, 'bench: Recording → Download', {
			name: 'Download',
			type: 'n8n-nodes-telesign-voice.telesignVoice',
			typeVersion: 1,
			parameters: {
				resource: 'recording',
				operation: 'download',
				referenceId: '={{ $json.reference_id }}',
				binaryPropertyName: 'data',
				options: { waitUntilAvailable: false },
			},
			credentials: { telesignVoiceApi: credential },
		});
		const httpUrl = await createWorkflow(n8n, 'bench: HTTP Request node', {
			name: 'HTTP Request',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			parameters: {
				url: '={{ $json.url }}',
				options: { response: { response: { responseFormat: 'file' } } },
			},
		});
		const rows = [];
		for (const [index, scenario] of SCENARIOS.entries()) {
			const refs = Array.from(
				{ length: scenario.files },
				(_, i) => `BENCHREC${index}${String(i).padStart(23, '0')}`,
			);
			sim.configure({
				recordings: refs.map((reference_id) => ({
					reference_id,
					date: '2026-11-01T10:00:00',
					duration: scenario.seconds,
				})),
			});
			const bytes = sim.recordingAudio(
				sim.recordings().find((r) => r.reference_id === refs[0]).file_name,
			).length;
			const totalMb = (bytes * scenario.files) / 1e6;
			const label = `${scenario.files} × ${(bytes / 1e6).toFixed(1)} MB`;
			log(
				`${label} = ${totalMb.toFixed(0)} MB per run; n8n pid ${pid}, binary data mode: n8n's default`,
			);
			// The HTTP Request node gets the links the user would have copied from Recording → Get (valid 1 h).
			const links = async () => {
				const auth = { username: DEFAULT_ACCOUNT.customerId, password: DEFAULT_ACCOUNT.apiKey };
				return await Promise.all(
					refs.map(async (ref) => ({
						url: (await axios.get(`${sim.url}/v2/call_recording/${ref}`, { auth })).data[0].url,
					})),
				);
			};
			for (let round = 1; round <= ROUNDS; round++) {
				for (const [variant, url, items] of [
					['Recording → Download', packageUrl, refs.map((reference_id) => ({ reference_id }))],
					["n8n's HTTP Request node (file)", httpUrl, await links()],
				]) {
					const served = sim.storageRequests().length;
					const baseline = procStatus(pid, 'VmRSS');
					fs.writeFileSync(`/proc/${pid}/clear_refs`, '5'); // resets VmHWM to the current RSS
					const started = Date.now();
					const res = await axios.post(
						url,
						{ items },
						{ timeout: 600_000, validateStatus: () => true },
					);
					const seconds = (Date.now() - started) / 1000;
					const peak = procStatus(pid, 'VmHWM');
					const downloads = sim
						.storageRequests()
						.slice(served)
						.filter((r) => r.status === 200).length;
					if (res.status !== 200 || downloads !== scenario.files)
						throw new Error(
							`${variant}: HTTP ${res.status}, ${downloads}/${scenario.files} files served`,
						);
					const growthMb = (peak - baseline) / 1024;
					rows.push({
						label,
						round,
						variant,
						baselineMb: baseline / 1024,
						peakMb: peak / 1024,
						growthMb,
						perMb: growthMb / totalMb,
						seconds,
					});
					log(
						`${label} round ${round} ${variant}: RSS ${(baseline / 1024).toFixed(0)} → peak ${(peak / 1024).toFixed(0)} MB, growth ${growthMb.toFixed(0)} MB = ${(growthMb / totalMb).toFixed(3)} MB per MB downloaded, ${seconds.toFixed(1)} s`,
					);
				}
			}
		}
		console.log('\nn8n 2.41.1, default binary data mode (filesystem)\n');
		console.log(
			'| Files | Round | Variant | RSS before (MB) | Peak RSS (MB) | Peak growth (MB) | Growth per MB downloaded | Time (s) |',
		);
		console.log('|---|---|---|---|---|---|---|---|');
		for (const r of rows) {
			console.log(
				`| ${r.label} | ${r.round} | ${r.variant} | ${r.baselineMb.toFixed(0)} | ${r.peakMb.toFixed(0)} | ${r.growthMb.toFixed(0)} | ${r.perMb.toFixed(3)} | ${r.seconds.toFixed(1)} |`,
			);
		}
	} finally {
		await stop();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});

#!/usr/bin/env node
'use strict';
/**
 * `npm start`: the local demo. Builds the package, installs (once, cached) a real n8n, starts the Telesign Voice
 * simulator as the "Telesign" endpoint and n8n with the package installed as a community package, creates a
 * demo credential pointing at the simulator, imports and activates the example workflows, and prints what to
 * open and how to place a simulated call. Ctrl+C stops everything.
 *
 * Env: DEMO_N8N_PORT (5678), DEMO_SIM_PORT (8089), DEMO_USER_FOLDER (~/.cache/n8n-nodes-telesign-voice/demo),
 * DEMO_FRESH=1 to start from an empty n8n.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

const { N8nServer, OWNER } = require('../test/e2e/harness/n8n');
const { TelesignSimulator, DEFAULT_ACCOUNT } = require('../test/simulator');
const { importExamples, DEMO_NUMBERS } = require('../test/e2e/harness/examples');

async function main() {
	const n8nPort = Number(process.env.DEMO_N8N_PORT || 5678);
	const simPort = Number(process.env.DEMO_SIM_PORT || 8089);
	const cacheRoot = process.env.TELESIGN_E2E_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'n8n-nodes-telesign-voice');
	const userFolder = process.env.DEMO_USER_FOLDER || path.join(cacheRoot, 'demo');
	if (process.env.DEMO_FRESH === '1') fs.rmSync(userFolder, { recursive: true, force: true });
	fs.mkdirSync(userFolder, { recursive: true });

	const sim = new TelesignSimulator({
		ownedNumbers: [DEMO_NUMBERS.callerId],
		callees: DEMO_NUMBERS.callees,
		ringMs: 300,
		mediaMs: 1500,
	});
	await sim.start({ port: simPort });
	sim.on('call:event', (e) => {
		const status = e.webhookStatus === null ? e.error : e.webhookStatus;
		const answer = e.responseBody && typeof e.responseBody === 'object' && e.responseBody.method ? ` → ${e.responseBody.method}` : '';
		console.log(`  [simulator] ${e.reference_id.slice(-6)} ${e.event}${e.body?.data?.status ? ` (${e.body.data.status})` : ''}: webhook ${status}${answer}`);
	});

	const n8n = new N8nServer({ port: n8nPort, userFolder });
	await n8n.start();
	const imported = await importExamples(n8n, { simulatorUrl: sim.url, account: DEFAULT_ACCOUNT });
	sim.configure({ webhookUrl: imported.outboundWebhookUrl, inboundWebhookUrl: imported.ivrWebhookUrl });

	const base = n8n.baseUrl.replace('127.0.0.1', 'localhost');
	console.log(`
──────────────────────────────────────────────────────────────────────────────
 Telesign Voice demo is running (Ctrl+C to stop)

 n8n:        ${base}   (log in: ${OWNER.email} / ${OWNER.password})
 Simulator:  ${sim.url}   (stands in for Telesign; call log: ${sim.url}/_sim/calls)
 Credential: "${imported.credentialName}" → ${sim.url}

 Workflows (active): ${imported.workflows.map((w) => `"${w.name}"`).join(', ')}

 On-call escalation with Call and Wait (the first engineer presses 9, the second presses 1):
   curl -s -X POST ${imported.escalationUrl.replace('127.0.0.1', 'localhost')} -H 'content-type: application/json' \\
     -d '{"message":"Checkout is down.","oncall":["${DEMO_NUMBERS.presses9}","${DEMO_NUMBERS.presses1}"]}'

 Place a simulated outbound alert call (the callee answers and listens):
   curl -s -X POST ${imported.alertUrl.replace('127.0.0.1', 'localhost')} -H 'content-type: application/json' \\
     -d '{"numbers":["${DEMO_NUMBERS.answers}"],"message":"Disk space on db-1 is below 5 percent."}'
   Other callees: ${DEMO_NUMBERS.busy} is busy, ${DEMO_NUMBERS.hangsUp} hangs up during the message.

 Call the IVR menu (the caller presses 1 → bridged to sales; use "from":"${DEMO_NUMBERS.presses2}" for 2):
   curl -s -X POST ${sim.url}/_sim/inbound -d '{"from":"${DEMO_NUMBERS.presses1}","to":"${DEMO_NUMBERS.callerId}"}'

 Telesign posts all events of an account to one URL; the simulator sends outbound calls' events to the
 outbound alert workflow and inbound calls' to the IVR. To feed the call log workflow instead:
   curl -s -X POST ${sim.url}/_sim/config -d '{"webhookUrl":"${imported.callLogWebhookUrl}"}'

 Then open the workflows' Executions tab in n8n, the "telesign_call_log" Data Table, or ${sim.url}/_sim/calls.
──────────────────────────────────────────────────────────────────────────────
`);

	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		console.log('\nstopping…');
		await n8n.stop();
		await sim.stop();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	if (process.env.DEMO_EXIT_AFTER_START === '1') await stop();
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});

#!/usr/bin/env node
'use strict';
/**
 * `npm start`: the local demo. Builds the package, installs (once, cached) a real n8n, starts the Telesign Voice
 * simulator as the "Telesign" endpoint and n8n with the package installed as a community package, creates a
 * demo credential pointing at the simulator, imports and activates the example workflows, and prints what to
 * open and how to place a simulated call. Ctrl+C stops everything.
 *
 * Env: DEMO_N8N_PORT (5678), DEMO_SIM_PORT (8089), DEMO_BROKER_PORT (n8n's task broker: DEMO_N8N_PORT + 10000),
 * DEMO_USER_FOLDER (~/.cache/n8n-nodes-telesign-voice/demo), DEMO_FRESH=1 to start from an empty n8n.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

const { N8nServer, OWNER } = require('../test/e2e/harness/n8n');
const { TelesignSimulator, DEFAULT_ACCOUNT } = require('../test/simulator');
const { importExamples, DEMO_NUMBERS } = require('../test/e2e/harness/examples');
const { demoBanner, eventLine } = require('./demo-console');

/** The answer body the simulator logged for this event of the call (the emitted event does not carry it). */
function answerBodyOf(sim, e) {
	const entries = sim.call(e.reference_id)?.entries ?? [];
	const entry = entries.filter((x) => x.type === 'event' && x.event === e.event).pop();
	return entry?.responseBody;
}

/** What the demo started, so a failure while starting still stops it (an orphaned n8n would keep the port). */
const started = { n8n: undefined, sim: undefined };

async function main() {
	const n8nPort = Number(process.env.DEMO_N8N_PORT || 5678);
	const simPort = Number(process.env.DEMO_SIM_PORT || 8089);
	const brokerPort = Number(process.env.DEMO_BROKER_PORT || n8nPort + 10000);
	if (new Set([n8nPort, simPort, brokerPort]).size < 3) {
		throw new Error(
			`DEMO_N8N_PORT ${n8nPort}, DEMO_SIM_PORT ${simPort} and n8n's task broker port ${brokerPort} (DEMO_BROKER_PORT, default DEMO_N8N_PORT + 10000) must differ`,
		);
	}
	const cacheRoot =
		process.env.TELESIGN_E2E_CACHE ||
		path.join(
			process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
			'n8n-nodes-telesign-voice',
		);
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
	started.sim = sim;
	sim.on('call:event', (e) => console.log(eventLine(e, answerBodyOf(sim, e))));

	const n8n = new N8nServer({
		port: n8nPort,
		userFolder,
		env: { N8N_RUNNERS_BROKER_PORT: String(brokerPort) },
	});
	started.n8n = n8n;
	await n8n.start();
	const imported = await importExamples(n8n, { simulatorUrl: sim.url, account: DEFAULT_ACCOUNT });
	// The simulator has one events URL for outbound calls, as a Telesign account has: the advanced example's trigger,
	// which handles its own Dial calls' events and relays those of the Call and Wait examples (any trigger does).
	sim.configure({ webhookUrl: imported.dialWebhookUrl, inboundWebhookUrl: imported.ivrWebhookUrl });

	console.log(
		demoBanner({
			n8nUrl: n8n.baseUrl,
			owner: OWNER,
			simulatorUrl: sim.url,
			account: DEFAULT_ACCOUNT,
			credentialName: imported.credentialName,
			workflowNames: imported.workflows.map((w) => w.name),
			alertUrl: imported.alertUrl,
			dialAlertUrl: imported.dialAlertUrl,
			escalationUrl: imported.escalationUrl,
			callLogWebhookUrl: imported.callLogWebhookUrl,
			numbers: DEMO_NUMBERS,
			n8nLog: n8n.logPath,
		}),
	);

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

main().catch(async (error) => {
	console.error(error);
	await started.n8n?.stop().catch(() => undefined);
	await started.sim?.stop().catch(() => undefined);
	process.exit(1);
});

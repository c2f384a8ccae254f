#!/usr/bin/env node
'use strict';
/**
 * Run the Telesign Voice simulator from the command line.
 *   node test/simulator/cli.js --webhook http://localhost:5678/webhook/<id> --port 8089
 * See README.md in this folder (or --help).
 */
const fs = require('fs');
const path = require('path');
const { TelesignSimulator, DEFAULT_ACCOUNT } = require('./simulator');

const HELP = `Telesign Voice simulator (local, no account needed)

Usage: node test/simulator/cli.js [options]      (or: npm run simulator -- [options])

  --port <n>            port to listen on (default 8089; 0 = any free port)
  --host <addr>         address to bind (default 127.0.0.1)
  --webhook <url>       where call events are POSTed (your n8n Telesign Voice Trigger URL)
  --inbound-webhook <url>  where events of inbound calls go instead (default: --webhook)
  --config <file.json>  JSON config (same keys as the JS options; see example-config.json)
  --customer-id <id>    account customer id accepted (default ${DEFAULT_ACCOUNT.customerId})
  --api-key <key>       account API key (base64 text) accepted
  --owned <n1,n2>       caller-ID numbers the account "leases" (default 15550000001; '*' = any)
  --latency <ms>        delay before every POST /v2/voice answer
  --deterministic       fixed reference_ids / clock (repeatable logs)
  --seed <n>            deterministic with this reference_id prefix
  --quiet               do not print requests and events
  --help                this text

Control endpoints (no auth): GET /_sim/calls, GET /_sim/calls/<reference_id>, GET /_sim/requests,
GET /_sim/dials, GET /_sim/latencies, GET|POST /_sim/config, POST /_sim/inbound {"from","to","digits"?},
POST /_sim/faults, POST /_sim/reset.`;

/** @param {string[]} argv */
function parseArgs(argv) {
	/** @type {Record<string, string|boolean>} */
	const out = {};
	const flags = new Set(['deterministic', 'quiet', 'help']);
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (!a.startsWith('--')) throw new Error(`unexpected argument "${a}"`);
		let [k, v] = a.slice(2).split(/=(.*)/s, 2);
		if (flags.has(k)) {
			out[k] = v === undefined ? true : v !== 'false';
			continue;
		}
		if (v === undefined) {
			v = argv[++i];
			if (v === undefined) throw new Error(`--${k} needs a value`);
		}
		out[k] = v;
	}
	const known = new Set([
		'port',
		'host',
		'webhook',
		'inbound-webhook',
		'config',
		'customer-id',
		'api-key',
		'owned',
		'latency',
		'seed',
		...flags,
	]);
	for (const k of Object.keys(out)) if (!known.has(k)) throw new Error(`unknown option --${k}`);
	return out;
}

/** Build simulator options from flags (+ optional config file). Flags win. */
function buildOptions(args) {
	let opts = {};
	if (args.config) {
		const file = path.resolve(String(args.config));
		opts = JSON.parse(fs.readFileSync(file, 'utf8'));
	}
	if (args['customer-id'] || args['api-key']) {
		const acct = {
			customerId: String(args['customer-id'] || DEFAULT_ACCOUNT.customerId),
			apiKey: String(args['api-key'] || DEFAULT_ACCOUNT.apiKey),
		};
		opts.accounts = [
			acct,
			...(opts.accounts || []).filter((a) => a.customerId !== acct.customerId),
		];
	}
	if (args.webhook) opts.webhookUrl = String(args.webhook);
	if (args['inbound-webhook']) opts.inboundWebhookUrl = String(args['inbound-webhook']);
	if (args.owned)
		opts.ownedNumbers = String(args.owned)
			.split(',')
			.map((s) => s.trim())
			.filter(Boolean);
	if (args.latency !== undefined) opts.latencyMs = Number(args.latency);
	if (args.deterministic) opts.deterministic = true;
	if (args.seed !== undefined) opts.seed = Number(args.seed);
	if (args.port !== undefined) opts.port = Number(args.port);
	if (args.host) opts.host = String(args.host);
	if (opts.port === undefined) opts.port = 8089;
	return opts;
}

async function main() {
	let args;
	try {
		args = parseArgs(process.argv.slice(2));
	} catch (e) {
		console.error(`error: ${e.message}\n\n${HELP}`);
		process.exit(2);
	}
	if (args.help) {
		console.log(HELP);
		return;
	}
	const opts = buildOptions(args);
	const sim = new TelesignSimulator(opts);
	const { url } = await sim.start();
	const cfg = sim.cfg;
	console.log(`Telesign Voice simulator listening on ${url}`);
	console.log(`  API base URL : ${url}   (POST ${url}/v2/voice, GET ${url}/v2/call_recording)`);
	for (const a of cfg.accounts)
		console.log(
			`  Account      : customer id ${a.customerId}  api key ${a.apiKey}   (local test credentials)`,
		);
	console.log(`  Caller IDs   : ${cfg.ownedNumbers.join(', ') || '(none)'}`);
	console.log(
		`  Webhook      : ${cfg.webhookUrl || '(none — pass --webhook <url> or POST /_sim/config {"webhookUrl": ...})'}`,
	);
	console.log(
		`  Call log     : ${url}/_sim/calls     Inbound call: POST ${url}/_sim/inbound {"from":"15551234567","to":"${cfg.ownedNumbers[0] || '...'}"}`,
	);
	if (cfg.deterministic) console.log('  Mode         : deterministic');
	if (!args.quiet) {
		sim.on('request', (r) =>
			console.log(
				`→ ${r.method} ${r.path} ${r.status === null ? 'RESET' : r.status} ${r.response && r.response.status ? r.response.status : ''}${r.authError ? ` (${r.authError})` : ''}${r.reason ? ` (${r.reason})` : ''}`,
			),
		);
		sim.on('call:event', (e) =>
			console.log(
				`  [${e.reference_id}] ${e.event} ${JSON.stringify(e.body.data)} → webhook ${e.webhookStatus === null ? e.error : e.webhookStatus}`,
			),
		);
		sim.on('call:completed', (c) =>
			console.log(
				`  [${c.reference_id}] completed: ${c.status}, ${c.duration}s, events ${c.events.join(' → ')}`,
			),
		);
	}
	let stopping = false;
	const shutdown = async () => {
		if (stopping) return;
		stopping = true;
		await sim.stop();
		process.exit(0);
	};
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
}

if (require.main === module) {
	main().catch((e) => {
		console.error(e && e.stack ? e.stack : e);
		process.exit(1);
	});
}

module.exports = { parseArgs, buildOptions };

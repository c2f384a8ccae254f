'use strict';
/**
 * Child process of the benchmark (run with the same Node as n8n): the load generator.
 *  - 'dials': the floor. The same 1,000 signed dial bodies the node sends, posted straight to the simulator by
 *    axios through a pool of N workers (keep-alive agent with N sockets), Basic or TSA authentication.
 *  - 'events': a block of signed Telesign dial_completed events posted to one webhook URL by a keep-alive
 *    client (one agent per URL and concurrency, the same client code for every pipeline); latency per event.
 *
 * IPC: {id, cmd, ...} → {id, ok, result | error}.
 */
const http = require('http');
const path = require('path');
const axios = require('axios');
const { basicAuthHeader, tsaHeaders, signEventBody } = require(
	path.join(__dirname, '..', '..', 'test', 'simulator'),
);

function hrMs(start) {
	return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Runs task(i) for i in [0, n) with at most `concurrency` in flight (same shape as the node's pool). */
async function pool(n, concurrency, task) {
	let next = 0;
	const worker = async () => {
		while (next < n) await task(next++);
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
}

async function floorDials({ simUrl, dials, concurrency, auth, account }) {
	const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
	const client = axios.create({
		baseURL: simUrl,
		httpAgent: agent,
		timeout: 30_000,
		validateStatus: () => true,
	});
	const bodies = dials.map((d) =>
		JSON.stringify({
			jsonrpc: '2.0',
			method: 'dial',
			params: { to: d.to, caller_id_number: d.callerId, external_id: d.externalId },
		}),
	);
	const basic = basicAuthHeader(account.customerId, account.apiKey);
	const statuses = {};
	const cpu0 = process.cpuUsage();
	const started = process.hrtime.bigint();
	await pool(bodies.length, concurrency, async (i) => {
		const body = bodies[i];
		const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
		if (auth === 'tsa') {
			Object.assign(
				headers,
				tsaHeaders({
					...account,
					method: 'POST',
					resource: '/v2/voice',
					body,
					contentType: 'application/json',
				}),
			);
		} else headers.Authorization = basic;
		const res = await client.post('/v2/voice', body, {
			headers,
			transformRequest: [(data) => data],
		});
		statuses[res.status] = (statuses[res.status] || 0) + 1;
	});
	const wallMs = hrMs(started);
	const cpu = process.cpuUsage(cpu0);
	agent.destroy();
	return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, statuses };
}

function postOnce(agent, url, raw, headers, timeoutMs) {
	return new Promise((resolve) => {
		const started = process.hrtime.bigint();
		const req = http.request(
			url,
			{ method: 'POST', agent, headers: { ...headers, 'Content-Length': raw.length } },
			(res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () =>
					resolve({
						ms: hrMs(started),
						status: res.statusCode,
						body: Buffer.concat(chunks).toString('utf8'),
					}),
				);
				res.on('error', (e) => resolve({ ms: hrMs(started), status: 0, body: String(e) }));
			},
		);
		req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
		req.on('error', (e) => resolve({ ms: hrMs(started), status: 0, body: String(e) }));
		req.end(raw);
	});
}

/** A dial_completed event as the simulator sends it, signed as Telesign signs callbacks (Authorization: TSA + X-TS-Authorization; https://developer.telesign.com/enterprise/docs/authenticate-callbacks). */
function signedEvent(i, account, extraHeaders) {
	const body = {
		event: 'dial_completed',
		reference_id: (0x1000000 + i).toString(16).toUpperCase().padStart(32, '0'),
		data: { to: String(15551000000 + (i % 1000)), from: '15550000001', status: 'answered' },
	};
	const raw = Buffer.from(JSON.stringify(body), 'utf8');
	const signature = signEventBody(account.apiKey, raw);
	return {
		raw,
		headers: {
			'Content-Type': 'application/json',
			'User-Agent': 'telesign-voice-simulator',
			Authorization: `TSA ${account.customerId}:${signature}`,
			'X-TS-Authorization': signature,
			...extraHeaders,
		},
	};
}

const agents = new Map();
function agentFor(url, concurrency) {
	const key = `${concurrency} ${url}`;
	if (!agents.has(key))
		agents.set(key, new http.Agent({ keepAlive: true, maxSockets: concurrency }));
	return agents.get(key);
}

/** Posts events [offset, offset + count) to one URL at `concurrency`; latencies in send order. */
async function events({
	url,
	offset,
	count,
	concurrency,
	account,
	extraHeaders = {},
	timeoutMs = 15_000,
	check,
}) {
	const prepared = Array.from({ length: count }, (_, k) =>
		signedEvent(offset + k, account, extraHeaders),
	);
	const agent = agentFor(url, concurrency);
	const latencies = new Array(count);
	let failures = 0;
	let firstFailure;
	const started = process.hrtime.bigint();
	await pool(count, concurrency, async (k) => {
		const r = await postOnce(agent, url, prepared[k].raw, prepared[k].headers, timeoutMs);
		latencies[k] = r.ms;
		if (!(r.status === 200 && (!check || r.body.includes(check)))) {
			failures++;
			if (!firstFailure) firstFailure = `HTTP ${r.status}: ${r.body.slice(0, 300)}`;
		}
	});
	return { latencies, failures, firstFailure, wallMs: hrMs(started) };
}

process.on('message', async (msg) => {
	try {
		let result;
		if (msg.cmd === 'dials') result = await floorDials(msg);
		else if (msg.cmd === 'events') result = await events(msg);
		else if (msg.cmd === 'closeAgents') {
			for (const a of agents.values()) a.destroy();
			agents.clear();
			result = true;
		} else throw new Error(`unknown command ${msg.cmd}`);
		process.send({ id: msg.id, ok: true, result });
	} catch (error) {
		process.send({
			id: msg.id,
			ok: false,
			error: String(error && error.stack ? error.stack : error),
		});
	}
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });

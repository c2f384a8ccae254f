'use strict';
/**
 * A small load balancer in front of the cluster's webhook processors (plain Node http, no dependency), as a
 * user puts one in front of several `n8n webhook` processes: `WEBHOOK_URL` names it, so Telesign's events and the
 * trigger's relays to waiting executions (whose resume URLs n8n builds from `WEBHOOK_URL`) both pass through it.
 *
 * Policies (switched by a test through `PUT /__balancer/policy`):
 * - `call` (default): the requests of one Telesign call — every event of the call, at the trigger and relayed,
 *   named by the body's `reference_id` — go to one processor, and each new call to the next processor in turn.
 *   So consecutive calls are answered by alternating processors. Requests without a `reference_id` (alerts,
 *   time-limit requests) alternate on their own.
 * - `request`: every request goes to the next processor in turn (events at the trigger and relays each keep their
 *   own turn, so that the relays, where the waiting node decides, alternate too).
 *
 * `GET /__balancer/requests` lists what went where: role, path kind (`waiting` for /webhook-waiting/, else
 * `webhook`), and the event and reference_id of a JSON body; tests read it to prove which processor answered what.
 */
const http = require('http');

const CONTROL = '/__balancer/';

/** The event and reference_id of a Telesign event body (also the exact bytes a relay carries); {} otherwise. */
function eventOf(body) {
	try {
		const json = JSON.parse(body.toString('utf8'));
		if (json && typeof json === 'object') {
			return {
				event: typeof json.event === 'string' ? json.event : undefined,
				referenceId: typeof json.reference_id === 'string' ? json.reference_id : undefined,
			};
		}
	} catch {
		/* not JSON */
	}
	return {};
}

/** Forwards one buffered request to 127.0.0.1:port and pipes the answer back; resolves with the status. */
function forward(req, body, res, port) {
	return new Promise((resolve) => {
		const upstream = http.request(
			{ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers },
			(answer) => {
				res.writeHead(answer.statusCode, answer.headers);
				answer.pipe(res);
				answer.on('end', () => resolve(answer.statusCode));
				answer.on('error', () => resolve(answer.statusCode));
			},
		);
		upstream.on('error', (error) => {
			if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ message: `balancer: ${error.message}` }));
			resolve(502);
		});
		upstream.end(body);
	});
}

function readBody(req) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

class Balancer {
	/** @param {{port: number, targets: Array<{role: string, port: number}>}} o */
	constructor({ port, targets }) {
		this.port = port;
		this.targets = targets;
		this.url = `http://127.0.0.1:${port}`;
		this.policy = 'call';
		this.turns = { call: 0, waiting: 0, webhook: 0 };
		this.callTargets = new Map();
		this.requests = [];
	}

	next(turn) {
		const target = this.targets[this.turns[turn] % this.targets.length];
		this.turns[turn]++;
		return target;
	}

	pick(kind, referenceId) {
		if (this.policy === 'request' || referenceId === undefined) return this.next(kind);
		if (!this.callTargets.has(referenceId)) this.callTargets.set(referenceId, this.next('call'));
		return this.callTargets.get(referenceId);
	}

	async control(req, res, body) {
		if (req.method === 'PUT' && req.url === `${CONTROL}policy`) {
			const { policy } = JSON.parse(body.toString('utf8'));
			if (!['call', 'request'].includes(policy)) throw new Error(`unknown policy ${policy}`);
			this.policy = policy;
		}
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ policy: this.policy, requests: this.requests }));
	}

	async handle(req, res) {
		const body = await readBody(req);
		if (req.url.startsWith(CONTROL)) return await this.control(req, res, body);
		const kind = req.url.startsWith('/webhook-waiting/') ? 'waiting' : 'webhook';
		const { event, referenceId } = eventOf(body);
		const target = this.pick(kind, referenceId);
		const entry = {
			seq: this.requests.length,
			role: target.role,
			kind,
			method: req.method,
			path: req.url.split('?')[0],
			event,
			referenceId,
		};
		this.requests.push(entry);
		entry.status = await forward(req, body, res, target.port);
	}

	start() {
		this.server = http.createServer((req, res) => {
			this.handle(req, res).catch((error) => {
				if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ message: `balancer: ${error.message}` }));
			});
		});
		return new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(this.port, '127.0.0.1', () => resolve(this));
		});
	}

	async stop() {
		if (!this.server) return;
		this.server.closeAllConnections?.();
		await new Promise((resolve) => this.server.close(() => resolve()));
	}
}

/** What the balancer at `url` has forwarded so far (and sets its policy first, when given). */
async function balancerRequests(url, policy) {
	const res = await fetch(`${url}${CONTROL}${policy ? 'policy' : 'requests'}`, {
		method: policy ? 'PUT' : 'GET',
		body: policy ? JSON.stringify({ policy }) : undefined,
		signal: AbortSignal.timeout(10_000),
	});
	if (res.status !== 200) throw new Error(`balancer answered ${res.status}`);
	return (await res.json()).requests;
}

module.exports = { Balancer, balancerRequests, forward, readBody };

'use strict';
/**
 * Child process of the benchmark: one Telesign simulator (test/simulator) on loopback, in its own process so
 * that it never shares an event loop with n8n or with the load generator. Adds an in-flight counter (peak
 * concurrent POST /v2/voice requests, to check what concurrency each client really used).
 *
 * IPC: {id, cmd: 'configure', patch} | {id, cmd: 'reset'} | {id, cmd: 'stats'} → {id, ok, result | error}.
 * On start it sends {ready: true, url}.
 */
const path = require('path');
const { TelesignSimulator } = require(path.join(__dirname, '..', '..', 'test', 'simulator'));

const sim = new TelesignSimulator({ ownedNumbers: ['*'], deterministic: true });
let inflight = 0;
let peak = 0;
let served = 0;

async function main() {
	const { url } = await sim.start({ port: 0, host: '127.0.0.1' });
	sim._server.on('request', (req, res) => {
		if (!req.url.startsWith('/v2/voice')) return;
		inflight++;
		if (inflight > peak) peak = inflight;
		res.once('close', () => {
			inflight--;
			served++;
		});
	});
	process.on('message', async (msg) => {
		let result;
		try {
			if (msg.cmd === 'configure') result = sim.configure(msg.patch);
			else if (msg.cmd === 'reset') {
				sim.reset();
				peak = inflight;
				served = 0;
				result = true;
			} else if (msg.cmd === 'stats') {
				const requests = sim.requests();
				const statuses = {};
				for (const r of requests) statuses[r.status] = (statuses[r.status] || 0) + 1;
				result = { peakInFlight: peak, served, dialsPlaced: sim.dialsPlaced().length, statuses };
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
	process.send({ ready: true, url });
}

process.on('disconnect', () => {
	sim.stop().finally(() => process.exit(0));
});
main().catch((error) => {
	process.stderr.write(`simulator failed: ${error.stack}\n`);
	process.exit(1);
});

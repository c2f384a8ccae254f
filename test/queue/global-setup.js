'use strict';
const { startCluster, stopCluster } = require('./harness/cluster');

module.exports = async function globalSetup() {
	// Two webhook processors behind the balancer (harness/balancer.js), as a deployment that scales events.
	const { servers, balancer } = await startCluster({ webhookProcessors: 2 });
	globalThis.__QUEUE_SERVERS__ = servers;
	globalThis.__QUEUE_BALANCER__ = balancer;
	// An interrupted run (Ctrl-C, CI timeout) stops the cluster too; a killed one is cleaned up by the next run.
	for (const signal of ['SIGINT', 'SIGTERM']) {
		process.once(signal, () => {
			stopCluster(servers, undefined, balancer).finally(() => process.exit(130));
		});
	}
};

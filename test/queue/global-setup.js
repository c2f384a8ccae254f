'use strict';
const { startCluster, stopCluster } = require('./harness/cluster');

module.exports = async function globalSetup() {
	const { servers } = await startCluster();
	globalThis.__QUEUE_SERVERS__ = servers;
	// An interrupted run (Ctrl-C, CI timeout) stops the cluster too; a killed one is cleaned up by the next run.
	for (const signal of ['SIGINT', 'SIGTERM']) {
		process.once(signal, () => {
			stopCluster(servers).finally(() => process.exit(130));
		});
	}
};

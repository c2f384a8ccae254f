'use strict';
const { stopCluster } = require('./harness/cluster');

module.exports = async function globalTeardown() {
	await stopCluster(globalThis.__QUEUE_SERVERS__ || [], undefined, globalThis.__QUEUE_BALANCER__);
};

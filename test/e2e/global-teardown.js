'use strict';
module.exports = async function globalTeardown() {
	const server = globalThis.__N8N_SERVER__;
	if (server) await server.stop();
};

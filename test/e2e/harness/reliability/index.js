'use strict';
/**
 * Helpers of the reliability and security suite (test/e2e/reliability/): the suite a file opens (suite.js), its
 * scoreboard, "batch" workflows that run the real action node on a posted list of items, execution counting and
 * a bounded pool, and the scanner that looks for secrets in everything the suite saw.
 */
module.exports = {
	...require('./suite'),
	...require('./batch'),
	...require('./executions'),
	...require('./secrets'),
	...require('./scoreboard'),
};

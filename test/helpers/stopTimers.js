'use strict';
/**
 * After each test file: a waiting Call and Wait keeps a timer for its time limit in the process that follows it
 * (nodes/TelesignVoice/actions/call/callAndWait/timeLimit.ts); stop them so that no timer outlives its test file.
 * The on-call lists followed (followedChains.ts) are forgotten with them.
 */
afterAll(() => {
	require('../../nodes/TelesignVoice/actions/call/callAndWait/followedCalls').forgetAll();
	require('../../nodes/TelesignVoice/actions/call/callAndWait/followedChains').forgetAllChains();
});

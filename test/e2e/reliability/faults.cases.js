'use strict';
/**
 * The fault batch of category 3 (3-faults.e2e.test.js): {name, fault?, times?, input?, blocked?,
 * expect(item, {requests, placed, externalId})}. Every case dials its own number; healthy dials are mixed in,
 * so the batch also shows that one failing dial harms no other.
 */
const crypto = require('crypto');

const AMBIGUOUS = /^The call may have been placed: /;

/** Reported as "may have been placed", naming the external_id, sent once; `placed`: what the simulator placed. */
const ambiguous = (placed) => (item, ctx) => {
	expect(item.error).toMatch(AMBIGUOUS);
	expect(item.error).toContain(`external_id "${ctx.externalId}"`);
	expect(item.error).toMatch(/It was not retried, to avoid calling twice/);
	expect(item.details.call_may_have_been_placed).toBe(true);
	expect(item.details.external_id).toBe(ctx.externalId);
	expect(ctx.requests).toHaveLength(1);
	expect(ctx.placed).toBe(placed);
};

/** Accepted after `attempts` requests (the ones before refused with 429), placed once. */
const succeeded = (attempts) => (item, ctx) => {
	expect(item.error).toBeUndefined();
	expect(item).toMatchObject({ status: 'dial_accepted', external_id: ctx.externalId, attempts });
	expect(ctx.requests).toHaveLength(attempts);
	expect(ctx.requests.slice(0, -1).every((r) => r.status === 429)).toBe(true);
	expect(ctx.requests[attempts - 1].status).toBe(202);
	expect(ctx.placed).toBe(1);
};

/** Failed with `message`, known not placed, after `requests` requests. */
const notPlaced = (message, requests) => (item, ctx) => {
	expect(item.error).toMatch(message);
	expect(item.details.call_may_have_been_placed).toBe(false);
	expect(ctx.requests).toHaveLength(requests);
	expect(ctx.placed).toBe(0);
};

const ambiguousWith = (placed, detail) => (item, ctx) => {
	ambiguous(placed)(item, ctx);
	expect(item.error).toMatch(detail);
};

const healthy = (n) => ({ name: `healthy dial #${n} in the same batch`, expect: succeeded(1) });

function faultCases(freshNumber) {
	return [
		healthy(1),
		{
			name: '429 with Retry-After: 1, twice (3 retries allowed) → retried, placed once, attempts 3',
			fault: { status: 429, retryAfter: 1 },
			times: 2,
			input: { rateLimitRetries: 3 },
			expect: succeeded(3),
		},
		{
			name: '429 without Retry-After, once → retried after back-off, placed once, attempts 2',
			fault: { status: 429 },
			times: 1,
			input: { rateLimitRetries: 3 },
			expect: succeeded(2),
		},
		{
			name: '429 five times, 2 retries allowed → gives up after exactly 3 requests, nothing placed',
			fault: { status: 429, retryAfter: 0 },
			times: 5,
			input: { rateLimitRetries: 2 },
			expect: notPlaced(/rate_limit_exceeded .* after 3 attempts/, 3),
		},
		{
			name: '429 with Rate Limit Retries 0 → exactly 1 request, nothing placed',
			fault: { status: 429, retryAfter: 1 },
			times: 1,
			input: { rateLimitRetries: 0 },
			expect: notPlaced(/rate_limit_exceeded/, 1),
		},
		healthy(2),
		{
			name: '500 → "may have been placed" naming the external_id, not retried',
			fault: { status: 500 },
			expect: ambiguous(0),
		},
		{
			name: '503 → "may have been placed" naming the external_id, not retried',
			fault: { status: 503 },
			expect: ambiguous(0),
		},
		{
			name: '502 → "may have been placed", not retried',
			fault: { status: 502 },
			expect: ambiguous(0),
		},
		{
			name: '504 → "may have been placed", not retried',
			fault: { status: 504 },
			expect: ambiguous(0),
		},
		healthy(3),
		{
			name: 'answer slower (2.5 s) than the Timeout (1 s) → ambiguous timeout, not retried, the dial placed exactly once',
			fault: { delayMs: 2500 },
			input: { timeout: 1000 },
			expect: ambiguousWith(1, /no answer within 1 s \(timeout\)/),
		},
		{
			name: 'connection reset before the request was processed → reported (cannot be known: "may have been placed"), not retried, nothing placed',
			fault: { reset: 'before' },
			expect: ambiguousWith(0, /connection was reset/),
		},
		{
			name: 'connection reset after the dial was accepted → ambiguous, not retried, placed exactly once',
			fault: { reset: 'after' },
			expect: ambiguousWith(1, /connection was reset/),
		},
		{
			name: '400 caller_id_number_not_owned → not placed, not retried',
			input: { callerId: '15559999999' },
			expect: notPlaced(/caller_id_number_not_owned/, 1),
		},
		{
			name: '200 to_number_blocked_by_customer → refused, not placed, not retried',
			blocked: 'to_number_blocked_by_customer',
			expect: notPlaced(/^Telesign refused the call: to_number_blocked_by_customer/, 1),
		},
		healthy(4),
	].map((c, i) => ({
		...c,
		to: freshNumber(),
		externalId: `fault-${i + 1}-${crypto.randomBytes(3).toString('hex')}`,
	}));
}

module.exports = { AMBIGUOUS, faultCases };

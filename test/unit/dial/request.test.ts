/** Call → Dial: the request it sends, and validation of every item before any request. */
import { NodeOperationError } from 'n8n-workflow';

import { accepted, CALLER, dialContext, dialError, runDial, UUID } from './dialHarness';

describe('Call → Dial: the request', () => {
	it('sends exactly one signed POST /v2/voice with the dial action, and outputs what later events correlate on', async () => {
		const { output, requests } = await runDial(
			[
				{
					to: '+1 (555) 555-1212',
					options: {
						externalId: 'order-42',
						sendDtmf: 'ww12#',
						maxCallDuration: 600,
						timeout: 15000,
					},
				},
			],
			{ http: [accepted('BC96D7B0D1800164898350B4E71B005C', 'order-42')] },
		);
		expect(requests).toHaveLength(1);
		expect(requests[0].credentialType).toBe('telesignVoiceApi');
		expect(requests[0].options).toEqual({
			method: 'POST',
			url: '/v2/voice',
			headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
			body: '{"jsonrpc":"2.0","method":"dial","params":{"to":"15555551212","caller_id_number":"15554441313","external_id":"order-42","send_dtmf":"ww12#","max_call_duration":"600"}}',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: 15000,
			json: true,
		});
		expect(output).toEqual([
			{
				json: {
					reference_id: 'BC96D7B0D1800164898350B4E71B005C',
					status: 'dial_accepted',
					external_id: 'order-42',
					to: '15555551212',
					caller_id_number: CALLER,
					attempts: 1,
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('generates an external ID when none is given, sends it and outputs it', async () => {
		const { output, requests } = await runDial(
			[{ to: '15555551212' }, { to: '15555551213', options: { externalId: '  ' } }],
			{
				http: [accepted('R1'), accepted('R2')],
			},
		);
		const sent = requests.map(
			(request) => JSON.parse(request.options.body as string).params.external_id,
		);
		expect(sent[0]).toMatch(UUID);
		expect(sent[1]).toMatch(UUID);
		expect(sent[0]).not.toBe(sent[1]);
		expect(output.map((item) => item.json.external_id)).toEqual(sent);
		expect(requests[0].options.timeout).toBe(30000);
		expect(JSON.parse(requests[0].options.body as string).params).not.toHaveProperty(
			'max_call_duration',
		);
	});

	it('reads every parameter per item, so expressions can differ between items', async () => {
		const { requests } = await runDial(
			[
				{ to: '15555551212', callerIdNumber: '15550000001', options: { externalId: 'a' } },
				{
					to: '447911123456',
					callerIdNumber: '15550000002',
					options: { externalId: 'b', maxCallDuration: '30' },
				},
			],
			{ http: [accepted('R1'), accepted('R2')] },
		);
		expect(requests.map((request) => JSON.parse(request.options.body as string).params)).toEqual([
			{ to: '15555551212', caller_id_number: '15550000001', external_id: 'a' },
			{
				to: '447911123456',
				caller_id_number: '15550000002',
				external_id: 'b',
				max_call_duration: '30',
			},
		]);
	});
});

describe('Call → Dial: validation happens before any request', () => {
	it.each([
		[{ to: '0555 1234' }, 'To "0555 1234" looks like a national number'],
		[{ to: '15555551212', callerIdNumber: 'abc' }, 'Caller ID Number "abc" is not a phone number'],
		[{ to: '15555551212', options: { sendDtmf: '12-3' } }, 'Send DTMF "12-3" contains "-"'],
		[
			{ to: '15555551212', options: { maxCallDuration: 14401 } },
			'Max Call Duration "14401" is out of range',
		],
		[
			{ to: '15555551212', options: { maxCallDuration: 0 } },
			'Max Call Duration "0" is out of range',
		],
		[
			{ to: '15555551212', options: { externalId: 'x'.repeat(129) } },
			'External ID is 129 characters long',
		],
		[
			{ to: '15555551212', options: { rateLimitRetries: 11 } },
			'Rate Limit Retries "11" is out of range',
		],
		[{ to: '15555551212', options: { timeout: 10 } }, 'Timeout "10" is out of range'],
	])('%j → %s (item 2, no request at all)', async (bad, message) => {
		const fake = dialContext([{ to: '15555551212' }, { to: '15555551213' }, bad], { http: [] });
		const error = await dialError(fake.context);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message.startsWith(message)).toBe(true);
		expect(error.context.itemIndex).toBe(2);
		expect(fake.requests).toHaveLength(0);
	});

	it('an invalid Concurrency (read from the first item) stops the node before any request', async () => {
		const fake = dialContext([{ to: '15555551212', options: { concurrency: 0 } }], { http: [] });
		const error = await dialError(fake.context);
		expect(error.message).toMatch(/^Concurrency "0" is out of range: allowed 1 to 100/);
		expect(fake.requests).toHaveLength(0);
	});

	it('a missing credential is reported as such, before any request (never as "the call may have been placed")', async () => {
		const fake = dialContext([{ to: '15555551212' }], { credentials: null, http: [] });
		const error = await dialError(fake.context);
		expect(error.message).toMatch(/^The Telesign Voice API credential could not be read/);
		expect(fake.requests).toHaveLength(0);
	});
});

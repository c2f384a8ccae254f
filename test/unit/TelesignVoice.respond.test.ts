import { NodeOperationError } from 'n8n-workflow';

import { TelesignVoice } from '../../nodes/TelesignVoice/TelesignVoice.node';
import type { ContextOptions, Parameters } from '../helpers/executeContext';
import { executeContext } from '../helpers/executeContext';

const node = new TelesignVoice();

async function run(operation: string, items: Parameters[], extra: Partial<ContextOptions> = {}) {
	const fake = executeContext({ parameters: { resource: 'respond', operation }, items, ...extra });
	const output = await node.execute.call(fake.context);
	return { output: output[0], ...fake };
}

async function failure(operation: string, items: Parameters[]) {
	const { context, httpRequestWithAuthentication } = executeContext({
		parameters: { resource: 'respond', operation },
		items,
	});
	const error = await node.execute.call(context).then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(httpRequestWithAuthentication).not.toHaveBeenCalled();
	expect(error).toBeInstanceOf(NodeOperationError);
	return error as NodeOperationError;
}

describe('Telesign Voice: Respond', () => {
	describe('outputs exactly the action Telesign expects', () => {
		it('Speak with collected digits and a language picked from the list', async () => {
			const { output } = await run('speak', [
				{
					message: 'Press 1 for sales',
					language: { __rl: true, mode: 'list', value: 'fr-FR' },
					collectDigits: true,
					maxDigits: 1,
				},
			]);
			expect(output).toEqual([
				{
					json: {
						jsonrpc: '2.0',
						method: 'speak',
						params: {
							tts: { message: 'Press 1 for sales', language: 'fr-FR' },
							collect_digits: { max: 1 },
						},
					},
					pairedItem: { item: 0 },
				},
			]);
			expect(JSON.stringify(output[0].json)).toBe(
				'{"jsonrpc":"2.0","method":"speak","params":{"tts":{"message":"Press 1 for sales","language":"fr-FR"},"collect_digits":{"max":1}}}',
			);
		});

		it('Speak defaults to en-US, collects nothing unless asked, and takes a typed language code', async () => {
			const { output } = await run('speak', [
				{
					message: 'Server down',
					language: { __rl: true, mode: 'list', value: 'en-US' },
					collectDigits: false,
					maxDigits: 4,
				},
				{ message: 'Hallo', language: { __rl: true, mode: 'code', value: 'de-AT' } },
			]);
			expect(output.map((item) => item.json)).toEqual([
				{
					jsonrpc: '2.0',
					method: 'speak',
					params: { tts: { message: 'Server down', language: 'en-US' } },
				},
				{
					jsonrpc: '2.0',
					method: 'speak',
					params: { tts: { message: 'Hallo', language: 'de-AT' } },
				},
			]);
			expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		});

		it('Play', async () => {
			const { output } = await run('play', [
				{ audioUrl: 'https://example.com/menu.wav', collectDigits: true, maxDigits: 2 },
				{ audioUrl: 'http://example.com/hold.wav' },
			]);
			expect(output.map((item) => item.json)).toEqual([
				{
					jsonrpc: '2.0',
					method: 'play',
					params: { url: 'https://example.com/menu.wav', collect_digits: { max: 2 } },
				},
				{ jsonrpc: '2.0', method: 'play', params: { url: 'http://example.com/hold.wav' } },
			]);
		});

		it('Send DTMF, with the default and a changed parameter name', async () => {
			const { output } = await run('sendDtmf', [
				{ digits: '12 34#' },
				{ digits: 'ww9*', options: { parameterName: 'dtmf' } },
			]);
			expect(output.map((item) => item.json)).toEqual([
				{ jsonrpc: '2.0', method: 'send_dtmf', params: { digits: '1234#' } },
				{ jsonrpc: '2.0', method: 'send_dtmf', params: { dtmf: 'ww9*' } },
			]);
		});

		it('Hangup', async () => {
			const { output } = await run('hangup', [{}]);
			expect(output).toEqual([
				{ json: { jsonrpc: '2.0', method: 'hangup', params: {} }, pairedItem: { item: 0 } },
			]);
		});

		it('Dial (bridge) uses the same fields and validation as Call → Dial, without a request', async () => {
			const { output, httpRequestWithAuthentication, getCredentials } = await run('dial', [
				{
					to: '+44 7911 123456',
					callerIdNumber: '15554441313',
					options: {
						externalId: 'agent-7',
						sendDtmf: 'w1',
						maxCallDuration: 900,
						answerTelesignNow: true,
					},
				},
				{ to: '15555551212', callerIdNumber: '15554441313' },
			]);
			expect(output.map((item) => item.json)).toEqual([
				{
					jsonrpc: '2.0',
					method: 'dial',
					params: {
						to: '447911123456',
						caller_id_number: '15554441313',
						external_id: 'agent-7',
						send_dtmf: 'w1',
						max_call_duration: '900',
					},
				},
				{
					jsonrpc: '2.0',
					method: 'dial',
					params: { to: '15555551212', caller_id_number: '15554441313' },
				},
			]);
			expect(httpRequestWithAuthentication).not.toHaveBeenCalled();
			expect(getCredentials).not.toHaveBeenCalled();
		});

		it('Raw Action with params as JSON text or as an object', async () => {
			const { output } = await run('rawAction', [
				{
					method: 'play_multiple',
					params: '{"urls":["https://a.example/1.wav","https://a.example/2.wav"]}',
				},
				{ method: 'hangup', params: {} },
			]);
			expect(output.map((item) => item.json)).toEqual([
				{
					jsonrpc: '2.0',
					method: 'play_multiple',
					params: { urls: ['https://a.example/1.wav', 'https://a.example/2.wav'] },
				},
				{ jsonrpc: '2.0', method: 'hangup', params: {} },
			]);
		});
	});

	describe('validation errors name the item and the field', () => {
		it.each([
			['speak', { message: '   ' }, 'Message is required'],
			[
				'speak',
				{ message: 'Hi', language: { __rl: true, mode: 'code', value: 'english!' } },
				'Language',
			],
			['speak', { message: 'Hi', collectDigits: true, maxDigits: 0 }, 'Max Digits'],
			['play', { audioUrl: 'ftp://example.com/a.wav' }, 'Audio URL'],
			['play', { audioUrl: 'not a url' }, 'Audio URL'],
			['sendDtmf', { digits: '12x' }, 'Digits "12x" contains "x"'],
			['dial', { to: '555-CALL-NOW', callerIdNumber: '15554441313' }, 'To'],
			[
				'dial',
				{ to: '15555551212', callerIdNumber: '15554441313', options: { maxCallDuration: 20000 } },
				'Max Call Duration',
			],
			['rawAction', { method: '', params: '{}' }, 'Method is required'],
			['rawAction', { method: 'play_multiple', params: '[1,2]' }, 'Params must be a JSON object'],
			['rawAction', { method: 'play_multiple', params: '{"urls": [' }, 'Params is not valid JSON'],
		])('%s %j → %s', async (operation, parameters, message) => {
			const error = await failure(operation, [
				{
					message: 'ok',
					audioUrl: 'https://x.example/a.wav',
					digits: '1',
					to: '15555551212',
					callerIdNumber: '15554441313',
					method: 'hangup',
					params: '{}',
				},
				parameters,
			]);
			expect(error.message.startsWith(message)).toBe(true);
			expect(error.context.itemIndex).toBe(1);
		});

		it('with Continue On Fail, an invalid item becomes an error item and the others are output', async () => {
			const { output } = await run(
				'speak',
				[{ message: 'first' }, { message: '' }, { message: 'third' }],
				{ continueOnFail: true },
			);
			expect(output).toHaveLength(3);
			expect(output[0].json).toMatchObject({ method: 'speak' });
			expect(output[1]).toEqual({
				json: { error: 'Message is required: enter the text Telesign should speak', details: {} },
				pairedItem: { item: 1 },
			});
			expect(output[2]).toMatchObject({ json: { method: 'speak' }, pairedItem: { item: 2 } });
		});
	});

	describe('Answer Telesign Now (sendResponse)', () => {
		it('answers once, with the first action, as JSON with status 200', async () => {
			const { output, sendResponse } = await run('hangup', [{}, {}, {}]);
			expect(output).toHaveLength(3);
			expect(sendResponse).toHaveBeenCalledTimes(1);
			expect(sendResponse).toHaveBeenCalledWith({
				body: { jsonrpc: '2.0', method: 'hangup', params: {} },
				headers: { 'content-type': 'application/json' },
				statusCode: 200,
			});
		});

		it('answers with the first item that succeeded', async () => {
			const { sendResponse } = await run(
				'speak',
				[{ message: '' }, { message: 'second' }, { message: 'third' }],
				{ continueOnFail: true },
			);
			expect(sendResponse).toHaveBeenCalledTimes(1);
			expect(sendResponse.mock.calls[0][0]).toMatchObject({
				body: { method: 'speak', params: { tts: { message: 'second' } } },
			});
		});

		it('does not answer when the option is off', async () => {
			const { output, sendResponse } = await run('hangup', [
				{ options: { answerTelesignNow: false } },
			]);
			expect(output).toHaveLength(1);
			expect(sendResponse).not.toHaveBeenCalled();
		});

		// A failing sendResponse (warned in the log and shown as a hint) is tested under n8n's engine:
		// test/engine/respond.engine.test.js.

		it('works in a context without sendResponse (e.g. run as a tool)', async () => {
			const { output } = await run('hangup', [{}], { sendResponse: 'missing' });
			expect(output).toHaveLength(1);
		});

		it('the answer is a copy: changing the output item later does not change what was sent', async () => {
			const { output, sendResponse } = await run('speak', [{ message: 'hello' }]);
			(output[0].json.params as { tts: { message: string } }).tts.message = 'changed';
			expect(sendResponse.mock.calls[0][0]).toMatchObject({
				body: { params: { tts: { message: 'hello' } } },
			});
		});
	});
});

/** Activation (webhookMethods) and the webhook auth credential's test. */
import { NodeOperationError } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunctions,
	IDataObject,
	IHookFunctions,
} from 'n8n-workflow';
import { TelesignVoiceTrigger } from '../../../nodes/TelesignVoiceTrigger/TelesignVoiceTrigger.node';

import { TELESIGN_CREDS, HOOK_USER, WEBHOOK_ID, URL_PATH, Params } from './triggerHarness';

describe('webhookMethods (the URL is registered by Telesign support, nothing remote)', () => {
	function hookContext(
		params: Partial<Params>,
		credentials: Record<string, IDataObject | undefined>,
		url = `https://n8n.example.com${URL_PATH}`,
	) {
		const all: Params = {
			events: ['*'],
			authentication: 'telesignSignature',
			respond: 'lastNode',
			options: {},
			...params,
		};
		const logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };
		const ctx = {
			getNode: () => ({ id: 'node-1', name: 'Telesign Voice Trigger', webhookId: WEBHOOK_ID }),
			getNodeParameter: (name: string, fallback?: unknown) =>
				name in all ? all[name as keyof Params] : fallback,
			getCredentials: async (type: string) => {
				const value = credentials[type];
				if (!value) throw new Error(`Node does not have credentials of type "${type}"`);
				return value;
			},
			getNodeWebhookUrl: () => url,
			logger,
		};
		return { ctx: ctx as unknown as IHookFunctions, logger };
	}
	const methods = new TelesignVoiceTrigger().webhookMethods.default;

	it('checkExists/create/delete succeed for a usable configuration', async () => {
		const { ctx, logger } = hookContext({}, { telesignVoiceApi: TELESIGN_CREDS });
		await expect(methods.checkExists.call(ctx)).resolves.toBe(true);
		await expect(methods.create.call(ctx)).resolves.toBe(true);
		await expect(methods.delete.call(ctx)).resolves.toBe(true);
		expect(logger.warn).not.toHaveBeenCalled();
	});

	it('checkExists refuses activation with a clear error when the credential is missing or unusable', async () => {
		await expect(methods.checkExists.call(hookContext({}, {}).ctx)).rejects.toBeInstanceOf(
			NodeOperationError,
		);
		await expect(
			methods.checkExists.call(
				hookContext(
					{ authentication: 'digestAuth' },
					{ telesignVoiceWebhookAuthApi: { user: 'u', password: 'short' } },
				).ctx,
			),
		).rejects.toThrow(/at least 12/);
		await expect(
			methods.checkExists.call(
				hookContext({ events: [] }, { telesignVoiceApi: TELESIGN_CREDS }).ctx,
			),
		).rejects.toThrow(/at least one event/);
		await expect(
			methods.checkExists.call(hookContext({ authentication: 'none' }, {}).ctx),
		).resolves.toBe(true);
	});

	it('warns when the URL is not HTTPS (Telesign only posts to HTTPS)', async () => {
		const { ctx, logger } = hookContext(
			{ authentication: 'none' },
			{},
			`http://localhost:5678${URL_PATH}`,
		);
		await expect(methods.checkExists.call(ctx)).resolves.toBe(true);
		expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/HTTPS/), expect.any(Object));
	});
});

describe('credential test of the webhook auth credential', () => {
	const test = new TelesignVoiceTrigger().methods.credentialTest.telesignVoiceWebhookAuthTest;
	const run = async (data: ICredentialDataDecryptedObject) =>
		await test.call({} as ICredentialTestFunctions, {
			id: '1',
			name: 'c',
			type: 'telesignVoiceWebhookAuthApi',
			data,
		});

	it('passes a usable credential and says nothing remote was tested', async () => {
		const r = await run(HOOK_USER);
		expect(r.status).toBe('OK');
		expect(r.message).toMatch(/nothing remote/);
	});

	it('explains what is wrong', async () => {
		expect(await run({ user: 'telesign', password: 'short' })).toEqual({
			status: 'Error',
			message: 'Password has 5 characters: use at least 12.',
		});
		expect((await run({ user: ' ', password: 'correct horse battery' })).status).toBe('Error');
		expect((await run({ user: 'telesign', password: ' correct horse battery' })).status).toBe(
			'Error',
		);
	});
});

import type {
	IAuthenticateRuleResponseCode,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { DEFAULT_BASE_URL, applyTelesignAuth } from '../nodes/shared/telesign/credentials';

export class TelesignVoiceApi implements ICredentialType {
	name = 'telesignVoiceApi';

	displayName = 'Telesign Voice API';

	icon = { light: 'file:telesign.svg', dark: 'file:telesign.dark.svg' } as const;

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-telesign-voice';

	properties: INodeProperties[] = [
		{
			displayName: 'Customer ID',
			name: 'customerId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'FFFFFFFF-EEEE-DDDD-1234-AB1234567890',
			description: 'Your Telesign Customer ID, shown in the Telesign portal',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your Telesign API key (base64 text), shown in the Telesign portal',
		},
		{
			displayName: 'Authentication Method',
			name: 'authMethod',
			type: 'options',
			options: [
				{
					name: 'Basic',
					value: 'basic',
					description:
						'Customer ID and API key in an Authorization header (Telesign calls this the easiest)',
				},
				{
					// Stored as 'digest' (Telesign's docs call TSA signing "Digest"); labelled apart from the
					// trigger's RFC 7616 Digest Auth so one word does not name two things.
					name: 'TSA Signature (HMAC-SHA256)',
					value: 'digest',
					description:
						'Every request is signed with the API key (HMAC-SHA256); the key itself is never sent. Telesign\'s documentation calls this "Digest".',
				},
			],
			default: 'basic',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			description:
				'Telesign REST API host, without a path. Change it only if Telesign gave you another host (e.g. https://rest.telesign.com) or to use the local simulator.',
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return applyTelesignAuth(credentials, requestOptions);
	}

	/**
	 * Tested without placing a call: a dial with no parameters. Telesign checks the credentials first (401 when
	 * they are wrong) and only then sees that "to" is missing (400 to_number_not_provided), so a 400 proves
	 * the credentials were accepted, while no call can ever be placed by this request.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/v2/voice',
			method: 'POST',
			body: { method: 'dial', params: {} },
			ignoreHttpStatusErrors: {
				ignore: true,
				except: [401, 403, 404, 405, 429, 500, 502, 503, 504],
			},
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Telesign rejected these credentials (401). Check the Customer ID, the API Key and the Authentication Method.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message: 'Telesign refused access (403): Voice may not be enabled for this account.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'The Base URL does not serve the Telesign Voice API (404). Use e.g. https://rest-ww.telesign.com.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 405,
					message:
						'The Base URL does not serve the Telesign Voice API (405). Use e.g. https://rest-ww.telesign.com.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 429,
					message: 'Telesign is rate limiting this account (429); try the test again in a minute.',
				},
			},
		] as IAuthenticateRuleResponseCode[],
	};
}

import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * User name and password that Telesign must present when it posts events to the trigger's URL
 * (HTTP Basic or Digest auth). Give the same values to Telesign support when registering the URL.
 */
export class TelesignVoiceWebhookAuthApi implements ICredentialType {
	name = 'telesignVoiceWebhookAuthApi';

	displayName = 'Telesign Voice Webhook Auth';

	icon = { light: 'file:telesign.svg', dark: 'file:telesign.dark.svg' } as const;

	documentationUrl = 'https://github.com/telesign-voice-n8n/n8n-nodes-telesign-voice#securing-the-webhook';

	properties: INodeProperties[] = [
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			required: true,
			description: 'User name Telesign sends with every event',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Password Telesign sends with every event (at least 12 characters)',
		},
	];
}

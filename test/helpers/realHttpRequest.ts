/**
 * Stands in for n8n's `httpRequestWithAuthentication` with a real HTTP request: applies the package's credential
 * (so Basic / TSA signing is exercised) and sends the options with axios the way n8n does for the options the
 * transport uses (returnFullResponse, ignoreHttpStatusErrors, json, qs, timeout).
 */
import axios from 'axios';
import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import { TelesignVoiceApi } from '../../credentials/TelesignVoiceApi.credentials';

export function realHttpRequest(credentials: ICredentialDataDecryptedObject) {
	const credentialType = new TelesignVoiceApi();
	return async (requestOptions: IHttpRequestOptions) => {
		const options = await credentialType.authenticate(credentials, requestOptions);
		const response = await axios.request({
			method: options.method ?? 'GET',
			baseURL: options.baseURL,
			url: options.url,
			params: options.qs,
			data: options.body,
			headers: options.headers as Record<string, string>,
			timeout: options.timeout,
			validateStatus: () => true,
			transformResponse: (data: string) => {
				if (typeof data !== 'string' || data === '') return data;
				try {
					return JSON.parse(data);
				} catch {
					return data;
				}
			},
		});
		return { statusCode: response.status, headers: { ...response.headers }, body: response.data };
	};
}

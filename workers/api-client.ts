/** The CLI's HTTP client: the API with the person's token; the API's French errors are shown as they come. */
import { loadConfig } from '../lib/config';

export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  static fromEnv(env: NodeJS.ProcessEnv = process.env): ApiClient {
    const token = env.SPASER_TOKEN;
    if (!token) throw new Error('définissez SPASER_TOKEN (votre jeton, voir `utilisateur ajouter` ou `jeton`)');
    return new ApiClient(env.SPASER_API_URL ?? loadConfig(env).web.publicUrl, token);
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, json: string): Promise<T> {
    return this.request<T>('POST', path, json);
  }

  private async request<T>(method: string, path: string, body?: string): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method, body,
      headers: { authorization: `Bearer ${this.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    }).catch((err: unknown) => {
      throw new Error(`serveur injoignable (${this.baseUrl}) : ${err instanceof Error ? err.message : String(err)}`);
    });
    const payload = (await res.json().catch(() => ({}))) as T & { erreur?: string };
    if (!res.ok) throw new Error(payload.erreur ?? `le serveur a répondu ${res.status}`);
    return payload;
  }
}

import { HttpClient, HttpResponse } from './core/paperSources';

/**
 * The sources' HTTP port over the platform's `fetch` (Node 20, the extension host, a
 * browser), with a timeout. Shared by the CLI and the extension.
 */
export const fetchClient: HttpClient = {
  async get(url: string, headers: Record<string, string>, timeoutMs: number): Promise<HttpResponse> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await fetch(url, { headers, signal: controller.signal, redirect: 'follow' });
      const text = await response.text();
      const out: Record<string, string> = {};
      response.headers.forEach((value, name) => (out[name.toLowerCase()] = value));
      return { status: response.status, headers: out, text };
    } catch (error) {
      if (controller.signal.aborted) throw new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`);
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(cause?.code ?? cause?.message ?? (error as Error).message);
    } finally {
      clearTimeout(timer);
    }
  },
};

/// <reference lib="dom" />
import type { BrowserContext, Page } from 'playwright-core';
// Plain JS shared with the integration runner and `npm start`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const codeServer = require('../vscode/codeServer.js') as {
  ROOT: string;
  startCodeServer(options?: { workspaceTrust?: boolean }): Promise<{ url: string; dataDir: string; stop: () => void }>;
  workbenchUrl(base: string, folder: string, options?: { extensionPath?: string; kind?: string }): string;
  launchBrowser(dataDir: string): Promise<BrowserContext>;
  copyWorkspace(from: string): string;
  temporaryFolder(prefix: string): string;
};

export const { ROOT, copyWorkspace, temporaryFolder } = codeServer;

/** A real VS Code (code-server) with the extension loaded, in headless Chromium. */
export class Workbench {
  private constructor(
    readonly page: Page,
    private readonly context: BrowserContext,
    private readonly server: { stop: () => void },
  ) {}

  static async open(folder: string, options: { extensionPath?: string; kind?: string; restricted?: boolean } = {}): Promise<Workbench> {
    const server = await codeServer.startCodeServer({ workspaceTrust: options.restricted ?? false });
    const context = await codeServer.launchBrowser(server.dataDir);
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(codeServer.workbenchUrl(server.url, folder, options));
    if (options.restricted) {
      // Answer VS Code's trust prompt as a cautious person would.
      await page.getByRole('button', { name: /No, I don't trust the authors/ }).click({ timeout: 60000 });
    }
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: 60000 });
    return new Workbench(page, context, server);
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
    this.server.stop();
  }

  async openNote(name: string): Promise<void> {
    await this.page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${name}"]`).click();
    await this.page.locator(`.editor-instance .monaco-editor[data-uri$="${name}"]`).waitFor({ state: 'visible' });
  }

  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    await this.page.locator(`.quick-input-widget .monaco-list-row[aria-label*="${title}"]`).first().waitFor({ state: 'visible' });
    await this.page.keyboard.press('Enter');
  }

  /** The screen box of `word` in the visible editor lines. */
  async wordBox(word: string): Promise<{ x: number; y: number; width: number; height: number } | null> {
    return this.page.evaluate((w) => {
      for (const span of Array.from(document.querySelectorAll('.editor-instance .view-line span span'))) {
        const text = span.textContent ?? '';
        const index = text.indexOf(w);
        if (index < 0 || !span.firstChild) continue;
        const range = document.createRange();
        range.setStart(span.firstChild, index);
        range.setEnd(span.firstChild, index + w.length);
        const r = range.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      }
      return null;
    }, word);
  }

  /**
   * Hovers `word` until a hover containing `expected` shows, moving off and back
   * as a person would (Monaco asks again only when the mouse moves), and returns its text.
   */
  async hover(word: string, expected: string): Promise<string> {
    const hover = this.page.locator('.monaco-hover:not(.hidden)', { hasText: expected });
    for (let attempt = 0; attempt < 8 && !(await hover.isVisible()); attempt++) {
      const box = await this.wordBox(word);
      if (!box) throw new Error(`${word} is not visible in the editor`);
      await this.page.mouse.move(box.x + box.width / 2, box.y + box.height + 60);
      await this.page.waitForTimeout(150);
      await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await hover.waitFor({ state: 'visible', timeout: 3000 }).catch(() => undefined);
    }
    return hover.innerText();
  }

  async statusBarTexts(): Promise<string[]> {
    return this.page.locator('.statusbar-item').allInnerTexts();
  }
}

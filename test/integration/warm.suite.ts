import * as assert from 'node:assert/strict';
import { activateExtension } from './helpers';

/** Run by the runner in a second VS Code session on the same profile and folder. */
describe('A second start', () => {
  it('loads the library from the saved index instead of parsing and indexing', async () => {
    const api = await activateExtension();
    const load = api.service.lastLoad;
    assert.ok(load, 'the library has loaded');
    assert.equal(load.fromSavedIndex, true);
    assert.equal(load.digests, 2);
    assert.ok(api.service.snapshot.paper('hu2021lora'));
    assert.ok((await api.service.snapshot.search('lottery')).some((h) => h.paper.key === 'frankle2019lottery'));
    // The key handed out in the first session stays with its paper.
    assert.match(api.service.snapshot.paper('lotteryticket2018')?.title ?? '', /^The Lottery Ticket Hypothesis/);
  });
});

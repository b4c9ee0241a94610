import assert from 'node:assert/strict';
import { Library } from '../../src/core/library';
import { MentionMatcher } from '../../src/core/mentions';
import { extractNames } from '../../src/core/names';

/**
 * Names that are also ordinary words ("Adam", "Puzzle", "Magma", "Dropout", "Wolf"):
 * they count only where the writing shows it means the paper. Sentences from the issue
 * that found this, and more of the same kinds.
 */

const json = (papers: Array<{ id: string; title: string; summary: string }>) => JSON.stringify(papers.map((p) => ({ paper: { ...p, authors: [{ name: 'A Person' }], publishedAt: '2024-05-01T00:00:00.000Z' } })));

const library = Library.fromDigests([
  {
    path: 'hf.json',
    text: json([
      { id: '1412.06980', title: 'Adam: A Method for Stochastic Optimization', summary: 'We introduce Adam, an algorithm for first-order gradient-based optimization of stochastic objective functions, based on adaptive estimates of lower-order moments and learning rate schedules.' },
      { id: '2411.19146', title: 'Puzzle: Distillation-Based NAS for Inference-Optimized LLMs', summary: 'We present Puzzle, a framework that searches neural architectures with blockwise local distillation and mixed-integer programming to accelerate inference of large language models.' },
      { id: '2402.09090', title: 'Magma: A Foundation Model for Multimodal AI Agents', summary: 'We present Magma, a foundation model for multimodal agentic tasks in digital and physical worlds, with spatial grounding and planning for robot manipulation.' },
      { id: '1207.05800', title: 'Dropout: A Simple Way to Prevent Neural Networks from Overfitting', summary: 'We propose Dropout, a technique for addressing overfitting in deep neural networks by randomly dropping units during training.' },
      { id: '2406.01234', title: 'Wolf: Captioning Everything with a World Summarization Framework', summary: 'We propose Wolf, a summarization framework for accurate video captioning with a mixture of vision language models.' },
      { id: '2601.01234', title: 'STREAM: A Data-Centric Framework for Mining Task-Oriented Dialogues from Streaming Media', summary: 'We present STREAM, a framework that mines task-oriented dialogues from live streams for domain language models.' },
      { id: '2404.11936', title: 'MixLoRA: Enhancing Fine-Tuning with LoRA-based Mixture of Experts', summary: 'We propose MixLoRA, a parameter-efficient mixture of experts built from LoRA adapters.' },
    ]),
  },
]);

const named = (sentence: string) => library.scanNote(sentence).mentions.map((m) => m.text);

describe('names that are also ordinary words', () => {
  const meant: Array<[string, string]> = [
    ['All runs use Adam with a cosine schedule.', 'Adam'],
    ['We train with Adam and weight decay.', 'Adam'],
    ['Puzzle searches architectures with distillation.', 'Puzzle'],
    ['Magma grounds robot manipulation in spatial planning.', 'Magma'],
    ['Dropout reduces overfitting in neural networks.', 'Dropout'],
    ['For captions we compare against Wolf on video benchmarks.', 'Wolf'],
    ['Wolf improves video captioning with vision language models.', 'Wolf'],
    ['MixLoRA adds experts.', 'MixLoRA'],
    ['Compared with MixLoRA, ours is smaller.', 'MixLoRA'],
    ['The optimizer is Adam, as in most work.', 'Adam'],
    // In capitals where the words around it are not: no ordinary word is written so, whatever the sentence is about.
    ['STREAM is what we ran first.', 'STREAM'],
    ['Our first try was STREAM.', 'STREAM'],
  ];
  const ordinary = [
    'Adam Smith wrote about markets.',
    'Magma flows down the volcano.',
    'Dropout rates among students rose.',
    'Wolf and Zebra populations declined.',
    'Puzzle games are fun on weekends.',
    'Think about the cost before you start.',
    'Skip the warm-up if you are short on time.',
    'Bench results were noisy.',
    'Adam Jones joined the lab in May.',
    'Wolf Blitzer reported the story.',
    'Magma chambers feed the eruption.',
    'Dropout is common in rural schools.',
    'Puzzle pieces were missing from the box.',
    'Re: the meeting notes.',
    'Palette knives are used in painting.',
    'Stream the talk tonight.',
    'THE STREAM WAS COLD THAT MORNING.',
  ];

  for (const [sentence, name] of meant) it(`reads "${sentence}" as naming ${name}`, () => assert.deepEqual(named(sentence), [name]));
  for (const sentence of ordinary) it(`reads "${sentence}" as naming no paper`, () => assert.deepEqual(named(sentence), []));
});

describe('fragments of a title are never names', () => {
  it('keeps "Re:Form", "Skrr" and "BigCodeBench" whole, without "Re", "Skip" or "Bench"', () => {
    const names = (title: string, abstract: string) => {
      const n = extractNames(title, abstract);
      return [n.shortName, ...n.aliases].filter(Boolean);
    };
    assert.deepEqual(names('Re:Form -- Reducing Human Priors in Scalable Formal Software Verification', 'We present Re:Form, a framework for formal verification.'), []);
    assert.deepEqual(names('Skrr: Skip and Re-use Text Encoder Layers for Memory Efficient Text-to-Image Generation', 'We propose Skip and Re-use layers (Skrr), a simple pruning strategy.'), ['Skrr']);
    assert.deepEqual(names('BigCodeBench: Benchmarking Code Generation with Diverse Function Calls', 'We introduce Bench, a part of BigCodeBench, to test LLMs.'), ['BigCodeBench']);
    // "Position:" and "Survey:" say what kind of paper it is; the name after them is still found.
    assert.deepEqual(names('Position: The Current AI Conference Model is Unsustainable!', 'This paper offers a data-driven diagnosis of a structural crisis.'), []);
    assert.deepEqual(names('Survey: Token Compression for MLLMs', 'We introduce TokenZip, a benchmark of token compression.'), ['TokenZip']);
    // A coined name standing alone still counts: the control.
    assert.deepEqual(names('Efficient Training of Tiny Models', 'We propose Hymba, a hybrid-head architecture for small language models.'), ['Hymba']);
  });
});

describe('the names matcher after an edit', () => {
  const papers = [
    { id: '2406.01234', title: 'Wolf: Captioning Everything with a World Summarization Framework', summary: 'We propose Wolf, a framework that describes dashcam footage with a mixture of vision language models.' },
    { id: '2404.11936', title: 'MixLoRA: Enhancing Fine-Tuning with LoRA-based Mixture of Experts', summary: 'We propose MixLoRA, a parameter-efficient mixture of experts built from LoRA adapters.' },
  ];
  const libraryOf = (edit: (ps: typeof papers) => void) => {
    const copy = papers.map((p) => ({ ...p }));
    edit(copy);
    return Library.fromDigests([{ path: 'hf.json', text: json(copy) }]);
  };
  const named = (library: Library, sentence: string) => library.scanNote(sentence).mentions.map((m) => m.text);
  const first = () => {
    const library = libraryOf(() => undefined);
    assert.deepEqual(named(library, 'Wolf describes dashcam footage.'), ['Wolf'], 'control: the weak name counts by its abstract');
    return library;
  };

  it('is kept when no name, title or weak-named abstract changed, and made again when one did', () => {
    const before = first();
    const matcher = (library: Library) => new MentionMatcher(library.papers);
    const built = matcher(before);
    assert.ok(built.servesAlso(libraryOf(() => undefined).papers), 'the same digest read again');
    assert.ok(built.servesAlso(libraryOf((ps) => (ps[1]!.summary += ' It is fast.')).papers), "a strong name's abstract edited");
    assert.ok(!built.servesAlso(libraryOf((ps) => (ps[0]!.summary = 'We propose Wolf, a framework for database indexing.')).papers), "a weak name's abstract edited");
    assert.ok(!built.servesAlso(libraryOf((ps) => (ps[1]!.title = 'MixLoRA2: Enhancing Fine-Tuning with LoRA-based Mixture of Experts')).papers), 'a title and name edited');
    assert.ok(!built.servesAlso(libraryOf((ps) => ps.reverse()).papers), 'the papers in another order');
  });

  it('finds what the edited library names, whichever matcher it uses', () => {
    const before = first();
    const weakEdited = libraryOf((ps) => (ps[0]!.summary = 'We propose Wolf, a framework for database indexing.'));
    weakEdited.succeed(before);
    assert.deepEqual(named(weakEdited, 'Wolf describes dashcam footage.'), [], 'its abstract no longer says so');
    const renamed = libraryOf((ps) => {
      ps[1]!.title = 'MixLoRA2: Enhancing Fine-Tuning with LoRA-based Mixture of Experts';
      ps[1]!.summary = 'We propose MixLoRA2, a parameter-efficient mixture of experts built from LoRA adapters.';
    });
    renamed.succeed(weakEdited);
    assert.deepEqual(named(renamed, 'MixLoRA2 adds experts; MixLoRA did too.'), ['MixLoRA2']);
    const untouched = libraryOf((ps) => {
      ps[1]!.title = 'MixLoRA2: Enhancing Fine-Tuning with LoRA-based Mixture of Experts';
      ps[1]!.summary = 'We propose MixLoRA2, a parameter-efficient mixture of experts built from LoRA adapters. It is fast.';
    });
    untouched.succeed(renamed);
    assert.deepEqual(named(untouched, 'MixLoRA2 adds experts.'), ['MixLoRA2'], 'kept across an edit of a strong name\'s abstract');
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as hibiki from '../../../src/index.js';

test("the data layer's public names reach the package API (none lost or made ambiguous by another layer)", () => {
  const api = hibiki as Record<string, unknown>;
  for (const name of [
    'readDataDir', 'writeDataDir', 'parseDataDir', 'validateDataDir', 'readAudioHeader',
    'Vocabulary', 'collectLabels', 'readPhoneMap', 'timitPhoneMap', 'foldTokens', 'foldAlignment',
    'countAlignmentFrames', 'countTextTokens', 'priorsFromCounts', 'writePriors', 'readPriors',
    'alignmentToFrameTargets', 'eventsToFrameTargets', 'alignmentTargetsOf', 'eventTargetsOf',
    'numFramesForSamples', 'numFramesForDuration', 'frameCentreSec',
    'prepareDataDir', 'importWavFolder', 'importTimit', 'importClassFolders', 'importTranscript', 'importEventList',
    'parseTextGrid', 'readTextGrid', 'textGridToAlignment', 'parseLab', 'parseAudacityLabels', 'parseDcaseEventList', 'parseTimitLabels',
  ]) {
    assert.equal(typeof api[name], 'function', name);
  }
  assert.equal(api['UNK'], '<unk>');
});

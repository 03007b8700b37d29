#!/usr/bin/env python3
"""WAV files written by sox in every format hibiki reads (and some it must refuse), to check the
WAV reader against an independent writer.

Regenerate (needs Debian's sox, pure Python):
    python3 test/golden/audio/make_wav_fixtures.py
Writes test/golden/audio/wav_sox.json: for each case the sox command, the file in base64, the
format tag sox wrote (0xFFFE = WAVE_FORMAT_EXTENSIBLE) and, for readable formats, the expected
samples per channel, decoded here independently with struct (integers / 2^(bits-1), 8-bit as
(x - 128) / 128, floats as stored).
"""
import base64
import json
import os
import struct
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'wav_sox.json')
CHANNELS, FRAMES, RATE = 3, 40, 22050


def source():
    vals = [((i * 7919 + 13) % 65536) - 32768 for i in range(CHANNELS * FRAMES)]
    vals[0], vals[1], vals[2] = -32768, 32767, 0
    return vals


def write_int16(path, vals):
    data = struct.pack('<%dh' % len(vals), *vals)
    fmt = struct.pack('<HHIIHH', 1, CHANNELS, RATE, RATE * 2 * CHANNELS, 2 * CHANNELS, 16)
    with open(path, 'wb') as f:
        f.write(b'RIFF' + struct.pack('<I', 4 + 8 + len(fmt) + 8 + len(data)) + b'WAVE')
        f.write(b'fmt ' + struct.pack('<I', len(fmt)) + fmt + b'data' + struct.pack('<I', len(data)) + data)


def parse(b):
    pos, fmt, data = 12, None, None
    while pos + 8 <= len(b):
        cid, size = b[pos:pos + 4], struct.unpack('<I', b[pos + 4:pos + 8])[0]
        body = b[pos + 8:pos + 8 + size]
        if cid == b'fmt ':
            fmt = body
        elif cid == b'data':
            data = body
        pos += 8 + size + (size & 1)
    tag, ch, rate, _, align, bits = struct.unpack('<HHIIHH', fmt[:16])
    if tag == 0xFFFE:
        tag = struct.unpack('<H', fmt[24:26])[0]
        ext = True
    else:
        ext = False
    return tag, ext, ch, rate, bits, data


def decode(tag, ch, bits, data):
    n = len(data) // (ch * bits // 8)
    out = [[] for _ in range(ch)]
    w = bits // 8
    for i in range(n):
        for c in range(ch):
            chunk = data[(i * ch + c) * w:(i * ch + c + 1) * w]
            if tag == 3:
                v = struct.unpack('<f' if bits == 32 else '<d', chunk)[0]
            elif bits == 8:
                v = (chunk[0] - 128) / 128
            else:
                v = int.from_bytes(chunk, 'little', signed=True) / 2 ** (bits - 1)
            out[c].append(v)
    return out


def main():
    cases = []
    specs = [
        ('pcm8', ['-b', '8', '-e', 'unsigned-integer']),
        ('pcm16', ['-b', '16', '-e', 'signed-integer']),
        ('pcm24', ['-b', '24', '-e', 'signed-integer']),
        ('pcm32', ['-b', '32', '-e', 'signed-integer']),
        ('float32', ['-b', '32', '-e', 'floating-point']),
        ('float64', ['-b', '64', '-e', 'floating-point']),
        ('mu-law', ['-e', 'u-law']),
        ('a-law', ['-e', 'a-law']),
        ('ima-adpcm', ['-e', 'ima-adpcm']),
        ('ms-adpcm', ['-e', 'ms-adpcm']),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, 'in.wav')
        write_int16(src, source())
        for name, args in specs:
            dst = os.path.join(tmp, name + '.wav')
            cmd = ['sox', '-D', src] + args + [dst]
            subprocess.run(cmd, check=True)
            b = open(dst, 'rb').read()
            tag, ext, ch, rate, bits, data = parse(b)
            case = {'name': name, 'command': 'sox -D in.wav %s out.wav' % ' '.join(args), 'formatTag': tag,
                    'extensible': ext, 'channels': ch, 'sampleRate': rate, 'bitsPerSample': bits,
                    'wavBase64': base64.b64encode(b).decode()}
            if tag in (1, 3):
                case['expected'] = decode(tag, ch, bits, data)
            cases.append(case)
    with open(OUT, 'w') as f:
        json.dump({'generator': 'test/golden/audio/make_wav_fixtures.py', 'source': 'int16, 3 channels, 40 frames, 22050 Hz',
                   'cases': cases}, f)
        f.write('\n')


if __name__ == '__main__':
    main()

#!/usr/bin/env python3
"""Golden NIST SPHERE files written by sox, to check hibiki's SPHERE reader against an
independent writer.

Regenerate (needs Debian's sox, pure Python):
    python3 test/golden/audio/make_sphere_fixtures.py
Writes test/golden/audio/sphere_sox.json: for each case the sox command, the .sph file in base64
and the int16 samples that went in (interleaved by frame).
"""
import base64
import json
import os
import struct
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'sphere_sox.json')


def write_wav(path, frames, channels, rate):
    data = struct.pack('<%dh' % len(frames), *frames)
    fmt = struct.pack('<HHIIHH', 1, channels, rate, rate * 2 * channels, 2 * channels, 16)
    with open(path, 'wb') as f:
        f.write(b'RIFF' + struct.pack('<I', 4 + 8 + len(fmt) + 8 + len(data)) + b'WAVE')
        f.write(b'fmt ' + struct.pack('<I', len(fmt)) + fmt + b'data' + struct.pack('<I', len(data)) + data)


def main():
    cases = []
    for name, channels, rate, endian in [('mono-big-endian', 1, 16000, '-B'), ('stereo-little-endian', 2, 8000, '-L')]:
        n = 48 * channels
        # deterministic values covering the int16 extremes and both signs
        values = [((i * 7919) % 65536) - 32768 for i in range(n)]
        values[0], values[1] = -32768, 32767
        with tempfile.TemporaryDirectory() as tmp:
            src, dst = os.path.join(tmp, 'in.wav'), os.path.join(tmp, 'out.sph')
            write_wav(src, values, channels, rate)
            cmd = ['sox', src, endian, '-t', 'sph', dst]
            subprocess.run(cmd, check=True)
            sph = open(dst, 'rb').read()
        cases.append({'name': name, 'command': 'sox in.wav %s -t sph out.sph' % endian, 'channels': channels,
                      'sampleRate': rate, 'int16Interleaved': values, 'sphBase64': base64.b64encode(sph).decode()})
    with open(OUT, 'w') as f:
        json.dump({'generator': 'test/golden/audio/make_sphere_fixtures.py', 'cases': cases}, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
